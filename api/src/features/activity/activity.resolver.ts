import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { AuthEvent, Location, Member, NasClient, RadiusSession } from '../../entities/index.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { connectionComplexity, toConnection } from '../../graphql/relay.js';
import {
  AuthEventConnection,
  AuthEventFilterInput,
  Dashboard,
  DisconnectMemberPayload,
  RadiusSessionConnection,
  RadiusSessionFilterInput,
} from './activity.inputs.js';
import { ActivityService } from './activity.service.js';

const activity = new ActivityService();

@Resolver(() => RadiusSession)
export class ActivityResolver {
  @Authorized(Permission.MemberRead)
  @Query(() => RadiusSessionConnection, { complexity: connectionComplexity })
  async radiusSessions(
    @Arg('filter', () => RadiusSessionFilterInput, { nullable: true })
    filter: RadiusSessionFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    return toConnection(await activity.sessions(ctx.em, ctx.actor!, filter ?? {}, first, after));
  }

  @Authorized(Permission.MemberRead)
  @Query(() => AuthEventConnection, { complexity: connectionComplexity })
  async authEvents(
    @Arg('filter', () => AuthEventFilterInput, { nullable: true }) filter: AuthEventFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    return toConnection(await activity.authEvents(ctx.em, ctx.actor!, filter ?? {}, first, after));
  }

  @Authorized(Permission.MemberRead)
  @Query(() => Dashboard)
  dashboard(@Ctx() ctx: GqlContext) {
    return activity.dashboard(ctx.em, ctx.actor!, ctx.services.members);
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => DisconnectMemberPayload, {
    description: 'Asks the RADIUS server to disconnect every open session of the member',
  })
  disconnectMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: GqlContext) {
    ctx.audit.targetType = 'Member';
    ctx.audit.targetId = memberId;
    return activity.disconnectMember(txOf(ctx), ctx.services.members, memberId);
  }

  // Links below were loaded with the page (one query per relation, not per row).
  @FieldResolver(() => Member, { nullable: true })
  member(@Root() s: RadiusSession): Member | null {
    return s.member;
  }

  @FieldResolver(() => NasClient, { nullable: true })
  nasClient(@Root() s: RadiusSession): NasClient | null {
    return s.nasClient;
  }

  @FieldResolver(() => Location, { nullable: true })
  location(@Root() s: RadiusSession): Location | null {
    return s.nasClient?.location ?? null;
  }

  @FieldResolver(() => Boolean)
  open(@Root() s: RadiusSession): boolean {
    return s.stoppedAt === null;
  }
}

@Resolver(() => AuthEvent)
export class AuthEventResolver {
  @FieldResolver(() => Member, { nullable: true })
  member(@Root() e: AuthEvent): Member | null {
    return e.member;
  }

  @FieldResolver(() => NasClient, { nullable: true })
  nasClient(@Root() e: AuthEvent): NasClient | null {
    return e.nasClient;
  }

  @FieldResolver(() => Location, { nullable: true })
  location(@Root() e: AuthEvent): Location | null {
    return e.location;
  }
}

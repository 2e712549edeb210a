import { Arg, Authorized, Ctx, Field, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { AuditEvent } from '../../entities/index.js';
import type { GqlContext } from '../../graphql/context.js';
import { connectionComplexity, connectionType, toConnection } from '../../graphql/relay.js';

@InputType()
export class AuditEventFilterInput {
  @Field(() => String, { nullable: true }) action?: string | null;
  @Field(() => String, { nullable: true }) targetType?: string | null;
  @Field(() => ID, { nullable: true }) targetId?: string | null;
  @Field(() => String, { nullable: true }) actorId?: string | null;
}

@ObjectType()
export class AuditEventConnection extends connectionType(AuditEvent, 'AuditEvent') {}

@Resolver(() => AuditEvent)
export class AuditResolver {
  /** Newest first. */
  @Authorized(Permission.AuditRead)
  @Query(() => AuditEventConnection, { complexity: connectionComplexity })
  async auditEvents(
    @Arg('filter', () => AuditEventFilterInput, { nullable: true }) filter: AuditEventFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    return toConnection(await ctx.services.audit.list(ctx.em, ctx.actor!, filter ?? {}, first, after));
  }
}

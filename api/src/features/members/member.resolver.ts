import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import {
  AccessGrant,
  Device,
  GrantKind,
  Group,
  Location,
  Member,
  MemberStatus,
} from '../../entities/index.js';
import { defined } from '../../graphql/args.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { connectionComplexity, toConnection } from '../../graphql/relay.js';
import {
  AccessDecisionType,
  CreateMemberInput,
  MemberConnection,
  MemberFilterInput,
  MemberPayload,
  SetMemberPassphraseInput,
  UpdateMemberInput,
} from './member.inputs.js';

@Resolver(() => Member)
export class MemberResolver {
  @Authorized(Permission.MemberRead)
  @Query(() => MemberConnection, { complexity: connectionComplexity })
  async members(
    @Arg('filter', () => MemberFilterInput, { nullable: true }) filter: MemberFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    return toConnection(await ctx.services.members.list(ctx.em, ctx.actor!, filter ?? {}, first, after));
  }

  @Authorized(Permission.MemberRead)
  @Query(() => Member)
  member(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext) {
    return ctx.services.members.get(ctx.em, ctx.actor!, id);
  }

  /** Location managers see only their locations. */
  @FieldResolver(() => [Location])
  homeLocations(@Root() member: Member, @Ctx() ctx: GqlContext): Promise<Location[]> {
    return ctx.services.members.homeLocationsFor(ctx.actor!, member);
  }

  /** Location managers see their locations' groups and deployment-wide ones. */
  @FieldResolver(() => [Group])
  groups(@Root() member: Member, @Ctx() ctx: GqlContext): Promise<Group[]> {
    return ctx.services.members.groupsFor(ctx.actor!, member);
  }

  /** Location managers see their locations' grants and deployment-wide ones. */
  @FieldResolver(() => [AccessGrant])
  grants(@Root() member: Member, @Ctx() ctx: GqlContext): Promise<AccessGrant[]> {
    return ctx.services.grants.listForMember(ctx.em, ctx.actor!, member);
  }

  @FieldResolver(() => [Device])
  devices(@Root() member: Member, @Ctx() ctx: GqlContext): Promise<Device[]> {
    return ctx.em.find(
      Device,
      { member: member.id },
      { orderBy: { lastSeenAt: 'desc nulls last', id: 'asc' } },
    );
  }

  @FieldResolver(() => Boolean, {
    description: 'A passphrase is set (reveal it with revealMemberPassphrase)',
  })
  hasPassphrase(@Root() member: Member): boolean {
    return member.passphraseFingerprint !== null;
  }

  @FieldResolver(() => AccessDecisionType)
  async accessAt(
    @Root() member: Member,
    @Arg('locationId', () => ID) locationId: string,
    @Ctx() ctx: GqlContext,
  ): Promise<AccessDecisionType> {
    const d = await ctx.services.members.accessAt(ctx.em, ctx.actor!, member, locationId);
    return { ...d, ...d.policy, grantKind: d.grantKind as GrantKind | null };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => MemberPayload)
  async createMember(
    @Arg('input', () => CreateMemberInput) input: CreateMemberInput,
    @Ctx() ctx: GqlContext,
  ) {
    return { member: await ctx.services.members.create(txOf(ctx), defined(input)) };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => MemberPayload)
  async updateMember(
    @Arg('input', () => UpdateMemberInput) input: UpdateMemberInput,
    @Ctx() ctx: GqlContext,
  ) {
    const { id, ...fields } = input;
    return { member: await ctx.services.members.update(txOf(ctx), id, defined(fields, ['company'])) };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => MemberPayload)
  async disableMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: GqlContext) {
    return { member: await ctx.services.members.setStatus(txOf(ctx), memberId, MemberStatus.DISABLED) };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => MemberPayload)
  async enableMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: GqlContext) {
    return { member: await ctx.services.members.setStatus(txOf(ctx), memberId, MemberStatus.ACTIVE) };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => MemberPayload)
  async deleteMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: GqlContext) {
    return { member: await ctx.services.members.delete(txOf(ctx), memberId) };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => MemberPayload, {
    description: 'Generates a new passphrase; devices must reconnect with it',
  })
  async rotateMemberPassphrase(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: GqlContext) {
    return { member: await ctx.services.members.setPassphrase(txOf(ctx), memberId) };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => MemberPayload)
  async setMemberPassphrase(
    @Arg('input', () => SetMemberPassphraseInput) input: SetMemberPassphraseInput,
    @Ctx() ctx: GqlContext,
  ) {
    return { member: await ctx.services.members.setPassphrase(txOf(ctx), input.memberId, input.passphrase) };
  }

  /** A mutation, not a query, so that every reveal is written to the audit log. */
  @Authorized(Permission.MemberSecret)
  @Mutation(() => String, { nullable: true })
  async revealMemberPassphrase(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: GqlContext) {
    ctx.audit.targetType = 'Member';
    ctx.audit.targetId = memberId;
    return ctx.services.members.revealPassphrase(txOf(ctx), memberId);
  }
}

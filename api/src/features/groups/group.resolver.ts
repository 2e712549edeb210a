import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { Group, Location, Member } from '../../entities/index.js';
import { defined } from '../../graphql/args.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { DeletePayload } from '../../graphql/relay.js';
import { CreateGroupInput, GroupPayload, UpdateGroupInput } from './group.inputs.js';

@Resolver(() => Group)
export class GroupResolver {
  @Authorized(Permission.GroupRead)
  @Query(() => [Group])
  groups(@Arg('locationId', () => ID, { nullable: true }) locationId: string | null, @Ctx() ctx: GqlContext) {
    return ctx.services.groups.list(ctx.em, ctx.actor!, locationId);
  }

  @Authorized(Permission.GroupRead)
  @Query(() => Group)
  group(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext) {
    return ctx.services.groups.get(ctx.em, ctx.actor!, id);
  }

  @FieldResolver(() => Location, { nullable: true })
  location(@Root() group: Group, @Ctx() ctx: GqlContext): Promise<Location | null> | null {
    return group.location ? ctx.em.findOneOrFail(Location, { id: group.location.id }) : null;
  }

  @FieldResolver(() => Int)
  memberCount(@Root() group: Group, @Ctx() ctx: GqlContext): Promise<number> {
    return ctx.em.count(Member, { groups: { $some: { id: group.id } } });
  }

  @Authorized(Permission.GroupWrite)
  @Mutation(() => GroupPayload)
  async createGroup(@Arg('input', () => CreateGroupInput) input: CreateGroupInput, @Ctx() ctx: GqlContext) {
    return { group: await ctx.services.groups.create(txOf(ctx), defined(input)) };
  }

  @Authorized(Permission.GroupWrite)
  @Mutation(() => GroupPayload)
  async updateGroup(@Arg('input', () => UpdateGroupInput) input: UpdateGroupInput, @Ctx() ctx: GqlContext) {
    const { id, ...fields } = input;
    return {
      group: await ctx.services.groups.update(
        txOf(ctx),
        id,
        defined(fields, [
          'locationId',
          'vlanId',
          'bandwidthUpKbps',
          'bandwidthDownKbps',
          'sessionTimeoutSeconds',
          'maxDevices',
        ]),
      ),
    };
  }

  @Authorized(Permission.GroupWrite)
  @Mutation(() => DeletePayload)
  async deleteGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<DeletePayload> {
    return { deletedId: await ctx.services.groups.delete(txOf(ctx), id) };
  }
}

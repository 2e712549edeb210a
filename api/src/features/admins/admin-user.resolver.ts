import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { AdminUser, Location } from '../../entities/index.js';
import { defined } from '../../graphql/args.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { DeletePayload } from '../../graphql/relay.js';
import { AdminUserPayload, CreateAdminUserInput, UpdateAdminUserInput } from './admin-user.inputs.js';

@Resolver(() => AdminUser)
export class AdminUserResolver {
  @Authorized(Permission.AdminManage)
  @Query(() => [AdminUser])
  adminUsers(@Ctx() ctx: GqlContext) {
    return ctx.services.admins.list(ctx.em, ctx.actor!);
  }

  @FieldResolver(() => [Location])
  async locations(@Root() admin: AdminUser, @Ctx() ctx: GqlContext): Promise<Location[]> {
    await ctx.em.populate(admin, ['locations']);
    return admin.locations.getItems();
  }

  @Authorized(Permission.AdminManage)
  @Mutation(() => AdminUserPayload)
  async createAdminUser(
    @Arg('input', () => CreateAdminUserInput) input: CreateAdminUserInput,
    @Ctx() ctx: GqlContext,
  ) {
    return { adminUser: await ctx.services.admins.create(txOf(ctx), input) };
  }

  @Authorized(Permission.AdminManage)
  @Mutation(() => AdminUserPayload)
  async updateAdminUser(
    @Arg('input', () => UpdateAdminUserInput) input: UpdateAdminUserInput,
    @Ctx() ctx: GqlContext,
  ) {
    const { id, ...fields } = input;
    return { adminUser: await ctx.services.admins.update(txOf(ctx), id, defined(fields)) };
  }

  @Authorized(Permission.AdminManage)
  @Mutation(() => DeletePayload)
  async deleteAdminUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<DeletePayload> {
    return { deletedId: await ctx.services.admins.delete(txOf(ctx), id) };
  }
}

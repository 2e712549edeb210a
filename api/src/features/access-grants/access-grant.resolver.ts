import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { AccessGrant, Location } from '../../entities/index.js';
import { defined } from '../../graphql/args.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { DeletePayload } from '../../graphql/relay.js';
import { AccessGrantPayload, CreateAccessGrantInput, UpdateAccessGrantInput } from './access-grant.inputs.js';

@Resolver(() => AccessGrant)
export class AccessGrantResolver {
  @FieldResolver(() => Location, { nullable: true })
  location(@Root() grant: AccessGrant, @Ctx() ctx: GqlContext): Promise<Location> | null {
    return grant.location ? ctx.em.findOneOrFail(Location, { id: grant.location.id }) : null;
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => AccessGrantPayload)
  async createAccessGrant(
    @Arg('input', () => CreateAccessGrantInput) input: CreateAccessGrantInput,
    @Ctx() ctx: GqlContext,
  ) {
    return { accessGrant: await ctx.services.grants.create(txOf(ctx), defined(input)) };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => AccessGrantPayload)
  async updateAccessGrant(
    @Arg('input', () => UpdateAccessGrantInput) input: UpdateAccessGrantInput,
    @Ctx() ctx: GqlContext,
  ) {
    const { id, ...fields } = input;
    return {
      accessGrant: await ctx.services.grants.update(
        txOf(ctx),
        id,
        defined(fields, ['locationId', 'endsAt', 'cancelledAt', 'note']),
      ),
    };
  }

  @Authorized(Permission.MemberWrite)
  @Mutation(() => DeletePayload)
  async deleteAccessGrant(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<DeletePayload> {
    return { deletedId: await ctx.services.grants.delete(txOf(ctx), id) };
  }
}

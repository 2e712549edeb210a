import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { Location } from '../../entities/index.js';
import { defined } from '../../graphql/args.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { DeletePayload } from '../../graphql/relay.js';
import { CreateLocationInput, LocationPayload, UpdateLocationInput } from './location.inputs.js';

@Resolver(() => Location)
export class LocationResolver {
  @Authorized(Permission.LocationRead)
  @Query(() => [Location])
  locations(@Ctx() ctx: GqlContext): Promise<Location[]> {
    return ctx.services.locations.list(ctx.em, ctx.actor!);
  }

  @Authorized(Permission.LocationRead)
  @Query(() => Location)
  location(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<Location> {
    return ctx.services.locations.get(ctx.em, ctx.actor!, id);
  }

  @FieldResolver(() => String, { description: 'The member portal of this location' })
  portalUrl(@Root() location: Location, @Ctx() ctx: GqlContext): string {
    return `${ctx.services.config.publicUrl}/portal/${location.slug}`;
  }

  @Authorized(Permission.LocationWrite)
  @Mutation(() => LocationPayload)
  async createLocation(
    @Arg('input', () => CreateLocationInput) input: CreateLocationInput,
    @Ctx() ctx: GqlContext,
  ) {
    return { location: await ctx.services.locations.create(txOf(ctx), defined(input)) };
  }

  @Authorized(Permission.LocationWrite)
  @Mutation(() => LocationPayload)
  async updateLocation(
    @Arg('input', () => UpdateLocationInput) input: UpdateLocationInput,
    @Ctx() ctx: GqlContext,
  ) {
    const { id, ...fields } = input;
    return {
      location: await ctx.services.locations.update(
        txOf(ctx),
        id,
        defined(fields, ['defaultVlanId', 'vlanPoolStart', 'vlanPoolEnd', 'branding']),
      ),
    };
  }

  @Authorized(Permission.LocationWrite)
  @Mutation(() => DeletePayload)
  async deleteLocation(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<DeletePayload> {
    return { deletedId: await ctx.services.locations.delete(txOf(ctx), id) };
  }
}

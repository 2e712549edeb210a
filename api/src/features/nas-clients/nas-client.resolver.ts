import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { Location, NasClient } from '../../entities/index.js';
import { defined } from '../../graphql/args.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { DeletePayload } from '../../graphql/relay.js';
import {
  CreateNasClientInput,
  NasClientPayload,
  NasClientWithSecretPayload,
  RotateNasClientSecretInput,
  UpdateNasClientInput,
} from './nas-client.inputs.js';

@Resolver(() => NasClient)
export class NasClientResolver {
  @Authorized(Permission.NasRead)
  @Query(() => [NasClient])
  nasClients(
    @Arg('locationId', () => ID, { nullable: true }) locationId: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    return ctx.services.nasClients.list(ctx.em, ctx.actor!, locationId);
  }

  @Authorized(Permission.NasRead)
  @Query(() => NasClient)
  nasClient(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext) {
    return ctx.services.nasClients.get(ctx.em, ctx.actor!, id);
  }

  @FieldResolver(() => Location)
  location(@Root() nas: NasClient, @Ctx() ctx: GqlContext): Promise<Location> {
    return ctx.em.findOneOrFail(Location, { id: nas.location.id });
  }

  @Authorized(Permission.NasWrite)
  @Mutation(() => NasClientWithSecretPayload)
  createNasClient(
    @Arg('input', () => CreateNasClientInput) input: CreateNasClientInput,
    @Ctx() ctx: GqlContext,
  ) {
    return ctx.services.nasClients.create(txOf(ctx), input);
  }

  @Authorized(Permission.NasWrite)
  @Mutation(() => NasClientPayload)
  async updateNasClient(
    @Arg('input', () => UpdateNasClientInput) input: UpdateNasClientInput,
    @Ctx() ctx: GqlContext,
  ) {
    const { id, ...fields } = input;
    return { nasClient: await ctx.services.nasClients.update(txOf(ctx), id, defined(fields)) };
  }

  @Authorized(Permission.NasWrite)
  @Mutation(() => NasClientWithSecretPayload)
  rotateNasClientSecret(
    @Arg('input', () => RotateNasClientSecretInput) input: RotateNasClientSecretInput,
    @Ctx() ctx: GqlContext,
  ) {
    return ctx.services.nasClients.rotateSecret(txOf(ctx), input.id, input.secret);
  }

  @Authorized(Permission.NasWrite)
  @Mutation(() => DeletePayload)
  async deleteNasClient(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<DeletePayload> {
    return { deletedId: await ctx.services.nasClients.delete(txOf(ctx), id) };
  }
}

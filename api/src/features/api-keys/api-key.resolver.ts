import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { ApiKey } from '../../entities/index.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { ApiKeyPayload, CreateApiKeyInput, CreateApiKeyPayload } from './api-key.inputs.js';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized(Permission.ApiKeyManage)
  @Query(() => [ApiKey])
  apiKeys(@Ctx() ctx: GqlContext) {
    return ctx.services.apiKeys.list(ctx.em, ctx.actor!);
  }

  @Authorized(Permission.ApiKeyManage)
  @Mutation(() => CreateApiKeyPayload)
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GqlContext) {
    return ctx.services.apiKeys.create(txOf(ctx), input);
  }

  @Authorized(Permission.ApiKeyManage)
  @Mutation(() => ApiKeyPayload)
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext) {
    return { apiKey: await ctx.services.apiKeys.revoke(txOf(ctx), id) };
  }
}

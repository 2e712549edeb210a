import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { hasPermission } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import {
  Integration,
  IntegrationHealth,
  Location,
  LocationMapping,
  SyncLogEntry,
  SyncRun,
  SyncRunStatus,
  WebhookDelivery,
} from '../../entities/index.js';
import { defined } from '../../graphql/args.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { readIntegrationSettings } from '../../integrations/integration-settings.js';
import { connectionComplexity, connectionType, DeletePayload, toConnection } from '../../graphql/relay.js';
import {
  CreateIntegrationInput,
  IntegrationPayload,
  IntegrationSettingsType,
  IntegrationWarning,
  LocationMappingPayload,
  ReconnectIntegrationInput,
  RemapLocationInput,
  SyncModeEnum,
  SyncRunPayload,
  UpdateIntegrationInput,
} from './integration.inputs.js';

@ObjectType()
export class WebhookEndpoint {
  @Field(() => String, { description: 'Upstream event (Nexudus action) this URL is for; * for every event.' })
  event!: string;
  @Field(() => String) url!: string;
}

@ObjectType()
export class SyncRunConnection extends connectionType(SyncRun, 'SyncRun') {}

@ObjectType()
export class WebhookDeliveryConnection extends connectionType(WebhookDelivery, 'WebhookDelivery') {}

@InputType()
export class SyncRunFilterInput {
  @Field(() => ID, { nullable: true }) integrationId?: string | null;
  @Field(() => SyncRunStatus, { nullable: true }) status?: SyncRunStatus | null;
}

@Resolver(() => Integration)
export class IntegrationResolver {
  @Authorized(Permission.IntegrationRead)
  @Query(() => [Integration])
  integrations(@Ctx() ctx: GqlContext) {
    return ctx.services.integrations.list(ctx.em, ctx.actor!);
  }

  @Authorized(Permission.IntegrationRead)
  @Query(() => Integration)
  integration(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext) {
    return ctx.services.integrations.get(ctx.em, ctx.actor!, id);
  }

  @FieldResolver(() => IntegrationHealth, { description: 'Connected, needs reconnect, error, never synced.' })
  status(@Root() integration: Integration): IntegrationHealth {
    return integration.health;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The URL to paste upstream (Nexudus: add /<Action>, see webhookEndpoints). Its token is a credential: ' +
      'null unless the caller may change integrations.',
  })
  webhookUrl(@Root() integration: Integration, @Ctx() ctx: GqlContext): string | null {
    return hasPermission(ctx.actor, Permission.IntegrationWrite)
      ? ctx.services.integrations.webhookUrl(integration)
      : null;
  }

  @FieldResolver(() => [WebhookEndpoint], {
    description: 'Empty unless the caller may change integrations (the URLs carry the secret token).',
  })
  webhookEndpoints(@Root() integration: Integration, @Ctx() ctx: GqlContext): WebhookEndpoint[] {
    return hasPermission(ctx.actor, Permission.IntegrationWrite)
      ? ctx.services.integrations.webhookEndpoints(integration)
      : [];
  }

  @FieldResolver(() => Boolean, { description: 'Deliveries are verified against a signing secret.' })
  async hasWebhookSecret(@Root() integration: Integration, @Ctx() ctx: GqlContext): Promise<boolean> {
    await ctx.em.populate(integration, ['webhookSecretEnc']);
    return integration.webhookSecretEnc != null;
  }

  @FieldResolver(() => [IntegrationWarning])
  warnings(@Root() integration: Integration, @Ctx() ctx: GqlContext): Promise<IntegrationWarning[]> {
    return ctx.services.integrations.warnings(ctx.em, integration);
  }

  @FieldResolver(() => IntegrationSettingsType)
  settings(@Root() integration: Integration): IntegrationSettingsType {
    return readIntegrationSettings(integration.settings) as unknown as IntegrationSettingsType;
  }

  @FieldResolver(() => [LocationMapping])
  locationMappings(@Root() integration: Integration, @Ctx() ctx: GqlContext) {
    return ctx.services.integrations.mappings(ctx.em, integration);
  }

  @FieldResolver(() => SyncRun, { nullable: true })
  lastRun(@Root() integration: Integration, @Ctx() ctx: GqlContext) {
    return ctx.em.findOne(SyncRun, { integration }, { orderBy: { id: 'desc' } });
  }

  @Authorized(Permission.IntegrationWrite)
  @Mutation(() => IntegrationPayload, {
    description: 'Connects to the platform, stores tokens (never passwords) and starts the first sync.',
  })
  createIntegration(
    @Arg('input', () => CreateIntegrationInput) input: CreateIntegrationInput,
    @Ctx() ctx: GqlContext,
  ) {
    return ctx.services.integrations.create(txOf(ctx), input);
  }

  @Authorized(Permission.IntegrationWrite)
  @Mutation(() => IntegrationPayload)
  async updateIntegration(
    @Arg('input', () => UpdateIntegrationInput) input: UpdateIntegrationInput,
    @Ctx() ctx: GqlContext,
  ) {
    const { id, ...fields } = input;
    return { integration: await ctx.services.integrations.update(txOf(ctx), id, defined(fields)) };
  }

  @Authorized(Permission.IntegrationWrite)
  @Mutation(() => IntegrationPayload)
  async reconnectIntegration(
    @Arg('input', () => ReconnectIntegrationInput) input: ReconnectIntegrationInput,
    @Ctx() ctx: GqlContext,
  ) {
    return { integration: await ctx.services.integrations.reconnect(txOf(ctx), input.id, input.credentials) };
  }

  @Authorized(Permission.IntegrationWrite)
  @Mutation(() => DeletePayload)
  async deleteIntegration(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<DeletePayload> {
    return { deletedId: await ctx.services.integrations.delete(txOf(ctx), id) };
  }

  @Authorized(Permission.IntegrationWrite)
  @Mutation(() => LocationMappingPayload)
  async remapLocation(
    @Arg('input', () => RemapLocationInput) input: RemapLocationInput,
    @Ctx() ctx: GqlContext,
  ) {
    return {
      mapping: await ctx.services.integrations.remapLocation(txOf(ctx), input.mappingId, input.locationId),
    };
  }

  @Authorized(Permission.IntegrationRead)
  @Query(() => WebhookDeliveryConnection, { complexity: connectionComplexity })
  async webhookDeliveries(
    @Arg('integrationId', () => ID) integrationId: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    return toConnection(
      await ctx.services.integrations.listDeliveries(ctx.em, ctx.actor!, integrationId, first, after),
    );
  }
}

@Resolver(() => SyncRun)
export class SyncRunResolver {
  @Authorized(Permission.SyncRun)
  @Mutation(() => SyncRun, {
    description: 'Starts a sync now ("Sync now"); follow it with syncRunEvents(runId).',
  })
  runSync(
    @Arg('integrationId', () => ID) integrationId: string,
    @Arg('mode', () => SyncModeEnum, { defaultValue: SyncModeEnum.FULL }) mode: SyncModeEnum,
    @Ctx() ctx: GqlContext,
  ) {
    return ctx.services.integrations.runSync(txOf(ctx), integrationId, mode);
  }

  @Authorized(Permission.IntegrationRead)
  @Query(() => SyncRun)
  syncRun(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext) {
    return ctx.services.integrations.getRun(ctx.em, ctx.actor!, id);
  }

  /** Newest first. */
  @Authorized(Permission.IntegrationRead)
  @Query(() => SyncRunConnection, { complexity: connectionComplexity })
  async syncRuns(
    @Arg('filter', () => SyncRunFilterInput, { nullable: true }) filter: SyncRunFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    return toConnection(
      await ctx.services.integrations.listRuns(ctx.em, ctx.actor!, filter ?? {}, first, after),
    );
  }

  @FieldResolver(() => Integration)
  integration(@Root() run: SyncRun, @Ctx() ctx: GqlContext): Promise<Integration> {
    return ctx.em.findOneOrFail(Integration, { id: run.integration.id });
  }

  @FieldResolver(() => [SyncLogEntry], { description: 'Log lines in order; page with afterSeq.' })
  log(
    @Root() run: SyncRun,
    @Arg('afterSeq', () => Int, { nullable: true }) afterSeq: number | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: GqlContext,
  ): Promise<SyncLogEntry[]> {
    return ctx.services.integrations.log(ctx.em, run, afterSeq, first);
  }

  @Authorized(Permission.SyncRun)
  @Mutation(() => SyncRunPayload, { description: 'Applies a run held by the safety check.' })
  async confirmSyncRun(@Arg('runId', () => ID) runId: string, @Ctx() ctx: GqlContext) {
    return { run: await ctx.services.integrations.confirmRun(txOf(ctx), runId) };
  }

  @Authorized(Permission.SyncRun)
  @Mutation(() => SyncRunPayload, { description: 'Drops a held run; nothing of it is applied.' })
  async discardSyncRun(@Arg('runId', () => ID) runId: string, @Ctx() ctx: GqlContext) {
    return { run: await ctx.services.integrations.discardRun(txOf(ctx), runId) };
  }
}

@Resolver(() => LocationMapping)
export class LocationMappingResolver {
  @FieldResolver(() => Location)
  location(@Root() mapping: LocationMapping, @Ctx() ctx: GqlContext): Promise<Location> {
    return ctx.em.findOneOrFail(Location, { id: mapping.location.id });
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => SyncRun, { nullable: true })
  syncRun(@Root() delivery: WebhookDelivery, @Ctx() ctx: GqlContext): Promise<SyncRun | null> | null {
    return delivery.syncRun ? ctx.em.findOne(SyncRun, { id: delivery.syncRun.id }) : null;
  }
}

import { randomBytes } from 'node:crypto';
import { SecretAad } from '@lanyard/schema';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import type { SecretBox } from '../../common/crypto/secret-box.js';
import { DomainError, ErrorCode, notFound, Problems } from '../../common/errors.js';
import { paginate, type Page } from '../../common/pagination.js';
import type { Tx } from '../../common/tx.js';
import {
  Group,
  Integration,
  IntegrationHealth,
  IntegrationKind,
  Location,
  LocationMapping,
  SyncLogEntry,
  SyncRun,
  SyncRunStatus,
  SyncTrigger,
  WebhookDelivery,
  WebhookOutcome,
} from '../../entities/index.js';
import { UpstreamError, type ConnectRequest, type StoredCredentials } from '../../integrations/connector.js';
import {
  DEFAULT_INTEGRATION_SETTINGS,
  readIntegrationSettings,
  type IntegrationSettings,
} from '../../integrations/integration-settings.js';
import type { ConnectorRegistry } from '../../integrations/registry.js';
import { sealCredentials } from '../../sync/credential-store.js';
import { notifyMemberChanged } from '../../events/notify.js';
import { IntegrationWarningCode, type IntegrationWarning } from './integration.inputs.js';

/** What the service needs from the sync engine (api/src/sync/sync-engine.ts). */
export interface SyncRunner {
  createRun(
    em: EntityManager,
    integration: Integration,
    trigger: SyncTrigger,
    request: { mode: 'FULL' | 'INCREMENTAL' | 'MEMBERS'; memberExternalIds?: string[] },
  ): Promise<SyncRun>;
  confirm(
    em: EntityManager,
    runId: string,
    afterCommit?: (fn: () => Promise<unknown> | unknown) => void,
  ): Promise<SyncRun>;
  discard(em: EntityManager, runId: string): Promise<SyncRun>;
}

/** Starts a committed QUEUED run (in this process, right away; the scheduler sweeps up leftovers). */
export interface RunDispatcher {
  dispatch(runId: string): void;
}

export interface IntegrationSyncDeps {
  connectors: ConnectorRegistry;
  runner: SyncRunner;
  dispatcher: RunDispatcher;
}

export interface CredentialsFields {
  email?: string | null;
  password?: string | null;
  totp?: string | null;
  clientId?: string | null;
  clientSecret?: string | null;
}

export interface CreateIntegrationFields {
  kind: IntegrationKind;
  name: string;
  baseUrl?: string | null;
  credentials: CredentialsFields;
  settings?: SettingsPatch | null;
  webhookSecret?: string | null;
}

export interface UpdateIntegrationFields {
  name?: string;
  baseUrl?: string;
  settings?: SettingsPatch;
  webhookSecret?: string;
  enabled?: boolean;
}

/** Nexudus sends one webhook per action, each to its own URL; these are the actions that change access. */
export const NEXUDUS_WEBHOOK_ACTIONS = [
  'CoworkerCreate',
  'CoworkerUpdate',
  'CoworkerDelete',
  'CoworkerContractCreate',
  'CoworkerContractActivate',
  'CoworkerContractActivateFirst',
  'CoworkerContractUpdate',
  'CoworkerContractCancel',
  'CoworkerContractRenew',
  'CoworkerContractUpgradeDowngrade',
  'CoworkerContractDelete',
  'TeamCreated',
  'TeamUpdated',
  'TeamDeleted',
  'BookingCreate',
  'BookingUpdate',
  'BookingDelete',
  'CheckinCreated',
  'CheckinUpdated',
  'CheckinDeleted',
  'CoworkerCheckin',
  'CoworkerCheckout',
] as const;

const MAX_PLAN_MAPPINGS = 1000;
const FIELD_NAME_RE = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;

/** What an admin may send: any subset; null clears only the two optional field names. */
export type SettingsPatch = {
  [K in Exclude<keyof IntegrationSettings, 'planMappings'>]?: IntegrationSettings[K] | null;
} & {
  planMappings?: Array<{ planExternalId: string; noAccess: boolean; groupId?: string | null }> | null;
};
const CLEARABLE = new Set(['usernameField', 'passphraseField']);

/** Settings merged over `base`, with every problem reported at once. */
export function mergeSettings(
  base: IntegrationSettings,
  patch: SettingsPatch | null | undefined,
  p: Problems,
): IntegrationSettings {
  const s: IntegrationSettings = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === undefined || !(k in DEFAULT_INTEGRATION_SETTINGS)) continue;
    if (v === null && !CLEARABLE.has(k)) continue;
    (s as unknown as Record<string, unknown>)[k] = v;
  }
  const int = (field: keyof IntegrationSettings, min: number, max: number) => {
    const v = s[field] as number;
    if (!Number.isInteger(v) || v < min || v > max)
      p.add(`settings.${field}`, 'OUT_OF_RANGE', `must be ${min}–${max}`);
  };
  int('syncIntervalMinutes', 5, 1440);
  int('safetyThresholdPercent', 1, 100);
  int('safetyMinimumPeople', 0, 100_000);
  if (s.usernameFormat === 'CUSTOM_FIELD' && !s.usernameField)
    p.add('settings.usernameField', 'REQUIRED', 'name the upstream field that holds the username');
  if (s.passphraseSource === 'UPSTREAM_FIELD' && !s.passphraseField)
    p.add('settings.passphraseField', 'REQUIRED', 'name the upstream field that holds the passphrase');
  for (const f of ['usernameField', 'passphraseField'] as const) {
    const v = s[f];
    if (v != null && !FIELD_NAME_RE.test(v))
      p.add(`settings.${f}`, 'INVALID_FIELD_NAME', 'letters, digits, _ and .');
  }
  if (s.planMappings.length > MAX_PLAN_MAPPINGS)
    p.add('settings.planMappings', 'TOO_MANY', `at most ${MAX_PLAN_MAPPINGS} plans`);
  const seen = new Set<string>();
  s.planMappings = s.planMappings.map((m, i) => {
    const id = m.planExternalId?.trim() ?? '';
    if (!id || id.length > 200)
      p.add(`settings.planMappings.${i}.planExternalId`, 'REQUIRED', 'a plan id is required');
    if (seen.has(id)) p.add(`settings.planMappings.${i}.planExternalId`, 'DUPLICATE', 'each plan once');
    seen.add(id);
    return { planExternalId: id, noAccess: !!m.noAccess, groupId: m.noAccess ? null : (m.groupId ?? null) };
  });
  return s;
}

export class IntegrationService {
  constructor(
    private readonly secrets: SecretBox,
    private readonly publicUrl: string,
    private readonly sync: IntegrationSyncDeps,
  ) {}

  webhookUrl(integration: Integration): string {
    return `${this.publicUrl}/webhooks/${integration.webhookToken}`;
  }

  /** One URL per upstream event to configure (Nexudus: per action), or one for everything (Svix). */
  webhookEndpoints(integration: Integration): Array<{ event: string; url: string }> {
    const base = this.webhookUrl(integration);
    if (integration.kind === IntegrationKind.NEXUDUS)
      return NEXUDUS_WEBHOOK_ACTIONS.map((event) => ({ event, url: `${base}/${event}` }));
    return [{ event: '*', url: base }];
  }

  list(em: EntityManager, actor: Actor): Promise<Integration[]> {
    requireStaff(actor, Permission.IntegrationRead);
    return em.find(Integration, {}, { orderBy: { name: 'asc', id: 'asc' } });
  }

  async get(em: EntityManager, actor: Actor, id: string): Promise<Integration> {
    requireStaff(actor, Permission.IntegrationRead);
    const integration = await em.findOne(Integration, { id });
    if (!integration) throw notFound('Integration', id);
    return integration;
  }

  async create(tx: Tx, input: CreateIntegrationFields): Promise<{ integration: Integration; run: SyncRun }> {
    requireStaff(tx.actor, Permission.IntegrationWrite);
    const p = new Problems();
    const name = input.name.trim();
    if (!name || name.length > 100) p.add('name', 'INVALID_NAME', 'must be 1–100 characters');
    const baseUrl = this.validateBaseUrl(input.baseUrl ?? this.sync.connectors.defaultBaseUrl(input.kind), p);
    this.validateCredentials(input.kind, input.credentials, p);
    const settings = mergeSettings(DEFAULT_INTEGRATION_SETTINGS, input.settings, p);
    if (input.webhookSecret != null) this.validateWebhookSecret(input.webhookSecret, p);
    p.throwIfAny();
    await this.assertGroupsExist(tx.em, settings);
    if (await tx.em.count(Integration, { name }))
      throw new DomainError(ErrorCode.ALREADY_EXISTS, 'An integration with this name exists', {
        field: 'name',
      });

    const stored = await this.connect(input.kind, { ...input.credentials, baseUrl: baseUrl! });
    const integration = tx.em.create(Integration, {
      kind: input.kind,
      name,
      baseUrl: baseUrl!,
      settings: settings as unknown as Record<string, unknown>,
      webhookToken: randomBytes(32).toString('base64url'),
      syncCursor: null,
      health: IntegrationHealth.CONNECTED,
      enabled: true,
    });
    this.storeCredentials(integration, stored);
    if (input.webhookSecret)
      integration.webhookSecretEnc = this.encryptWebhookSecret(integration, input.webhookSecret);
    await tx.em.flush();
    const run = await this.sync.runner.createRun(tx.em, integration, SyncTrigger.MANUAL, { mode: 'FULL' });
    tx.afterCommit(() => this.sync.dispatcher.dispatch(run.id));
    return { integration, run };
  }

  async update(tx: Tx, id: string, input: UpdateIntegrationFields): Promise<Integration> {
    requireStaff(tx.actor, Permission.IntegrationWrite);
    const integration = await this.get(tx.em, tx.actor, id);
    const p = new Problems();
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name || name.length > 100) p.add('name', 'INVALID_NAME', 'must be 1–100 characters');
      else if (name !== integration.name && (await tx.em.count(Integration, { name, id: { $ne: id } })))
        p.add('name', 'ALREADY_EXISTS', 'another integration has this name');
      else integration.name = name;
    }
    if (input.baseUrl !== undefined) {
      const url = this.validateBaseUrl(input.baseUrl, p);
      if (url && url !== integration.baseUrl) {
        // Stored tokens/secrets were issued for the old host and must never be sent to another one:
        // the admin reconnects (typing the credentials again) against the new address.
        integration.baseUrl = url;
        integration.credentialsEnc = null;
        integration.tokenExpiresAt = null;
        integration.health = IntegrationHealth.NEEDS_RECONNECT;
        integration.lastError = 'The API address changed: reconnect with the credentials for it';
      }
    }
    let settings = readIntegrationSettings(integration.settings);
    if (input.settings) settings = mergeSettings(settings, input.settings, p);
    if (input.webhookSecret) this.validateWebhookSecret(input.webhookSecret, p);
    p.throwIfAny();
    await this.assertGroupsExist(tx.em, settings);
    integration.settings = settings as unknown as Record<string, unknown>;
    if (input.webhookSecret !== undefined)
      integration.webhookSecretEnc = input.webhookSecret
        ? this.encryptWebhookSecret(integration, input.webhookSecret)
        : null;
    if (input.enabled !== undefined) integration.enabled = input.enabled;
    await tx.em.flush();
    return integration;
  }

  /** New credentials after "needs reconnect" (or a rotated Andcards secret). */
  async reconnect(tx: Tx, id: string, credentials: CredentialsFields): Promise<Integration> {
    requireStaff(tx.actor, Permission.IntegrationWrite);
    const integration = await this.get(tx.em, tx.actor, id);
    const p = new Problems();
    this.validateCredentials(integration.kind, credentials, p);
    p.throwIfAny();
    const stored = await this.connect(integration.kind, { ...credentials, baseUrl: integration.baseUrl });
    this.storeCredentials(integration, stored);
    integration.health = IntegrationHealth.CONNECTED;
    integration.lastError = null;
    await tx.em.flush();
    return integration;
  }

  /**
   * Members stay; their links to this integration, the grants it gave and its runs go. RADIUS hears
   * about every member concerned (a cascade alone would leave their access in its cache).
   */
  async delete(tx: Tx, id: string): Promise<string> {
    requireStaff(tx.actor, Permission.IntegrationWrite);
    const integration = await this.get(tx.em, tx.actor, id);
    const running = await tx.em.count(SyncRun, { integration, status: SyncRunStatus.RUNNING });
    if (running)
      throw new DomainError(ErrorCode.CONFLICT, 'A sync is running; try again when it has finished');
    const affected = await tx.em.execute<Array<{ id: string }>>(
      `select member_id as id from member_source where integration_id = ?
        union select member_id from access_grant where integration_id = ?`,
      [id, id],
    );
    for (const { id: memberId } of affected) await notifyMemberChanged(tx.em, memberId, 'GRANTS_CHANGED');
    tx.em.remove(integration);
    await tx.em.flush();
    return id;
  }

  async runSync(tx: Tx, integrationId: string, mode: 'FULL' | 'INCREMENTAL'): Promise<SyncRun> {
    requireStaff(tx.actor, Permission.SyncRun);
    const integration = await this.get(tx.em, tx.actor, integrationId);
    if (!integration.enabled)
      throw new DomainError(ErrorCode.CONFLICT, 'The integration is disabled', { reason: 'DISABLED' });
    if (integration.health === IntegrationHealth.NEEDS_RECONNECT)
      throw new DomainError(ErrorCode.CONFLICT, 'The integration needs to be reconnected first', {
        reason: 'NEEDS_RECONNECT',
      });
    const run = await this.sync.runner.createRun(tx.em, integration, SyncTrigger.MANUAL, { mode });
    tx.afterCommit(() => this.sync.dispatcher.dispatch(run.id));
    return run;
  }

  async getRun(em: EntityManager, actor: Actor, id: string): Promise<SyncRun> {
    requireStaff(actor, Permission.IntegrationRead);
    const run = await em.findOne(SyncRun, { id });
    if (!run) throw notFound('SyncRun', id);
    return run;
  }

  listRuns(
    em: EntityManager,
    actor: Actor,
    filter: { integrationId?: string | null; status?: SyncRunStatus | null },
    first: number | null,
    after: string | null,
  ): Promise<Page<SyncRun>> {
    requireStaff(actor, Permission.IntegrationRead);
    const where: FilterQuery<SyncRun> = {};
    if (filter.integrationId) where.integration = filter.integrationId;
    if (filter.status) where.status = filter.status;
    return paginate(em, SyncRun, where, { first, after, order: 'desc' });
  }

  async log(
    em: EntityManager,
    run: SyncRun,
    afterSeq: number | null,
    first: number | null,
  ): Promise<SyncLogEntry[]> {
    const limit = Math.min(Math.max(first ?? 500, 1), 2000);
    return em.find(
      SyncLogEntry,
      { run, ...(afterSeq != null ? { seq: { $gt: afterSeq } } : {}) },
      { orderBy: { seq: 'asc' }, limit },
    );
  }

  async confirmRun(tx: Tx, runId: string): Promise<SyncRun> {
    requireStaff(tx.actor, Permission.SyncRun);
    const held = await this.getRun(tx.em, tx.actor, runId);
    const run = await this.sync.runner.confirm(tx.em, runId, (fn) => tx.afterCommit(fn));
    // Runs that found the integration locked by this confirmation went back to QUEUED: serve them now.
    const queued = await tx.em.find(
      SyncRun,
      { integration: held.integration, status: SyncRunStatus.QUEUED },
      { orderBy: { id: 'asc' }, limit: 1 },
    );
    if (queued[0]) tx.afterCommit(() => this.sync.dispatcher.dispatch(queued[0]!.id));
    return run;
  }

  async discardRun(tx: Tx, runId: string): Promise<SyncRun> {
    requireStaff(tx.actor, Permission.SyncRun);
    await this.getRun(tx.em, tx.actor, runId);
    return this.sync.runner.discard(tx.em, runId);
  }

  /** What an admin should fix: deliveries accepted unverified because no webhook secret is set. */
  async warnings(em: EntityManager, integration: Integration): Promise<IntegrationWarning[]> {
    await em.populate(integration, ['webhookSecretEnc']);
    if (integration.webhookSecretEnc) return [];
    const [row] = await em.execute<Array<{ n: number }>>(
      `select count(*)::int n from webhook_delivery
        where integration_id = ? and not verified and outcome not in (?, ?)
          and created_at > now() - interval '30 days'`,
      [integration.id, WebhookOutcome.SIGNATURE_INVALID, WebhookOutcome.MALFORMED],
    );
    const n = row?.n ?? 0;
    return [
      {
        code: IntegrationWarningCode.WEBHOOK_SECRET_MISSING,
        count: n,
        message:
          `No webhook signing secret: deliveries are accepted without checking who sent them ` +
          `(${n} in the last 30 days). Set the platform's signing secret so forged ones are refused.`,
      },
    ];
  }

  listDeliveries(
    em: EntityManager,
    actor: Actor,
    integrationId: string,
    first: number | null,
    after: string | null,
  ): Promise<Page<WebhookDelivery>> {
    requireStaff(actor, Permission.IntegrationRead);
    return paginate(em, WebhookDelivery, { integration: integrationId }, { first, after, order: 'desc' });
  }

  mappings(em: EntityManager, integration: Integration): Promise<LocationMapping[]> {
    return em.find(
      LocationMapping,
      { integration },
      { orderBy: { externalName: 'asc', id: 'asc' }, populate: ['location'] },
    );
  }

  /** Points an upstream location at another Lanyard location (e.g. one created by hand before the first sync). */
  async remapLocation(tx: Tx, mappingId: string, locationId: string): Promise<LocationMapping> {
    requireStaff(tx.actor, Permission.IntegrationWrite);
    const mapping = await tx.em.findOne(LocationMapping, { id: mappingId });
    if (!mapping) throw notFound('LocationMapping', mappingId);
    const location = await tx.em.findOne(Location, { id: locationId });
    if (!location) throw notFound('Location', locationId);
    mapping.location = location;
    await tx.em.flush();
    return mapping;
  }

  private async connect(kind: IntegrationKind, request: ConnectRequest): Promise<StoredCredentials> {
    try {
      return await this.sync.connectors.connect(kind, request);
    } catch (err) {
      if (err instanceof UpstreamError)
        throw new DomainError(ErrorCode.INTEGRATION_CONNECT_FAILED, `Could not connect: ${err.message}`, {
          reason: err.code,
        });
      throw err;
    }
  }

  private storeCredentials(integration: Integration, stored: StoredCredentials): void {
    integration.credentialsEnc = sealCredentials(this.secrets, integration.id, stored);
    integration.tokenExpiresAt = stored.kind === 'NEXUDUS' ? new Date(stored.expiresAt) : null;
  }

  private encryptWebhookSecret(integration: Integration, secret: string): string {
    return this.secrets.encrypt(secret, SecretAad.webhookSecret(integration.id));
  }

  private validateWebhookSecret(secret: string, p: Problems): void {
    if (secret.length < 8 || secret.length > 512 || !/^[\x21-\x7e]+$/.test(secret))
      p.add('webhookSecret', 'INVALID_SECRET', 'must be 8–512 printable characters without spaces');
  }

  private validateCredentials(kind: IntegrationKind, c: CredentialsFields, p: Problems): void {
    const need = (field: keyof CredentialsFields, max: number) => {
      const v = c[field];
      if (!v || !v.trim()) p.add(`credentials.${field}`, 'REQUIRED', `required for ${kind}`);
      else if (v.length > max) p.add(`credentials.${field}`, 'TOO_LONG', `at most ${max} characters`);
    };
    if (kind === IntegrationKind.NEXUDUS) {
      need('email', 320);
      need('password', 1024);
      if (c.totp != null && c.totp !== '' && !/^\d{6,8}$/.test(c.totp))
        p.add('credentials.totp', 'INVALID_TOTP', 'the 6–8 digit code from the authenticator app');
    } else {
      need('clientId', 512);
      need('clientSecret', 1024);
    }
  }

  private validateBaseUrl(raw: string, p: Problems): string | null {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      p.add('baseUrl', 'INVALID_URL', 'must be an http(s) URL');
      return null;
    }
    if (
      !['http:', 'https:'].includes(url.protocol) ||
      url.username ||
      url.password ||
      url.search ||
      url.hash
    ) {
      p.add('baseUrl', 'INVALID_URL', 'must be an http(s) URL without credentials, query or fragment');
      return null;
    }
    return url.toString().replace(/\/+$/, '');
  }

  private async assertGroupsExist(em: EntityManager, settings: IntegrationSettings): Promise<void> {
    const ids = [...new Set(settings.planMappings.map((m) => m.groupId).filter((g): g is string => !!g))];
    if (!ids.length) return;
    const found = await em.count(Group, { id: { $in: ids } });
    if (found !== ids.length)
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A plan mapping names an unknown group', {
        problems: [{ field: 'settings.planMappings', code: 'UNKNOWN_GROUP', message: 'unknown group' }],
      });
  }
}

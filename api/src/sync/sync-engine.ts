/**
 * The sync engine (design.md §3): fetch one normalized snapshot through the integration's
 * connector, diff it against Lanyard's state (sync-diff.ts), and apply the plan in one transaction
 * (sync-apply.ts) — or hold it for an admin when it would remove too many members. One run per
 * integration at a time (a Postgres advisory lock, so across API replicas too). Upstream problems
 * never throw out of `execute`: they end the run FAILED with nothing changed.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SecretBox } from '../common/crypto/secret-box.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import {
  Integration,
  IntegrationHealth,
  SyncRun,
  SyncRunStatus,
  type SyncTrigger,
} from '../entities/index.js';
import { GroupService } from '../features/groups/group.service.js';
import { MemberCredentials } from '../features/members/member-credentials.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { UpstreamError, UpstreamErrorCode, type UpstreamSnapshot } from '../integrations/connector.js';
import { readIntegrationSettings, type IntegrationSettings } from '../integrations/integration-settings.js';
import type { ConnectorRegistry } from '../integrations/registry.js';
import { IntegrationCredentialStore } from './credential-store.js';
import { applySyncPlan, recheckPlan, sealPlan, type ApplyResult } from './sync-apply.js';
import { computeSyncPlan } from './sync-diff.js';
import { SyncRunLog } from './sync-log.js';
import { holdReason, type PlanCounts, type SyncPlan } from './sync-plan.js';
import { loadSyncState } from './sync-state.js';

export type SyncRequest = { mode: 'FULL' | 'INCREMENTAL' | 'MEMBERS'; memberExternalIds?: string[] };

export interface SyncEngineDeps {
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  logger: Logger;
  now?: () => Date;
  /** Queues PMK computation for members with a new passphrase (omitted: the periodic backfill does it). */
  jobs?: JobQueue;
  credentials?: MemberCredentials;
  groups?: GroupService;
  /** Called in the run's transaction with the members it provisioned, when settings.credentialEmail is on. */
  onMembersProvisioned?(em: EntityManager, memberIds: string[], integration: Integration): Promise<void>;
}

/** PMKs of up to this many members are queued one job each; beyond, one backfill job. */
const PMK_JOBS_PER_MEMBER_LIMIT = 100;

const lockKey = (integrationId: string) => `lanyard:sync:${integrationId}`;

export class SyncEngine {
  private readonly credentials: MemberCredentials;
  private readonly groups: GroupService;
  private readonly now: () => Date;

  constructor(private readonly deps: SyncEngineDeps) {
    this.credentials = deps.credentials ?? new MemberCredentials(deps.secrets);
    this.groups = deps.groups ?? new GroupService();
    this.now = deps.now ?? (() => new Date());
  }

  /** Creates a QUEUED SyncRun row (request stored on it) in the caller's transaction. */
  async createRun(
    em: EntityManager,
    integration: Integration,
    trigger: SyncTrigger,
    request: SyncRequest,
  ): Promise<SyncRun> {
    const run = new SyncRun();
    run.integration = integration;
    run.trigger = trigger;
    run.status = SyncRunStatus.QUEUED;
    run.request = {
      mode: request.mode,
      ...(request.memberExternalIds ? { memberExternalIds: [...new Set(request.memberExternalIds)] } : {}),
    };
    await em.persistAndFlush(run);
    return run;
  }

  /** Runs one QUEUED run to its end (SUCCEEDED, FAILED or HELD). Called by the job worker. */
  async execute(orm: MikroORM, runId: string): Promise<SyncRun> {
    const em = orm.em.fork();
    const claimed: unknown[] = await em.execute(
      `update sync_run set status = 'RUNNING', started_at = now(), updated_at = now()
        where id = ? and status = 'QUEUED' returning id`,
      [runId],
    );
    if (claimed.length === 0) {
      // unknown, or another worker has it / had it
      const existing = await em.findOne(SyncRun, { id: runId });
      if (!existing) throw notFound('SyncRun', runId);
      return existing;
    }
    const run = await em.findOneOrFail(SyncRun, { id: runId }, { populate: ['integration'] });
    const integrationId = run.integration.id;
    const log = new SyncRunLog(orm.em.fork(), runId, this.deps.logger, await SyncRunLog.lastSeq(em, runId));
    log.status(SyncRunStatus.RUNNING);
    const release = await this.lockIntegration(orm, integrationId, log);
    let outcome: { status: SyncRunStatus; counts?: PlanCounts; error?: string } = {
      status: SyncRunStatus.FAILED,
    };
    let applied: ApplyResult | null = null;
    try {
      const integration = await orm.em.fork().findOneOrFail(Integration, { id: integrationId });
      const settings = readIntegrationSettings(integration.settings);
      const request = normalizeRequest(run.request);
      const started = Date.now();
      log.info(`Sync started (${request.mode.toLowerCase()}, ${run.trigger.toLowerCase()})`);
      const snapshot = await this.fetch(orm, integration, request, log);
      log.info(
        `Fetched ${snapshot.members.length} members, ${snapshot.groups.length} teams/companies, ` +
          `${snapshot.memberships.length} memberships, ${snapshot.bookings.length} bookings, ` +
          `${snapshot.checkIns.length} check-ins in ${Date.now() - started} ms`,
      );
      const applyStarted = Date.now();
      await orm.em.fork().transactional(async (tem) => {
        const t = tem as EntityManager;
        const now = this.now();
        const state = await loadSyncState(t, integrationId, snapshot, settings, (p) =>
          this.credentials.fingerprint(p),
        );
        const plan = computeSyncPlan({
          snapshot,
          state,
          settings,
          now,
          newId: uuidv7,
          fingerprint: (p) => this.credentials.fingerprint(p),
        });
        for (const w of plan.warnings) log.warn(w.message, w.data);
        const held = holdReason(plan, settings);
        if (held) {
          log.warn(held);
          await t.execute(
            `update sync_run set status = 'HELD', held_reason = ?, pending_plan = ?, updated_at = now(),
                    created = ?, updated = ?, enabled = ?, disabled = ?, deleted = ?, unchanged = ?, errors = ?
              where id = ?`,
            [held, JSON.stringify(sealPlan(plan, this.deps.secrets)), ...countValues(plan.counts), runId],
          );
          await this.markHealthy(t, integrationId, null);
          outcome = { status: SyncRunStatus.HELD, counts: plan.counts };
          return;
        }
        applied = await this.applyPlan(t, plan, integration, settings, log);
        await this.finishApplied(t, runId, integrationId, plan, request.mode === 'FULL' ? now : null);
        outcome = { status: SyncRunStatus.SUCCEEDED, counts: plan.counts };
      });
      if (outcome.status === SyncRunStatus.SUCCEEDED)
        log.info(
          `Sync finished in ${Date.now() - started} ms (apply ${Date.now() - applyStarted} ms): ${summary(outcome.counts!)}`,
        );
    } catch (err) {
      const { message, health } = describeFailure(err);
      outcome = { status: SyncRunStatus.FAILED, error: message };
      if (!(err instanceof UpstreamError)) this.deps.logger.error({ err, runId }, 'sync run failed');
      log.error(`Sync failed: ${message}`);
      const fem = orm.em.fork();
      await fem.execute(
        `update sync_run set status = 'FAILED', error = ?, finished_at = now(), updated_at = now() where id = ?`,
        [message, runId],
      );
      await fem.execute(
        `update integration set health = ?, last_error = ?, updated_at = now() where id = ?`,
        [health, message, integrationId],
      );
    } finally {
      await release();
    }
    log.status(outcome.status);
    await log.flush();
    if (applied) await this.queuePmks(applied);
    return orm.em.fork().findOneOrFail(SyncRun, { id: runId });
  }

  /** HELD → applies the stored plan (re-checked against current state) → SUCCEEDED. CONFLICT unless HELD. */
  async confirm(
    em: EntityManager,
    runId: string,
    afterCommit?: (fn: () => Promise<unknown> | unknown) => void,
  ): Promise<SyncRun> {
    const run = await this.heldRun(em, runId);
    const integration = run.integration;
    const [lock]: Array<{ ok: boolean }> = await em.execute(
      'select pg_try_advisory_xact_lock(hashtext(?)) as ok',
      [lockKey(integration.id)],
    );
    if (!lock?.ok)
      throw new DomainError(
        ErrorCode.CONFLICT,
        'A sync of this integration is running: try again when it ends',
      );
    // Claims the run (a concurrent confirm or discard waits here, then finds it no longer HELD).
    // A row update, not SELECT FOR UPDATE: the run's log lines (other connection) must still be
    // able to reference the row.
    const claimed: unknown[] = await em.execute(
      `update sync_run set updated_at = now() where id = ? and status = 'HELD' returning id`,
      [runId],
    );
    if (claimed.length === 0)
      throw new DomainError(ErrorCode.CONFLICT, 'This run is no longer waiting for confirmation');
    const log = new SyncRunLog(em.fork(), runId, this.deps.logger, await SyncRunLog.lastSeq(em, runId));
    log.info('Confirmed by an administrator: applying the held changes');
    const stored = (await em.execute('select pending_plan p from sync_run where id = ?', [runId]))[0]
      ?.p as SyncPlan;
    const plan = await recheckPlan(em, stored, (m, d) => log.warn(m, d));
    const settings = readIntegrationSettings(integration.settings);
    const applied = await this.applyPlan(em, plan, integration, settings, log);
    await this.finishApplied(em, runId, integration.id, plan, null);
    log.info(`Applied: ${summary(plan.counts)}`);
    log.status(SyncRunStatus.SUCCEEDED);
    const queue = () => this.queuePmks(applied);
    if (afterCommit) afterCommit(queue);
    await em.refresh(run);
    return run;
  }

  /** HELD → DISCARDED, nothing applied. */
  async discard(em: EntityManager, runId: string): Promise<SyncRun> {
    const run = await this.heldRun(em, runId);
    const claimed: unknown[] = await em.execute(
      `update sync_run set status = 'DISCARDED', pending_plan = null, finished_at = now(), updated_at = now()
        where id = ? and status = 'HELD' returning id`,
      [runId],
    );
    if (claimed.length === 0)
      throw new DomainError(ErrorCode.CONFLICT, 'This run is no longer waiting for confirmation');
    const log = new SyncRunLog(em.fork(), runId, this.deps.logger, await SyncRunLog.lastSeq(em, runId));
    log.info('Discarded by an administrator: nothing was changed');
    log.status(SyncRunStatus.DISCARDED);
    await em.refresh(run);
    return run;
  }

  private async heldRun(em: EntityManager, runId: string): Promise<SyncRun> {
    const run = await em.findOne(SyncRun, { id: runId }, { populate: ['integration'] });
    if (!run) throw notFound('SyncRun', runId);
    if (run.status !== SyncRunStatus.HELD)
      throw new DomainError(ErrorCode.CONFLICT, `This run is ${run.status}, not waiting for confirmation`, {
        status: run.status,
      });
    return run;
  }

  private async fetch(
    orm: MikroORM,
    integration: Integration,
    request: SyncRequest,
    log: SyncRunLog,
  ): Promise<UpstreamSnapshot> {
    if (!integration.enabled)
      throw new UpstreamError(UpstreamErrorCode.REJECTED, 'The integration is disabled');
    const store = new IntegrationCredentialStore(orm, this.deps.secrets, integration);
    const connector = this.deps.connectors.create(integration, store);
    const snapshot = await connector.fetchSnapshot({
      mode: request.mode,
      since: request.mode === 'INCREMENTAL' ? (integration.lastSyncAt ?? undefined) : undefined,
      memberExternalIds: request.memberExternalIds,
      now: this.now(),
      log,
    });
    checkSnapshot(snapshot);
    return snapshot;
  }

  private async applyPlan(
    em: EntityManager,
    plan: SyncPlan,
    integration: Integration,
    settings: IntegrationSettings,
    log: SyncRunLog,
  ): Promise<ApplyResult> {
    const applied = await applySyncPlan(
      em,
      plan,
      { credentials: this.credentials, groups: this.groups, warn: (m, d) => log.warn(m, d) },
      this.deps.secrets,
    );
    for (const l of plan.locations)
      log.info(`New location "${l.name}" (${l.timezone}) created for upstream location ${l.externalId}`);
    if (settings.credentialEmail && applied.createdMemberIds.length && this.deps.onMembersProvisioned)
      await this.deps.onMembersProvisioned(em, applied.createdMemberIds, integration);
    return applied;
  }

  private async finishApplied(
    em: EntityManager,
    runId: string,
    integrationId: string,
    plan: SyncPlan,
    fullSyncAt: Date | null,
  ): Promise<void> {
    await em.execute(
      `update sync_run set status = 'SUCCEEDED', pending_plan = null, finished_at = now(), updated_at = now(),
              created = ?, updated = ?, enabled = ?, disabled = ?, deleted = ?, unchanged = ?, errors = ?
        where id = ?`,
      [...countValues(plan.counts), runId],
    );
    await this.markHealthy(em, integrationId, fullSyncAt);
    await em.execute(`update integration set last_sync_at = now() where id = ?`, [integrationId]);
  }

  private async markHealthy(
    em: EntityManager,
    integrationId: string,
    fullSyncAt: Date | null,
  ): Promise<void> {
    await em.execute(
      `update integration set health = 'CONNECTED', last_error = null, updated_at = now(),
              sync_cursor = case when ?::timestamptz is null then sync_cursor
                                 else coalesce(sync_cursor, '{}'::jsonb) || jsonb_build_object('lastFullSyncAt', ?::text) end
        where id = ?`,
      [fullSyncAt, fullSyncAt?.toISOString() ?? null, integrationId],
    );
  }

  /** Session-level advisory lock on a dedicated connection, held through fetch and apply. */
  private async lockIntegration(
    orm: MikroORM,
    integrationId: string,
    log: SyncRunLog,
  ): Promise<() => Promise<void>> {
    const knex = orm.em.getConnection().getKnex();
    const conn = (await knex.client.acquireConnection()) as {
      query(sql: string, params: unknown[]): Promise<{ rows: Array<{ ok: boolean }> }>;
    };
    try {
      const key = lockKey(integrationId);
      const { rows } = await conn.query('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
      if (!rows[0]?.ok) {
        log.info('Waiting for the running sync of this integration to end');
        await conn.query('select pg_advisory_lock(hashtext($1))', [key]);
      }
      return async () => {
        try {
          await conn.query('select pg_advisory_unlock(hashtext($1))', [key]);
        } finally {
          await knex.client.releaseConnection(conn);
        }
      };
    } catch (err) {
      await knex.client.releaseConnection(conn);
      throw err;
    }
  }

  private async queuePmks(applied: ApplyResult): Promise<void> {
    const jobs = this.deps.jobs;
    if (!jobs || applied.passphraseMemberIds.length === 0) return;
    try {
      if (applied.passphraseMemberIds.length > PMK_JOBS_PER_MEMBER_LIMIT) await jobs.backfillPmks();
      else for (const id of applied.passphraseMemberIds) await jobs.computePmks(id);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'could not queue PMK jobs (the backfill will)');
    }
  }
}

function normalizeRequest(stored: Record<string, unknown> | null): SyncRequest {
  const mode = stored?.mode;
  const ids = stored?.memberExternalIds;
  return {
    mode: mode === 'INCREMENTAL' || mode === 'MEMBERS' ? mode : 'FULL',
    ...(Array.isArray(ids) ? { memberExternalIds: ids.map(String) } : {}),
  };
}

const countValues = (c: PlanCounts) => [
  c.created,
  c.updated,
  c.enabled,
  c.disabled,
  c.deleted,
  c.unchanged,
  c.errors,
];

const summary = (c: PlanCounts) =>
  `${c.created} created, ${c.updated} updated, ${c.enabled} enabled, ${c.disabled} disabled, ` +
  `${c.deleted} deleted, ${c.unchanged} unchanged, ${c.errors} errors`;

function describeFailure(err: unknown): { message: string; health: IntegrationHealth } {
  if (err instanceof UpstreamError)
    return {
      message: `${err.code}: ${err.message}`,
      health:
        err.code === UpstreamErrorCode.UNAUTHORIZED
          ? IntegrationHealth.NEEDS_RECONNECT
          : IntegrationHealth.ERROR,
    };
  const constraint = (err as { constraint?: string }).constraint;
  return {
    message: `INTERNAL: ${
      constraint
        ? `constraint ${constraint} refused the changes`
        : String((err as Error)?.message ?? err)
            .split('\n')[0]!
            .slice(0, 300)
    }`,
    health: IntegrationHealth.ERROR,
  };
}

/** A connector's snapshot is checked for shape before anything is diffed (a bad one changes nothing). */
function checkSnapshot(s: UpstreamSnapshot): void {
  const bad = (what: string) =>
    new UpstreamError(UpstreamErrorCode.MALFORMED, `The upstream snapshot is malformed: ${what}`);
  if (!s || typeof s !== 'object') throw bad('no snapshot');
  for (const k of ['locations', 'groups', 'plans', 'members', 'memberships', 'bookings', 'checkIns'] as const)
    if (!Array.isArray(s[k])) throw bad(`${k} is not a list`);
  if (s.scope?.kind !== 'FULL' && !(s.scope?.kind === 'PARTIAL' && Array.isArray(s.scope.memberExternalIds)))
    throw bad('unknown scope');
  const isDate = (d: unknown) => d instanceof Date && Number.isFinite(d.getTime());
  for (const m of s.members)
    if (
      typeof m?.externalId !== 'string' ||
      !Array.isArray(m.locationExternalIds) ||
      !Array.isArray(m.groupExternalIds)
    )
      throw bad('a member lacks its id or lists');
  for (const m of s.memberships)
    if (typeof m?.memberExternalId !== 'string' || !isDate(m.startsAt))
      throw bad('a membership lacks its member or start');
  for (const b of s.bookings)
    if (typeof b?.memberExternalId !== 'string' || !isDate(b.startsAt) || !isDate(b.endsAt))
      throw bad('a booking lacks its member or times');
  for (const c of s.checkIns)
    if (typeof c?.memberExternalId !== 'string' || !isDate(c.checkedInAt) || !Array.isArray(c.macAddresses))
      throw bad('a check-in lacks its member or time');
}

/**
 * The sync engine (design.md §3): fetch one normalized snapshot through the integration's
 * connector, diff it against Lanyard's state (sync-diff.ts), and apply the plan in one transaction
 * (sync-apply.ts) — or hold it for an admin when it would remove too many members. One run per
 * integration at a time (a Postgres advisory lock, so across API replicas too, only ever tried:
 * a run never waits holding a pool connection). Errors never throw out of `execute`: they end the
 * run FAILED with nothing changed.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SecretBox } from '../common/crypto/secret-box.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { Integration, IntegrationHealth, SyncRun, SyncRunStatus, SyncTrigger } from '../entities/index.js';
import { GroupService } from '../features/groups/group.service.js';
import { MemberCredentials } from '../features/members/member-credentials.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { UpstreamError, UpstreamErrorCode, type UpstreamSnapshot } from '../integrations/connector.js';
import { readIntegrationSettings } from '../integrations/integration-settings.js';
import type { ConnectorRegistry } from '../integrations/registry.js';
import { IntegrationCredentialStore } from './credential-store.js';
import { applySyncPlan, recheckPlan, sealPlan, type ApplyResult } from './sync-apply.js';
import { computeSyncPlan, normalizeEmail } from './sync-diff.js';
import { SyncRunLog } from './sync-log.js';
import { accessMayBegin, holdReason, type PlanCounts, type SyncPlan } from './sync-plan.js';
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
  /** Called in the run's transaction with the members whose access it may begin (credentials email). */
  onAccessMayBegin?(em: EntityManager, memberIds: string[], now: Date): Promise<unknown>;
}

/** PMKs of up to this many members are queued one job each; beyond, one backfill job. */
const PMK_JOBS_PER_MEMBER_LIMIT = 100;

/** The advisory-lock key of an integration's syncs (also probed by the scheduler). */
export const lockKey = (integrationId: string) => `lanyard:sync:${integrationId}`;

/** Queued runs the lock holder serves after its own before leaving the rest to the scheduler. */
const MAX_DRAIN = 50;

export class SyncEngine {
  private readonly credentials: MemberCredentials;
  private readonly groups: GroupService;
  private readonly now: () => Date;

  constructor(private readonly deps: SyncEngineDeps) {
    this.credentials = deps.credentials ?? new MemberCredentials(deps.secrets);
    this.groups = deps.groups ?? new GroupService();
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Creates a QUEUED SyncRun row (request stored on it) in the caller's transaction.
   *
   * Coalescing: a MEMBERS request while another MEMBERS run of the integration is still QUEUED adds
   * its member ids to that run and returns it (same id, no new row): a burst of webhooks becomes one
   * run. Callers must use the returned run's id (dispatching it again is harmless).
   */
  async createRun(
    em: EntityManager,
    integration: Integration,
    trigger: SyncTrigger,
    request: SyncRequest,
  ): Promise<SyncRun> {
    const ids = request.memberExternalIds ? [...new Set(request.memberExternalIds)] : undefined;
    if (request.mode === 'MEMBERS' && ids) {
      // The status re-check under the row lock loses against a worker claiming the run meanwhile.
      const merged: Array<{ id: string }> = await em.execute(
        `update sync_run set updated_at = now(),
                request = jsonb_set(request, '{memberExternalIds}', (
                  select coalesce(jsonb_agg(distinct v), '[]'::jsonb)
                    from jsonb_array_elements_text(coalesce(request->'memberExternalIds', '[]'::jsonb) || ?::jsonb) as t(v)))
          where id = (select id from sync_run
                       where integration_id = ? and status = 'QUEUED' and request->>'mode' = 'MEMBERS'
                       order by created_at, id limit 1)
            and status = 'QUEUED'
          returning id`,
        [JSON.stringify(ids), integration.id],
      );
      if (merged[0]) return em.findOneOrFail(SyncRun, { id: merged[0].id }, { refresh: true });
    }
    const run = new SyncRun();
    run.integration = integration;
    run.trigger = trigger;
    run.status = SyncRunStatus.QUEUED;
    run.request = { mode: request.mode, ...(ids ? { memberExternalIds: ids } : {}) };
    await em.persistAndFlush(run);
    return run;
  }

  /**
   * Runs one QUEUED run to its end (SUCCEEDED, FAILED or HELD). Called by the job worker.
   *
   * One run per integration at a time, without waiting: when another run of the integration holds
   * the lock, this one goes back to QUEUED and returns. Whoever holds the lock runs the integration's
   * QUEUED runs after its own (so webhook bursts are served within seconds); the scheduler's tick
   * re-dispatches QUEUED runs left over. Returns the run as it is when this call ends.
   */
  async execute(orm: MikroORM, runId: string): Promise<SyncRun> {
    const first = await this.runOnce(orm, runId);
    let last = first;
    for (let i = 0; last.heldLock && last.integrationId && i < MAX_DRAIN; i++) {
      const [next]: Array<{ id: string }> = await orm.em
        .fork()
        .execute(
          `select id from sync_run where integration_id = ? and status = 'QUEUED' order by created_at, id limit 1`,
          [last.integrationId],
        );
      if (!next) break;
      last = await this.runOnce(orm, next.id);
    }
    return first.run;
  }

  private async runOnce(
    orm: MikroORM,
    runId: string,
  ): Promise<{ run: SyncRun; integrationId: string | null; heldLock: boolean }> {
    const em = orm.em.fork();
    const claim = async () =>
      (
        (await em.execute(
          `update sync_run set status = 'RUNNING', started_at = now(), updated_at = now()
            where id = ? and status = 'QUEUED' returning integration_id, trigger, request`,
          [runId],
        )) as Array<{ integration_id: string; trigger: SyncTrigger; request: Record<string, unknown> | null }>
      )[0];
    const claimed = await claim();
    if (!claimed) {
      // unknown, or another worker has it / had it
      const existing = await em.findOne(SyncRun, { id: runId });
      if (!existing) throw notFound('SyncRun', runId);
      return { run: existing, integrationId: null, heldLock: false };
    }
    // From here on every error ends the run FAILED (none leaves it RUNNING).
    const integrationId = claimed.integration_id;
    const request = normalizeRequest(claimed.request);
    const scheduled =
      (claimed.trigger === SyncTrigger.SCHEDULE || claimed.trigger === SyncTrigger.MANUAL) &&
      request.mode !== 'MEMBERS';
    let log: SyncRunLog | null = null;
    let release: (() => Promise<void>) | null = null;
    let outcome: { status: SyncRunStatus; counts?: PlanCounts; error?: string } = {
      status: SyncRunStatus.FAILED,
    };
    let applied: ApplyResult | null = null;
    try {
      const runLog = (log = new SyncRunLog(
        orm.em.fork(),
        runId,
        this.deps.logger,
        await SyncRunLog.lastSeq(em, runId),
      ));
      runLog.status(SyncRunStatus.RUNNING);
      release = await this.tryLock(orm, integrationId);
      if (!release) {
        await em.execute(
          `update sync_run set status = 'QUEUED', started_at = null, updated_at = now() where id = ? and status = 'RUNNING'`,
          [runId],
        );
        runLog.info('Waiting for the running sync of this integration: this run starts when it ends');
        // The holder may have ended between the attempt and the requeue (it only serves runs it
        // sees QUEUED after releasing): one more attempt closes that gap.
        release = await this.tryLock(orm, integrationId);
        if (!release || !(await claim())) {
          if (!release) runLog.status(SyncRunStatus.QUEUED);
          await runLog.flush();
          return {
            run: await orm.em.fork().findOneOrFail(SyncRun, { id: runId }),
            integrationId,
            heldLock: release !== null,
          };
        }
        runLog.status(SyncRunStatus.RUNNING);
      }
      const integration = await orm.em.fork().findOneOrFail(Integration, { id: integrationId });
      const settings = readIntegrationSettings(integration.settings);
      const started = Date.now();
      runLog.info(`Sync started (${request.mode.toLowerCase()}, ${claimed.trigger.toLowerCase()})`);
      const fetchStartedAt = this.now();
      const snapshot = await this.fetch(orm, integration, request, runLog);
      runLog.info(
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
        for (const w of plan.warnings) runLog.warn(w.message, w.data);
        const held = holdReason(plan, settings);
        if (held) {
          runLog.warn(held);
          await t.execute(
            `update sync_run set status = 'HELD', held_reason = ?, pending_plan = ?, updated_at = now(),
                    created = ?, updated = ?, enabled = ?, disabled = ?, deleted = ?, unchanged = ?, errors = ?
              where id = ?`,
            [held, JSON.stringify(sealPlan(plan, this.deps.secrets)), ...countValues(plan.counts), runId],
          );
          await this.markHealthy(t, integrationId, scheduled ? { lastScheduledSyncAt: now } : {});
          outcome = { status: SyncRunStatus.HELD, counts: plan.counts };
          return;
        }
        applied = await this.applyPlan(t, plan, runLog);
        await this.finishApplied(t, runId, integrationId, plan, {
          ...(request.mode === 'FULL' ? { lastFullSyncAt: now } : {}),
          ...(request.mode !== 'MEMBERS' ? { incrementalSince: fetchStartedAt } : {}),
          ...(scheduled ? { lastScheduledSyncAt: now } : {}),
        });
        outcome = { status: SyncRunStatus.SUCCEEDED, counts: plan.counts };
      });
      if (outcome.status === SyncRunStatus.SUCCEEDED)
        runLog.info(
          `Sync finished in ${Date.now() - started} ms (apply ${Date.now() - applyStarted} ms): ${summary(outcome.counts!)}`,
        );
    } catch (err) {
      const { message, health } = describeFailure(err);
      outcome = { status: SyncRunStatus.FAILED, error: message };
      if (!(err instanceof UpstreamError)) this.deps.logger.error({ err, runId }, 'sync run failed');
      log?.error(`Sync failed: ${message}`);
      const fem = orm.em.fork();
      await fem.execute(
        `update sync_run set status = 'FAILED', error = ?, finished_at = now(), updated_at = now() where id = ?`,
        [message, runId],
      );
      await fem.execute(
        `update integration set health = ?, last_error = ?, updated_at = now(),
                sync_cursor = coalesce(sync_cursor, '{}'::jsonb) || ?::jsonb
          where id = ?`,
        [health, message, cursorJson(scheduled ? { lastScheduledSyncAt: this.now() } : {}), integrationId],
      );
    } finally {
      if (release) await release();
    }
    if (log) {
      log.status(outcome.status);
      await log.flush();
    }
    if (applied) await this.queuePmks(applied);
    return {
      run: await orm.em.fork().findOneOrFail(SyncRun, { id: runId }),
      integrationId,
      heldLock: true,
    };
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
    const applied = await this.applyPlan(em, plan, log);
    await this.finishApplied(em, runId, integration.id, plan, {});
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
    const em = orm.em.fork();
    // A PARTIAL snapshot must cover whole people: every upstream record of this integration linked to
    // the same member (Nexudus: one coworker per business for the same email), else what the other
    // records give would look gone.
    let ids = request.memberExternalIds;
    if (request.mode === 'MEMBERS' && ids?.length) {
      const asked = new Set(ids);
      const extra = (await personSourceIds(em, integration.id, ids, [])).filter((e) => !asked.has(e));
      if (extra.length) {
        log.info(`Also refreshing ${extra.length} other upstream records of the same people`, {
          externalIds: extra.slice(0, 50),
        });
        ids = [...ids, ...extra];
      }
    }
    let snapshot = await connector.fetchSnapshot({
      mode: request.mode,
      since: request.mode === 'INCREMENTAL' ? incrementalSince(integration.syncCursor) : undefined,
      memberExternalIds: ids,
      now: this.now(),
      log,
    });
    checkSnapshot(snapshot);
    if (snapshot.scope.kind === 'PARTIAL') {
      const inScope = new Set(snapshot.scope.memberExternalIds);
      const emails = snapshot.members.map((m) => normalizeEmail(m.email)).filter((e): e is string => !!e);
      const extra = (
        await personSourceIds(
          em,
          integration.id,
          [...inScope, ...snapshot.members.map((m) => m.externalId)],
          emails,
        )
      ).filter((e) => !inScope.has(e));
      if (extra.length) {
        log.info(`Fetching ${extra.length} other upstream records of the people in this run`, {
          externalIds: extra.slice(0, 50),
        });
        const more = await connector.fetchSnapshot({
          mode: 'MEMBERS',
          memberExternalIds: extra,
          now: this.now(),
          log,
        });
        checkSnapshot(more);
        snapshot = mergeSnapshots(snapshot, more);
      }
    }
    return snapshot;
  }

  private async applyPlan(em: EntityManager, plan: SyncPlan, log: SyncRunLog): Promise<ApplyResult> {
    const applied = await applySyncPlan(
      em,
      plan,
      { credentials: this.credentials, groups: this.groups, warn: (m, d) => log.warn(m, d) },
      this.deps.secrets,
    );
    for (const l of plan.locations)
      log.info(`New location "${l.name}" (${l.timezone}) created for upstream location ${l.externalId}`);
    await this.deps.onAccessMayBegin?.(em, accessMayBegin(plan), this.now());
    return applied;
  }

  private async finishApplied(
    em: EntityManager,
    runId: string,
    integrationId: string,
    plan: SyncPlan,
    cursor: CursorPatch,
  ): Promise<void> {
    await em.execute(
      `update sync_run set status = 'SUCCEEDED', pending_plan = null, finished_at = now(), updated_at = now(),
              created = ?, updated = ?, enabled = ?, disabled = ?, deleted = ?, unchanged = ?, errors = ?
        where id = ?`,
      [...countValues(plan.counts), runId],
    );
    await this.markHealthy(em, integrationId, cursor);
    await em.execute(`update integration set last_sync_at = now() where id = ?`, [integrationId]);
  }

  private async markHealthy(em: EntityManager, integrationId: string, cursor: CursorPatch): Promise<void> {
    await em.execute(
      `update integration set health = 'CONNECTED', last_error = null, updated_at = now(),
              sync_cursor = coalesce(sync_cursor, '{}'::jsonb) || ?::jsonb
        where id = ?`,
      [cursorJson(cursor), integrationId],
    );
  }

  /** Session-level advisory lock on a dedicated connection, held through fetch and apply; null when taken. */
  private async tryLock(orm: MikroORM, integrationId: string): Promise<(() => Promise<void>) | null> {
    const knex = orm.em.getConnection().getKnex();
    const conn = (await knex.client.acquireConnection()) as {
      query(sql: string, params: unknown[]): Promise<{ rows: Array<{ ok: boolean }> }>;
    };
    const key = lockKey(integrationId);
    let locked = false;
    try {
      const { rows } = await conn.query('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
      locked = rows[0]?.ok === true;
    } finally {
      if (!locked) await knex.client.releaseConnection(conn);
    }
    if (!locked) return null;
    return async () => {
      try {
        await conn.query('select pg_advisory_unlock(hashtext($1))', [key]);
      } finally {
        await knex.client.releaseConnection(conn);
      }
    };
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

/**
 * What an integration's `syncCursor` holds (ISO instants):
 * - `incrementalSince`: when the fetch of the last successful FULL or INCREMENTAL run started: the
 *   next INCREMENTAL run reads upstream changes since then. Webhook (MEMBERS) runs and confirmed held
 *   runs leave it alone, so a change they did not read is never skipped.
 * - `lastFullSyncAt`: when the last successful FULL run (any trigger) applied.
 * - `lastScheduledSyncAt`: when the last SCHEDULE or MANUAL run of mode FULL or INCREMENTAL ended
 *   (succeeded, failed or held): the scheduler's clock for "is the next run due". Webhook runs never
 *   move it. (`Integration.lastSyncAt` is the last successful run of any kind, for display.)
 */
export interface SyncCursor {
  incrementalSince?: string;
  lastFullSyncAt?: string;
  lastScheduledSyncAt?: string;
}
type CursorPatch = { [K in keyof SyncCursor]?: Date };
const cursorJson = (patch: CursorPatch) =>
  JSON.stringify(Object.fromEntries(Object.entries(patch).map(([k, d]) => [k, d.toISOString()])));

/** A date of an integration's syncCursor (see SyncCursor), or null. */
export function cursorDate(cursor: Record<string, unknown> | null, key: keyof SyncCursor): Date | null {
  const v = cursor?.[key];
  const d = typeof v === 'string' ? new Date(v) : null;
  return d && Number.isFinite(d.getTime()) ? d : null;
}

/** `since` of an INCREMENTAL fetch; cursors written before `incrementalSince` existed fall back to the last full run. */
function incrementalSince(cursor: Record<string, unknown> | null): Date | undefined {
  return cursorDate(cursor, 'incrementalSince') ?? cursorDate(cursor, 'lastFullSyncAt') ?? undefined;
}

/**
 * External ids of this integration's sources of the members that `externalIds` (sources) or `emails`
 * belong to: every upstream record of those people.
 */
async function personSourceIds(
  em: EntityManager,
  integrationId: string,
  externalIds: string[],
  emails: string[],
): Promise<string[]> {
  const rows: Array<{ external_id: string }> = await em.execute(
    `select distinct s2.external_id from member_source s2
      where s2.integration_id = ? and s2.member_id in (
        select s.member_id from member_source s
         where s.integration_id = ? and s.external_id in (select jsonb_array_elements_text(?::jsonb))
        union
        select m.id from member m
         where m.status <> 'DELETED' and m.email_normalized in (select jsonb_array_elements_text(?::jsonb)))`,
    [integrationId, integrationId, JSON.stringify(externalIds), JSON.stringify(emails)],
  );
  return rows.map((r) => r.external_id);
}

/** Two PARTIAL snapshots of one upstream as one (a FULL one stands for everything). */
export function mergeSnapshots(a: UpstreamSnapshot, b: UpstreamSnapshot): UpstreamSnapshot {
  if (a.scope.kind === 'FULL') return a;
  if (b.scope.kind === 'FULL') return b;
  const union = <T>(x: T[], y: T[], key: (v: T) => string) => [
    ...new Map([...x, ...y].map((v) => [key(v), v])).values(),
  ];
  const ext = (v: { externalId: string }) => v.externalId;
  return {
    scope: {
      kind: 'PARTIAL',
      memberExternalIds: [...new Set([...a.scope.memberExternalIds, ...b.scope.memberExternalIds])],
    },
    fetchedAt: a.fetchedAt,
    locations: union(a.locations, b.locations, ext),
    groups: union(a.groups, b.groups, ext),
    plans: union(a.plans, b.plans, ext),
    members: union(a.members, b.members, ext),
    memberships: union(a.memberships, b.memberships, ext),
    bookings: union(a.bookings, b.bookings, ext),
    checkIns: union(a.checkIns, b.checkIns, ext),
  };
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

import type { MikroORM } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import type { Logger } from '../common/logger.js';
import { Integration, IntegrationHealth, SyncRun, SyncRunStatus, SyncTrigger } from '../entities/index.js';
import type { RunDispatcher, SyncRunner } from '../features/integrations/integration.service.js';
import { readIntegrationSettings } from '../integrations/integration-settings.js';
import { defaultSyncMode, lockKey } from '../sync/sync-engine.js';
import { FULL_RECONCILE_MS } from '../sync/sync-mode.js';

export { FULL_RECONCILE_MS };
export const SYNC_TICK_QUEUE = 'sync-tick';
/** A QUEUED run older than this was left by a process that died before running it. */
export const STALE_QUEUED_MS = 2 * 60_000;
/** A RUNNING run not updated for this long, whose integration lock is free, was abandoned. */
export const STALE_RUNNING_MS = 5 * 60_000;

export interface SyncExecutor extends SyncRunner {
  execute(orm: MikroORM, runId: string): Promise<SyncRun>;
}

/**
 * Runs sync runs in this process as soon as they are committed, and once a minute (a pg-boss
 * schedule, so one replica per tick) starts the runs that integrations' schedules say are due.
 */
export class SyncJobs implements RunDispatcher {
  private readonly inflight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly engine: SyncExecutor,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  dispatch(runId: string): void {
    if (this.stopping) return; // left QUEUED: the next tick of any replica picks it up
    const p: Promise<unknown> = this.engine
      .execute(this.orm, runId)
      .catch((err: unknown) => this.logger.error({ runId, err: (err as Error).message }, 'sync run crashed'))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async start(boss: PgBoss): Promise<void> {
    await boss.createQueue(SYNC_TICK_QUEUE, { name: SYNC_TICK_QUEUE, policy: 'short' });
    await boss.work(SYNC_TICK_QUEUE, async () => {
      await this.tick();
    });
    await boss.schedule(SYNC_TICK_QUEUE, '* * * * *');
  }

  /** Starts due runs and re-dispatches abandoned ones; returns the ids of runs dispatched. */
  async tick(): Promise<string[]> {
    const now = this.now();
    const em = this.orm.em.fork();
    const dispatched: string[] = [];
    const stale = await em.find(SyncRun, {
      status: SyncRunStatus.QUEUED,
      createdAt: { $lt: new Date(now.getTime() - STALE_QUEUED_MS) },
    });
    for (const run of stale) dispatched.push(run.id);
    await this.failAbandonedRuns(now);

    const integrations = await em.find(Integration, {
      enabled: true,
      health: { $ne: IntegrationHealth.NEEDS_RECONNECT },
    });
    for (const integration of integrations) {
      const settings = readIntegrationSettings(integration.settings);
      const busy = await em.count(SyncRun, {
        integration,
        status: { $in: [SyncRunStatus.QUEUED, SyncRunStatus.RUNNING, SyncRunStatus.HELD] },
      });
      if (busy) continue; // a held run waits for an admin; piling more runs behind it helps nobody
      // Webhook runs touch a few members: they neither postpone the schedule nor count as a reconcile.
      const [lastScheduled] = await em.execute<Array<{ created_at: Date }>>(
        `select created_at from sync_run where integration_id = ? and trigger <> 'WEBHOOK'
          order by id desc limit 1`,
        [integration.id],
      );
      const [lastFull] = await em.execute<Array<{ finished_at: Date | null }>>(
        `select finished_at from sync_run
          where integration_id = ? and status = 'SUCCEEDED' and request->>'mode' = 'FULL'
          order by id desc limit 1`,
        [integration.id],
      );
      const lastFullEndedAt = lastFull?.finished_at ? new Date(lastFull.finished_at) : null;
      const due =
        !lastFullEndedAt ||
        lastFullEndedAt.getTime() + FULL_RECONCILE_MS <= now.getTime() ||
        !lastScheduled ||
        new Date(lastScheduled.created_at).getTime() + settings.syncIntervalMinutes * 60_000 <= now.getTime();
      if (!due) continue;
      // Changes only, unless a full reconcile is due (a day old, or settings changed since: sync-mode.ts).
      const mode = defaultSyncMode(integration.syncCursor, now, lastFullEndedAt);
      const run = await em.transactional((tem) =>
        this.engine.createRun(tem, integration, SyncTrigger.SCHEDULE, { mode }),
      );
      dispatched.push(run.id);
    }
    for (const id of dispatched) this.dispatch(id);
    return dispatched;
  }

  /**
   * A RUNNING run whose process died keeps that status for ever and would block its integration's
   * schedule: once it is old and nobody holds the integration's sync lock, it is FAILED.
   */
  private async failAbandonedRuns(now: Date): Promise<void> {
    const em = this.orm.em.fork();
    const running = await em.execute<Array<{ id: string; integration_id: string }>>(
      `select id, integration_id from sync_run where status = 'RUNNING' and updated_at < ?`,
      [new Date(now.getTime() - STALE_RUNNING_MS)],
    );
    if (!running.length) return;
    const knex = em.getConnection().getKnex();
    const conn = (await knex.client.acquireConnection()) as {
      query(sql: string, params: unknown[]): Promise<{ rows: Array<{ ok: boolean }> }>;
    };
    try {
      for (const run of running) {
        const key = lockKey(run.integration_id);
        const { rows } = await conn.query('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
        if (!rows[0]?.ok) continue; // still running somewhere
        try {
          await em.execute(
            `update sync_run set status = 'FAILED', finished_at = now(), updated_at = now(),
               error = 'INTERRUPTED: the process running this sync stopped before it ended; nothing of it was applied'
             where id = ? and status = 'RUNNING'`,
            [run.id],
          );
          this.logger.warn({ runId: run.id }, 'failed an abandoned sync run');
        } finally {
          await conn.query('select pg_advisory_unlock(hashtext($1))', [key]);
        }
      }
    } finally {
      await knex.client.releaseConnection(conn);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inflight]);
  }
}

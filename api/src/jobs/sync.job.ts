import type { MikroORM } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import type { Logger } from '../common/logger.js';
import { Integration, IntegrationHealth, SyncRun, SyncRunStatus, SyncTrigger } from '../entities/index.js';
import type { RunDispatcher, SyncRunner } from '../features/integrations/integration.service.js';
import { readIntegrationSettings } from '../integrations/integration-settings.js';

export const SYNC_TICK_QUEUE = 'sync-tick';
/** A full reconcile at least this often, whatever the schedule's incremental runs do. */
export const FULL_RECONCILE_MS = 24 * 3600_000;
/** A QUEUED run older than this was left by a process that died before running it. */
export const STALE_QUEUED_MS = 2 * 60_000;

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
      const due =
        !integration.lastSyncAt ||
        integration.lastSyncAt.getTime() + settings.syncIntervalMinutes * 60_000 <= now.getTime();
      if (!due) continue;
      const [lastFull] = await em.execute<Array<{ finished_at: Date | null }>>(
        `select finished_at from sync_run
          where integration_id = ? and status = 'SUCCEEDED' and request->>'mode' = 'FULL'
          order by id desc limit 1`,
        [integration.id],
      );
      const full =
        !lastFull?.finished_at ||
        new Date(lastFull.finished_at).getTime() + FULL_RECONCILE_MS <= now.getTime();
      const run = await em.transactional((tem) =>
        this.engine.createRun(tem, integration, SyncTrigger.SCHEDULE, {
          mode: full ? 'FULL' : 'INCREMENTAL',
        }),
      );
      dispatched.push(run.id);
    }
    for (const id of dispatched) this.dispatch(id);
    return dispatched;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inflight]);
  }
}

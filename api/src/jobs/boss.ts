import type { MikroORM } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { SecretBox } from '../common/crypto/secret-box.js';
import type { Logger } from '../common/logger.js';
import { Queue, type JobQueue } from './job-queue.js';
import { computeMemberPmks, membersNeedingPmks } from './pmk.job.js';

/**
 * pg-boss on the same Postgres: replicas share one queue, so each job runs once. `singletonKey`
 * collapses bursts (ten rotations of one member queue one PMK job).
 */
export class BossJobs implements JobQueue {
  readonly boss: PgBoss;

  constructor(
    connectionString: string,
    private readonly orm: MikroORM,
    private readonly secrets: SecretBox,
    private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({ connectionString, schema: 'pgboss', application_name: 'lanyard-jobs', max: 4 });
    this.boss.on('error', (err) => this.logger.error({ err: err.message }, 'job system error'));
  }

  async start(opts: { work: boolean }): Promise<void> {
    await this.boss.start();
    for (const name of Object.values(Queue)) await this.boss.createQueue(name);
    if (!opts.work) return;
    await this.boss.work<{ memberId: string }>(Queue.pmkCompute, { batchSize: 4 }, async (jobs) => {
      for (const job of jobs) await computeMemberPmks(this.orm.em.fork(), this.secrets, job.data.memberId);
    });
    await this.boss.work(Queue.pmkBackfill, async () => {
      const ids = await membersNeedingPmks(this.orm.em.fork());
      for (const id of ids) await this.computePmks(id);
      if (ids.length) this.logger.info({ members: ids.length }, 'queued PMK backfill');
    });
    // Catches anything a crash between commit and enqueue left behind, and new SSIDs.
    await this.boss.schedule(Queue.pmkBackfill, '*/10 * * * *');
    await this.boss.send(Queue.pmkBackfill, {}, { singletonKey: 'startup' });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }

  async computePmks(memberId: string): Promise<void> {
    await this.boss.send(
      Queue.pmkCompute,
      { memberId },
      { singletonKey: memberId, retryLimit: 5, retryBackoff: true },
    );
  }

  async backfillPmks(): Promise<void> {
    await this.boss.send(Queue.pmkBackfill, {}, { singletonKey: 'backfill' });
  }
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { SecretBox } from '../common/crypto/secret-box.js';
import type { Logger } from '../common/logger.js';
import type { RateLimiter } from '../common/rate-limiter.js';
import { cleanup, DEFAULT_RETENTION, type Retention } from './cleanup.job.js';
import { Queue, type JobQueue, type MailJobOptions } from './job-queue.js';
import { transactionalDb } from './transactional-db.js';
import { computeMemberPmks, membersNeedingPmks } from './pmk.job.js';

/**
 * Queue policies. pg-boss 10 ignores `singletonKey` on a 'standard' queue, so de-duplication needs
 * a policy. 'short' allows at most one *queued* (created) job per singletonKey, while one with the
 * same key may be active: a change during a PMK computation still gets its own run afterwards.
 * ('stately' would also allow only one active job per key, but its unique index makes a fetch that
 * would activate a second job of an active key fail, stalling the whole queue meanwhile;
 * computeMemberPmks is idempotent and safe to run concurrently, so 'short' is the right trade.)
 */
export const QUEUE_POLICIES: Record<(typeof Queue)[keyof typeof Queue], PgBoss.QueuePolicy> = {
  [Queue.pmkCompute]: 'short',
  [Queue.pmkBackfill]: 'short',
  [Queue.cleanup]: 'standard',
  [Queue.mailSend]: 'standard',
  [Queue.credentialDelivery]: 'short',
};

/** Every backfill (on demand, scheduled, at start-up) shares one key: one queued at a time. */
export const BACKFILL_KEY = 'backfill';

/**
 * pg-boss on the same Postgres: replicas share one queue, so each job runs once. `singletonKey`
 * collapses bursts (ten rotations of one member queue one PMK job) thanks to QUEUE_POLICIES.
 */
export class BossJobs implements JobQueue {
  readonly boss: PgBoss;
  private working = false;

  constructor(
    connectionString: string,
    private readonly orm: MikroORM,
    private readonly secrets: SecretBox,
    private readonly logger: Logger,
    private readonly limiter: RateLimiter,
    private readonly retention: Retention = DEFAULT_RETENTION,
  ) {
    this.boss = new PgBoss({ connectionString, schema: 'pgboss', application_name: 'lanyard-jobs', max: 4 });
    this.boss.on('error', (err) => this.logger.error({ err: err.message }, 'job system error'));
  }

  async start(opts: { work: boolean }): Promise<void> {
    await this.boss.start();
    await this.ensureQueues();
    if (!opts.work) return;
    this.working = true;
    await this.boss.work<{ memberId: string }>(Queue.pmkCompute, { batchSize: 4 }, async (jobs) => {
      for (const job of jobs) await computeMemberPmks(this.orm.em.fork(), this.secrets, job.data.memberId);
    });
    await this.boss.work(Queue.pmkBackfill, async () => {
      const ids = await membersNeedingPmks(this.orm.em.fork());
      for (const id of ids) await this.computePmks(id);
      if (ids.length) this.logger.info({ members: ids.length }, 'queued PMK backfill');
    });
    await this.boss.work(Queue.cleanup, async () => {
      this.logger.info(await cleanup(this.orm.em.fork(), this.limiter, this.retention), 'cleanup done');
    });
    await this.boss.schedule(Queue.cleanup, '17 3 * * *');
    // Catches anything a crash between commit and enqueue left behind, and new SSIDs.
    await this.boss.schedule(Queue.pmkBackfill, '*/10 * * * *', {}, { singletonKey: BACKFILL_KEY });
    await this.backfillPmks();
  }

  /**
   * Creates the queues with their policies. `createQueue` leaves an existing queue untouched (a
   * database from before the policies has them as 'standard'), so a differing policy is updated.
   * Jobs keep the policy they were sent with; new ones get the queue's.
   */
  private async ensureQueues(): Promise<void> {
    for (const name of Object.values(Queue)) {
      const policy = QUEUE_POLICIES[name];
      await this.boss.createQueue(name, { name, policy });
      const existing = await this.boss.getQueue(name);
      if (existing && existing.policy !== policy) {
        await this.boss.updateQueue(name, { name, policy });
        this.logger.info({ queue: name, from: existing.policy, to: policy }, 'updated job queue policy');
      }
    }
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

  async sendMail(messageId: string, opts: MailJobOptions, em?: EntityManager): Promise<void> {
    await this.boss.send(
      Queue.mailSend,
      { messageId },
      {
        retryLimit: Math.max(opts.attempts - 1, 0),
        retryDelay: opts.retryDelaySeconds,
        retryBackoff: true,
        priority: opts.priority ?? 0,
        ...(em ? { db: transactionalDb(em) } : {}),
      },
    );
  }

  /** Runs `deliver` for queued mail (registered once the services exist). */
  async workMail(deliver: (messageId: string) => Promise<void>): Promise<void> {
    if (!this.working) return;
    await this.boss.work<{ messageId: string }>(
      Queue.mailSend,
      // pg-boss waits the polling interval after every fetch, so one job per fetch meant one mail a
      // second; a batch keeps that wait per 20 mails. Retrying a batch re-sends nothing: deliver()
      // skips messages that are no longer PENDING.
      { pollingIntervalSeconds: 1, batchSize: 20 },
      async (jobs) => {
        for (const job of jobs) await deliver(job.data.messageId);
      },
    );
  }

  /** Every minute, on one replica: credentials of members whose access has begun (a grant's start passed). */
  async workCredentialDelivery(deliverDue: () => Promise<unknown>): Promise<void> {
    if (!this.working) return;
    // Polled slowly: it is due once a minute, and every poll is a statement on an idle system.
    await this.boss.work(Queue.credentialDelivery, { pollingIntervalSeconds: 20 }, async () => {
      await deliverDue();
    });
    await this.boss.schedule(Queue.credentialDelivery, '* * * * *');
  }

  async backfillPmks(): Promise<void> {
    await this.boss.send(Queue.pmkBackfill, {}, { singletonKey: BACKFILL_KEY });
  }
}

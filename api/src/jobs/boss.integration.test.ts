/**
 * De-duplication of queued jobs by pg-boss queue policy, against a real database. No workers run
 * (`work: false`), so what is sent stays queued and can be counted in pgboss.job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MikroORM } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { RateLimiter } from '../common/rate-limiter.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { createLogger } from '../common/logger.js';
import { createTestDatabase, type TestDatabase } from '../db/test-support/test-database.js';
import { BossJobs, QUEUE_POLICIES } from './boss.js';
import { Queue } from './job-queue.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
let db: TestDatabase;
let sql: pg.Client;

before(async () => {
  db = await createTestDatabase();
  // A database from before the queue policies: every queue already exists as 'standard'.
  const old = new PgBoss({ connectionString: db.url, schema: 'pgboss', supervise: false, schedule: false });
  await old.start();
  for (const name of Object.values(Queue)) await old.createQueue(name, { name });
  await old.stop({ graceful: false, wait: true });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
after(async () => {
  await sql.end();
  await db.drop();
});

const jobs = async (queue: string, where = 'true'): Promise<Array<{ state: string; key: string | null }>> =>
  (
    await sql.query(
      `select state, singleton_key as key from pgboss.job where name = $1 and ${where} order by created_on`,
      [queue],
    )
  ).rows;

describe('job queues', () => {
  it('upgrades existing standard queues and queues one PMK job per member and one backfill', async () => {
    const before = (await sql.query(`select name, policy from pgboss.queue order by name`)).rows;
    assert.ok(before.every((q: { policy: string }) => q.policy === 'standard'));

    const boss = new BossJobs(
      db.url,
      null as unknown as MikroORM,
      SecretBox.fromHex('00'.repeat(32)),
      logger,
      new RateLimiter(sql),
    );
    await boss.start({ work: false });
    try {
      const queues = (await sql.query(`select name, policy from pgboss.queue`)).rows;
      for (const name of Object.values(Queue))
        assert.equal(
          queues.find((q: { name: string }) => q.name === name)?.policy,
          QUEUE_POLICIES[name],
          name,
        );

      const a = '01930000-0000-7000-8000-00000000000a';
      const b = '01930000-0000-7000-8000-00000000000b';
      await boss.computePmks(a);
      await boss.computePmks(a);
      await boss.computePmks(b);
      await boss.computePmks(a);
      assert.deepEqual(
        (await jobs(Queue.pmkCompute)).map((j) => [j.state, j.key]),
        [
          ['created', a],
          ['created', b],
        ],
      );

      // One may run while another for the same member waits (a change during the computation).
      const [fetched] = (await boss.boss.fetch<{ memberId: string }>(Queue.pmkCompute)) ?? [];
      assert.equal(fetched?.data.memberId, a);
      await boss.computePmks(a);
      await boss.computePmks(a);
      assert.deepEqual((await jobs(Queue.pmkCompute, `singleton_key = '${a}'`)).map((j) => j.state).sort(), [
        'active',
        'created',
      ]);

      await boss.backfillPmks();
      await boss.backfillPmks();
      assert.equal((await jobs(Queue.pmkBackfill, `state = 'created'`)).length, 1);
    } finally {
      await boss.stop();
    }
  });
});

/** The daily cleanup's retention of RADIUS history: auth events and stopped accounting sessions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RateLimiter } from '../common/rate-limiter.js';
import { startTestApi, type TestApi } from '../test-support/api-harness.js';
import { cleanup } from './cleanup.job.js';

let t: TestApi;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const limiter = { prune: async () => 0 } as unknown as RateLimiter;

before(async () => {
  t = await startTestApi();
});
after(() => t.stop());

describe('cleanup: RADIUS history retention', () => {
  it('deletes auth events past their retention, in chunks, and keeps the newer ones', async () => {
    await sql('delete from auth_event');
    // 25,000 old rows: more than one 10,000-row chunk.
    await sql(
      `insert into auth_event (id, created_at, updated_at, username, method, result, reason)
       select gen_random_uuid(), now() - interval '8 days', now(), 'old-' || g, 'PAP', 'REJECT', 'UNKNOWN_USER'
         from generate_series(1, 25000) g`,
    );
    await sql(
      `insert into auth_event (id, created_at, updated_at, username, method, result, reason)
       values (gen_random_uuid(), now() - interval '6 days', now(), 'recent', 'PAP', 'ACCEPT', 'ALLOWED')`,
    );
    const counts = await cleanup(t.api.orm.em.fork(), limiter, { authEventDays: 7, radiusSessionDays: 400 });
    assert.equal(counts.authEvents, 25_000);
    const left = await sql('select username from auth_event');
    assert.deepEqual(
      left.map((r) => r.username),
      ['recent'],
    );
  });

  it('deletes accounting sessions stopped before their retention; open ones stay however old', async () => {
    await sql('delete from radius_session');
    const session = (name: string, started: string, stopped: string | null) =>
      sql(
        `insert into radius_session (id, username, acct_session_id, acct_unique_id, started_at, last_update_at, stopped_at)
         values (gen_random_uuid(), ?, ?, ?, now() - ?::interval, now() - ?::interval, now() - ?::interval)`,
        [name, name, name, started, stopped ?? started, stopped],
      );
    await session('stopped-long-ago', '40 days', '31 days');
    await session('stopped-recently', '40 days', '29 days');
    await session('still-open', '90 days', null);
    const counts = await cleanup(t.api.orm.em.fork(), limiter, { authEventDays: 90, radiusSessionDays: 30 });
    assert.equal(counts.radiusSessions, 1);
    const left = await sql('select username from radius_session order by username');
    assert.deepEqual(
      left.map((r) => r.username),
      ['still-open', 'stopped-recently'],
    );
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { pino } from 'pino';
import type { Journal } from './journal.js';
import { WriteStore, uuidv7s, type AccountingRecord, type AuthEventRecord } from './write-store.js';

const event = (n: number): AuthEventRecord => ({
  at: new Date(1_700_000_000_000 + n),
  nasClientId: 'nas',
  locationId: 'loc',
  memberId: null,
  username: `user-${n}`,
  mac: null,
  method: 'PAP',
  result: 'ACCEPT',
  reason: 'ALLOWED',
  vlanId: null,
  sessionTimeoutSeconds: null,
});

describe('uuidv7s', () => {
  it('gives RFC 9562 version-7 ids carrying each millisecond timestamp, all distinct', () => {
    const times = [0, 1, 1_700_000_000_000, 1_700_000_000_000, 2 ** 48 - 1];
    const ids = uuidv7s(times);
    assert.equal(ids.length, times.length);
    assert.equal(new Set(ids).size, ids.length);
    ids.forEach((id, i) => {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), times[i]);
    });
  });

  it('an empty batch gives no ids', () => assert.deepEqual(uuidv7s([]), []));
});

describe('WriteStore.authEvent queue cap', () => {
  // Only the in-memory queue is exercised: no query is made without flush().
  const store = () =>
    new WriteStore({} as pg.Pool, {} as Journal<AccountingRecord>, pino({ level: 'silent' }));

  it('keeps everything below the cap', () => {
    const s = store();
    for (let i = 0; i < 1000; i++) s.authEvent(event(i));
    assert.equal(s.stats.eventsDropped, 0);
  });

  it('past 110 % of the cap drops the oldest back down to the cap, counted', () => {
    const s = store();
    const cap = WriteStore.MAX_BUFFERED_EVENTS;
    const total = Math.floor(cap * 1.1) + 1;
    for (let i = 0; i < total; i++) s.authEvent(event(i));
    assert.equal(s.stats.eventsDropped, total - cap);
    const queued = (s as unknown as { events: AuthEventRecord[] }).events;
    assert.equal(queued.length, cap);
    assert.equal(queued[0]!.username, `user-${total - cap}`, 'the oldest went first');
    assert.equal(queued.at(-1)!.username, `user-${total - 1}`);
  });
});

describe('WriteStore: access points last seen', () => {
  it('stamps last_seen_at of the access points in a written batch, at most once a minute each', async () => {
    const queries: Array<{ sql: string; params: unknown[] }> = [];
    const db = {
      query: async (sql: string, params: unknown[]) => {
        queries.push({ sql, params });
        return { rows: [] };
      },
    } as unknown as pg.Pool;
    const journal = { replay: async () => undefined } as unknown as Journal<AccountingRecord>;
    const s = new WriteStore(db, journal, pino({ level: 'silent' }));
    const at = (nas: string, n: number) => ({ ...event(n), nasClientId: nas });
    s.authEvent(at('nas-a', 1));
    s.authEvent(at('nas-b', 2));
    s.authEvent(at('nas-a', 3));
    await s.flush();
    const seen = () => queries.filter((q) => q.sql.includes('last_seen_at'));
    assert.equal(seen().length, 1);
    assert.deepEqual([...(seen()[0]!.params[0] as string[])].sort(), ['nas-a', 'nas-b']);

    s.authEvent(at('nas-a', 4));
    await s.flush();
    assert.equal(seen().length, 1, 'not again within the minute');
  });
});

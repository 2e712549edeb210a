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
    const queued = (s as unknown as { events: Array<{ rec: AuthEventRecord }> }).events;
    assert.equal(queued.length, cap);
    assert.equal(queued[0]!.rec.username, `user-${total - cap}`, 'the oldest went first');
    assert.equal(queued.at(-1)!.rec.username, `user-${total - 1}`);
    assert.ok(s.openRepeats <= WriteStore.MAX_OPEN_REPEATS, 'repeat tracking stays bounded');
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

/** A database that records the auth_event rows it is given, applying inserts and repeat updates. */
function recordingDb(opts: { failInserts?: number } = {}) {
  const rows = new Map<
    string,
    { username: string | null; reason: string; count: number; last: string | null }
  >();
  let failInserts = opts.failInserts ?? 0;
  const statements: string[] = [];
  const db = {
    query: async (sql: string, params: unknown[]) => {
      if (sql.includes('insert into auth_event')) {
        statements.push('insert');
        if (failInserts-- > 0) throw new Error('connection lost');
        for (const r of JSON.parse(params[0] as string) as Array<Record<string, any>>) {
          if (!rows.has(r.id))
            rows.set(r.id, { username: r.username, reason: r.reason, count: r.count, last: r.last });
        }
      } else if (sql.includes('update auth_event')) {
        statements.push('update');
        for (const r of JSON.parse(params[0] as string) as Array<Record<string, any>>) {
          const row = rows.get(r.id)!;
          row.count = Math.max(row.count, r.count);
          row.last = r.last;
        }
      }
      return { rows: [] };
    },
  } as unknown as pg.Pool;
  const journal = { replay: async () => undefined } as unknown as Journal<AccountingRecord>;
  return { db, journal, rows, statements };
}

describe('WriteStore: repeated decisions', () => {
  const T0 = Date.now();
  const base: AuthEventRecord = {
    at: new Date(T0),
    nasClientId: 'nas-1',
    locationId: 'loc-1',
    memberId: 'member-1',
    username: 'ada',
    mac: 'aa-bb-cc-dd-ee-ff',
    method: 'PAP',
    result: 'ACCEPT',
    reason: 'ALLOWED',
    vlanId: 20,
    sessionTimeoutSeconds: 3600,
  };
  const store = (windowMs = 60_000, opts: { failInserts?: number; rowSpanMs?: number } = {}) => {
    const r = recordingDb(opts);
    return {
      ...r,
      s: new WriteStore(r.db, r.journal, pino({ level: 'silent' }), {
        repeatWindowMs: windowMs,
        repeatWindowJitter: 0,
        rowSpanMs: opts.rowSpanMs,
      }),
    };
  };

  it('identical decisions within the window are one row carrying the count and the last time', async () => {
    const { s, rows } = store();
    for (let i = 0; i < 5; i++) s.authEvent({ ...base, at: new Date(T0 + i * 1000) });
    await s.stop();
    assert.equal(rows.size, 1);
    const [row] = [...rows.values()];
    assert.equal(row!.count, 5);
    assert.equal(row!.last, new Date(T0 + 4000).toISOString());
    assert.equal(s.stats.eventsWritten, 1);
    assert.equal(s.stats.eventsRepeated, 4);
  });

  it('a single decision has no last time', async () => {
    const { s, rows } = store();
    s.authEvent(base);
    await s.stop();
    assert.deepEqual(
      [...rows.values()].map((r) => [r.count, r.last]),
      [[1, null]],
    );
  });

  // Any difference in what the row shows makes a new row (session timeout aside: it counts down).
  const differences: Array<[string, Partial<AuthEventRecord>]> = [
    ['access point', { nasClientId: 'nas-2' }],
    ['member', { memberId: 'member-2' }],
    ['no member', { memberId: null }],
    ['MAC', { mac: '11-22-33-44-55-66' }],
    ['no MAC', { mac: null }],
    ['method', { method: 'MAC_AUTH' }],
    ['result', { result: 'REJECT', reason: 'ALLOWED' }],
    ['reason', { reason: 'WRONG_PASSWORD' }],
    ['VLAN', { vlanId: 30 }],
    ['no VLAN', { vlanId: null }],
    ['user name', { username: 'ada2' }],
  ];
  for (const [what, change] of differences) {
    it(`a different ${what} is a row of its own`, async () => {
      const { s, rows } = store();
      s.authEvent(base);
      s.authEvent({ ...base, ...change, at: new Date(T0 + 1) });
      s.authEvent({ ...base, at: new Date(T0 + 2) });
      await s.stop();
      assert.equal(rows.size, 2);
      assert.deepEqual([...rows.values()].map((r) => r.count).sort(), [1, 2]);
    });
  }

  it('a different session timeout is the same decision', async () => {
    const { s, rows } = store();
    s.authEvent(base);
    s.authEvent({ ...base, sessionTimeoutSeconds: 3599, at: new Date(T0 + 1000) });
    await s.stop();
    assert.equal(rows.size, 1);
  });

  it('a row takes repeats while each comes less than a window after the previous', async () => {
    const { s, rows } = store(10_000);
    for (let i = 0; i < 6; i++) s.authEvent({ ...base, at: new Date(T0 + i * 9_999) });
    await s.stop();
    assert.deepEqual(
      [...rows.values()].map((r) => r.count),
      [6],
    );
  });

  it('a window without an identical decision ends the row: the next one starts a new row', async () => {
    const { s, rows } = store(10_000);
    s.authEvent(base);
    s.authEvent({ ...base, at: new Date(T0 + 9_999) });
    s.authEvent({ ...base, at: new Date(T0 + 19_999) });
    s.authEvent({ ...base, at: new Date(T0 + 20_000) });
    await s.stop();
    assert.deepEqual(
      [...rows.values()].map((r) => r.count),
      [2, 2],
    );
  });

  it('a row takes repeats for at most its span, then a new row starts however they keep coming', async () => {
    const { s, rows } = store(10_000, { rowSpanMs: 30_000 });
    for (let i = 0; i <= 7; i++) s.authEvent({ ...base, at: new Date(T0 + i * 5_000) });
    await s.stop();
    assert.deepEqual(
      [...rows.values()].map((r) => r.count),
      [6, 2],
    );
  });

  it("writes a growing row's count about once a window while it takes repeats, and at its end", async () => {
    const { s, rows, statements } = store(300);
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < WriteStore.REPEAT_SWEEP_MS * 2.5) {
      s.authEvent({ ...base, at: new Date() });
      sent++;
      await s.flush();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(rows.size, 1, 'one row while repeats keep coming');
    const updatesWhileOpen = statements.filter((x) => x === 'update').length;
    assert.ok(updatesWhileOpen >= 1, 'the count was written while the row was still open');
    assert.ok([...rows.values()][0]!.count > 1);
    await s.stop();
    assert.equal([...rows.values()][0]!.count, sent, 'the final count at the end');
  });

  it('count writes are spread between 75 % and 100 % of a window, so rows opened together write apart', () => {
    const r = recordingDb();
    const s = new WriteStore(r.db, r.journal, pino({ level: 'silent' }), { repeatWindowMs: 60_000 });
    for (let i = 0; i < 400; i++) s.authEvent({ ...base, memberId: `member-${i}` });
    const open = (s as unknown as { open: Map<string, Array<{ writeDueAt: number }>> }).open;
    const windows = [...open.values()].map(([q]) => q!.writeDueAt - T0);
    assert.ok(Math.min(...windows) >= 45_000 && Math.max(...windows) <= 60_000, 'within the range');
    // 400 uniform draws over 15 s: the chance that they span less than half of it is ~1e-117.
    assert.ok(Math.max(...windows) - Math.min(...windows) > 7_500, 'spread over the range');
  });

  it('window 0 writes every decision as its own row', async () => {
    const { s, rows } = store(0);
    for (let i = 0; i < 3; i++) s.authEvent({ ...base, at: new Date(T0 + i) });
    await s.stop();
    assert.equal(rows.size, 3);
    assert.equal(s.openRepeats, 0);
  });

  it('repeats after the row was written reach it as an update of the count', async () => {
    const { s, rows, statements } = store();
    s.authEvent(base);
    await s.flush();
    assert.equal([...rows.values()][0]!.count, 1);
    s.authEvent({ ...base, at: new Date(T0 + 500) });
    s.authEvent({ ...base, at: new Date(T0 + 700) });
    await s.stop();
    assert.deepEqual(statements, ['insert', 'update']);
    assert.equal([...rows.values()][0]!.count, 3);
    assert.equal([...rows.values()][0]!.last, new Date(T0 + 700).toISOString());
  });

  it("writes a row's count once, when its window is over, not on every flush", async () => {
    const { s, rows, statements } = store(100);
    const t0 = Date.now();
    s.authEvent({ ...base, at: new Date(t0) });
    await s.flush();
    s.authEvent({ ...base, at: new Date(t0 + 50) });
    await s.flush();
    assert.deepEqual(statements, ['insert'], 'no update while the window is open');
    // A decision after the window starts a row; the first row's repeat is written with its close.
    s.authEvent({ ...base, at: new Date(t0 + 150) });
    await new Promise((r) => setTimeout(r, WriteStore.REPEAT_SWEEP_MS + 100));
    await s.flush();
    assert.deepEqual(statements, ['insert', 'insert', 'update']);
    assert.deepEqual(
      [...rows.values()].map((r) => r.count),
      [2, 1],
    );
    await s.stop();
    assert.deepEqual(statements, ['insert', 'insert', 'update'], 'nothing left to write');
  });

  it('a sweep looks only at the rows whose check is due, not at every open row', async () => {
    const { s, rows } = store(60_000);
    const now = Date.now();
    for (let i = 0; i < 1000; i++) s.authEvent({ ...base, memberId: `member-${i}`, at: new Date(now) });
    await s.flush(); // inserted; first checks one sweep interval later
    await new Promise((r) => setTimeout(r, WriteStore.REPEAT_SWEEP_MS * 2 + 50));
    await s.flush();
    const afterFirst = s.sweepStats.rowsChecked;
    assert.equal(afterFirst, 1000, 'each row looked at once after its insert');
    s.authEvent({ ...base, memberId: 'member-0', at: new Date(now + 10) });
    await new Promise((r) => setTimeout(r, WriteStore.REPEAT_SWEEP_MS + 50));
    await s.flush();
    assert.equal(s.sweepStats.rowsChecked, afterFirst, 'none due again before its window could end');
    assert.equal(s.openRepeats, 1000);
    assert.equal(rows.size, 1000);
  });

  it('a row joins the sweep once inserted, also when its insert had to be retried', async () => {
    const { s, rows } = store(60_000, { failInserts: 3 });
    for (let i = 0; i < 100; i++) s.authEvent({ ...base, memberId: `member-${i}`, at: new Date() });
    for (let attempt = 0; attempt < 3; attempt++) {
      await s.flush();
      await new Promise((r) => setTimeout(r, WriteStore.REPEAT_SWEEP_MS + 20));
    }
    assert.equal(rows.size, 0, 'every insert failed');
    assert.equal(s.sweepStats.rowsChecked, 0, 'no sweep while inserts fail');
    await s.flush();
    assert.equal(rows.size, 100);
    await new Promise((r) => setTimeout(r, WriteStore.REPEAT_SWEEP_MS * 2 + 50));
    await s.flush();
    assert.equal(s.sweepStats.rowsChecked, 100, 'each row looked at once after its insert');
  });

  it('a row whose repeats outlast its first check is looked at again and ends with its full count', async () => {
    const { s, rows, statements } = store(1500);
    const t0 = Date.now();
    s.authEvent({ ...base, at: new Date(t0) });
    await s.flush();
    // Repeats every 400 ms (a window of 1.5 s: timers may fire late on a busy machine) keep the
    // row open past the checks planned from its earlier times.
    for (let i = 1; i <= 5; i++) {
      await new Promise((r) => setTimeout(r, 400));
      s.authEvent({ ...base, at: new Date() });
      await s.flush();
    }
    assert.equal(rows.size, 1, 'one row while repeats keep coming');
    assert.equal(s.openRepeats, 1);
    // Quiet: the window ends and the next sweep writes the final count without a shutdown.
    await new Promise((r) => setTimeout(r, 1500 + 2 * WriteStore.REPEAT_SWEEP_MS));
    await s.flush();
    assert.equal(s.openRepeats, 0, 'the ended row is forgotten');
    assert.equal([...rows.values()][0]!.count, 6);
    const before = statements.length;
    await s.stop();
    assert.equal(statements.length, before, 'nothing left for the shutdown to write');
  });

  it('after the clock steps back, new rows are still looked at on time', async () => {
    const { s, rows } = store(300);
    const realNow = Date.now;
    try {
      // The worker ran with a clock an hour fast, then the clock was corrected.
      Date.now = () => realNow() + 3_600_000;
      s.authEvent({ ...base, memberId: 'member-2', at: new Date(Date.now()) });
      await s.flush();
      Date.now = realNow;
      const t = Date.now();
      s.authEvent({ ...base, at: new Date(t) });
      await s.flush();
      s.authEvent({ ...base, at: new Date(t + 100) });
      await new Promise((r) => setTimeout(r, 300 + 2 * WriteStore.REPEAT_SWEEP_MS + 100));
      await s.flush();
      const row = [...rows.values()].find((r) => r.count === 2);
      assert.ok(row, "the row's final count was written without waiting for the old time");
      assert.equal(s.openRepeats, 1, 'only the row from the fast clock is still open');
    } finally {
      Date.now = realNow;
    }
  });

  it('a replaced row dropped over the queue cap before its insert is never written', async () => {
    const { s, rows } = store(10_000);
    s.authEvent(base);
    // A decision after the window replaces the row (not inserted yet: its count waits for it)…
    s.authEvent({ ...base, at: new Date(T0 + 20_000) });
    // …and the queue overflows before any flush, dropping the oldest rows, that one first.
    const over = Math.floor(WriteStore.MAX_BUFFERED_EVENTS * 1.1);
    for (let i = 0; i < over; i++)
      s.authEvent({ ...base, memberId: null, username: `spray-${i}`, at: new Date(T0 + 30_000) });
    assert.ok(s.stats.eventsDropped >= 2);
    await s.stop();
    const closing = (s as unknown as { closing: unknown[] }).closing;
    assert.equal(closing.length, 0, 'nothing waits for an insert that will never come');
    assert.equal(
      [...rows.values()].filter((r) => r.username === 'ada').length,
      0,
      'both dropped rows of ada stay dropped',
    );
  });

  it('a failed insert is retried with the same ids: no duplicate row, no lost count', async () => {
    const { s, rows, statements } = store(60_000, { failInserts: 1 });
    s.authEvent(base);
    s.authEvent({ ...base, reason: 'WRONG_PASSWORD', result: 'REJECT' });
    await s.flush();
    assert.equal(rows.size, 0);
    s.authEvent({ ...base, at: new Date(T0 + 1) });
    await s.stop();
    assert.deepEqual(statements, ['insert', 'insert']);
    assert.deepEqual([...rows.values()].map((r) => r.count).sort(), [1, 2]);
  });

  it('rows whose window is over are forgotten once their count is written', async () => {
    const { s } = store(1);
    s.authEvent({ ...base, at: new Date(Date.now() - 1000) });
    await s.stop();
    assert.equal(s.openRepeats, 0);
  });

  it('tracks at most a few distinct decisions per member; more are still written, one row each', async () => {
    const { s, rows } = store();
    const n = WriteStore.MAX_OPEN_PER_KEY + 5;
    for (let i = 0; i < n; i++)
      s.authEvent({ ...base, mac: `02-00-00-00-00-${i.toString(16).padStart(2, '0')}` });
    assert.equal(s.openRepeats, WriteStore.MAX_OPEN_PER_KEY);
    s.authEvent({ ...base, mac: '02-00-00-00-00-00' });
    s.authEvent({ ...base, mac: `02-00-00-00-00-${(n - 1).toString(16).padStart(2, '0')}` });
    await s.stop();
    assert.equal(rows.size, n + 1, 'the tracked MAC repeated on its row, the untracked one a new row');
  });

  it('past the cap of tracked decisions, new ones are still written, one row each', async () => {
    const { s, rows } = store();
    const n = WriteStore.MAX_OPEN_REPEATS + 10;
    for (let i = 0; i < n; i++) s.authEvent({ ...base, memberId: null, username: `spray-${i}` });
    s.authEvent({ ...base, memberId: null, username: `spray-${n - 1}` });
    assert.equal(s.openRepeats, WriteStore.MAX_OPEN_REPEATS);
    await s.stop();
    assert.equal(rows.size, n + 1, 'the untracked repeat is a row of its own');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  UnboundMatcher,
  type MatchRequest,
  type PmkCandidate,
  type UnboundMatcherOptions,
} from './matcher.js';
import { parseEapolKeyMsg2 } from './eapol.js';
import { MicChecker } from './mic-check.js';
import { PmkTable } from './pmk-table.js';
import { sha1x4 } from './sha1x4.js';
import { buildMsg2, pmkFromPassphrase } from './station.js';
import { FREERADIUS_DPSK as FR, hex } from './test-support/vectors.js';

const SSID = 'Lanyard Members';
const AP = hex('02aabbccdd01');

function members(count: number): PmkCandidate[] {
  return Array.from({ length: count }, (_, i) => ({ memberId: `m${i}`, pmk: randomBytes(32) }));
}

function request(pmk: Buffer, staMac = randomBytes(6), descriptorVersion: 2 | 3 = 2): MatchRequest {
  const anonce = randomBytes(32);
  return {
    ssid: SSID,
    apMac: AP,
    staMac,
    anonce,
    frame: buildMsg2({ pmk, apMac: AP, staMac, anonce, descriptorVersion }),
  };
}

/** The FreeRADIUS DPSK capture (reference/radius.md §3.10) as a match request. */
const FR_REQUEST: MatchRequest = {
  ssid: FR.ssid,
  apMac: hex(FR.apMac),
  staMac: hex(FR.staMac),
  anonce: hex(FR.anonce),
  frame: hex(FR.frame),
};

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function matcher(opts: UnboundMatcherOptions = {}) {
  const c = clock();
  return { m: new UnboundMatcher({ now: c.now, ...opts }), clock: c };
}

describe('UnboundMatcher matching', () => {
  const pool = members(300);

  it('finds the member whose PMK signed the frame', () => {
    const { m } = matcher();
    for (const index of [0, 1, 150, 299]) {
      const result = m.match(request(pool[index]!.pmk), pool);
      assert.deepEqual(result, { kind: 'MATCH', memberId: `m${index}`, scanned: index + 1 });
    }
  });

  it('matches v3 (PSK-SHA256) handshakes too', () => {
    const { m } = matcher();
    const result = m.match(request(pool[42]!.pmk, randomBytes(6), 3), pool);
    assert.deepEqual(result, { kind: 'MATCH', memberId: 'm42', scanned: 43 });
  });

  it('matches the FreeRADIUS capture among other keys', () => {
    const { m } = matcher();
    const candidates = [
      ...members(50),
      { memberId: 'pancakes', pmk: pmkFromPassphrase(FR.passphrase, FR.ssid) },
    ];
    assert.deepEqual(m.match(FR_REQUEST, candidates), { kind: 'MATCH', memberId: 'pancakes', scanned: 51 });
  });

  it('answers NO_MATCH after trying every candidate', () => {
    const { m } = matcher();
    assert.deepEqual(m.match(request(randomBytes(32)), pool), { kind: 'NO_MATCH', scanned: 300 });
    assert.deepEqual(m.match(request(randomBytes(32)), []), { kind: 'NO_MATCH', scanned: 0 });
  });

  it('tries the preferred candidate first and does not try it twice (list and PmkTable)', () => {
    const table = new PmkTable<{ id: string; pmk: Buffer }>((o) => o.pmk);
    for (const c of pool) table.add({ id: c.memberId, pmk: c.pmk }, c.pmk);
    for (const [name, source] of [
      ['list', pool],
      ['table', table],
    ] as const) {
      const { m } = matcher();
      const preferred = pool[200]!;
      assert.deepEqual(
        m.match(request(preferred.pmk), source, preferred),
        { kind: 'MATCH', memberId: 'm200', scanned: 1 },
        name,
      );
      // preferred is stale (the device now uses another key): the scan skips it
      assert.deepEqual(
        m.match(request(pool[250]!.pmk), source, preferred),
        { kind: 'MATCH', memberId: 'm250', scanned: 1 + 250 },
        name,
      );
      assert.deepEqual(
        m.match(request(randomBytes(32)), source, { ...preferred }),
        { kind: 'NO_MATCH', scanned: 300 },
        name,
      );
    }
  });

  it('reads candidates given as a function only when a scan is admitted', () => {
    const { m } = matcher({ scansPerMacPerMinute: 1 });
    let calls = 0;
    const source = () => {
      calls++;
      return pool;
    };
    const staMac = randomBytes(6);
    assert.equal(
      m.match({ ...request(pool[1]!.pmk, staMac), frame: Buffer.alloc(10) }, source).kind,
      'BAD_FRAME',
    );
    assert.deepEqual(m.match(request(pool[1]!.pmk, staMac), source, pool[1]), {
      kind: 'MATCH',
      memberId: 'm1',
      scanned: 1,
    });
    assert.equal(calls, 0);
    assert.deepEqual(m.match(request(pool[7]!.pmk, staMac), source), {
      kind: 'MATCH',
      memberId: 'm7',
      scanned: 8,
    });
    assert.equal(calls, 1);
    assert.equal(m.match(request(pool[7]!.pmk, staMac), source).kind, 'RATE_LIMITED');
    assert.equal(calls, 1);
  });

  it('accepts any iterable and skips PMKs of the wrong size', () => {
    const { m } = matcher();
    const target = pool[3]!;
    function* generate() {
      yield { memberId: 'short', pmk: Buffer.alloc(16) };
      yield* pool.slice(0, 5);
    }
    assert.deepEqual(m.match(request(target.pmk), generate()), { kind: 'MATCH', memberId: 'm3', scanned: 5 });
  });

  it('scans a PmkTable like the list it was built from (v2, v3, a stale preferred of the same member)', () => {
    const { m } = matcher();
    const table = new PmkTable<{ id: string; pmk: Buffer }>((o) => o.pmk);
    for (const c of pool) table.add({ id: c.memberId, pmk: c.pmk }, c.pmk);
    for (const index of [0, 150, 299]) {
      assert.deepEqual(m.match(request(pool[index]!.pmk), table), {
        kind: 'MATCH',
        memberId: `m${index}`,
        scanned: index + 1,
      });
    }
    assert.deepEqual(m.match(request(pool[42]!.pmk, randomBytes(6), 3), table), {
      kind: 'MATCH',
      memberId: 'm42',
      scanned: 43,
    });
    assert.deepEqual(m.match(request(randomBytes(32), randomBytes(6), 3), table), {
      kind: 'NO_MATCH',
      scanned: 300,
    });
    assert.deepEqual(m.match(request(randomBytes(32)), table), { kind: 'NO_MATCH', scanned: 300 });
    const preferred = pool[200]!;
    // Same member, another key than the table's (a stale preferred): that slot is still tried.
    const stale = { memberId: preferred.memberId, pmk: randomBytes(32) };
    assert.deepEqual(m.match(request(preferred.pmk), table, stale), {
      kind: 'MATCH',
      memberId: 'm200',
      scanned: 1 + 201,
    });
    assert.equal(m.stats.candidatesTried, 1 + 151 + 300 + 43 + 300 + 300 + 202);
  });

  it('a PmkTable scan answers like the list scan for every size, match position and skipped slot', () => {
    const { m } = matcher({ globalScansPerSecond: 1e9 });
    const keys = members(11);
    for (let n = 1; n <= keys.length; n++) {
      const list = keys.slice(0, n);
      const table = new PmkTable<{ id: string; pmk: Buffer }>((o) => o.pmk);
      for (const c of list) table.add({ id: c.memberId, pmk: c.pmk }, c.pmk);
      for (let target = -1; target < n; target++) {
        for (const preferredAt of [-1, 0, Math.floor(n / 2), n - 1]) {
          const preferred = preferredAt >= 0 ? list[preferredAt]! : null;
          const key = target >= 0 ? list[target]!.pmk : randomBytes(32);
          const staMac = randomBytes(6);
          const req = request(key, staMac);
          const fromList = m.match(req, list, preferred);
          const fromTable = m.match(req, table, preferred);
          assert.deepEqual(fromTable, fromList, `n ${n} target ${target} preferred ${preferredAt}`);
          const expected = target >= 0 ? 'MATCH' : 'NO_MATCH';
          assert.equal(fromTable.kind, expected);
        }
      }
    }
  });

  it('a table scan leaves no key-derived word in the shared 4-lane memory', () => {
    const { m } = matcher();
    const table = new PmkTable<{ id: string; pmk: Buffer }>((o) => o.pmk);
    for (const c of pool.slice(0, 8)) table.add({ id: c.memberId, pmk: c.pmk }, c.pmk);
    const req = request(pool[5]!.pmk);
    assert.equal(m.match(req, table).kind, 'MATCH');
    const kck = new MicChecker(req.apMac, req.staMac, req.anonce, parseEapolKeyMsg2(req.frame)).kck(
      pool[5]!.pmk,
    );
    const memory = new Int32Array(sha1x4()!.memory.buffer);
    assert.ok(![0, 4, 8, 12].every((o) => memory.includes(kck.readInt32BE(o))));
  });

  it('matches the FreeRADIUS capture in a PmkTable', () => {
    const { m } = matcher();
    const table = new PmkTable<{ id: string; pmk: Buffer }>((o) => o.pmk);
    for (const c of members(50)) table.add({ id: c.memberId, pmk: c.pmk }, c.pmk);
    const pancakes = pmkFromPassphrase(FR.passphrase, FR.ssid);
    table.add({ id: 'pancakes', pmk: pancakes }, pancakes);
    assert.deepEqual(m.match(FR_REQUEST, table), { kind: 'MATCH', memberId: 'pancakes', scanned: 51 });
  });

  it('reports unusable input as BAD_FRAME without scanning', () => {
    const { m } = matcher();
    const good = request(pool[0]!.pmk);
    const cases: [MatchRequest, string][] = [
      [{ ...good, frame: good.frame.subarray(0, 60) }, 'TOO_SHORT'],
      [{ ...good, frame: hex('020000050101000501') }, 'NOT_EAPOL_KEY'],
      [
        {
          ...good,
          frame: Buffer.concat([
            good.frame.subarray(0, 5),
            Buffer.from([0x00, 0x0a]),
            good.frame.subarray(7),
          ]),
        },
        'NO_MIC',
      ],
      [
        {
          ...good,
          frame: Buffer.concat([good.frame.subarray(0, 6), Buffer.from([0x08]), good.frame.subarray(7)]),
        },
        'UNSUPPORTED_DESCRIPTOR',
      ],
      [{ ...good, anonce: good.anonce.subarray(1) }, 'BAD_ANONCE'],
      [{ ...good, staMac: Buffer.alloc(0) }, 'BAD_STA_MAC'],
      [{ ...good, apMac: hex('02aabbccdd') }, 'BAD_AP_MAC'],
      [{ ...good, frame: 'nope' as unknown as Buffer }, 'NOT_EAPOL_KEY'],
    ];
    for (const [req, code] of cases) assert.deepEqual(m.match(req, pool), { kind: 'BAD_FRAME', code });
    assert.equal(m.stats.badFrames, cases.length);
    assert.equal(m.stats.candidatesTried, 0);
    assert.equal(m.stats.scans, 0);
  });

  it('keeps counters for metrics', () => {
    const { m } = matcher();
    m.match(request(pool[9]!.pmk), pool); // scan hit: 10 tried
    m.match(request(pool[1]!.pmk), pool, pool[1]); // preferred hit: 1 tried
    m.match(request(randomBytes(32)), pool, pool[0]); // preferred miss + full miss: 1 + 299
    m.match({ ...request(pool[0]!.pmk), frame: Buffer.alloc(3) }, pool);
    assert.deepEqual(m.stats, {
      requests: 4,
      badFrames: 1,
      preferredHits: 1,
      scans: 2,
      matches: 2,
      noMatches: 1,
      rateLimited: 0,
      rateLimitedMac: 0,
      rateLimitedGlobal: 0,
      cooldowns: 0,
      candidatesTried: 10 + 1 + 300,
    });
  });
});

describe('UnboundMatcher rate limiting', () => {
  const pool = members(20);
  const unknown = () => randomBytes(32);

  it('limits full scans per station MAC and refills over time', () => {
    const { m, clock } = matcher({ scansPerMacPerMinute: 3, failuresBeforeCooldown: 100 });
    const mac = randomBytes(6);
    for (let i = 0; i < 3; i++) assert.equal(m.match(request(unknown(), mac), pool).kind, 'NO_MATCH');
    assert.deepEqual(m.match(request(pool[0]!.pmk, mac), pool), { kind: 'RATE_LIMITED', scope: 'MAC' });
    // another station is not affected
    assert.equal(m.match(request(pool[0]!.pmk), pool).kind, 'MATCH');
    clock.advance(20_000); // 3 per minute → one token per 20 s
    assert.equal(m.match(request(pool[0]!.pmk, mac), pool).kind, 'MATCH');
    assert.equal(m.match(request(pool[0]!.pmk, mac), pool).kind, 'RATE_LIMITED');
    assert.equal(m.stats.rateLimitedMac, 2);
    assert.equal(m.stats.rateLimited, 2);
  });

  it('lets a preferred-candidate hit through without spending or needing a token', () => {
    const { m } = matcher({ scansPerMacPerMinute: 1, globalScansPerSecond: 1, burst: 1 });
    const mac = randomBytes(6);
    assert.equal(m.match(request(unknown(), mac), pool).kind, 'NO_MATCH'); // spends both buckets
    for (let i = 0; i < 5; i++) {
      assert.equal(m.match(request(pool[7]!.pmk, mac), pool, pool[7]).kind, 'MATCH');
    }
    // a miss on the preferred candidate needs a scan, which is refused
    assert.deepEqual(m.match(request(pool[8]!.pmk, mac), pool, pool[7]), {
      kind: 'RATE_LIMITED',
      scope: 'MAC',
    });
    assert.equal(m.stats.scans, 1);
  });

  it('limits full scans globally with a burst', () => {
    const { m, clock } = matcher({ globalScansPerSecond: 2, burst: 4 });
    for (let i = 0; i < 4; i++) assert.equal(m.match(request(pool[1]!.pmk), pool).kind, 'MATCH');
    assert.deepEqual(m.match(request(pool[1]!.pmk), pool), { kind: 'RATE_LIMITED', scope: 'GLOBAL' });
    clock.advance(500); // 2 per second → one token
    assert.equal(m.match(request(pool[1]!.pmk), pool).kind, 'MATCH');
    assert.equal(m.match(request(pool[1]!.pmk), pool).kind, 'RATE_LIMITED');
    assert.equal(m.stats.rateLimitedGlobal, 2);
  });

  it('does not spend a MAC token when the global bucket refuses', () => {
    const { m, clock } = matcher({ scansPerMacPerMinute: 1, globalScansPerSecond: 1, burst: 1 });
    assert.equal(m.match(request(pool[1]!.pmk), pool).kind, 'MATCH'); // global bucket now empty
    const mac = randomBytes(6);
    assert.deepEqual(m.match(request(pool[1]!.pmk, mac), pool), { kind: 'RATE_LIMITED', scope: 'GLOBAL' });
    clock.advance(1000);
    assert.equal(m.match(request(pool[1]!.pmk, mac), pool).kind, 'MATCH');
  });

  it('puts a MAC in cooldown after repeated failures, then lets it scan again', () => {
    const { m, clock } = matcher({
      scansPerMacPerMinute: 100,
      failuresBeforeCooldown: 3,
      cooldownSeconds: 120,
    });
    const mac = randomBytes(6);
    for (let i = 0; i < 3; i++) assert.equal(m.match(request(unknown(), mac), pool).kind, 'NO_MATCH');
    assert.equal(m.stats.cooldowns, 1);
    assert.deepEqual(m.match(request(pool[2]!.pmk, mac), pool), { kind: 'RATE_LIMITED', scope: 'MAC' });
    // the bound member still gets in during the cooldown
    assert.equal(m.match(request(pool[2]!.pmk, mac), pool, pool[2]).kind, 'MATCH');
    clock.advance(119_000);
    assert.equal(m.match(request(pool[2]!.pmk, mac), pool).kind, 'RATE_LIMITED');
    clock.advance(1_000);
    assert.equal(m.match(request(pool[2]!.pmk, mac), pool).kind, 'MATCH');
  });

  it('forgets failures after a success or once they are older than the window', () => {
    const { m, clock } = matcher({
      scansPerMacPerMinute: 100,
      failuresBeforeCooldown: 3,
      failureWindowSeconds: 60,
    });
    const mac = randomBytes(6);
    m.match(request(unknown(), mac), pool);
    m.match(request(unknown(), mac), pool);
    m.match(request(pool[0]!.pmk, mac), pool); // success resets
    m.match(request(unknown(), mac), pool);
    m.match(request(unknown(), mac), pool);
    clock.advance(61_000); // too old to count
    m.match(request(unknown(), mac), pool);
    m.match(request(unknown(), mac), pool);
    assert.equal(m.stats.cooldowns, 0);
    m.match(request(unknown(), mac), pool);
    assert.equal(m.stats.cooldowns, 1);
  });

  it('clearMac lifts a cooldown', () => {
    const { m } = matcher({ failuresBeforeCooldown: 1 });
    const mac = randomBytes(6);
    m.match(request(unknown(), mac), pool);
    assert.equal(m.match(request(pool[0]!.pmk, mac), pool).kind, 'RATE_LIMITED');
    m.clearMac(mac);
    assert.equal(m.match(request(pool[0]!.pmk, mac), pool).kind, 'MATCH');
  });

  it('bounds the per-MAC state: idle entries are swept, the oldest evicted at the cap', () => {
    const { m, clock } = matcher({ maxTrackedMacs: 5, globalScansPerSecond: 1000 });
    for (let i = 0; i < 12; i++) m.match(request(pool[0]!.pmk), pool);
    assert.ok(m.trackedMacs <= 5);
    clock.advance(61_000); // every bucket refilled: all idle
    m.match(request(pool[0]!.pmk), pool);
    assert.equal(m.trackedMacs, 1);
  });

  it('validates its options', () => {
    assert.throws(() => new UnboundMatcher({ scansPerMacPerMinute: 0 }), RangeError);
    assert.throws(() => new UnboundMatcher({ globalScansPerSecond: Number.NaN }), RangeError);
    assert.throws(() => new UnboundMatcher({ cooldownSeconds: -1 }), RangeError);
  });
});

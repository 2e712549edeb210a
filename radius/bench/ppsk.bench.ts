// Unbound PPSK matcher benchmark (design.md §6: 10,000 keys on one SSID, unknown MAC p99 ≤ 25 ms,
// known MAC p99 ≤ 2 ms). Run: cd radius && node --import tsx bench/ppsk.bench.ts [requests]
//
// The candidate PMKs are random 32-byte values: the matcher's cost does not depend on how a PMK was
// derived, and deriving 10,000 real ones would take ~25 s of PBKDF2. The anchor measured in the
// same run is one PBKDF2-HMAC-SHA1(4096) — what a matcher without precomputed PMKs pays per
// candidate.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import os from 'node:os';
import { micMatches, parseEapolKeyMsg2 } from '../src/ppsk/eapol.js';
import { UnboundMatcher, type MatchRequest, type PmkCandidate } from '../src/ppsk/matcher.js';
import type { PmkTable } from '../src/ppsk/pmk-table.js';
import { buildMsg2 } from '../src/ppsk/station.js';
import { EMPTY, PmkBlock } from '../src/snapshot/compact.js';
import { Snapshot, type MemberEntry } from '../src/snapshot/snapshot.js';

const KEYS = 10_000;
const REQUESTS = Number(process.argv[2] ?? 300);
const SSID = 'Lanyard Members';
const AP = Buffer.from('02aabbccdd01', 'hex');
const TARGET_UNKNOWN_P99_MS = 25;
const TARGET_KNOWN_P99_MS = 2;

interface Summary {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

function summarize(samplesMs: number[]): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  };
}

function fmt(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}

function line(label: string, s: Summary, extra = ''): void {
  console.log(
    `${label.padEnd(44)} p50 ${fmt(s.p50).padStart(9)}  p99 ${fmt(s.p99).padStart(9)}  max ${fmt(s.max).padStart(9)}${extra}`,
  );
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Case {
  req: MatchRequest;
  member: PmkCandidate | null;
}

function snapshotMember(c: PmkCandidate): MemberEntry {
  return {
    id: c.memberId,
    email: `${c.memberId}@bench.example`,
    username: `${c.memberId}@bench.example`,
    status: 'ACTIVE',
    roaming: false,
    passphrase: null,
    passphraseVersion: 1,
    ntHash: null,
    homeLocationIds: EMPTY,
    groupIds: EMPTY,
    grants: EMPTY,
    macs: EMPTY,
    pmks: new PmkBlock([SSID], Buffer.from(c.pmk)),
  };
}

function makeCases(
  candidates: PmkCandidate[],
  count: number,
  hit: boolean,
  descriptorVersion: 2 | 3 = 2,
): Case[] {
  return Array.from({ length: count }, () => {
    const member = hit ? candidates[Math.floor(Math.random() * candidates.length)]! : null;
    const staMac = randomBytes(6);
    const anonce = randomBytes(32);
    const pmk = member ? member.pmk : randomBytes(32);
    const frame = buildMsg2({ pmk, apMac: AP, staMac, anonce, descriptorVersion });
    return { req: { ssid: SSID, apMac: AP, staMac, anonce, frame }, member };
  });
}

function run(
  matcher: UnboundMatcher,
  candidates: Iterable<PmkCandidate> | PmkTable<MemberEntry>,
  cases: Case[],
  preferred: boolean,
): { samples: number[]; scanned: number } {
  const samples: number[] = [];
  let scanned = 0;
  for (const { req, member } of cases) {
    let result: ReturnType<UnboundMatcher['match']> | undefined;
    samples.push(timeMs(() => (result = matcher.match(req, candidates, preferred ? member : null))));
    if (!result) throw new Error('no result');
    if (member && (result.kind !== 'MATCH' || result.memberId !== member.memberId)) {
      throw new Error(`expected ${member.memberId}, got ${JSON.stringify(result)}`);
    }
    if (!member && result.kind !== 'NO_MATCH')
      throw new Error(`expected NO_MATCH, got ${JSON.stringify(result)}`);
    if (result.kind === 'MATCH' || result.kind === 'NO_MATCH') scanned += result.scanned;
  }
  return { samples, scanned };
}

function main(): void {
  console.log(
    `ppsk bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}, ` +
      `${KEYS} keys on one SSID, ${REQUESTS} requests per case`,
  );
  const candidates: PmkCandidate[] = Array.from({ length: KEYS }, (_, i) => ({
    memberId: `member-${i}`,
    pmk: randomBytes(32),
  }));
  // Rate limits out of the way: this measures the matching itself.
  const matcher = new UnboundMatcher({ scansPerMacPerMinute: 1e9, globalScansPerSecond: 1e9 });

  // Anchor: one PBKDF2(4096), median of 40.
  pbkdf2Sync('warm-up-passphrase', SSID, 4096, 32, 'sha1');
  const pbkdf2 = summarize(
    Array.from({ length: 40 }, (_, i) => timeMs(() => pbkdf2Sync(`passphrase-${i}`, SSID, 4096, 32, 'sha1'))),
  );

  // Warm-up (JIT) on throwaway requests.
  run(matcher, candidates, makeCases(candidates, 30, true), false);
  run(matcher, candidates, makeCases(candidates, 30, true), true);
  run(matcher, candidates, makeCases(candidates, 10, false, 3), false);

  const unknownHit = run(matcher, candidates, makeCases(candidates, REQUESTS, true), false);
  const unknownMiss = run(matcher, candidates, makeCases(candidates, REQUESTS, false), false);
  const known = run(matcher, candidates, makeCases(candidates, REQUESTS, true), true);
  // The same keys as the worker holds them: a Snapshot whose members keep their PMKs in one block
  // each; the scan reads the snapshot's table of HMAC key states for the SSID (v3: the PMKs).
  const snapshot = new Snapshot();
  snapshot.replaceAllMembers(candidates.map((c) => snapshotMember(c)));
  // As the worker scans: the snapshot's flat table for the SSID (snapshot.pmkTable). The first
  // unbound-PPSK request of an SSID builds it and waits for that (then it is kept current).
  let table!: PmkTable<MemberEntry>;
  const buildMs = timeMs(() => (table = snapshot.pmkTable(SSID)));
  const big = new Snapshot();
  big.replaceAllMembers(
    Array.from({ length: 10 * KEYS }, (_, i) =>
      snapshotMember({ memberId: `big-${i}`, pmk: i < KEYS ? candidates[i]!.pmk : randomBytes(32) }),
    ),
  );
  const buildBigMs = timeMs(() => big.pmkTable(SSID));
  run(matcher, table, makeCases(candidates, 10, false), false);
  const snapshotMiss = run(matcher, table, makeCases(candidates, REQUESTS, false), false);
  const snapshotHit = run(matcher, table, makeCases(candidates, REQUESTS, true), false);
  const v3Count = Math.max(10, Math.floor(REQUESTS / 3));
  const snapshotMissV3 = run(matcher, table, makeCases(candidates, v3Count, false, 3), false);
  const unknownMissV3 = run(matcher, candidates, makeCases(candidates, v3Count, false, 3), false);

  // The straightforward node:crypto path (createHmac ×2 per candidate), for comparison.
  const reference = makeCases(candidates, 5, false).map(({ req }) => {
    const frame = parseEapolKeyMsg2(req.frame);
    return timeMs(() => {
      for (const c of candidates) micMatches(c.pmk, req.apMac, req.staMac, req.anonce, frame);
    });
  });

  const hit = summarize(snapshotHit.samples);
  const miss = summarize(snapshotMiss.samples);
  const missMin = Math.min(...snapshotMiss.samples);
  const pref = summarize(known.samples);
  const missV3 = summarize(snapshotMissV3.samples);
  const listHit = summarize(unknownHit.samples);
  const listMiss = summarize(unknownMiss.samples);
  const listMissV3 = summarize(unknownMissV3.samples);
  const ref = summarize(reference);
  const perCandidateUs = (miss.p50 * 1000) / KEYS;
  const us = (s: Summary) => `  ≈ ${((s.p50 * 1000) / KEYS).toFixed(2)} µs/candidate`;

  console.log('');
  line('anchor: one PBKDF2-HMAC-SHA1(4096)', pbkdf2);
  console.log("as the worker scans (the snapshot's PMK table):");
  line(
    'unknown MAC, random member (WPA2, v2)',
    hit,
    `  avg scanned ${(snapshotHit.scanned / REQUESTS).toFixed(0)}`,
  );
  line('unknown MAC, no match: all 10,000 (v2)', miss, `${us(miss)}; min ${fmt(missMin)}`);
  line(`unknown MAC, no match (v3 PSK-SHA256, n=${v3Count})`, missV3, us(missV3));
  line('known MAC, preferred member (v2)', pref);
  console.log(
    `the first scan of an SSID builds its table first: ${fmt(buildMs)} for ${KEYS.toLocaleString('en-US')} keys, ` +
      `${fmt(buildBigMs)} for ${(10 * KEYS).toLocaleString('en-US')}`,
  );
  console.log('a list of { memberId, pmk } (a Buffer per key, one key at a time):');
  line(
    'unknown MAC, random member (v2)',
    listHit,
    `  avg scanned ${(unknownHit.scanned / REQUESTS).toFixed(0)}`,
  );
  line('unknown MAC, no match: all 10,000 (v2)', listMiss, us(listMiss));
  line(`unknown MAC, no match (v3 PSK-SHA256, n=${v3Count})`, listMissV3, us(listMissV3));
  line('node:crypto reference (v2), 10,000 (n=5)', ref);

  console.log('');
  console.log(`ratios (p50):`);
  console.log(
    `  one PBKDF2 / one candidate check ............ ${(pbkdf2.p50 / (perCandidateUs / 1000)).toFixed(0)}×`,
  );
  console.log(`  full 10,000-key scan / one PBKDF2 ........... ${(miss.p50 / pbkdf2.p50).toFixed(1)}×`);
  console.log(
    `  without precomputed PMKs (10,000 × PBKDF2 ≈ ${((pbkdf2.p50 * KEYS) / 1000).toFixed(1)} s) / full scan ` +
      `... ${((pbkdf2.p50 * KEYS) / miss.p50).toFixed(0)}×`,
  );
  console.log(`  known MAC / one PBKDF2 ...................... ${(pref.p50 / pbkdf2.p50).toFixed(3)}×`);
  console.log(`  node:crypto reference scan / table scan ..... ${(ref.p50 / miss.p50).toFixed(1)}×`);
  console.log(`  list scan / table scan ...................... ${(listMiss.p50 / miss.p50).toFixed(2)}×`);

  console.log('');
  const verdict = (p99: number, target: number) => (p99 <= target ? 'PASS' : 'MISS');
  console.log(
    `targets (design.md §6): unknown MAC p99 ≤ ${TARGET_UNKNOWN_P99_MS} ms → ` +
      `random member ${fmt(hit.p99)} ${verdict(hit.p99, TARGET_UNKNOWN_P99_MS)}, ` +
      `no match ${fmt(miss.p99)} ${verdict(miss.p99, TARGET_UNKNOWN_P99_MS)}; ` +
      `known MAC p99 ≤ ${TARGET_KNOWN_P99_MS} ms → ${fmt(pref.p99)} ${verdict(pref.p99, TARGET_KNOWN_P99_MS)}`,
  );
  console.log(`matcher stats: ${JSON.stringify(matcher.stats)}`);
}

main();

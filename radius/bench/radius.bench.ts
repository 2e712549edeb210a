/**
 * `npm run bench:radius` — Lanyard's RADIUS worker side by side with FreeRADIUS 3.2 (design §6).
 *
 * One machine, one load generator (bench/support/load.ts: several UDP sockets, many requests in
 * flight, every request with Message-Authenticator, every reply verified), the same 10,000 members
 * loaded into three servers:
 *   - FreeRADIUS `files`: users file in memory (the anchor the throughput target names);
 *   - FreeRADIUS `rlm_sql`: radcheck/radreply on the same PostgreSQL;
 *   - Lanyard: the worker in its own process, members from PostgreSQL into its in-memory snapshot.
 * Replies are equivalent (VLAN tunnel attributes, Session-Timeout, Acct-Interim-Interval, Class,
 * Message-Authenticator; Tunnel-Password for MAC authentication). A fourth process, the "Node
 * floor" (support/floor-server.ts), answers PAP without any lookup: the cost of one Node process
 * and this codec alone, to read Lanyard's figures against.
 *
 * Phases (each ≤ ~15 s; rounds alternate between servers so that background load hits all three):
 *   1. peak throughput, PAP then MAC authentication: closed loop, N in flight; best of R rounds;
 *   2. latency at half of Lanyard's PAP peak (fixed rate; target p99 ≤ 5 ms), FreeRADIUS files too;
 *   3. unbound PPSK, 10,000 PMKs on one SSID, hostapd-style requests (EVS 802.1X-Anonce and
 *      EAPoL-Key-Msg): unknown MAC (full scan; target p99 ≤ 25 ms), unknown MAC matching no key
 *      (worst case, Reject), known MAC (target p99 ≤ 2 ms).
 *
 * Environment: DATABASE_URL (a PostgreSQL server to create throwaway databases on; an embedded one
 * otherwise), BENCH_MEMBERS (10000), BENCH_IN_FLIGHT (128), BENCH_ROUNDS (2), BENCH_WINDOW_MS
 * (6000), RADIUS_AUTH_EVENT_REPEAT_WINDOW (the worker's, default 60; 0 writes every decision as a row), BENCH_FREERADIUS_THREADS (4), BENCH_LANYARD_WORKERS (cores; "Lanyard ×N" runs that many
 * cluster workers on one shared UDP socket, as `npm start` does), BENCH_PROFILE=1 (CPU profile of the Lanyard worker during
 * its PAP peak windows; numbers of such a run are not comparable), BENCH_LANYARD_NODE_FLAGS (extra Node/V8
 * flags for the Lanyard workers, e.g. "--trace-gc"; their output goes to stderr), BENCH_STALLS=1 (GC pauses and
 * event-loop gaps of the Lanyard workers and the generator during the half-peak runs).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Code, parsePacket } from '../src/codec/packet.js';
import { startFreeRadius, type FreeRadiusHandle } from './support/freeradius.js';
import { LoadGenerator, type LoadResult } from './support/load.js';
import {
  cpuSeconds,
  freeUdpPort,
  postgresCpu,
  postgresCpuSince,
  startBenchWorker,
  startNodeServer,
} from './support/node-server.js';
import { printProfileRows, summarizeProfile } from './support/profile.js';
import { runBench } from './support/run.js';
import { describeStalls, traceStalls } from './support/stalls.js';
import {
  ATTRIBUTE_NAMES,
  SECRET,
  SECRET_BYTES,
  SSID,
  exchange,
  knownPpskFactory,
  macAuthFactory,
  papFactory,
  pick,
  ppskRequest,
  unknownMacs,
} from './support/requests.js';
import { freeRadiusUsers, seedLanyard, seedRadiusSql } from './support/seed.js';

const env = process.env;
const MEMBERS = Number(env.BENCH_MEMBERS ?? 10_000);
const IN_FLIGHT = Number(env.BENCH_IN_FLIGHT ?? 128);
const SOCKETS = Math.max(4, Math.ceil(IN_FLIGHT / 64));
const ROUNDS = Number(env.BENCH_ROUNDS ?? 2);
const WARMUP_MS = 2000;
const WINDOW_MS = Number(env.BENCH_WINDOW_MS ?? 6000);
const HALF_WINDOW_MS = 8000;
const FR_THREADS = Number(env.BENCH_FREERADIUS_THREADS ?? 4);
const PROFILE = env.BENCH_PROFILE === '1';
// GC pauses and event-loop gaps of the Lanyard workers and the generator during the half-peak runs.
const STALLS = env.BENCH_STALLS === '1';
// Extra V8/Node flags for Lanyard's worker processes (e.g. "--trace-gc"; their output goes to stderr).
const LANYARD_NODE_FLAGS = (env.BENCH_LANYARD_NODE_FLAGS ?? '').split(' ').filter(Boolean);
// The cluster mode (`npm start` default: RADIUS_WORKERS = one per core) next to one process.
const LANYARD_WORKERS = Number(env.BENCH_LANYARD_WORKERS ?? os.availableParallelism());
const SESSION_TIMEOUT = 86_400; // Lanyard's default cap: what it answers for an open membership
const INTERIM = 600; // Lanyard's default Acct-Interim-Interval
// Unbound PPSK: the worker allows 40 full scans/s globally (burst 40) and 10 per MAC per minute.
const PPSK_UNKNOWN_RATE = 20;
const PPSK_UNKNOWN_MS = 12_000;
const PPSK_NOMATCH_MS = 8000;
const PPSK_KNOWN_RATE = 200;
const PPSK_KNOWN_MS = 8000;
const TARGET = { halfP99: 5, unknownP99: 25, knownP99: 2 };

type RadiusServerName = 'FreeRADIUS files' | 'FreeRADIUS sql' | 'Lanyard' | 'Lanyard ×N';
type LanyardName = 'Lanyard' | 'Lanyard ×N';
type ServerName = RadiusServerName | 'Node floor';
const SERVERS: RadiusServerName[] = ['FreeRADIUS files', 'FreeRADIUS sql', 'Lanyard', 'Lanyard ×N'];
const LANYARDS: LanyardName[] = ['Lanyard', 'Lanyard ×N'];
const FLOOR_LABEL = 'Node floor: parse + verify + Accept, no lookup (not a RADIUS server)';

const cleanups: Array<() => Promise<unknown>> = [];
const wallStart = performance.now();

// ---------------------------------------------------------------------------------------------
// Output

const ms = (v: number) =>
  Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
const num = (v: number) => Math.round(v).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function problems(r: LoadResult): string {
  const p: string[] = [];
  if (r.unexpected) p.push(`${r.unexpected} unexpected replies`);
  if (r.timeouts) p.push(`${r.timeouts} timeouts`);
  if (r.bad) p.push(`${r.bad} unverifiable replies`);
  if (r.skipped) p.push(`${r.skipped} sends skipped`);
  return p.length ? `  (${p.join(', ')})` : '';
}

interface Measured {
  result: LoadResult;
  /** Server process CPU over warm-up + window (100 % = one core). */
  cpuPercent: number;
  /** Load generator (this process) CPU over the same time. */
  generatorCpuPercent: number;
  /** Every PostgreSQL process (the server's writes, and FreeRADIUS sql's reads) over the same time. */
  postgresCpuPercent: number;
}

function table(title: string, rows: Array<[string, Measured]>): void {
  console.log(`\n${title}`);
  console.log('| server | req/s | p50 ms | p99 ms | server CPU | generator CPU | PostgreSQL CPU |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, m] of rows) {
    console.log(
      `| ${name} | ${num(m.result.throughput)} | ${ms(m.result.latencyMs.p50)} | ${ms(m.result.latencyMs.p99)} | ` +
        `${m.cpuPercent.toFixed(0)} % | ${m.generatorCpuPercent.toFixed(0)} % | ${m.postgresCpuPercent.toFixed(0)} % |${problems(m.result)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const version = spawnSync('freeradius', ['-v'], { encoding: 'utf8' });
  if (version.error || !/FreeRADIUS Version 3\./.test(version.stdout ?? '')) {
    throw new Error(
      'FreeRADIUS 3 is the anchor of this benchmark: apt-get install -y freeradius freeradius-postgresql',
    );
  }
  const load0 = os.loadavg()[0]!;
  console.log(
    `RADIUS benchmark: ${num(MEMBERS)} members; ${/FreeRADIUS Version [\d.]+/.exec(version.stdout)![0]}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}); ` +
      `load average ${load0.toFixed(2)} at start; Node ${process.version}`,
  );
  const repeatWindow = env.RADIUS_AUTH_EVENT_REPEAT_WINDOW ?? '60';
  console.log(
    `Lanyard auth events: ${repeatWindow === '0' ? 'every decision its own row (RADIUS_AUTH_EVENT_REPEAT_WINDOW=0)' : `identical decisions within ${repeatWindow} s counted on one row (RADIUS_AUTH_EVENT_REPEAT_WINDOW=${repeatWindow}; 0 = a row each)`}`,
  );
  if (PROFILE)
    console.log('BENCH_PROFILE=1: the Lanyard worker runs under --cpu-prof; numbers are not comparable');

  // Data ---------------------------------------------------------------------------------------
  const seed = await seedLanyard({ count: MEMBERS, ssid: SSID, nasSecret: SECRET });
  cleanups.push(() => seed.db.drop());
  const users = freeRadiusUsers(seed.members, seed.vlanId, SESSION_TIMEOUT, INTERIM);
  const sql = await seedRadiusSql(users);
  cleanups.push(() => sql.db.drop());
  const tm = seed.timings;
  console.log(
    `seeded: Lanyard API + migrations ${tm.apiSeconds.toFixed(1)} s, members by SQL ${tm.sqlSeconds.toFixed(1)} s, ` +
      `${num(MEMBERS)} PMKs ${tm.pmkCached ? 'from cache' : `computed in ${tm.pmkSeconds.toFixed(1)} s`}; ` +
      `FreeRADIUS: ${num(users.length)} users-file entries and radcheck rows (PAP user + MAC per member)`,
  );

  // Servers ------------------------------------------------------------------------------------
  const [filesPort, sqlPort] = [await freeUdpPort(), await freeUdpPort()];
  const files: FreeRadiusHandle = await startFreeRadius({
    port: filesPort,
    secret: SECRET,
    threads: FR_THREADS,
    backend: { kind: 'files' },
    users,
  });
  cleanups.push(() => files.stop());
  const frSql: FreeRadiusHandle = await startFreeRadius({
    port: sqlPort,
    secret: SECRET,
    threads: FR_THREADS,
    backend: { kind: 'sql', db: sql.server },
  });
  cleanups.push(() => frSql.stop());
  const lanyard = await startBenchWorker(seed, cleanups, {
    profile: PROFILE,
    nodeFlags: LANYARD_NODE_FLAGS,
    traceStalls: STALLS,
  });
  const lanyardN = await startBenchWorker(seed, cleanups, {
    workers: LANYARD_WORKERS,
    nodeFlags: LANYARD_NODE_FLAGS,
    traceStalls: STALLS,
  });
  console.log(
    `Lanyard: one worker process (pid ${lanyard.pid}); Lanyard ×N: ${LANYARD_WORKERS} cluster workers sharing the UDP socket (pids ${lanyardN.pids.join(', ')})`,
  );
  const floor = await startNodeServer('floor-server.ts', { BENCH_SECRET: SECRET }, false);
  cleanups.push(() => floor.stop());
  for (const l of [lanyard, lanyardN])
    if (l.members !== MEMBERS) throw new Error(`Lanyard loaded ${l.members} members, not ${MEMBERS}`);

  const pap = papFactory(seed.members);
  const mac = macAuthFactory(seed.members);
  const targets: Record<ServerName, { port: number; pids: number[] }> = {
    'FreeRADIUS files': { port: filesPort, pids: [files.pid] },
    'FreeRADIUS sql': { port: sqlPort, pids: [frSql.pid] },
    Lanyard: { port: lanyard.authPort, pids: lanyard.pids },
    'Lanyard ×N': { port: lanyardN.authPort, pids: lanyardN.pids },
    'Node floor': { port: floor.authPort, pids: floor.pids },
  };
  const generators = {} as Record<ServerName, LoadGenerator>;
  for (const name of [...SERVERS, 'Node floor'] as const) {
    generators[name] = await LoadGenerator.open(
      { host: '127.0.0.1', port: targets[name].port, secret: SECRET_BYTES, expectCode: Code.AccessAccept },
      pap,
      SOCKETS,
    );
  }
  cleanups.push(() => Promise.all(Object.values(generators).map((g) => g.close())));

  // Same replies: one PAP and one MAC request for the same member to Lanyard and FreeRADIUS files.
  const member = seed.members[0]!;
  for (const [kind, make] of [
    ['PAP', papFactory([member])],
    ['MAC', macAuthFactory([member])],
  ] as const) {
    const shapes: string[] = [];
    for (const name of ['Lanyard', 'FreeRADIUS files'] as const) {
      const reply = parsePacket(await exchange(targets[name].port, make(1)));
      shapes.push(
        `${name} ${reply.code === Code.AccessAccept ? 'Accept' : `code ${reply.code}`} ${reply.raw.length} bytes ` +
          `[${reply.attributes.map((a) => ATTRIBUTE_NAMES[a.type] ?? a.type).join(' ')}]`,
      );
    }
    console.log(`${kind} reply: ${shapes.join('; ')}`);
  }

  // Every server accepts both request types.
  for (const name of SERVERS) {
    for (const [kind, make] of [
      ['PAP', pap],
      ['MAC', mac],
    ] as const) {
      generators[name].setRequests(make);
      const r = await generators[name].closedLoop({ inFlight: 8, warmupMs: 0, durationMs: 300 });
      if (r.ok === 0 || r.unexpected || r.timeouts)
        throw new Error(`${name} does not accept ${kind} requests: ${JSON.stringify(r)}`);
    }
  }

  const measure = async (
    name: ServerName,
    run: (g: LoadGenerator) => Promise<LoadResult>,
    windows?: Array<[number, number]>,
  ): Promise<Measured> => {
    const pids = targets[name].pids;
    const cpu0 = cpuSeconds(pids);
    const pg0 = postgresCpu();
    const gen0 = process.cpuUsage();
    const t0 = performance.now();
    const windowStartUs = Number(process.hrtime.bigint() / 1000n) + WARMUP_MS * 1000;
    const result = await run(generators[name]);
    const wall = (performance.now() - t0) / 1000;
    const gen = process.cpuUsage(gen0);
    windows?.push([windowStartUs, windowStartUs + WINDOW_MS * 1000]);
    return {
      result,
      cpuPercent: ((cpuSeconds(pids) - cpu0) / wall) * 100,
      generatorCpuPercent: ((gen.user + gen.system) / 1e6 / wall) * 100,
      postgresCpuPercent: (postgresCpuSince(pg0) / wall) * 100,
    };
  };

  // 1. Peak throughput ---------------------------------------------------------------------------
  const profileWindows: Array<[number, number]> = [];
  const floorRuns: Measured[] = [];
  const peaks: Record<'PAP' | 'MAC', Record<RadiusServerName, Measured[]>> = {
    PAP: { 'FreeRADIUS files': [], 'FreeRADIUS sql': [], Lanyard: [], 'Lanyard ×N': [] },
    MAC: { 'FreeRADIUS files': [], 'FreeRADIUS sql': [], Lanyard: [], 'Lanyard ×N': [] },
  };
  for (const [kind, make] of [
    ['PAP', pap],
    ['MAC', mac],
  ] as const) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of SERVERS) {
        generators[name].setRequests(make);
        peaks[kind][name].push(
          await measure(
            name,
            (g) => g.closedLoop({ inFlight: IN_FLIGHT, warmupMs: WARMUP_MS, durationMs: WINDOW_MS }),
            name === 'Lanyard' && kind === 'PAP' ? profileWindows : undefined,
          ),
        );
      }
      if (kind === 'PAP') {
        generators['Node floor'].setRequests(pap);
        floorRuns.push(
          await measure('Node floor', (g) =>
            g.closedLoop({ inFlight: IN_FLIGHT, warmupMs: WARMUP_MS, durationMs: WINDOW_MS }),
          ),
        );
      }
    }
  }
  const best = (list: Measured[]) =>
    list.reduce((a, b) => (b.result.throughput > a.result.throughput ? b : a));
  const floorRun = best(floorRuns);
  const header =
    `closed loop, ${IN_FLIGHT} requests in flight over ${SOCKETS} sockets, ` +
    `best of ${ROUNDS} rounds of ${WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`;
  const summaries = { PAP: {}, MAC: {} } as Record<'PAP' | 'MAC', Record<RadiusServerName, Measured>>;
  for (const kind of ['PAP', 'MAC'] as const) {
    for (const name of SERVERS) summaries[kind][name] = best(peaks[kind][name]);
    const rows: Array<[string, Measured]> = SERVERS.map((n) => [n, summaries[kind][n]]);
    if (kind === 'PAP') rows.push([FLOOR_LABEL, floorRun]);
    table(`Peak throughput, ${kind === 'PAP' ? 'PAP' : 'MAC authentication'} (${header})`, rows);
    const f = summaries[kind]['FreeRADIUS files'].result.throughput;
    const s = summaries[kind]['FreeRADIUS sql'].result.throughput;
    console.log(
      `rounds (req/s): ${SERVERS.map((n) => `${n} ${peaks[kind][n].map((m) => num(m.result.throughput)).join(' / ')}`).join('; ')}`,
    );
    for (const name of LANYARDS) {
      const l = summaries[kind][name].result.throughput;
      console.log(
        `${name} / FreeRADIUS files: ${ratio(l, f)} (target ≥ 1×: ${verdict(l >= f)});  ` +
          `${name} / FreeRADIUS sql: ${ratio(l, s)} (target ≥ 10×: ${verdict(l >= 10 * s)})` +
          (kind === 'PAP' ? `;  ${name} / Node floor: ${ratio(l, floorRun.result.throughput)}` : ''),
      );
    }
  }

  // 2. Half of peak -------------------------------------------------------------------------------
  const halfRows: Array<[string, Measured]> = [];
  const halfWindows = new Map<string, [number, number]>();
  const generatorStalls = STALLS ? traceStalls() : null;
  for (const name of ['Lanyard', 'Lanyard ×N', 'FreeRADIUS files'] as const) {
    const rate = Math.round(summaries.PAP[name].result.throughput / 2);
    generators[name].setRequests(pap);
    const from = Date.now() + WARMUP_MS;
    halfRows.push([
      `${name} at ${num(rate)} req/s`,
      await measure(name, (g) => g.fixedRate({ rate, warmupMs: WARMUP_MS, durationMs: HALF_WINDOW_MS })),
    ]);
    halfWindows.set(name, [from, from + HALF_WINDOW_MS]);
  }
  const generatorReport = generatorStalls?.stop();
  table(
    `Half of peak, PAP (fixed rate on a 1 ms timer, ${HALF_WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up)`,
    halfRows,
  );
  LANYARDS.forEach((name, i) => {
    const halfP99 = halfRows[i]![1].result.latencyMs.p99;
    console.log(
      `${name} p99 at half of its peak: ${ms(halfP99)} ms (target ≤ ${TARGET.halfP99} ms: ${verdict(halfP99 <= TARGET.halfP99)})`,
    );
  });

  // 3. Unbound PPSK -------------------------------------------------------------------------------
  // One worker process, as in earlier runs (comparable figures; the scan limits are per process).
  const g = generators.Lanyard;
  const nextUnknown = unknownMacs();
  const ppskRows: Array<[string, Measured, number]> = [];
  g.setRequests((id) => ppskRequest(id, nextUnknown(), pick(seed.members).pmk), Code.AccessAccept);
  ppskRows.push([
    `unknown MAC, key of a random member (full scan until the match) at ${PPSK_UNKNOWN_RATE} req/s`,
    await measure('Lanyard', (gen) =>
      gen.fixedRate({ rate: PPSK_UNKNOWN_RATE, warmupMs: WARMUP_MS, durationMs: PPSK_UNKNOWN_MS }),
    ),
    TARGET.unknownP99,
  ]);
  g.setRequests((id) => ppskRequest(id, nextUnknown(), randomBytes(32)), Code.AccessReject);
  ppskRows.push([
    `unknown MAC, key of nobody (all ${num(MEMBERS)} PMKs tried, Reject) at ${PPSK_UNKNOWN_RATE} req/s`,
    await measure('Lanyard', (gen) =>
      gen.fixedRate({ rate: PPSK_UNKNOWN_RATE, warmupMs: 1000, durationMs: PPSK_NOMATCH_MS }),
    ),
    TARGET.unknownP99,
  ]);
  g.setRequests(knownPpskFactory(seed.members), Code.AccessAccept);
  ppskRows.push([
    `known MAC (bound device, its PMK first) at ${PPSK_KNOWN_RATE} req/s`,
    await measure('Lanyard', (gen) =>
      gen.fixedRate({ rate: PPSK_KNOWN_RATE, warmupMs: WARMUP_MS, durationMs: PPSK_KNOWN_MS }),
    ),
    TARGET.knownP99,
  ]);
  console.log(
    `\nUnbound PPSK, Lanyard (one process), ${num(MEMBERS)} PMKs on SSID "${SSID}", hostapd-style requests (fixed rate)`,
  );
  console.log('| case | requests | p50 ms | p99 ms | max ms | target p99 |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const [label, m, target] of ppskRows) {
    const l = m.result.latencyMs;
    console.log(
      `| ${label} | ${num(l.count)} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.max)} | ≤ ${target} ms: ${verdict(l.p99 <= target)} |${problems(m.result)}`,
    );
  }

  // Profile ---------------------------------------------------------------------------------------
  await lanyard.stop();
  if (STALLS) {
    await lanyardN.stop();
    console.log('\nStalls during the half-peak windows (BENCH_STALLS=1)');
    for (const [name, handle] of [
      ['Lanyard', lanyard],
      ['Lanyard ×N', lanyardN],
    ] as const) {
      const [from, to] = halfWindows.get(name)!;
      for (const r of handle.stalls) describeStalls(`${name} worker`, r, from, to);
      describeStalls(`generator during ${name}`, generatorReport!, from, to);
    }
    const [from, to] = halfWindows.get('FreeRADIUS files')!;
    describeStalls('generator during FreeRADIUS files', generatorReport!, from, to);
  }
  if (lanyard.profileDir) {
    const file = readdirSync(lanyard.profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const p = summarizeProfile(join(lanyard.profileDir, file), profileWindows);
      console.log(
        `\nLanyard worker CPU profile, PAP peak windows: ${(p.busyMs / 1000).toFixed(1)} s busy, ${(p.idleMs / 1000).toFixed(1)} s idle`,
      );
      printProfileRows('self time by function:', p.functions);
      printProfileRows('self time by file:', p.files);
      printProfileRows('inclusive time, application functions:', p.inclusive);
      console.log(`profile: ${join(lanyard.profileDir, file)}`);
    }
  }
  console.log(
    `\ntotal ${((performance.now() - wallStart) / 1000).toFixed(0)} s; load average ${os.loadavg()[0]!.toFixed(2)} at end`,
  );
}

await runBench(main, cleanups);

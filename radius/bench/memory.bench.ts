/**
 * `npm run bench:radius-memory` — memory of the RADIUS worker with 100,000 members (design §6:
 * RSS ≤ 300 MB).
 *
 * The worker runs as `npm start` runs it (`node --enable-source-maps radius/dist/main.js`, built
 * first), twice: as one process (RADIUS_WORKERS=1) and with the default RADIUS_WORKERS (one per
 * core: a node:cluster primary and its workers). The data (support/memory-seed.ts) is a deployment
 * of that size written as the API writes it: encrypted passphrases and NT hashes, two PMKs per
 * member, devices, teams and plans with VLANs, memberships, bookings and check-ins, several
 * locations and NAS clients.
 *
 * Anchor, same run: the same worker on the same database before the members are inserted (0
 * members, same locations, NAS clients and groups). Bytes per member = (RSS − anchor RSS) / members.
 *
 * Phases, per mode; after each, RSS of every process (/proc/<pid>/status), its peak during the
 * phase (VmHWM, reset between phases through /proc/<pid>/clear_refs), and the V8 heap used, read by
 * a probe preloaded into each process (support/memory-probe.mjs):
 *   1. snapshot loaded at start;
 *   2. BENCH_RELOADS (3) full reloads, as after a lost LISTEN connection: the bench terminates the
 *      listener's backend, every worker reconnects and reloads everything;
 *   3. a NOTIFY burst for 10 % of the members (a sync touching them), applied per member;
 *   4. PAP load for BENCH_LOAD_MS (6000) after 2 s of warm-up, closed loop, members of the first
 *      location chosen at random (every reply must be an Access-Accept), then idle;
 *   5. a full GC forced by the probe: the live heap (the only thing the probe changes, so it comes
 *      last; the anchor's is measured the same way).
 *
 * Environment: DATABASE_URL (a PostgreSQL server for a throwaway database; embedded otherwise),
 * BENCH_MEMBERS (100000), BENCH_LOCATIONS (10, at most 19), BENCH_RELOADS (3), BENCH_LOAD_MS (6000),
 * BENCH_IN_FLIGHT (64), BENCH_MODES ("one,cluster"), BENCH_WORKER_NODE_FLAGS (extra node flags for the
 * worker, e.g. "--max-old-space-size=512", to compare V8 heap settings).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { radiusWorkerExecArgv } from '@lanyard/api/radius-node-flags';
import { runBench } from './support/run.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PacketBuilder, encodeRequest } from '../src/codec/builder.js';
import { Attr, Code } from '../src/codec/packet.js';
import { LoadGenerator, type RequestFactory } from './support/load.js';
import { seedMembers, seedSites, seedTeams, type PapMember } from './support/memory-seed.js';
import { guardChild } from './support/child.js';

const env = process.env;
const MEMBERS = Number(env.BENCH_MEMBERS ?? 100_000);
const LOCATIONS = Number(env.BENCH_LOCATIONS ?? 10);
const RELOADS = Number(env.BENCH_RELOADS ?? 3);
const LOAD_MS = Number(env.BENCH_LOAD_MS ?? 6000);
const IN_FLIGHT = Number(env.BENCH_IN_FLIGHT ?? 64);
const MODES = (env.BENCH_MODES ?? 'one,cluster').split(',');
/** Extra Node.js/V8 flags for the worker (cluster workers inherit them), e.g. heap limits. */
const NODE_FLAGS = (env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const NOTIFY_SHARE = 0.1;
const TARGET_MB = 300;
const SECRET = 'bench-radius-secret-0123456789';
const MB = 1024 * 1024;

const here = fileURLToPath(new URL('.', import.meta.url));
const radiusDir = join(here, '..');
const probe = join(here, 'support', 'memory-probe.mjs');
const cleanups: Array<() => Promise<unknown>> = [];

// ---------------------------------------------------------------------------------------------
// Processes

interface ProcStatus {
  rss: number;
  peak: number;
  anon: number;
}

/** VmRSS, VmHWM and RssAnon of a process, in bytes. */
function procStatus(pid: number): ProcStatus {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM'), anon: kb('RssAnon') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0; our own children). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

function cpuTicks(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

interface Worker {
  /** The process started (the primary in cluster mode, else the worker itself). */
  pid: number;
  /** Processes holding a snapshot. */
  workers: number[];
  primary: number | null;
  authPort: number;
  loadSeconds: number;
  members: number;
  /** Resolves once every worker has logged a reload after reconnect this many times. */
  reloads(count: number): Promise<void>;
  sample(gc: boolean): Promise<Map<number, { heapUsed: number; external: number }>>;
  stop(): Promise<void>;
}

interface LogLine {
  pid: number;
  msg: string;
  members?: number;
  authPort?: number;
}

async function startWorker(opts: {
  databaseUrl: string;
  secretKey: string;
  workers: number | 'default';
}): Promise<Worker> {
  const expected = opts.workers === 'default' ? os.availableParallelism() : opts.workers;
  const probeDir = mkdtempSync(join(os.tmpdir(), 'lanyard-bench-memprobe-'));
  const journalDir = mkdtempSync(join(os.tmpdir(), 'lanyard-bench-journal-'));
  const childEnv: Record<string, string | undefined> = {
    ...env,
    DATABASE_URL: opts.databaseUrl,
    LANYARD_SECRET_KEY: opts.secretKey,
    RADIUS_HOST: '127.0.0.1',
    RADIUS_AUTH_PORT: '0',
    RADIUS_ACCT_PORT: '0',
    RADIUS_METRICS_PORT: '0',
    RADIUS_JOURNAL_DIR: journalDir,
    LOG_LEVEL: 'info',
    MEMORY_PROBE_DIR: probeDir,
  };
  if (opts.workers === 'default') delete childEnv.RADIUS_WORKERS;
  else childEnv.RADIUS_WORKERS = String(opts.workers);
  const t0 = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // As npm start's supervisor starts it (BENCH_WORKER_NODE_FLAGS given win).
      ...radiusWorkerExecArgv([...NODE_FLAGS, '--enable-source-maps']),
      '--import',
      probe,
      join(radiusDir, 'dist', 'main.js'),
    ],
    { cwd: radiusDir, env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const guard = guardChild(child, 15_000);
  const listening = new Map<number, LogLine>();
  const reloaded = new Map<number, number>();
  const failures: string[] = [];
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const log = JSON.parse(line) as LogLine & { level?: number };
    // Warnings and errors of the worker are part of the result (a reload that failed, say).
    if ((log.level ?? 0) >= 40) process.stderr.write(`worker: ${line}\n`);
    if (log.msg === 'RADIUS worker listening') listening.set(log.pid, log);
    if (log.msg === 'snapshot reloaded after reconnect')
      reloaded.set(log.pid, (reloaded.get(log.pid) ?? 0) + 1);
    if (log.msg === 'reload after reconnect failed') failures.push(`${log.pid}: ${line}`);
    if (log.msg === 'snapshot loaded' && typeof log.members === 'number') listening.set(-log.pid, log);
    wake();
  });
  const until = (done: () => boolean, what: string, timeoutMs = 600_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        try {
          if (child.exitCode !== null)
            throw new Error(`the worker exited with ${child.exitCode} while waiting for ${what}`);
          if (!done()) return void waiters.push(check);
          clearTimeout(timer);
          resolve();
        } catch (err) {
          clearTimeout(timer);
          reject(err as Error);
        }
      };
      child.once('exit', wake);
      check();
    });
  const ready = () => [...listening.keys()].filter((k) => k > 0);
  await until(() => ready().length === expected, `${expected} workers to listen`);
  const loadSeconds = (performance.now() - t0) / 1000;
  const workers = ready();
  const members = new Set(workers.map((pid) => listening.get(-pid)?.members));
  if (members.size !== 1)
    throw new Error(`workers loaded different member counts: ${[...members].join(', ')}`);
  const ports = new Set(workers.map((pid) => listening.get(pid)!.authPort));
  if (ports.size !== 1) throw new Error(`workers listen on different ports: ${[...ports].join(', ')}`);
  let seq = 0;
  return {
    pid: child.pid!,
    workers,
    primary: workers.includes(child.pid!) ? null : child.pid!,
    authPort: [...ports][0]!,
    loadSeconds,
    members: [...members][0]!,
    reloads: (count) =>
      until(() => {
        if (failures.length)
          throw new Error(`a full reload failed (the worker does not retry it): ${failures[0]}`);
        return workers.every((pid) => (reloaded.get(pid) ?? 0) >= count);
      }, `reload ${count}`),
    async sample(gc) {
      seq++;
      writeFileSync(join(probeDir, 'request.json'), JSON.stringify({ seq, gc }));
      const pids = [child.pid!, ...workers.filter((p) => p !== child.pid)];
      for (const pid of pids) process.kill(pid, 'SIGUSR2');
      const out = new Map<number, { heapUsed: number; external: number }>();
      const deadline = Date.now() + 30_000;
      while (out.size < pids.length) {
        if (Date.now() > deadline) throw new Error('the memory probe did not answer');
        for (const pid of pids) {
          const file = join(probeDir, `${pid}.json`);
          if (out.has(pid) || !existsSync(file)) continue;
          const r = JSON.parse(readFileSync(file, 'utf8'));
          if (r.seq === seq) out.set(pid, r);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return out;
    },
    async stop() {
      await guard.stop();
      rmSync(probeDir, { recursive: true, force: true });
      rmSync(journalDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the processes have used no CPU for `quietMs` (at most `maxMs`). */
async function idle(pids: number[], quietMs = 1000, maxMs = 60_000): Promise<void> {
  const end = Date.now() + maxMs;
  let last = cpuTicks(pids);
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    const now = cpuTicks(pids);
    if (now - last > 2) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface ProcessSample extends ProcStatus {
  pid: number;
  role: 'primary' | 'worker';
  heapUsed: number;
  heapAfterGc: number | null;
}

interface PhaseSample {
  phase: string;
  processes: ProcessSample[];
}

async function measure(w: Worker, phase: string, withGc: boolean): Promise<PhaseSample> {
  const pids = w.primary ? [w.primary, ...w.workers] : w.workers;
  const status = new Map(pids.map((pid) => [pid, procStatus(pid)]));
  const heap = await w.sample(false);
  const after = withGc ? await w.sample(true) : null;
  for (const pid of pids) resetPeak(pid);
  return {
    phase,
    processes: pids.map((pid) => ({
      pid,
      role: pid === w.primary ? 'primary' : 'worker',
      ...status.get(pid)!,
      heapUsed: heap.get(pid)!.heapUsed,
      heapAfterGc: after ? after.get(pid)!.heapUsed : null,
    })),
  };
}

function papFactory(members: PapMember[]): RequestFactory {
  const nasIp = Buffer.from([127, 0, 0, 1]);
  const secret = Buffer.from(SECRET);
  const builders = members.map((m) =>
    new PacketBuilder()
      .add(Attr.UserName, m.username)
      .add(Attr.NasIpAddress, nasIp)
      .add(Attr.NasPortType, 19)
      .add(Attr.CalledStationId, '02-AA-BB-CC-DD-01:Lanyard'),
  );
  return (id) => {
    const i = Math.floor(Math.random() * members.length);
    return encodeRequest(Code.AccessRequest, id, builders[i]!, secret, {
      userPassword: members[i]!.passphrase,
    });
  };
}

const mb = (bytes: number | null) => (bytes === null ? '—' : (bytes / MB).toFixed(1));
const num = (v: number) => Math.round(v).toLocaleString('en-US');

function printHeader(title: string): void {
  console.log(`\n${title}`);
  console.log(
    '| phase | process | RSS MB | peak RSS in phase MB | anon RSS MB | heap used MB | heap after full GC MB |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
}

function printPhase(s: PhaseSample): void {
  let k = 0;
  for (const p of s.processes)
    console.log(
      `| ${s.phase} | ${p.role === 'primary' ? 'primary' : `worker ${++k}`} | ` +
        `${mb(p.rss)} | ${mb(p.peak)} | ${mb(p.anon)} | ${mb(p.heapUsed)} | ${mb(p.heapAfterGc)} |`,
    );
  if (s.processes.length > 1) {
    const sum = (f: (p: ProcessSample) => number) => s.processes.reduce((a, p) => a + f(p), 0);
    console.log(`| ${s.phase} | **sum** | ${mb(sum((p) => p.rss))} | ${mb(sum((p) => p.peak))} | | | |`);
  }
}

interface ModeResult {
  name: string;
  anchor: PhaseSample;
  loaded: PhaseSample;
  live: PhaseSample;
  maxWorkerRss: number;
  maxWorkerPeak: number;
  maxSum: number;
}

async function runMode(
  name: string,
  workers: number | 'default',
  db: { url: string; secretKey: string },
  anchor: PhaseSample,
  papMembers: PapMember[],
): Promise<ModeResult> {
  const w = await startWorker({ databaseUrl: db.url, secretKey: db.secretKey, workers });
  cleanups.push(() => w.stop());
  if (w.members !== MEMBERS) throw new Error(`${name} loaded ${w.members} members, not ${MEMBERS}`);
  console.log(
    `\n${name}: ${w.workers.length} worker process(es)${w.primary ? ` under primary ${w.primary}` : ''}, ` +
      `${num(w.members)} members loaded, listening after ${w.loadSeconds.toFixed(1)} s`,
  );
  printHeader(`${name}, ${num(MEMBERS)} members (first row: the anchor, the same worker with 0 members)`);
  printPhase(anchor);
  const samples: PhaseSample[] = [anchor];
  const phase = async (label: string, withGc: boolean) => {
    const s = await measure(w, label, withGc);
    printPhase(s);
    samples.push(s);
    return s;
  };
  const pids = w.primary ? [w.primary, ...w.workers] : w.workers;
  await idle(pids);
  const loaded = await phase('loaded', false);

  const admin = new pg.Pool({ connectionString: db.url, max: 1 });
  cleanups.push(() => admin.end());
  for (let r = 1; r <= RELOADS; r++) {
    const t0 = performance.now();
    const { rowCount } = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name = 'lanyard-listener'`,
    );
    if (rowCount !== w.workers.length)
      throw new Error(`${rowCount} listener connections, not ${w.workers.length}`);
    await w.reloads(r);
    const seconds = (performance.now() - t0) / 1000;
    await phase(`full reload ${r} (${seconds.toFixed(1)} s)`, false);
  }
  await idle(pids, 2000);
  await phase(`idle after ${RELOADS} reloads`, false);

  const notified = Math.round(MEMBERS * NOTIFY_SHARE);
  await admin.query(
    `select pg_notify('lanyard_member_changed', json_build_object('memberId', id, 'reason', 'UPDATED', 'at', now())::text)
       from (select id from member order by random() limit $1) m`,
    [notified],
  );
  await idle(pids, 2000);
  await phase(`NOTIFY for ${num(notified)} members`, false);

  const gen = await LoadGenerator.open(
    { host: '127.0.0.1', port: w.authPort, secret: Buffer.from(SECRET), expectCode: Code.AccessAccept },
    papFactory(papMembers),
    Math.max(4, Math.ceil(IN_FLIGHT / 64)),
  );
  let maxDuring = 0;
  const sampler = setInterval(() => {
    maxDuring = Math.max(
      maxDuring,
      pids.reduce((a, pid) => a + procStatus(pid).rss, 0),
    );
  }, 200);
  const result = await gen.closedLoop({ inFlight: IN_FLIGHT, warmupMs: 2000, durationMs: LOAD_MS });
  clearInterval(sampler);
  await phase(`PAP load, end of ${LOAD_MS / 1000} s window`, false);
  await gen.close();
  await idle(pids, 2000);
  await phase('idle after the load', false);
  // The only forced GC of the run (earlier ones would change what the later phases show).
  const live = await phase('after a forced full GC', true);
  console.log(
    `PAP load: ${num(result.throughput)} Access-Accepts/s, p99 ${result.latencyMs.p99.toFixed(2)} ms, ` +
      `${result.unexpected} other replies, ${result.timeouts} timeouts; ` +
      `highest RSS sum sampled every 200 ms: ${mb(maxDuring)} MB`,
  );
  if (result.ok === 0 || result.unexpected || result.bad)
    throw new Error(`the PAP load was not answered as expected: ${JSON.stringify(result)}`);

  const workersOf = (s: PhaseSample) => s.processes.filter((p) => p.role === 'worker');
  const all = samples.slice(1);
  return {
    name,
    anchor,
    loaded,
    live,
    maxWorkerRss: Math.max(...all.flatMap((s) => workersOf(s).map((p) => p.rss))),
    maxWorkerPeak: Math.max(...all.flatMap((s) => workersOf(s).map((p) => p.peak))),
    maxSum: Math.max(maxDuring, ...all.map((s) => s.processes.reduce((a, p) => a + p.rss, 0))),
  };
}

async function anchorSample(
  name: string,
  workers: number | 'default',
  db: { url: string; secretKey: string },
) {
  const w = await startWorker({ databaseUrl: db.url, secretKey: db.secretKey, workers });
  try {
    if (w.members !== 0) throw new Error(`the anchor loaded ${w.members} members`);
    await idle(w.primary ? [w.primary, ...w.workers] : w.workers);
    return await measure(w, 'anchor: 0 members', true);
  } finally {
    await w.stop();
  }
}

async function main(): Promise<void> {
  const load0 = os.loadavg();
  console.log(
    `RADIUS memory benchmark: ${num(MEMBERS)} members, ${LOCATIONS} locations; ${os.cpus().length} CPUs ` +
      `(${os.cpus()[0]?.model.trim()}); load average ${load0.map((l) => l.toFixed(2)).join(' ')} at start; Node ${process.version}` +
      (NODE_FLAGS.length ? `; worker flags: ${NODE_FLAGS.join(' ')}` : ''),
  );
  const build = spawnSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@lanyard/radius', '--output-logs=errors-only'],
    {
      cwd: join(radiusDir, '..'),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (build.status !== 0) throw new Error('building the RADIUS worker failed');

  const sites = await seedSites({ locations: LOCATIONS, nasSecret: SECRET });
  cleanups.push(() => sites.db.drop());
  await seedTeams(sites, MEMBERS);
  const db = { url: sites.db.url, secretKey: sites.secretKey };
  console.log(
    `API: migrations, ${LOCATIONS} locations, ${1 + 2 * (LOCATIONS - 1)} NAS clients, ${LOCATIONS} plan groups in ` +
      `${sites.seconds.toFixed(1)} s; ${num(sites.teamGroupIds.length)} team groups by SQL`,
  );
  const anchors = {
    one: MODES.includes('one') ? await anchorSample('one process', 1, db) : null,
    cluster: MODES.includes('cluster') ? await anchorSample('cluster', 'default', db) : null,
  };
  const seeded = await seedMembers(sites, MEMBERS);
  console.log(
    `members by SQL in ${seeded.seconds.toFixed(1)} s: ` +
      Object.entries(seeded.rows)
        .map(([k, v]) => `${num(v)} ${k} rows`)
        .join(', ') +
      ` (grants: every row, including those ended long ago that the worker does not load); ` +
      `${num(seeded.papMembers.length)} members for the PAP load`,
  );

  const results: ModeResult[] = [];
  if (anchors.one) {
    results.push(await runMode('One process (RADIUS_WORKERS=1)', 1, db, anchors.one, seeded.papMembers));
    await cleanups.pop()!(); // the admin pool
    await cleanups.pop()!(); // the worker
  }
  if (anchors.cluster)
    results.push(
      await runMode(
        `Cluster (RADIUS_WORKERS default = ${os.availableParallelism()})`,
        'default',
        db,
        anchors.cluster,
        seeded.papMembers,
      ),
    );

  console.log('\nSummary');
  console.log(
    '| mode | worker RSS, anchor → loaded MB | per member (RSS) | live heap (after a full GC), anchor → end MB | per member (heap) | highest worker RSS MB | highest worker peak RSS MB | highest sum MB | target |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    const w = (s: PhaseSample) => s.processes.filter((p) => p.role === 'worker');
    const avg = (s: PhaseSample, f: (p: ProcessSample) => number) =>
      w(s).reduce((a, p) => a + f(p), 0) / w(s).length;
    const rss0 = avg(r.anchor, (p) => p.rss);
    const rss1 = avg(r.loaded, (p) => p.rss);
    const heap0 = avg(r.anchor, (p) => p.heapAfterGc!);
    const heap1 = avg(r.live, (p) => p.heapAfterGc!);
    const met = r.maxWorkerRss <= TARGET_MB * MB && r.maxWorkerPeak <= TARGET_MB * MB;
    console.log(
      `| ${r.name} | ${mb(rss0)} → ${mb(rss1)} | ${num((rss1 - rss0) / MEMBERS)} B | ${mb(heap0)} → ${mb(heap1)} | ` +
        `${num((heap1 - heap0) / MEMBERS)} B | ${mb(r.maxWorkerRss)} | ${mb(r.maxWorkerPeak)} | ${mb(r.maxSum)} | ` +
        `per worker ≤ ${TARGET_MB} MB: ${met ? 'met' : 'NOT met'} |`,
    );
  }
  console.log(
    `\nload average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at end`,
  );
}

await runBench(main, cleanups);

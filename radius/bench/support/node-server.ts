/** Benchmark server processes: start a bench/support script in its own process, count its CPU. */
import { spawn, type ChildProcess } from 'node:child_process';
import { radiusWorkerExecArgv } from '@lanyard/api/radius-node-flags';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StallReport } from './stalls.js';
import { guardChild } from './child.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const env = process.env;

// Processes

export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** CPU seconds (user + system, all threads) of processes so far. */
export function cpuSeconds(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  }
  return total;
}

/** CPU seconds of every PostgreSQL process now (auth event and accounting writes are part of the cost). */
export function postgresCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      out.set(Number(entry), cpuSeconds([Number(entry)]));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of postgresCpu()) total += seconds - (before.get(pid) ?? 0);
  return total;
}

export interface NodeServer {
  pid: number;
  /** Every process serving (the cluster primary and its workers). */
  pids: number[];
  authPort: number;
  members?: number;
  profileDir: string | null;
  /** Stall reports of the serving processes (GC pauses and loop gaps, epoch ms), after stop(), when traced. */
  stalls: StallReport[];
  stop(): Promise<void>;
}

/** A Node.js server script from bench/support in its own process; resolves once it prints its port. */
export async function startNodeServer(
  script: string,
  extraEnv: Record<string, string>,
  profile: boolean,
  nodeFlags: string[] = [],
  /** Trace GC pauses and event-loop gaps of the serving processes (serve-worker.ts only). */
  traceStalls = false,
): Promise<NodeServer> {
  const profileDir = profile ? mkdtempSync(join(os.tmpdir(), 'lanyard-bench-prof-')) : null;
  const stallsDir = traceStalls ? mkdtempSync(join(os.tmpdir(), 'lanyard-bench-stalls-')) : null;
  // The V8 flags npm start gives the worker (bench flags given win); the floor runs with them too.
  const args = [...radiusWorkerExecArgv(nodeFlags), '--import', 'tsx'];
  if (profileDir) args.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  args.push(join(here, script));
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: join(here, '..', '..'),
    env: { ...env, ...extraEnv, ...(stallsDir ? { BENCH_STALLS_DIR: stallsDir } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stalls: StallReport[] = [];
  const guard = guardChild(child, 10_000);
  const ready = await new Promise<{ authPort: number; members?: number; pids?: number[] }>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('{')) resolve(JSON.parse(line));
        else process.stderr.write(`[${script} ${child.pid}] ${line}\n`);
      });
    },
  );
  return {
    pid: child.pid!,
    ...ready,
    pids: ready.pids ?? [child.pid!],
    profileDir,
    stalls,
    async stop() {
      await guard.stop();
      if (stallsDir && existsSync(stallsDir)) {
        for (const f of readdirSync(stallsDir))
          stalls.push(JSON.parse(readFileSync(join(stallsDir, f), 'utf8')) as StallReport);
        rmSync(stallsDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Lanyard's RADIUS worker (serve-worker.ts) over a seeded database, with a journal directory of
 * its own; `workers` > 1 runs that many cluster workers on one socket, as `npm start` does. The
 * process and the directory are handed to `cleanups`.
 */
export async function startBenchWorker(
  seed: { db: { url: string }; secretKey: string },
  cleanups: Array<() => Promise<unknown>>,
  opts: { workers?: number; profile?: boolean; nodeFlags?: string[]; traceStalls?: boolean } = {},
): Promise<NodeServer> {
  const journalDir = mkdtempSync(join(os.tmpdir(), 'lanyard-bench-journal-'));
  cleanups.push(async () => rmSync(journalDir, { recursive: true, force: true }));
  const server = await startNodeServer(
    'serve-worker.ts',
    {
      DATABASE_URL: seed.db.url,
      LANYARD_SECRET_KEY: seed.secretKey,
      RADIUS_JOURNAL_DIR: journalDir,
      ...(opts.workers !== undefined ? { BENCH_WORKERS: String(opts.workers) } : {}),
    },
    opts.profile ?? false,
    opts.nodeFlags ?? [],
    opts.traceStalls ?? false,
  );
  cleanups.push(() => server.stop());
  return server;
}

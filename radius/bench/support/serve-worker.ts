/**
 * Runs Lanyard's RADIUS worker for a benchmark in its own process(es), so that the load generator
 * does not share its event loop. Configuration from the environment (DATABASE_URL,
 * LANYARD_SECRET_KEY, RADIUS_JOURNAL_DIR); ports are random. BENCH_WORKERS=N (default 1) runs N
 * workers under node:cluster sharing the UDP sockets, as `npm start` does with RADIUS_WORKERS=N.
 * Prints one JSON line once every worker listens (ports, members, the pids whose CPU to count),
 * stops on SIGTERM (exit 0, so `--cpu-prof` writes its profiles).
 */
import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { setFlagsFromString } from 'node:v8';
import { destination, pino } from 'pino';
import { loadRadiusConfig } from '../../src/config.js';
import { startRadiusWorker } from '../../src/worker.js';
import { liveAllocations } from './heap-sampling.js';
import { traceStalls } from './stalls.js';

// As src/main.ts (what `npm start` runs) does: old generation grown by 1.5× between full GCs.
if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent')))
  setFlagsFromString('--heap-growing-percent=50');

interface Ready {
  authPort: number;
  metricsPort: number | null;
  members: number;
  pids: number[];
}

const workers = Number(process.env.BENCH_WORKERS ?? 1);

// BENCH_STALLS_DIR: GC pauses and event-loop gaps, written to <dir>/stalls-<pid>.json at SIGTERM
// (a file per process: cluster workers share stderr, where long lines interleave).
const stallsDir = process.env.BENCH_STALLS_DIR;
const stallTracer = stallsDir && !(workers > 1 && cluster.isPrimary) ? traceStalls() : null;
const dumpStalls = () => {
  if (stallTracer)
    writeFileSync(join(stallsDir!, `stalls-${process.pid}.json`), JSON.stringify(stallTracer.stop()));
};

if (workers > 1 && cluster.isPrimary) {
  const ready: Ready[] = [];
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', (m: Ready) => {
      ready.push(m);
      if (ready.length === workers) {
        const ports = new Set(ready.map((r) => r.authPort));
        if (ports.size !== 1) throw new Error(`workers listen on different ports: ${[...ports].join(', ')}`);
        process.stdout.write(
          `${JSON.stringify({ ...ready[0], pids: [process.pid, ...ready.flatMap((r) => r.pids)] })}\n`,
        );
      }
    });
  }
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    const all = Object.values(cluster.workers ?? {});
    let left = all.length;
    for (const w of all) {
      w?.once('exit', () => {
        if (--left === 0) process.exit(0);
      });
      w?.process.kill('SIGTERM');
    }
  });
} else {
  const config = loadRadiusConfig({
    ...process.env,
    RADIUS_HOST: '127.0.0.1',
    RADIUS_AUTH_PORT: '0',
    RADIUS_ACCT_PORT: '0',
    RADIUS_METRICS_PORT: cluster.isWorker ? '-1' : '0',
    LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn',
  });
  const worker = await startRadiusWorker(config, pino({ level: config.logLevel }, destination(2)));
  const ready: Ready = {
    authPort: worker.authPort,
    metricsPort: worker.metricsPort,
    members: worker.snapshot.memberCount,
    pids: [process.pid],
  };
  if (cluster.isWorker) process.send!(ready);
  else process.stdout.write(`${JSON.stringify(ready)}\n`);
  // Diagnostics: SIGUSR2 starts V8's sampling heap profiler, the next one prints where the objects
  // allocated since then that are still alive were allocated (what outlives young-generation GCs).
  let sampling: Session | null = null;
  process.on('SIGUSR2', () => {
    if (!sampling) {
      sampling = new Session();
      sampling.connect();
      sampling.post('HeapProfiler.startSampling', { samplingInterval: 256 });
      return;
    }
    const session = sampling;
    sampling = null;
    session.post('HeapProfiler.getSamplingProfile', (err, res) => {
      if (!err) process.stderr.write(`${liveAllocations(res.profile)}\n`);
      session.post('HeapProfiler.stopSampling', () => session.disconnect());
    });
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    dumpStalls();
    void worker.stop().finally(() => process.exit(0));
  });
}

/**
 * `npm run bench -- latency` (radius/bench/latency.bench.ts): where Lanyard's PAP latency at a fixed
 * rate comes from. Lanyard only (no FreeRADIUS): seeds the members, measures the worker's PAP peak
 * (closed loop, as bench:radius does), then sends PAP at half of it (or BENCH_RATE) and lines every
 * slow reply up with what the worker's and the generator's event loops were doing at the time:
 * GC pauses by kind and loop gaps (bench/support/stalls.ts).
 *
 * Environment: DATABASE_URL, BENCH_MEMBERS (10000), BENCH_RATE (half of the measured peak),
 * BENCH_WINDOW_MS (15000), BENCH_SLOW_MS (5: a reply slower than this is "slow"), BENCH_WORKERS (1),
 * BENCH_LANYARD_NODE_FLAGS (extra Node/V8 flags for the worker), RADIUS_AUTH_EVENT_REPEAT_WINDOW,
 * BENCH_PROFILE=1 (one worker under --cpu-prof, 250 µs samples: what ran during its loop gaps),
 * BENCH_REQUEST=ppsk-known (the fixed-rate phase sends unbound-PPSK requests from bound stations
 * instead of PAP; set BENCH_RATE, e.g. 200 as bench:radius does).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Code } from '../src/codec/packet.js';
import { readdirSync } from 'node:fs';
import { LoadGenerator, type LoadResult } from './support/load.js';
import { printProfileRows, summarizeProfile } from './support/profile.js';
import { runBench } from './support/run.js';
import { cpuSeconds, startBenchWorker } from './support/node-server.js';
import { SECRET, SECRET_BYTES, SSID, knownPpskFactory, papFactory } from './support/requests.js';
import { seedLanyard } from './support/seed.js';
import { GC_KIND, describeStalls, ms, traceStalls } from './support/stalls.js';

const env = process.env;
const MEMBERS = Number(env.BENCH_MEMBERS ?? 10_000);
const WINDOW_MS = Number(env.BENCH_WINDOW_MS ?? 15_000);
const SLOW_MS = Number(env.BENCH_SLOW_MS ?? 5);
const WORKERS = Number(env.BENCH_WORKERS ?? 1);
const NODE_FLAGS = (env.BENCH_LANYARD_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const PROFILE = env.BENCH_PROFILE === '1';
const KNOWN_PPSK = env.BENCH_REQUEST === 'ppsk-known';

const cleanups: Array<() => Promise<unknown>> = [];
const line = (label: string, r: LoadResult) =>
  `${label}: ${Math.round(r.throughput)} req/s, p50 ${ms(r.latencyMs.p50)} ms, p90 ${ms(r.latencyMs.p90)} ms, ` +
  `p99 ${ms(r.latencyMs.p99)} ms, max ${ms(r.latencyMs.max)} ms` +
  (r.timeouts || r.unexpected || r.skipped
    ? ` (timeouts ${r.timeouts}, unexpected ${r.unexpected}, skipped ${r.skipped})`
    : '');

/** Whether [start, start + duration) of any stall overlaps the interval [a, b]. */
function overlapping<T extends [number, number, ...number[]]>(
  list: T[],
  a: number,
  b: number,
): T | undefined {
  return list.find(([start, duration]) => start <= b && start + duration >= a);
}

async function main(): Promise<void> {
  console.log(
    `Latency breakdown: ${MEMBERS.toLocaleString('en-US')} members, ${WORKERS} worker process(es), ` +
      `load average ${os.loadavg()[0]!.toFixed(2)} at start, Node ${process.version}` +
      (NODE_FLAGS.length ? `, worker flags ${NODE_FLAGS.join(' ')}` : ''),
  );
  const seed = await seedLanyard({ count: MEMBERS, ssid: SSID, nasSecret: SECRET });
  cleanups.push(() => seed.db.drop());
  const worker = await startBenchWorker(seed, cleanups, {
    workers: WORKERS,
    profile: PROFILE,
    nodeFlags: PROFILE ? [...NODE_FLAGS, '--cpu-prof-interval=250'] : NODE_FLAGS,
    traceStalls: true,
  });
  const pap = papFactory(seed.members);
  const g = await LoadGenerator.open(
    { host: '127.0.0.1', port: worker.authPort, secret: SECRET_BYTES, expectCode: Code.AccessAccept },
    pap,
    4,
  );
  cleanups.push(() => g.close());

  const peak = await g.closedLoop({ inFlight: 128, warmupMs: 2000, durationMs: 6000 });
  console.log(line('peak (closed loop, 128 in flight)', peak));
  const rate = Number(env.BENCH_RATE ?? Math.round(peak.throughput / 2));
  if (KNOWN_PPSK) {
    g.setRequests(knownPpskFactory(seed.members));
    console.log('then unbound PPSK requests from known (bound) station MACs');
  }

  const self = traceStalls();
  const slow: Array<[number, number]> = [];
  let first = Infinity;
  let last = 0;
  const switches = () =>
    worker.pids.reduce((sum, pid) => {
      const m = /nonvoluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return sum + Number(m?.[1] ?? 0);
    }, 0);
  const switches0 = switches();
  const cpu0 = cpuSeconds(worker.pids);
  const t0 = performance.now();
  const result = await g.fixedRate({
    rate,
    warmupMs: 2000,
    durationMs: WINDOW_MS,
    onSample(sentAt, latency) {
      const at = performance.timeOrigin + sentAt;
      first = Math.min(first, at);
      last = Math.max(last, at);
      if (latency > SLOW_MS) slow.push([at, latency]);
    },
  });
  const cpu = ((cpuSeconds(worker.pids) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  const mine = self.stop();
  const preempted = switches() - switches0;
  console.log(
    line(`fixed rate ${rate} req/s, ${WINDOW_MS / 1000} s`, result) +
      `; worker CPU ${cpu.toFixed(0)} %, preempted ${preempted} times (${(preempted / ((performance.now() - t0) / 1000)).toFixed(0)}/s)`,
  );
  await worker.stop();
  cleanups.pop();

  console.log(`\nreplies slower than ${SLOW_MS} ms: ${slow.length} of ${result.latencyMs.count}`);
  // Why a reply was slow: what the worker's loop was doing while the request was in flight, and
  // whether the generator had just stalled (its catch-up sends arrive as one burst).
  const explained = new Map<string, number>();
  const w = worker.stalls;
  for (const [at, latency] of slow) {
    const causes: string[] = [];
    const burst = overlapping(mine.gaps, at - 10, at);
    if (burst) causes.push('sent in a catch-up burst after a generator stall');
    for (const r of w) {
      const gc = overlapping(r.gcs, at, at + latency);
      if (gc) causes.push(`worker GC ${GC_KIND[gc[2]] ?? gc[2]}`);
      else if (overlapping(r.gaps, at, at + latency)) causes.push('worker busy ≥ 3 ms without a GC ≥ 1 ms');
    }
    if (!burst && overlapping(mine.gaps, at, at + latency))
      causes.push('generator stalled before reading the reply');
    const why = causes.length ? causes.join(' + ') : 'no stall ≥ 3 ms seen';
    explained.set(why, (explained.get(why) ?? 0) + 1);
  }
  for (const [why, n] of [...explained].sort((a, b) => b[1] - a[1])) console.log(`  ${n}: ${why}`);
  for (const r of worker.stalls) describeStalls('worker', r, first, last);
  describeStalls('generator', mine, first, last);

  const file = worker.profileDir && readdirSync(worker.profileDir).find((f) => f.endsWith('.cpuprofile'));
  const r = worker.stalls[0];
  if (file && r) {
    const windows = r.gaps
      .filter(([t]) => t >= first && t <= last)
      .map(([t, d]): [number, number] => [
        t * 1000 + r.monotonicMinusEpochUs,
        (t + d) * 1000 + r.monotonicMinusEpochUs,
      ]);
    const all: Array<[number, number]> = [
      [first * 1000 + r.monotonicMinusEpochUs, last * 1000 + r.monotonicMinusEpochUs],
    ];
    for (const [label, w] of [
      ['the whole window', all],
      ['the worker loop gaps', windows],
    ] as const) {
      const p = summarizeProfile(join(worker.profileDir!, file), w, 20);
      console.log(`\nworker CPU profile, ${label}: ${ms(p.busyMs)} ms busy, ${ms(p.idleMs)} ms idle`);
      printProfileRows('self time:', p.functions);
      printProfileRows('inclusive, application:', p.inclusive);
    }
  }
}

await runBench(main, cleanups);

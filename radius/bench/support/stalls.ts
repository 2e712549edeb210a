/**
 * Where an event loop stood still: GC pauses ≥ 1 ms and loop gaps ≥ 3 ms (a 1 ms interval that
 * fired late), in wall-clock epoch milliseconds so that reports of different processes line up.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';

export interface StallReport {
  pid: number;
  /** [start epoch ms, duration ms, V8 GC kind (1 scavenge, 2 mark-compact, 4 incremental, 8 weak callbacks)] */
  gcs: Array<[number, number, number]>;
  /** [start epoch ms, duration ms] of gaps ≥ 3 ms between 1 ms timer ticks */
  gaps: Array<[number, number]>;
  /** CLOCK_MONOTONIC µs (process.hrtime, a CPU profile's clock) minus epoch µs, to line up with a profile. */
  monotonicMinusEpochUs: number;
}

export function traceStalls(): { stop(): StallReport } {
  const epoch = (t: number) => performance.timeOrigin + t;
  const report: StallReport = {
    pid: process.pid,
    gcs: [],
    gaps: [],
    monotonicMinusEpochUs:
      Number(process.hrtime.bigint() / 1000n) - (performance.timeOrigin + performance.now()) * 1000,
  };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail: { kind: number } }).detail.kind;
      if (e.duration >= 1) report.gcs.push([epoch(e.startTime), e.duration, kind]);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last >= 3) report.gaps.push([epoch(last), now - last]);
    last = now;
  }, 1);
  timer.unref();
  return {
    stop() {
      obs.disconnect();
      clearInterval(timer);
      return report;
    },
  };
}

export const GC_KIND: Record<number, string> = {
  1: 'scavenge',
  2: 'mark-compact',
  4: 'incremental',
  8: 'weak callbacks',
};

export const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Prints a process's GC pauses and loop gaps between two epoch times. */
export function describeStalls(who: string, r: StallReport, from: number, to: number): void {
  const gcs = r.gcs.filter(([t]) => t >= from && t <= to);
  const gaps = r.gaps.filter(([t]) => t >= from && t <= to);
  const seconds = (to - from) / 1000;
  console.log(`\n${who} (pid ${r.pid}) in the window, ${seconds.toFixed(0)} s:`);
  for (const kind of [...new Set(gcs.map((g) => g[2]))].sort()) {
    const d = gcs
      .filter((g) => g[2] === kind)
      .map((g) => g[1])
      .sort((x, y) => x - y);
    const sum = d.reduce((x, y) => x + y, 0);
    console.log(
      `  GC ${GC_KIND[kind] ?? kind} ≥ 1 ms: ${d.length} (${(d.length / seconds).toFixed(1)}/s), ` +
        `median ${ms(d[Math.floor(d.length / 2)]!)} ms, max ${ms(d.at(-1)!)} ms, ${ms(sum)} ms in all`,
    );
  }
  const g = gaps.map((x) => x[1]).sort((x, y) => x - y);
  const buckets = [3, 5, 10, 20, 50];
  console.log(
    `  loop gaps ≥ 3 ms: ${g.length}; ` +
      buckets
        .map(
          (b, i) =>
            `${b}–${buckets[i + 1] ?? '∞'} ms: ${g.filter((v) => v >= b && v < (buckets[i + 1] ?? Infinity)).length}`,
        )
        .join(', '),
  );
  const longest = [...gaps].sort((x, y) => y[1] - x[1]).slice(0, 8);
  for (const [t, d] of longest) {
    const gc = r.gcs.filter(([s, dur]) => s <= t + d && s + dur >= t);
    console.log(
      `    gap ${ms(d)} ms at +${((t - from) / 1000).toFixed(3)} s` +
        (gc.length
          ? `; GC inside: ${gc.map(([, dur, k]) => `${GC_KIND[k] ?? k} ${ms(dur)} ms`).join(', ')}`
          : '; no GC ≥ 1 ms inside'),
    );
  }
}

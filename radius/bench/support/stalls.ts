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

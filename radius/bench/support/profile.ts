/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by function and by source file, as
 * shares of the busy (non-idle) samples. Used on the Lanyard worker's profile when BENCH_PROFILE=1.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  /** Self time. */
  functions: ProfileRow[];
  /** Self time by source file. */
  files: ProfileRow[];
  /** Inclusive time of application functions (Lanyard's sources, the API package, luxon, pg, prom-client). */
  inclusive: ProfileRow[];
}

const APPLICATION =
  /\/(radius\/src|api\/(src|dist)|schema\/dist)\/|node_modules\/(luxon|pg|prom-client|pino)\//;

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const marks = ['/radius/src/', '/api/src/', '/api/dist/', '/schema/dist/', '/node_modules/'];
  for (const m of marks) {
    const at = url.lastIndexOf(m);
    if (at >= 0) return url.slice(at + 1);
  }
  return url.replace(/^file:\/\//, '');
}

/**
 * `windowsUs`: only samples inside these [start, end) intervals of CLOCK_MONOTONIC in µs (V8's
 * profile clock, the same as process.hrtime in any process on the machine); all when omitted.
 */
export function summarizeProfile(
  file: string,
  windowsUs?: Array<[number, number]>,
  top = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  // Time per sample: the delta to the next sample (V8's own attribution).
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (windowsUs && !windowsUs.some(([a, b]) => t >= a && t < b)) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    return url
      ? `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`
      : functionName || '(anonymous)';
  };
  let idle = 0;
  let busy = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url } = n.callFrame;
    if (functionName === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    const where = shortUrl(url);
    const name = label(n);
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!APPLICATION.test(frame.callFrame.url)) continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
    const fileKey = url ? where : functionName.startsWith('(') ? functionName : '(native)';
    files.set(fileKey, (files.get(fileKey) ?? 0) + ms);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: ms / busy }));
  return { busyMs: busy, idleMs: idle, functions: rows(fn), files: rows(files), inclusive: rows(inclusive) };
}

/** Prints one list of a summary (functions, files or inclusive) under `title`, as shares. */
export function printProfileRows(title: string, rows: ProfileRow[]): void {
  console.log(title);
  for (const r of rows) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`);
}

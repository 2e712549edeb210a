/** Summary of a V8 sampling heap profile: live sampled bytes by allocating stack (innermost frames). */
import type { HeapProfiler } from 'node:inspector';

function frame(n: HeapProfiler.SamplingHeapProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^.*\/(radius|api|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

export function liveAllocations(profile: HeapProfiler.SamplingHeapProfile, depth = 4, top = 25): string {
  const byStack = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapProfiler.SamplingHeapProfileNode, stack: string[]) => {
    const here = [...stack, frame(n)];
    if (n.selfSize) {
      const key = here.slice(-depth).reverse().join(' ← ');
      byStack.set(key, (byStack.get(key) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c, here);
  };
  walk(profile.head, []);
  const rows = [...byStack].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `live sampled allocations: ${(total / 1024).toFixed(0)} KB`,
    ...rows.map(([k, v]) => `${(v / 1024).toFixed(1).padStart(9)} KB  ${k}`),
  ].join('\n');
}

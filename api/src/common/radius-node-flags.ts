/**
 * V8 flags every RADIUS worker process runs with. `npm start`'s supervisor passes them to the
 * worker it starts, and the worker's cluster primary to the workers it forks; the same flag given
 * by the operator (on the node command line or in NODE_OPTIONS) wins.
 *
 * --max-semi-space-size=8 caps V8's young generation at 8 MB semi-spaces instead of 16. The worker
 * promotes almost nothing (radius/bench/hot-path.bench.ts --allocations), so young collections stay
 * cheap at this size, while the larger default costs up to 24 MB of RSS under load: with 100,000
 * members that is the difference between meeting the 300 MB target and not (bench:radius-memory).
 * 4 MB is too small: requests then outlive young collections and full GCs return
 * (radius/bench/latency.bench.ts, docs/benchmarks.md).
 */
export const RADIUS_WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

const flagName = (arg: string) => arg.split('=')[0]!.replaceAll('_', '-');

const givenFlags = (execArgv: readonly string[], nodeOptions: string): Set<string> =>
  new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter(Boolean).map(flagName));

/** `execArgv` plus the worker flags not already given there or in `nodeOptions`. */
export function radiusWorkerExecArgv(
  execArgv: readonly string[],
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  const given = givenFlags(execArgv, nodeOptions);
  return [...execArgv, ...RADIUS_WORKER_NODE_FLAGS.filter((f) => !given.has(flagName(f)))];
}

/** Whether the operator gave V8 flag `flag` (e.g. '--heap-growing-percent'), in either spelling. */
export function nodeFlagGiven(
  flag: string,
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  return givenFlags(execArgv, nodeOptions).has(flagName(flag));
}

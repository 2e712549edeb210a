import type { ChildProcess } from 'node:child_process';

/**
 * A server process a benchmark started: killed if the benchmark exits without stopping it;
 * `stop()` sends SIGTERM and, after `graceMs`, SIGKILL, and resolves once it has exited.
 */
export function guardChild(
  child: ChildProcess,
  graceMs: number,
): { exited: Promise<number | null>; stop(): Promise<void> } {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  return {
    exited,
    async stop() {
      process.off('exit', orphanGuard);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

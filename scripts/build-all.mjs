// Builds what is missing or stale (turbo caches the rest); exits the process when the build fails.
import { spawnSync } from 'node:child_process';

export function buildOrExit(root) {
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error('Build failed; not starting.');
    process.exit(build.status ?? 1);
  }
}

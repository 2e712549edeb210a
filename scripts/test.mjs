// `npm test`: the whole suite. Builds, checks types and style, then runs every package's tests
// (unit tests next to the code, integration tests against real Postgres) and the cross-part tests.
// Integration tests use DATABASE_URL's server when it is set, an embedded PostgreSQL otherwise.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const steps = [
  ['build', ['npx', 'turbo', 'run', 'build', '--output-logs=errors-only']],
  ['typecheck', ['npx', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['lint', ['npm', 'run', 'lint', '--silent']],
  ['schema', ['npm', 'test', '-w', '@lanyard/schema', '--silent']],
  ['api', ['npm', 'test', '-w', '@lanyard/api', '--silent']],
  ['radius', ['npm', 'test', '-w', '@lanyard/radius', '--silent']],
  ['admin-web', ['npm', 'test', '-w', '@lanyard/admin-web', '--silent']],
  ['portal-web', ['npm', 'test', '-w', '@lanyard/portal-web', '--silent']],
  ['tests', ['npm', 'test', '-w', '@lanyard/tests', '--silent']],
];
const only = process.argv.slice(2);
const failed = [];
for (const [name, [cmd, ...args]] of steps) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  console.log(
    `=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (r.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nAll test steps passed.');

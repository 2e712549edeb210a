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
const totals = { pass: 0, fail: 0, skipped: 0 };

/** Runs one step, streaming its output and adding up node's test runner summaries ("# pass N"). */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const m = /^# (pass|fail|skipped) (\d+)$/.exec(line.trim());
        if (m) totals[m[1]] += Number(m[2]);
      }
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const only = process.argv.slice(2);
const failed = [];
for (const [name, [cmd, ...args]] of steps) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const status = await run(cmd, args);
  console.log(
    `=== ${name}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (status !== 0) failed.push(name);
}
if (failed.length) console.error(`\nFailed steps: ${failed.join(', ')}`);
// A failed step without failed tests (build, lint) still counts as one failure in the summary.
const failures = totals.fail + (failed.length > 0 && totals.fail === 0 ? 1 : 0);
console.log(`\ntests: ${totals.pass} passed, ${failures} failed, ${totals.skipped} skipped`);
process.exit(failed.length ? 1 : 0);

// Runs every *.test.ts under the given folder with node's test runner (through tsx).
// Node 20's --test does not expand globs, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const root = resolve(process.argv[2] ?? 'src');
const pattern = process.env.TEST_FILTER ? new RegExp(process.env.TEST_FILTER) : null;
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.test\.tsx?$/.test(name) && (!pattern || pattern.test(path))) files.push(path);
  }
})(root);

if (files.length === 0) {
  console.log(`no test files under ${root}`);
  process.exit(0);
}
const concurrency = process.env.TEST_CONCURRENCY ?? String(Math.max(1, os.availableParallelism()));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);

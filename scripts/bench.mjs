// `npm run bench`: every benchmark under version control (bench/*.bench.ts in each package).
// Results are ratios against an anchor measured in the same run; see docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv[2];
let ran = 0;
for (const pkg of ['api', 'radius', 'tests']) {
  const dir = `${root}${pkg}/bench`;
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()) {
    if (only && !file.includes(only)) continue;
    console.log(`\n=== ${pkg}/bench/${file} ===`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], {
      cwd: `${root}${pkg}`,
      stdio: 'inherit',
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
    ran++;
  }
}
if (!ran) console.log('no benchmarks matched');

// `npm start`: builds what is missing or stale (turbo caches the rest), then runs the API process,
// passing signals through so Ctrl-C and SIGTERM shut everything down cleanly.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildOrExit } from './build-all.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
buildOrExit(root);
const child = spawn(process.execPath, ['--enable-source-maps', 'api/dist/main.js'], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));

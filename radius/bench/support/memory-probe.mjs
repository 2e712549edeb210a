// Preloaded (`node --import`) into every process of the RADIUS worker by bench/memory.bench.ts;
// cluster workers inherit it through execArgv. Does nothing unless MEMORY_PROBE_DIR is set. On
// SIGUSR2 it reads MEMORY_PROBE_DIR/request.json ({ seq, gc }), runs a full garbage collection if
// asked, and writes process.memoryUsage() with that seq to MEMORY_PROBE_DIR/<pid>.json.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  process.on('SIGUSR2', () => {
    let request = { seq: 0, gc: false };
    try {
      request = JSON.parse(readFileSync(`${dir}/request.json`, 'utf8'));
    } catch {
      // no request file: a plain sample
    }
    if (request.gc) gc();
    const file = `${dir}/${process.pid}.json`;
    writeFileSync(`${file}.tmp`, JSON.stringify({ seq: request.seq, ...process.memoryUsage() }));
    renameSync(`${file}.tmp`, file);
  });
}

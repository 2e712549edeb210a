/**
 * Runs one Lanyard RADIUS worker for a benchmark in its own process, so that the load generator
 * does not share its event loop. Configuration from the environment (DATABASE_URL,
 * LANYARD_SECRET_KEY, RADIUS_JOURNAL_DIR); ports are random. Prints one JSON line once listening,
 * stops on SIGTERM (exit 0, so `--cpu-prof` writes its profile).
 */
import { destination, pino } from 'pino';
import { loadRadiusConfig } from '../../src/config.js';
import { startRadiusWorker } from '../../src/worker.js';

const config = loadRadiusConfig({
  ...process.env,
  RADIUS_HOST: '127.0.0.1',
  RADIUS_AUTH_PORT: '0',
  RADIUS_ACCT_PORT: '0',
  RADIUS_METRICS_PORT: '0',
  LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn',
});
const worker = await startRadiusWorker(config, pino({ level: config.logLevel }, destination(2)));
process.stdout.write(
  `${JSON.stringify({
    authPort: worker.authPort,
    metricsPort: worker.metricsPort,
    members: worker.snapshot.memberCount,
  })}\n`,
);
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void worker.stop().finally(() => process.exit(0));
});

/** The RADIUS worker process (started by `npm start`, or on its own for more workers). */
import { pino } from 'pino';
import { loadRadiusConfig, RadiusConfigError } from './config.js';
import { startRadiusWorker } from './worker.js';

let config;
try {
  config = loadRadiusConfig();
} catch (err) {
  if (err instanceof RadiusConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const logger = pino({ name: 'lanyard-radius', level: config.logLevel });
const worker = await startRadiusWorker(config, logger);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void worker.stop().then(
      () => {
        logger.info({ signal }, 'RADIUS worker stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  });
}

/** Runs one API process for a benchmark, so that the load generator does not share its CPU time. */
import { startApi } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/common/logger.js';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
const api = await startApi(config, config.databaseUrl!, config.secretKeyHex!, createLogger('silent'));
process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);
process.on('SIGTERM', () => void api.stop().then(() => process.exit(0)));

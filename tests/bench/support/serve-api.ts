/**
 * The API in its own process for `npm run bench:sync`, instrumented for the parent over IPC:
 * every statement any pg client of this process sends (MikroORM/knex, pg-boss, LISTEN) is counted
 * by wrapping `pg.Client.prototype.query`, and RSS is sampled every 20 ms into a window maximum.
 * Messages: `{ type: 'window' }` → replies `{ statements, peakRssMb, rssMb }` and starts a new window.
 */
import pg from 'pg';
import { startApi } from '../../../api/src/app.js';
import { loadConfig } from '../../../api/src/config/config.js';
import { createLogger } from '../../../api/src/common/logger.js';

let statements = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

let peakRss = process.memoryUsage.rss();
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20).unref();

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
const api = await startApi(config, config.databaseUrl!, config.secretKeyHex!, createLogger('silent'));
process.on('message', (msg: { type?: string }) => {
  if (msg?.type !== 'window') return;
  const rss = process.memoryUsage.rss();
  process.send!({
    type: 'window',
    statements,
    peakRssMb: Math.max(peakRss, rss) / 2 ** 20,
    rssMb: rss / 2 ** 20,
  });
  statements = 0;
  peakRss = rss;
});
process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);
process.on('SIGTERM', () => void api.stop().then(() => process.exit(0)));

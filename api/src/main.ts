/**
 * `npm start`: the whole API process. With DATABASE_URL unset, an embedded PostgreSQL runs under
 * .lanyard/ and the secret key is generated there on first start.
 */
import { mkdirSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { loadOrCreateSecretKey } from './config/secret-key-file.js';
import { createLogger } from './common/logger.js';
import { startApi, type LanyardApi } from './app.js';
import { RadiusSupervisor } from './radius-supervisor.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded-postgres.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let embedded: EmbeddedPostgresHandle | null = null;
  let api: LanyardApi | null = null;
  let radius: RadiusSupervisor | null = null;
  let stopping = false;

  const shutdown = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    try {
      await radius?.stop();
      await api?.stop();
      await embedded?.stop();
      logger.info({ signal }, 'stopped cleanly');
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      code = code || 1;
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // With Ctrl-C in a terminal the embedded PostgreSQL gets the signal too and may go away while a job
  // is still writing: a rejection then is part of stopping, not a crash. Otherwise it is fatal.
  process.on('unhandledRejection', (err) => {
    if (stopping) {
      logger.warn({ err: (err as Error)?.message }, 'ignored an error while stopping');
      return;
    }
    logger.fatal({ err }, 'unhandled rejection');
    void shutdown('unhandledRejection', 1);
  });

  try {
    let databaseUrl = config.databaseUrl;
    let secretKey = config.secretKeyHex;
    if (!databaseUrl) {
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      logger.info({ dataDir: config.dataDir }, 'DATABASE_URL is not set: starting embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ baseDir: config.dataDir });
      databaseUrl = embedded.url;
      secretKey ??= loadOrCreateSecretKey(config.dataDir);
    }
    if (!secretKey) throw new Error('LANYARD_SECRET_KEY is required');
    api = await startApi(config, databaseUrl, secretKey, logger, {
      radiusMetricsUrl: `http://127.0.0.1:${config.radiusMetricsPort}/metrics`,
    });
    radius = new RadiusSupervisor(
      config,
      { databaseUrl, secretKeyHex: secretKey, metricsPort: config.radiusMetricsPort },
      logger,
    );
    radius.start();
    logger.info(
      { url: config.publicUrl, graphql: `${config.publicUrl}/graphql`, admin: `${config.publicUrl}/admin/` },
      'Lanyard is running',
    );
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    await shutdown('startup-failure', 1);
  }
}

void main();

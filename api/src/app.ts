import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM, Options } from '@mikro-orm/postgresql';
import express from 'express';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import type { Config } from './config/config.js';
import { SecretBox } from './common/crypto/secret-box.js';
import { RateLimiter } from './common/rate-limiter.js';
import type { Logger } from './common/logger.js';
import { initOrm, migrate } from './db/orm.js';
import { PgListener } from './events/pg-listener.js';
import { PgPubSub } from './events/pg-pubsub.js';
import type { GqlContext } from './graphql/context.js';
import { createFormatError } from './graphql/format-error.js';
import { checkOperationLimits, limitsPlugin } from './graphql/limits.js';
import { buildLanyardSchema } from './graphql/schema.js';
import { authenticate } from './http/authenticate.js';
import { createMetrics } from './http/metrics.js';
import { radiusCaHandler } from './http/radius-ca.js';
import { mountStaticApps } from './http/static-apps.js';
import { mountProfileDownloads } from './features/portal/profile-route.js';
import { BossJobs } from './jobs/boss.js';
import { SyncJobs } from './jobs/sync.job.js';
import { webhookRouter } from './http/webhooks.js';
import { defaultConnectorRegistry } from './integrations/default-registry.js';
import type { ConnectorRegistry } from './integrations/registry.js';
import { SyncEngine } from './sync/sync-engine.js';
import { createServices, type Services } from './services.js';

export interface LanyardApi {
  url: string;
  port: number;
  orm: MikroORM;
  services: Services;
  stop(): Promise<void>;
}

/**
 * Builds and starts one API process against `databaseUrl`: migrations, jobs, LISTEN, GraphQL over
 * HTTP and WebSocket, health and metrics, the SPAs. Used by main.ts and by the tests.
 */
export async function startApi(
  config: Config,
  databaseUrl: string,
  secretKeyHex: string,
  logger: Logger,
  opts: { orm?: Partial<Options>; radiusMetricsUrl?: string; connectors?: ConnectorRegistry } = {},
): Promise<LanyardApi> {
  const secrets = SecretBox.fromHex(secretKeyHex);
  const orm = await initOrm(databaseUrl, opts.orm);
  const applied = await migrate(orm);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: 'lanyard-api' });
  pool.on('error', (err) => logger.warn({ err: err.message }, 'pool error'));
  const listener = new PgListener(databaseUrl, logger);
  await listener.start();
  const pubSub = new PgPubSub(pool, listener, logger);
  const limiter = new RateLimiter(pool);
  const jobs = new BossJobs(databaseUrl, orm, secrets, logger, limiter, config.retention);
  await jobs.start({ work: true });

  const connectors = opts.connectors ?? defaultConnectorRegistry();
  // The engine is built before the services; its credentials hook reaches them once they exist.
  let delivery: Services['credentialDelivery'] | null = null;
  const engine = new SyncEngine({
    secrets,
    connectors,
    logger,
    jobs,
    onAccessMayBegin: (em, memberIds, now) => delivery!.deliver(em, { memberIds, now }),
  });
  const syncJobs = new SyncJobs(orm, engine, logger);
  await syncJobs.start(jobs.boss);
  const services = createServices(config, secrets, jobs, limiter, logger, {
    connectors,
    runner: engine,
    dispatcher: syncJobs,
  });
  delivery = services.credentialDelivery;
  await jobs.workMail((messageId) => services.mail.deliver(orm.em.fork(), messageId));
  await jobs.workCredentialDelivery(() => services.credentialDelivery.deliverDue(orm.em.fork()));
  const metrics = createMetrics();
  const schema = await buildLanyardSchema({
    pubSub,
    onHookError: (err) => logger.error({ err }, 'after-commit hook failed'),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = createServer(app);
  const formatError = createFormatError(logger, config.graphql.exposeInternalErrors);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { ctx?: GqlContext }>(
    {
      schema,
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError('Syntax error')];
        }
        const errors = validate(schema, document, specifiedRules);
        if (errors.length) return errors;
        const limitError = checkOperationLimits(
          schema,
          document,
          payload.variables,
          payload.operationName,
          config.graphql,
        );
        return limitError ? [limitError] : undefined;
      },
      // Subscription errors get the same codes and redaction as HTTP ones.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e) as never) }
          : result,
      context: async (ctx) => {
        const em = orm.em.fork();
        const req = ctx.extra.request;
        const params = ctx.connectionParams ?? {};
        const headers = { ...req.headers };
        if (typeof params.authorization === 'string') headers.authorization = params.authorization;
        else if (req.headers.origin && !sameOrigin(req.headers.origin, config.publicUrl, req.headers.host)) {
          delete headers.cookie; // cookies only from our own pages (cross-site WebSocket hijacking)
        }
        const auth = await authenticate(em, services, headers, { requireCsrf: false });
        return baseContext(
          em,
          services,
          auth.actor,
          false,
          req.socket.remoteAddress ?? null,
          req.headers['user-agent'] ?? null,
        );
      },
    },
    wsServer,
  );

  const metricsPlugin: ApolloServerPlugin<GqlContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          metrics.graphqlOperations.inc({
            type: operation?.operation ?? 'unknown',
            outcome: errors?.length ? 'error' : 'ok',
          });
        },
        async didEncounterErrors({ errors }) {
          for (const e of errors)
            metrics.graphqlErrors.inc({ code: String(e.extensions?.code ?? 'UNKNOWN') });
        },
      };
    },
  };

  const apollo = new ApolloServer<GqlContext>({
    schema,
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    formatError,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      limitsPlugin(() => schema, config.graphql),
      metricsPlugin,
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use((req, res, next) => {
    const end = metrics.httpRequests.startTimer({ method: req.method });
    res.on('finish', () => end({ route: routeLabel(req.path), status: String(res.statusCode) }));
    next();
  });
  app.get('/healthz', async (_req, res) => {
    try {
      await Promise.race([
        pool.query('select 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
      ]);
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  app.get('/radius/ca.crt', radiusCaHandler(config.dataDir));
  app.get('/metrics', async (_req, res) => {
    let text = await metrics.registry.metrics();
    // The RADIUS worker's counters (packets, drops, decisions) appear here too, when it runs.
    if (opts.radiusMetricsUrl) {
      text += await fetch(opts.radiusMetricsUrl, { signal: AbortSignal.timeout(2000) })
        .then((r) => (r.ok ? r.text() : ''))
        .catch(() => '');
    }
    res.type(metrics.registry.contentType).send(text);
  });
  app.use(
    webhookRouter({
      orm,
      secrets,
      connectors,
      runner: engine,
      dispatcher: syncJobs,
      logger,
      deliveries: metrics.webhookDeliveries,
      unverified: metrics.webhookUnverified,
    }),
  );
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const em = orm.em.fork();
        const auth = await authenticate(em, services, req.headers, { requireCsrf: true });
        return {
          ...baseContext(
            em,
            services,
            auth.actor,
            auth.csrfFailed,
            req.ip ?? null,
            req.get('user-agent') ?? null,
          ),
          req,
          res,
        };
      },
    }),
  );
  mountProfileDownloads(app, orm, services);
  mountStaticApps(app);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  logger.info({ port }, 'API listening');

  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    orm,
    services,
    async stop() {
      if (stopped) return;
      stopped = true;
      await apollo.stop();
      await closeServer(httpServer);
      await syncJobs.stop();
      await jobs
        .stop()
        .catch((err) => logger.warn({ err: (err as Error).message }, 'job system stop failed'));
      services.mail.close();
      await listener.stop();
      await pool.end();
      await orm.close(true);
    },
  };
}

function baseContext(
  em: GqlContext['em'],
  services: Services,
  actor: GqlContext['actor'],
  csrfFailed: boolean,
  ip: string | null,
  userAgent: string | null,
): GqlContext {
  return { em, actor, csrfFailed, ip, userAgent, req: null, res: null, services, tx: null, audit: {} };
}

function sameOrigin(origin: string, publicUrl: string, host: string | undefined): boolean {
  try {
    const o = new URL(origin);
    return o.origin === new URL(publicUrl).origin || o.host === host;
  } catch {
    return false;
  }
}

function routeLabel(path: string): string {
  if (path.startsWith('/graphql')) return '/graphql';
  if (path.startsWith('/admin')) return '/admin';
  if (path.startsWith('/portal-api')) return '/portal-api';
  if (path.startsWith('/portal')) return '/portal';
  if (path.startsWith('/webhooks')) return '/webhooks';
  return ['/healthz', '/metrics', '/'].includes(path) ? path : 'other';
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

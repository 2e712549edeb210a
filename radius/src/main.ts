/**
 * The RADIUS worker process (started by `npm start`, or on its own — several per host and several
 * hosts are fine). With RADIUS_WORKERS > 1 (default: one per core) a primary forks that many
 * workers sharing the UDP ports, restarts any that die, and serves their merged /metrics.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { pino } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { loadRadiusConfig, RadiusConfigError, type RadiusConfig } from './config.js';
import { loadEapCertificate } from './eap/server-certificate.js';
import { randomBytes } from 'node:crypto';
import {
  LoopbackRouter,
  ROUTE_KEY_ENV,
  isRouterAnnouncement,
  isRouterTable,
  ownerTagFor,
  publishRouterTable,
  type RouterAnnouncement,
  type RouterTable,
} from './server/eap-routing.js';
import { startRadiusWorker, type WorkerOptions } from './worker.js';
import { nodeFlagGiven, radiusWorkerExecArgv } from '@lanyard/api/radius-node-flags';

// With a large heap limit V8 lets the old generation grow to ~4× what is live before a full GC:
// with 100,000 members (~115 MB live) a worker then sits at 420–530 MB RSS after a reload, a NOTIFY
// burst or some load, most of it garbage (bench/memory.bench.ts). At 1.5× it stays under 300 MB,
// with no hard limit (unlike --max-old-space-size). V8 reads this flag at every GC, so setting it
// here works; one given on the command line or in NODE_OPTIONS wins.
if (!nodeFlagGiven('--heap-growing-percent')) setFlagsFromString('--heap-growing-percent=50');

let config: RadiusConfig;
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
let stopping = false;

if (cluster.isPrimary && config.workers > 1) {
  // Generate the EAP certificate once, before the workers read it.
  loadEapCertificate(config.eap, config.dataDir);
  const aggregator = new AggregatorRegistry();
  const routeKey = randomBytes(16).toString('hex');
  const fork = () => cluster.fork({ RADIUS_METRICS_PORT: '-1', [ROUTE_KEY_ENV]: routeKey });
  // Where each worker's EAP router listens, told to every worker whenever it changes.
  const routers = new Map<number, number>();
  const publish = () => {
    const table: RouterTable = {
      type: 'lanyard-radius-eap-routers',
      ports: [...routers].map(([id, port]) => [ownerTagFor(id), port]),
    };
    void publishRouterTable(Object.values(cluster.workers ?? {}), table);
  };
  cluster.on('message', (from, msg: unknown) => {
    if (!isRouterAnnouncement(msg)) return;
    routers.set(from.id, msg.port);
    publish();
  });
  cluster.on('exit', (w) => {
    if (routers.delete(w.id) && !stopping) publish();
  });
  cluster.setupPrimary({ execArgv: radiusWorkerExecArgv(process.execArgv) });
  for (let i = 0; i < config.workers; i++) fork();
  // Workers that die right after starting (port taken, database refused) come back after a
  // growing pause, so a broken setup does not turn into a fork loop hammering Postgres.
  let quickDeaths = 0;
  let lastDeath = 0;
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    quickDeaths = now - lastDeath < 60_000 ? quickDeaths + 1 : 0;
    lastDeath = now;
    const delay = Math.min(60_000, 500 * 2 ** quickDeaths);
    logger.warn(
      { pid: w.process.pid, code, signal, restartInMs: delay },
      'RADIUS worker died; starting another',
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  });
  if (config.metricsPort >= 0) {
    createServer((req, res) => {
      if (req.url === '/metrics') {
        aggregator.clusterMetrics().then(
          (text) => res.writeHead(200, { 'content-type': aggregator.contentType }).end(text),
          () => res.writeHead(503).end(),
        );
      } else if (req.url === '/healthz') {
        const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead()).length;
        res
          .writeHead(alive > 0 ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: alive > 0 ? 'ok' : 'down', workers: alive }));
      } else res.writeHead(404).end();
    }).listen(config.metricsPort, '127.0.0.1');
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {});
      let left = workers.length;
      if (left === 0) process.exit(0);
      setTimeout(() => process.exit(1), 12_000).unref();
      for (const w of workers) {
        w?.once('exit', () => {
          if (--left === 0) {
            logger.info({ signal }, 'RADIUS workers stopped');
            process.exit(0);
          }
        });
        w?.process.kill('SIGTERM');
      }
    });
  }
} else {
  let options: WorkerOptions = {};
  let router: LoopbackRouter | null = null;
  if (cluster.isWorker) {
    router = new LoopbackRouter(
      Buffer.from(process.env[ROUTE_KEY_ENV] ?? randomBytes(16).toString('hex'), 'hex'),
    );
    const r = router;
    options = {
      eapRouting: {
        ownTag: ownerTagFor(cluster.worker!.id),
        forward: (tag, msg, rinfo) => r.forward(tag, msg, rinfo),
      },
    };
    process.on('message', (msg: unknown) => {
      if (isRouterTable(msg)) r.setTable(msg);
    });
  }
  const worker = await startRadiusWorker(
    cluster.isWorker ? { ...config, metricsPort: -1 } : config,
    logger,
    options,
  );
  if (cluster.isWorker) {
    // prom-client answers the primary's metric requests only once an AggregatorRegistry exists here.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([worker.metricsRegistry]);
  }
  if (router) {
    const port = await router.start((msg, rinfo) => worker.injectAuth(msg, rinfo));
    process.send!({ type: 'lanyard-radius-eap-router', port } satisfies RouterAnnouncement);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      setTimeout(() => process.exit(1), 10_000).unref();
      router?.close();
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
}

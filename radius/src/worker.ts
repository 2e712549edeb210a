import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PgListener } from '@lanyard/api/pg-listener';
import { SecretBox } from '@lanyard/api/secret-box';
import { NotifyChannel, type MemberChangedPayload } from '@lanyard/schema';
import pg from 'pg';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { DisconnectSender } from './coa/disconnect-sender.js';
import { LeaderElection } from './coa/leader.js';
import { Revoker } from './coa/revoker.js';
import { SessionTracker } from './coa/session-tracker.js';
import type { RadiusConfig } from './config.js';
import { loadEapCertificate, type EapCertificate } from './eap/server-certificate.js';
import { createEapSecureContext } from './eap/tls-tunnel.js';
import { AccessHandler } from './handlers/access.handler.js';
import { AccountingHandler } from './handlers/accounting.handler.js';
import { EapHandler } from './handlers/eap.handler.js';
import { ttlsPapMethod } from './handlers/eap-ttls.handler.js';
import { peapMsChapV2Method } from './handlers/peap.handler.js';
import { STANDALONE_TAG } from './server/eap-routing.js';
import { UnboundMatcher } from './ppsk/matcher.js';
import { createRadiusMetrics } from './server/metrics.js';
import { RadiusServer, type EapRouting } from './server/radius-server.js';
import { SnapshotLoader } from './snapshot/loader.js';
import { DEFAULT_RELOAD_RETRY, ReloadRetry, type ReloadRetryOptions } from './snapshot/reload-retry.js';
import { Snapshot } from './snapshot/snapshot.js';
import { Journal } from './store/journal.js';
import { WriteStore, type AccountingRecord } from './store/write-store.js';

export interface RadiusWorker {
  authPort: number;
  acctPort: number;
  metricsPort: number | null;
  snapshot: Snapshot;
  metricsRegistry: Registry;
  /** Closes sessions without accounting for three interim intervals (also run every minute). */
  closeStaleSessions(): Promise<number>;
  /** Resolves once every change NOTIFYed so far has been applied to the snapshot. */
  settled(): Promise<void>;
  /** The PEAP/TTLS server certificate (and the generated CA members' devices trust). */
  eapCertificate: EapCertificate;
  /** Handles a datagram another cluster worker received for one of our EAP conversations. */
  injectAuth(msg: Buffer, rinfo: import('node:dgram').RemoteInfo): void;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** This worker's tag in EAP States, and how to reach the owner of another tag (cluster mode). */
  eapRouting?: EapRouting;
  /** Backoff of the full reload after a reconnect (tests shorten it). */
  reloadRetry?: ReloadRetryOptions;
  /** Builds the snapshot loader (tests wrap it to make loads fail). */
  createLoader?: (...args: ConstructorParameters<typeof SnapshotLoader>) => SnapshotLoader;
}

/**
 * Starts one RADIUS worker: loads the snapshot (retrying until Postgres answers), keeps it fresh
 * from NOTIFY (full reload after a reconnect, retried until it succeeds), and serves auth, accounting and /metrics.
 */
export async function startRadiusWorker(
  config: RadiusConfig,
  logger: Logger,
  options: WorkerOptions = {},
): Promise<RadiusWorker> {
  // Certificate problems are configuration problems: fail before touching the database.
  const eapCertificate = loadEapCertificate(config.eap, config.dataDir);
  const eapContext = createEapSecureContext(eapCertificate);
  // Bounded waits: a black-holed database must fail fast so accounting goes to the journal.
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: 4,
    application_name: 'lanyard-radius',
    connectionTimeoutMillis: 2000,
    statement_timeout: 10_000,
    keepAlive: true,
  });
  pool.on('error', (err) => logger.warn({ err: err.message }, 'pool error'));
  const secrets = SecretBox.fromHex(config.secretKeyHex);
  const snapshot = new Snapshot();
  const loader = (options.createLoader ?? ((...args) => new SnapshotLoader(...args)))(
    pool,
    secrets,
    snapshot,
  );
  const metrics = createRadiusMetrics();
  const sessions = new SessionTracker();
  const store = new WriteStore(pool, new Journal<AccountingRecord>(config.journalDir, 'accounting'), logger, {
    repeatWindowMs: config.authEventRepeatWindowSeconds * 1000,
  });
  metrics.authEventSource.stats = store.stats;
  metrics.stateSource.members = () => snapshot.memberCount;
  metrics.stateSource.nasClients = () => snapshot.nasById.size;
  metrics.stateSource.openSessions = () => sessions.size;
  // ~100 full scans/s fit in one thread at 10,000 keys (bench/ppsk.bench.ts): stay well below.
  const matcher = new UnboundMatcher({ globalScansPerSecond: 40 });
  const access = new AccessHandler(snapshot, matcher, store, {
    maxSessionTimeoutSeconds: config.maxSessionTimeoutSeconds,
    acctInterimIntervalSeconds: config.acctInterimIntervalSeconds,
  });
  const accounting = new AccountingHandler(snapshot, store, sessions);
  const sender = new DisconnectSender(pool, logger);
  const revoker = new Revoker(
    snapshot,
    sessions,
    access,
    sender,
    logger,
    pool,
    3 * config.acctInterimIntervalSeconds,
  );
  const leadership = new LeaderElection(config.databaseUrl, logger, (leader) => revoker.setActive(leader));
  const eap = new EapHandler(access, () => eapContext, {
    methods: [
      // PEAP first: Windows' default; a peer that wants TTLS answers with a Nak.
      peapMsChapV2Method(snapshot, config.eap.serverName, (member, ctx) => access.decide(member, ctx.nas)),
      ttlsPapMethod(snapshot),
    ],
    fragmentSize: config.eap.fragmentSize,
    maxSessions: config.eap.maxSessions,
    idleMs: config.eap.idleSeconds * 1000,
    ownerTag: options.eapRouting?.ownTag ?? STANDALONE_TAG,
  });
  metrics.observeEapSessions(eap.sessions);
  const server = new RadiusServer(
    snapshot,
    access,
    accounting,
    metrics,
    logger,
    eap,
    options.eapRouting ?? null,
  );

  // Member changes arrive in bursts (a sync touches thousands): coalesce them for a few ms.
  let pendingMembers = new Set<string>();
  // Changes NOTIFYed while the first load runs wait for it (LISTEN starts before the load).
  let initialLoaded!: () => void;
  let applying: Promise<void> = new Promise<void>((resolve) => (initialLoaded = resolve));
  let scheduled: NodeJS.Timeout | null = null;
  const applyPending = () => {
    scheduled = null;
    const ids = [...pendingMembers];
    pendingMembers = new Set();
    applying = applying.then(async () => {
      try {
        const previous = new Map(ids.map((id) => [id, snapshot.members.get(id)]));
        const fresh = await loader.loadMembers(ids);
        for (const [id, entry] of fresh) await revoker.memberChanged(id, previous.get(id), entry);
      } catch (err) {
        logger.warn({ err: (err as Error).message, members: ids.length }, 'member reload failed; will retry');
        for (const id of ids) pendingMembers.add(id);
        scheduled ??= setTimeout(applyPending, 1000);
      }
    });
  };
  const listener = new PgListener(config.databaseUrl, logger);
  listener.on(NotifyChannel.memberChanged, (raw) => {
    try {
      const msg = JSON.parse(raw) as MemberChangedPayload;
      if (typeof msg.memberId !== 'string') return;
      pendingMembers.add(msg.memberId);
      scheduled ??= setTimeout(applyPending, 5);
    } catch {
      // not ours
    }
  });
  listener.on(NotifyChannel.configChanged, () => {
    applying = applying.then(() =>
      loader.loadConfig().catch((err: Error) => logger.warn({ err: err.message }, 'config reload failed')),
    );
  });
  // NOTIFYs were missed while disconnected: reload everything, in turn with member changes.
  const fullReload = new ReloadRetry(
    () => {
      const run = applying.then(async () => {
        await loader.loadAll();
        await sessions.load(pool);
        revoker.snapshotReloaded();
        logger.info({ members: snapshot.memberCount }, 'snapshot reloaded after reconnect');
      });
      applying = run.catch(() => undefined);
      return run;
    },
    logger,
    options.reloadRetry ?? DEFAULT_RELOAD_RETRY,
  );
  metrics.stateSource.reloadFailures = () => fullReload.consecutiveFailures;
  listener.onReconnect(() => void fullReload.run());
  for (let attempt = 0; ; attempt++) {
    try {
      if (!listener.connected) await listener.start();
      await loader.loadAll();
      await sessions.load(pool);
      break;
    } catch (err) {
      const delay = Math.min(10_000, 250 * 2 ** attempt);
      logger.warn({ err: (err as Error).message, delay }, 'snapshot load failed; retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  logger.info({ members: snapshot.memberCount, nasClients: snapshot.nasById.size }, 'snapshot loaded');
  initialLoaded();
  await store.start();
  await sender.start();
  revoker.start();
  await leadership.start();
  const ports = await server.listen(config.host, config.authPort, config.acctPort);

  let http: Server | null = null;
  let metricsPort: number | null = null;
  if (config.metricsPort >= 0) {
    http = createServer((req, res) => {
      if (req.url === '/metrics') {
        void metrics.registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        });
      } else if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'ok',
            members: snapshot.memberCount,
            listenerConnected: listener.connected,
          }),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => http!.listen(config.metricsPort, '127.0.0.1', () => resolve()));
    metricsPort = (http.address() as AddressInfo).port;
  }
  logger.info(
    {
      ...ports,
      metricsPort,
      eapCertificate: eapCertificate.source,
      eapCertificateSha256: eapCertificate.fingerprint256,
      eapCaSha256: eapCertificate.caFingerprint256,
      eapCaFile: eapCertificate.source === 'generated' ? `${config.dataDir}/eap/ca.pem` : undefined,
    },
    'RADIUS worker listening',
  );

  return {
    ...ports,
    metricsPort,
    snapshot,
    metricsRegistry: metrics.registry,
    closeStaleSessions: () => revoker.closeStale(),
    eapCertificate,
    injectAuth: (msg, rinfo) => server.injectAuth(msg, rinfo),
    async settled() {
      while (scheduled || pendingMembers.size) await new Promise((r) => setTimeout(r, 5));
      await applying;
    },
    async stop() {
      fullReload.stop();
      revoker.stop();
      await leadership.stop();
      await server.close();
      eap.closeAll();
      await sender.stop();
      await store.stop();
      await listener.stop();
      await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
      await pool.end();
    },
  };
}

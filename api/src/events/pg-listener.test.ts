/**
 * PgListener against a real database: its connection is killed (pg_terminate_backend), also while
 * it is reconnecting, and the server is made unreachable for a while (a small TCP proxy in front of
 * Postgres that the test stops and starts). It must come back every time, LISTEN again, and call
 * the onReconnect handlers.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createLogger } from '../common/logger.js';
import { createTestDatabase, type TestDatabase } from '../db/test-support/test-database.js';
import { PgListener } from './pg-listener.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
let db: TestDatabase;
let admin: pg.Client;

before(async () => {
  db = await createTestDatabase();
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
});
after(async () => {
  await admin.end();
  await db.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Kills every listener connection to this test database; returns how many it killed. */
async function terminateListeners(): Promise<number> {
  const r = await admin.query(
    `select pg_terminate_backend(pid) from pg_stat_activity
     where application_name = 'lanyard-listener' and datname = current_database()`,
  );
  return r.rowCount ?? 0;
}

async function listenerBackends(): Promise<number> {
  const r = await admin.query(
    `select count(*)::int n from pg_stat_activity
     where application_name = 'lanyard-listener' and datname = current_database()`,
  );
  return r.rows[0].n;
}

/** NOTIFYs until `received` grows (a NOTIFY sent while the listener is away is simply missed). */
async function assertDelivery(channel: string, received: string[]): Promise<void> {
  const payload = `p-${Math.random().toString(36).slice(2)}`;
  await admin.query('select pg_notify($1, $2)', [channel, payload]);
  await waitFor(`delivery on ${channel}`, () => received.includes(payload), 5_000);
}

/** A TCP proxy to the database server that can refuse connections and cut the open ones. */
class Proxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  accepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      this.accepted++;
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Refuses new connections and cuts every open one. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function viaProxy(url: string, proxy: Proxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

describe('PgListener', () => {
  it('comes back after its backend is terminated, again and again, and re-LISTENs', async () => {
    const listener = new PgListener(db.url, logger, { minDelayMs: 20, maxDelayMs: 200 });
    const received: string[] = [];
    let reconnects = 0;
    listener.on('lanyard_test_a', (p) => received.push(p));
    listener.onReconnect(() => reconnects++);
    await listener.start();
    try {
      await assertDelivery('lanyard_test_a', received);
      for (let round = 1; round <= 3; round++) {
        assert.equal(await terminateListeners(), 1, `round ${round}: one listener backend`);
        await waitFor(`reconnect ${round}`, () => reconnects >= round);
        await assertDelivery('lanyard_test_a', received);
      }
      assert.equal(reconnects, 3);
    } finally {
      await listener.stop();
    }
  });

  it('keeps retrying while the server is unreachable or its connections are killed while reconnecting', async () => {
    const target = new URL(db.url);
    const proxy = new Proxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const listener = new PgListener(viaProxy(db.url, proxy), logger, { minDelayMs: 20, maxDelayMs: 100 });
    const received: string[] = [];
    let reconnects = 0;
    listener.on('lanyard_test_b', (p) => received.push(p));
    listener.onReconnect(() => reconnects++);
    await listener.start();
    try {
      await assertDelivery('lanyard_test_b', received);

      // 1. The server goes away: every reconnect attempt fails for a while (well past the first).
      await proxy.stop();
      await waitFor('the listener to notice', () => !listener.connected);
      await sleep(600);
      assert.equal(reconnects, 0);
      // A channel subscribed while disconnected is LISTENed on the next connection.
      const late: string[] = [];
      listener.on('lanyard_test_late', (p) => late.push(p));
      await proxy.start(); // same port
      await waitFor('reconnect after the outage', () => reconnects >= 1);
      assert.ok(listener.connected);
      await assertDelivery('lanyard_test_b', received);
      await assertDelivery('lanyard_test_late', late);

      // 2. Kill its connections over and over, including those it opens while reconnecting
      //    (some die during connect or LISTEN), then let it be.
      const before = reconnects;
      const acceptedBefore = proxy.accepted;
      let killed = 0;
      const until = Date.now() + 1_500;
      while (Date.now() < until) {
        killed += await terminateListeners();
        await sleep(5);
      }
      assert.ok(killed >= 2, `killed ${killed} connections`);
      assert.ok(proxy.accepted - acceptedBefore >= 2, 'it kept reconnecting while being killed');
      await waitFor('reconnect after the kills', async () => listener.connected && reconnects > before);
      await assertDelivery('lanyard_test_b', received);
      await assertDelivery('lanyard_test_late', late);
      assert.equal(await listenerBackends(), 1, 'exactly one listener connection remains');
    } finally {
      await listener.stop();
      await proxy.stop();
    }
  });

  it('stops retrying once stopped', async () => {
    const target = new URL(db.url);
    const proxy = new Proxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const listener = new PgListener(viaProxy(db.url, proxy), logger, { minDelayMs: 20, maxDelayMs: 50 });
    let reconnects = 0;
    listener.on('lanyard_test_c', () => undefined);
    listener.onReconnect(() => reconnects++);
    await listener.start();
    await proxy.stop();
    await waitFor('the listener to notice', () => !listener.connected);
    await listener.stop();
    await proxy.start();
    const accepted = proxy.accepted;
    await sleep(400);
    await proxy.stop();
    assert.equal(proxy.accepted, accepted, 'no connection attempts after stop()');
    assert.equal(reconnects, 0);
    assert.equal(await listenerBackends(), 0);
  });
});

/**
 * Throwaway databases for integration tests.
 *
 * With DATABASE_URL set (e.g. postgres://postgres@127.0.0.1:5432/test), each database is created
 * on that server. Otherwise ONE embedded PostgreSQL is started per test process (in a temporary
 * directory, lazily, on first use) and every database is created inside it; it is stopped and its
 * directory removed when the process exits. The embedded server does not keep the process alive,
 * so test files need no global teardown — but they must close their own pools.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../embedded-postgres.js';

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Terminates remaining connections and drops the database; idempotent. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = await adminUrl();
  const name = `lanyard_test_${randomBytes(8).toString('hex')}`;
  await withAdminClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`),
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () =>
      (dropping ??= withAdminClient(serverUrl, async (client) => {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      })),
  };
}

// ---------------------------------------------------------------------------------------------

interface SharedServer {
  handle: EmbeddedPostgresHandle;
  baseDir: string;
}

let shared: Promise<SharedServer> | undefined;

async function adminUrl(): Promise<string> {
  const external = process.env.DATABASE_URL?.trim();
  if (external) return external;
  shared ??= startSharedServer().catch((err: unknown) => {
    shared = undefined; // let a later test try again
    throw err;
  });
  return (await shared).handle.url;
}

async function startSharedServer(): Promise<SharedServer> {
  const baseDir = await mkdtemp(join(tmpdir(), 'lanyard-test-pg-'));
  let handle: EmbeddedPostgresHandle;
  try {
    handle = await startEmbeddedPostgres({ baseDir, database: 'postgres', unref: true });
  } catch (err) {
    await rm(baseDir, { recursive: true, force: true });
    throw err;
  }
  // Natural end of the test process: the event loop is empty (the server does not hold it open).
  process.once('beforeExit', () => {
    void handle
      .stop()
      .then(() => rm(baseDir, { recursive: true, force: true }))
      .catch(() => undefined);
  });
  // process.exit(): nothing asynchronous runs any more, so stop and wait synchronously (fast
  // shutdown of a test cluster takes a few tens of milliseconds).
  process.once('exit', () => {
    void handle.stop(); // signals the server synchronously
    const pidFile = join(handle.dataDir, 'postmaster.pid');
    const deadline = Date.now() + 5_000;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (existsSync(pidFile) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
    if (!existsSync(pidFile)) rmSync(baseDir, { recursive: true, force: true });
  });
  return { handle, baseDir };
}

/** Runs `fn` with a client on the server's own database, or on `postgres` if that one is missing. */
async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  let client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // invalid_catalog_name
    const fallback = new URL(serverUrl);
    fallback.pathname = '/postgres';
    client = new pg.Client({ connectionString: fallback.toString() });
    await client.connect();
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

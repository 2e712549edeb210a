/**
 * Starts a real API (real Postgres, real HTTP) on a random port against a throwaway database, and
 * talks GraphQL to it the way clients do. One per test file: every test worker has its own database.
 */
import { randomBytes } from 'node:crypto';
import type { Options } from '@mikro-orm/postgresql';
import { startApi, type LanyardApi } from '../app.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { createTestDatabase, type TestDatabase } from '../db/test-support/test-database.js';
import type { ConnectorRegistry } from '../integrations/registry.js';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors: Array<{ message: string; extensions?: Record<string, any> }> | undefined;
  headers: Headers;
}

export interface TestApi {
  url: string;
  db: TestDatabase;
  api: LanyardApi;
  secretKey: string;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    opts?: { token?: string; headers?: Record<string, string> },
  ): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export async function startTestApi(
  opts: {
    db?: TestDatabase;
    secretKey?: string;
    env?: Record<string, string>;
    orm?: Partial<Options>;
    /** Upstream connectors (defaults to the real Nexudus and Andcards ones). */
    connectors?: ConnectorRegistry;
  } = {},
): Promise<TestApi> {
  const db = opts.db ?? (await createTestDatabase());
  const secretKey = opts.secretKey ?? randomBytes(32).toString('hex');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    LANYARD_SECRET_KEY: secretKey,
    ...opts.env,
  });
  const api = await startApi(config, db.url, secretKey, createLogger(config.logLevel), {
    orm: opts.orm,
    connectors: opts.connectors,
  });
  const url = api.url;
  return {
    url,
    db,
    api,
    secretKey,
    async gql(query, variables, o = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(o.headers ?? {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: GqlResult['errors'] };
      return { status: res.status, data: body.data ?? null, errors: body.errors, headers: res.headers };
    },
    async stop() {
      await api.stop();
      if (!opts.db) await db.drop();
    },
  };
}

/** The error code of the first error, for assertions on codes rather than text. */
export const codeOf = (r: GqlResult): string | undefined => r.errors?.[0]?.extensions?.code;

/** Fails loudly when an operation that should succeed did not. */
export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}

export async function waitFor<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError, UpstreamErrorCode, type StoredCredentials } from '../connector.js';
import { NexudusClient, Pacer, retryAfterMs } from './nexudus.client.js';

type Nx = Extract<StoredCredentials, { kind: 'NEXUDUS' }>;
const ACCESS = 'access-SECRET-token';
const REFRESH = 'refresh-SECRET-token';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

/** A fake upstream: `answer` decides each response; every call is recorded. */
function setup(answer: (call: Call, n: number) => Response | Promise<Response>, initial: Partial<Nx> = {}) {
  const calls: Call[] = [];
  const saved: Nx[] = [];
  let stored: Nx = {
    kind: 'NEXUDUS',
    accessToken: ACCESS,
    refreshToken: REFRESH,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    ...initial,
  };
  const sleeps: number[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    const call: Call = {
      url: String(url),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined,
      signal: init?.signal ?? undefined,
    };
    calls.push(call);
    init?.signal?.throwIfAborted();
    return answer(call, calls.length);
  }) as typeof fetch;
  const client = new NexudusClient({
    baseUrl: 'https://nexudus.test/',
    fetchImpl,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    pageSize: 2,
    timeoutMs: 200,
    credentials: {
      load: () => Promise.resolve(stored),
      save: (c) => {
        stored = c as Nx;
        saved.push(c as Nx);
        return Promise.resolve();
      },
    },
  });
  return { client, calls, saved, sleeps, setStored: (c: Nx) => (stored = c) };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const envelope = (records: unknown[], page: number, totalItems: number, size = 2) => ({
  Records: records,
  CurrentPage: page,
  CurrentPageSize: size,
  TotalItems: totalItems,
  TotalPages: Math.ceil(totalItems / size),
});
const tokenAnswer = (n: number) =>
  json({
    access_token: `new-access-${n}`,
    refresh_token: `new-refresh-${n}`,
    expires_in: 3600,
    token_type: 'bearer',
  });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    assert.ok(err instanceof UpstreamError, String(err));
    for (const s of [ACCESS, REFRESH]) assert.ok(!`${err.message}${JSON.stringify(err.details)}`.includes(s));
    return err.code;
  }
}

test('Retry-After: seconds, HTTP date, or a 429 body "Wait N seconds"', () => {
  const now = Date.parse('2025-01-20T12:00:00Z');
  assert.equal(retryAfterMs('3', '', now), 3000);
  assert.equal(retryAfterMs('Mon, 20 Jan 2025 12:00:05 GMT', '', now), 5000);
  assert.equal(retryAfterMs(null, 'Wait 7 seconds', now), 7000);
  assert.equal(retryAfterMs(null, '', now), null);
});

test('list: pages are read until TotalPages with page/size and a bearer token', async () => {
  const { client, calls } = setup((call) => {
    const page = Number(new URL(call.url).searchParams.get('page'));
    return json(envelope(page === 1 ? [{ Id: 1 }, { Id: 2 }] : [{ Id: 3 }], page, 3));
  });
  const rows = await client.list('/api/spaces/coworkers', { Coworker_Active: true });
  assert.deepEqual(rows, [{ Id: 1 }, { Id: 2 }, { Id: 3 }]);
  assert.equal(calls.length, 2);
  const u = new URL(calls[1].url);
  assert.equal(u.pathname, '/api/spaces/coworkers');
  assert.equal(u.searchParams.get('size'), '2');
  assert.equal(u.searchParams.get('Coworker_Active'), 'true');
  assert.equal(calls[0].headers.authorization, `Bearer ${ACCESS}`);
});

test('list: once page 1 has said how many, the other pages are asked together; records in page order', async () => {
  // 7 records, 2 a page: pages 2–4 wait for one another, then answer last-first
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let waiting = 0;
  const { client, calls } = setup(async (call) => {
    const page = Number(new URL(call.url).searchParams.get('page'));
    const records = [1, 2].map((k) => ({ Id: (page - 1) * 2 + k })).filter((r) => r.Id <= 7);
    if (page > 1) {
      if (++waiting === 3) release(); // all three pages are in flight together
      await gate;
      await new Promise((r) => setTimeout(r, (5 - page) * 5)); // page 4 answers first
    }
    return json(envelope(records, page, 7));
  });
  const rows = await client.list('/api/spaces/coworkers');
  assert.deepEqual(
    rows.map((r) => r.Id),
    [1, 2, 3, 4, 5, 6, 7],
  );
  assert.equal(calls.length, 4);
});

test('list: a page that fails fails the list and aborts the pages still running', async () => {
  const { client, calls } = setup((call) => {
    const page = Number(new URL(call.url).searchParams.get('page'));
    if (page === 1) return json(envelope([{ Id: 1 }, { Id: 2 }], 1, 8));
    if (page === 2) return json({ Message: 'no' }, 400);
    // pages 3 and 4 never answer on their own
    return new Promise<Response>((_resolve, reject) => {
      call.signal?.addEventListener('abort', () => reject(call.signal?.reason));
    });
  });
  const keepAlive = setTimeout(() => undefined, 10_000);
  try {
    assert.equal(await codeOf(client.list('/api/spaces/coworkers')), UpstreamErrorCode.REJECTED);
  } finally {
    clearTimeout(keepAlive);
  }
  const pending = calls.filter((c) => ['3', '4'].includes(new URL(c.url).searchParams.get('page') ?? ''));
  assert.equal(pending.length, 2);
  assert.ok(pending.every((c) => c.signal?.aborted));
});

test('Pacer: at most `limit` starts per window, first come first served', async () => {
  let now = 0;
  const pacer = new Pacer(10, 100, {
    now: () => now,
    wait: (ms) => {
      now += ms; // the clock moves while waiting
      return Promise.resolve();
    },
  });
  const started: number[] = [];
  await Promise.all(Array.from({ length: 25 }, (_, i) => pacer.take().then(() => (started[i] = now))));
  assert.deepEqual(started, [...Array(10).fill(0), ...Array(10).fill(100), ...Array(5).fill(200)]);
});

test('list: an envelope that does not add up is MALFORMED', async () => {
  const cases: ((page: number) => unknown)[] = [
    (p) => envelope(p === 1 ? [{ Id: 1 }] : [{ Id: 3 }], p, 3), // short page before the last
    (p) => ({ ...envelope(p === 1 ? [{ Id: 1 }, { Id: 2 }] : [{ Id: 3 }], p, 3), CurrentPage: 1 }), // wrong page
    (p) => (p === 1 ? envelope([{ Id: 1 }, { Id: 2 }], 1, 3) : envelope([{ Id: 3 }, { Id: 4 }], 2, 5)), // totals moved
    (p) => ({ ...envelope(p === 1 ? [{ Id: 1 }, { Id: 2 }] : [{ Id: 3 }], p, 3), TotalItems: 4 }), // count mismatch
    () => ({ Records: 'x', TotalPages: 1 }),
    () => ({ Records: [{ Id: 1 }] }),
    () => [{ Id: 1 }],
    () => ({ Records: [1], TotalPages: 1, CurrentPage: 1 }),
  ];
  for (const body of cases) {
    const { client } = setup((call) => json(body(Number(new URL(call.url).searchParams.get('page')))));
    assert.equal(await codeOf(client.list('/api/spaces/teams')), UpstreamErrorCode.MALFORMED);
  }
  const { client } = setup(() => new Response('{"Records":[', { status: 200 }));
  assert.equal(await codeOf(client.list('/api/spaces/teams')), UpstreamErrorCode.MALFORMED);
});

test('refresh shortly before expiry, form-encoded, saved; 401 refreshes once; refused refresh → UNAUTHORIZED', async () => {
  const soon = new Date(Date.now() + 10_000).toISOString();
  const s = setup(
    (call, n) => (call.url.endsWith('/api/token') ? tokenAnswer(n) : json(envelope([], 1, 0))),
    {
      expiresAt: soon,
    },
  );
  await s.client.list('/api/sys/businesses');
  assert.equal(s.calls[0].method, 'POST');
  assert.equal(s.calls[0].headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(s.calls[0].body)), {
    grant_type: 'refresh_token',
    refresh_token: REFRESH,
  });
  assert.equal(s.saved.length, 1);
  assert.equal(s.calls[1].headers.authorization, 'Bearer new-access-1');

  // 401 → one refresh → retried; a second 401 → UNAUTHORIZED.
  let denied = 0;
  const t = setup((call, n) => {
    if (call.url.endsWith('/api/token')) return tokenAnswer(n);
    return denied++ < 1 ? json({ Message: 'denied' }, 401) : json(envelope([], 1, 0));
  });
  await t.client.list('/api/sys/businesses');
  assert.equal(t.saved.length, 1);
  const u = setup((call, n) => (call.url.endsWith('/api/token') ? tokenAnswer(n) : json({}, 401)));
  assert.equal(await codeOf(u.client.list('/api/sys/businesses')), UpstreamErrorCode.UNAUTHORIZED);
  assert.equal(u.calls.filter((c) => c.url.endsWith('/api/token')).length, 1);

  const v = setup((call) =>
    call.url.endsWith('/api/token') ? json({ error: 'invalid_grant' }, 400) : json({}, 401),
  );
  assert.equal(await codeOf(v.client.list('/api/sys/businesses')), UpstreamErrorCode.UNAUTHORIZED);
  assert.equal(v.saved.length, 0);
});

test('a refresh refused because another run already rotated the tokens uses the stored pair', async () => {
  const s = setup((call) => {
    if (call.url.endsWith('/api/token')) {
      s.setStored({
        kind: 'NEXUDUS',
        accessToken: 'other-run',
        refreshToken: 'other-refresh',
        expiresAt: '2999-01-01T00:00:00Z',
      });
      return json({ error: 'invalid_grant' }, 400);
    }
    return call.headers.authorization === 'Bearer other-run' ? json(envelope([], 1, 0)) : json({}, 401);
  });
  assert.deepEqual(await s.client.list('/api/sys/businesses'), []);
  assert.equal(s.saved.length, 0);
});

test('concurrent requests share one refresh', async () => {
  const s = setup(
    (call, n) => (call.url.endsWith('/api/token') ? tokenAnswer(n) : json(envelope([], 1, 0))),
    {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    },
  );
  await Promise.all([1, 2, 3, 4].map(() => s.client.list('/api/spaces/teams')));
  assert.equal(s.calls.filter((c) => c.url.endsWith('/api/token')).length, 1);
});

test('network errors and 5xx retried a little, then UNAVAILABLE; 404 by id is null; other 4xx REJECTED', async () => {
  const s = setup(() => Promise.reject(new TypeError('fetch failed')));
  assert.equal(await codeOf(s.client.list('/api/spaces/teams')), UpstreamErrorCode.UNAVAILABLE);
  assert.equal(s.calls.length, 3);
  assert.deepEqual(s.sleeps, [500, 1000]);

  const t = setup((_c, n) => (n < 3 ? new Response('oops', { status: 503 }) : json(envelope([], 1, 0))));
  assert.deepEqual(await t.client.list('/api/spaces/teams'), []);

  const u = setup(() => json({ Message: 'not found' }, 404));
  assert.equal(await u.client.getById('/api/spaces/coworkers', 5), null);
  assert.equal(await codeOf(u.client.list('/api/spaces/coworkers')), UpstreamErrorCode.REJECTED);
});

test('a request without an answer within the timeout → TIMEOUT', async () => {
  const s = setup(
    (call) =>
      // Never answers; rejects like fetch when the request's signal aborts.
      new Promise<Response>((_resolve, reject) => {
        call.signal?.addEventListener('abort', () => reject(call.signal?.reason));
      }),
  );
  // AbortSignal.timeout does not hold the event loop open; a real socket would.
  const keepAlive = setTimeout(() => undefined, 10_000);
  try {
    assert.equal(await codeOf(s.client.list('/api/spaces/teams')), UpstreamErrorCode.TIMEOUT);
  } finally {
    clearTimeout(keepAlive);
  }
});

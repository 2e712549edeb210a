import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStart, redeemMagicLink, requestMagicLink } from './magic-link';

const answer = (status: number, body: unknown) =>
  (async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })) as typeof fetch;

const errorCode = (code: string) =>
  answer(200, { data: null, errors: [{ message: 'x', extensions: { code } }] });

test('requestMagicLink sends the slug and email, and reports success', async () => {
  let sent: { query: string; variables: unknown } | null = null;
  let init: RequestInit | undefined;
  const fetchImpl = (async (_url: string, i: RequestInit) => {
    init = i;
    sent = JSON.parse(String(i.body));
    return new Response(JSON.stringify({ data: { requestMagicLink: { accepted: true } } }), { status: 200 });
  }) as unknown as typeof fetch;
  assert.deepEqual(await requestMagicLink('soho', 'ada@example.com', { fetch: fetchImpl }), { kind: 'sent' });
  assert.deepEqual(sent!.variables, { input: { locationSlug: 'soho', email: 'ada@example.com' } });
  assert.match(sent!.query, /requestMagicLink\(input: \$input\)\s*\{\s*accepted\s*\}/);
  assert.equal(init!.credentials, 'include');
  assert.equal((init!.headers as Record<string, string>)['content-type'], 'application/json');
});

test('a server without the operations: not available yet', async () => {
  const body = {
    errors: [
      { message: 'Unknown type "RequestMagicLinkInput".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      {
        message: 'Cannot query field "requestMagicLink" on type "Mutation".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ],
  };
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: answer(400, body) }), {
    kind: 'unavailable',
  });
});

test('other validation failures are not mistaken for a missing operation', async () => {
  const body = {
    errors: [
      { message: 'Field "x" must have a selection.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ],
  };
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: answer(400, body) }), {
    kind: 'failed',
    code: 'GRAPHQL_VALIDATION_FAILED',
  });
});

test('request errors map to outcomes by code', async () => {
  assert.deepEqual(await requestMagicLink('soho', 'x', { fetch: errorCode('VALIDATION_FAILED') }), {
    kind: 'invalid',
  });
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: errorCode('RATE_LIMITED') }), {
    kind: 'rateLimited',
  });
  assert.deepEqual(await requestMagicLink('nope', 'a@b.co', { fetch: errorCode('NOT_FOUND') }), {
    kind: 'unknownLocation',
  });
});

test('no GraphQL answer: network problem', async () => {
  const down = (async () => {
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: down }), { kind: 'network' });
  const proxyError = (async () => new Response('<html>502</html>', { status: 502 })) as typeof fetch;
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: proxyError }), { kind: 'network' });
});

test('redeem: the location on success, and each link problem by code', async () => {
  assert.deepEqual(
    await redeemMagicLink('t1', {
      fetch: answer(200, { data: { redeemMagicLink: { locationSlug: 'soho' } } }),
    }),
    {
      kind: 'ok',
      locationSlug: 'soho',
    },
  );
  assert.deepEqual(await redeemMagicLink('t2', { fetch: errorCode('MAGIC_LINK_EXPIRED') }), {
    kind: 'expired',
  });
  assert.deepEqual(await redeemMagicLink('t3', { fetch: errorCode('MAGIC_LINK_USED') }), { kind: 'used' });
  assert.deepEqual(await redeemMagicLink('t4', { fetch: errorCode('MAGIC_LINK_INVALID') }), {
    kind: 'invalid',
  });
});

test('redeem sends a token once per page, even when asked twice', async () => {
  let calls = 0;
  const f = (async () => {
    calls++;
    return new Response(JSON.stringify({ data: { redeemMagicLink: { locationSlug: 'soho' } } }));
  }) as typeof fetch;
  const [a, b] = await Promise.all([
    redeemMagicLink('once', { fetch: f }),
    redeemMagicLink('once', { fetch: f }),
  ]);
  assert.deepEqual(a, b);
  assert.equal(calls, 1);
});

test('start: branding, and whether the session belongs to this location', async () => {
  const location = {
    name: 'Soho',
    slug: 'soho',
    ssids: ['Lanyard'],
    logoUrl: null,
    primaryColor: null,
    accentColor: null,
  };
  assert.deepEqual(
    await loadStart('soho', { fetch: answer(200, { data: { portalLocation: location, me: null } }) }),
    {
      kind: 'ok',
      location,
      signedIn: false,
    },
  );
  assert.deepEqual(
    await loadStart('soho', {
      fetch: answer(200, { data: { portalLocation: location, me: { location: { slug: 'soho' } } } }),
    }),
    { kind: 'ok', location, signedIn: true },
  );
  assert.deepEqual(
    await loadStart('soho', {
      fetch: answer(200, { data: { portalLocation: location, me: { location: { slug: 'shoreditch' } } } }),
    }),
    { kind: 'ok', location, signedIn: false },
  );
  assert.deepEqual(
    await loadStart('nope', { fetch: answer(200, { data: { portalLocation: null, me: null } }) }),
    {
      kind: 'unknownLocation',
    },
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestMagicLink } from './magic-link';

const answer = (status: number, body: unknown) =>
  (async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })) as typeof fetch;

test('sends the slug and email, and reports success', async () => {
  let sent: { query: string; variables: unknown } | null = null;
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    sent = JSON.parse(String(init.body));
    return new Response(JSON.stringify({ data: { requestMagicLink: true } }), { status: 200 });
  }) as unknown as typeof fetch;
  assert.deepEqual(await requestMagicLink('soho', 'ada@example.com', { fetch: fetchImpl }), { kind: 'sent' });
  assert.deepEqual(sent!.variables, { input: { locationSlug: 'soho', email: 'ada@example.com' } });
  assert.match(sent!.query, /requestMagicLink\(input: \$input\)/);
});

test('a server without the mutation: not available yet', async () => {
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

test('other validation failures are not mistaken for a missing mutation', async () => {
  const body = {
    errors: [
      {
        message: 'Field "requestMagicLink" must have a selection of subfields.',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ],
  };
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: answer(400, body) }), {
    kind: 'failed',
    code: 'GRAPHQL_VALIDATION_FAILED',
  });
});

test('domain errors map to outcomes', async () => {
  const invalid = {
    errors: [
      {
        message: 'x',
        extensions: {
          code: 'VALIDATION_FAILED',
          problems: [{ field: 'email', code: 'INVALID_EMAIL', message: 'is not an email address' }],
        },
      },
    ],
  };
  assert.deepEqual(await requestMagicLink('soho', 'x', { fetch: answer(200, invalid) }), {
    kind: 'invalid',
    problems: [{ field: 'email', message: 'is not an email address' }],
  });
  assert.deepEqual(
    await requestMagicLink('soho', 'a@b.co', {
      fetch: answer(200, { errors: [{ message: 'x', extensions: { code: 'RATE_LIMITED' } }] }),
    }),
    {
      kind: 'rateLimited',
    },
  );
});

test('no GraphQL answer: network problem', async () => {
  const down = (async () => {
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: down }), { kind: 'network' });
  const proxyError = (async () => new Response('<html>502</html>', { status: 502 })) as typeof fetch;
  assert.deepEqual(await requestMagicLink('soho', 'a@b.co', { fetch: proxyError }), { kind: 'network' });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { codeOf, ok, startTestApi, type TestApi } from '../test-support/api-harness.js';
import { createLocation, createMember, setupOwner } from '../test-support/factories.js';

let t: TestApi;
let owner: string;
before(async () => {
  t = await startTestApi({ env: { GRAPHQL_MAX_COST: '1000' } });
  owner = await setupOwner(t);
});
after(() => t.stop());

const problemCodes = (r: { errors?: Array<{ extensions?: Record<string, any> }> }): string[] =>
  (r.errors?.[0]?.extensions?.problems ?? []).map((p: { code: string }) => p.code);

describe('arguments are checked before any resolver runs', () => {
  it('ids that this API never handed out are refused, not passed to the database', async () => {
    for (const query of [
      `{ member(id: "x") { id } }`,
      `{ location(id: "1; drop table member") { id } }`,
      `{ members(filter: { groupId: "nope" }) { totalCount } }`,
      `{ nasClients(locationId: "123") { id } }`,
    ]) {
      const r = await t.gql(query, {}, { token: owner });
      assert.equal(codeOf(r), 'VALIDATION_FAILED', query);
      assert.deepEqual(problemCodes(r), ['INVALID_ID'], query);
    }
  });

  it('NUL characters are refused everywhere, including the public login', async () => {
    const login = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { token } }`, {
      i: { email: 'a\u0000@b.co', password: 'x' },
    });
    assert.deepEqual(problemCodes(login), ['NUL_CHARACTER']);
    const search = await t.gql(
      `query($s: String) { members(filter: { search: $s }) { totalCount } }`,
      { s: 'a\u0000' },
      { token: owner },
    );
    assert.deepEqual(problemCodes(search), ['NUL_CHARACTER']);
  });

  it('dates outside years 1–9999 are refused', async () => {
    const loc = await createLocation(t, owner);
    const m = await createMember(t, owner, [loc.id]);
    const r = await t.gql(
      `mutation($i: CreateAccessGrantInput!) { createAccessGrant(input: $i) { accessGrant { id } } }`,
      {
        i: { memberId: m.id, kind: 'MANUAL', startsAt: '0000-01-01T00:00:00Z' },
      },
      { token: owner },
    );
    assert.equal(codeOf(r), 'VALIDATION_FAILED');
  });

  it('null on a field that cannot be cleared leaves it unchanged', async () => {
    const loc = await createLocation(t, owner);
    const r = ok(
      await t.gql(
        `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { name slug ssids defaultVlanId } } }`,
        {
          i: { id: loc.id, name: null, slug: null, ssids: null, defaultVlanId: 7 },
        },
        { token: owner },
      ),
    ).updateLocation.location;
    assert.equal(r.slug, loc.slug);
    assert.ok(r.name.length > 0);
    assert.equal(r.defaultVlanId, 7);
    const cleared = ok(
      await t.gql(
        `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { defaultVlanId } } }`,
        {
          i: { id: loc.id, defaultVlanId: null },
        },
        { token: owner },
      ),
    ).updateLocation.location;
    assert.equal(cleared.defaultVlanId, null);
  });

  it('a huge email is refused without work once set up', async () => {
    const r = await t.gql(`mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { token } }`, {
      i: { email: 'a@' + 'a.'.repeat(4000) + '@', password: 'long-enough-password' },
    });
    assert.equal(codeOf(r), 'SETUP_ALREADY_DONE');
  });
});

describe('WebSocket transport keeps the same limits', () => {
  const ws = () =>
    createClient({
      url: t.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner}` },
    });
  const first = (client: ReturnType<typeof ws>, query: string) =>
    new Promise<any>((resolve) => {
      client.subscribe(
        { query },
        { next: (v) => resolve(v), error: (e) => resolve({ errors: e }), complete: () => resolve(null) },
      );
    });

  it('refuses an operation over the cost limit', async () => {
    const client = ws();
    try {
      const aliases = Array.from(
        { length: 10 },
        (_, i) => `m${i}: members(first: 200) { nodes { id email } }`,
      ).join(' ');
      const r = await first(client, `{ ${aliases} }`);
      assert.equal(r.errors?.[0]?.extensions?.code, 'QUERY_TOO_COSTLY', JSON.stringify(r));
    } finally {
      await client.dispose();
    }
  });

  it('answers a syntax error with an error, and the socket stays usable', async () => {
    const client = ws();
    try {
      const bad = await first(client, `{ locations { id `);
      assert.ok(Array.isArray(bad.errors) && bad.errors.length > 0, JSON.stringify(bad));
      const good = await first(client, `{ locations { id } }`);
      assert.ok(Array.isArray(good.data.locations));
    } finally {
      await client.dispose();
    }
  });
});

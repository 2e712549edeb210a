import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from './db/test-support/test-database.js';
import { codeOf, ok, startTestApi, waitFor, type TestApi } from './test-support/api-harness.js';
import { createLocation, createMember, setupOwner } from './test-support/factories.js';

describe('HTTP platform', () => {
  let t: TestApi;
  let owner: string;
  before(async () => {
    t = await startTestApi({ env: { GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_COST: '1000' } });
    owner = await setupOwner(t);
  });
  after(() => t.stop());

  it('/healthz answers ok with the database up', async () => {
    const res = await fetch(`${t.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('/metrics exposes Prometheus counters including GraphQL operations', async () => {
    await t.gql('{ locations { id } }', {}, { token: owner });
    const text = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(text, /lanyard_graphql_operations_total\{type="query",outcome="ok"\} \d+/);
    assert.match(text, /lanyard_process_resident_memory_bytes/);
  });

  it('refuses queries nested deeper than the limit', async () => {
    const r = await t.gql(
      `{ members { edges { node { homeLocations { branding { logoUrl } } } } } }`,
      {},
      { token: owner },
    );
    assert.equal(codeOf(r), 'QUERY_TOO_DEEP');
  });

  it('refuses queries whose cost exceeds the limit, counting page sizes', async () => {
    const r = await t.gql(
      `{ members(first: 200) { nodes { id email fullName status username company roaming createdAt updatedAt } } }`,
      {},
      { token: owner },
    );
    assert.equal(codeOf(r), 'QUERY_TOO_COSTLY');
    ok(await t.gql(`{ members(first: 20) { nodes { id email } } }`, {}, { token: owner }));
  });

  it('errors carry codes and never stack traces', async () => {
    const r = await t.gql(
      `{ location(id: "01a20be2-0000-7000-8000-000000000000") { id } }`,
      {},
      { token: owner },
    );
    assert.equal(codeOf(r), 'NOT_FOUND');
    assert.equal(JSON.stringify(r.errors).includes('stacktrace'), false);
    const syntax = await t.gql(`{ locations { id `, {}, { token: owner });
    assert.equal(codeOf(syntax), 'GRAPHQL_PARSE_FAILED');
    assert.equal(JSON.stringify(syntax.errors).includes('stacktrace'), false);
  });

  it('takes the client address from X-Forwarded-For sent through a loopback proxy', async () => {
    const l = ok(
      await t.gql(
        `mutation { createLocation(input: { name: "Forwarded", slug: "fwd", timezone: "UTC", ssids: ["F"] }) { location { id } } }`,
        {},
        { token: owner, headers: { 'x-forwarded-for': '198.51.100.23' } },
      ),
    ).createLocation.location;
    assert.equal(await auditIp(t, l.id), '198.51.100.23');
  });

  it('the migrations produce exactly the schema the entities describe', async () => {
    const diff = await t.api.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false });
    assert.equal(diff.trim(), '');
  });
});

const auditIp = async (t: TestApi, targetId: string) =>
  (await t.api.orm.em.fork().execute('select ip from audit_event where target_id = ?', [targetId]))[0]?.ip;

describe('production settings', () => {
  it('ignores X-Forwarded-For from a peer TRUST_PROXY does not name', async () => {
    const t = await startTestApi({ env: { TRUST_PROXY: '10.0.0.0/8' } });
    try {
      const owner = await setupOwner(t);
      const l = ok(
        await t.gql(
          `mutation { createLocation(input: { name: "Direct", slug: "direct", timezone: "UTC", ssids: ["D"] }) { location { id } } }`,
          {},
          { token: owner, headers: { 'x-forwarded-for': '198.51.100.23' } },
        ),
      ).createLocation.location;
      assert.match(await auditIp(t, l.id), /^(::ffff:)?127\.0\.0\.1$/);
    } finally {
      await t.stop();
    }
  });

  it('turns introspection off in production unless asked for', async () => {
    const t = await startTestApi({ env: { NODE_ENV: 'production' } });
    try {
      const r = await t.gql('{ __schema { queryType { name } } }');
      assert.equal(codeOf(r), 'GRAPHQL_VALIDATION_FAILED');
    } finally {
      await t.stop();
    }
  });
});

describe('subscriptions across API processes', () => {
  let db: TestDatabase;
  let a: TestApi;
  let b: TestApi;
  before(async () => {
    db = await createTestDatabase();
    a = await startTestApi({ db });
    b = await startTestApi({ db, secretKey: a.secretKey });
  });
  after(async () => {
    await b.stop();
    await a.stop();
    await db.drop();
  });

  it('a subscriber on one process receives member changes made through the other', async () => {
    const owner = await setupOwner(a);
    const loc = await createLocation(a, owner);
    const member = await createMember(a, owner, [loc.id]);
    const client = createClient({
      url: b.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner}` },
      lazy: false,
    });
    const received: Array<{ memberId: string; reason: string }> = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ memberChanged: { memberId: string; reason: string } }>(
        {
          query: `subscription($m: ID) { memberChanged(memberId: $m) { memberId reason at } }`,
          variables: { m: member.id },
        },
        {
          next: (v) => {
            if (v.errors) reject(new Error(JSON.stringify(v.errors)));
            else received.push(v.data!.memberChanged);
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    done.catch(() => undefined);
    try {
      // Give the subscription a moment to be registered on process B.
      await new Promise((r) => setTimeout(r, 300));
      ok(
        await a.gql(
          `mutation($id: ID!) { disableMember(memberId: $id) { member { status } } }`,
          { id: member.id },
          { token: owner },
        ),
      );
      await waitFor(
        async () => received.some((e) => e.reason === 'STATUS_CHANGED'),
        5000,
        'event on the other process',
      );
      assert.ok(received.every((e) => e.memberId === member.id));
    } finally {
      await client.dispose();
    }
  });

  it('sync run events published on one process reach a subscriber on the other', async () => {
    const owner = (
      await a.gql(
        `mutation { login(input: {email: "owner@example.com", password: "owner-password-123"}) { token } }`,
      )
    ).data!.login.token;
    const client = createClient({
      url: b.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner}` },
    });
    const runId = '01a20be2-1111-7000-8000-000000000001';
    const lines: string[] = [];
    client.subscribe<{ syncRunEvents: { message: string } }>(
      {
        query: `subscription($r: ID!) { syncRunEvents(runId: $r) { runId seq message level } }`,
        variables: { r: runId },
      },
      {
        next: (v) => v.data && lines.push(v.data.syncRunEvents.message),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      await new Promise((r) => setTimeout(r, 300));
      const em = a.api.orm.em.fork();
      const { notifyEvent } = await import('./events/notify.js');
      await notifyEvent(em, 'SYNC_RUN_EVENTS', {
        runId,
        seq: 1,
        level: 'INFO',
        message: 'fetched 10 coworkers',
        at: new Date().toISOString(),
      });
      await notifyEvent(em, 'SYNC_RUN_EVENTS', {
        runId: '01a20be2-1111-7000-8000-000000000002',
        seq: 1,
        level: 'INFO',
        message: 'other run',
        at: new Date().toISOString(),
      });
      await waitFor(async () => lines.length > 0, 5000, 'sync line');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(lines, ['fetched 10 coworkers']);
    } finally {
      await client.dispose();
    }
  });

  it('a subscription without credentials is refused', async () => {
    const client = createClient({ url: b.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket });
    try {
      const err = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: `subscription { memberChanged { memberId } }` },
          { next: (v) => resolve(v.errors), error: resolve, complete: () => resolve(null) },
        );
      });
      assert.equal(
        (err as Array<{ extensions?: { code?: string } }>)?.[0]?.extensions?.code,
        'UNAUTHENTICATED',
        JSON.stringify(err),
      );
    } finally {
      await client.dispose();
    }
  });
});

describe('contract of the tables other parts read', () => {
  it('every table and column listed in @lanyard/schema exists after migration', async () => {
    const { Columns } = await import('@lanyard/schema');
    const t = await startTestApi();
    try {
      const rows: Array<{ table_name: string; column_name: string }> = await t.api.orm.em
        .fork()
        .execute(
          `select table_name, column_name from information_schema.columns where table_schema = 'public'`,
        );
      const have = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
      const missing = Object.entries(Columns).flatMap(([table, cols]) =>
        cols.filter((c) => !have.has(`${table}.${c}`)).map((c) => `${table}.${c}`),
      );
      assert.deepEqual(missing, []);
    } finally {
      await t.stop();
    }
  });
});

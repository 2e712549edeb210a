/**
 * The integration feature over GraphQL and the webhook endpoint, with an in-memory upstream
 * (test-support/fake-connector.ts) and the real sync engine and Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, ok, startTestApi, waitFor, type TestApi } from '../../test-support/api-harness.js';
import {
  createAdmin,
  createLocation,
  endedRun,
  runSyncToEnd,
  setupOwner,
} from '../../test-support/factories.js';
import { FakeUpstream, fakeMember, fakeMembership, signFake } from '../../test-support/fake-connector.js';
import { UpstreamError, UpstreamErrorCode } from '../../integrations/connector.js';

let t: TestApi;
let owner: string;
const upstream = new FakeUpstream();
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);

const CREATE = `mutation($i: CreateIntegrationInput!) {
  createIntegration(input: $i) { integration { id status webhookUrl hasWebhookSecret webhookEndpoints { event url }
    settings { deprovision syncIntervalMinutes safetyThresholdPercent planMappings { planExternalId noAccess } } }
    run { id status } } }`;
const RUN_FIELDS =
  'id status trigger created deleted unchanged error heldReason integration { id } log { seq level message }';
const finished = (runId: string) => endedRun(t, owner, runId, { fields: RUN_FIELDS });

before(async () => {
  t = await startTestApi({
    connectors: upstream.registry(),
    env: { PUBLIC_URL: 'https://wifi.example.com' },
  });
  owner = await setupOwner(t);
  upstream.snapshot.locations = [{ externalId: 'loc-1', name: 'Soho', timezone: 'Europe/London' }];
  upstream.snapshot.plans = [
    { externalId: 'plan-1', name: 'Hot Desk', locationExternalId: 'loc-1', virtual: false },
  ];
  for (let i = 1; i <= 10; i++) {
    upstream.snapshot.members.push(fakeMember(`m${i}`));
    upstream.snapshot.memberships.push(fakeMembership(`ms-m${i}`, `m${i}`));
  }
});
after(() => t.stop());

describe('createIntegration', () => {
  it('lists every missing credential and bad setting at once, and writes nothing', async () => {
    const r = await t.gql(
      CREATE,
      {
        i: {
          kind: 'NEXUDUS',
          name: 'Nexudus',
          baseUrl: 'ftp://x',
          credentials: {},
          settings: { syncIntervalMinutes: 1, usernameFormat: 'CUSTOM_FIELD' },
        },
      },
      { token: owner },
    );
    assert.equal(codeOf(r), 'VALIDATION_FAILED');
    const fields = (r.errors![0]!.extensions!.problems as Array<{ field: string }>)
      .map((p) => p.field)
      .sort();
    assert.deepEqual(fields, [
      'baseUrl',
      'credentials.email',
      'credentials.password',
      'settings.syncIntervalMinutes',
      'settings.usernameField',
    ]);
    assert.equal((await sql('select count(*)::int n from integration'))[0].n, 0);
  });

  it('reports refused credentials with the upstream reason and keeps nothing', async () => {
    const r = await t.gql(
      CREATE,
      { i: { kind: 'NEXUDUS', name: 'N', credentials: { email: 'admin@fake.test', password: 'wrong' } } },
      { token: owner },
    );
    assert.equal(codeOf(r), 'INTEGRATION_CONNECT_FAILED');
    assert.equal(r.errors![0]!.extensions!.reason, 'UPSTREAM_UNAUTHORIZED');
    assert.ok(!JSON.stringify(r).includes('wrong'));
    assert.equal((await sql('select count(*)::int n from integration'))[0].n, 0);
  });

  it('is refused to a viewer', async () => {
    const viewer = await createAdmin(t, owner, 'VIEWER');
    const r = await t.gql(
      CREATE,
      { i: { kind: 'ANDCARDS', name: 'A', credentials: { clientId: 'c', clientSecret: 'right' } } },
      { token: viewer.token },
    );
    assert.equal(codeOf(r), 'FORBIDDEN');
  });
});

describe('an Andcards integration end to end', () => {
  let integrationId: string;
  let webhookUrl: string;
  const runToEnd = () => runSyncToEnd(t, owner, integrationId, { fields: RUN_FIELDS });
  const secret = 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=';

  it('connects, stores no plain secret, and its first sync provisions the members', async () => {
    const r = ok(
      await t.gql(
        CREATE,
        {
          i: {
            kind: 'ANDCARDS',
            name: 'Andcards',
            credentials: { clientId: 'client-1', clientSecret: 'right' },
            settings: { planMappings: [{ planExternalId: 'plan-9', noAccess: true }] },
            webhookSecret: secret,
          },
        },
        { token: owner },
      ),
    ).createIntegration;
    integrationId = r.integration.id;
    webhookUrl = r.integration.webhookUrl;
    assert.equal(r.integration.status, 'CONNECTED');
    assert.equal(r.integration.hasWebhookSecret, true);
    assert.match(webhookUrl, /^https:\/\/wifi\.example\.com\/webhooks\/[A-Za-z0-9_-]{40,}$/);
    assert.deepEqual(r.integration.webhookEndpoints, [{ event: '*', url: webhookUrl }]);
    assert.equal(r.integration.settings.deprovision, 'DELETE');
    assert.equal(r.integration.settings.syncIntervalMinutes, 15);
    assert.deepEqual(r.integration.settings.planMappings, [{ planExternalId: 'plan-9', noAccess: true }]);

    const stored = (
      await sql('select credentials_enc, webhook_secret_enc, settings::text s from integration')
    )[0];
    assert.ok(!stored.credentials_enc.includes('right') && !stored.webhook_secret_enc.includes('dGVzdHNl'));
    const audit = await sql("select details::text d from audit_event where action = 'createIntegration'");
    assert.equal(audit.length, 1);
    assert.ok(!audit[0].d.includes('right') && !audit[0].d.includes('dGVzdHNl'), audit[0].d);

    const run = await finished(r.run.id);
    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run));
    assert.equal(run.created, 10);
    assert.ok(run.log.length > 0);
    assert.equal((await sql("select count(*)::int n from member where status = 'ACTIVE'"))[0].n, 10);
  });

  it('runSync starts a run whose second pass changes nothing', async () => {
    const done = await runToEnd();
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(done.unchanged, 10);
    assert.equal(done.created + done.deleted, 0);
    const list = ok(
      await t.gql(
        `query($id: ID!) { syncRuns(filter: {integrationId: $id}, first: 1) { totalCount nodes { id } } }`,
        { id: integrationId },
        { token: owner },
      ),
    ).syncRuns;
    assert.equal(list.totalCount, 2);
    assert.equal(list.nodes[0].id, done.id, 'newest first');
  });

  it('runSync without a mode reads changes only unless a full reconcile is due; FULL on demand; runs show their mode', async () => {
    const sync = async (mode?: string) => {
      const run = ok(
        await t.gql(
          `mutation($id: ID!, $mode: SyncMode) { runSync(integrationId: $id, mode: $mode) { id mode } }`,
          { id: integrationId, mode },
          { token: owner },
        ),
      ).runSync;
      assert.equal((await finished(run.id)).status, 'SUCCEEDED');
      upstream.requests.length = 0;
      return run.mode as string;
    };
    const update = (settings: Record<string, unknown>) =>
      t.gql(
        `mutation($i: UpdateIntegrationInput!) { updateIntegration(input: $i) { integration { id } } }`,
        { i: { id: integrationId, settings } },
        { token: owner },
      );
    // a full reconcile ran (createIntegration, then the runs above): changes only
    assert.equal(await sync(), 'INCREMENTAL');
    assert.equal(await sync('FULL'), 'FULL');
    assert.equal(await sync(), 'INCREMENTAL');
    // a settings change decides everyone's access anew: the next run is full, then changes only again
    ok(await update({ roaming: true }));
    assert.equal(await sync(), 'FULL');
    assert.equal(await sync(), 'INCREMENTAL');
    ok(await update({ roaming: false }));
    assert.equal(await sync(), 'FULL');
    // settings that only schedule or guard runs change nobody's access
    ok(await update({ syncIntervalMinutes: 30, safetyThresholdPercent: 25 }));
    assert.equal(await sync(), 'INCREMENTAL');
    // so does mapping an upstream location elsewhere
    const [mapping] = ok(
      await t.gql(
        `query($id: ID!) { integration(id: $id) { locationMappings { id location { id } } } }`,
        { id: integrationId },
        { token: owner },
      ),
    ).integration.locationMappings;
    const elsewhere = await createLocation(t, owner, { name: 'Elsewhere', slug: 'elsewhere' });
    const remap = (locationId: string) =>
      t.gql(
        `mutation($i: RemapLocationInput!) { remapLocation(input: $i) { mapping { id } } }`,
        { i: { mappingId: mapping.id, locationId } },
        { token: owner },
      );
    ok(await remap(elsewhere.id));
    assert.equal(await sync(), 'FULL');
    ok(await remap(mapping.location.id));
    assert.equal(await sync(), 'FULL');
    assert.equal(await sync(), 'INCREMENTAL');
    // and what was read: the upstream saw the mode
    const again = ok(
      await t.gql(
        `mutation($id: ID!) { runSync(integrationId: $id) { id } }`,
        { id: integrationId },
        { token: owner },
      ),
    ).runSync;
    await finished(again.id);
    assert.deepEqual(
      upstream.requests.map((r) => r.mode),
      ['INCREMENTAL'],
    );
  });

  it('a signed webhook syncs the member it names; a replay changes nothing; a forged one is refused and recorded', async () => {
    upstream.snapshot.members = upstream.snapshot.members.filter((m) => m.externalId !== 'm1');
    upstream.snapshot.memberships = upstream.snapshot.memberships.filter((m) => m.memberExternalId !== 'm1');
    const body = JSON.stringify({ event: 'membership.deleted', id: 'msg_1', members: ['m1'] });
    const post = (b: string, sig: string) =>
      fetch(webhookUrl.replace('https://wifi.example.com', t.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-signature': sig },
        body: b,
      });

    const forged = await post(body, signFake('not-the-secret', body));
    assert.equal(forged.status, 401);
    const first = await post(body, signFake(secret, body));
    assert.equal(first.status, 202);
    await waitFor(async () => {
      const rows = await sql("select status from member where email = 'm1@example.com'");
      return rows[0]?.status === 'DELETED' || rows.length === 0 ? true : null;
    });
    const replay = await post(body, signFake(secret, body));
    assert.equal(replay.status, 200);
    assert.equal(((await replay.json()) as { outcome: string }).outcome, 'DUPLICATE');

    const deliveries = ok(
      await t.gql(
        `query($id: ID!) { webhookDeliveries(integrationId: $id) { totalCount nodes { event verified outcome syncRun { trigger } } } }`,
        { id: integrationId },
        { token: owner },
      ),
    ).webhookDeliveries;
    assert.equal(deliveries.totalCount, 2);
    const outcomes = deliveries.nodes.map((d: { outcome: string }) => d.outcome).sort();
    assert.deepEqual(outcomes, ['QUEUED', 'SIGNATURE_INVALID']);
    const queued = deliveries.nodes.find((d: { outcome: string }) => d.outcome === 'QUEUED');
    assert.equal(queued.verified, true);
    assert.equal(queued.syncRun.trigger, 'WEBHOOK');
  });

  it('a redelivery of a webhook whose run failed starts a new run; once one succeeded it is a duplicate', async () => {
    const body = JSON.stringify({ event: 'membership.updated', id: 'msg_retry', members: ['m2'] });
    const post = () =>
      fetch(webhookUrl.replace('https://wifi.example.com', t.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-signature': signFake(secret, body) },
        body,
      });
    const runStatus = async () =>
      (
        await sql(
          `select r.status from webhook_delivery d join sync_run r on r.id = d.sync_run_id
            where d.delivery_id = 'msg_retry'`,
        )
      )[0]?.status as string | undefined;
    upstream.failWith = new UpstreamError(UpstreamErrorCode.UNAVAILABLE, 'HTTP 503 from the platform');
    try {
      assert.equal((await post()).status, 202);
      await waitFor(async () => ((await runStatus()) === 'FAILED' ? true : null));
    } finally {
      upstream.failWith = null;
    }
    const retried = await post();
    assert.equal(retried.status, 202);
    assert.equal(((await retried.json()) as { outcome: string }).outcome, 'QUEUED');
    await waitFor(async () => ((await runStatus()) === 'SUCCEEDED' ? true : null));
    const replay = await post();
    assert.equal(replay.status, 200);
    assert.equal(((await replay.json()) as { outcome: string }).outcome, 'DUPLICATE');
    const rows = await sql(`select count(*)::int n from webhook_delivery where delivery_id = 'msg_retry'`);
    assert.equal(rows[0].n, 1, 'one delivery row, pointing at the run that succeeded');
  });

  it('answers 404 for an unknown endpoint and 400 for a malformed body', async () => {
    const unknown = await fetch(`${t.url}/webhooks/${'x'.repeat(43)}`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 404);
    const bad = '{"event": 1';
    const r = await fetch(webhookUrl.replace('https://wifi.example.com', t.url), {
      method: 'POST',
      headers: { 'x-fake-signature': signFake(secret, bad) },
      body: bad,
    });
    assert.equal(r.status, 400);
  });

  it('without a secret, unsigned deliveries are accepted but flagged, counted and warned about', async () => {
    const WARNINGS = `query($id: ID!) { integration(id: $id) { hasWebhookSecret warnings { code count message } } }`;
    const setSecret = async (webhookSecret: string) =>
      ok(
        await t.gql(
          `mutation($i: UpdateIntegrationInput!) { updateIntegration(input: $i) { integration { id } } }`,
          { i: { id: integrationId, webhookSecret } },
          { token: owner },
        ),
      );
    const warnings = async () =>
      ok(await t.gql(WARNINGS, { id: integrationId }, { token: owner })).integration;
    assert.deepEqual((await warnings()).warnings, []);
    await setSecret('');
    const before = await warnings();
    assert.equal(before.hasWebhookSecret, false);
    assert.deepEqual(
      before.warnings.map((w: { code: string; count: number }) => [w.code, w.count]),
      [['WEBHOOK_SECRET_MISSING', 0]],
    );

    const body = JSON.stringify({ event: 'ping', id: 'msg_unsigned', members: [] });
    const built = upstream.connectorsBuilt;
    const r = await fetch(webhookUrl.replace('https://wifi.example.com', t.url), { method: 'POST', body });
    assert.equal(r.status, 202, 'accepted: unsigned deliveries are the documented no-secret behaviour');
    assert.equal(upstream.connectorsBuilt, built, 'a delivery is parsed without building a connector');
    const [row] = await sql(
      `select verified, outcome from webhook_delivery where delivery_id = 'msg_unsigned'`,
    );
    assert.deepEqual([row.verified, row.outcome], [false, 'IGNORED']);
    const after = (await warnings()).warnings[0];
    assert.equal(after.count, 1);
    assert.match(after.message, /secret/);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /^lanyard_webhook_unverified_deliveries_total 1$/m);

    await setSecret(secret);
    assert.deepEqual((await warnings()).warnings, []);
  });

  it('an upstream failure fails the run with its reason and marks the integration for reconnection', async () => {
    upstream.failWith = new UpstreamError(UpstreamErrorCode.UNAUTHORIZED, 'refresh token refused (401)');
    try {
      const before = (await sql('select count(*)::int n from member'))[0].n;
      const done = await runToEnd();
      assert.equal(done.status, 'FAILED');
      assert.match(done.error, /UPSTREAM_UNAUTHORIZED/);
      assert.equal((await sql('select count(*)::int n from member'))[0].n, before);
      const i = ok(
        await t.gql(
          `query($id: ID!) { integration(id: $id) { status lastError } }`,
          { id: integrationId },
          { token: owner },
        ),
      ).integration;
      assert.equal(i.status, 'NEEDS_RECONNECT');
      const again = await t.gql(
        `mutation($id: ID!) { runSync(integrationId: $id) { id } }`,
        { id: integrationId },
        { token: owner },
      );
      assert.equal(codeOf(again), 'CONFLICT');
      ok(
        await t.gql(
          `mutation($i: ReconnectIntegrationInput!) { reconnectIntegration(input: $i) { integration { status } } }`,
          { i: { id: integrationId, credentials: { clientId: 'client-1', clientSecret: 'right' } } },
          { token: owner },
        ),
      );
    } finally {
      upstream.failWith = null;
    }
  });

  it('holds a run that would remove too many members until an admin confirms or discards it', async () => {
    const keep = upstream.snapshot.members;
    const keepMs = upstream.snapshot.memberships;
    upstream.snapshot.members = keep.slice(0, 2);
    upstream.snapshot.memberships = keepMs.slice(0, 2);
    const start = runToEnd;
    const held = await start();
    assert.equal(held.status, 'HELD');
    assert.ok(held.heldReason);
    const active = async () => (await sql("select count(*)::int n from member where status = 'ACTIVE'"))[0].n;
    assert.equal(await active(), 9);

    const discarded = ok(
      await t.gql(
        `mutation($id: ID!) { discardSyncRun(runId: $id) { run { status } } }`,
        { id: held.id },
        { token: owner },
      ),
    ).discardSyncRun.run;
    assert.equal(discarded.status, 'DISCARDED');
    assert.equal(await active(), 9);
    assert.equal(
      codeOf(
        await t.gql(
          `mutation($id: ID!) { confirmSyncRun(runId: $id) { run { status } } }`,
          { id: held.id },
          { token: owner },
        ),
      ),
      'CONFLICT',
    );

    const heldAgain = await start();
    assert.equal(heldAgain.status, 'HELD');
    const confirmed = ok(
      await t.gql(
        `mutation($id: ID!) { confirmSyncRun(runId: $id) { run { status deleted } } }`,
        { id: heldAgain.id },
        { token: owner },
      ),
    ).confirmSyncRun.run;
    assert.equal(confirmed.status, 'SUCCEEDED');
    assert.equal(confirmed.deleted, 7);
    assert.equal(await active(), 2);
    upstream.snapshot.members = keep;
    upstream.snapshot.memberships = keepMs;
  });
});

describe('integration secrets stay with their host and their admins', () => {
  it('hides webhook URLs (their token is a credential) from read-only callers', async () => {
    const viewer = await createAdmin(t, owner, 'VIEWER');
    const list = ok(
      await t.gql(`{ integrations { webhookUrl webhookEndpoints { url } } }`, {}, { token: viewer.token }),
    ).integrations as Array<{ webhookUrl: string | null; webhookEndpoints: unknown[] }>;
    assert.ok(list.length > 0);
    for (const i of list) {
      assert.equal(i.webhookUrl, null);
      assert.deepEqual(i.webhookEndpoints, []);
    }
  });

  it('drops the stored credentials when the API address changes, so they never reach another host', async () => {
    const [row] = await sql(`select id from integration where name = 'Andcards'`);
    const r = ok(
      await t.gql(
        `mutation($i: UpdateIntegrationInput!) { updateIntegration(input: $i) { integration { status lastError } } }`,
        { i: { id: row.id, baseUrl: 'https://attacker.example.net' } },
        { token: owner },
      ),
    ).updateIntegration.integration;
    assert.equal(r.status, 'NEEDS_RECONNECT');
    assert.equal(
      (await sql('select credentials_enc from integration where id = ?', [row.id]))[0].credentials_enc,
      null,
    );
    const run = await t.gql(
      `mutation($id: ID!) { runSync(integrationId: $id) { id } }`,
      { id: row.id },
      { token: owner },
    );
    assert.equal(codeOf(run), 'CONFLICT');
  });
});

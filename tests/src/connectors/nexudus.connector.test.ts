// The Nexudus connector against the running Nexudus simulator (coworking-apis.md Part 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  UpstreamError,
  UpstreamErrorCode,
  type CredentialStore,
  type StoredCredentials,
  type SyncLog,
  type UpstreamSnapshot,
  type WebhookRequest,
} from '../../../api/src/integrations/connector.js';
import { defaultConnectorRegistry } from '../../../api/src/integrations/default-registry.js';
import { IntegrationKind } from '../../../api/src/entities/enums.js';
import {
  connectNexudus,
  createNexudusConnector,
  NexudusReferenceCache,
  type NexudusConnectorOptions,
} from '../../../api/src/integrations/nexudus/nexudus.connector.js';
import {
  DEFAULT_ADMIN,
  NexudusSimulator,
  WEBHOOK_ACTIONS,
  generateTotpSecret,
  totp,
  type NexudusSimulatorOptions,
} from '../simulators/nexudus/nexudus-simulator.js';

type Nx = Extract<StoredCredentials, { kind: 'NEXUDUS' }>;
const log: SyncLog = { info() {}, warn() {}, debug() {} };

interface Ctx {
  sim: NexudusSimulator;
  baseUrl: string;
  store: CredentialStore & { current: Nx; saved: Nx[] };
  sleeps: number[];
  connector: ReturnType<typeof createNexudusConnector>;
  /** Every token and password seen so far: none may appear in an error. */
  secrets: () => string[];
  full: () => Promise<UpstreamSnapshot>;
}

async function withConnector(
  fn: (ctx: Ctx) => Promise<void>,
  opts: { sim?: NexudusSimulatorOptions; connector?: Partial<NexudusConnectorOptions> } = {},
): Promise<void> {
  const sim = new NexudusSimulator({ seed: 11, ...opts.sim });
  sim.seedCommunity({
    businesses: 2,
    coworkersPerBusiness: 14,
    bookingsPerBusiness: 3,
    openCheckinsPerBusiness: 1,
  });
  const baseUrl = await sim.start();
  try {
    const first = (await connectNexudus({
      baseUrl,
      email: DEFAULT_ADMIN.email,
      password: DEFAULT_ADMIN.password,
    })) as Nx;
    const history: Nx[] = [first];
    const store = {
      current: first,
      saved: [] as Nx[],
      load: () => Promise.resolve(store.current as StoredCredentials),
      save: (c: StoredCredentials) => {
        store.current = c as Nx;
        store.saved.push(c as Nx);
        history.push(c as Nx);
        return Promise.resolve();
      },
    };
    const sleeps: number[] = [];
    const connector = createNexudusConnector({
      baseUrl,
      credentials: store,
      timeoutMs: 5_000,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...opts.connector,
    });
    const secrets = () => [
      DEFAULT_ADMIN.password,
      ...history.flatMap((c) => [c.accessToken, c.refreshToken]),
      ...sim.accessTokens.keys(),
      ...sim.refreshTokens.keys(),
    ];
    const full = () => connector.fetchSnapshot({ mode: 'FULL', now: sim.now(), log });
    await fn({ sim, baseUrl, store, sleeps, connector, secrets, full });
  } finally {
    await sim.stop();
  }
}

/** Asserts the upstream error code and that the error carries no token or password. */
async function rejectsWith(p: Promise<unknown>, code: string, secrets: string[]): Promise<UpstreamError> {
  let caught: unknown;
  await p.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => {
      caught = err;
    },
  );
  assert.ok(caught instanceof UpstreamError, `not an UpstreamError: ${String(caught)}`);
  assert.equal(caught.code, code);
  const text = `${caught.message} ${JSON.stringify(caught.details)} ${caught.stack ?? ''}`;
  for (const s of secrets) assert.ok(!text.includes(s), 'a secret leaked into an error');
  return caught;
}

const tokenRequests = (sim: NexudusSimulator) => sim.requests.filter((r) => r.path === '/api/token');

test('connect: password grant form-encoded; 2FA needs the right TOTP; wrong password rejected', async () => {
  const secret = generateTotpSecret();
  const sim = new NexudusSimulator({ seed: 3, admin: { totpSecret: secret } });
  const baseUrl = await sim.start();
  try {
    const req = { baseUrl, email: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password };
    const secrets = [DEFAULT_ADMIN.password, 'wrong-password'];
    await rejectsWith(connectNexudus(req), UpstreamErrorCode.REJECTED, secrets);
    const wrong = String((Number(totp(secret, sim.now())) + 500_000) % 1_000_000).padStart(6, '0');
    await rejectsWith(connectNexudus({ ...req, totp: wrong }), UpstreamErrorCode.REJECTED, secrets);
    await rejectsWith(
      connectNexudus({ ...req, password: 'wrong-password', totp: totp(secret, sim.now()) }),
      UpstreamErrorCode.REJECTED,
      secrets,
    );
    const creds = await connectNexudus({ ...req, totp: totp(secret, sim.now()) });
    assert.equal(creds.kind, 'NEXUDUS');
    assert.ok(creds.kind === 'NEXUDUS' && sim.accessTokens.has(creds.accessToken));
    assert.ok(creds.kind === 'NEXUDUS' && sim.refreshTokens.has(creds.refreshToken));
    assert.ok(creds.kind === 'NEXUDUS' && Date.parse(creds.expiresAt) > Date.now() + 6 * 86_400_000);
    assert.ok(!JSON.stringify(creds).includes(DEFAULT_ADMIN.password));
    for (const r of tokenRequests(sim))
      assert.match(r.contentType ?? '', /^application\/x-www-form-urlencoded/);
    // The probe read used the bearer token.
    assert.ok(
      sim.requests.some((r) => r.path === '/api/sys/businesses' && r.auth === 'bearer' && r.status === 200),
    );
    await rejectsWith(connectNexudus({ ...req, password: '' }), UpstreamErrorCode.REJECTED, secrets);
  } finally {
    await sim.stop();
  }
});

test('connect: a user without API access is rejected at connect time', async () => {
  const sim = new NexudusSimulator({ seed: 4 });
  sim.state.users[0].ApiAccess = false;
  const baseUrl = await sim.start();
  try {
    await rejectsWith(
      connectNexudus({ baseUrl, email: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password }),
      UpstreamErrorCode.REJECTED,
      [DEFAULT_ADMIN.password, ...sim.accessTokens.keys(), ...sim.refreshTokens.keys()],
    );
  } finally {
    await sim.stop();
  }
});

test('full snapshot matches the seeded community', async () => {
  await withConnector(async ({ sim, full }) => {
    const snap = await full();
    const st = sim.state;
    assert.deepEqual(snap.scope, { kind: 'FULL' });
    assert.deepEqual(
      snap.locations,
      st.businesses.map((b) => ({ externalId: String(b.Id), name: b.Name, timezone: null })),
    );
    assert.deepEqual(
      snap.groups,
      st.teams.map((t) => ({
        externalId: String(t.Id),
        kind: 'TEAM',
        name: t.Name,
        locationExternalId: String(t.BusinessId),
      })),
    );
    assert.deepEqual(
      snap.plans.map((p) => [p.externalId, p.name, p.locationExternalId, p.virtual]),
      st.tariffs.map((t) => [String(t.Id), t.Name, String(t.BusinessId), t.Name === 'Virtual Office']),
    );

    assert.equal(snap.members.length, st.coworkers.length);
    for (const cw of st.coworkers) {
      const m = snap.members.find((x) => x.externalId === String(cw.Id));
      assert.ok(m, `coworker ${cw.Id} missing`);
      assert.equal(m.email, cw.Email);
      assert.equal(m.fullName, cw.FullName);
      assert.equal(m.company, cw.CompanyName);
      assert.deepEqual(m.locationExternalIds, cw.Businesses.map(String));
      assert.equal(m.homeLocationExternalId, String(cw.InvoicingBusinessId));
      assert.deepEqual(
        m.groupExternalIds,
        st.teams.filter((t) => t.TeamMembers.includes(cw.Id)).map((t) => String(t.Id)),
      );
      assert.equal(m.active, cw.Active && !cw.Archived);
    }
    assert.ok(snap.members.some((m) => m.groupExternalIds.length > 0));
    assert.ok(
      snap.members.some((m) => m.locationExternalIds.length > 1),
      'a roaming coworker',
    );

    const live = st.coworkerContracts.filter((c) => c.Active && !c.Cancelled);
    assert.ok(live.length > 0 && live.length < st.coworkerContracts.length + 1);
    assert.deepEqual(snap.memberships.map((m) => m.externalId).sort(), live.map((c) => String(c.Id)).sort());
    for (const c of live) {
      const m = snap.memberships.find((x) => x.externalId === String(c.Id))!;
      assert.equal(m.memberExternalId, String(c.CoworkerId));
      assert.equal(m.planExternalId, String(c.TariffId));
      assert.equal(m.locationExternalId, String(c.IssuedById));
      assert.equal(m.startsAt.toISOString().slice(0, 10), c.StartDate.slice(0, 10));
      assert.equal(m.endsAt, null);
    }

    assert.equal(snap.bookings.length, st.bookings.length);
    assert.deepEqual([...new Set(snap.bookings.map((b) => b.kind))].sort(), ['DESK', 'ROOM']);
    for (const b of st.bookings) {
      const got = snap.bookings.find((x) => x.externalId === String(b.Id))!;
      const res = st.resources.find((r) => r.Id === b.ResourceId)!;
      const type = st.resourceTypes.find((t) => t.Id === res.ResourceTypeId)!;
      assert.equal(got.kind, type.Name === 'Hot desk' ? 'DESK' : 'ROOM');
      assert.equal(got.locationExternalId, String(res.BusinessId));
      assert.equal(got.memberExternalId, String(b.CoworkerId));
      assert.equal(got.startsAt.getTime(), Date.parse(b.FromTime));
    }

    assert.equal(snap.checkIns.length, st.checkins.length);
    for (const ci of st.checkins) {
      const got = snap.checkIns.find((x) => x.externalId === String(ci.Id))!;
      assert.equal(got.checkedOutAt, null);
      assert.deepEqual(got.macAddresses, [String(ci.MacAddresses).toLowerCase()]);
      assert.equal(got.locationExternalId, String(ci.BusinessId));
    }
  });
});

test('full snapshot: custom fields, a cancelling contract, a desk booking and old check-ins', async () => {
  await withConnector(async ({ sim, full }) => {
    const cw = sim.state.coworkers[0];
    sim.update('coworkers', cw.Id, { Custom3: 'ada-wifi' });
    const contract = sim.state.coworkerContracts.find((c) => c.Active && !c.Cancelled)!;
    const end = new Date(sim.now().getTime() + 10 * 86_400_000);
    sim.update('coworkerContracts', contract.Id, { Cancelled: true, CancellationDate: end.toISOString() });
    const closed = sim.add('checkins', {
      CoworkerId: cw.Id,
      BusinessId: sim.state.businesses[0].Id,
      FromTime: new Date(sim.now().getTime() - 4 * 86_400_000).toISOString(),
      ToTime: new Date(sim.now().getTime() - 4 * 86_400_000 + 3_600_000).toISOString(),
    });
    const yesterday = sim.add('bookings', {
      ResourceId: sim.state.resources[0].Id,
      CoworkerId: cw.Id,
      FromTime: new Date(sim.now().getTime() - 3 * 86_400_000).toISOString(),
      ToTime: new Date(sim.now().getTime() - 3 * 86_400_000 + 3_600_000).toISOString(),
    });
    const snap = await full();
    assert.equal(snap.members.find((m) => m.externalId === String(cw.Id))?.fields.Custom3, 'ada-wifi');
    const m = snap.memberships.find((x) => x.externalId === String(contract.Id))!;
    assert.equal(m.cancelledAt?.getTime(), end.getTime());
    assert.equal(m.endsAt?.getTime(), m.cancelledAt?.getTime());
    assert.ok(!snap.checkIns.some((c) => c.externalId === String(closed.Id)));
    assert.ok(!snap.bookings.some((b) => b.externalId === String(yesterday.Id)));
  });
});

test('tokens: refreshed shortly before expiry and saved; a 401 refreshes once; a dead refresh token → UNAUTHORIZED', async () => {
  await withConnector(async ({ sim, store, full, secrets }) => {
    const old = store.current;
    store.current = { ...old, expiresAt: new Date(Date.now() + 20_000).toISOString() };
    sim.clearRequests();
    await full();
    assert.equal(store.saved.length, 1);
    assert.notEqual(store.current.accessToken, old.accessToken);
    assert.equal(sim.requests[0].path, '/api/token', 'refresh comes first');
    assert.match(sim.requests[0].contentType ?? '', /x-www-form-urlencoded/);
    assert.ok(sim.requests.slice(1).every((r) => r.auth === 'bearer' && r.status === 200));

    sim.expireAccessTokens();
    await full();
    assert.equal(store.saved.length, 2);
    assert.equal(tokenRequests(sim).length, 2);

    sim.revokeAllTokens();
    const before = store.saved.length;
    await rejectsWith(full(), UpstreamErrorCode.UNAUTHORIZED, secrets());
    assert.equal(store.saved.length, before);

    // Still refused after a successful refresh (e.g. the role was removed) → UNAUTHORIZED.
    await withConnector(async (b) => {
      b.sim.unauthorizedNext({ times: 2, path: '/api/sys/businesses' });
      await rejectsWith(b.full(), UpstreamErrorCode.UNAUTHORIZED, b.secrets());
    });
  });
});

test('incremental: a coworker update and a contract-only change become a PARTIAL snapshot of those two', async () => {
  await withConnector(async ({ sim, connector }) => {
    sim.advanceTime(10 * 60_000);
    const since = new Date(sim.now().getTime() - 60_000);
    const [a, b] = sim.state.coworkerContracts
      .filter((c) => c.Active && !c.Cancelled)
      .map((c) => c.CoworkerId);
    assert.ok(a && b && a !== b);
    sim.update('coworkers', a, { FullName: 'Renamed Person' });
    const contractB = sim.state.coworkerContracts.find((c) => c.CoworkerId === b)!;
    const coworkerBUpdatedOn = sim.state.coworkers.find((c) => c.Id === b)!.UpdatedOn;
    const end = new Date(sim.now().getTime() + 5 * 86_400_000);
    sim.update('coworkerContracts', contractB.Id, { CancellationDate: end.toISOString(), Cancelled: true });
    assert.equal(sim.state.coworkers.find((c) => c.Id === b)!.UpdatedOn, coworkerBUpdatedOn);

    const snap = await connector.fetchSnapshot({ mode: 'INCREMENTAL', since, now: sim.now(), log });
    assert.deepEqual(snap.scope, { kind: 'PARTIAL', memberExternalIds: [String(a), String(b)].sort() });
    assert.deepEqual(snap.members.map((m) => m.externalId).sort(), [String(a), String(b)].sort());
    assert.equal(snap.members.find((m) => m.externalId === String(a))?.fullName, 'Renamed Person');
    const mb = snap.memberships.find((m) => m.externalId === String(contractB.Id));
    assert.ok(mb?.cancelledAt);
    assert.ok(snap.memberships.every((m) => [String(a), String(b)].includes(m.memberExternalId)));
    assert.equal(snap.locations.length, sim.state.businesses.length);

    // Nothing changed since: an empty partial run.
    const none = await connector.fetchSnapshot({
      mode: 'INCREMENTAL',
      since: new Date(sim.now().getTime() + 5 * 60_000),
      now: sim.now(),
      log,
    });
    assert.deepEqual(none.scope, { kind: 'PARTIAL', memberExternalIds: [] });
    assert.equal(none.members.length, 0);

    // Without `since` an incremental run is a full one.
    const fullRun = await connector.fetchSnapshot({ mode: 'INCREMENTAL', now: sim.now(), log });
    assert.deepEqual(fullRun.scope, { kind: 'FULL' });
  });
});

test('MEMBERS: fetched by id; a coworker deleted upstream is absent from a PARTIAL snapshot', async () => {
  await withConnector(async ({ sim, connector }) => {
    const withContract = sim.state.coworkerContracts
      .filter((c) => c.Active && !c.Cancelled)
      .map((c) => c.CoworkerId);
    const [keep, gone] = withContract;
    sim.remove('coworkers', gone);
    sim.clearRequests();
    const snap = await connector.fetchSnapshot({
      mode: 'MEMBERS',
      memberExternalIds: [String(keep), String(gone), 'not-a-nexudus-id'],
      now: sim.now(),
      log,
    });
    assert.deepEqual(snap.scope, { kind: 'PARTIAL', memberExternalIds: [String(keep), String(gone)] });
    assert.deepEqual(
      snap.members.map((m) => m.externalId),
      [String(keep)],
    );
    assert.ok(snap.memberships.some((m) => m.memberExternalId === String(keep)));
    assert.ok(snap.memberships.every((m) => m.memberExternalId === String(keep)));
    assert.ok(sim.requests.some((r) => r.path === `/api/spaces/coworkers/${gone}` && r.status === 404));
    assert.ok(
      !sim.requests.some((r) => r.path === '/api/spaces/coworkers' && !('id' in r.query)),
      'no full coworker list',
    );
  });
});

test('throttling: 409 + Retry-After recovered; 429 "Wait N seconds"; beyond the budget → THROTTLED', async () => {
  await withConnector(async ({ sim, sleeps, full, secrets }) => {
    sim.throttleNext(3, { path: '/api/spaces/teams' });
    await full();
    assert.deepEqual(sleeps, [1000, 1000, 1000]);

    sleeps.length = 0;
    sim.throttleNext(1, { status: 429, retryAfter: 2, path: '/api/billing/tariffs' });
    await full();
    assert.deepEqual(sleeps, [2000]);

    sleeps.length = 0;
    sim.throttleNext(50, { path: '/api/spaces/teams' });
    const err = await rejectsWith(full(), UpstreamErrorCode.THROTTLED, secrets());
    assert.equal(err.details.status, 409);
    assert.equal(sleeps.length, 5);
    sim.clearFaults();

    sleeps.length = 0;
    sim.throttleNext(1, { retryAfter: 600, path: '/api/spaces/teams' });
    const long = await rejectsWith(full(), UpstreamErrorCode.THROTTLED, secrets());
    assert.equal(long.details.retryAfterSeconds, 600);
    assert.deepEqual(sleeps, []);
  });
});

test('5xx retried then UNAVAILABLE; truncated or broken JSON and a missing page → MALFORMED; slow → TIMEOUT', async () => {
  await withConnector(
    async ({ sim, full, secrets }) => {
      sim.failNext(502, { path: '/api/sys/businesses' });
      await full();
      sim.failNext(503, { times: 10, path: '/api/sys/businesses' });
      const down = await rejectsWith(full(), UpstreamErrorCode.UNAVAILABLE, secrets());
      assert.equal(down.details.status, 503);
      sim.clearFaults();
      sim.resetNext({ times: 10, path: '/api/spaces/teams' });
      await rejectsWith(full(), UpstreamErrorCode.UNAVAILABLE, secrets());
      sim.clearFaults();

      sim.truncateNext({ path: '/api/spaces/coworkers' });
      await rejectsWith(full(), UpstreamErrorCode.MALFORMED, secrets());
      sim.malformedNext({ path: '/api/billing/coworkercontracts' });
      await rejectsWith(full(), UpstreamErrorCode.MALFORMED, secrets());
      sim.inject(
        { kind: 'status', status: 200, body: '<html>maintenance</html>' },
        { path: '/api/spaces/checkins' },
      );
      await rejectsWith(full(), UpstreamErrorCode.MALFORMED, secrets());

      // Page 2 of 3 comes back empty.
      assert.equal(Math.ceil(sim.state.coworkers.length / 10), 3);
      sim.emptyPageNext({ path: '/api/spaces/coworkers', query: { page: '2' } });
      await rejectsWith(full(), UpstreamErrorCode.MALFORMED, secrets());
      assert.ok(sim.requests.some((r) => r.fault === 'emptyPage' && r.query.page === '2'));

      // A record without a required field.
      const contract = sim.state.coworkerContracts.find((c) => c.Active && !c.Cancelled)!;
      const start = contract.StartDate;
      (contract as { StartDate: string | null }).StartDate = null;
      await rejectsWith(full(), UpstreamErrorCode.MALFORMED, secrets());
      contract.StartDate = start;

      sim.delayNext(1_000, { path: '/api/sys/businesses' });
      await rejectsWith(full(), UpstreamErrorCode.TIMEOUT, secrets());
      await full();
    },
    { connector: { pageSize: 10, timeoutMs: 300 } },
  );
});

async function receiver(): Promise<{
  url: string;
  got: Promise<{ path: string; headers: http.IncomingHttpHeaders; body: Buffer }>;
  close: () => Promise<void>;
}> {
  let resolve!: (v: { path: string; headers: http.IncomingHttpHeaders; body: Buffer }) => void;
  const got = new Promise<{ path: string; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (r) => (resolve = r),
  );
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end();
      resolve({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('webhooks: signature ok, bad or missing; coworker, contract and team actions; malformed bodies', async () => {
  // Parsed through the registry, as the webhook route does: no connector, no credentials.
  const registry = defaultConnectorRegistry();
  const parseWebhook = (request: WebhookRequest, secret: string | null, now: Date) =>
    registry.parseWebhook(IntegrationKind.NEXUDUS, request, secret, now);
  await withConnector(async ({ sim }) => {
    const secret = 'app-shared-secret';
    const rx = await receiver();
    try {
      const cw = sim.state.coworkers[3];
      sim.registerWebhook({
        url: `${rx.url}/webhooks/tok123/CoworkerUpdate`,
        action: WEBHOOK_ACTIONS.CoworkerUpdate,
        secret,
      });
      await sim.emitWebhook(WEBHOOK_ACTIONS.CoworkerUpdate, cw.Id);
      const d = await rx.got;
      const suffix = d.path.split('/').pop()!;
      const headers = { 'x-nexudus-hook-signature': d.headers['x-nexudus-hook-signature'] as string };
      const now = sim.now();
      const effect = parseWebhook({ headers, rawBody: d.body, pathSuffix: suffix }, secret, now);
      assert.deepEqual(effect.memberExternalIds, [String(cw.Id)]);
      assert.equal(effect.event, 'CoworkerUpdate');
      assert.equal(effect.fullSync, false);
      assert.match(effect.deliveryId, /^[0-9a-f]{64}$/);
      // The action number names the same delivery.
      assert.equal(
        parseWebhook({ headers, rawBody: d.body, pathSuffix: '2' }, secret, now).deliveryId,
        effect.deliveryId,
      );

      const bad = { 'x-nexudus-hook-signature': NexudusSimulator.sign(d.body.toString(), 'other-secret') };
      const code = (fn: () => unknown) => {
        try {
          fn();
        } catch (err) {
          assert.ok(err instanceof UpstreamError);
          assert.ok(!err.message.includes(secret));
          return err.code;
        }
        return 'no error';
      };
      assert.equal(
        code(() => parseWebhook({ headers: bad, rawBody: d.body, pathSuffix: suffix }, secret, now)),
        UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
      );
      assert.equal(
        code(() => parseWebhook({ headers: {}, rawBody: d.body, pathSuffix: suffix }, secret, now)),
        UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
      );
      const tampered = Buffer.from(d.body.toString().replace(String(cw.Id), String(cw.Id + 1)));
      assert.equal(
        code(() => parseWebhook({ headers, rawBody: tampered, pathSuffix: suffix }, secret, now)),
        UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
      );
      // Unsigned (UI-created) webhooks are accepted when no secret is configured.
      assert.deepEqual(
        parseWebhook({ headers: {}, rawBody: d.body, pathSuffix: suffix }, null, now).memberExternalIds,
        [String(cw.Id)],
      );

      const contract = sim.getRecord('coworkerContracts', sim.state.coworkerContracts[0].Id)!;
      const contractBody = Buffer.from(JSON.stringify([contract]));
      const signed = (body: Buffer) => ({
        'x-nexudus-hook-signature': NexudusSimulator.sign(body.toString(), secret),
      });
      const onContract = parseWebhook(
        { headers: signed(contractBody), rawBody: contractBody, pathSuffix: 'CoworkerContractCancel' },
        secret,
        now,
      );
      assert.deepEqual(onContract.memberExternalIds, [String(contract.CoworkerId)]);
      const team = Buffer.from(JSON.stringify([sim.getRecord('teams', sim.state.teams[0].Id)]));
      const onTeam = parseWebhook({ headers: {}, rawBody: team, pathSuffix: '58' }, null, now);
      assert.equal(onTeam.fullSync, true);
      assert.equal(onTeam.event, 'TeamUpdated');
      const deleted = Buffer.from(JSON.stringify([{ Id: 77, FullName: 'Gone', Email: 'g@example.com' }]));
      assert.deepEqual(
        parseWebhook({ headers: {}, rawBody: deleted, pathSuffix: 'coworkerdelete' }, null, now)
          .memberExternalIds,
        ['77'],
      );

      for (const [rawBody, pathSuffix] of [
        [Buffer.from('{"Id":1}'), 'CoworkerUpdate'],
        [Buffer.from('[]'), 'CoworkerUpdate'],
        [Buffer.from('[{"Id":1'), 'CoworkerUpdate'],
        [Buffer.from('[{"FullName":"x"}]'), 'CoworkerUpdate'],
        [Buffer.from('[{"Id":1}]'), 'NoSuchAction'],
        [Buffer.from('[{"Id":1}]'), null],
      ] as const)
        assert.equal(
          code(() => parseWebhook({ headers: {}, rawBody, pathSuffix }, null, now)),
          UpstreamErrorCode.WEBHOOK_MALFORMED,
        );
    } finally {
      await rx.close();
    }
  });
});

test('MEMBERS: businesses, teams and tariffs come from the integration cache, refreshed when a member names a new team', async () => {
  const referenceCache = new NexudusReferenceCache();
  await withConnector(
    async ({ sim, connector, full }) => {
      await full();
      const someone = sim.state.coworkerContracts.find((c) => c.Active && !c.Cancelled)!.CoworkerId;
      const listed = () =>
        sim.requests.filter((r) =>
          ['/api/sys/businesses', '/api/spaces/teams', '/api/billing/tariffs'].includes(r.path),
        ).length;
      const members = () =>
        connector.fetchSnapshot({
          mode: 'MEMBERS',
          memberExternalIds: [String(someone)],
          now: sim.now(),
          log,
        });

      sim.clearRequests();
      const cached = await members();
      assert.equal(listed(), 0, 'no reference lists for a one-member refresh');
      assert.ok(cached.groups.length > 0 && cached.locations.length > 0 && cached.plans.length > 0);

      const business = sim.state.businesses[0]!.Id;
      const team = sim.add('teams', { Name: 'Brand new team', BusinessId: business, TeamMembers: [someone] });
      const coworker = sim.getRecord('coworkers', someone)!;
      sim.update('coworkers', someone, { Teams: [...((coworker.Teams as number[]) ?? []), team.Id] });
      sim.clearRequests();
      const refreshed = await members();
      assert.ok(listed() > 0, 'an unknown team refreshes the cache');
      assert.ok(refreshed.groups.some((g) => g.externalId === String(team.Id)));
    },
    { connector: { referenceCache } },
  );
});

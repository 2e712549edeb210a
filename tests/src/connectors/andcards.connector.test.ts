// The Andcards (Spacebring) connector against the Spacebring simulator over real HTTP
// (coworking-apis.md Part 2). The simulator's clock follows real time from a fixed instant, so its
// 10 requests/s limit is on and measured against the connector's own pacing.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  UpstreamError,
  UpstreamErrorCode,
  type Connector,
  type FetchOptions,
  type StoredCredentials,
  type SyncLog,
  type UpstreamSnapshot,
  type WebhookRequest,
} from '../../../api/src/integrations/connector.js';
import { defaultConnectorRegistry } from '../../../api/src/integrations/default-registry.js';
import { IntegrationKind } from '../../../api/src/entities/enums.js';
import {
  connectAndcards,
  createAndcardsConnector,
} from '../../../api/src/integrations/andcards/andcards.connector.js';
import {
  SpacebringSimulator,
  sbDate,
  type SbMembership,
} from '../simulators/spacebring/spacebring-simulator.js';

const T0 = Date.parse('2025-03-10T12:00:00Z');
const DAY = 86_400_000;

function makeSim(seed: number): SpacebringSimulator {
  const p0 = performance.now();
  return new SpacebringSimulator({ seed, now: () => new Date(T0 + (performance.now() - p0)) });
}

function simNow(): Date {
  // Bookings "today" are judged at the simulator's day; a few seconds of drift do not matter.
  return new Date(T0 + 1000);
}

interface Harness {
  connector: Connector;
  sleeps: number[];
  logs: Array<{ level: string; message: string }>;
  errors: unknown[];
  fetch(opts?: Partial<FetchOptions>): Promise<UpstreamSnapshot>;
  failWith(opts?: Partial<FetchOptions>): Promise<UpstreamError>;
}

function harness(sim: SpacebringSimulator, extra: { timeoutMs?: number; secret?: string } = {}): Harness {
  const sleeps: number[] = [];
  const logs: Harness['logs'] = [];
  const errors: unknown[] = [];
  let creds: StoredCredentials = {
    kind: 'ANDCARDS',
    clientId: sim.state.clientId,
    clientSecret: extra.secret ?? sim.state.clientSecret,
  };
  const connector = createAndcardsConnector({
    baseUrl: sim.url,
    credentials: {
      load: () => Promise.resolve(creds),
      save: (c) => {
        creds = c;
        return Promise.resolve();
      },
    },
    timeoutMs: extra.timeoutMs,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const log: SyncLog = {
    info: (message) => logs.push({ level: 'info', message }),
    warn: (message) => logs.push({ level: 'warn', message }),
    debug: (message) => logs.push({ level: 'debug', message }),
  };
  const h: Harness = {
    connector,
    sleeps,
    logs,
    errors,
    fetch: (opts = {}) => connector.fetchSnapshot({ mode: 'FULL', now: simNow(), log, ...opts }),
    failWith: async (opts = {}) => {
      try {
        await h.fetch(opts);
      } catch (err) {
        errors.push(err);
        assert.ok(err instanceof UpstreamError, `expected an UpstreamError, got ${String(err)}`);
        return err;
      }
      assert.fail('expected the snapshot to fail');
    },
  };
  return h;
}

/** Every error message seen in this file, checked at the end for the secret. */
const seenErrors: Array<{ err: unknown; secret: string }> = [];

function assertNo429(sim: SpacebringSimulator): void {
  assert.deepEqual(
    sim.requests.filter((r) => r.status === 429).map((r) => r.path),
    [],
    'no request was throttled',
  );
}

describe('andcards connector: connect', () => {
  const sim = makeSim(11);
  before(async () => {
    sim.seedCommunity({ locations: 1 });
    await sim.start();
  });
  after(() => sim.stop());

  it('checks the client id and secret and returns storable credentials', async () => {
    const creds = await connectAndcards({
      baseUrl: sim.url,
      clientId: sim.state.clientId,
      clientSecret: sim.state.clientSecret,
    });
    assert.deepEqual(creds, {
      kind: 'ANDCARDS',
      clientId: sim.state.clientId,
      clientSecret: sim.state.clientSecret,
    });
    assert.equal(sim.requests.at(-1)!.auth, 'basic');
  });

  it('a wrong secret is UNAUTHORIZED and the message does not carry it', async () => {
    const wrong = 'sb_secret_wrong_0123456789';
    const err = await connectAndcards({
      baseUrl: sim.url,
      clientId: sim.state.clientId,
      clientSecret: wrong,
    }).then(
      () => assert.fail('connect should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof UpstreamError);
    assert.equal(err.code, UpstreamErrorCode.UNAUTHORIZED);
    assert.equal(err.details.status, 401);
    assert.ok(!err.message.includes(wrong));
    seenErrors.push({ err, secret: wrong });
  });

  it('a missing secret is REJECTED without a call', async () => {
    const before = sim.requests.length;
    const err = await connectAndcards({
      baseUrl: sim.url,
      clientId: sim.state.clientId,
      clientSecret: ' ',
    }).then(
      () => assert.fail('connect should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof UpstreamError);
    assert.equal(err.code, UpstreamErrorCode.REJECTED);
    assert.equal(sim.requests.length, before);
  });
});

describe('andcards connector: full snapshot', () => {
  const sim = makeSim(21);
  let h: Harness;
  let snapshot: UpstreamSnapshot;
  let roamer: SbMembership;
  let roamerAway: SbMembership;
  let companyMember: SbMembership;

  before(async () => {
    sim.seedCommunity({ locations: 2 });
    const [kyiv, warsaw] = sim.state.locations;
    // A person holding memberships in both locations.
    roamer = sim.state.memberships.find((m) => m.locationRef === kyiv.id && m.type === 'member')!;
    roamerAway = sim.addMembership(warsaw.id, { userRef: roamer.userRef });
    // A company on its own subscription (no personal one).
    const company = sim.addCompany(warsaw.id, { title: 'Enterprise Co' });
    const plan = sim.addPlan(warsaw.id, { title: 'Team Office' });
    companyMember = sim.addMembership(warsaw.id, { companyRef: company.id, companyRole: 'member' });
    sim.addSubscription({ companyRef: company.id }, plan.id, { endDate: null });
    await sim.start();
    h = harness(sim);
    snapshot = await h.fetch();
  });
  after(() => sim.stop());

  it('reads every location with its time zone', () => {
    assert.deepEqual(
      snapshot.locations.map((l) => [l.externalId, l.name, l.timezone]).sort(),
      sim.state.locations.map((l) => [l.id, l.title, l.timezoneId]).sort(),
    );
    assert.equal(snapshot.scope.kind, 'FULL');
    assert.deepEqual(snapshot.checkIns, []);
  });

  it('one member per user: a person in two locations is one member in both', () => {
    const live = new Set(sim.state.memberships.filter((m) => !m.deleteDate).map((m) => m.userRef));
    assert.equal(snapshot.members.length, live.size);
    assert.equal(new Set(snapshot.members.map((m) => m.externalId)).size, snapshot.members.length);
    const member = snapshot.members.find((m) => m.externalId === roamer.userRef)!;
    const user = sim.state.users.find((u) => u.id === roamer.userRef)!;
    assert.equal(member.email, user.email);
    assert.equal(member.fullName, `${user.name} ${user.surname}`);
    assert.deepEqual(member.locationExternalIds.sort(), [roamer.locationRef, roamerAway.locationRef].sort());
  });

  it('companies become COMPANY groups of their location, and their members belong to them', () => {
    const companies = sim.state.companies;
    assert.deepEqual(
      snapshot.groups.map((g) => [g.externalId, g.kind, g.name, g.locationExternalId]).sort(),
      companies.map((c) => [c.id, 'COMPANY', c.title, c.locationRef]).sort(),
    );
    const member = snapshot.members.find((m) => m.externalId === roamer.userRef)!;
    assert.deepEqual(member.groupExternalIds, [roamer.companyRef]);
    assert.equal(member.company, companies.find((c) => c.id === roamer.companyRef)!.title);
  });

  it('plans are read per location; active subscriptions keep their end date, ended ones are absent', () => {
    assert.deepEqual(snapshot.plans.map((p) => p.externalId).sort(), sim.state.plans.map((p) => p.id).sort());
    assert.ok(snapshot.plans.find((p) => p.name === 'Virtual Office')!.virtual);
    const own = sim.state.subscriptions.find((s) => s.membershipRef === roamer.id)!;
    const m = snapshot.memberships.find((x) => x.externalId === own.id)!;
    assert.equal(m.memberExternalId, roamer.userRef);
    assert.equal(m.planExternalId, own.items[0].planRef);
    assert.equal(m.locationExternalId, roamer.locationRef);
    assert.ok(own.endDate);
    assert.deepEqual(m.endsAt, new Date(own.endDate));
    assert.deepEqual(m.startsAt, new Date(own.startDate));
    for (const ended of sim.state.subscriptions.filter((s) => s.status === 'canceled')) {
      assert.ok(!snapshot.memberships.some((x) => x.externalId.startsWith(ended.id)));
    }
  });

  it('a company subscription is an open membership of each company member', () => {
    const sub = sim.state.subscriptions.find((s) => s.subscriptionType === 'company')!;
    const rows = snapshot.memberships.filter((m) => m.externalId.startsWith(sub.id));
    assert.deepEqual(
      rows.map((r) => [r.memberExternalId, r.endsAt]),
      [[companyMember.userRef, null]],
    );
  });

  it("today's desk and room bookings belong to their owners, with the right kind", () => {
    const kind = (resourceRef: string) => sim.state.resources.find((r) => r.id === resourceRef)!.type;
    const expected = sim.state.bookings.map((b) => {
      const owner = sim.state.memberships.find((m) => m.id === b.membershipRefOwner)!;
      return [b.id, owner.userRef, kind(b.resourceRef) === 'hotDesk' ? 'DESK' : 'ROOM'];
    });
    assert.equal(expected.length, 4);
    assert.deepEqual(
      snapshot.bookings.map((b) => [b.externalId, b.memberExternalId, b.kind]).sort(),
      expected.sort(),
    );
    assert.deepEqual(new Set(snapshot.bookings.map((b) => b.kind)), new Set(['DESK', 'ROOM']));
  });

  it('stays under 10 requests/s: no 429 over the run', () => {
    assert.ok(sim.requests.length > 10, 'the run needs more than one second of budget');
    assertNo429(sim);
    assert.ok(sim.requests.every((r) => r.auth === 'basic'));
  });

  it('INCREMENTAL falls back to a full read, and says so', async () => {
    const s = await h.fetch({ mode: 'INCREMENTAL', since: new Date(T0 - DAY) });
    assert.equal(s.scope.kind, 'FULL');
    assert.equal(s.members.length, snapshot.members.length);
    assert.ok(h.logs.some((l) => l.level === 'info' && /full read/.test(l.message)));
  });
});

describe('andcards connector: paging', () => {
  const sim = makeSim(31);
  before(async () => {
    sim.seedCommunity({ locations: 1, membersPerLocation: 2, nonmembersPerLocation: 2 });
    const loc = sim.state.locations[0];
    for (let i = 0; i < 230; i++) sim.addMembership(loc.id);
    await sim.start();
  });
  after(() => sim.stop());

  it('follows nextPageToken over more than 100 records with limit 100', async () => {
    const h = harness(sim);
    const snapshot = await h.fetch();
    const live = sim.state.memberships.length;
    assert.ok(live > 200);
    assert.equal(snapshot.members.length, live);
    const pages = sim.requests.filter((r) => r.path === '/community/memberships/v1');
    assert.equal(pages.length, Math.ceil(live / 100));
    assert.ok(pages.every((p) => p.query.limit === '100'));
    assert.equal(pages.filter((p) => p.query.nextPageToken).length, pages.length - 1);
    assertNo429(sim);
  });

  it('a lost page (cursor refused once) restarts the listing and still reads everyone', async () => {
    const h = harness(sim);
    sim.failNext({ kind: 'lostPage' }, { path: '/community/memberships/v1' });
    const snapshot = await h.fetch();
    assert.equal(snapshot.members.length, sim.state.memberships.length);
    assert.ok(sim.requests.some((r) => r.fault === 'lostPage'));
  });

  it('a page refused again after the restart is MALFORMED', async () => {
    const h = harness(sim);
    sim.failNext({ kind: 'lostPage' }, { path: '/community/memberships/v1', times: 2 });
    const err = await h.failWith();
    assert.equal(err.code, UpstreamErrorCode.MALFORMED);
    seenErrors.push({ err, secret: sim.state.clientSecret });
  });
});

describe('andcards connector: failures', () => {
  const sim = makeSim(41);
  before(async () => {
    sim.seedCommunity({ locations: 1, membersPerLocation: 2, nonmembersPerLocation: 2 });
    await sim.start();
  });
  after(() => sim.stop());

  const expectCode = async (h: Harness, code: string) => {
    const err = await h.failWith();
    assert.equal(err.code, code);
    seenErrors.push({ err, secret: sim.state.clientSecret });
    sim.clearFaults();
    return err;
  };

  it('a short 429 storm is waited out with backoff', async () => {
    const h = harness(sim);
    sim.failNext(
      { kind: 'status', status: 429, body: { message: 'Too many requests', type: 'rate_limit_error' } },
      { times: 3 },
    );
    const s = await h.fetch();
    assert.ok(s.members.length > 0);
    assert.equal(h.sleeps.length, 3);
    assert.ok(
      h.sleeps.every((ms) => ms >= 1000),
      JSON.stringify(h.sleeps),
    );
    assert.ok(h.sleeps[2] > h.sleeps[0], 'the backoff grows');
  });

  it('Retry-After is honoured when the API sends it', async () => {
    const h = harness(sim);
    sim.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    await h.fetch();
    assert.deepEqual(h.sleeps, [7000]);
  });

  it('a 429 storm beyond the retry budget is THROTTLED', async () => {
    sim.failNext({ kind: 'status', status: 429 }, { times: 50 });
    const h = harness(sim);
    const err = await expectCode(h, UpstreamErrorCode.THROTTLED);
    assert.equal(err.details.status, 429);
    assert.ok(h.sleeps.length >= 3, 'it backed off before giving up');
  });

  it('5xx is retried, then UNAVAILABLE', async () => {
    const h = harness(sim);
    sim.failNext({ kind: 'status', status: 502 }, { times: 1 });
    assert.ok((await h.fetch()).members.length > 0, 'one 502 is retried');
    sim.failNext({ kind: 'status', status: 503 }, { times: 50 });
    const err = await expectCode(harness(sim), UpstreamErrorCode.UNAVAILABLE);
    assert.equal(err.details.status, 503);
    assert.match(err.message, /\/locations\/v1/);
  });

  it('a network failure is UNAVAILABLE', async () => {
    const gone = makeSim(1);
    gone.state.clientId = sim.state.clientId;
    gone.state.clientSecret = sim.state.clientSecret;
    await gone.start();
    await gone.stop(); // nothing listens on its port any more
    const err = await harness(gone).failWith();
    assert.equal(err.code, UpstreamErrorCode.UNAVAILABLE);
    seenErrors.push({ err, secret: sim.state.clientSecret });
  });

  it('truncated and non-JSON bodies are MALFORMED', async () => {
    sim.failNext({ kind: 'truncatedBody' }, { path: '/plans/v1', times: 10 });
    const a = await expectCode(harness(sim), UpstreamErrorCode.MALFORMED);
    assert.match(a.message, /\/plans\/v1/);
    sim.failNext({ kind: 'malformedJson' }, { path: '/community/memberships/v1', times: 10 });
    await expectCode(harness(sim), UpstreamErrorCode.MALFORMED);
  });

  it('one truncated body is retried', async () => {
    const h = harness(sim);
    sim.failNext({ kind: 'truncatedBody' }, { path: '/plans/v1' });
    assert.ok((await h.fetch()).plans.length > 0);
  });

  it('a record missing required fields is MALFORMED', async () => {
    sim.failNext(
      {
        kind: 'status',
        status: 200,
        body: { memberships: [{ id: 'x', locationRef: sim.state.locations[0].id }] },
      },
      { path: '/community/memberships/v1' },
    );
    await expectCode(harness(sim), UpstreamErrorCode.MALFORMED);
    sim.failNext({ kind: 'status', status: 200, body: { nothing: [] } }, { path: '/resources/v1' });
    await expectCode(harness(sim), UpstreamErrorCode.MALFORMED);
  });

  it('401 is UNAUTHORIZED, 400 is REJECTED', async () => {
    sim.failNext({ kind: 'unauthorized' }, { path: '/subscriptions/v1' });
    await expectCode(harness(sim), UpstreamErrorCode.UNAUTHORIZED);
    sim.failNext({
      kind: 'status',
      status: 400,
      body: { message: 'Invalid "status"', type: 'invalid_request_error' },
    });
    const err = await expectCode(harness(sim), UpstreamErrorCode.REJECTED);
    assert.equal(err.details.status, 400);
  });

  it('a wrong stored secret is UNAUTHORIZED and never in the message, even when the upstream echoes it', async () => {
    const wrong = 'sb_secret_not_the_right_one_42';
    const err = await harness(sim, { secret: wrong }).failWith();
    assert.equal(err.code, UpstreamErrorCode.UNAUTHORIZED);
    seenErrors.push({ err, secret: wrong });
    const secret = sim.state.clientSecret;
    sim.failNext({
      kind: 'status',
      status: 400,
      body: { message: `bad request for ${secret}`, type: 'invalid_request_error' },
    });
    const echoed = await expectCode(harness(sim), UpstreamErrorCode.REJECTED);
    assert.ok(!echoed.message.includes(secret));
  });

  it('a slow answer is TIMEOUT', async () => {
    sim.delayNext(400, { path: '/locations/v1' });
    await expectCode(harness(sim, { timeoutMs: 100 }), UpstreamErrorCode.TIMEOUT);
  });

  it('stays under 10 requests/s over all these runs', () => {
    assert.deepEqual(
      sim.requests.filter((r) => r.status === 429 && !r.fault).map((r) => r.path),
      [],
    );
  });
});

describe('andcards connector: MEMBERS mode', () => {
  const sim = makeSim(51);
  let h: Harness;
  before(async () => {
    sim.seedCommunity({ locations: 2 });
    await sim.start();
    h = harness(sim);
  });
  after(() => sim.stop());

  it('refreshes one user across locations: memberships, subscriptions and bookings', async () => {
    const [kyiv, warsaw] = sim.state.locations;
    const m = sim.state.memberships.find((x) => x.locationRef === kyiv.id && x.type === 'member')!;
    const away = sim.addMembership(warsaw.id, { userRef: m.userRef });
    const desk = sim.state.resources.find((r) => r.locationRef === warsaw.id && r.type === 'hotDesk')!;
    const booking = sim.addBooking({ resourceRef: desk.id, membershipRefOwner: away.id });
    const nextWeek = sim.addBooking({
      resourceRef: desk.id,
      membershipRefOwner: away.id,
      startDate: sbDate(new Date(T0 + 3 * DAY)),
      endDate: sbDate(new Date(T0 + 3 * DAY + 3_600_000)),
    });
    const s = await h.fetch({ mode: 'MEMBERS', memberExternalIds: [m.userRef] });
    assert.deepEqual(s.scope, { kind: 'PARTIAL', memberExternalIds: [m.userRef] });
    assert.deepEqual(
      s.members.map((x) => x.externalId),
      [m.userRef],
    );
    assert.deepEqual(s.members[0].locationExternalIds.sort(), [kyiv.id, warsaw.id].sort());
    assert.deepEqual(
      s.memberships.map((x) => x.externalId),
      [sim.state.subscriptions.find((x) => x.membershipRef === m.id)!.id],
    );
    assert.deepEqual(
      s.bookings.map((b) => [b.externalId, b.kind]).sort(),
      [
        [booking.id, 'DESK'],
        [nextWeek.id, 'DESK'],
      ].sort(),
    );
    // Only this user's memberships were listed, by userRef.
    const lists = sim.requests.filter((r) => r.path === '/community/memberships/v1');
    assert.ok(lists.length > 0 && lists.every((r) => r.query.userRef === m.userRef));
  });

  it('a user whose memberships were deleted is absent from a PARTIAL snapshot that names them', async () => {
    const kyiv = sim.state.locations[0];
    const m = sim.state.memberships.filter(
      (x) => x.locationRef === kyiv.id && x.type === 'member' && !x.deleteDate,
    )[1];
    sim.deleteMembership(m.id);
    sim.clearRequestLog();
    const s = await h.fetch({ mode: 'MEMBERS', memberExternalIds: [m.userRef] });
    assert.deepEqual(s.scope, { kind: 'PARTIAL', memberExternalIds: [m.userRef] });
    assert.deepEqual(s.members, []);
    assert.deepEqual(s.memberships, []);
    assert.ok(
      sim.requests.some(
        (r) => r.path === '/community/memberships/v1/deleted' && r.query.userRef === m.userRef,
      ),
    );
    assert.ok(h.logs.some((l) => /no membership left/.test(l.message)));
    assertNo429(sim);
  });
});

describe('andcards connector: Svix webhooks', () => {
  const sim = makeSim(61);
  const received: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  let secret = '';
  // Parsed through the registry, as the webhook route does: no connector, no credentials.
  const registry = defaultConnectorRegistry();
  const parseWebhook = (request: WebhookRequest, key: string | null, at: Date) =>
    registry.parseWebhook(IntegrationKind.ANDCARDS, request, key, at);

  before(async () => {
    sim.seedCommunity({ locations: 1 });
    await sim.start();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    secret = sim.registerWebhook(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/tok`,
    ).secret;
  });
  after(async () => {
    await sim.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const last = () => {
    const d = received.at(-1)!;
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(d.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
    return { headers, rawBody: d.body, pathSuffix: null };
  };
  const now = () => new Date(T0 + 2000);
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof UpstreamError);
      return err.code;
    }
    return null;
  };

  it('a booking event with a valid signature names its owner; deliveryId is svix-id', async () => {
    const b = sim.state.bookings[0];
    await sim.sendBookingWebhook('booking.created', b.id);
    const req = last();
    const effect = parseWebhook(req, secret, now());
    const owner = sim.state.memberships.find((m) => m.id === b.membershipRefOwner)!;
    assert.deepEqual(effect, {
      event: 'booking.created',
      deliveryId: req.headers['svix-id'],
      memberExternalIds: [owner.userRef],
      fullSync: false,
    });
  });

  it('membership and user subscription events name the user; company events ask for a full sync', async () => {
    const m = sim.state.memberships.find((x) => x.type === 'member')!;
    await sim.sendMembershipWebhook('membership.updated', m.id);
    assert.deepEqual(parseWebhook(last(), secret, now()).memberExternalIds, [m.userRef]);
    const sub = sim.state.subscriptions.find((s) => s.membershipRef === m.id)!;
    await sim.sendSubscriptionWebhook('subscription.ended', sub.id);
    assert.deepEqual(parseWebhook(last(), secret, now()).memberExternalIds, [m.userRef]);
    const company = sim.state.companies[0];
    const csub = sim.addSubscription({ companyRef: company.id }, sim.state.plans[0].id);
    await sim.sendSubscriptionWebhook('subscription.created', csub.id);
    assert.equal(parseWebhook(last(), secret, now()).fullSync, true);
    await sim.sendWebhook('company.updated', company);
    const e = parseWebhook(last(), secret, now());
    assert.deepEqual([e.event, e.fullSync, e.memberExternalIds], ['company.updated', true, []]);
  });

  it('a wrong secret, a tampered body or an old timestamp is WEBHOOK_SIGNATURE_INVALID', async () => {
    const b = sim.state.bookings[0];
    await sim.sendBookingWebhook('booking.created', b.id, {
      signWithSecret: 'whsec_' + Buffer.from('another key of 24 bytes!').toString('base64'),
    });
    assert.equal(
      codeOf(() => parseWebhook(last(), secret, now())),
      UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );

    await sim.sendBookingWebhook('booking.created', b.id);
    const tampered = {
      ...last(),
      rawBody: Buffer.from(last().rawBody.toString().replace('booking.created', 'booking.deleted')),
    };
    assert.equal(
      codeOf(() => parseWebhook(tampered, secret, now())),
      UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );

    await sim.sendBookingWebhook('booking.created', b.id, { timestamp: Math.floor(T0 / 1000) - 6 * 60 });
    assert.equal(
      codeOf(() => parseWebhook(last(), secret, now())),
      UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );

    const unsigned = { ...last(), headers: { ...last().headers, 'svix-signature': undefined } };
    assert.equal(
      codeOf(() => parseWebhook(unsigned, secret, now())),
      UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('a signature list with one valid entry among others is accepted (rotated secrets)', async () => {
    const b = sim.state.bookings[0];
    await sim.sendBookingWebhook('booking.updated', b.id, {
      alsoSignWith: ['whsec_' + Buffer.from('old key old key old key!').toString('base64')],
    });
    assert.equal(last().headers['svix-signature']!.split(' ').length, 2);
    assert.equal(parseWebhook(last(), secret, now()).event, 'booking.updated');
  });

  it('without a configured secret the body is only parsed', async () => {
    const b = sim.state.bookings[0];
    await sim.sendBookingWebhook('booking.created', b.id, {
      signWithSecret: 'whsec_' + Buffer.from('x').toString('base64'),
    });
    assert.equal(parseWebhook(last(), null, now()).fullSync, false);
  });

  it('malformed bodies are WEBHOOK_MALFORMED', async () => {
    await sim.sendWebhook('membership.updated', { id: 'm-without-user' });
    assert.equal(
      codeOf(() => parseWebhook(last(), secret, now())),
      UpstreamErrorCode.WEBHOOK_MALFORMED,
    );
    const req = last();
    for (const raw of ['not json', '[]', '{"booking":{}}', '{"type":"booking.created"}']) {
      assert.equal(
        codeOf(() => parseWebhook({ ...req, rawBody: Buffer.from(raw) }, null, now())),
        UpstreamErrorCode.WEBHOOK_MALFORMED,
        raw,
      );
    }
  });
});

describe('andcards connector: secrets', () => {
  it('the client secret never appears in any error seen above', () => {
    assert.ok(seenErrors.length >= 10);
    for (const e of seenErrors) {
      const text = e.err instanceof Error ? `${e.err.message} ${JSON.stringify(e.err)}` : String(e.err);
      assert.ok(!text.includes(e.secret));
    }
  });
});

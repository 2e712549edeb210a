// Exercises the Spacebring simulator over real HTTP (fetch), against the behaviour documented in
// /work/shared/reference/coworking-apis.md Part 2.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SpacebringSimulator } from './spacebring-simulator.js';

const T0 = Date.parse('2025-03-10T12:00:00Z');

function makeSim(seed = 7) {
  const clock = { t: T0 };
  const sim = new SpacebringSimulator({ seed, now: () => new Date(clock.t) });
  return { sim, clock };
}

async function getJson(
  base: string,
  path: string,
  auth: string | null,
  headers: Record<string, string> = {},
) {
  const res = await fetch(base + path, { headers: auth ? { authorization: auth, ...headers } : headers });
  const text = await res.text();
  return { res, status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}

/** Independent Svix verification (§2.7): HMAC-SHA256 over "{id}.{timestamp}.{body}", key = base64 after whsec_. */
function verifySvix(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const id = headers['svix-id'];
  const ts = headers['svix-timestamp'];
  const sigHeader = headers['svix-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigHeader !== 'string') return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${rawBody}`).digest();
  return sigHeader.split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('spacebring simulator', () => {
  const { sim, clock } = makeSim();
  let base = '';
  let auth = '';
  let locationId = '';

  before(async () => {
    sim.seedCommunity({ locations: 2 });
    base = await sim.start();
    auth = sim.basicAuthHeader();
    locationId = sim.state.locations[0].id;
    sim.rateLimit.enabled = false; // turned on in the rate-limit test only
  });
  after(() => sim.stop());

  it('accepts Basic client_id:client_secret and refuses anything else (§2.1)', async () => {
    const ok = await getJson(base, '/networks/v1', auth);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.networks.length, 1);
    assert.ok(ok.body.networks[0].id && ok.body.networks[0].title);

    const none = await getJson(base, '/locations/v1', null);
    assert.equal(none.status, 401);
    assert.equal(typeof none.body.message, 'string');
    assert.equal(typeof none.body.type, 'string');

    const wrong = 'Basic ' + Buffer.from(`${sim.state.clientId}:nope`).toString('base64');
    assert.equal((await getJson(base, '/locations/v1', wrong)).status, 401);

    const locs = await getJson(base, '/locations/v1', auth);
    assert.equal(locs.status, 200);
    assert.equal(locs.body.locations.length, 2);
    const loc = locs.body.locations[0];
    for (const k of ['id', 'networkRef', 'title', 'timezoneId', 'currencyCode', 'createDate'])
      assert.ok(k in loc, k);
    assert.match(loc.createDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/); // §2.2 ISO-8601 UTC, no millis
    const one = await getJson(base, `/locations/v1/${loc.id}`, auth);
    assert.equal(one.body.location.id, loc.id);
  });

  it('regenerating credentials invalidates the old pair (§2.1)', async () => {
    const { sim: s2 } = makeSim(99);
    s2.seedCommunity();
    const b2 = await s2.start();
    try {
      const old = s2.basicAuthHeader();
      s2.regenerateCredentials();
      assert.equal((await getJson(b2, '/networks/v1', old)).status, 401);
      assert.equal((await getJson(b2, '/networks/v1', s2.basicAuthHeader())).status, 200);
    } finally {
      await s2.stop();
    }
  });

  it('pages memberships with a cursor, caps limit at 100 and omits nextPageToken on the last page (§2.2)', async () => {
    for (let i = 0; i < 230; i++) sim.addMembership(locationId);
    const expected = sim.state.memberships.filter(
      (m) => m.locationRef === locationId && !m.deleteDate,
    ).length;
    assert.ok(expected > 230);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ locationRef: locationId, limit: '500' });
      if (token) qs.set('nextPageToken', token);
      const { status, body } = await getJson(base, `/community/memberships/v1?${qs}`, auth);
      assert.equal(status, 200);
      assert.ok(body.memberships.length <= 100, 'limit capped at 100');
      if (body.nextPageToken) assert.equal(body.memberships.length, 100);
      else assert.ok(!('nextPageToken' in body), 'nextPageToken omitted on the last page');
      seen.push(...body.memberships.map((m: any) => m.id));
      token = body.nextPageToken;
      pages++;
    } while (token);
    assert.equal(pages, Math.ceil(expected / 100));
    assert.equal(seen.length, expected);
    assert.equal(new Set(seen).size, expected);

    const dflt = await getJson(base, `/community/memberships/v1?locationRef=${locationId}`, auth);
    assert.equal(dflt.body.memberships.length, 25, 'default limit 25');
    const m = dflt.body.memberships[0];
    for (const k of [
      'id',
      'locationRef',
      'userRef',
      'user',
      'companyRef',
      'type',
      'role',
      'status',
      'subscriptionRef',
    ]) {
      assert.ok(k in m, k);
    }
    for (const k of ['email', 'name', 'surname']) assert.ok(k in m.user, k);

    const zero = await getJson(base, `/community/memberships/v1?locationRef=${locationId}&limit=0`, auth);
    assert.equal(zero.status, 400);
    assert.deepEqual(Object.keys(zero.body).sort(), ['message', 'type']); // §2.2 error body

    // "keep the same filters" on follow-up pages
    const changed = await getJson(
      base,
      `/community/memberships/v1?locationRef=${locationId}&types=member&nextPageToken=${dflt.body.nextPageToken}`,
      auth,
    );
    assert.equal(changed.status, 400);
    const bad = await getJson(
      base,
      `/community/memberships/v1?locationRef=${locationId}&nextPageToken=garbage`,
      auth,
    );
    assert.equal(bad.status, 400);

    const missing = await getJson(base, '/community/memberships/v1', auth);
    assert.equal(missing.status, 400, 'locationRef is required');
  });

  it('filters memberships, companies, subscriptions and resources as documented (§2.4-2.6)', async () => {
    const q = (p: string) => getJson(base, p, auth);
    const members = await q(`/community/memberships/v1?locationRef=${locationId}&types=member&limit=100`);
    assert.equal(members.body.memberships.length, 8);
    assert.ok(members.body.memberships.every((m: any) => m.type === 'member'));

    const target = members.body.memberships[0];
    const byEmail = await q(
      `/community/memberships/v1?locationRef=${locationId}&userEmail=${encodeURIComponent(target.user.email.toUpperCase())}`,
    );
    assert.deepEqual(
      byEmail.body.memberships.map((m: any) => m.id),
      [target.id],
    );

    const companies = await q(`/community/companies/v1?locationRef=${locationId}`);
    assert.equal(companies.body.companies.length, 2);
    const company = companies.body.companies[0];
    const ofCompany = await q(`/community/memberships/v1?locationRef=${locationId}&companyRef=${company.id}`);
    assert.ok(ofCompany.body.memberships.length > 0);
    assert.ok(ofCompany.body.memberships.every((m: any) => m.companyRef === company.id));

    // Deleted memberships move to /deleted.
    sim.deleteMembership(target.id);
    const deleted = await q(`/community/memberships/v1/deleted?locationRef=${locationId}`);
    assert.deepEqual(
      deleted.body.memberships.map((m: any) => m.id),
      [target.id],
    );
    assert.ok(deleted.body.memberships[0].deleteDate);
    assert.equal((await q(`/community/memberships/v1/${target.id}`)).status, 404);

    // Subscriptions: default status active,scheduled,incomplete hides the ended one.
    const subs = await q(`/subscriptions/v1?locationRef=${locationId}&limit=100`);
    assert.equal(subs.body.subscriptions.length, 8);
    assert.ok(subs.body.subscriptions.every((s: any) => s.status === 'active'));
    const s0 = subs.body.subscriptions[0];
    for (const k of [
      'customerRef',
      'customer',
      'subscriptionType',
      'startDate',
      'endDate',
      'items',
      'membershipRef',
    ]) {
      assert.ok(k in s0, k);
    }
    const canceled = await q(`/subscriptions/v1?locationRef=${locationId}&status=canceled`);
    assert.equal(canceled.body.subscriptions.length, 1);
    assert.ok(Date.parse(canceled.body.subscriptions[0].endDate) < T0);
    const byCustomer = await q(`/subscriptions/v1?customerRef=${s0.customerRef}`);
    assert.deepEqual(
      byCustomer.body.subscriptions.map((s: any) => s.id),
      [s0.id],
    );
    assert.equal((await q('/subscriptions/v1')).status, 400);
    assert.equal((await q(`/subscriptions/v1?locationRef=${locationId}&status=bogus`)).status, 400);

    const desks = await q(`/resources/v1?locationRef=${locationId}&types=hotDesk,dedicatedDesk`);
    assert.equal(desks.body.resources.length, 5);
    const rooms = await q(`/resources/v1?locationRef=${locationId}&types=meetingRoom`);
    assert.equal(rooms.body.resources.length, 2);
    const plans = await q(`/plans/v1?locationRef=${locationId}`);
    assert.deepEqual(plans.body.plans.map((p: any) => p.title).sort(), ['Hot Desk', 'Virtual Office']);
  });

  it("lists today's bookings with bracket date filters, type and status, and cancels with DELETE → 204 (§2.6)", async () => {
    const q = (p: string) => getJson(base, p, auth);
    const dayStart = '2025-03-10T00:00:00Z';
    const dayEnd = '2025-03-11T00:00:00Z';
    const today = `/resources/bookings/v1?locationRef=${locationId}&startDate[lt]=${dayEnd}&endDate[gt]=${dayStart}`;
    const all = await q(today);
    assert.equal(all.status, 200);
    assert.equal(all.body.bookings.length, 2);
    const desk = await q(`${today}&type=hotDesk`);
    assert.equal(desk.body.bookings.length, 1);
    const room = await q(`${today}&type=meetingRoom`);
    assert.equal(room.body.bookings.length, 1);
    assert.equal(room.body.bookings[0].title, 'Standup');
    const tomorrow = await q(`/resources/bookings/v1?locationRef=${locationId}&startDate[gte]=${dayEnd}`);
    assert.equal(tomorrow.body.bookings.length, 0);
    assert.equal((await q('/resources/bookings/v1')).status, 400, 'locationRef or resourceRef required');
    assert.equal(
      (await q(`/resources/bookings/v1?locationRef=${locationId}&startDate[gte]=notadate`)).status,
      400,
    );

    const b = desk.body.bookings[0];
    assert.equal(b.userOwner.email, sim.state.users.find((u) => u.id === b.userOwner.id)!.email);
    assert.ok(!('status' in b), 'list schema has no status field');
    const del = await fetch(`${base}/resources/bookings/v1/${b.id}`, {
      method: 'DELETE',
      headers: { authorization: auth },
    });
    assert.equal(del.status, 204);
    assert.equal((await q(`${today}&type=hotDesk`)).body.bookings.length, 0);
    const withCanceled = await q(`${today}&type=hotDesk&status=canceled`);
    assert.equal(withCanceled.body.bookings.length, 1);
    assert.ok(withCanceled.body.bookings[0].deleteDate);

    const owner = sim.state.memberships.find((m) => m.locationRef === locationId && m.type === 'nonmember')!;
    const post = await fetch(`${base}/resources/bookings/v1`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        booking: {
          resourceRef: b.resourceRef,
          membershipRefOwner: owner.id,
          startDate: '2025-03-10T13:00:00Z',
          endDate: '2025-03-10T15:00:00Z',
          title: 'Focus',
        },
      }),
    });
    assert.equal(post.status, 201);
    assert.equal((await q(`${today}&customerRef=${owner.id}&type=hotDesk`)).body.bookings.length, 1);
  });

  it('answers 429 past 10 requests per second and recovers a second later (§2.2)', async () => {
    sim.rateLimit.enabled = true;
    sim.resetRateLimit();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await getJson(base, '/networks/v1', auth)).status);
      assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
      const limited = await getJson(base, '/networks/v1', auth);
      assert.equal(limited.status, 429);
      assert.equal(typeof limited.body.message, 'string');
      // Retry-After is not documented as sent (§2.2 [I]) — off by default, switchable.
      assert.equal(limited.res.headers.get('retry-after'), null);
      sim.rateLimit.retryAfterSeconds = 1;
      assert.equal((await getJson(base, '/networks/v1', auth)).res.headers.get('retry-after'), '1');

      clock.t += 1000;
      assert.equal((await getJson(base, '/networks/v1', auth)).status, 200);
    } finally {
      sim.rateLimit.enabled = false;
      sim.rateLimit.retryAfterSeconds = null;
      clock.t = T0;
    }
  });

  it('sends Svix-signed webhooks verifiable independently (§2.7)', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/spacebring`;
      const { secret } = sim.registerWebhook(url);
      assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);
      const booking = sim.state.bookings.find((b) => !b.deleteDate)!;
      const [delivery] = await sim.sendBookingWebhook('booking.created', booking.id);
      assert.equal(delivery.status, 204);
      assert.equal(received.length, 1);
      const got = received[0];
      assert.match(String(got.headers['svix-id']), /^msg_/);
      assert.equal(got.headers['svix-timestamp'], String(T0 / 1000));
      assert.ok(verifySvix(secret, got.headers, got.body));
      assert.ok(!verifySvix('whsec_' + Buffer.from('another key').toString('base64'), got.headers, got.body));
      assert.ok(!verifySvix(secret, got.headers, got.body.replace('booking', 'bookinG')));
      const payload = JSON.parse(got.body);
      assert.equal(payload.type, 'booking.created');
      assert.equal(payload.booking.id, booking.id);
      assert.ok(['hotDesk', 'meetingRoom'].includes(payload.booking.resourceType));

      // Signed with a foreign key only → the independent verifier refuses it; with a rotation list it accepts.
      const foreign = 'whsec_' + Buffer.from('rotated-key-0123456789').toString('base64');
      const membership = sim.state.memberships[0];
      await sim.sendMembershipWebhook('membership.updated', membership.id, { signWithSecret: foreign });
      assert.ok(!verifySvix(secret, received[1].headers, received[1].body));
      await sim.sendMembershipWebhook('membership.updated', membership.id, {
        signWithSecret: foreign,
        alsoSignWith: [secret],
      });
      assert.equal(String(received[2].headers['svix-signature']).split(' ').length, 2);
      assert.ok(verifySvix(secret, received[2].headers, received[2].body));
      assert.equal(JSON.parse(received[2].body).membership.id, membership.id);
    } finally {
      sim.unregisterWebhooks();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('fails the next request on demand: 5xx, 401, malformed JSON, truncated body, delay', async () => {
    const path = `/community/memberships/v1?locationRef=${locationId}`;
    sim.failNext({ kind: 'status', status: 503 });
    assert.equal((await getJson(base, path, auth)).status, 503);
    assert.equal((await getJson(base, path, auth)).status, 200, 'only the next request fails');

    sim.failNext({ kind: 'unauthorized' });
    assert.equal((await getJson(base, path, auth)).status, 401);

    sim.failNext({ kind: 'malformedJson' }, { path: '/community/memberships/v1' });
    assert.equal((await getJson(base, '/networks/v1', auth)).status, 200, 'path filter respected');
    const malformed = await fetch(base + path, { headers: { authorization: auth } });
    assert.equal(malformed.status, 200);
    await assert.rejects(malformed.json(), SyntaxError);

    sim.failNext({ kind: 'truncatedBody' });
    await assert.rejects(async () => {
      const res = await fetch(base + path, { headers: { authorization: auth } });
      await res.text();
    });

    sim.delayNext(20);
    assert.equal((await getJson(base, path, auth)).status, 200);
    assert.equal(sim.requests.at(-1)!.fault, 'delay');

    // A lost page: only the follow-up request carrying nextPageToken is refused.
    sim.failNext({ kind: 'lostPage' });
    const first = await getJson(base, `${path}&limit=2`, auth);
    assert.equal(first.status, 200);
    assert.equal(typeof first.body.nextPageToken, 'string');
    const lost = await getJson(
      base,
      `${path}&limit=2&nextPageToken=${encodeURIComponent(first.body.nextPageToken)}`,
      auth,
    );
    assert.equal(lost.status, 400);
    assert.equal(lost.body.type, 'invalid_request_error');
    const again = await getJson(
      base,
      `${path}&limit=2&nextPageToken=${encodeURIComponent(first.body.nextPageToken)}`,
      auth,
    );
    assert.equal(again.status, 200, 'the fault applies once');
  });

  it('supports OAuth2 authorization-code tokens with the spacebring-network-id header (§2.1)', async () => {
    const authorize = await fetch(
      `${base}/oauth2/authorize?client_id=${sim.state.clientId}&redirect_uri=${encodeURIComponent('https://app.example/cb')}&response_type=code&scope=community.readonly%20locations&state=xyz`,
      { redirect: 'manual' },
    );
    assert.equal(authorize.status, 302);
    const cb = new URL(authorize.headers.get('location')!);
    assert.equal(cb.searchParams.get('state'), 'xyz');
    const form = new URLSearchParams({
      client_id: sim.state.clientId,
      client_secret: sim.state.clientSecret,
      grant_type: 'authorization_code',
      code: cb.searchParams.get('code')!,
    });
    const tokenRes = await fetch(`${base}/oauth2/token`, { method: 'POST', body: form });
    const token = (await tokenRes.json()) as any;
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.expires_in, 3600);
    const bearer = `Bearer ${token.access_token}`;
    const networkId = sim.state.networks[0].id;

    assert.equal((await getJson(base, '/locations/v1', bearer)).status, 400, 'network header required');
    const hdr = { 'spacebring-network-id': networkId };
    assert.equal((await getJson(base, '/locations/v1', bearer, hdr)).status, 200);
    assert.equal(
      (await getJson(base, `/community/memberships/v1?locationRef=${locationId}`, bearer, hdr)).status,
      200,
    );
    assert.equal(
      (await getJson(base, `/plans/v1?locationRef=${locationId}`, bearer, hdr)).status,
      403,
      'scope',
    );

    clock.t += 3600_000;
    try {
      assert.equal((await getJson(base, '/locations/v1', bearer, hdr)).status, 401, '1 h tokens');
    } finally {
      clock.t = T0;
    }
  });

  it('logs every request for assertions', () => {
    assert.ok(sim.requests.length > 20);
    const r = sim.requests.find((x) => x.path === '/community/memberships/v1' && x.query.limit === '500');
    assert.ok(r);
    assert.equal(r.auth, 'basic');
    assert.equal(r.status, 200);
  });
});

// Tests of the Nexudus simulator against coworking-apis.md Part 1; every check is a real HTTP request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_ADMIN,
  NexudusSimulator,
  WEBHOOK_ACTIONS,
  generateTotpSecret,
  totp,
} from './nexudus-simulator.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (email: string = DEFAULT_ADMIN.email, pw: string = DEFAULT_ADMIN.password) =>
  'Basic ' + Buffer.from(`${email}:${pw}`).toString('base64');

async function withSim(
  fn: (sim: NexudusSimulator, base: string) => Promise<void>,
  opts: ConstructorParameters<typeof NexudusSimulator>[0] = {},
): Promise<void> {
  const sim = new NexudusSimulator({ seed: 42, ...opts });
  const base = await sim.start();
  try {
    await fn(sim, base);
  } finally {
    await sim.stop();
  }
}

async function token(base: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/token`, {
    method: 'POST',
    headers: { ...FORM, ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function getJson(base: string, path: string, auth = basic()) {
  const res = await fetch(base + path, { headers: { authorization: auth } });
  const text = await res.text();
  return { res, status: res.status, body: text ? JSON.parse(text) : null };
}

test('token endpoint: form-encoded password grant; JSON refused; bad password', async () => {
  await withSim(async (_sim, base) => {
    const ok = await token(base, {
      grant_type: 'password',
      username: DEFAULT_ADMIN.email,
      password: DEFAULT_ADMIN.password,
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.token_type, 'bearer');
    assert.equal(ok.body.expires_in, 604799);
    assert.ok(ok.body.access_token && ok.body.refresh_token);

    const asJson = await fetch(`${base}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        username: DEFAULT_ADMIN.email,
        password: DEFAULT_ADMIN.password,
      }),
    });
    assert.equal(asJson.status, 400);
    assert.deepEqual(await asJson.json(), { error: 'unsupported_grant_type' });

    const bad = await token(base, {
      grant_type: 'password',
      username: DEFAULT_ADMIN.email,
      password: 'nope',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      error: 'invalid_grant',
      error_description: 'The user name or password is incorrect.',
    });

    const unknownGrant = await token(base, { grant_type: 'client_credentials' });
    assert.equal(unknownGrant.body.error, 'unsupported_grant_type');
  });
});

test('token endpoint: password + TOTP (2FA)', async () => {
  await withSim(async (sim, base) => {
    const secret = generateTotpSecret();
    sim.addUser({ email: 'twofa@example.com', password: 'pw', totpSecret: secret });
    const creds = { grant_type: 'password', username: 'twofa@example.com', password: 'pw' };
    const missing = await token(base, creds);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'two_factor_auth_check');
    const wrongCode = String((Number(totp(secret, sim.now())) + 500_000) % 1_000_000).padStart(6, '0');
    const wrong = await token(base, { ...creds, totp: wrongCode });
    assert.equal(wrong.body.error, 'two_factor_auth_check');
    const ok = await token(base, { ...creds, totp: totp(secret, sim.now()) });
    assert.equal(ok.status, 200);
    const me = await getJson(base, '/api/sys/businesses', `Bearer ${ok.body.access_token}`);
    assert.equal(me.status, 200);
  });
});

test('token endpoint: refresh_token grant rotates per client_id', async () => {
  await withSim(async (_sim, base) => {
    const creds = { grant_type: 'password', username: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password };
    const first = await token(base, creds, { client_id: 'lanyard' });
    // Wrong / missing client_id header (defaults to the email) → refused.
    const noHeader = await token(base, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
    });
    assert.equal(noHeader.body.error, 'invalid_grant');
    const refreshed = await token(
      base,
      { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
      { client_id: 'lanyard' },
    );
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.access_token, first.body.access_token);
    // Issuing a new refresh token for the client_id invalidated the old one.
    const reused = await token(
      base,
      { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
      { client_id: 'lanyard' },
    );
    assert.equal(reused.body.error, 'invalid_grant');
    // Default client_id (no header on issuance) refreshes without the header.
    const dflt = await token(base, creds);
    const r2 = await token(base, { grant_type: 'refresh_token', refresh_token: dflt.body.refresh_token });
    assert.equal(r2.status, 200);
  });
});

test('expired access token → 401; refresh still works; refresh expires after 15 days', async () => {
  await withSim(
    async (sim, base) => {
      const t = await token(base, {
        grant_type: 'password',
        username: DEFAULT_ADMIN.email,
        password: DEFAULT_ADMIN.password,
      });
      assert.equal(t.body.expires_in, 60);
      assert.equal(
        (await getJson(base, '/api/spaces/coworkers', `Bearer ${t.body.access_token}`)).status,
        200,
      );
      sim.advanceTime(61_000);
      const expired = await getJson(base, '/api/spaces/coworkers', `Bearer ${t.body.access_token}`);
      assert.equal(expired.status, 401);
      const r = await token(base, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token });
      assert.equal(r.status, 200);
      assert.equal(
        (await getJson(base, '/api/spaces/coworkers', `Bearer ${r.body.access_token}`)).status,
        200,
      );
      sim.advanceTime(16 * 86_400_000);
      const late = await token(base, { grant_type: 'refresh_token', refresh_token: r.body.refresh_token });
      assert.equal(late.body.error, 'invalid_grant');
    },
    { accessTokenSeconds: 60 },
  );
});

test('Basic and Bearer auth; 401 without, with wrong credentials, without API access or role', async () => {
  await withSim(async (sim, base) => {
    sim.seedCommunity({ businesses: 1, coworkersPerBusiness: 3 });
    const t = await token(base, {
      grant_type: 'password',
      username: DEFAULT_ADMIN.email,
      password: DEFAULT_ADMIN.password,
    });
    sim.clearRequests();
    assert.equal((await getJson(base, '/api/spaces/coworkers')).status, 200);
    assert.equal((await getJson(base, '/api/spaces/coworkers', `Bearer ${t.body.access_token}`)).status, 200);
    assert.equal((await fetch(`${base}/api/spaces/coworkers`)).status, 401);
    assert.equal((await getJson(base, '/api/spaces/coworkers', basic(DEFAULT_ADMIN.email, 'x'))).status, 401);
    assert.equal((await getJson(base, '/api/spaces/coworkers', 'Bearer nope')).status, 401);
    sim.addUser({ email: 'noapi@example.com', password: 'pw', apiAccess: false });
    assert.equal(
      (await getJson(base, '/api/spaces/coworkers', basic('noapi@example.com', 'pw'))).status,
      401,
    );
    sim.addUser({ email: 'limited@example.com', password: 'pw', roles: ['Coworker-List'] });
    assert.equal(
      (await getJson(base, '/api/spaces/coworkers', basic('limited@example.com', 'pw'))).status,
      200,
    );
    assert.equal((await getJson(base, '/api/spaces/teams', basic('limited@example.com', 'pw'))).status, 401);
    assert.deepEqual(
      sim.requests.slice(0, 5).map((r) => [r.auth, r.status]),
      [
        ['basic', 200],
        ['bearer', 200],
        ['none', 401],
        ['basic', 401],
        ['bearer', 401],
      ],
    );
    assert.equal(sim.requests[0].path, '/api/spaces/coworkers');
  });
});

test('list envelope and paging across pages', async () => {
  await withSim(async (sim, base) => {
    sim.seedCommunity({ businesses: 1, coworkersPerBusiness: 60 });
    const p1 = await getJson(base, '/api/spaces/coworkers');
    assert.deepEqual(Object.keys(p1.body).sort(), [
      'CurrentOrderField',
      'CurrentPage',
      'CurrentPageSize',
      'CurrentSortDirection',
      'FirstItem',
      'HasNextPage',
      'HasPreviousPage',
      'LastItem',
      'Records',
      'TotalItems',
      'TotalPages',
    ]);
    assert.equal(p1.body.CurrentPageSize, 25);
    assert.equal(p1.body.TotalItems, 60);
    assert.equal(p1.body.TotalPages, 3);
    assert.equal(p1.body.HasNextPage, true);
    assert.equal(p1.body.HasPreviousPage, false);
    const ids = new Set<number>();
    for (let page = 1; page <= p1.body.TotalPages; page++) {
      const p = await getJson(base, `/api/spaces/coworkers?page=${page}&size=25`);
      for (const r of p.body.Records) ids.add(r.Id);
      if (page === 3) {
        assert.equal(p.body.FirstItem, 51);
        assert.equal(p.body.LastItem, 60);
        assert.equal(p.body.HasNextPage, false);
      }
    }
    assert.equal(ids.size, 60);
    // PageNumber/PageSize are silently ignored (§1.3).
    const ignored = await getJson(base, '/api/spaces/coworkers?PageNumber=2&PageSize=5');
    assert.equal(ignored.body.CurrentPage, 1);
    assert.equal(ignored.body.Records.length, 25);
    // Sorting: orderBy + dir (-1 desc).
    const desc = await getJson(base, '/api/spaces/coworkers?orderBy=Id&dir=-1&size=100');
    const got = desc.body.Records.map((r: any) => r.Id);
    assert.deepEqual(
      got,
      [...got].sort((a: number, b: number) => b - a),
    );
    // Dates: ISO-8601 UTC without milliseconds.
    assert.match(p1.body.Records[0].UpdatedOn, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

test('list records are partial; GET by id is full; batch returns a plain array; unknown id 404', async () => {
  await withSim(async (sim, base) => {
    sim.seedCommunity({ businesses: 2, coworkersPerBusiness: 10, teamsPerBusiness: 1 });
    const list = await getJson(base, '/api/spaces/coworkers?size=5');
    const item = list.body.Records[0];
    assert.equal('Businesses' in item, false);
    assert.equal('Teams' in item, false);
    assert.equal(typeof item.Email, 'string');
    const full = await getJson(base, `/api/spaces/coworkers/${item.Id}`);
    assert.ok(Array.isArray(full.body.Businesses));
    assert.ok(Array.isArray(full.body.Teams));
    assert.equal(full.body.Email, item.Email);
    const teams = await getJson(base, '/api/spaces/teams');
    assert.equal('TeamMembers' in teams.body.Records[0], false);
    assert.equal(typeof teams.body.Records[0].CoworkerIds, 'string');
    const team = await getJson(base, `/api/spaces/teams/${teams.body.Records[0].Id}`);
    assert.ok(Array.isArray(team.body.TeamMembers));
    const ids = list.body.Records.slice(0, 3).map((r: any) => r.Id);
    const batch = await getJson(base, `/api/spaces/coworkers/?id=[${ids.join(',')}]`);
    assert.ok(Array.isArray(batch.body));
    assert.deepEqual(
      batch.body.map((r: any) => r.Id),
      ids,
    );
    assert.equal((await getJson(base, '/api/spaces/coworkers/1')).status, 404);
  });
});

test('Entity_Field, relation and from_/to_ range filters', async () => {
  await withSim(async (sim, base) => {
    sim.seedCommunity({ businesses: 2, coworkersPerBusiness: 20, teamsPerBusiness: 2 });
    const [b1, b2] = sim.state.businesses;
    const cw = sim.state.coworkers[3];
    const byEmail = await getJson(
      base,
      `/api/spaces/coworkers?Coworker_Email=${encodeURIComponent(cw.Email.toUpperCase())}`,
    );
    assert.deepEqual(
      byEmail.body.Records.map((r: any) => r.Id),
      [cw.Id],
    );
    sim.update('coworkers', cw.Id, { Active: false });
    const inactive = await getJson(base, '/api/spaces/coworkers?Coworker_Active=false&size=100');
    assert.ok(inactive.body.Records.some((r: any) => r.Id === cw.Id));
    assert.ok(inactive.body.Records.every((r: any) => r.Active === false));

    const teamsB2 = await getJson(base, `/api/spaces/teams?Team_Business=${b2.Id}`);
    assert.equal(teamsB2.body.TotalItems, 2);
    assert.ok(teamsB2.body.Records.every((r: any) => r.BusinessId === b2.Id));
    const teamsByName = await getJson(
      base,
      `/api/spaces/teams?Team_Business_Name=${encodeURIComponent(b1.Name)}`,
    );
    assert.ok(teamsByName.body.Records.every((r: any) => r.BusinessId === b1.Id));
    assert.equal(teamsByName.body.TotalItems, 2);
    const bookings = await getJson(base, `/api/spaces/bookings?Booking_Resource_Business=${b1.Id}`);
    assert.ok(bookings.body.TotalItems >= 1);

    // from_Coworker_UpdatedOn (YYYY-MM-DDTHH:mm, inclusive).
    const stamp = new Date(Date.parse(sim.state.coworkers[0].UpdatedOn));
    const minute = stamp.toISOString().slice(0, 16);
    const since = await getJson(base, `/api/spaces/coworkers?from_Coworker_UpdatedOn=${minute}&size=1000`);
    const expected = sim.state.coworkers.filter(
      (c) => Date.parse(c.UpdatedOn) >= Date.parse(minute + 'Z'),
    ).length;
    assert.equal(since.body.TotalItems, expected);
    assert.ok(since.body.Records.every((r: any) => Date.parse(r.UpdatedOn) >= Date.parse(minute + 'Z')));
    const until = await getJson(base, `/api/spaces/coworkers?to_Coworker_UpdatedOn=${minute}&size=1000`);
    assert.equal(until.body.TotalItems + since.body.TotalItems >= sim.state.coworkers.length, true);
    // After an edit, the incremental filter picks it up.
    sim.advanceTime(120_000);
    const cursor = sim.now().toISOString().slice(0, 16);
    sim.update('coworkers', sim.state.coworkers[7].Id, { Position: 'CTO' });
    const changed = await getJson(base, `/api/spaces/coworkers?from_Coworker_UpdatedOn=${cursor}`);
    assert.deepEqual(
      changed.body.Records.map((r: any) => r.Id),
      [sim.state.coworkers[7].Id],
    );
    // Unknown filters are ignored.
    const unknown = await getJson(base, '/api/spaces/coworkers?Coworker_NoSuchField=1&status=Confirmed');
    assert.equal(unknown.body.TotalItems, 40);
  });
});

test('lists present only what they need: same answers as presenting every record first', async () => {
  const now = () => new Date('2025-01-20T12:00:00Z');
  const lazy = new NexudusSimulator({ seed: 11, now });
  const eager = new NexudusSimulator({ seed: 11, now, eagerLists: true });
  for (const sim of [lazy, eager]) {
    sim.seedCommunity({
      businesses: 2,
      coworkersPerBusiness: 40,
      teamsPerBusiness: 4,
      bookingsPerBusiness: 6,
    });
    const c = sim.state.coworkerContracts[2]!;
    sim.update('coworkerContracts', c.Id, { CancellationDate: '2025-01-19T00:00:00Z' }); // stored Active, derived false
    sim.update('coworkers', sim.state.coworkers[5]!.Id, { Active: false });
  }
  const cw = lazy.state.coworkers[9]!;
  const team = lazy.state.teams[1]!;
  const [b1] = lazy.state.businesses;
  const paths = [
    '/api/spaces/coworkers?page=2&size=7',
    '/api/spaces/coworkers?orderBy=FullName&dir=-1&size=10',
    '/api/spaces/coworkers?orderby=TariffName&size=15', // derived sort field
    '/api/spaces/coworkers?orderBy=teamnames&dir=descending&size=15',
    `/api/spaces/coworkers?Coworker_Email=${encodeURIComponent(cw.Email.toUpperCase())}`,
    '/api/spaces/coworkers?Coworker_Active=false&size=100',
    `/api/spaces/coworkers?coworker_teamnames=${encodeURIComponent(team.Name)}&size=100`, // derived
    `/api/spaces/coworkers?Coworker_TariffId=${lazy.state.tariffs[0]!.Id}&size=100`, // derived over a stored name
    `/api/spaces/coworkers?Coworker_InvoicingBusiness=${b1!.Id}&size=100`,
    `/api/spaces/coworkers?Coworker_InvoicingBusiness_Name=${encodeURIComponent(b1!.Name)}&size=100`,
    `/api/spaces/coworkers?from_Coworker_UpdatedOn=2024-06-01T00:00&to_Coworker_CreatedOn=2024-12-01&size=100`,
    `/api/spaces/coworkers?Id=${cw.Id}`,
    `/api/spaces/coworkers?UniqueId=${cw.UniqueId}`,
    '/api/spaces/coworkers?Coworker_NoSuchField=1&status=Confirmed&size=3',
    '/api/spaces/coworkers?Coworker_Email=nobody@example.com', // empty: the sample record path
    `/api/billing/coworkercontracts?CoworkerContract_Coworker=${lazy.state.coworkerContracts[2]!.CoworkerId}&CoworkerContract_Active=true`,
    '/api/billing/coworkercontracts?CoworkerContract_Active=true&size=30&page=2',
    '/api/billing/coworkercontracts?coworkercontract_active=false&size=100',
    '/api/billing/coworkercontracts?CoworkerContract_Coworker_Active=false&size=100', // related record
    '/api/billing/coworkercontracts?orderBy=StartDateLocal&size=12',
    `/api/spaces/bookings?from_Booking_ToTime=2025-01-20T00:00&size=100`,
    `/api/spaces/bookings?Booking_Resource_Business=${b1!.Id}&orderBy=ResourceName`,
    `/api/spaces/checkins?Checkin_Business=${b1!.Id}`,
    `/api/spaces/teams?Team_Business_Name=${encodeURIComponent(b1!.Name)}`,
    `/api/spaces/teams?Team_CoworkerIds=${cw.Id}`,
  ];
  const [lazyBase, eagerBase] = [await lazy.start(), await eager.start()];
  try {
    for (const path of paths) {
      const [a, b] = [await getJson(lazyBase, path), await getJson(eagerBase, path)];
      assert.equal(a.status, 200, path);
      assert.deepEqual(a.body, b.body, path);
    }
    // the paths exercise something: non-empty answers, a derived filter that differs from the stored value
    const active = (await getJson(lazyBase, paths[16]!)).body;
    assert.ok(active.TotalItems > 30);
    const ended = (await getJson(lazyBase, paths[17]!)).body;
    assert.ok(ended.Records.some((r: any) => r.Id === lazy.state.coworkerContracts[2]!.Id));
  } finally {
    await lazy.stop();
    await eager.stop();
  }
});

test('throttle: 409 + Retry-After + empty body; configurable 429', async () => {
  await withSim(async (sim, base) => {
    sim.throttleNext(2);
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${base}/api/spaces/coworkers`, { headers: { authorization: basic() } });
      assert.equal(r.status, 409);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.equal(await r.text(), '');
    }
    assert.equal((await getJson(base, '/api/spaces/coworkers')).status, 200);
    sim.throttleNext(1, { status: 429, retryAfter: 3 });
    const r429 = await fetch(`${base}/api/spaces/coworkers`, { headers: { authorization: basic() } });
    assert.equal(r429.status, 429);
    assert.equal(await r429.text(), 'Wait 3 seconds');
    assert.deepEqual(
      sim.requests.map((r) => r.status),
      [409, 409, 200, 429],
    );
  });
});

test('webhooks: JSON array of one record, signed with uppercase hex HMAC-SHA256', async () => {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await withSim(async (sim, base) => {
      sim.seedCommunity({ businesses: 1, coworkersPerBusiness: 5 });
      const secret = 'app-shared-secret';
      sim.registerWebhook({ url: hookUrl, action: WEBHOOK_ACTIONS.CoworkerUpdate, secret });
      sim.registerWebhook({ url: hookUrl + '?unsigned', action: WEBHOOK_ACTIONS.CoworkerCreate });
      const cw = sim.state.coworkers[0];
      const deliveries = await sim.emitWebhook(WEBHOOK_ACTIONS.CoworkerUpdate, cw.Id);
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0].status, 200);
      const got = received[0];
      const expected = createHmac('sha256', Buffer.from(secret, 'ascii'))
        .update(got.body)
        .digest('hex')
        .toUpperCase();
      assert.equal(got.headers['x-nexudus-hook-signature'], expected);
      const payload = JSON.parse(got.body);
      assert.ok(Array.isArray(payload) && payload.length === 1);
      assert.equal(payload[0].Id, cw.Id);
      assert.ok(Array.isArray(payload[0].Businesses), 'payload is the full DTO');

      // A mutation through the API fires the matching action (GET-merge-PUT → CoworkerUpdate).
      const full = (await getJson(base, `/api/spaces/coworkers/${cw.Id}`)).body;
      const put = await fetch(`${base}/api/spaces/coworkers`, {
        method: 'PUT',
        headers: { authorization: basic(), 'content-type': 'application/json' },
        body: JSON.stringify({ ...full, Position: 'CEO' }),
      });
      assert.equal(((await put.json()) as any).WasSuccessful, true);
      for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(JSON.parse(received[1].body)[0].Position, 'CEO');
      assert.equal(
        received[1].headers['x-nexudus-hook-signature'],
        NexudusSimulator.sign(received[1].body, secret),
      );

      // Unsigned (UI-created) webhook.
      await sim.emitWebhook(WEBHOOK_ACTIONS.CoworkerCreate, sim.state.coworkers[1].Id);
      assert.equal(received[2].headers['x-nexudus-hook-signature'], undefined);
    });
  } finally {
    await new Promise((r) => receiver.close(r));
  }
});

test('faults: 5xx, 401, malformed JSON, truncated body, delay', async () => {
  await withSim(async (sim, base) => {
    sim.seedCommunity({ businesses: 1, coworkersPerBusiness: 30 });
    sim.failNext(503);
    assert.equal(
      (await fetch(`${base}/api/spaces/coworkers`, { headers: { authorization: basic() } })).status,
      503,
    );
    sim.unauthorizedNext();
    assert.equal(
      (await fetch(`${base}/api/spaces/coworkers`, { headers: { authorization: basic() } })).status,
      401,
    );
    sim.malformedNext();
    const bad = await fetch(`${base}/api/spaces/coworkers`, { headers: { authorization: basic() } });
    assert.equal(bad.status, 200);
    const text = await bad.text();
    assert.throws(() => JSON.parse(text));
    sim.truncateNext();
    const cut = await fetch(`${base}/api/spaces/coworkers?size=30`, { headers: { authorization: basic() } });
    assert.equal(cut.status, 200);
    await assert.rejects(cut.text());
    sim.delayNext(150, { path: '/api/spaces/teams' });
    const t0 = Date.now();
    assert.equal((await getJson(base, '/api/spaces/teams')).status, 200);
    assert.ok(Date.now() - t0 >= 140);
    assert.equal((await getJson(base, '/api/spaces/coworkers')).status, 200);

    sim.emptyPageNext({ path: '/api/spaces/coworkers', query: { page: '2' } });
    assert.equal((await getJson(base, '/api/spaces/coworkers?size=2&page=1')).body.Records.length, 2);
    const missing = await getJson(base, '/api/spaces/coworkers?size=2&page=2');
    assert.equal(missing.status, 200);
    assert.deepEqual(missing.body.Records, []);
    assert.ok(missing.body.TotalPages >= 2);
    assert.equal((await getJson(base, '/api/spaces/coworkers?size=2&page=2')).body.Records.length, 2);
  });
});

test('writes: WasSuccessful envelope, validation errors, PUT from a partial record drops collections, no coworker DELETE', async () => {
  await withSim(async (sim, base) => {
    sim.seedCommunity({ businesses: 1, coworkersPerBusiness: 5, teamsPerBusiness: 1 });
    const biz = sim.state.businesses[0];
    const post = (path: string, body: unknown, method = 'POST') =>
      fetch(base + path, {
        method,
        headers: { authorization: basic(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    const invalid = await post('/api/spaces/coworkers', { FullName: 'No Email' });
    assert.equal(invalid.body.WasSuccessful, false);
    assert.ok(invalid.body.Errors.some((e: any) => e.PropertyName === 'Email'));

    const tariff = sim.state.tariffs[0];
    const team = sim.state.teams[0];
    const created = await post('/api/spaces/coworkers', {
      FullName: 'Grace Hopper',
      Email: 'grace@example.com',
      CountryId: 1220,
      SimpleTimeZoneId: 1,
      Businesses: [biz.Id],
      InvoicingBusinessId: biz.Id,
      Teams: [team.Id],
      TariffId: tariff.Id,
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.WasSuccessful, true);
    assert.equal(created.body.Message, 'Coworker was successfully created.');
    const id = created.body.Value.Id;
    const full = (await getJson(base, `/api/spaces/coworkers/${id}`)).body;
    assert.deepEqual(full.Teams, [team.Id]);
    assert.equal(full.TariffName, tariff.Name);
    const contracts = await getJson(base, `/api/billing/coworkercontracts?CoworkerContract_Coworker=${id}`);
    assert.equal(contracts.body.TotalItems, 1);
    assert.equal(contracts.body.Records[0].CoworkerEmail, 'grace@example.com');

    // PUT with a body built from a list record loses the collections (§1.1 warning).
    const listRec = (await getJson(base, `/api/spaces/coworkers?Coworker_Email=grace@example.com`)).body
      .Records[0];
    const put = await post('/api/spaces/coworkers', { ...listRec, Position: 'Admiral' }, 'PUT');
    assert.equal(put.body.WasSuccessful, true);
    const after = (await getJson(base, `/api/spaces/coworkers/${id}`)).body;
    assert.deepEqual(after.Teams, []);
    assert.deepEqual(after.Businesses, []);
    assert.equal(after.Position, 'Admiral');

    const del = await fetch(`${base}/api/spaces/coworkers/${id}`, {
      method: 'DELETE',
      headers: { authorization: basic() },
    });
    assert.equal(del.status, 405);

    // Cancel a booking: it moves to cancelledbookings.
    const booking = sim.state.bookings[0];
    const cancel = await post('/api/spaces/bookings/runcommand', {
      Key: 'CANCEL_BOOKING',
      Ids: [booking.Id],
      Parameters: [],
    });
    assert.equal(cancel.body.WasSuccessful, true);
    assert.equal((await getJson(base, `/api/spaces/bookings/${booking.Id}`)).status, 404);
    assert.equal((await getJson(base, `/api/spaces/cancelledbookings/${booking.Id}`)).status, 200);

    // Business-rule failure: HTTP 200 with WasSuccessful:false.
    sim.inject({ kind: 'businessRuleFailure', message: 'Access Denied' });
    const refused = await post('/api/spaces/teams', { Name: 'X', BusinessId: biz.Id });
    assert.equal(refused.status, 200);
    assert.equal(refused.body.WasSuccessful, false);
  });
});

test('seeded community is deterministic and shaped like the reference', async () => {
  const a = new NexudusSimulator({ seed: 7, now: () => new Date('2025-01-20T12:00:00Z') });
  const b = new NexudusSimulator({ seed: 7, now: () => new Date('2025-01-20T12:00:00Z') });
  a.seedCommunity({ businesses: 2, coworkersPerBusiness: 15, network: true });
  b.seedCommunity({ businesses: 2, coworkersPerBusiness: 15, network: true });
  assert.deepEqual(
    a.state.coworkers.map((c) => [c.Id, c.Email]),
    b.state.coworkers.map((c) => [c.Id, c.Email]),
  );
  const root = a.state.businesses[0];
  assert.equal(root.RootLocationId, null);
  assert.ok(a.state.businesses.slice(1).every((x) => x.RootLocationId === root.Id));
  const base = await a.start();
  try {
    const booking = (await getJson(base, `/api/spaces/bookings/${a.state.bookings[0].Id}`)).body;
    assert.match(booking.FromTime, /Z$/);
    assert.match(booking.FromTimeLocal, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const checkins = (
      await getJson(base, '/api/spaces/checkins?Checkin_Business=' + a.state.businesses[1].Id)
    ).body;
    assert.equal(checkins.Records[0].ToTime, null);
    assert.equal(checkins.Records[0].Source, 3);
  } finally {
    await a.stop();
  }
});

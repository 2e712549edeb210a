import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  codeOf,
  ok,
  startTestApi,
  waitFor,
  type GqlResult,
  type TestApi,
} from '../../test-support/api-harness.js';
import {
  createLocation,
  createMember,
  createMemberWithAccess,
  setupOwner,
} from '../../test-support/factories.js';
import { parts, startSmtpSink, type SmtpSink } from '../../test-support/smtp-sink.js';

const REQUEST = `mutation($i: RequestMagicLinkInput!) { requestMagicLink(input: $i) { accepted } }`;
const REDEEM = `mutation($t: String!) { redeemMagicLink(token: $t) { locationSlug } }`;
const ME = `{ me { email fullName username timezone hasPassphrase passphraseUpdatedAt
  location { name slug ssids } access { state reason grantKind validUntil endedAt }
  devices { id macAddress name learnedBy firstSeenAt } } }`;
const REVEAL_ADMIN = `mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`;
const PROFILE = `mutation($k: ProfileKind!, $s: String) { createProfileDownload(kind: $k, ssid: $s) { url expiresAt } }`;
const SSID = `A&B<C>"D'E`;

let t: TestApi;
let sink: SmtpSink;
let owner: string;
let loc: { id: string; slug: string };
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const uniqIp = () => `198.51.100.${1 + (randomBytes(1)[0]! % 250)}`;
let ipCounter = 0;
const nextIp = () => `203.0.113.${++ipCounter}`;

/** A browser: keeps cookies, echoes the member CSRF cookie in X-CSRF-Token like the portal SPA. */
class Browser {
  readonly cookies = new Map<string, string>();
  lastSetCookies: string[] = [];
  constructor(readonly ip = nextIp()) {}

  private headers(csrf: boolean | string): Record<string, string> {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const token = typeof csrf === 'string' ? csrf : this.cookies.get('lanyard_member_csrf');
    if (csrf !== false && token) h['x-csrf-token'] = token;
    return h;
  }

  private keep(res: Response): void {
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async gql<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    opts: { csrf?: boolean | string } = {},
  ): Promise<GqlResult<T>> {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers(opts.csrf ?? true) },
      body: JSON.stringify({ query, variables }),
    });
    this.keep(res);
    const body = (await res.json()) as { data?: any; errors?: GqlResult['errors'] };
    return { status: res.status, data: body.data ?? null, errors: body.errors, headers: res.headers };
  }

  get(path: string): Promise<Response> {
    return fetch(`${t.url}${path}`, { headers: this.headers(false) });
  }
}

/** A member with a membership at `loc`, signed in through an emailed link. */
async function signedInMember() {
  const m = await createMemberWithAccess(t, owner, loc.id);
  const browser = new Browser();
  const token = await requestLink(browser, m.email);
  ok(await browser.gql(REDEEM, { t: token }));
  return { member: m, browser };
}

async function requestLink(browser: Browser, email: string): Promise<string> {
  const before = sink.received.length;
  assert.equal(
    ok(await browser.gql(REQUEST, { i: { locationSlug: loc.slug, email } })).requestMagicLink.accepted,
    true,
  );
  const mail = await waitFor(
    async () => sink.received.slice(before).find((x) => x.to.includes(email)),
    20_000,
    'sign-in mail',
  );
  return /#token=(lyl_[A-Za-z0-9_-]+)/.exec(parts(mail.raw).text!)![1]!;
}

const linksOf = async (memberId: string) =>
  Number((await sql('select count(*)::int as n from magic_link where member_id = ?', [memberId]))[0].n);

before(async () => {
  sink = await startSmtpSink();
  t = await startTestApi({
    env: { SMTP_URL: sink.url(), MAIL_RETRY_DELAY_SECONDS: '1', PUBLIC_URL: 'http://wifi.example.test' },
  });
  owner = await setupOwner(t);
  loc = await createLocation(t, owner, {
    name: 'Harbour',
    ssids: [SSID, 'Harbour-5G'],
    timezone: 'Europe/Paris',
  });
});
after(async () => {
  await t?.stop();
  await sink?.stop();
});

describe('portal sign-in', () => {
  it('runs the whole flow: link, redeem, me, reveal, rotate, set, profiles, logout', async () => {
    const m = await createMemberWithAccess(t, owner, loc.id, { member: { fullName: 'Ada Member' } });
    const browser = new Browser();
    assert.equal(ok(await browser.gql(`{ me { email } }`)).me, null, 'signed out: null');

    const before = sink.received.length;
    const token = await requestLink(browser, m.email);
    const mail = sink.received.slice(before).find((x) => x.to.includes(m.email))!;
    const text = parts(mail.raw).text!;
    assert.ok(text.includes(`http://wifi.example.test/portal/${loc.slug}/signin#token=${token}`));
    assert.ok(text.includes('15 minutes'));

    const redeemed = ok(await browser.gql(REDEEM, { t: token })).redeemMagicLink;
    assert.equal(redeemed.locationSlug, loc.slug);
    const sessionCookie = browser.lastSetCookies.find((c) => c.startsWith('lanyard_member='))!;
    assert.match(sessionCookie, /HttpOnly/i);
    assert.match(sessionCookie, /SameSite=Lax/i);
    assert.match(sessionCookie, /Path=\//i);
    assert.ok(browser.cookies.get('lanyard_member_csrf'));

    const me = ok(await browser.gql(ME)).me;
    assert.equal(me.email, m.email);
    assert.equal(me.fullName, 'Ada Member');
    assert.equal(me.username, m.username);
    assert.equal(me.timezone, 'Europe/Paris');
    assert.equal(me.location.slug, loc.slug);
    assert.deepEqual(me.location.ssids, [SSID, 'Harbour-5G']);
    assert.deepEqual(me.access, {
      state: 'ACTIVE',
      reason: 'MEMBERSHIP',
      grantKind: 'MEMBERSHIP',
      validUntil: null,
      endedAt: null,
    });
    assert.equal(me.hasPassphrase, true);
    assert.deepEqual(me.devices, []);

    const adminReveal = async () =>
      ok(await t.gql(REVEAL_ADMIN, { id: m.id }, { token: owner })).revealMemberPassphrase;
    const first = ok(await browser.gql(`{ myPassphrase }`)).myPassphrase;
    assert.equal(first, await adminReveal());

    const [{ v: v0 }] = await sql('select passphrase_version as v from member where id = ?', [m.id]);
    const rotated = ok(await browser.gql(`mutation { rotateMyPassphrase { passphrase } }`)).rotateMyPassphrase
      .passphrase;
    assert.notEqual(rotated, first);
    assert.equal(rotated, await adminReveal());
    const [{ v: v1 }] = await sql('select passphrase_version as v from member where id = ?', [m.id]);
    assert.equal(v1, v0 + 1);

    const own = `p&ss<w>rd"quote'x ${randomBytes(3).toString('hex')}`;
    const set = ok(
      await browser.gql(`mutation($p: String!) { setMyPassphrase(passphrase: $p) { passphrase } }`, {
        p: own,
      }),
    );
    assert.equal(set.setMyPassphrase.passphrase, own);
    assert.equal(await adminReveal(), own);
    assert.equal(ok(await browser.gql(`{ myPassphrase }`)).myPassphrase, own);

    const added = ok(
      await browser.gql(
        `mutation($i: AddMyDeviceInput!) { addMyDevice(input: $i) { id macAddress name learnedBy } }`,
        {
          i: { macAddress: 'AABB.CCDD.EE01', name: 'Laptop' },
        },
      ),
    ).addMyDevice;
    assert.equal(added.macAddress, 'aa:bb:cc:dd:ee:01');
    assert.equal(added.learnedBy, 'PORTAL');

    for (const [kind, type, ext] of [
      ['APPLE_MOBILECONFIG', 'application/x-apple-aspen-config', 'mobileconfig'],
      ['WINDOWS_WLAN_XML', 'application/xml', 'xml'],
    ] as const) {
      const dl = ok(await browser.gql(PROFILE, { k: kind, s: null })).createProfileDownload;
      assert.match(dl.url, /^\/portal-api\/profiles\/[A-Za-z0-9_.-]+$/);
      assert.ok(new Date(dl.expiresAt).getTime() - Date.now() <= 300_000);
      const res = await browser.get(dl.url);
      assert.equal(res.status, 200);
      assert.ok(res.headers.get('content-type')!.startsWith(type));
      assert.match(
        res.headers.get('content-disposition')!,
        new RegExp(`^attachment; filename="${loc.slug}-wifi\\.${ext}"$`),
      );
      const body = await res.text();
      assert.ok(!body.includes(own), 'the raw passphrase (with its < and &) never appears unescaped');
      if (kind === 'APPLE_MOBILECONFIG') {
        assert.ok(body.includes(`<key>Password</key>\n      <string>p&amp;ss&lt;w&gt;rd&quot;quote&apos;x`));
        assert.ok(body.includes('<string>A&amp;B&lt;C&gt;&quot;D&apos;E</string>'));
        assert.ok(body.includes('<string>WPA2</string>'));
        assert.equal(
          (body.match(/<key>PayloadUUID<\/key>\s*<string>[0-9A-F-]{36}<\/string>/g) ?? []).length,
          2,
        );
      } else {
        assert.ok(body.includes('<keyMaterial>p&amp;ss&lt;w&gt;rd&quot;quote&apos;x'));
        assert.ok(body.includes('<name>A&amp;B&lt;C&gt;&quot;D&apos;E</name>'));
        assert.ok(body.includes(`<hex>${Buffer.from(SSID).toString('hex').toUpperCase()}</hex>`));
        assert.ok(body.includes('<authentication>WPA2PSK</authentication>'));
        assert.ok(body.includes('<encryption>AES</encryption>'));
      }
    }
    const second = ok(
      await browser.gql(PROFILE, { k: 'WINDOWS_WLAN_XML', s: 'Harbour-5G' }),
    ).createProfileDownload;
    assert.ok((await (await browser.get(second.url)).text()).includes('<name>Harbour-5G</name>'));
    assert.equal(
      codeOf(await browser.gql(PROFILE, { k: 'WINDOWS_WLAN_XML', s: 'Elsewhere' })),
      'VALIDATION_FAILED',
    );

    assert.equal(
      ok(await browser.gql(`mutation($id: ID!) { removeMyDevice(deviceId: $id) }`, { id: added.id }))
        .removeMyDevice,
      true,
    );
    assert.deepEqual(ok(await browser.gql(ME)).me.devices, []);

    const audit = await sql(
      `select action, actor_type from audit_event where actor_id = ? order by created_at`,
      [m.id],
    );
    const actions = audit.map((a) => a.action);
    for (const a of [
      'redeemMagicLink',
      'rotateMyPassphrase',
      'setMyPassphrase',
      'addMyDevice',
      'removeMyDevice',
    ]) {
      assert.ok(actions.includes(a), `audited ${a}`);
    }
    assert.ok(audit.every((a) => a.actor_type === 'MEMBER'));
    const details = JSON.stringify(await sql(`select details from audit_event where actor_id = ?`, [m.id]));
    assert.ok(!details.includes(own) && !details.includes(token), 'no secrets in the audit');

    assert.equal(ok(await browser.gql(`mutation { logoutMember }`)).logoutMember, true);
    assert.equal(browser.cookies.has('lanyard_member'), false);
    assert.equal(ok(await browser.gql(`{ me { email } }`)).me, null);
    assert.equal(codeOf(await browser.gql(`{ myPassphrase }`)), 'UNAUTHENTICATED');
  });

  it('answers the same for an unknown email and sends nothing', async () => {
    const browser = new Browser();
    const email = `nobody-${randomBytes(4).toString('hex')}@example.com`;
    const r = await browser.gql(REQUEST, { i: { locationSlug: loc.slug, email } });
    assert.deepEqual(r.data, { requestMagicLink: { accepted: true } });
    assert.equal(r.errors, undefined);
    const rows = await sql('select count(*)::int as n from outbox_message where to_address = ?', [email]);
    assert.equal(rows[0].n, 0);
  });

  it('waits out the minimum duration after the commit, for known and unknown emails alike', async () => {
    const m = await createMemberWithAccess(t, owner, loc.id);
    const portal = t.api.services.portal;
    const original = portal.pause;
    const pauses: Array<{ ms: number; committedLinks: number }> = [];
    // Runs on another connection: it sees the link only once the request's transaction committed.
    portal.pause = async (ms) => void pauses.push({ ms, committedLinks: await linksOf(m.id) });
    try {
      await requestLink(new Browser(), m.email);
      const unknown = `nobody-${randomBytes(4).toString('hex')}@example.com`;
      ok(await new Browser().gql(REQUEST, { i: { locationSlug: loc.slug, email: unknown } }));
    } finally {
      portal.pause = original;
    }
    assert.equal(pauses.length, 2, 'both paths wait');
    assert.equal(pauses[0]!.committedLinks, 1, 'the known path waits after its commit');
    for (const p of pauses) assert.ok(p.ms >= 0 && p.ms <= 250 + 16);
  });

  it('keeps no usable sign-in link in the outbox', async () => {
    const m = await createMemberWithAccess(t, owner, loc.id);
    const token = await requestLink(new Browser(), m.email);
    const rows = await sql('select * from outbox_message where member_id = ?', [m.id]);
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(token));
  });

  it('sends no link to a member without access at the location', async () => {
    const m = await createMember(t, owner, [loc.id]);
    const browser = new Browser();
    assert.equal(
      ok(await browser.gql(REQUEST, { i: { locationSlug: loc.slug, email: m.email } })).requestMagicLink
        .accepted,
      true,
    );
    assert.equal(await linksOf(m.id), 0);
    const rows = await sql(
      'select count(*)::int as n from outbox_message where member_id = ? and template_key = ?',
      [m.id, 'magic-link'],
    );
    assert.equal(rows[0].n, 0);
  });

  it('refuses a bad email and an unknown location', async () => {
    const browser = new Browser();
    assert.equal(
      codeOf(await browser.gql(REQUEST, { i: { locationSlug: loc.slug, email: 'not-an-email' } })),
      'VALIDATION_FAILED',
    );
    assert.equal(
      codeOf(await browser.gql(REQUEST, { i: { locationSlug: 'nowhere', email: 'a@example.com' } })),
      'NOT_FOUND',
    );
    assert.equal(
      ok(await browser.gql(`query($s: String!) { portalLocation(slug: $s) { name } }`, { s: 'nowhere' }))
        .portalLocation,
      null,
    );
    const branding = ok(
      await browser.gql(`query($s: String!) { portalLocation(slug: $s) { name slug ssids logoUrl } }`, {
        s: loc.slug,
      }),
    ).portalLocation;
    assert.deepEqual(branding, {
      name: 'Harbour',
      slug: loc.slug,
      ssids: [SSID, 'Harbour-5G'],
      logoUrl: null,
    });
  });

  it('uses a link once, refuses unknown and expired ones', async () => {
    const m = await createMemberWithAccess(t, owner, loc.id, {
      grant: { kind: 'MANUAL', startsAt: new Date(Date.now() - 60_000).toISOString() },
    });
    const browser = new Browser();
    const token = await requestLink(browser, m.email);
    ok(await browser.gql(REDEEM, { t: token }));
    assert.equal(codeOf(await new Browser().gql(REDEEM, { t: token })), 'MAGIC_LINK_USED');
    assert.equal(codeOf(await new Browser().gql(REDEEM, { t: 'lyl_nonsense' })), 'MAGIC_LINK_INVALID');
    assert.equal(codeOf(await new Browser().gql(REDEEM, { t: 'garbage' })), 'MAGIC_LINK_INVALID');

    const late = await requestLink(new Browser(), m.email);
    await sql(
      `update magic_link set expires_at = now() - interval '1 second' where used_at is null and member_id = ?`,
      [m.id],
    );
    const fresh = new Browser();
    assert.equal(codeOf(await fresh.gql(REDEEM, { t: late })), 'MAGIC_LINK_EXPIRED');
    assert.equal(fresh.cookies.has('lanyard_member'), false);
  });

  it('rate-limits per email and per client address', async () => {
    const email = `limited-${randomBytes(4).toString('hex')}@example.com`;
    for (let i = 0; i < 5; i++) {
      ok(await new Browser().gql(REQUEST, { i: { locationSlug: loc.slug, email } }));
    }
    assert.equal(
      codeOf(await new Browser().gql(REQUEST, { i: { locationSlug: loc.slug, email } })),
      'RATE_LIMITED',
    );

    const ip = uniqIp();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Browser(ip).gql(REQUEST, { i: { locationSlug: loc.slug, email: `ip-${i}-${ip}@example.com` } }),
      ),
    );
    assert.ok(results.every((r) => r.data?.requestMagicLink?.accepted === true));
    assert.equal(
      codeOf(
        await new Browser(ip).gql(REQUEST, {
          i: { locationSlug: loc.slug, email: `other-${ip}@example.com` },
        }),
      ),
      'RATE_LIMITED',
    );
    ok(await new Browser().gql(REQUEST, { i: { locationSlug: loc.slug, email: `other-${ip}@example.com` } }));
  });
});

describe('portal sessions', () => {
  it('refuses cookie requests without the CSRF header', async () => {
    const { browser } = await signedInMember();
    assert.equal(
      codeOf(await browser.gql(`mutation { rotateMyPassphrase { passphrase } }`, {}, { csrf: false })),
      'CSRF_CHECK_FAILED',
    );
    assert.equal(
      codeOf(await browser.gql(`mutation { rotateMyPassphrase { passphrase } }`, {}, { csrf: 'wrong' })),
      'CSRF_CHECK_FAILED',
    );
    assert.equal(codeOf(await browser.gql(`{ me { email } }`, {}, { csrf: false })), 'CSRF_CHECK_FAILED');
    assert.ok(ok(await browser.gql(`{ me { email } }`)).me.email);
  });

  it('keeps admin and member operations apart', async () => {
    const { browser } = await signedInMember();
    assert.equal(codeOf(await browser.gql(`{ members(first: 1) { totalCount } }`)), 'FORBIDDEN');
    assert.equal(codeOf(await browser.gql(`{ locations { id } }`)), 'FORBIDDEN');
    assert.equal(codeOf(await t.gql(`{ myPassphrase }`, {}, { token: owner })), 'FORBIDDEN');
    assert.equal(
      codeOf(await t.gql(`mutation { rotateMyPassphrase { passphrase } }`, {}, { token: owner })),
      'FORBIDDEN',
    );
    assert.equal(ok(await t.gql(`{ me { email } }`, {}, { token: owner })).me, null);
    assert.equal(codeOf(await t.gql(PROFILE, { k: 'APPLE_MOBILECONFIG' }, { token: owner })), 'FORBIDDEN');
    assert.equal(codeOf(await new Browser().gql(`{ myPassphrase }`)), 'UNAUTHENTICATED');
  });

  it('checks passphrases without side effects and enforces the rules on set', async () => {
    const { browser } = await signedInMember();
    const weak = ok(
      await browser.gql(
        `query($p: String!) { checkPassphrase(passphrase: $p) { acceptable score problems } }`,
        { p: 'password' },
      ),
    ).checkPassphrase;
    assert.deepEqual(weak, { acceptable: false, score: 0, problems: ['PASSPHRASE_TOO_COMMON'] });
    const strong = ok(
      await browser.gql(
        `query($p: String!) { checkPassphrase(passphrase: $p) { acceptable score problems } }`,
        { p: 'violet-harbour-engine-42-lamp' },
      ),
    ).checkPassphrase;
    assert.equal(strong.acceptable, true);
    assert.ok(strong.score >= 3);
    const SET = `mutation($p: String!) { setMyPassphrase(passphrase: $p) { passphrase } }`;
    assert.equal(codeOf(await browser.gql(SET, { p: 'short' })), 'PASSPHRASE_INVALID');
    assert.equal(codeOf(await browser.gql(SET, { p: 'password' })), 'PASSPHRASE_INVALID');
    const other = await createMember(t, owner, [loc.id]);
    const taken = ok(await t.gql(REVEAL_ADMIN, { id: other.id }, { token: owner })).revealMemberPassphrase;
    assert.equal(codeOf(await browser.gql(SET, { p: taken })), 'PASSPHRASE_IN_USE');
  });

  it('limits devices by the groups maxDevices and refuses bad or taken MACs', async () => {
    const group = ok(
      await t.gql(
        `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }`,
        { i: { name: `two-${randomBytes(3).toString('hex')}`, maxDevices: 2 } },
        { token: owner },
      ),
    ).createGroup.group;
    const { member, browser } = await signedInMember();
    ok(
      await t.gql(
        `mutation($i: UpdateMemberInput!) { updateMember(input: $i) { member { id } } }`,
        { i: { id: member.id, groupIds: [group.id] } },
        { token: owner },
      ),
    );
    const ADD = `mutation($m: String!) { addMyDevice(input: { macAddress: $m }) { id macAddress } }`;
    const suffix = randomBytes(2).toString('hex');
    ok(await browser.gql(ADD, { m: `02:00:00:00:${suffix.slice(0, 2)}:${suffix.slice(2)}` }));
    ok(await browser.gql(ADD, { m: `02000001${suffix}` }));
    assert.equal(
      codeOf(await browser.gql(ADD, { m: `02-00-00-00-02-${suffix.slice(0, 2)}` })),
      'DEVICE_LIMIT_REACHED',
    );
    assert.equal(codeOf(await browser.gql(ADD, { m: 'zz:zz' })), 'VALIDATION_FAILED');
    const { browser: other } = await signedInMember();
    assert.equal(codeOf(await other.gql(ADD, { m: `02000001${suffix}` })), 'ALREADY_EXISTS');
    const mine = ok(await browser.gql(ME)).me.devices;
    assert.equal(mine.length, 2);
    assert.equal(
      codeOf(await other.gql(`mutation($id: ID!) { removeMyDevice(deviceId: $id) }`, { id: mine[0].id })),
      'NOT_FOUND',
    );
  });

  it("serves a profile only to the member's own session, before it expires", async () => {
    const { browser } = await signedInMember();
    const dl = ok(await browser.gql(PROFILE, { k: 'APPLE_MOBILECONFIG' })).createProfileDownload;
    const { browser: other } = await signedInMember();
    assert.equal((await other.get(dl.url)).status, 404);
    assert.equal((await fetch(`${t.url}${dl.url}`)).status, 404);
    assert.equal((await browser.get(`${dl.url.slice(0, -2)}xx`)).status, 404);
    const [payload, sig] = dl.url.split('/').pop()!.split('.');
    const data = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...data, e: Date.now() + 3_600_000 })).toString('base64url');
    assert.equal((await browser.get(`/portal-api/profiles/${forged}.${sig}`)).status, 404);
    assert.equal((await browser.get(dl.url)).status, 200);
  });

  it('ends the sessions and unused links of a deleted member, so a revival does not bring them back', async () => {
    const { member, browser } = await signedInMember();
    const pending = await requestLink(new Browser(), member.email);
    ok(
      await t.gql(
        `mutation($id: ID!) { deleteMember(memberId: $id) { member { id } } }`,
        { id: member.id },
        { token: owner },
      ),
    );
    const sessions = await sql('select count(*)::int as n from member_session where member_id = ?', [
      member.id,
    ]);
    assert.equal(sessions[0].n, 0);
    const revived = await createMember(t, owner, [loc.id], { email: member.email });
    assert.equal(revived.id, member.id);
    assert.equal(ok(await browser.gql(`{ me { email } }`)).me, null);
    assert.equal(codeOf(await browser.gql(`{ myPassphrase }`)), 'UNAUTHENTICATED');
    assert.equal(codeOf(await new Browser().gql(REDEEM, { t: pending })), 'MAGIC_LINK_INVALID');
  });

  it('shows why access ended', async () => {
    const { member: m, browser } = await signedInMember();
    const endedAt = new Date(Date.now() - 60_000);
    await sql('update access_grant set ends_at = ?, effective_ends_at = ? where id = ?', [
      endedAt,
      endedAt,
      m.grantId,
    ]);
    const access = ok(await browser.gql(ME)).me.access;
    assert.equal(access.state, 'NO_ACCESS');
    assert.equal(access.reason, 'GRANT_ENDED');
    assert.equal(new Date(access.endedAt).getTime(), endedAt.getTime());
    ok(
      await t.gql(
        `mutation($id: ID!) { disableMember(memberId: $id) { member { id } } }`,
        { id: m.id },
        { token: owner },
      ),
    );
    const disabled = ok(await browser.gql(ME)).me.access;
    assert.equal(disabled.state, 'DISABLED');
    assert.equal(disabled.reason, 'MEMBER_DISABLED');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, ok, startTestApi, type TestApi } from '../../test-support/api-harness.js';
import { createAdmin, createLocation, OWNER_PASSWORD } from '../../test-support/factories.js';

const SETUP = `mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { token csrfToken admin { id role } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { token csrfToken admin { email } } }`;

let t: TestApi;
before(async () => {
  t = await startTestApi();
});
after(() => t.stop());

const countAudit = async () =>
  Number((await t.api.orm.em.fork().execute('select count(*)::int as n from audit_event'))[0].n);
const countAdmins = async () =>
  Number((await t.api.orm.em.fork().execute('select count(*)::int as n from admin_user'))[0].n);

describe('first admin, login, sessions', () => {
  it('refuses a weak first password and writes nothing', async () => {
    const r = await t.gql(SETUP, { i: { email: 'owner@example.com', password: 'short' } });
    assert.equal(codeOf(r), 'VALIDATION_FAILED');
    assert.equal(r.errors![0]!.extensions!.problems[0].code, 'WEAK_PASSWORD');
    assert.equal(await countAdmins(), 0);
    assert.equal(await countAudit(), 0);
  });

  it('creates exactly one owner even when two setups race', async () => {
    const results = await Promise.all([
      t.gql(SETUP, { i: { email: 'owner@example.com', password: OWNER_PASSWORD } }),
      t.gql(SETUP, { i: { email: 'intruder@example.com', password: OWNER_PASSWORD } }),
    ]);
    const succeeded = results.filter((r) => !r.errors);
    assert.equal(succeeded.length, 1);
    assert.equal(codeOf(results.find((r) => r.errors)!), 'SETUP_ALREADY_DONE');
    assert.equal(succeeded[0]!.data!.setupFirstAdmin.admin.role, 'OWNER');
    assert.equal(await countAdmins(), 1);
  });

  it('says setup is done and refuses a second setupFirstAdmin', async () => {
    assert.equal(ok(await t.gql('{ setupStatus { needsSetup } }')).setupStatus.needsSetup, false);
    const r = await t.gql(SETUP, { i: { email: 'late@example.com', password: OWNER_PASSWORD } });
    assert.equal(codeOf(r), 'SETUP_ALREADY_DONE');
  });

  it('logs in with the right password only, case-insensitively by email', async () => {
    const good = ok(await t.gql(LOGIN, { i: { email: 'Owner@Example.com', password: OWNER_PASSWORD } }));
    assert.match(good.login.token, /^lys_/);
    assert.equal(
      codeOf(await t.gql(LOGIN, { i: { email: 'owner@example.com', password: 'wrong-password-1' } })),
      'INVALID_CREDENTIALS',
    );
    assert.equal(
      codeOf(await t.gql(LOGIN, { i: { email: 'nobody@example.com', password: OWNER_PASSWORD } })),
      'INVALID_CREDENTIALS',
    );
  });

  it('sets an HttpOnly SameSite session cookie and requires the CSRF header with it', async () => {
    const r = await t.gql(LOGIN, { i: { email: 'owner@example.com', password: OWNER_PASSWORD } });
    const cookies = r.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('lanyard_session='))!;
    assert.match(session, /HttpOnly/i);
    assert.match(session, /SameSite=Strict/i);
    const csrfCookie = cookies.find((c) => c.startsWith('lanyard_csrf='))!;
    assert.doesNotMatch(csrfCookie, /HttpOnly/i);
    const cookie = session.split(';')[0]!;
    const csrf = r.data!.login.csrfToken as string;

    const without = await t.gql('{ currentAdmin { email } }', {}, { headers: { cookie } });
    assert.equal(codeOf(without), 'CSRF_CHECK_FAILED');
    const wrong = await t.gql(
      '{ currentAdmin { email } }',
      {},
      { headers: { cookie, 'x-csrf-token': 'x'.repeat(csrf.length) } },
    );
    assert.equal(codeOf(wrong), 'CSRF_CHECK_FAILED');
    const good = await t.gql('{ currentAdmin { email } }', {}, { headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(ok(good).currentAdmin.email, 'owner@example.com');
  });

  it('limits failed sign-ins per email, counting them although each attempt rolls back', async () => {
    const victim = 'owner@example.com';
    const attempts = [];
    for (let i = 0; i < 10; i++)
      attempts.push(codeOf(await t.gql(LOGIN, { i: { email: victim, password: `wrong-guess-${i}` } })));
    assert.ok(attempts.every((c) => c === 'INVALID_CREDENTIALS'));
    // Now even the right password is refused until the window passes.
    assert.equal(
      codeOf(await t.gql(LOGIN, { i: { email: victim, password: OWNER_PASSWORD } })),
      'RATE_LIMITED',
    );
    const stored: Array<{ key: string }> = await t.api.orm.em
      .fork()
      .execute(`select key from rate_limit_bucket`);
    assert.ok(
      stored.every((r: { key: string }) => !r.key.includes('owner@example.com')),
      'subjects are hashed',
    );
    await t.api.orm.em.fork().execute(`delete from rate_limit_bucket`);
    ok(await t.gql(LOGIN, { i: { email: victim, password: OWNER_PASSWORD } }));
  });

  it('logout ends the session', async () => {
    const token = ok(await t.gql(LOGIN, { i: { email: 'owner@example.com', password: OWNER_PASSWORD } }))
      .login.token;
    assert.equal(ok(await t.gql('mutation { logout }', {}, { token })).logout, true);
    assert.equal(codeOf(await t.gql('{ currentAdmin { email } }', {}, { token })), 'UNAUTHENTICATED');
  });

  it('rejects unknown and malformed tokens as unauthenticated', async () => {
    for (const token of ['lys_nope', 'lyk_nope', 'garbage']) {
      assert.equal(codeOf(await t.gql('{ locations { id } }', {}, { token })), 'UNAUTHENTICATED');
    }
    assert.equal(codeOf(await t.gql('{ locations { id } }')), 'UNAUTHENTICATED');
  });
});

describe('roles and API keys', () => {
  let owner: string;
  before(async () => {
    owner = ok(await t.gql(LOGIN, { i: { email: 'owner@example.com', password: OWNER_PASSWORD } })).login
      .token;
  });

  it('a VIEWER reads but cannot mutate, and nothing is written', async () => {
    const viewer = await createAdmin(t, owner, 'VIEWER');
    assert.ok(Array.isArray(ok(await t.gql('{ locations { id } }', {}, { token: viewer.token })).locations));
    const audits = await countAudit();
    const r = await t.gql(
      `mutation { createLocation(input: {name: "X", slug: "viewer-made", timezone: "UTC", ssids: []}) { location { id } } }`,
      {},
      { token: viewer.token },
    );
    assert.equal(codeOf(r), 'FORBIDDEN');
    assert.equal(await countAudit(), audits);
    const slugs = await t.api.orm.em.fork().execute(`select 1 from location where slug = 'viewer-made'`);
    assert.equal(slugs.length, 0);
  });

  it('a VIEWER cannot reveal passphrases or read the audit log', async () => {
    const viewer = await createAdmin(t, owner, 'VIEWER');
    const r = await t.gql(
      `mutation { revealMemberPassphrase(memberId: "01a20be2-0000-7000-8000-000000000000") }`,
      {},
      { token: viewer.token },
    );
    assert.equal(codeOf(r), 'FORBIDDEN');
    assert.equal(
      codeOf(await t.gql('{ auditEvents { totalCount } }', {}, { token: viewer.token })),
      'FORBIDDEN',
    );
  });

  it('an ADMIN cannot create an OWNER', async () => {
    const admin = await createAdmin(t, owner, 'ADMIN');
    const r = await t.gql(
      `mutation { createAdminUser(input: {email: "o2@example.com", password: "long-enough-pass", role: OWNER}) { adminUser { id } } }`,
      {},
      { token: admin.token },
    );
    assert.equal(codeOf(r), 'FORBIDDEN');
  });

  it('no one changes their own role, and the last owner cannot be removed', async () => {
    const me = ok(await t.gql('{ currentAdmin { id } }', {}, { token: owner })).currentAdmin.id;
    const demote = await t.gql(
      `mutation($id: ID!) { updateAdminUser(input: {id: $id, role: ADMIN}) { adminUser { id } } }`,
      { id: me },
      { token: owner },
    );
    assert.equal(codeOf(demote), 'FORBIDDEN');
    const remove = await t.gql(
      `mutation($id: ID!) { deleteAdminUser(id: $id) { deletedId } }`,
      { id: me },
      { token: owner },
    );
    assert.equal(codeOf(remove), 'CONFLICT');
  });

  it('an ADMIN cannot take over another ADMIN, but may change their own password', async () => {
    const a1 = await createAdmin(t, owner, 'ADMIN');
    const a2 = await createAdmin(t, owner, 'ADMIN');
    const takeover = await t.gql(
      `mutation($id: ID!) { updateAdminUser(input: {id: $id, password: "taken-over-password"}) { adminUser { id } } }`,
      { id: a2.id },
      { token: a1.token },
    );
    assert.equal(codeOf(takeover), 'FORBIDDEN');
    ok(
      await t.gql(
        `mutation($id: ID!) { updateAdminUser(input: {id: $id, password: "my-new-password-1"}) { adminUser { id } } }`,
        { id: a1.id },
        { token: a1.token },
      ),
    );
    ok(await t.gql(LOGIN, { i: { email: a1.email, password: 'my-new-password-1' } }));
  });

  it('an API key acts within its scopes, and not after revocation', async () => {
    const created = ok(
      await t.gql(
        `mutation { createApiKey(input: {name: "reporting", scopes: [READ]}) { key apiKey { id prefix scopes } } }`,
        {},
        { token: owner },
      ),
    ).createApiKey;
    assert.match(created.key, /^lyk_/);
    assert.ok(created.key.startsWith(created.apiKey.prefix));
    const key = created.key as string;
    assert.ok(Array.isArray(ok(await t.gql('{ locations { id } }', {}, { token: key })).locations));
    const write = await t.gql(
      `mutation { createLocation(input: {name: "K", slug: "key-made", timezone: "UTC", ssids: []}) { location { id } } }`,
      {},
      { token: key },
    );
    assert.equal(codeOf(write), 'FORBIDDEN');
    const stored = await t.api.orm.em
      .fork()
      .execute('select key_hash from api_key where id = ?', [created.apiKey.id]);
    assert.notEqual(stored[0].key_hash, key);
    ok(
      await t.gql(
        `mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } } }`,
        { id: created.apiKey.id },
        { token: owner },
      ),
    );
    assert.equal(codeOf(await t.gql('{ locations { id } }', {}, { token: key })), 'UNAUTHENTICATED');
  });

  it('an API key never exceeds its creator: a VIEWER-made key with write scopes cannot write', async () => {
    const viewer = await createAdmin(t, owner, 'VIEWER');
    // VIEWERs cannot manage API keys at all.
    const r = await t.gql(
      `mutation { createApiKey(input: {name: "sneaky", scopes: [LOCATIONS_WRITE]}) { key } }`,
      {},
      { token: viewer.token },
    );
    assert.equal(codeOf(r), 'FORBIDDEN');
  });

  it('an API key cannot be given scopes above its creator', async () => {
    const loc = await createLocation(t, owner);
    const manager = await createAdmin(t, owner, 'LOCATION_MANAGER', [loc.id]);
    const r = await t.gql(
      `mutation { createApiKey(input: {name: "too much", scopes: [READ, GROUPS_WRITE, AUDIT_READ]}) { key } }`,
      {},
      { token: manager.token },
    );
    assert.equal(codeOf(r), 'VALIDATION_FAILED');
    assert.equal(
      r.errors![0]!.extensions!.problems.filter((p: { code: string }) => p.code === 'SCOPE_ABOVE_ROLE')
        .length,
      2,
    );
    ok(
      await t.gql(
        `mutation { createApiKey(input: {name: "fine", scopes: [READ, MEMBERS_WRITE]}) { key } }`,
        {},
        { token: manager.token },
      ),
    );
  });

  it('a LOCATION_MANAGER sees and changes only their locations', async () => {
    const mine = await createLocation(t, owner);
    const other = await createLocation(t, owner);
    const manager = await createAdmin(t, owner, 'LOCATION_MANAGER', [mine.id]);
    const locations = ok(await t.gql('{ locations { id } }', {}, { token: manager.token })).locations.map(
      (l: { id: string }) => l.id,
    );
    assert.deepEqual(locations, [mine.id]);
    assert.equal(
      codeOf(
        await t.gql(
          `query($id: ID!) { location(id: $id) { id } }`,
          { id: other.id },
          { token: manager.token },
        ),
      ),
      'NOT_FOUND',
    );
    const nas = await t.gql(
      `mutation($l: ID!) { createNasClient(input: {locationId: $l, name: "AP", ipAddress: "192.0.2.10", vendor: generic}) { secret } }`,
      { l: other.id },
      { token: manager.token },
    );
    assert.equal(codeOf(nas), 'NOT_FOUND');
    const ownNas = await t.gql(
      `mutation($l: ID!) { createNasClient(input: {locationId: $l, name: "AP", ipAddress: "192.0.2.11", vendor: generic}) { secret } }`,
      { l: mine.id },
      { token: manager.token },
    );
    assert.ok(ok(ownNas).createNasClient.secret);
    const create = await t.gql(
      `mutation { createLocation(input: {name: "M", slug: "manager-made", timezone: "UTC", ssids: []}) { location { id } } }`,
      {},
      { token: manager.token },
    );
    assert.equal(codeOf(create), 'FORBIDDEN');
  });
});

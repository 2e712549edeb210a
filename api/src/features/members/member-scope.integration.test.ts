/**
 * Members and grants as seen and changed by location managers and narrowly scoped API keys, and the
 * member rules around them (revival, the hasAccess filter, concurrent passphrases, email checks).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { codeOf, ok, startTestApi, waitFor, type TestApi } from '../../test-support/api-harness.js';
import {
  createAdmin,
  createGrant,
  createLocation,
  createMember,
  setupOwner,
} from '../../test-support/factories.js';

let t: TestApi;
let owner: string;
let lm: string;
let A: { id: string };
let B: { id: string };
let gA: string;
let gB: string;
let gAll: string;

const HOUR = 3600_000;
const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const sorted = (ids: string[]): string[] => [...ids].sort();
const ids = (nodes: Array<{ id: string }>): string[] => sorted(nodes.map((n) => n.id));

const MEMBER_FIELDS = 'id status fullName username roaming deletedAt hasPassphrase';
const q = {
  member: `query($id: ID!) { member(id: $id) { ${MEMBER_FIELDS} homeLocations { id } groups { id } grants { id cancelledAt } } }`,
  members: `query($f: MemberFilterInput) { members(filter: $f, first: 200) { nodes { id homeLocations { id } groups { id } grants { id } } } }`,
  create: `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { ${MEMBER_FIELDS} } } }`,
  update: `mutation($i: UpdateMemberInput!) { updateMember(input: $i) { member { id } } }`,
  disable: `mutation($id: ID!) { disableMember(memberId: $id) { member { id } } }`,
  enable: `mutation($id: ID!) { enableMember(memberId: $id) { member { id } } }`,
  delete: `mutation($id: ID!) { deleteMember(memberId: $id) { member { id } } }`,
  rotate: `mutation($id: ID!) { rotateMemberPassphrase(memberId: $id) { member { id } } }`,
  setPass: `mutation($i: SetMemberPassphraseInput!) { setMemberPassphrase(input: $i) { member { id } } }`,
  reveal: `mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`,
  createGrant: `mutation($i: CreateAccessGrantInput!) { createAccessGrant(input: $i) { accessGrant { id } } }`,
  updateGrant: `mutation($i: UpdateAccessGrantInput!) { updateAccessGrant(input: $i) { accessGrant { id } } }`,
  deleteGrant: `mutation($id: ID!) { deleteAccessGrant(id: $id) { deletedId } }`,
};

const asOwner = (query: string, variables: Record<string, unknown>) =>
  t.gql(query, variables, { token: owner });
const asLm = (query: string, variables: Record<string, unknown>) => t.gql(query, variables, { token: lm });
const memberAs = async (token: string, id: string) =>
  ok(await t.gql(q.member, { id }, { token })).member as {
    id: string;
    status: string;
    fullName: string;
    username: string;
    roaming: boolean;
    deletedAt: string | null;
    hasPassphrase: boolean;
    homeLocations: Array<{ id: string }>;
    groups: Array<{ id: string }>;
    grants: Array<{ id: string; cancelledAt: string | null }>;
  };
const listedFor = async (token: string, filter: Record<string, unknown> = {}): Promise<string[]> =>
  ids(ok(await t.gql(q.members, { f: filter }, { token })).members.nodes);
const reveal = async (token: string, id: string): Promise<string> =>
  ok(await t.gql(q.reveal, { id }, { token })).revealMemberPassphrase as string;

async function createGroup(input: Record<string, unknown>): Promise<string> {
  return ok(
    await asOwner(`mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }`, {
      i: input,
    }),
  ).createGroup.group.id;
}

async function createApiKey(token: string, scopes: string[]): Promise<string> {
  return ok(
    await t.gql(
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key } }`,
      { i: { name: `key-${scopes.join('-')}`, scopes } },
      { token },
    ),
  ).createApiKey.key;
}

before(async () => {
  t = await startTestApi();
  owner = await setupOwner(t);
  A = await createLocation(t, owner);
  B = await createLocation(t, owner);
  lm = (await createAdmin(t, owner, 'LOCATION_MANAGER', [A.id])).token;
  gA = await createGroup({ name: 'Team A', origin: 'TEAM', locationId: A.id, vlanId: 101 });
  gB = await createGroup({ name: 'Team B', origin: 'TEAM', locationId: B.id, vlanId: 100 });
  gAll = await createGroup({ name: 'Everyone', origin: 'MANUAL' });
});
after(() => t.stop());

describe('roaming is for unscoped administrators only', () => {
  it('a location manager cannot create a roaming member: FORBIDDEN, nothing written', async () => {
    const email = 'lm-roamer@example.com';
    const r = await asLm(q.create, { i: { email, fullName: 'Roamer', locationIds: [A.id], roaming: true } });
    assert.equal(codeOf(r), 'FORBIDDEN');
    assert.equal((await sql('select 1 from member where email_normalized = ?', [email])).length, 0);
  });

  it('a location manager cannot change roaming on update, but may resend its current value', async () => {
    const m = await createMember(t, lm, [A.id]);
    assert.equal(codeOf(await asLm(q.update, { i: { id: m.id, roaming: true } })), 'FORBIDDEN');
    assert.equal((await memberAs(owner, m.id)).roaming, false);
    ok(await asLm(q.update, { i: { id: m.id, roaming: false, fullName: 'Still Local' } }));
    ok(await asOwner(q.update, { i: { id: m.id, roaming: true } }));
    assert.equal((await memberAs(owner, m.id)).roaming, true);
    assert.equal(codeOf(await asLm(q.update, { i: { id: m.id, roaming: false } })), 'FORBIDDEN');
    assert.equal((await memberAs(owner, m.id)).roaming, true);
  });
});

describe('member visibility for location managers', () => {
  it('ended or cancelled grants at their location do not make a member of another location visible', async () => {
    const ended = await createMember(t, owner, [B.id]);
    await createGrant(t, owner, {
      memberId: ended.id,
      kind: 'MANUAL',
      locationId: A.id,
      startsAt: at(-2 * HOUR),
      endsAt: at(-HOUR),
    });
    const cancelled = await createMember(t, owner, [B.id]);
    const grant = await createGrant(t, owner, {
      memberId: cancelled.id,
      kind: 'MEMBERSHIP',
      locationId: A.id,
      startsAt: at(-2 * HOUR),
    });
    ok(await asOwner(q.updateGrant, { i: { id: grant.id, cancelledAt: at(-HOUR) } }));

    const listed = await listedFor(lm);
    for (const m of [ended, cancelled]) {
      assert.ok(!listed.includes(m.id));
      assert.equal(codeOf(await asLm(q.member, { id: m.id })), 'NOT_FOUND');
      assert.equal(codeOf(await asLm(q.reveal, { id: m.id })), 'NOT_FOUND');
      assert.equal(codeOf(await asLm(q.disable, { id: m.id })), 'NOT_FOUND');
      assert.equal(codeOf(await asLm(q.delete, { id: m.id })), 'NOT_FOUND');
      assert.equal((await memberAs(owner, m.id)).status, 'ACTIVE');
    }
    assert.ok(!(await listedFor(lm, { locationId: A.id })).includes(ended.id));
  });

  it('a current or future grant makes a member visible; whole-member writes still need a home location', async () => {
    const current = await createMember(t, owner, [B.id]);
    await createGrant(t, owner, {
      memberId: current.id,
      kind: 'MEMBERSHIP',
      locationId: A.id,
      startsAt: at(-HOUR),
    });
    const future = await createMember(t, owner, [B.id]);
    await createGrant(t, owner, {
      memberId: future.id,
      kind: 'MANUAL',
      locationId: A.id,
      startsAt: at(24 * HOUR),
      endsAt: at(48 * HOUR),
    });
    const listed = await listedFor(lm);
    assert.ok(listed.includes(current.id) && listed.includes(future.id));
    assert.equal((await memberAs(lm, current.id)).id, current.id);
    assert.equal((await memberAs(lm, future.id)).id, future.id);

    const id = current.id;
    const refused = [
      await asLm(q.disable, { id }),
      await asLm(q.enable, { id }),
      await asLm(q.delete, { id }),
      await asLm(q.rotate, { id }),
      await asLm(q.setPass, { i: { memberId: id, passphrase: 'Visiting-Phrase-4471' } }),
      await asLm(q.reveal, { id }),
      await asLm(q.update, { i: { id, email: 'renamed-visitor@example.com' } }),
      await asLm(q.update, { i: { id, fullName: 'Renamed Visitor' } }),
      await asLm(q.update, { i: { id, username: 'renamed-visitor' } }),
    ];
    assert.deepEqual(
      refused.map(codeOf),
      refused.map(() => 'FORBIDDEN'),
    );
    const [row] = await sql('select status, full_name, passphrase_version from member where id = ?', [id]);
    assert.equal(row.status, 'ACTIVE');
    assert.equal(row.passphrase_version, 1);
    // Changes within the manager's own location are fine.
    ok(await asLm(q.update, { i: { id, groupIds: [gA] } }));
    await createGrant(t, lm, { memberId: id, kind: 'VISITOR', locationId: A.id, startsAt: at(0) });

    const local = await createMember(t, lm, [A.id]);
    ok(await asLm(q.disable, { id: local.id }));
    ok(await asLm(q.update, { i: { id: local.id, fullName: 'Local Renamed' } }));
    assert.ok((await reveal(lm, local.id)).length >= 8);
  });
});

describe('grants of other locations', () => {
  it("a location manager cannot change or delete another location's or a deployment-wide grant", async () => {
    const m = await createMember(t, owner, [B.id]);
    const grantA = await createGrant(t, owner, {
      memberId: m.id,
      kind: 'MEMBERSHIP',
      locationId: A.id,
      startsAt: at(-HOUR),
    });
    const grantB = await createGrant(t, owner, {
      memberId: m.id,
      kind: 'MEMBERSHIP',
      locationId: B.id,
      startsAt: at(-HOUR),
    });
    const grantAll = await createGrant(t, owner, { memberId: m.id, kind: 'MANUAL', startsAt: at(-HOUR) });
    for (const g of [grantB, grantAll]) {
      assert.equal(codeOf(await asLm(q.updateGrant, { i: { id: g.id, endsAt: at(HOUR) } })), 'FORBIDDEN');
      assert.equal(codeOf(await asLm(q.deleteGrant, { id: g.id })), 'FORBIDDEN');
    }
    const rows = await sql('select id, ends_at from access_grant where id in (?, ?)', [
      grantB.id,
      grantAll.id,
    ]);
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.ends_at === null));
    ok(await asLm(q.updateGrant, { i: { id: grantA.id, note: 'desk 12' } }));
    assert.equal(codeOf(await asLm(q.updateGrant, { i: { id: grantA.id, locationId: B.id } })), 'NOT_FOUND');
  });
});

describe("a location manager's edits keep other locations' data", () => {
  it('replaces only in-scope home locations and groups, and refuses groups outside the scope', async () => {
    const m = await createMember(t, owner, [A.id, B.id], { groupIds: [gA, gB, gAll] });
    ok(await asLm(q.update, { i: { id: m.id, locationIds: [A.id], groupIds: [] } }));
    let seen = await memberAs(owner, m.id);
    assert.deepEqual(ids(seen.homeLocations), sorted([A.id, B.id]));
    assert.deepEqual(ids(seen.groups), sorted([gB, gAll]));

    assert.equal(codeOf(await asLm(q.update, { i: { id: m.id, groupIds: [gB] } })), 'NOT_FOUND');
    assert.equal(codeOf(await asLm(q.update, { i: { id: m.id, groupIds: [gAll] } })), 'FORBIDDEN');
    assert.equal(codeOf(await asLm(q.update, { i: { id: m.id, locationIds: [B.id] } })), 'NOT_FOUND');

    ok(await asLm(q.update, { i: { id: m.id, groupIds: [gA] } }));
    seen = await memberAs(owner, m.id);
    assert.deepEqual(ids(seen.groups), sorted([gA, gB, gAll]));

    ok(await asLm(q.update, { i: { id: m.id, locationIds: [] } }));
    assert.deepEqual(ids((await memberAs(owner, m.id)).homeLocations), [B.id]);

    // An unscoped administrator still replaces the whole sets.
    ok(await asOwner(q.update, { i: { id: m.id, locationIds: [A.id], groupIds: [] } }));
    seen = await memberAs(owner, m.id);
    assert.deepEqual(ids(seen.homeLocations), [A.id]);
    assert.deepEqual(seen.groups, []);
  });

  it('a location manager cannot create a member in groups outside the scope', async () => {
    for (const [groupId, code] of [
      [gB, 'NOT_FOUND'],
      [gAll, 'FORBIDDEN'],
    ] as const) {
      const email = `lm-group-${code.toLowerCase()}@example.com`;
      const r = await asLm(q.create, {
        i: { email, fullName: 'G', locationIds: [A.id], groupIds: [groupId] },
      });
      assert.equal(codeOf(r), code);
      assert.equal((await sql('select 1 from member where email_normalized = ?', [email])).length, 0);
    }
    const m = await createMember(t, lm, [A.id], { groupIds: [gA] });
    assert.deepEqual(ids((await memberAs(owner, m.id)).groups), [gA]);
  });
});

describe('nested member fields for location managers', () => {
  it("show only the manager's locations, their groups and grants, and deployment-wide ones", async () => {
    const m = await createMember(t, owner, [A.id, B.id], {
      groupIds: [gA, gB, gAll],
      fullName: 'Nested Fields Person',
    });
    const grantA = await createGrant(t, owner, {
      memberId: m.id,
      kind: 'MEMBERSHIP',
      locationId: A.id,
      startsAt: at(-HOUR),
    });
    const grantB = await createGrant(t, owner, {
      memberId: m.id,
      kind: 'MEMBERSHIP',
      locationId: B.id,
      startsAt: at(-HOUR),
    });
    const grantAll = await createGrant(t, owner, { memberId: m.id, kind: 'MANUAL', startsAt: at(-HOUR) });

    const byLm = await memberAs(lm, m.id);
    assert.deepEqual(ids(byLm.homeLocations), [A.id]);
    assert.deepEqual(ids(byLm.groups), sorted([gA, gAll]));
    assert.deepEqual(ids(byLm.grants), sorted([grantA.id, grantAll.id]));
    const [listed] = ok(await asLm(q.members, { f: { search: 'Nested Fields Person' } })).members.nodes;
    assert.deepEqual(ids(listed.homeLocations), [A.id]);
    assert.deepEqual(ids(listed.groups), sorted([gA, gAll]));
    assert.deepEqual(ids(listed.grants), sorted([grantA.id, grantAll.id]));

    const byOwner = await memberAs(owner, m.id);
    assert.deepEqual(ids(byOwner.homeLocations), sorted([A.id, B.id]));
    assert.deepEqual(ids(byOwner.groups), sorted([gA, gB, gAll]));
    assert.deepEqual(ids(byOwner.grants), sorted([grantA.id, grantB.id, grantAll.id]));
  });
});

describe('API key scopes on member writes', () => {
  it('MEMBERS_WRITE alone runs every member and grant write, but neither reads nor reveals', async () => {
    const key = await createApiKey(owner, ['MEMBERS_WRITE']);
    const m = await createMember(t, key, [A.id]);
    const as = (query: string, variables: Record<string, unknown>) => t.gql(query, variables, { token: key });
    ok(await as(q.update, { i: { id: m.id, fullName: 'Written By Key' } }));
    ok(await as(q.disable, { id: m.id }));
    ok(await as(q.enable, { id: m.id }));
    ok(await as(q.rotate, { id: m.id }));
    ok(await as(q.setPass, { i: { memberId: m.id, passphrase: 'Key-Chosen-Phrase-5521' } }));
    const grant = await createGrant(t, key, {
      memberId: m.id,
      kind: 'MANUAL',
      locationId: A.id,
      startsAt: at(-HOUR),
    });
    ok(await as(q.updateGrant, { i: { id: grant.id, note: 'by key' } }));
    ok(await as(q.deleteGrant, { id: grant.id }));
    assert.equal(codeOf(await as(q.reveal, { id: m.id })), 'FORBIDDEN');
    assert.equal(codeOf(await as(q.member, { id: m.id })), 'FORBIDDEN');
    ok(await as(q.delete, { id: m.id }));
    assert.equal((await memberAs(owner, m.id)).status, 'DELETED');
  });

  it('MEMBERS_SECRETS alone reveals a passphrase, and writes nothing else', async () => {
    const key = await createApiKey(owner, ['MEMBERS_SECRETS']);
    const m = await createMember(t, owner, [A.id]);
    assert.equal(await reveal(key, m.id), await reveal(owner, m.id));
    assert.equal(codeOf(await t.gql(q.rotate, { id: m.id }, { token: key })), 'FORBIDDEN');
  });
});

describe('deleted members', () => {
  it('creating a member with the email of a deleted one brings that member back afresh', async () => {
    const m = await createMember(t, owner, [A.id], { groupIds: [gA] });
    const oldGrant = await createGrant(t, owner, {
      memberId: m.id,
      kind: 'MEMBERSHIP',
      locationId: B.id,
      startsAt: at(-HOUR),
    });
    const oldPassphrase = await reveal(owner, m.id);
    ok(await asOwner(q.delete, { id: m.id }));
    const [deleted] = await sql('select username from member where id = ?', [m.id]);
    assert.equal(deleted.username, `deleted:${m.id}`);

    const back = ok(
      await asOwner(q.create, {
        i: { email: m.email.toUpperCase(), fullName: 'Back Again', locationIds: [B.id], groupIds: [gB] },
      }),
    ).createMember.member;
    assert.equal(back.id, m.id);
    assert.equal(back.status, 'ACTIVE');
    assert.equal(back.deletedAt, null);
    assert.equal(back.fullName, 'Back Again');
    assert.equal(back.username, m.email.toLowerCase());
    assert.equal(back.hasPassphrase, true);
    const seen = await memberAs(owner, m.id);
    assert.deepEqual(ids(seen.homeLocations), [B.id]);
    assert.deepEqual(ids(seen.groups), [gB]);
    // Access from before the deletion does not come back with the member.
    assert.notEqual(seen.grants.find((g) => g.id === oldGrant.id)!.cancelledAt, null);
    const decision = ok(
      await asOwner(`query($id: ID!, $l: ID!) { member(id: $id) { accessAt(locationId: $l) { allowed } } }`, {
        id: m.id,
        l: B.id,
      }),
    ).member.accessAt;
    assert.equal(decision.allowed, false);
    assert.notEqual(await reveal(owner, m.id), oldPassphrase);
    const audits = await sql(`select 1 from audit_event where action = 'createMember' and target_id = ?`, [
      m.id,
    ]);
    assert.equal(audits.length, 2);
    assert.equal(
      codeOf(await asOwner(q.create, { i: { email: m.email, fullName: 'Twice', locationIds: [A.id] } })),
      'ALREADY_EXISTS',
    );
  });

  it("a deleted member's username is free for someone else, also for rows deleted before the fix", async () => {
    const first = await createMember(t, owner, [A.id], { username: 'desk-42' });
    ok(await asOwner(q.delete, { id: first.id }));
    const second = await createMember(t, owner, [A.id], { username: 'desk-42' });
    assert.equal(second.username, 'desk-42');

    const legacy = await createMember(t, owner, [A.id], { username: 'legacy-7' });
    ok(await asOwner(q.delete, { id: legacy.id }));
    await sql(`update member set username = 'legacy-7' where id = ?`, [legacy.id]);
    const taker = await createMember(t, owner, [A.id], { username: 'legacy-7' });
    assert.equal(taker.username, 'legacy-7');
    const [row] = await sql('select username from member where id = ?', [legacy.id]);
    assert.equal(row.username, `deleted:${legacy.id}`);

    const revived = ok(
      await asOwner(q.create, { i: { email: legacy.email, fullName: 'Legacy', locationIds: [A.id] } }),
    ).createMember.member;
    assert.equal(revived.id, legacy.id);
    assert.equal(revived.username, legacy.email.toLowerCase());
    assert.equal(
      codeOf(await asOwner(q.create, { i: { email: second.email, fullName: 'Dup', locationIds: [A.id] } })),
      'ALREADY_EXISTS',
    );
  });
});

describe('members(filter: {locationId, hasAccess})', () => {
  it('follows the access policy: own location, no location, roaming, or a home location', async () => {
    const X = await createLocation(t, owner);
    const Y = await createLocation(t, owner);
    const member = async (
      homes: string[],
      grant: Record<string, unknown> | null,
      extra: Record<string, unknown> = {},
    ) => {
      const m = await createMember(t, owner, homes, extra);
      if (grant)
        await createGrant(t, owner, { memberId: m.id, kind: 'MEMBERSHIP', startsAt: at(-HOUR), ...grant });
      return m.id;
    };
    const granted = {
      atX: await member([X.id], { locationId: X.id }),
      homeAtX: await member([X.id], { locationId: Y.id }),
      roamer: await member([Y.id], { locationId: Y.id }, { roaming: true }),
      everywhere: await member([Y.id], { locationId: null }),
      visitor: await member([Y.id], { locationId: X.id }),
    };
    const refused = {
      ended: await member([X.id], { locationId: X.id, startsAt: at(-2 * HOUR), endsAt: at(-HOUR) }),
      noWifi: await member([X.id], { locationId: X.id, grantsWifi: false }),
      future: await member([X.id], { locationId: X.id, startsAt: at(24 * HOUR) }),
      disabled: await member([X.id], { locationId: X.id }),
      none: await member([X.id], null),
    };
    ok(await asOwner(q.disable, { id: refused.disabled }));
    const elsewhere = await member([Y.id], { locationId: Y.id });

    // Members of other tests with deployment-wide grants have access at X too: look at ours only.
    const ours = new Set([...Object.values(granted), ...Object.values(refused), elsewhere]);
    const withAccess = (await listedFor(owner, { locationId: X.id, hasAccess: true })).filter((id) =>
      ours.has(id),
    );
    const without = (await listedFor(owner, { locationId: X.id, hasAccess: false })).filter((id) =>
      ours.has(id),
    );
    assert.deepEqual(withAccess, sorted(Object.values(granted)));
    assert.deepEqual(without, sorted(Object.values(refused)));
    assert.ok(!withAccess.includes(elsewhere) && !without.includes(elsewhere));

    // The filter and the access decision agree member by member.
    for (const id of ours) {
      const d = ok(
        await asOwner(
          `query($id: ID!, $l: ID!) { member(id: $id) { accessAt(locationId: $l) { allowed } } }`,
          {
            id,
            l: X.id,
          },
        ),
      ).member.accessAt;
      assert.equal(d.allowed, withAccess.includes(id), `member ${id}`);
    }
  });
});

describe('concurrent identical passphrases', () => {
  it('a passphrase taken by a concurrent transaction is PASSPHRASE_IN_USE, not ALREADY_EXISTS', async () => {
    const a = await createMember(t, owner, [A.id]);
    const b = await createMember(t, owner, [A.id]);
    const passphrase = 'Concurrent-Phrase-913';
    const fingerprint = SecretBox.fromHex(t.secretKey).fingerprint(passphrase, 'member-passphrase');
    const rival = new pg.Client({ connectionString: t.db.url });
    await rival.connect();
    try {
      await rival.query('begin');
      await rival.query('update member set passphrase_fingerprint = $1 where id = $2', [fingerprint, a.id]);
      // The API cannot see the uncommitted row, passes its check, and waits on the unique index.
      const pending = asOwner(q.setPass, { i: { memberId: b.id, passphrase } });
      await waitFor(
        async () =>
          (
            await rival.query(
              `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
            )
          ).rowCount! > 0,
        10_000,
        'the API to wait on the unique index',
      );
      await rival.query('commit');
      assert.equal(codeOf(await pending), 'PASSPHRASE_IN_USE');
    } finally {
      await rival.query('rollback').catch(() => undefined);
      await rival.end();
    }
    const [row] = await sql('select passphrase_version from member where id = ?', [b.id]);
    assert.equal(row.passphrase_version, 1);
  });
});

describe('email validation', () => {
  // Arguments are capped at 10,000 characters by the API; the service's own linear check is
  // exercised with far longer input in member.service.test.ts.
  it('refuses malformed and over-long emails with INVALID_EMAIL', async () => {
    const m = await createMember(t, owner, [A.id]);
    const hostile = `a@${'a.'.repeat(4_990)}@`;
    for (const r of [
      async () => asOwner(q.create, { i: { email: hostile, fullName: 'Slow', locationIds: [A.id] } }),
      async () => asOwner(q.update, { i: { id: m.id, email: hostile } }),
      async () =>
        asOwner(q.create, {
          i: { email: `${'a'.repeat(310)}@example.com`, fullName: 'Long', locationIds: [A.id] },
        }),
      async () => asOwner(q.create, { i: { email: 'a@b@c.example', fullName: 'Two', locationIds: [A.id] } }),
    ]) {
      const res = await r();
      assert.equal(codeOf(res), 'VALIDATION_FAILED');
      assert.deepEqual(
        res.errors![0]!.extensions!.problems.map((p: { code: string }) => p.code),
        ['INVALID_EMAIL'],
      );
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotifyChannel, SecretAad } from '@lanyard/schema';
import pg from 'pg';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { computePmkSync, ntHash } from '../../domain/credentials/index.js';
import { codeOf, ok, startTestApi, waitFor, type TestApi } from '../../test-support/api-harness.js';
import { createGrant, createLocation, createMember, setupOwner } from '../../test-support/factories.js';

let t: TestApi;
let owner: string;
let loc: { id: string; slug: string };
let box: SecretBox;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const reveal = async (id: string) =>
  ok(await t.gql(`mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`, { id }, { token: owner }))
    .revealMemberPassphrase as string;

before(async () => {
  t = await startTestApi();
  box = SecretBox.fromHex(t.secretKey);
  owner = await setupOwner(t);
  loc = await createLocation(t, owner, { ssids: ['Lanyard', 'Lanyard-5G'] });
});
after(() => t.stop());

describe('member credentials', () => {
  it('creates a member with a readable, encrypted passphrase and its NT hash', async () => {
    const m = await createMember(t, owner, [loc.id]);
    assert.equal(m.username, m.email.toLowerCase());
    const passphrase = await reveal(m.id);
    assert.ok(passphrase.length >= 8 && passphrase.length <= 63);
    const [row] = await sql(
      'select passphrase_enc, nt_hash_enc, passphrase_version from member where id = ?',
      [m.id],
    );
    assert.ok(!String(row.passphrase_enc).includes(passphrase), 'stored encrypted');
    assert.equal(box.decryptString(row.passphrase_enc, SecretAad.passphrase(m.id)), passphrase);
    assert.deepEqual(box.decrypt(row.nt_hash_enc, SecretAad.ntHash(m.id)), ntHash(passphrase));
    assert.equal(row.passphrase_version, 1);
  });

  it('computes a PMK per SSID in a background job', async () => {
    const m = await createMember(t, owner, [loc.id]);
    const passphrase = await reveal(m.id);
    const rows = await waitFor(
      async () => {
        const r = await sql('select ssid, pmk_enc from member_pmk where member_id = ? order by ssid', [m.id]);
        return r.length === 2 ? r : null;
      },
      20_000,
      'PMKs',
    );
    for (const row of rows) {
      assert.deepEqual(
        box.decrypt(row.pmk_enc, SecretAad.pmk(m.id, row.ssid)),
        computePmkSync(passphrase, row.ssid),
      );
    }
  });

  it('rotation changes the passphrase, bumps the version, drops old PMKs and notifies', async () => {
    const m = await createMember(t, owner, [loc.id]);
    const before = await reveal(m.id);
    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    const seen: Array<{ memberId: string; reason: string }> = [];
    listener.on('notification', (n) => seen.push(JSON.parse(n.payload!)));
    await listener.query(`LISTEN ${NotifyChannel.memberChanged}`);
    try {
      ok(
        await t.gql(
          `mutation($id: ID!) { rotateMemberPassphrase(memberId: $id) { member { id passphraseUpdatedAt } } }`,
          { id: m.id },
          { token: owner },
        ),
      );
      const afterRotation = await reveal(m.id);
      assert.notEqual(afterRotation, before);
      const [row] = await sql('select passphrase_version from member where id = ?', [m.id]);
      assert.equal(row.passphrase_version, 2);
      await waitFor(
        async () => seen.some((e) => e.memberId === m.id && e.reason === 'PASSPHRASE_CHANGED'),
        5000,
        'NOTIFY',
      );
      const pmks = await waitFor(
        async () => {
          const r = await sql('select passphrase_version from member_pmk where member_id = ?', [m.id]);
          return r.length === 2 ? r : null;
        },
        20_000,
        'recomputed PMKs',
      );
      assert.ok(pmks.every((p: { passphrase_version: number }) => p.passphrase_version === 2));
    } finally {
      await listener.end();
    }
  });

  it('refuses too-short, non-ASCII, common and already-used passphrases, writing nothing', async () => {
    const a = await createMember(t, owner, [loc.id]);
    const b = await createMember(t, owner, [loc.id]);
    const aPass = await reveal(a.id);
    const audits = Number((await sql('select count(*)::int n from audit_event'))[0].n);
    const set = (passphrase: string) =>
      t.gql(
        `mutation($i: SetMemberPassphraseInput!) { setMemberPassphrase(input: $i) { member { id } } }`,
        { i: { memberId: b.id, passphrase } },
        { token: owner },
      );
    const short = await set('short');
    assert.equal(codeOf(short), 'PASSPHRASE_INVALID');
    assert.equal(short.errors![0]!.extensions!.reason, 'PASSPHRASE_TOO_SHORT');
    assert.equal(
      (await set('caf\u00e9-latte-42')).errors![0]!.extensions!.reason,
      'PASSPHRASE_NOT_PRINTABLE_ASCII',
    );
    assert.equal((await set('password123')).errors![0]!.extensions!.reason, 'PASSPHRASE_TOO_COMMON');
    assert.equal(codeOf(await set(aPass)), 'PASSPHRASE_IN_USE');
    assert.equal(Number((await sql('select count(*)::int n from audit_event'))[0].n), audits);
    const [row] = await sql('select passphrase_version from member where id = ?', [b.id]);
    assert.equal(row.passphrase_version, 1);
    ok(await set('my-own-Secret-phrase-77'));
    assert.equal(await reveal(b.id), 'my-own-Secret-phrase-77');
  });

  it('audits every reveal without the secret in it', async () => {
    const m = await createMember(t, owner, [loc.id]);
    const passphrase = await reveal(m.id);
    const rows = await sql(
      `select details from audit_event where action = 'revealMemberPassphrase' and target_id = ?`,
      [m.id],
    );
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows[0].details).includes(passphrase));
  });
});

describe('member lifecycle and validation', () => {
  it('rejects a duplicate email (case-insensitive) and bad fields with codes', async () => {
    const m = await createMember(t, owner, [loc.id]);
    const dup = await t.gql(
      `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id } } }`,
      {
        i: { email: m.email.toUpperCase(), fullName: 'Dup', locationIds: [loc.id] },
      },
      { token: owner },
    );
    assert.equal(codeOf(dup), 'ALREADY_EXISTS');
    const bad = await t.gql(
      `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id } } }`,
      {
        i: { email: 'not-an-email', fullName: '', locationIds: [loc.id] },
      },
      { token: owner },
    );
    assert.equal(codeOf(bad), 'VALIDATION_FAILED');
    assert.deepEqual(bad.errors![0]!.extensions!.problems.map((p: { code: string }) => p.code).sort(), [
      'INVALID_EMAIL',
      'INVALID_NAME',
    ]);
    const unknownLoc = await t.gql(
      `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id } } }`,
      {
        i: {
          email: 'x-unknown@example.com',
          fullName: 'X',
          locationIds: ['01a20be2-0000-7000-8000-000000000000'],
        },
      },
      { token: owner },
    );
    assert.equal(codeOf(unknownLoc), 'NOT_FOUND');
    assert.equal(
      (await sql(`select 1 from member where email_normalized = 'x-unknown@example.com'`)).length,
      0,
    );
  });

  it('wrong argument types are GraphQL validation errors', async () => {
    const r = await t.gql(`{ members(first: "ten") { totalCount } }`, {}, { token: owner });
    assert.equal(codeOf(r), 'GRAPHQL_VALIDATION_FAILED');
    const v = await t.gql(
      `query($f: Int) { members(first: $f) { totalCount } }`,
      { f: 'x' },
      { token: owner },
    );
    assert.equal(codeOf(v), 'BAD_USER_INPUT');
    const big = await t.gql(`{ members(first: 100000) { totalCount } }`, {}, { token: owner });
    assert.ok(['VALIDATION_FAILED', 'QUERY_TOO_COSTLY'].includes(codeOf(big)!));
  });

  it('disable, enable and delete change status; delete wipes secrets', async () => {
    const m = await createMember(t, owner, [loc.id]);
    const status = async () =>
      ok(
        await t.gql(
          `query($id: ID!) { member(id: $id) { status hasPassphrase } }`,
          { id: m.id },
          { token: owner },
        ),
      ).member;
    ok(
      await t.gql(
        `mutation($id: ID!) { disableMember(memberId: $id) { member { status } } }`,
        { id: m.id },
        { token: owner },
      ),
    );
    assert.equal((await status()).status, 'DISABLED');
    ok(
      await t.gql(
        `mutation($id: ID!) { enableMember(memberId: $id) { member { status } } }`,
        { id: m.id },
        { token: owner },
      ),
    );
    assert.equal((await status()).status, 'ACTIVE');
    ok(
      await t.gql(
        `mutation($id: ID!) { deleteMember(memberId: $id) { member { status } } }`,
        { id: m.id },
        { token: owner },
      ),
    );
    const after = await status();
    assert.equal(after.status, 'DELETED');
    assert.equal(after.hasPassphrase, false);
    const [row] = await sql('select passphrase_enc, nt_hash_enc from member where id = ?', [m.id]);
    assert.equal(row.passphrase_enc, null);
    assert.equal(row.nt_hash_enc, null);
    assert.equal(
      codeOf(
        await t.gql(
          `mutation($id: ID!) { enableMember(memberId: $id) { member { status } } }`,
          { id: m.id },
          { token: owner },
        ),
      ),
      'CONFLICT',
    );
  });

  it('filters and paginates members', async () => {
    const other = await createLocation(t, owner);
    const group = ok(
      await t.gql(
        `mutation { createGroup(input: {name: "Team Kiwi", origin: TEAM}) { group { id } } }`,
        {},
        { token: owner },
      ),
    ).createGroup.group;
    const kiwi = await createMember(t, owner, [other.id], {
      fullName: 'Kiri Kiwi',
      company: 'Kiwi Ltd',
      groupIds: [group.id],
    });
    const plain = await createMember(t, owner, [other.id], { fullName: 'Pat Plain' });
    await createGrant(t, owner, {
      memberId: kiwi.id,
      kind: 'MEMBERSHIP',
      locationId: other.id,
      startsAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    await createGrant(t, owner, {
      memberId: plain.id,
      kind: 'MEMBERSHIP',
      locationId: other.id,
      startsAt: new Date(Date.now() - 7200_000).toISOString(),
      endsAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    const q = async (filter: Record<string, unknown>) =>
      ok(
        await t.gql(
          `query($f: MemberFilterInput) { members(filter: $f, first: 50) { totalCount nodes { id } } }`,
          { f: filter },
          { token: owner },
        ),
      ).members;
    assert.deepEqual(
      (await q({ search: 'kiwi' })).nodes.map((n: { id: string }) => n.id),
      [kiwi.id],
    );
    assert.deepEqual((await q({ search: '100%' })).totalCount, 0);
    assert.deepEqual(
      (await q({ groupId: group.id })).nodes.map((n: { id: string }) => n.id),
      [kiwi.id],
    );
    assert.equal((await q({ locationId: other.id })).totalCount, 2);
    assert.deepEqual(
      (await q({ locationId: other.id, hasAccess: true })).nodes.map((n: { id: string }) => n.id),
      [kiwi.id],
    );
    assert.deepEqual(
      (await q({ locationId: other.id, hasAccess: false })).nodes.map((n: { id: string }) => n.id),
      [plain.id],
    );

    const all = (await q({})).totalCount as number;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const r: any = ok(
        await t.gql(
          `query($a: String) { members(first: 2, after: $a) { pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
          { a: after },
          { token: owner },
        ),
      ).members;
      seen.push(...r.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!r.pageInfo.hasNextPage) break;
      after = r.pageInfo.endCursor;
    }
    assert.equal(seen.length, all);
    assert.equal(new Set(seen).size, all);
    assert.equal(
      codeOf(await t.gql(`{ members(after: "bogus") { totalCount } }`, {}, { token: owner })),
      'VALIDATION_FAILED',
    );
  });

  it('explains the access decision at a location, with the booking running to local midnight', async () => {
    const tokyo = await createLocation(t, owner, { timezone: 'Asia/Tokyo', defaultVlanId: 20 });
    const m = await createMember(t, owner, [tokyo.id]);
    const start = new Date(Date.now() - 60_000);
    await createGrant(t, owner, {
      memberId: m.id,
      kind: 'DESK_BOOKING',
      locationId: tokyo.id,
      startsAt: start.toISOString(),
      endsAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const d = ok(
      await t.gql(
        `query($id: ID!, $l: ID!) { member(id: $id) { accessAt(locationId: $l) { allowed reason grantKind validUntil vlanId } } }`,
        { id: m.id, l: tokyo.id },
        { token: owner },
      ),
    ).member.accessAt;
    assert.equal(d.allowed, true);
    assert.equal(d.grantKind, 'DESK_BOOKING');
    assert.equal(d.vlanId, 20);
    // Tokyo is UTC+9 without DST: local midnight is 15:00 UTC.
    assert.equal(new Date(d.validUntil).getUTCHours(), 15);
    const bookingOnly = await t.gql(
      `mutation($i: CreateAccessGrantInput!) { createAccessGrant(input: $i) { accessGrant { id } } }`,
      {
        i: { memberId: m.id, kind: 'ROOM_BOOKING', startsAt: start.toISOString() },
      },
      { token: owner },
    );
    assert.equal(codeOf(bookingOnly), 'VALIDATION_FAILED');
    const backwards = await t.gql(
      `mutation($i: CreateAccessGrantInput!) { createAccessGrant(input: $i) { accessGrant { id } } }`,
      {
        i: {
          memberId: m.id,
          kind: 'MANUAL',
          startsAt: start.toISOString(),
          endsAt: new Date(start.getTime() - 1000).toISOString(),
        },
      },
      { token: owner },
    );
    assert.equal(codeOf(backwards), 'VALIDATION_FAILED');
  });
});

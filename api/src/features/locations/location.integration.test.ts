import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotifyChannel, SecretAad } from '@lanyard/schema';
import pg from 'pg';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { codeOf, ok, startTestApi, waitFor, type TestApi } from '../../test-support/api-harness.js';
import { createGrant, createLocation, createMember, setupOwner } from '../../test-support/factories.js';

let t: TestApi;
let owner: string;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const count = async (table: string) => Number((await sql(`select count(*)::int n from ${table}`))[0].n);

before(async () => {
  t = await startTestApi();
  owner = await setupOwner(t);
});
after(() => t.stop());

const CREATE_LOCATION = `mutation($i: CreateLocationInput!) { createLocation(input: $i) { location { id slug ssids timezone } } }`;
const CREATE_NAS = `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { secret nasClient { id ipAddress vendor requireMessageAuthenticator coaPort location { id } } } }`;

describe('locations', () => {
  it('creates, reads, updates and deletes a location', async () => {
    const loc = ok(
      await t.gql(
        CREATE_LOCATION,
        {
          i: {
            name: 'Shoreditch',
            slug: 'shoreditch',
            timezone: 'Europe/London',
            ssids: ['Cowork', 'Cowork-Guest'],
          },
        },
        { token: owner },
      ),
    ).createLocation.location;
    assert.deepEqual(loc.ssids, ['Cowork', 'Cowork-Guest']);
    const updated = ok(
      await t.gql(
        `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { name vlanPoolStart vlanPoolEnd branding { primaryColor } } } }`,
        {
          i: {
            id: loc.id,
            name: 'Shoreditch Works',
            vlanPoolStart: 100,
            vlanPoolEnd: 101,
            branding: { primaryColor: '#112233' },
          },
        },
        { token: owner },
      ),
    ).updateLocation.location;
    assert.deepEqual(updated, {
      name: 'Shoreditch Works',
      vlanPoolStart: 100,
      vlanPoolEnd: 101,
      branding: { primaryColor: '#112233' },
    });
    ok(
      await t.gql(
        `mutation($id: ID!) { deleteLocation(id: $id) { deletedId } }`,
        { id: loc.id },
        { token: owner },
      ),
    );
    assert.equal(
      codeOf(await t.gql(`query($id: ID!) { location(id: $id) { id } }`, { id: loc.id }, { token: owner })),
      'NOT_FOUND',
    );
  });

  it('refuses a duplicate slug, an unknown time zone, bad SSIDs and VLANs, writing nothing', async () => {
    await createLocation(t, owner, { slug: 'taken' });
    const before = await count('location');
    const audits = await count('audit_event');
    const cases: Array<[Record<string, unknown>, string, string | null]> = [
      [{ slug: 'taken' }, 'ALREADY_EXISTS', null],
      [{ timezone: 'Mars/Olympus_Mons' }, 'VALIDATION_FAILED', 'INVALID_TIMEZONE'],
      [{ timezone: 'GMT+25' }, 'VALIDATION_FAILED', 'INVALID_TIMEZONE'],
      [{ slug: 'Has Spaces' }, 'VALIDATION_FAILED', 'INVALID_SLUG'],
      [{ ssids: ['x'.repeat(33)] }, 'VALIDATION_FAILED', 'INVALID_SSID'],
      [{ ssids: ['A', 'A'] }, 'VALIDATION_FAILED', 'DUPLICATE_SSID'],
      [{ defaultVlanId: 4095 }, 'VALIDATION_FAILED', 'INVALID_VLAN'],
      [{ vlanPoolStart: 200, vlanPoolEnd: 100 }, 'VALIDATION_FAILED', 'INVALID_VLAN_POOL'],
      [{ vlanPoolStart: 200 }, 'VALIDATION_FAILED', 'INCOMPLETE_VLAN_POOL'],
    ];
    for (const [overrides, code, problem] of cases) {
      const r = await t.gql(
        CREATE_LOCATION,
        {
          i: {
            name: 'X',
            slug: `x-${Math.random().toString(36).slice(2, 8)}`,
            timezone: 'UTC',
            ssids: [],
            ...overrides,
          },
        },
        { token: owner },
      );
      assert.equal(codeOf(r), code, JSON.stringify(overrides));
      if (problem)
        assert.ok(
          r.errors![0]!.extensions!.problems.some((p: { code: string }) => p.code === problem),
          problem,
        );
    }
    assert.equal(await count('location'), before);
    assert.equal(await count('audit_event'), audits);
  });

  it('moving a location to another time zone moves the end of its bookings', async () => {
    const loc = await createLocation(t, owner, { timezone: 'Europe/London' });
    const m = ok(
      await t.gql(
        `mutation($l: ID!) { createMember(input: {email: "tz-move@example.com", fullName: "Tz", locationIds: [$l]}) { member { id } } }`,
        { l: loc.id },
        { token: owner },
      ),
    ).createMember.member;
    ok(
      await t.gql(
        `mutation($i: CreateAccessGrantInput!) { createAccessGrant(input: $i) { accessGrant { id } } }`,
        {
          i: { memberId: m.id, kind: 'DESK_BOOKING', locationId: loc.id, startsAt: new Date().toISOString() },
        },
        { token: owner },
      ),
    );
    ok(
      await t.gql(
        `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { id } } }`,
        { i: { id: loc.id, timezone: 'Asia/Tokyo' } },
        { token: owner },
      ),
    );
    const [row] = await sql(`select effective_ends_at from access_grant where member_id = ?`, [m.id]);
    // Local midnight in Tokyo (UTC+9, no DST) is 15:00 UTC.
    assert.equal(new Date(row.effective_ends_at).getUTCHours(), 15);
  });

  it('deleting a location tells the RADIUS cache about every member who had a grant or home there', async () => {
    const loc = await createLocation(t, owner, { vlanPoolStart: 2000, vlanPoolEnd: 2001 });
    const elsewhere = await createLocation(t, owner);
    const home = await createMember(t, owner, [loc.id]);
    const granted = await createMember(t, owner, [elsewhere.id]);
    await createGrant(t, owner, {
      memberId: granted.id,
      kind: 'MANUAL',
      locationId: loc.id,
      startsAt: new Date().toISOString(),
    });
    const unrelated = await createMember(t, owner, [elsewhere.id]);
    await createGrant(t, owner, {
      memberId: unrelated.id,
      kind: 'MANUAL',
      locationId: elsewhere.id,
      startsAt: new Date().toISOString(),
    });
    // A team with a VLAN from this location's pool gives it back.
    const team = ok(
      await t.gql(
        `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id vlanId } } }`,
        { i: { name: 'Team', origin: 'TEAM', locationId: loc.id, autoVlan: true } },
        { token: owner },
      ),
    ).createGroup.group;
    const teamMember = await createMember(t, owner, [elsewhere.id], { groupIds: [team.id] });

    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    const events: Array<{ memberId: string; reason: string }> = [];
    listener.on('notification', (msg) => {
      const e = JSON.parse(msg.payload!);
      // PMK jobs of the members created above may still be reporting (PMK_COMPUTED).
      if (['GRANTS_CHANGED', 'GROUPS_CHANGED'].includes(e.reason)) events.push(e);
    });
    await listener.query(`LISTEN ${NotifyChannel.memberChanged}`);
    try {
      ok(
        await t.gql(
          `mutation($id: ID!) { deleteLocation(id: $id) { deletedId } }`,
          { id: loc.id },
          { token: owner },
        ),
      );
      await waitFor(async () => events.length >= 3, 5_000, 'member notifications');
      await new Promise((r) => setTimeout(r, 200)); // nothing else arrives
    } finally {
      await listener.end();
    }
    const got = events.map((e) => `${e.memberId}:${e.reason}`).sort();
    assert.deepEqual(
      got,
      [`${home.id}:GRANTS_CHANGED`, `${granted.id}:GRANTS_CHANGED`, `${teamMember.id}:GROUPS_CHANGED`].sort(),
    );
    assert.equal(await count(`access_grant where member_id = '${granted.id}'`), 0);
    const [group] = await sql(
      'select location_id, vlan_id, vlan_auto_allocated from access_group where id = ?',
      [team.id],
    );
    assert.deepEqual([group.location_id, group.vlan_id, group.vlan_auto_allocated], [null, null, false]);
  });

  it('refuses to delete a location that still has access points', async () => {
    const loc = await createLocation(t, owner);
    ok(
      await t.gql(
        CREATE_NAS,
        { i: { locationId: loc.id, name: 'AP', ipAddress: '198.51.100.1', vendor: 'generic' } },
        { token: owner },
      ),
    );
    assert.equal(
      codeOf(
        await t.gql(
          `mutation($id: ID!) { deleteLocation(id: $id) { deletedId } }`,
          { id: loc.id },
          { token: owner },
        ),
      ),
      'CONFLICT',
    );
  });
});

describe('NAS clients', () => {
  it('generates a ≥ 24-byte secret, returns it once and stores it encrypted', async () => {
    const loc = await createLocation(t, owner);
    const r = ok(
      await t.gql(
        CREATE_NAS,
        { i: { locationId: loc.id, name: 'Lobby AP', ipAddress: '10.20.0.0/16', vendor: 'ruckus' } },
        { token: owner },
      ),
    ).createNasClient;
    assert.ok(Buffer.from(r.secret, 'base64url').length >= 24);
    assert.equal(r.nasClient.ipAddress, '10.20.0.0/16');
    assert.equal(r.nasClient.requireMessageAuthenticator, true);
    assert.equal(r.nasClient.coaPort, 3799);
    const [row] = await sql('select secret_enc from nas_client where id = ?', [r.nasClient.id]);
    assert.ok(!row.secret_enc.includes(r.secret));
    assert.equal(
      SecretBox.fromHex(t.secretKey).decryptString(row.secret_enc, SecretAad.nasSecret(r.nasClient.id)),
      r.secret,
    );
    // No field of the type exposes it afterwards.
    const introspect = ok(
      await t.gql(`{ __type(name: "NasClient") { fields { name } } }`, {}, { token: owner }),
    );
    assert.ok(!introspect.__type.fields.some((f: { name: string }) => /secret/i.test(f.name)));
    const rotated = ok(
      await t.gql(
        `mutation($i: RotateNasClientSecretInput!) { rotateNasClientSecret(input: $i) { secret } }`,
        { i: { id: r.nasClient.id } },
        { token: owner },
      ),
    ).rotateNasClientSecret;
    assert.notEqual(rotated.secret, r.secret);
  });

  it('accepts a given secret and normalises IPv6', async () => {
    const loc = await createLocation(t, owner);
    const r = ok(
      await t.gql(
        CREATE_NAS,
        {
          i: {
            locationId: loc.id,
            name: 'v6',
            ipAddress: '2001:DB8:0:0::/64',
            vendor: 'mikrotik',
            secret: 'a-very-long-shared-secret',
          },
        },
        { token: owner },
      ),
    ).createNasClient;
    assert.equal(r.secret, 'a-very-long-shared-secret');
    assert.equal(r.nasClient.ipAddress, '2001:db8::/64');
  });

  it('refuses invalid CIDRs, short secrets, duplicate addresses and unknown locations, writing nothing', async () => {
    const loc = await createLocation(t, owner);
    ok(
      await t.gql(
        CREATE_NAS,
        { i: { locationId: loc.id, name: 'first', ipAddress: '203.0.113.5', vendor: 'generic' } },
        { token: owner },
      ),
    );
    const before = await count('nas_client');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ipAddress: '10.0.0.1/24' }, 'VALIDATION_FAILED'],
      [{ ipAddress: '999.1.1.1' }, 'VALIDATION_FAILED'],
      [{ ipAddress: 'ap.example.com' }, 'VALIDATION_FAILED'],
      [{ secret: 'short' }, 'VALIDATION_FAILED'],
      [{ coaPort: 70000 }, 'VALIDATION_FAILED'],
      [{ ipAddress: '203.0.113.5' }, 'ALREADY_EXISTS'],
      [{ locationId: '01a20be2-0000-7000-8000-000000000000' }, 'NOT_FOUND'],
    ];
    for (const [overrides, code] of cases) {
      const r = await t.gql(
        CREATE_NAS,
        { i: { locationId: loc.id, name: 'x', ipAddress: '192.0.2.99', vendor: 'generic', ...overrides } },
        { token: owner },
      );
      assert.equal(codeOf(r), code, JSON.stringify(overrides));
    }
    assert.equal(
      codeOf(
        await t.gql(
          CREATE_NAS,
          { i: { locationId: loc.id, name: 'x', ipAddress: '192.0.2.99', vendor: 'linksys' } },
          { token: owner },
        ),
      ),
      'BAD_USER_INPUT',
    );
    assert.equal(await count('nas_client'), before);
  });
});

describe('groups and VLAN pools', () => {
  it('allocates VLANs from the pool, frees them on delete, and reports exhaustion', async () => {
    const loc = await createLocation(t, owner, { vlanPoolStart: 300, vlanPoolEnd: 301 });
    const create = (name: string) =>
      t.gql(
        `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id vlanId vlanAutoAllocated } } }`,
        { i: { name, origin: 'TEAM', locationId: loc.id, autoVlan: true } },
        { token: owner },
      );
    const a = ok(await create('A')).createGroup.group;
    const b = ok(await create('B')).createGroup.group;
    assert.deepEqual([a.vlanId, b.vlanId], [300, 301]);
    assert.equal(codeOf(await create('C')), 'VLAN_POOL_EXHAUSTED');
    ok(
      await t.gql(
        `mutation($id: ID!) { deleteGroup(id: $id) { deletedId } }`,
        { id: a.id },
        { token: owner },
      ),
    );
    assert.equal(ok(await create('D')).createGroup.group.vlanId, 300);
  });

  it('concurrent allocations never hand out the same VLAN', async () => {
    const loc = await createLocation(t, owner, { vlanPoolStart: 400, vlanPoolEnd: 409 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.gql(
          `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { vlanId } } }`,
          { i: { name: `G${i}`, origin: 'TEAM', locationId: loc.id, autoVlan: true } },
          { token: owner },
        ),
      ),
    );
    const vlans = results.map((r) => ok(r).createGroup.group.vlanId);
    assert.equal(new Set(vlans).size, 6);
  });
});

/**
 * RADIUS activity for operators: sessions and decisions (paged newest first, scoped to a location
 * manager's locations), the dashboard, and disconnecting a member through the RADIUS worker's
 * table and NOTIFY (the API itself sends no UDP).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { uuidv7 } from '../../common/ids.js';
import { codeOf, ok, startTestApi, waitFor, type TestApi } from '../../test-support/api-harness.js';
import {
  createAdmin,
  createGrant,
  createLocation,
  createMember,
  setupOwner,
} from '../../test-support/factories.js';
import { fillMinutes, minuteOf } from './activity.service.js';

let t: TestApi;
let owner: string;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);

before(async () => {
  t = await startTestApi();
  owner = await setupOwner(t);
});
after(() => t.stop());

let ipCounter = 1;
async function createNas(locationId: string): Promise<string> {
  const r = ok(
    await t.gql(
      `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`,
      { i: { locationId, name: `AP ${ipCounter}`, ipAddress: `10.9.${ipCounter++}.1`, vendor: 'hostapd' } },
      { token: owner },
    ),
  );
  return r.createNasClient.nasClient.id;
}

async function insertSession(
  nasId: string,
  memberId: string | null,
  opts: { stopped?: boolean; at?: Date } = {},
) {
  const at = opts.at ?? new Date();
  const id = uuidv7(at.getTime());
  await sql(
    `insert into radius_session (id, created_at, updated_at, nas_client_id, member_id, username, acct_session_id, acct_unique_id,
       started_at, last_update_at, stopped_at, nas_ip_address)
     values (?, ?, ?, ?, ?, 'u', ?, ?, ?, ?, ?, '10.0.0.1')`,
    [id, at, at, nasId, memberId, randomUUID(), randomUUID(), at, at, opts.stopped ? at : null],
  );
  return id;
}

async function insertAuth(
  nasId: string,
  locationId: string,
  memberId: string | null,
  result: 'ACCEPT' | 'REJECT',
  opts: { at?: Date; mac?: string; reason?: string; repeats?: number } = {},
) {
  const at = opts.at ?? new Date();
  const repeats = opts.repeats ?? 1;
  await sql(
    `insert into auth_event (id, created_at, updated_at, nas_client_id, location_id, member_id, username, mac, method, result, reason, repeat_count, last_at)
     values (?, ?, ?, ?, ?, ?, 'u', ?, 'PAP', ?, ?, ?, ?)`,
    [
      uuidv7(at.getTime()),
      at,
      at,
      nasId,
      locationId,
      memberId,
      opts.mac ?? null,
      result,
      opts.reason ?? (result === 'ACCEPT' ? 'ALLOWED' : 'BAD_PASSWORD'),
      repeats,
      repeats > 1 ? new Date(at.getTime() + 1000) : null,
    ],
  );
}

const SESSIONS = `query($f: RadiusSessionFilterInput, $first: Int, $after: String) {
  radiusSessions(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id open member { id } nasClient { id } location { id } disconnectRequestedAt disconnectResult }
  }
}`;
const EVENTS = `query($f: AuthEventFilterInput, $first: Int, $after: String) {
  authEvents(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id result reason mac createdAt repeatCount lastAt member { id } nasClient { id } location { id } }
  }
}`;
const DASHBOARD = `{ dashboard { membersWithAccessNow activeSessions acceptedLastHour rejectedLastHour
  authPerMinute { minute accepted rejected } topRejectReasons { reason count } nasClientCount nasClientsSilent { id } } }`;

describe('activity', () => {
  it('pages sessions newest first, filters them and scopes them to a location manager', async () => {
    const a = await createLocation(t, owner);
    const b = await createLocation(t, owner);
    const nasA = await createNas(a.id);
    const nasB = await createNas(b.id);
    const m = await createMember(t, owner, [a.id]);
    const base = Date.now() - 60_000;
    const s1 = await insertSession(nasA, m.id, { at: new Date(base) });
    const s2 = await insertSession(nasA, m.id, { at: new Date(base + 1000), stopped: true });
    const s3 = await insertSession(nasA, null, { at: new Date(base + 2000) });
    const s4 = await insertSession(nasB, m.id, { at: new Date(base + 3000) });

    const page1 = ok(
      await t.gql(SESSIONS, { f: { locationId: a.id }, first: 2 }, { token: owner }),
    ).radiusSessions;
    assert.equal(page1.totalCount, 3);
    assert.deepEqual(
      page1.nodes.map((n: any) => n.id),
      [s3, s2],
    );
    assert.equal(page1.pageInfo.hasNextPage, true);
    const page2 = ok(
      await t.gql(
        SESSIONS,
        { f: { locationId: a.id }, first: 2, after: page1.pageInfo.endCursor },
        { token: owner },
      ),
    ).radiusSessions;
    assert.deepEqual(
      page2.nodes.map((n: any) => n.id),
      [s1],
    );
    assert.equal(page2.nodes[0].member.id, m.id);
    assert.equal(page2.nodes[0].location.id, a.id);
    assert.equal(page2.nodes[0].open, true);

    const open = ok(
      await t.gql(SESSIONS, { f: { memberId: m.id, open: true } }, { token: owner }),
    ).radiusSessions;
    assert.deepEqual(open.nodes.map((n: any) => n.id).sort(), [s1, s4].sort());
    const ended = ok(
      await t.gql(SESSIONS, { f: { memberId: m.id, open: false } }, { token: owner }),
    ).radiusSessions;
    assert.deepEqual(
      ended.nodes.map((n: any) => n.id),
      [s2],
    );
    const byNas = ok(await t.gql(SESSIONS, { f: { nasClientId: nasB } }, { token: owner })).radiusSessions;
    assert.deepEqual(
      byNas.nodes.map((n: any) => n.id),
      [s4],
    );

    const lm = await createAdmin(t, owner, 'LOCATION_MANAGER', [b.id]);
    const seen = ok(await t.gql(SESSIONS, { f: { memberId: m.id } }, { token: lm.token })).radiusSessions;
    assert.deepEqual(
      seen.nodes.map((n: any) => n.id),
      [s4],
    );
    const other = ok(await t.gql(SESSIONS, { f: { locationId: a.id } }, { token: lm.token })).radiusSessions;
    assert.equal(other.totalCount, 0);

    assert.equal(codeOf(await t.gql(SESSIONS, { first: -1 }, { token: owner })), 'VALIDATION_FAILED');
    assert.equal(codeOf(await t.gql(SESSIONS, { after: 'bogus' }, { token: owner })), 'VALIDATION_FAILED');
    assert.equal(codeOf(await t.gql(SESSIONS, {})), 'UNAUTHENTICATED');
  });

  it('filters decisions by member, MAC in any spelling, result and time, scoped by location', async () => {
    const a = await createLocation(t, owner);
    const b = await createLocation(t, owner);
    const nasA = await createNas(a.id);
    const nasB = await createNas(b.id);
    const m = await createMember(t, owner, [a.id]);
    const old = new Date(Date.now() - 3 * 3600_000);
    await insertAuth(nasA, a.id, m.id, 'ACCEPT', { mac: 'aa:bb:cc:dd:ee:01', at: old });
    await insertAuth(nasA, a.id, m.id, 'REJECT', { mac: 'aa:bb:cc:dd:ee:01' });
    await insertAuth(nasA, a.id, null, 'REJECT', { mac: 'aa:bb:cc:dd:ee:02' });
    await insertAuth(nasB, b.id, m.id, 'ACCEPT', { mac: 'aa:bb:cc:dd:ee:01' });

    const q = async (f: Record<string, unknown>, token = owner) =>
      ok(await t.gql(EVENTS, { f }, { token })).authEvents as { totalCount: number; nodes: any[] };

    assert.equal((await q({ memberId: m.id })).totalCount, 3);
    assert.equal((await q({ macAddress: 'AA-BB-CC-DD-EE-01' })).totalCount, 3);
    assert.equal((await q({ macAddress: 'aabb.ccdd.ee02' })).totalCount, 1);
    const single = (await q({ macAddress: 'aabb.ccdd.ee02' })).nodes[0];
    assert.deepEqual([single.repeatCount, single.lastAt], [1, null]);
    assert.equal((await q({ memberId: m.id, result: 'REJECT' })).totalCount, 1);
    const recent = await q({ memberId: m.id, since: new Date(Date.now() - 3600_000).toISOString() });
    assert.equal(recent.totalCount, 2);
    assert.ok(recent.nodes[0].createdAt >= recent.nodes[1].createdAt, 'newest first');
    const atA = await q({ nasClientId: nasA });
    assert.equal(atA.totalCount, 3);
    assert.equal(atA.nodes[0].location.id, a.id);

    const lm = await createAdmin(t, owner, 'LOCATION_MANAGER', [b.id]);
    const lmSees = await q({ macAddress: 'aa:bb:cc:dd:ee:01' }, lm.token);
    assert.equal(lmSees.totalCount, 1);
    assert.equal(lmSees.nodes[0].nasClient.id, nasB);

    const bad = await t.gql(EVENTS, { f: { macAddress: 'not-a-mac' } }, { token: owner });
    assert.equal(codeOf(bad), 'VALIDATION_FAILED');
    assert.equal(bad.errors![0]!.extensions!.problems[0].code, 'INVALID_MAC');
  });

  it('sums the dashboard from the same data, scoped to a location manager', async () => {
    const loc = await createLocation(t, owner);
    const other = await createLocation(t, owner);
    const nas = await createNas(loc.id);
    const silentNas = await createNas(loc.id);
    const otherNas = await createNas(other.id);
    const m1 = await createMember(t, owner, [loc.id]);
    const m2 = await createMember(t, owner, [loc.id]);
    await createGrant(t, owner, {
      memberId: m1.id,
      kind: 'MANUAL',
      locationId: loc.id,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await createGrant(t, owner, {
      memberId: m2.id,
      kind: 'MANUAL',
      locationId: loc.id,
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    await insertSession(nas, m1.id);
    await insertSession(nas, m1.id, { stopped: true });
    await insertSession(otherNas, null);
    await insertAuth(nas, loc.id, m1.id, 'ACCEPT');
    await insertAuth(nas, loc.id, m1.id, 'REJECT', { reason: 'BAD_PASSWORD' });
    await insertAuth(nas, loc.id, null, 'REJECT', { reason: 'UNKNOWN_USER' });
    // One row standing for three identical rejections (the RADIUS worker's repeat window).
    await insertAuth(nas, loc.id, null, 'REJECT', { reason: 'UNKNOWN_USER', repeats: 3 });
    await insertAuth(nas, loc.id, null, 'REJECT', {
      reason: 'UNKNOWN_USER',
      at: new Date(Date.now() - 2 * 3600_000),
    });
    await insertAuth(otherNas, other.id, null, 'REJECT', { reason: 'X' });

    const lm = await createAdmin(t, owner, 'LOCATION_MANAGER', [loc.id]);
    const d = ok(await t.gql(DASHBOARD, {}, { token: lm.token })).dashboard;
    assert.equal(d.membersWithAccessNow, 1);
    assert.equal(d.activeSessions, 1);
    assert.equal(d.acceptedLastHour, 1);
    assert.equal(d.rejectedLastHour, 5, 'repeats counted');
    assert.equal(d.authPerMinute.length, 60);
    const last = d.authPerMinute.at(-1);
    assert.ok(Date.now() - Date.parse(last.minute) < 120_000, 'the last entry is the current minute');
    assert.equal(
      d.authPerMinute.reduce((s: number, x: { rejected: number }) => s + x.rejected, 0),
      d.rejectedLastHour,
    );
    assert.deepEqual(d.topRejectReasons, [
      { reason: 'UNKNOWN_USER', count: 4 },
      { reason: 'BAD_PASSWORD', count: 1 },
    ]);
    assert.equal(d.nasClientCount, 2);
    assert.deepEqual(
      d.nasClientsSilent.map((n: any) => n.id),
      [silentNas],
    );

    const viewer = await createAdmin(t, owner, 'VIEWER');
    const all = ok(await t.gql(DASHBOARD, {}, { token: viewer.token })).dashboard;
    assert.ok(all.activeSessions >= 2);
    assert.ok(all.nasClientCount >= 3);
  });

  it('marks open sessions for the RADIUS revoker and NOTIFYs; audited; viewers are refused', async () => {
    const loc = await createLocation(t, owner);
    const other = await createLocation(t, owner);
    const nas = await createNas(loc.id);
    const otherNas = await createNas(other.id);
    const m = await createMember(t, owner, [loc.id]);
    const openHere = await insertSession(nas, m.id);
    const openThere = await insertSession(otherNas, m.id);
    const ended = await insertSession(nas, m.id, { stopped: true });

    const DISCONNECT = `mutation($id: ID!) { disconnectMember(memberId: $id) { member { id } sessionsRequested } }`;
    const viewer = await createAdmin(t, owner, 'VIEWER');
    assert.equal(codeOf(await t.gql(DISCONNECT, { id: m.id }, { token: viewer.token })), 'FORBIDDEN');
    assert.equal(codeOf(await t.gql(DISCONNECT, { id: uuidv7() }, { token: owner })), 'NOT_FOUND');

    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query('listen lanyard_member_changed');
    try {
      // A location manager of the member's home location: only the sessions at their NAS.
      const lm = await createAdmin(t, owner, 'LOCATION_MANAGER', [loc.id]);
      const r = ok(await t.gql(DISCONNECT, { id: m.id }, { token: lm.token })).disconnectMember;
      assert.equal(r.sessionsRequested, 1);
      const rows = await sql(
        'select id, disconnect_requested_at, disconnect_result from radius_session where member_id = ?',
        [m.id],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      assert.equal(byId.get(openHere).disconnect_result, 'REQUESTED');
      assert.ok(byId.get(openHere).disconnect_requested_at);
      assert.equal(byId.get(openThere).disconnect_result, null);
      assert.equal(byId.get(ended).disconnect_result, null);
      // The owner reaches the rest.
      assert.equal(
        ok(await t.gql(DISCONNECT, { id: m.id }, { token: owner })).disconnectMember.sessionsRequested,
        2,
      );
      await waitFor(
        // Only the disconnects' notifications: the member's PMK job may notify PMK_COMPUTED meanwhile.
        async () =>
          notified.filter((p) => {
            const n = JSON.parse(p) as { memberId: string; reason: string };
            return n.memberId === m.id && n.reason === 'UPDATED';
          }).length === 2,
        5000,
        'two member-changed notifications',
      );
    } finally {
      await listener.end();
    }
    const audits = await sql(`select target_id from audit_event where action = 'disconnectMember'`);
    assert.ok(audits.some((a) => a.target_id === m.id));
  });
});

describe('fillMinutes', () => {
  it('one entry per minute, zeros where nothing happened', () => {
    const first = minuteOf(Date.UTC(2026, 0, 1, 10, 0));
    const rows = fillMinutes([{ minute: new Date(first + 120_000), accepted: 3, rejected: 1 }], first, 4);
    assert.deepEqual(
      rows.map((r) => [r.minute.getTime() - first, r.accepted, r.rejected]),
      [
        [0, 0, 0],
        [60_000, 0, 0],
        [120_000, 3, 1],
        [180_000, 0, 0],
      ],
    );
  });
});

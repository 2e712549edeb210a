/**
 * The RADIUS worker's snapshot loader against a database written by the real API: a full load in
 * chunks (chunk boundaries must lose no row), the compact entries it builds (shared lists and
 * dates, secrets decrypted once), and a full reload done in place (deleted members leave every
 * index, moved devices follow their owner, a new passphrase replaces the old one).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { SecretBox } from '@lanyard/api/secret-box';
import { ok, startTestApi, waitFor, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { createGrant, createLocation, setupOwner } from '../../../api/src/test-support/factories.js';
import { computePmkSync, ntHash } from '../../../api/src/domain/credentials/index.js';
import { randomBytes } from 'node:crypto';
import { UnboundMatcher } from '../../../radius/src/ppsk/matcher.js';
import { buildMsg2 } from '../../../radius/src/ppsk/station.js';
import { SnapshotLoader } from '../../../radius/src/snapshot/loader.js';
import { Snapshot, type MemberEntry } from '../../../radius/src/snapshot/snapshot.js';

const SSIDS = ['Lanyard', 'Lanyard-IoT'];
const MEMBERSHIP_START = '2026-01-01T00:00:00.000Z';

let t: TestApi;
let owner: string;
let pool: pg.Pool;
let box: SecretBox;
let team: string;
let plan: string;
let home: string;
let other: string;
/** Seven members, m3 deleted before the first load; passphrases by member id. */
const members: Array<{ id: string; username: string }> = [];
const passphrases = new Map<string, string>();

const scanner = new UnboundMatcher({ scansPerMacPerMinute: 1e9, globalScansPerSecond: 1e9 });
/** The member an unbound PPSK full scan of `ssid` finds for a handshake signed with `pmk`, or null. */
function scanFinds(snapshot: Snapshot, ssid: string, pmk: Buffer): string | null {
  const apMac = randomBytes(6);
  const staMac = randomBytes(6);
  const anonce = randomBytes(32);
  const frame = buildMsg2({ pmk, apMac, staMac, anonce });
  const result = scanner.match({ ssid, apMac, staMac, anonce, frame }, snapshot.pmkTable(ssid));
  assert.ok(result.kind === 'MATCH' || result.kind === 'NO_MATCH', result.kind);
  return result.kind === 'MATCH' ? result.memberId : null;
}

async function setPassphrase(memberId: string, passphrase: string): Promise<void> {
  ok(
    await t.gql(
      `mutation($i: SetMemberPassphraseInput!) { setMemberPassphrase(input: $i) { member { id } } }`,
      { i: { memberId, passphrase } },
      { token: owner },
    ),
  );
  passphrases.set(memberId, passphrase);
}

/** Until every live member has a PMK per SSID for its current passphrase (the API's job). */
async function pmksComputed(ssids = SSIDS.length): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await pool.query(
        `select count(*)::int as n from member m join member_pmk p on p.member_id = m.id
          and p.passphrase_version = m.passphrase_version where m.status <> 'DELETED'`,
      );
      const { rows: live } = await pool.query(
        `select count(*)::int as n from member where status <> 'DELETED'`,
      );
      return rows[0].n === live[0].n * ssids;
    },
    60_000,
    'PMKs',
  );
}

async function load(chunkSize: number): Promise<{ snapshot: Snapshot; loader: SnapshotLoader }> {
  const snapshot = new Snapshot();
  const loader = new SnapshotLoader(pool, box, snapshot, chunkSize);
  await loader.loadAll();
  return { snapshot, loader };
}

before(async () => {
  t = await startTestApi();
  owner = await setupOwner(t);
  pool = new pg.Pool({ connectionString: t.db.url, max: 4 });
  box = SecretBox.fromHex(t.secretKey);
  home = (await createLocation(t, owner, { ssids: SSIDS, defaultVlanId: 30 })).id;
  other = (await createLocation(t, owner, { ssids: [SSIDS[0]], timezone: 'Europe/Paris' })).id;
  const group = async (name: string, origin: string, vlanId: number | null) =>
    ok(
      await t.gql(
        `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }`,
        { i: { name, origin, locationId: home, vlanId } },
        { token: owner },
      ),
    ).createGroup.group.id as string;
  team = await group('Acme team', 'TEAM', 120);
  plan = await group('Hot desk', 'PLAN', null);
  for (let i = 0; i < 7; i++) {
    const m = ok(
      await t.gql(
        `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id username } } }`,
        {
          i: {
            email: `m${i}@loader.example`,
            fullName: `Member ${i}`,
            locationIds: [i < 5 ? home : other],
            groupIds: [i === 4 ? plan : team],
          },
        },
        { token: owner },
      ),
    ).createMember.member as { id: string; username: string };
    members.push(m);
    await setPassphrase(m.id, `loader-test-${i}-plum-violin`);
    await createGrant(t, owner, {
      memberId: m.id,
      kind: 'MEMBERSHIP',
      locationId: i < 5 ? home : other,
      startsAt: MEMBERSHIP_START,
    });
  }
  await createGrant(t, owner, {
    memberId: members[1]!.id,
    kind: 'DESK_BOOKING',
    locationId: other,
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  });
  const device = (memberId: string, mac: string) =>
    pool.query(
      `insert into device (id, member_id, mac, learned_by, first_seen_at) values (gen_random_uuid(), $1, $2, 'ADMIN', now())`,
      [memberId, mac],
    );
  await device(members[0]!.id, 'aa:bb:cc:00:00:10');
  await device(members[2]!.id, 'aa:bb:cc:00:00:20');
  await device(members[2]!.id, 'aa:bb:cc:00:00:21');
  await device(members[3]!.id, 'aa:bb:cc:00:00:30');
  ok(
    await t.gql(
      `mutation($id: ID!) { deleteMember(memberId: $id) { member { id } } }`,
      { id: members[3]!.id },
      { token: owner },
    ),
  );
  await pmksComputed();
});

after(async () => {
  await pool?.end();
  await t?.stop();
});

/** An entry as plain data (lists, dates and buffers compared by value). */
const plain = (m: MemberEntry) => ({
  ...m,
  homeLocationIds: [...m.homeLocationIds],
  groupIds: [...m.groupIds],
  grants: [...m.grants].sort((a, b) => a.id.localeCompare(b.id)),
  macs: [...m.macs].sort(),
  pmks: [...m.pmks].sort(([a], [b]) => a.localeCompare(b)),
});

describe('SnapshotLoader', () => {
  it('loads every live member in chunks exactly as in one read, secrets decrypted', async () => {
    const { snapshot: chunked, loader } = await load(2);
    const { snapshot: whole } = await load(1000);
    assert.equal(loader.decryptFailures, 0);
    assert.equal(chunked.memberCount, 6);
    assert.deepEqual([...chunked.members.keys()].sort(), [...whole.members.keys()].sort());
    for (const [id, entry] of whole.members)
      assert.deepEqual(plain(chunked.members.get(id)!), plain(entry), id);
    assert.equal(chunked.members.has(members[3]!.id), false, 'a deleted member is not loaded');
    assert.equal(chunked.memberByMac('aa:bb:cc:00:00:30'), undefined);

    for (const [i, m] of members.entries()) {
      if (i === 3) continue;
      const e = chunked.members.get(m.id)!;
      const passphrase = passphrases.get(m.id)!;
      assert.equal(chunked.memberByUsername(m.username), e);
      assert.equal(e.passphrase, passphrase);
      assert.deepEqual(e.ntHash, ntHash(passphrase));
      assert.deepEqual(
        plain(e).pmks,
        SSIDS.map((s) => [s, computePmkSync(passphrase, s)]),
      );
      assert.deepEqual(e.homeLocationIds, [i < 5 ? home : other]);
      assert.deepEqual(e.groupIds, [i === 4 ? plan : team]);
    }
    const m2 = chunked.members.get(members[2]!.id)!;
    assert.deepEqual([...m2.macs].sort(), ['aa:bb:cc:00:00:20', 'aa:bb:cc:00:00:21']);
    assert.equal(chunked.memberByMac('aa:bb:cc:00:00:21'), m2);
    const m1 = chunked.members.get(members[1]!.id)!;
    assert.deepEqual(m1.grants.map((g) => g.kind).sort(), ['DESK_BOOKING', 'MEMBERSHIP']);
    assert.equal(m1.grants.find((g) => g.kind === 'DESK_BOOKING')!.timezone, 'Europe/Paris');
    assert.deepEqual(chunked.members.get(members[4]!.id)!.macs, []);
  });

  it('shares equal lists and dates between members, also across chunks', async () => {
    const { snapshot } = await load(2);
    const [a, b, c] = [0, 1, 6].map((i) => snapshot.members.get(members[i]!.id)!);
    assert.equal(a!.groupIds, b!.groupIds);
    assert.equal(a!.groupIds, c!.groupIds, 'members 0 and 6 are in different chunks');
    assert.equal(a!.homeLocationIds, b!.homeLocationIds);
    const start = (m: MemberEntry) => m.grants.find((g) => g.kind === 'MEMBERSHIP')!.startsAt;
    assert.equal(start(a!).toISOString(), MEMBERSHIP_START);
    assert.equal(start(a!), start(c!));
  });

  it('a full reload of unchanged rows keeps every entry and decrypts nothing', async () => {
    const { snapshot, loader } = await load(2);
    const before = new Map(snapshot.members);
    const decrypted = loader.stats.decrypted;
    await loader.loadAll();
    assert.equal(loader.stats.decrypted, decrypted);
    assert.equal(snapshot.memberCount, before.size);
    for (const [id, entry] of before) assert.equal(snapshot.members.get(id), entry, id);
  });

  it('reloads in place: deleted members leave, moved devices follow, new passphrases replace old ones', async () => {
    const { snapshot, loader } = await load(2);
    const before = new Map(snapshot.members);
    const decrypted = loader.stats.decrypted;
    ok(
      await t.gql(
        `mutation($id: ID!) { deleteMember(memberId: $id) { member { id } } }`,
        { id: members[1]!.id },
        { token: owner },
      ),
    );
    await pool.query(`update device set member_id = $1 where mac = 'aa:bb:cc:00:00:10'`, [members[4]!.id]);
    const deletedPmk = computePmkSync(passphrases.get(members[1]!.id)!, SSIDS[0]!);
    const oldPmk = computePmkSync(passphrases.get(members[2]!.id)!, SSIDS[0]!);
    assert.equal(scanFinds(snapshot, SSIDS[0]!, deletedPmk), members[1]!.id);
    assert.equal(scanFinds(snapshot, SSIDS[0]!, oldPmk), members[2]!.id);
    await setPassphrase(members[2]!.id, 'loader-test-2-rotated-cello');
    await pmksComputed();

    await loader.loadAll();
    assert.equal(snapshot.memberCount, 5);
    assert.equal(snapshot.members.has(members[1]!.id), false);
    assert.equal(snapshot.memberByUsername(members[1]!.username), undefined);
    assert.equal(snapshot.memberByMac('aa:bb:cc:00:00:10')?.id, members[4]!.id);
    assert.deepEqual(snapshot.members.get(members[0]!.id)!.macs, []);
    const m2 = snapshot.members.get(members[2]!.id)!;
    assert.equal(m2.passphrase, 'loader-test-2-rotated-cello');
    assert.deepEqual(m2.pmks.get(SSIDS[1]!), computePmkSync('loader-test-2-rotated-cello', SSIDS[1]!));
    assert.equal(
      [...snapshot.pmkCandidates(SSIDS[0]!)].filter((c) => c.memberId === members[2]!.id).length,
      1,
      'one PMK per member and SSID after the reload',
    );
    assert.equal(snapshot.pmkCount(SSIDS[0]!), 5);
    // What a full scan sees: no key of the deleted member, the rotated key and not the old one.
    assert.equal(scanFinds(snapshot, SSIDS[0]!, deletedPmk), null);
    assert.equal(scanFinds(snapshot, SSIDS[0]!, oldPmk), null);
    for (const ssid of SSIDS)
      assert.equal(
        scanFinds(snapshot, ssid, computePmkSync('loader-test-2-rotated-cello', ssid)),
        members[2]!.id,
      );
    assert.equal(
      scanFinds(snapshot, SSIDS[0]!, computePmkSync(passphrases.get(members[4]!.id)!, SSIDS[0]!)),
      members[4]!.id,
    );
    // Only the rotated passphrase was decrypted again; changed members got new entries (the
    // device's old and new owner keep their secrets), unchanged ones kept theirs.
    assert.equal(loader.stats.decrypted, decrypted + 1);
    const [m0, m4] = [0, 4].map((i) => snapshot.members.get(members[i]!.id)!);
    assert.notEqual(m0, before.get(members[0]!.id));
    assert.notEqual(m4, before.get(members[4]!.id));
    assert.equal(m0!.ntHash, before.get(members[0]!.id)!.ntHash);
    assert.equal(m0!.passphrase, passphrases.get(members[0]!.id));
    assert.deepEqual(m4!.macs, ['aa:bb:cc:00:00:10']);
    for (const i of [5, 6])
      assert.equal(snapshot.members.get(members[i]!.id), before.get(members[i]!.id), `member ${i}`);
  });

  it('a new SSID: the reload decrypts the new PMKs; a new time zone reaches the grants; NOTIFY batches', async () => {
    const { snapshot, loader } = await load(2);
    ok(
      await t.gql(
        `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { id } } }`,
        { i: { id: other, ssids: [SSIDS[0], 'Lanyard-Guest'], timezone: 'Asia/Tokyo' } },
        { token: owner },
      ),
    );
    await pmksComputed(SSIDS.length + 1);
    const decrypted = loader.stats.decrypted;
    await loader.loadAll();
    assert.equal(loader.stats.decrypted, decrypted + snapshot.memberCount, 'every member lacked a PMK');
    for (const [id, e] of snapshot.members) {
      assert.equal(e.pmks.size, 3, id);
      assert.deepEqual(e.pmks.get('Lanyard-Guest'), computePmkSync(e.passphrase!, 'Lanyard-Guest'));
    }
    const m5 = snapshot.members.get(members[5]!.id)!;
    assert.equal(m5.grants[0]!.timezone, 'Asia/Tokyo');

    const before = snapshot.members.get(members[6]!.id);
    const result = await loader.loadMembers([members[6]!.id, members[1]!.id]);
    assert.equal(result.get(members[6]!.id), before, 'unchanged: the same entry');
    assert.equal(result.get(members[1]!.id), null, 'deleted: gone');
    // A NOTIFY-driven rotation: the next scan finds the new key only, on every SSID.
    const m6Old = passphrases.get(members[6]!.id)!;
    await setPassphrase(members[6]!.id, 'loader-test-6-rotated-oboe');
    await pmksComputed(SSIDS.length + 1);
    await loader.loadMembers([members[6]!.id]);
    for (const ssid of [...SSIDS, 'Lanyard-Guest']) {
      assert.equal(scanFinds(snapshot, ssid, computePmkSync(m6Old, ssid)), null, ssid);
      assert.equal(
        scanFinds(snapshot, ssid, computePmkSync('loader-test-6-rotated-oboe', ssid)),
        members[6]!.id,
        ssid,
      );
    }
    const beforeRoaming = snapshot.members.get(members[6]!.id);
    await pool.query(`update member set roaming = true where id = $1`, [members[6]!.id]);
    const changed = (await loader.loadMembers([members[6]!.id])).get(members[6]!.id)!;
    assert.notEqual(changed, beforeRoaming);
    assert.equal(changed.roaming, true);
    assert.equal(changed.ntHash, beforeRoaming!.ntHash, 'the secrets are kept (same passphrase version)');
    assert.equal(
      scanFinds(snapshot, SSIDS[0]!, computePmkSync('loader-test-6-rotated-oboe', SSIDS[0]!)),
      members[6]!.id,
      'a replaced entry keeps its key in the table',
    );
    assert.equal(snapshot.members.get(members[6]!.id), changed);
  });
});

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { UnboundMatcher } from '../ppsk/matcher.js';
import { buildMsg2 } from '../ppsk/station.js';
import { EMPTY, NO_PMKS, PmkBlock } from './compact.js';
import { Snapshot, type MemberEntry } from './snapshot.js';

const SSID = 'Lanyard';
const IOT = 'Lanyard-IoT';
const pmk = (n: number) => Buffer.alloc(32, n);
/** Lists shared between members, as the loader shares them. */
const SHARED_MACS = ['aa:bb:cc:00:00:01'];

function member(n: number, overrides: Partial<MemberEntry> = {}): MemberEntry {
  return {
    id: `member-${n}`,
    email: `m${n}@example.test`,
    username: `m${n}@example.test`,
    status: 'ACTIVE',
    roaming: false,
    passphrase: `passphrase-${n}`,
    passphraseVersion: 1,
    ntHash: null,
    homeLocationIds: EMPTY,
    groupIds: EMPTY,
    grants: EMPTY,
    macs: EMPTY,
    pmks: new PmkBlock([SSID], pmk(n)),
    ...overrides,
  };
}

const candidateIds = (s: Snapshot, ssid: string) => [...s.pmkCandidates(ssid)].map((c) => c.memberId).sort();

describe('Snapshot member indexes', () => {
  it('finds members by id, case-insensitive username and MAC, as the entries themselves', () => {
    const s = new Snapshot();
    const a = member(1, { username: 'Ada@Example.test', macs: ['aa:bb:cc:00:00:0a'] });
    s.replaceAllMembers([a, member(2)]);
    assert.equal(s.members.get('member-1'), a);
    assert.equal(s.memberByUsername('ada@example.TEST'), a);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:0a'), a);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:0b'), undefined);
    assert.equal(s.memberByUsername('nobody@example.test'), undefined);
    assert.equal(s.memberCount, 2);
  });

  it('upsert replaces every index entry of the previous version, removal clears them', () => {
    const s = new Snapshot();
    s.replaceAllMembers([member(1, { username: 'old@example.test', macs: ['aa:bb:cc:00:00:01'] })]);
    const fresh = member(1, {
      username: 'new@example.test',
      macs: ['aa:bb:cc:00:00:02'],
      pmks: new PmkBlock([IOT], pmk(9)),
    });
    const previous = s.upsertMember('member-1', fresh);
    assert.equal(previous?.username, 'old@example.test');
    assert.equal(s.memberByUsername('old@example.test'), undefined);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:01'), undefined);
    assert.equal(s.memberByUsername('new@example.test'), fresh);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:02'), fresh);
    assert.deepEqual(candidateIds(s, SSID), []);
    assert.deepEqual(candidateIds(s, IOT), ['member-1']);

    s.upsertMember('member-1', null);
    assert.equal(s.memberCount, 0);
    assert.equal(s.memberByUsername('new@example.test'), undefined);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:02'), undefined);
    assert.equal(s.pmkCount(IOT), 0);
  });

  it('a MAC moved to another member stays with the new owner whatever the order of updates', () => {
    const mac = 'aa:bb:cc:00:00:07';
    for (const order of [
      [1, 2],
      [2, 1],
    ]) {
      const s = new Snapshot();
      s.replaceAllMembers([member(1, { macs: [mac] }), member(2)]);
      const next = { 1: member(1), 2: member(2, { macs: [mac] }) } as Record<number, MemberEntry>;
      for (const n of order) s.upsertMember(`member-${n}`, next[n]!);
      assert.equal(s.memberByMac(mac)?.id, 'member-2', `order ${order.join(',')}`);
    }
  });

  it('retainMembers removes every member not named, with its index entries', () => {
    const s = new Snapshot();
    s.replaceAllMembers([member(1, { macs: ['aa:bb:cc:00:00:01'] }), member(2), member(3)]);
    assert.equal(s.retainMembers(new Set(['member-2'])), 2);
    assert.deepEqual([...s.members.keys()], ['member-2']);
    assert.equal(s.memberByUsername('m1@example.test'), undefined);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:01'), undefined);
    assert.deepEqual(candidateIds(s, SSID), ['member-2']);
  });
});

describe('Snapshot.bindMac', () => {
  it('copies the list on write: a list shared with other members is never changed', () => {
    const s = new Snapshot();
    const a = member(1, { macs: SHARED_MACS });
    const b = member(2, { macs: SHARED_MACS });
    s.replaceAllMembers([a, b]);
    s.bindMac('aa:bb:cc:00:00:99', 'member-1');
    assert.deepEqual(SHARED_MACS, ['aa:bb:cc:00:00:01']);
    assert.deepEqual(b.macs, ['aa:bb:cc:00:00:01']);
    assert.deepEqual(a.macs, ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:99']);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:99'), a);
  });

  it('takes the MAC from its previous owner and ignores unknown members', () => {
    const s = new Snapshot();
    const a = member(1, { macs: ['aa:bb:cc:00:00:05', 'aa:bb:cc:00:00:06'] });
    const b = member(2);
    s.replaceAllMembers([a, b]);
    s.bindMac('aa:bb:cc:00:00:05', 'member-2');
    assert.deepEqual(a.macs, ['aa:bb:cc:00:00:06']);
    assert.deepEqual(b.macs, ['aa:bb:cc:00:00:05']);
    assert.equal(s.memberByMac('aa:bb:cc:00:00:05'), b);
    s.bindMac('aa:bb:cc:00:00:08', 'member-404');
    assert.equal(s.memberByMac('aa:bb:cc:00:00:08'), undefined);
  });
});

describe('Snapshot.pmkCandidates', () => {
  it('yields each member with a PMK for the SSID, with that PMK, as a new object each time', () => {
    const s = new Snapshot();
    s.replaceAllMembers([
      member(1, { pmks: new PmkBlock([SSID, IOT], Buffer.concat([pmk(1), pmk(11)])) }),
      member(2, { pmks: new Map([[IOT, pmk(12)]]) }),
      member(3, { pmks: NO_PMKS }),
    ]);
    const iot = [...s.pmkCandidates(IOT)].sort((x, y) => x.memberId.localeCompare(y.memberId));
    assert.deepEqual(iot, [
      { memberId: 'member-1', pmk: pmk(11) },
      { memberId: 'member-2', pmk: pmk(12) },
    ]);
    assert.notEqual([...s.pmkCandidates(IOT)][0], [...s.pmkCandidates(IOT)][0]);
    assert.deepEqual(candidateIds(s, SSID), ['member-1']);
    assert.deepEqual([...s.pmkCandidates('Guest')], []);
    assert.equal(s.pmkCount(IOT), 2);
    assert.equal(s.pmkCount('Guest'), 0);
  });
});

describe('Snapshot.pmkTable (what an unbound PPSK scan sees)', () => {
  const AP = Buffer.from('02aabbccdd01', 'hex');
  const matcher = new UnboundMatcher({ scansPerMacPerMinute: 1e9, globalScansPerSecond: 1e9 });
  /** The member a full scan of `ssid` finds for a handshake signed with `key`, or null. */
  function scan(s: Snapshot, ssid: string, key: Buffer, descriptorVersion: 2 | 3 = 2): string | null {
    const staMac = randomBytes(6);
    const anonce = randomBytes(32);
    const frame = buildMsg2({ pmk: key, apMac: AP, staMac, anonce, descriptorVersion });
    const result = matcher.match({ ssid, apMac: AP, staMac, anonce, frame }, s.pmkTable(ssid));
    assert.ok(result.kind === 'MATCH' || result.kind === 'NO_MATCH', result.kind);
    return result.kind === 'MATCH' ? result.memberId : null;
  }
  const key = (n: number) => createHash('sha256').update(`pmk-${n}`).digest();
  const withKey = (n: number, k: number, ssids = [SSID]) =>
    member(n, { pmks: new PmkBlock(ssids, Buffer.concat(ssids.map(() => key(k)))) });
  const initial = () => [withKey(1, 1), withKey(2, 2, [SSID, IOT]), withKey(3, 3)];

  it('finds every member by its current key, for v2 and v3 handshakes', () => {
    const s = new Snapshot();
    s.replaceAllMembers(initial());
    for (const v of [2, 3] as const) {
      assert.equal(scan(s, SSID, key(1), v), 'member-1');
      assert.equal(scan(s, SSID, key(2), v), 'member-2');
      assert.equal(scan(s, IOT, key(2), v), 'member-2');
      assert.equal(scan(s, IOT, key(3), v), null);
      assert.equal(scan(s, 'Guest', key(1), v), null);
    }
  });

  it('holds no table until an SSID is scanned, none for an SSID nobody has a key for, then keeps it current', () => {
    const s = new Snapshot();
    s.replaceAllMembers(initial());
    assert.deepEqual(s.pmkTableSsids, [], 'bound PPSK only: no table held');
    assert.equal(scan(s, 'Made-Up', key(1)), null);
    assert.deepEqual(s.pmkTableSsids, [], 'a made-up SSID builds nothing');
    assert.equal(scan(s, SSID, key(1)), 'member-1');
    assert.deepEqual(s.pmkTableSsids, [SSID]);
    // Updates after the table exists reach it: a new member, a rotated key, a removal.
    s.upsertMember('member-4', withKey(4, 4));
    s.upsertMember('member-1', withKey(1, 11));
    s.upsertMember('member-3', null);
    assert.equal(scan(s, SSID, key(4)), 'member-4');
    assert.equal(scan(s, SSID, key(11)), 'member-1');
    assert.equal(scan(s, SSID, key(1)), null);
    assert.equal(scan(s, SSID, key(3)), null);
    assert.equal(s.pmkTable(SSID).size, 3);
    // An SSID whose last key went away builds nothing either.
    s.upsertMember('member-2', withKey(2, 2, [SSID]));
    assert.equal(scan(s, IOT, key(2)), null);
    assert.deepEqual(s.pmkTableSsids, [SSID]);
  });

  it('a rotated key (NOTIFY upsert) matches, the old one no longer does', () => {
    const s = new Snapshot();
    s.replaceAllMembers(initial());
    s.upsertMember('member-2', withKey(2, 22, [SSID, IOT]));
    for (const ssid of [SSID, IOT]) {
      assert.equal(scan(s, ssid, key(2)), null, ssid);
      assert.equal(scan(s, ssid, key(22)), 'member-2', ssid);
    }
    assert.equal(scan(s, SSID, key(1)), 'member-1');
    assert.equal(scan(s, SSID, key(3)), 'member-3');
  });

  it('a removed member (NOTIFY of a deletion) no longer matches; the others still do', () => {
    const s = new Snapshot();
    s.replaceAllMembers(initial());
    s.upsertMember('member-1', null);
    assert.equal(scan(s, SSID, key(1)), null);
    assert.equal(scan(s, SSID, key(2)), 'member-2');
    assert.equal(scan(s, SSID, key(3)), 'member-3', 'after the removed slot');
    assert.equal(s.pmkCount(SSID), 2);
  });

  it('a member losing an SSID no longer matches on it', () => {
    const s = new Snapshot();
    s.replaceAllMembers(initial());
    s.upsertMember('member-2', withKey(2, 2, [SSID]));
    assert.equal(scan(s, IOT, key(2)), null);
    assert.equal(scan(s, SSID, key(2)), 'member-2');
    assert.equal(s.pmkCount(IOT), 0);
  });

  it('the end of a full reload in place (retainMembers) removes the keys of members gone', () => {
    const s = new Snapshot();
    s.replaceAllMembers(initial());
    s.upsertMember('member-3', withKey(3, 33));
    s.retainMembers(new Set(['member-3']));
    assert.equal(scan(s, SSID, key(1)), null);
    assert.equal(scan(s, SSID, key(2)), null);
    assert.equal(scan(s, IOT, key(2)), null);
    assert.equal(scan(s, SSID, key(3)), null);
    assert.equal(scan(s, SSID, key(33)), 'member-3');
  });

  it('replaceAllMembers drops every earlier key', () => {
    const s = new Snapshot();
    s.replaceAllMembers(initial());
    s.replaceAllMembers([withKey(4, 4), withKey(2, 20)]);
    assert.equal(scan(s, SSID, key(1)), null);
    assert.equal(scan(s, SSID, key(2)), null);
    assert.equal(scan(s, SSID, key(20)), 'member-2');
    assert.equal(scan(s, SSID, key(4)), 'member-4');
    assert.equal(scan(s, IOT, key(2)), null);
  });

  it('a member with a PMK of the wrong size is indexed without it (and without failing)', () => {
    const s = new Snapshot();
    const odd = member(5, { pmks: new Map([[SSID, Buffer.alloc(16, 5)]]) });
    s.replaceAllMembers([...initial(), odd]);
    assert.equal(s.members.get('member-5'), odd);
    assert.equal(s.pmkCount(SSID), 3);
    assert.equal(scan(s, SSID, key(3)), 'member-3');
    s.upsertMember('member-5', null);
    assert.equal(s.pmkCount(SSID), 3);
  });

  it('stays exact through many interleaved updates (model check)', () => {
    const s = new Snapshot();
    const current = new Map<number, number>();
    const revoked = new Set<number>();
    let version = 100;
    for (let step = 0; step < 400; step++) {
      const n = (step * 7919) % 37;
      const old = current.get(n);
      if (step % 5 === 4) {
        s.upsertMember(`member-${n}`, null);
        current.delete(n);
      } else {
        s.upsertMember(`member-${n}`, withKey(n, ++version));
        current.set(n, version);
      }
      if (old !== undefined && current.get(n) !== old) revoked.add(old);
    }
    assert.equal(s.pmkCount(SSID), current.size);
    for (const [n, k] of current) assert.equal(scan(s, SSID, key(k)), `member-${n}`);
    for (const k of [...revoked].slice(-20)) assert.equal(scan(s, SSID, key(k)), null, `revoked ${k}`);
  });
});

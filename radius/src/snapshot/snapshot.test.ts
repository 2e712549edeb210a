import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

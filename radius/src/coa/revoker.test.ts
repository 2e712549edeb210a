import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MemberEntry } from '../snapshot/snapshot.js';
import { Revoker } from './revoker.js';
import type { OpenSession } from './session-tracker.js';

const session = (mac: string): OpenSession => ({
  acctUniqueId: mac,
  acctSessionId: mac,
  nasClientId: 'nas-1',
  nasIpAddress: '192.0.2.1',
  memberId: 'm1',
  username: null,
  callingStationId: mac,
  validUntil: null,
  disconnectSentAt: null,
});

function revokerWith(sessions: OpenSession[]) {
  const disconnected: string[] = [];
  const revoker = new Revoker(
    { nasById: new Map([['nas-1', {}]]), members: new Map() } as never,
    { load: async () => undefined, forMember: () => sessions } as never,
    { decide: () => ({ allowed: true, validUntil: null }) } as never,
    {
      disconnect: async (s: OpenSession) => {
        disconnected.push(s.callingStationId!);
        return 'ACK';
      },
    } as never,
    { info: () => undefined, debug: () => undefined } as never,
    {} as never,
  );
  revoker.active = true;
  return { revoker, disconnected };
}

const entry = (macs: string[], passphraseVersion = 1) =>
  ({ macs, passphraseVersion }) as unknown as MemberEntry;

describe('revoker: removed devices', () => {
  it("disconnects the sessions of a MAC the member no longer has, whatever the NAS's MAC spelling", async () => {
    const { revoker, disconnected } = revokerWith([session('AA-BB-CC-DD-EE-01'), session('aabbccddee02')]);
    await revoker.memberChanged(
      'm1',
      entry(['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02']),
      entry(['aa:bb:cc:dd:ee:02']),
    );
    assert.deepEqual(disconnected, ['AA-BB-CC-DD-EE-01']);
  });

  it('leaves sessions alone when the devices did not change', async () => {
    const { revoker, disconnected } = revokerWith([session('aa:bb:cc:dd:ee:01')]);
    await revoker.memberChanged('m1', entry(['aa:bb:cc:dd:ee:01']), entry(['aa:bb:cc:dd:ee:01']));
    assert.deepEqual(disconnected, []);
  });
});

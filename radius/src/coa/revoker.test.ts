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
  disconnectRequestedAt: null,
  disconnectRequestHandled: null,
});

function revokerWith(sessions: OpenSession[], allowed = true) {
  const disconnected: string[] = [];
  const revoker = new Revoker(
    { nasById: new Map([['nas-1', {}]]), members: new Map() } as never,
    { load: async () => undefined, forMember: () => sessions, all: () => sessions.values() } as never,
    { decide: () => ({ allowed, validUntil: null }) } as never,
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

describe('revoker: an administrator asked to disconnect (disconnectMember)', () => {
  const requested = (mac: string, at: number, extra: Partial<OpenSession> = {}): OpenSession => ({
    ...session(mac),
    disconnectRequestedAt: at,
    ...extra,
  });
  const cases: Array<{
    name: string;
    session: OpenSession;
    allowed: boolean;
    expected: string[];
  }> = [
    {
      name: 'a requested session of a member who keeps access is disconnected',
      session: requested('aa:bb:cc:dd:ee:01', 1000),
      allowed: true,
      expected: ['aa:bb:cc:dd:ee:01'],
    },
    {
      name: 'a requested session of a member without access is disconnected once',
      session: requested('aa:bb:cc:dd:ee:02', 1000),
      allowed: false,
      expected: ['aa:bb:cc:dd:ee:02'],
    },
    {
      name: 'a request already answered is not sent again',
      session: requested('aa:bb:cc:dd:ee:03', 1000, { disconnectRequestHandled: 1000, disconnectSentAt: 5 }),
      allowed: true,
      expected: [],
    },
    {
      name: 'a new request after an earlier Disconnect-Request is sent again',
      session: requested('aa:bb:cc:dd:ee:04', 2000, { disconnectRequestHandled: 1000, disconnectSentAt: 5 }),
      allowed: true,
      expected: ['aa:bb:cc:dd:ee:04'],
    },
    {
      name: 'a session nobody asked about stays while the member has access',
      session: session('aa:bb:cc:dd:ee:05'),
      allowed: true,
      expected: [],
    },
  ];
  for (const c of cases) {
    it(`memberChanged: ${c.name}`, async () => {
      const { revoker, disconnected } = revokerWith([{ ...c.session }], c.allowed);
      const e = entry([c.session.callingStationId!]);
      await revoker.memberChanged('m1', e, e);
      await revoker.memberChanged('m1', e, e); // a second NOTIFY does not send twice
      assert.deepEqual(disconnected, c.expected);
    });
  }

  it('the sweep sends a pending request the NOTIFY did not deliver, once', () => {
    const s = requested('aa:bb:cc:dd:ee:06', 1000);
    const { revoker, disconnected } = revokerWith([s]);
    revoker.sweep();
    revoker.sweep();
    assert.deepEqual(disconnected, ['aa:bb:cc:dd:ee:06']);
    assert.equal(s.disconnectRequestHandled, 1000);
  });
});

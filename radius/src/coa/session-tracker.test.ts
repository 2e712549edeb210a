import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminDisconnectPending, disconnectState, SessionTracker } from './session-tracker.js';

const AT = '2026-01-02T03:04:05.000Z';
const AT_MS = Date.parse(AT);

describe('disconnectState: what radius_session says about disconnects', () => {
  const cases: Array<
    [string, string | null, string | null, { requestedAt: number | null; sentAt: number | null }]
  > = [
    ['nothing asked', null, null, { requestedAt: null, sentAt: null }],
    [
      'an administrator asked (REQUESTED): pending, not sent',
      AT,
      'REQUESTED',
      { requestedAt: AT_MS, sentAt: null },
    ],
    ['ACKed: sent, waiting for the Stop', AT, 'ACK', { requestedAt: null, sentAt: AT_MS }],
    ['NAKed: sent, not again', AT, 'NAK', { requestedAt: null, sentAt: AT_MS }],
    ['TIMEOUT: may be retried', AT, 'TIMEOUT', { requestedAt: null, sentAt: null }],
    ['a result without a time is ignored', null, 'REQUESTED', { requestedAt: null, sentAt: null }],
    ['an unreadable time is ignored', 'not a date', 'REQUESTED', { requestedAt: null, sentAt: null }],
  ];
  for (const [name, at, result, expected] of cases)
    it(name, () => assert.deepEqual(disconnectState(at, result), expected));
});

function row(id: string, requestedAt: string | null, result: string | null) {
  return {
    acct_unique_id: id,
    acct_session_id: id,
    nas_client_id: 'nas-1',
    nas_ip_address: '192.0.2.1',
    member_id: 'm1',
    username: 'ada',
    calling_station_id: null,
    disconnect_requested_at: requestedAt ? new Date(requestedAt) : null,
    disconnect_result: result,
  };
}
const pool = (rows: unknown[]) => ({ query: async () => ({ rows }) }) as never;

describe('SessionTracker.load: administrators’ disconnect requests', () => {
  it('flags a REQUESTED session as pending instead of already sent', async () => {
    const tracker = new SessionTracker();
    await tracker.load(pool([row('s1', AT, 'REQUESTED'), row('s2', AT, 'ACK')]));
    const [s1, s2] = ['s1', 's2'].map((id) => tracker.forMember('m1').find((s) => s.acctUniqueId === id)!);
    assert.equal(adminDisconnectPending(s1!), true);
    assert.equal(s1!.disconnectSentAt, null);
    assert.equal(adminDisconnectPending(s2!), false);
    assert.equal(s2!.disconnectSentAt, AT_MS);
  });

  it('flags a session it already knew when the request arrives, and clears it once answered', async () => {
    const tracker = new SessionTracker();
    await tracker.load(pool([row('s1', null, null)]));
    const s = tracker.forMember('m1')[0]!;
    assert.equal(adminDisconnectPending(s), false);
    await tracker.load(pool([row('s1', AT, 'REQUESTED')]), 'm1');
    assert.equal(adminDisconnectPending(s), true);
    s.disconnectRequestHandled = s.disconnectRequestedAt; // the revoker sent it
    assert.equal(adminDisconnectPending(s), false);
    await tracker.load(pool([row('s1', AT, 'ACK')]), 'm1');
    assert.equal(s.disconnectRequestedAt, null);
    assert.equal(adminDisconnectPending(s), false);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attr, Code, getAttr, getEapMessage, parsePacket } from '../codec/packet.js';
import { EapCode, EapType, buildEap, parseEap } from '../eap/eap-packet.js';
import { loadOrCreateGeneratedCertificate, type EapCertificate } from '../eap/server-certificate.js';
import { EapPeer, type EapPeerOptions } from '../eap/test-support/eap-peer.js';
import { createEapSecureContext } from '../eap/tls-tunnel.js';
import { UnboundMatcher } from '../ppsk/matcher.js';
import type { NasVendor } from '@lanyard/schema';
import { AccessHandler, type EapAuthMethod } from './access.handler.js';
import { EapHandler, type EapHandlerOptions } from './eap.handler.js';
import { peapMsChapV2Method } from './peap.handler.js';
import { ttlsPapMethod } from './eap-ttls.handler.js';
import { converse, eapRequest } from './test-support/eap-client.js';
import { decodeReply, sorted, type Decoded } from './test-support/decode.js';
import {
  ACCT_INTERIM_INTERVAL,
  ALICE,
  BOB,
  CAROL,
  DAVE,
  FakeWriteStore,
  GROUP_NAME,
  GROUP_VLAN,
  MAX_SESSION_TIMEOUT,
  NOW,
  SECONDS_TO_LOCAL_MIDNIGHT,
  buildSnapshot,
  nasFor,
} from './test-support/fixtures.js';

const SERVER_NAME = 'radius.lanyard.test';
let dataDir: string;
let cert: EapCertificate;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'lanyard-eap-handler-'));
  cert = loadOrCreateGeneratedCertificate(dataDir, SERVER_NAME);
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

function setup(overrides: Partial<EapHandlerOptions> = {}) {
  const snapshot = buildSnapshot();
  const store = new FakeWriteStore();
  const access = new AccessHandler(snapshot, new UnboundMatcher(), store.asWriteStore(), {
    maxSessionTimeoutSeconds: MAX_SESSION_TIMEOUT,
    acctInterimIntervalSeconds: ACCT_INTERIM_INTERVAL,
    now: () => NOW,
  });
  const context = createEapSecureContext(cert);
  const eap = new EapHandler(access, () => context, {
    methods: [
      peapMsChapV2Method(snapshot, SERVER_NAME, (m, ctx) => access.decide(m, ctx.nas)),
      ttlsPapMethod(snapshot),
    ],
    fragmentSize: 1024,
    maxSessions: 100,
    idleMs: 60_000,
    ownerTag: 7,
    ...overrides,
  });
  return { snapshot, store, access, eap };
}

const peer = (o: Partial<EapPeerOptions> & Pick<EapPeerOptions, 'method'>) =>
  new EapPeer({
    identity: ALICE.username,
    password: ALICE.passphrase,
    ca: cert.caPem!,
    serverName: SERVER_NAME,
    ...o,
  });

/** What every Accept for Alice carries on a generic NAS: PAP's attributes plus the EAP ones. */
function aliceAccept(): Decoded[] {
  return [
    { name: 'Session-Timeout', value: MAX_SESSION_TIMEOUT },
    { name: 'Acct-Interim-Interval', value: ACCT_INTERIM_INTERVAL },
    { name: 'Class', value: `lanyard:${ALICE.id}` },
    { name: 'Tunnel-Type:0', value: 13 },
    { name: 'Tunnel-Medium-Type:0', value: 6 },
    { name: 'Tunnel-Private-Group-Id:0', value: String(GROUP_VLAN) },
    { name: 'WISPr-Bandwidth-Max-Up', value: 5_000_000 },
    { name: 'WISPr-Bandwidth-Max-Down', value: 20_000_000 },
    { name: 'User-Name', value: ALICE.username },
  ];
}

interface Row {
  name: string;
  peer: Partial<EapPeerOptions> & Pick<EapPeerOptions, 'method'>;
  vendor?: NasVendor;
  expect: { code: number; method: EapAuthMethod; reason: string; memberId: string | null; username: string };
}

const ACCEPT = Code.AccessAccept;
const REJECT = Code.AccessReject;

const ROWS: Row[] = [
  {
    name: 'PEAP-MSCHAPv2: Alice is accepted',
    peer: { method: 'PEAP' },
    expect: {
      code: ACCEPT,
      method: 'PEAP_MSCHAPV2',
      reason: 'ALLOWED',
      memberId: ALICE.id,
      username: ALICE.username,
    },
  },
  {
    name: 'TTLS-PAP (after a Nak of PEAP): Alice is accepted',
    peer: { method: 'TTLS' },
    expect: {
      code: ACCEPT,
      method: 'EAP_TTLS_PAP',
      reason: 'ALLOWED',
      memberId: ALICE.id,
      username: ALICE.username,
    },
  },
  {
    name: 'PEAP with an anonymous outer identity: the inner one counts',
    peer: { method: 'PEAP', anonymousIdentity: 'anonymous@lanyard.test' },
    expect: {
      code: ACCEPT,
      method: 'PEAP_MSCHAPV2',
      reason: 'ALLOWED',
      memberId: ALICE.id,
      username: ALICE.username,
    },
  },
  {
    name: 'PEAP: wrong password',
    peer: { method: 'PEAP', password: 'not-the-passphrase' },
    expect: {
      code: REJECT,
      method: 'PEAP_MSCHAPV2',
      reason: 'BAD_PASSWORD',
      memberId: ALICE.id,
      username: ALICE.username,
    },
  },
  {
    name: 'TTLS: wrong password',
    peer: { method: 'TTLS', password: 'not-the-passphrase' },
    expect: {
      code: REJECT,
      method: 'EAP_TTLS_PAP',
      reason: 'BAD_PASSWORD',
      memberId: ALICE.id,
      username: ALICE.username,
    },
  },
  {
    name: 'PEAP: unknown user',
    peer: { method: 'PEAP', identity: 'nobody@example.test' },
    expect: {
      code: REJECT,
      method: 'PEAP_MSCHAPV2',
      reason: 'UNKNOWN_USER',
      memberId: null,
      username: 'nobody@example.test',
    },
  },
  {
    name: 'TTLS: unknown user',
    peer: { method: 'TTLS', identity: 'nobody@example.test' },
    expect: {
      code: REJECT,
      method: 'EAP_TTLS_PAP',
      reason: 'UNKNOWN_USER',
      memberId: null,
      username: 'nobody@example.test',
    },
  },
  {
    name: 'PEAP: disabled member with the right password',
    peer: { method: 'PEAP', identity: BOB.username, password: BOB.passphrase },
    expect: {
      code: REJECT,
      method: 'PEAP_MSCHAPV2',
      reason: 'MEMBER_DISABLED',
      memberId: BOB.id,
      username: BOB.username,
    },
  },
  {
    name: 'TTLS: membership ended',
    peer: { method: 'TTLS', identity: CAROL.username, password: CAROL.passphrase },
    expect: {
      code: REJECT,
      method: 'EAP_TTLS_PAP',
      reason: 'GRANT_ENDED',
      memberId: CAROL.id,
      username: CAROL.username,
    },
  },
];

describe('EapHandler: whole conversations', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const { snapshot, store, eap, access } = setup();
      const nas = nasFor(snapshot, row.vendor ?? 'generic');
      const p = peer(row.peer);
      const c = await converse(eap, nas, p);
      assert.equal(c.reply.code, row.expect.code);
      assert.deepEqual(c.outcome.final, {
        accepted: row.expect.code === ACCEPT,
        method: row.expect.method,
        reason: row.expect.reason,
      });
      // One auth event, for the member found inside the tunnel.
      assert.equal(store.events.length, 1);
      const e = store.events[0]!;
      assert.equal(e.method, row.expect.method);
      assert.equal(e.result, row.expect.code === ACCEPT ? 'ACCEPT' : 'REJECT');
      assert.equal(e.reason, row.expect.reason);
      assert.equal(e.memberId, row.expect.memberId);
      assert.equal(e.username, row.expect.username);
      const finalEap = parseEap(getEapMessage(c.reply)!);
      assert.equal(finalEap.code, row.expect.code === ACCEPT ? EapCode.Success : EapCode.Failure);
      if (row.expect.code === ACCEPT) {
        const msk = p.deriveMsk();
        const decoded = decodeReply(c.reply, nas.secret, c.request.authenticator);
        const keys = decoded.filter((d) => d.name.startsWith('MS-MPPE'));
        assert.deepEqual(
          sorted(keys),
          sorted([
            { name: 'MS-MPPE-Recv-Key', value: msk.subarray(0, 32).toString('hex') },
            { name: 'MS-MPPE-Send-Key', value: msk.subarray(32, 64).toString('hex') },
          ]),
        );
        assert.deepEqual(
          sorted(decoded.filter((d) => !d.name.startsWith('MS-MPPE') && d.name !== 'EAP-Message')),
          sorted(aliceAccept()),
        );
        assert.equal(p.result.peerCertificateFingerprint, cert.fingerprint256);
        if (row.peer.method === 'PEAP') assert.equal(p.result.serverAuthenticated, true);
        // Same decision and attributes as PAP for the same member.
        assert.equal(e.vlanId, GROUP_VLAN);
        assert.equal(access.decide(snapshot.memberByUsername(ALICE.username)!, nas).allowed, true);
      }
      assert.equal(eap.sessions.size, 0, 'conversation finished');
      p.close();
    });
  }

  it('Aruba NAS: the Accept carries the same vendor attributes as PAP (role, VLAN)', async () => {
    const { snapshot, eap } = setup();
    const nas = nasFor(snapshot, 'aruba');
    const c = await converse(eap, nas, peer({ method: 'TTLS' }));
    const decoded = decodeReply(c.reply, nas.secret, c.request.authenticator);
    assert.ok(decoded.some((d) => d.name === 'Aruba-User-Vlan' && d.value === GROUP_VLAN));
    assert.ok(decoded.some((d) => d.name === 'Aruba-User-Role' && d.value === GROUP_NAME));
  });

  it('a desk booking day pass: Session-Timeout runs to local midnight', async () => {
    const { snapshot, eap } = setup();
    const nas = nasFor(snapshot, 'generic');
    const c = await converse(
      eap,
      nas,
      peer({ method: 'PEAP', identity: DAVE.username, password: DAVE.passphrase }),
    );
    assert.equal(c.reply.code, ACCEPT);
    const decoded = decodeReply(c.reply, nas.secret, c.request.authenticator);
    assert.ok(decoded.some((d) => d.name === 'Session-Timeout' && d.value === SECONDS_TO_LOCAL_MIDNIGHT));
  });
});

describe('EapHandler: framing and fragmentation', () => {
  it('fits every EAP packet to Framed-MTU and reassembles small peer fragments', async () => {
    const { snapshot, eap } = setup();
    const nas = nasFor(snapshot, 'generic');
    const p = peer({ method: 'PEAP', fragmentSize: 100 });
    const c = await converse(eap, nas, p, { framedMtu: 300 });
    assert.equal(c.reply.code, ACCEPT);
    const sizes = c.serverEap.map((e) => e.length);
    assert.ok(Math.max(...sizes) <= 300, `largest EAP packet ${Math.max(...sizes)}`);
    // The certificate flight needed several fragments, each ACKed.
    assert.ok(c.challenges.length > 10, `${c.challenges.length} round trips`);
  });

  it('without Framed-MTU, fragments carry 1024 TLS bytes (FreeRADIUS default)', async () => {
    const { snapshot, eap } = setup();
    const nas = nasFor(snapshot, 'generic');
    const c = await converse(eap, nas, peer({ method: 'TTLS' }));
    const flights = c.serverEap.map((e) => parseEap(e)).filter((e) => e.type === EapType.Ttls);
    const largest = Math.max(...flights.map((e) => e.data.length));
    assert.equal(largest, 1 + 4 + 1024, 'flags + TLS Message Length + 1024 bytes');
  });
});

describe('EapHandler: sessions and bad input', () => {
  it('refuses a conversation beyond the cap and counts it', async () => {
    const { snapshot, eap, store } = setup({ maxSessions: 2 });
    const nas = nasFor(snapshot, 'generic');
    for (let i = 0; i < 2; i++) {
      const r = await eap.handle(eapRequest(nas, peer({ method: 'PEAP' }).identityResponse(), null), nas);
      assert.equal(parsePacket(r.reply!).code, Code.AccessChallenge);
    }
    const r = await eap.handle(eapRequest(nas, peer({ method: 'PEAP' }).identityResponse(), null), nas);
    assert.equal(parsePacket(r.reply!).code, REJECT);
    assert.equal(r.final?.reason, 'EAP_SESSION_LIMIT');
    assert.equal(eap.sessions.counts.FULL, 1);
    assert.equal(store.events.at(-1)?.reason, 'EAP_SESSION_LIMIT');
  });

  it('expires idle conversations: the next request is rejected', async () => {
    let clock = 1_000_000;
    const { snapshot, eap } = setup({ idleMs: 30_000, now: () => clock });
    const nas = nasFor(snapshot, 'generic');
    const p = peer({ method: 'PEAP' });
    const first = await eap.handle(eapRequest(nas, p.identityResponse(), null), nas);
    const challenge = parsePacket(first.reply!);
    clock += 30_001;
    const next = await p.respond(getEapMessage(challenge)!);
    const r = await eap.handle(eapRequest(nas, next, getAttr(challenge, Attr.State)!), nas);
    assert.equal(r.final?.reason, 'EAP_SESSION_UNKNOWN');
    assert.equal(eap.sessions.counts.EXPIRED, 1);
    assert.equal(eap.sessions.size, 0);
    p.close();
  });

  it('a State belongs to the NAS that started the conversation', async () => {
    const { snapshot, eap } = setup();
    const nas = nasFor(snapshot, 'generic');
    const other = nasFor(snapshot, 'hostapd');
    const p = peer({ method: 'PEAP' });
    const challenge = parsePacket(
      (await eap.handle(eapRequest(nas, p.identityResponse(), null), nas)).reply!,
    );
    const next = await p.respond(getEapMessage(challenge)!);
    const r = await eap.handle(eapRequest(other, next, getAttr(challenge, Attr.State)!), other);
    assert.equal(r.final?.reason, 'EAP_SESSION_UNKNOWN');
    p.close();
  });

  it('States carry the owner tag in their first byte', async () => {
    const { snapshot, eap } = setup({ ownerTag: 0x2a });
    const nas = nasFor(snapshot, 'generic');
    const challenge = parsePacket(
      (await eap.handle(eapRequest(nas, peer({ method: 'PEAP' }).identityResponse(), null), nas)).reply!,
    );
    const state = getAttr(challenge, Attr.State)!;
    assert.equal(state.length, 16);
    assert.equal(state[0], 0x2a);
  });

  it('a repeated response (same EAP identifier, new RADIUS request) gets the same EAP-Request again', async () => {
    const { snapshot, eap } = setup();
    const nas = nasFor(snapshot, 'generic');
    const p = peer({ method: 'TTLS' });
    const c1 = parsePacket((await eap.handle(eapRequest(nas, p.identityResponse(), null), nas)).reply!);
    const state = getAttr(c1, Attr.State)!;
    const nak = await p.respond(getEapMessage(c1)!);
    const c2 = parsePacket((await eap.handle(eapRequest(nas, nak, state), nas)).reply!);
    const again = parsePacket((await eap.handle(eapRequest(nas, nak, state), nas)).reply!);
    assert.equal(again.code, Code.AccessChallenge);
    assert.deepEqual(getEapMessage(again), getEapMessage(c2));
    // An identifier that is neither the expected one nor the previous one is dropped.
    const stray = buildEap(EapCode.Response, 200, EapType.Ttls, Buffer.from([0]));
    const dropped = await eap.handle(eapRequest(nas, stray, state), nas);
    assert.equal(dropped.reply, null);
    assert.equal(dropped.dropReason, 'EAP_BAD_IDENTIFIER');
    p.close();
  });

  const badRows: Array<{
    name: string;
    eap: (state: boolean) => Buffer;
    withState: boolean;
    reason: string;
  }> = [
    {
      name: 'EAP length longer than the data',
      eap: () => Buffer.from([2, 1, 0, 50, 1, 0x61]),
      withState: false,
      reason: 'EAP_BAD_LENGTH',
    },
    {
      name: 'EAP shorter than a header',
      eap: () => Buffer.from([2, 1]),
      withState: false,
      reason: 'EAP_TOO_SHORT',
    },
    {
      name: 'an EAP Request from the NAS side',
      eap: () => buildEap(EapCode.Request, 1, EapType.Identity, Buffer.from('x')),
      withState: false,
      reason: 'EAP_NOT_A_RESPONSE',
    },
    {
      name: 'no State and not an Identity',
      eap: () => buildEap(EapCode.Response, 1, EapType.Peap, Buffer.from([0])),
      withState: false,
      reason: 'EAP_NO_SESSION',
    },
    {
      name: 'Nak with no method in common (EAP-TLS only)',
      eap: () => buildEap(EapCode.Response, 2, EapType.Nak, Buffer.from([EapType.Tls])),
      withState: true,
      reason: 'EAP_NO_COMMON_METHOD',
    },
    {
      name: 'TLS garbage instead of a ClientHello',
      eap: () =>
        buildEap(
          EapCode.Response,
          2,
          EapType.Peap,
          Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 0x41)]),
        ),
      withState: true,
      reason: 'EAP_TLS_FAILED',
    },
    {
      name: 'a TLS message announced at 10 MB',
      eap: () => {
        const d = Buffer.alloc(9);
        d[0] = 0xc0;
        d.writeUInt32BE(10_000_000, 1);
        return buildEap(EapCode.Response, 2, EapType.Peap, d);
      },
      withState: true,
      reason: 'EAP_TOO_BIG',
    },
    {
      name: 'another method than the one offered',
      eap: () => buildEap(EapCode.Response, 2, EapType.MsChapV2, Buffer.from([0])),
      withState: true,
      reason: 'EAP_UNEXPECTED_TYPE',
    },
  ];
  for (const row of badRows) {
    it(`rejects with EAP-Failure: ${row.name}`, async () => {
      const { snapshot, eap, store } = setup();
      const nas = nasFor(snapshot, 'generic');
      let state: Buffer | null = null;
      if (row.withState) {
        const c = parsePacket(
          (await eap.handle(eapRequest(nas, peer({ method: 'PEAP' }).identityResponse(1), null), nas)).reply!,
        );
        state = getAttr(c, Attr.State)!;
      }
      const r = await eap.handle(eapRequest(nas, row.eap(row.withState), state), nas);
      const reply = parsePacket(r.reply!);
      assert.equal(reply.code, REJECT);
      assert.equal(r.final?.reason, row.reason);
      assert.equal(parseEap(getEapMessage(reply)!).code, EapCode.Failure);
      assert.equal(store.events.at(-1)?.reason, row.reason);
      assert.equal(eap.sessions.size, 0);
    });
  }
});

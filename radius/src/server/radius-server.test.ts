import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RemoteInfo } from 'node:dgram';
import { pino } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { PacketBuilder, encodeRequest } from '../codec/builder.js';
import { verifyResponse } from '../codec/crypto.js';
import { Attr, Code, getAttrs, parsePacket } from '../codec/packet.js';
import { SessionTracker } from '../coa/session-tracker.js';
import { AccessHandler } from '../handlers/access.handler.js';
import { AccountingHandler } from '../handlers/accounting.handler.js';
import {
  ACCT_INTERIM_INTERVAL,
  ALICE,
  FakeWriteStore,
  MAX_SESSION_TIMEOUT,
  NOW,
  buildSnapshot,
  nasFor,
} from '../handlers/test-support/fixtures.js';
import { UnboundMatcher } from '../ppsk/matcher.js';
import type { NasEntry } from '../snapshot/snapshot.js';
import { createRadiusMetrics } from './metrics.js';
import { RadiusServer } from './radius-server.js';

interface Harness {
  server: RadiusServer;
  nas: NasEntry;
  store: FakeWriteStore;
  sent: Buffer[];
  registry: ReturnType<typeof createRadiusMetrics>['registry'];
  /** Delivers a datagram from the NAS (source port 40000 unless given) and lets microtasks run. */
  deliver(kind: 'auth' | 'acct', msg: Buffer, port?: number): Promise<Buffer | undefined>;
  dropped(): Promise<Record<string, number>>;
}

function harness(opts: { requireMessageAuthenticator?: boolean } = {}): Harness {
  const snapshot = buildSnapshot();
  const nas = nasFor(snapshot, 'generic');
  nas.requireMessageAuthenticator = opts.requireMessageAuthenticator ?? true;
  const store = new FakeWriteStore();
  const access = new AccessHandler(snapshot, new UnboundMatcher(), store.asWriteStore(), {
    maxSessionTimeoutSeconds: MAX_SESSION_TIMEOUT,
    acctInterimIntervalSeconds: ACCT_INTERIM_INTERVAL,
    now: () => NOW,
  });
  const accounting = new AccountingHandler(snapshot, store.asWriteStore(), new SessionTracker());
  const metrics = createRadiusMetrics();
  const server = new RadiusServer(snapshot, access, accounting, metrics, pino({ level: 'silent' }));
  const sent: Buffer[] = [];
  const socket = { send: (buf: Buffer) => void sent.push(buf) };
  return {
    server,
    nas,
    store,
    sent,
    registry: metrics.registry,
    async deliver(kind, msg, port = 40_000) {
      const before = sent.length;
      const rinfo: RemoteInfo = { address: nas.ipAddress, port, family: 'IPv4', size: msg.length };
      server.onDatagram(socket as never, kind, msg, rinfo);
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      return sent.length > before ? sent[sent.length - 1] : undefined;
    },
    async dropped() {
      const text = await metrics.registry.getSingleMetricAsString('lanyard_radius_dropped_total');
      return Object.fromEntries(
        [...text.matchAll(/reason="([^"]+)"\} (\d+)/g)].map((m) => [m[1]!, Number(m[2])]),
      );
    },
  };
}

const AUTH = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const OTHER_AUTH = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');

function pap(
  nas: NasEntry,
  o: {
    id?: number;
    authenticator?: Buffer;
    password?: string;
    proxyStates?: Buffer[];
    ma?: 'valid' | 'absent' | 'wrong';
  } = {},
): Buffer {
  const b = new PacketBuilder().add(Attr.UserName, ALICE.username);
  for (const ps of o.proxyStates ?? []) b.add(Attr.ProxyState, ps);
  const raw = encodeRequest(Code.AccessRequest, o.id ?? 7, b, nas.secret, {
    authenticator: o.authenticator ?? AUTH,
    userPassword: o.password ?? ALICE.passphrase,
    messageAuthenticator: (o.ma ?? 'valid') === 'valid',
  });
  if (o.ma === 'wrong') {
    // Same packet with a Message-Authenticator of zeros appended (length fixed up).
    const out = Buffer.concat([raw, Buffer.from([Attr.MessageAuthenticator, 18]), Buffer.alloc(16)]);
    out.writeUInt16BE(out.length, 2);
    return out;
  }
  return raw;
}

function accountingStart(nas: NasEntry, id: number, sessionId: string, proxyStates: Buffer[] = []): Buffer {
  const b = new PacketBuilder()
    .add(Attr.AcctStatusType, 1)
    .add(Attr.AcctSessionId, sessionId)
    .add(Attr.UserName, ALICE.username)
    .add(Attr.CallingStationId, 'AA-BB-CC-00-00-01');
  for (const ps of proxyStates) b.add(Attr.ProxyState, ps);
  return encodeRequest(Code.AccountingRequest, id, b, nas.secret);
}

describe('RadiusServer duplicate cache: only authenticated requests are cached (RFC 5080 §2.2.2)', () => {
  it('answers a retransmission with the same bytes and does not handle it twice', async () => {
    const h = harness();
    const first = await h.deliver('auth', pap(h.nas));
    const again = await h.deliver('auth', pap(h.nas));
    assert.equal(first?.[0], Code.AccessAccept);
    assert.deepEqual(again, first);
    assert.equal(h.store.events.length, 1);
  });

  // Each row: a datagram on the key (source, port, identifier) of an answered request that must be
  // dropped, after which the real request's retransmission must still get the cached reply.
  const intruders: Array<[string, (nas: NasEntry) => Buffer, string]> = [
    [
      'wrong Message-Authenticator, other authenticator',
      (nas) => pap(nas, { authenticator: OTHER_AUTH, ma: 'wrong' }),
      'BAD_MESSAGE_AUTHENTICATOR',
    ],
    [
      'no Message-Authenticator, other authenticator',
      (nas) => pap(nas, { authenticator: OTHER_AUTH, ma: 'absent' }),
      'MISSING_MESSAGE_AUTHENTICATOR',
    ],
    ['Accounting code on the auth port', (nas) => accountingStart(nas, 7, 'x'), 'UNEXPECTED_CODE'],
  ];
  for (const [label, make, reason] of intruders) {
    it(`a dropped datagram (${label}) neither replaces nor evicts the cached reply`, async () => {
      const h = harness();
      const reply = await h.deliver('auth', pap(h.nas));
      assert.equal(await h.deliver('auth', make(h.nas)), undefined);
      assert.equal((await h.dropped())[reason], 1);
      assert.deepEqual(await h.deliver('auth', pap(h.nas)), reply);
      assert.equal(h.store.events.length, 1, 'the retransmission was answered from the cache');
    });
  }

  it('a datagram that fails validation first does not make the genuine request look like a duplicate', async () => {
    const h = harness();
    // Same key and same Request Authenticator, but a wrong Message-Authenticator: dropped.
    assert.equal(await h.deliver('auth', pap(h.nas, { ma: 'wrong' })), undefined);
    const reply = await h.deliver('auth', pap(h.nas));
    assert.equal(reply?.[0], Code.AccessAccept);
    assert.equal(h.store.events.length, 1);
  });

  it('the same key with a new authenticator is a new request', async () => {
    const h = harness();
    await h.deliver('auth', pap(h.nas));
    const second = await h.deliver('auth', pap(h.nas, { authenticator: OTHER_AUTH, password: 'wrong' }));
    assert.equal(second?.[0], Code.AccessReject);
    assert.equal(h.store.events.length, 2);
  });

  it('accounting: a retransmission while the write is pending is ignored, then answered from the cache', async () => {
    const h = harness();
    let release!: () => void;
    h.store.accountingGate = new Promise<void>((r) => (release = r));
    const req = accountingStart(h.nas, 9, 'sess-1');
    assert.equal(await h.deliver('acct', req), undefined);
    assert.equal(await h.deliver('acct', req), undefined);
    release();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const reply = h.sent.at(-1);
    assert.equal(reply?.[0], Code.AccountingResponse);
    assert.deepEqual(await h.deliver('acct', req), reply);
    assert.equal(h.store.records.length, 1);
  });

  it('accounting: a forged request (bad Request Authenticator) on a pending key does not clear it', async () => {
    const h = harness();
    let release!: () => void;
    h.store.accountingGate = new Promise<void>((r) => (release = r));
    const req = accountingStart(h.nas, 9, 'sess-1');
    await h.deliver('acct', req);
    const forged = Buffer.from(accountingStart(h.nas, 9, 'sess-2'));
    forged[4]! ^= 0xff;
    assert.equal(await h.deliver('acct', forged), undefined);
    assert.equal((await h.dropped()).BAD_REQUEST_AUTHENTICATOR, 1);
    // Still in flight: the genuine retransmission is ignored rather than written a second time.
    assert.equal(await h.deliver('acct', req), undefined);
    release();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(h.store.records.length, 1);
  });
});

describe('RadiusServer Proxy-State (RFC 2865 §5.33, RFC 2866 §5.33, Blast-RADIUS)', () => {
  const states: Array<[string, Buffer[]]> = [
    ['none', []],
    ['one', [Buffer.from('proxy-1')]],
    ['two, in order, binary', [Buffer.from([0, 1, 2, 0xff]), Buffer.from('second')]],
    ['one of 253 bytes', [Buffer.alloc(253, 0xab)]],
  ];

  for (const [label, proxyStates] of states) {
    for (const [kind, make, expectCode] of [
      ['Access-Accept', (nas: NasEntry) => pap(nas, { proxyStates }), Code.AccessAccept],
      [
        'Access-Reject',
        (nas: NasEntry) => pap(nas, { proxyStates, password: 'not the passphrase' }),
        Code.AccessReject,
      ],
      [
        'Accounting-Response',
        (nas: NasEntry) => accountingStart(nas, 11, 'sess-ps', proxyStates),
        Code.AccountingResponse,
      ],
    ] as const) {
      it(`${kind}: Proxy-State ${label} copied unmodified, in order, after the reply's own attributes`, async () => {
        const h = harness();
        const request = make(h.nas);
        const reply = await h.deliver(kind === 'Accounting-Response' ? 'acct' : 'auth', request);
        assert.ok(reply, 'no reply');
        const p = parsePacket(reply);
        assert.equal(p.code, expectCode);
        assert.deepEqual(
          getAttrs(p, Attr.ProxyState).map((v) => v.toString('hex')),
          proxyStates.map((v) => v.toString('hex')),
        );
        // They close the packet: nothing of ours follows them.
        const tail = p.attributes.slice(p.attributes.length - proxyStates.length);
        assert.ok(tail.every((a) => a.type === Attr.ProxyState));
        assert.ok(verifyResponse(p, parsePacket(request).authenticator, h.nas.secret));
      });
    }
  }

  it('a retransmission gets the Proxy-States of the original request (the cached reply)', async () => {
    const h = harness();
    const req = pap(h.nas, { proxyStates: [Buffer.from('hop-a')] });
    const first = await h.deliver('auth', req);
    assert.deepEqual(await h.deliver('auth', req), first);
  });

  // FreeRADIUS `limit_proxy_state`: where Message-Authenticator is not required, a request that
  // carries Proxy-State without one is dropped (the echoed bytes are the Blast-RADIUS attack's
  // chosen prefix); with a Message-Authenticator, or without Proxy-State, it is served.
  const limit: Array<[string, { proxyStates: Buffer[]; ma: 'valid' | 'absent' }, number | 'DROP']> = [
    ['Proxy-State, no Message-Authenticator', { proxyStates: [Buffer.from('p')], ma: 'absent' }, 'DROP'],
    [
      'Proxy-State and Message-Authenticator',
      { proxyStates: [Buffer.from('p')], ma: 'valid' },
      Code.AccessAccept,
    ],
    ['no Proxy-State, no Message-Authenticator', { proxyStates: [], ma: 'absent' }, Code.AccessAccept],
  ];
  for (const [label, o, expected] of limit) {
    it(`NAS not requiring Message-Authenticator, ${label}: ${expected === 'DROP' ? 'dropped' : 'answered'}`, async () => {
      const h = harness({ requireMessageAuthenticator: false });
      const reply = await h.deliver('auth', pap(h.nas, o));
      if (expected === 'DROP') {
        assert.equal(reply, undefined);
        assert.equal((await h.dropped()).PROXY_STATE_WITHOUT_MESSAGE_AUTHENTICATOR, 1);
        assert.equal(h.store.events.length, 0);
      } else {
        assert.equal(reply?.[0], expected);
      }
    });
  }
});

describe('RadiusServer metrics', () => {
  it('counts packets, decisions and latency per port, as prom-client text', async () => {
    const h = harness();
    await h.deliver('auth', pap(h.nas));
    await h.deliver('auth', pap(h.nas, { id: 8, authenticator: OTHER_AUTH, password: 'nope' }));
    const text = await h.registry.metrics();
    assert.match(text, /^lanyard_radius_packets_total\{port="auth",code="1"\} 2$/m);
    assert.match(
      text,
      /^lanyard_radius_decisions_total\{method="PAP",result="ACCEPT",reason="ALLOWED"\} 1$/m,
    );
    assert.match(
      text,
      /^lanyard_radius_decisions_total\{method="PAP",result="REJECT",reason="BAD_PASSWORD"\} 1$/m,
    );
    assert.match(text, /^lanyard_radius_request_seconds_count\{port="auth"\} 2$/m);
    assert.match(text, /^lanyard_radius_request_seconds_bucket\{le="\+Inf",port="auth"\} 2$/m);
    // Counts are not lost or doubled by a second scrape.
    const again = await h.registry.metrics();
    assert.match(again, /^lanyard_radius_packets_total\{port="auth",code="1"\} 2$/m);
  });

  it("cluster: the primary sums the workers' counts and histograms (AggregatorRegistry)", async () => {
    const a = harness();
    const b = harness();
    await a.deliver('auth', pap(a.nas));
    await b.deliver('auth', pap(b.nas));
    await b.deliver('auth', pap(b.nas, { id: 9, authenticator: OTHER_AUTH }));
    const merged = await AggregatorRegistry.aggregate([
      await a.registry.getMetricsAsJSON(),
      await b.registry.getMetricsAsJSON(),
    ]).metrics();
    assert.match(merged, /^lanyard_radius_packets_total\{port="auth",code="1"\} 3$/m);
    assert.match(merged, /^lanyard_radius_request_seconds_count\{port="auth"\} 3$/m);
    assert.match(merged, /^lanyard_radius_request_seconds_bucket\{le="\+Inf",port="auth"\} 3$/m);
    assert.match(
      merged,
      /^lanyard_radius_decisions_total\{method="PAP",result="ACCEPT",reason="ALLOWED"\} 3$/m,
    );
  });
});

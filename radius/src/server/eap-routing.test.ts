import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { RemoteInfo } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { PacketBuilder, encodeRequest } from '../codec/builder.js';
import { Attr, Code, getAttr, parsePacket } from '../codec/packet.js';
import { SessionTracker } from '../coa/session-tracker.js';
import { loadOrCreateGeneratedCertificate, type EapCertificate } from '../eap/server-certificate.js';
import { EapPeer } from '../eap/test-support/eap-peer.js';
import { createEapSecureContext } from '../eap/tls-tunnel.js';
import { AccessHandler } from '../handlers/access.handler.js';
import { AccountingHandler } from '../handlers/accounting.handler.js';
import { EapHandler } from '../handlers/eap.handler.js';
import { ttlsPapMethod } from '../handlers/eap-ttls.handler.js';
import { eapRequest } from '../handlers/test-support/eap-client.js';
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
import {
  decodeRouted,
  encodeRouted,
  ownerTagFor,
  publishRouterTable,
  stateOwner,
  type RouterTable,
  type RouterTableRecipient,
} from './eap-routing.js';
import { createRadiusMetrics } from './metrics.js';
import { RadiusServer } from './radius-server.js';

let dir: string;
let cert: EapCertificate;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanyard-eap-routing-'));
  cert = loadOrCreateGeneratedCertificate(dir, 'radius.lanyard.test');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('EAP routing helpers', () => {
  it('worker ids map to tags 1–255, wrapping after 255', () => {
    assert.deepEqual([1, 2, 255, 256, 257].map(ownerTagFor), [1, 2, 255, 1, 2]);
  });

  it('a routed datagram keeps its source address and port, and needs the cluster key', () => {
    const key = Buffer.alloc(16, 7);
    const msg = Buffer.from('0101001400000000000000000000000000000000', 'hex');
    const rows: Array<{ address: string; port: number; family: 'IPv4' | 'IPv6' }> = [
      { address: '192.0.2.10', port: 40000, family: 'IPv4' },
      { address: '2001:db8::7', port: 1, family: 'IPv6' },
      { address: '::ffff:192.0.2.10', port: 65535, family: 'IPv6' },
    ];
    for (const r of rows) {
      const back = decodeRouted(key, encodeRouted(key, msg, r));
      assert.deepEqual(back, { msg, rinfo: { ...r, size: msg.length } });
    }
    const routed = encodeRouted(key, msg, rows[0]!);
    assert.equal(decodeRouted(Buffer.alloc(16, 8), routed), null, 'another key');
    assert.equal(decodeRouted(key, routed.subarray(0, 20)), null, 'truncated address');
    assert.equal(decodeRouted(key, encodeRouted(key, msg, { address: 'not-an-ip', port: 1 })), null);
  });

  it('stateOwner reads the first State byte of EAP Access-Requests only', () => {
    const snapshot = buildSnapshot();
    const nas = nasFor(snapshot, 'generic');
    const peer = new EapPeer({ method: 'TTLS', identity: 'a', password: 'b' });
    const state = Buffer.alloc(16, 0);
    state[0] = 42;
    assert.equal(stateOwner(eapRequest(nas, peer.identityResponse(), state)), 42);
    assert.equal(stateOwner(eapRequest(nas, peer.identityResponse(), null)), null);
    assert.equal(stateOwner(eapRequest(nas, peer.identityResponse(), Buffer.alloc(8, 42))), null);
  });
});

describe('publishRouterTable (cluster primary → workers)', () => {
  const table: RouterTable = { type: 'lanyard-radius-eap-routers', ports: [[1, 40001]] };

  it('sends to connected workers only, and counts sends the closing channel refused', async () => {
    const got: string[] = [];
    const worker = (name: string, connected: boolean, fails = false): RouterTableRecipient => ({
      isConnected: () => connected,
      send: (message, callback) => {
        got.push(name);
        assert.deepEqual(message, table);
        queueMicrotask(() => callback(fails ? new Error('Channel closed') : null));
        return !fails;
      },
    });
    const failed = await publishRouterTable(
      [worker('up', true), worker('gone', false), undefined, worker('closing', true, true)],
      table,
    );
    assert.deepEqual(got, ['up', 'closing']);
    assert.equal(failed, 1);
  });

  it('a real worker whose channel closed before the primary noticed: counted, no error event', async () => {
    // The race behind a crashed primary: the worker has disconnected (stopping), the primary still
    // believes it connected. Without a callback Node turns the failed send into an 'error' event.
    const child = spawn(process.execPath, ['-e', 'process.disconnect(); setTimeout(() => {}, 200)'], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const errors: Error[] = [];
    child.on('error', (err) => errors.push(err));
    await new Promise((resolve) => child.once('disconnect', resolve));
    const failed = await publishRouterTable(
      [{ isConnected: () => true, send: (message, callback) => child.send(message, callback) }],
      table,
    );
    assert.equal(failed, 1);
    await new Promise((resolve) => child.once('exit', resolve));
    assert.deepEqual(errors, []);
  });
});

describe('RadiusServer with EAP routing', () => {
  function two() {
    // Two "workers" sharing one snapshot, as two processes share the database.
    const forwarded: Array<{ from: number; tag: number; msg: Buffer }> = [];
    const sent: Array<{ from: number; buf: Buffer }> = [];
    const servers: RadiusServer[] = [];
    const snapshot = buildSnapshot();
    const nas = nasFor(snapshot, 'generic');
    for (const tag of [1, 2]) {
      const store = new FakeWriteStore();
      const access = new AccessHandler(snapshot, new UnboundMatcher(), store.asWriteStore(), {
        maxSessionTimeoutSeconds: MAX_SESSION_TIMEOUT,
        acctInterimIntervalSeconds: ACCT_INTERIM_INTERVAL,
        now: () => NOW,
      });
      const context = createEapSecureContext(cert);
      const eap = new EapHandler(access, () => context, {
        methods: [ttlsPapMethod(snapshot)],
        fragmentSize: 1024,
        maxSessions: 10,
        idleMs: 60_000,
        ownerTag: tag,
      });
      const server = new RadiusServer(
        snapshot,
        access,
        new AccountingHandler(snapshot, store.asWriteStore(), new SessionTracker()),
        createRadiusMetrics(),
        pino({ level: 'silent' }),
        eap,
        {
          ownTag: tag,
          forward(to, msg, rinfo) {
            forwarded.push({ from: tag, tag: to, msg });
            // The primary's relay: the owner handles it on its own socket.
            servers[to - 1]!.onDatagram(socketOf(to), 'auth', msg, rinfo, false);
            return true;
          },
        },
      );
      servers.push(server);
    }
    const socketOf = (from: number) => ({ send: (buf: Buffer) => void sent.push({ from, buf }) }) as never;
    const rinfo: RemoteInfo = { address: nas.ipAddress, port: 40_000, family: 'IPv4', size: 0 };
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    return { servers, nas, forwarded, sent, rinfo, socketOf, settle };
  }

  it('a conversation started on worker 1 continues there when its datagrams reach worker 2', async () => {
    const h = two();
    const peer = new EapPeer({ method: 'TTLS', identity: ALICE.username, password: ALICE.passphrase });
    let eap = peer.identityResponse();
    let state: Buffer | null = null;
    for (let round = 0; round < 20; round++) {
      const request = eapRequest(h.nas, eap, state);
      // The first datagram lands on worker 1, every later one on worker 2.
      const on = round === 0 ? 1 : 2;
      h.servers[on - 1]!.onDatagram(h.socketOf(on), 'auth', request.raw, h.rinfo);
      await h.settle();
      const reply = parsePacket(h.sent.at(-1)!.buf);
      assert.equal(h.sent.at(-1)!.from, 1, 'worker 1 answers every round');
      if (reply.code !== Code.AccessChallenge) {
        assert.equal(reply.code, Code.AccessAccept);
        assert.ok(h.forwarded.length >= 3);
        assert.ok(h.forwarded.every((f) => f.from === 2 && f.tag === 1));
        peer.close();
        return;
      }
      state = getAttr(reply, Attr.State)!;
      assert.equal(state[0], 1);
      eap = await peer.respond(
        Buffer.concat(reply.attributes.filter((a) => a.type === Attr.EapMessage).map((a) => a.value)),
      );
    }
    assert.fail('conversation did not end');
  });
});

describe('RadiusServer: EAP needs Message-Authenticator (RFC 3579 §3.2)', () => {
  it('drops EAP-Message without Message-Authenticator even when the NAS does not require it', async () => {
    const snapshot = buildSnapshot();
    const nas = nasFor(snapshot, 'generic');
    nas.requireMessageAuthenticator = false;
    const store = new FakeWriteStore();
    const access = new AccessHandler(snapshot, new UnboundMatcher(), store.asWriteStore(), {
      maxSessionTimeoutSeconds: MAX_SESSION_TIMEOUT,
      acctInterimIntervalSeconds: ACCT_INTERIM_INTERVAL,
      now: () => NOW,
    });
    const context = createEapSecureContext(cert);
    const eap = new EapHandler(access, () => context, {
      methods: [ttlsPapMethod(snapshot)],
      fragmentSize: 1024,
      maxSessions: 10,
      idleMs: 60_000,
      ownerTag: 0,
    });
    const metrics = createRadiusMetrics();
    const server = new RadiusServer(
      snapshot,
      access,
      new AccountingHandler(snapshot, store.asWriteStore(), new SessionTracker()),
      metrics,
      pino({ level: 'silent' }),
      eap,
    );
    const sent: Buffer[] = [];
    const socket = { send: (b: Buffer) => void sent.push(b) } as never;
    const rinfo: RemoteInfo = { address: nas.ipAddress, port: 40_000, family: 'IPv4', size: 0 };
    const identity = new EapPeer({ method: 'TTLS', identity: 'a', password: 'b' }).identityResponse();
    const b = new PacketBuilder().add(Attr.UserName, 'a').add(Attr.EapMessage, identity);
    server.onDatagram(
      socket,
      'auth',
      encodeRequest(Code.AccessRequest, 1, b, nas.secret, { messageAuthenticator: false }),
      rinfo,
    );
    // The same request with Message-Authenticator is answered.
    server.onDatagram(socket, 'auth', encodeRequest(Code.AccessRequest, 2, b, nas.secret), rinfo);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(sent.length, 1);
    assert.equal(parsePacket(sent[0]!).code, Code.AccessChallenge);
    const text = await metrics.registry.getSingleMetricAsString('lanyard_radius_dropped_total');
    assert.match(text, /reason="EAP_WITHOUT_MESSAGE_AUTHENTICATOR"\} 1/);
  });
});

/**
 * Load for WPA-Enterprise: whole EAP conversations (PEAP-MSCHAPv2 or TTLS-PAP) over UDP, each
 * played by the test supplicant (src/eap/test-support/eap-peer.ts, Node's TLS client) on its own
 * socket, as many NASes would. Every reply's Response Authenticator and Message-Authenticator is
 * verified, and every Accept's MS-MPPE-Recv-Key is decrypted and compared with the peer's own key.
 * A conversation's latency runs from its first Access-Request to its Accept.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { PacketBuilder, encodeRequest } from '../../src/codec/builder.js';
import { decryptSalted, verifyResponse } from '../../src/codec/crypto.js';
import {
  Attr,
  Code,
  getAttr,
  getEapMessage,
  getVsas,
  parsePacket,
  VendorAttr,
} from '../../src/codec/packet.js';
import type { EapPeer } from '../../src/eap/test-support/eap-peer.js';
import { summarize, type LatencySummary } from './load.js';

export interface EapLoadOptions {
  port: number;
  secret: Buffer;
  /** A fresh supplicant for conversation number `n`. */
  peer: (n: number) => EapPeer;
  /** Closed loop: this many conversations at once. */
  concurrency?: number;
  /** Open loop: start conversations at this rate (per second), however many are in flight. */
  rate?: number;
  warmupMs: number;
  windowMs: number;
  timeoutMs?: number;
}

export interface EapLoadResult {
  authsPerSecond: number;
  completed: number;
  failed: number;
  timeouts: number;
  keyMismatches: number;
  roundTrips: number;
  /** Accepted conversations over the whole run, warm-up included (to divide server CPU by). */
  acceptedTotal: number;
  latencyMs: LatencySummary;
  windowSeconds: number;
}

class Lane {
  private readonly socket: Socket = createSocket('udp4');
  private waiting: { id: number; resolve: (b: Buffer | null) => void; timer: NodeJS.Timeout } | null = null;
  private nextId = 0;
  private bound: Promise<void> | null = null;

  constructor() {
    this.socket.on('message', (msg) => {
      const w = this.waiting;
      if (!w || msg.length < 2 || msg[1] !== w.id) return;
      this.waiting = null;
      clearTimeout(w.timer);
      w.resolve(msg);
    });
  }

  ready(): Promise<void> {
    this.bound ??= new Promise((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve()));
    return this.bound;
  }

  exchange(
    build: (id: number) => Buffer,
    port: number,
    timeoutMs: number,
  ): Promise<{ raw: Buffer; sent: Buffer } | null> {
    const id = (this.nextId = (this.nextId + 1) & 0xff);
    const sent = build(id);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        resolve(null);
      }, timeoutMs);
      this.waiting = { id, resolve: (raw) => resolve(raw ? { raw, sent } : null), timer };
      this.socket.send(sent, port, '127.0.0.1');
    });
  }

  close(): void {
    this.socket.close();
  }
}

type Outcome = 'ACCEPT' | 'FAILED' | 'TIMEOUT' | 'KEY_MISMATCH';

async function conversation(
  lane: Lane,
  peer: EapPeer,
  o: EapLoadOptions,
  counters: { roundTrips: number },
): Promise<Outcome> {
  let eap = peer.identityResponse();
  let state: Buffer | null = null;
  try {
    for (let round = 0; round < 40; round++) {
      const r = await lane.exchange(
        (id) => {
          const b = new PacketBuilder()
            // NASes copy the EAP identity into User-Name (FreeRADIUS rejects a mismatch).
            .add(Attr.UserName, peer.outerIdentity)
            .add(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1]))
            .add(Attr.CallingStationId, '02-00-00-00-00-01')
            .add(Attr.FramedMtu, 1400)
            .add(Attr.EapMessage, eap);
          if (state) b.add(Attr.State, state);
          return encodeRequest(Code.AccessRequest, id, b, o.secret);
        },
        o.port,
        o.timeoutMs ?? 3000,
      );
      counters.roundTrips++;
      if (!r) return 'TIMEOUT';
      const reply = parsePacket(r.raw);
      if (!verifyResponse(reply, r.sent.subarray(4, 20), o.secret)) return 'FAILED';
      if (reply.code === Code.AccessAccept) {
        const recv = getVsas(reply, ...VendorAttr['MS-MPPE-Recv-Key'])[0];
        if (!recv) return 'KEY_MISMATCH';
        const key = decryptSalted(recv, o.secret, r.sent.subarray(4, 20));
        return key.equals(peer.deriveMsk().subarray(0, 32)) ? 'ACCEPT' : 'KEY_MISMATCH';
      }
      if (reply.code !== Code.AccessChallenge) {
        return 'FAILED';
      }
      state = getAttr(reply, Attr.State) ?? null;
      eap = await peer.respond(getEapMessage(reply)!);
    }
    return 'FAILED';
  } catch {
    return 'FAILED';
  } finally {
    peer.close();
  }
}

/** Runs conversations for warm-up + window; counts only those that finish inside the window. */
export async function runEapLoad(o: EapLoadOptions): Promise<EapLoadResult> {
  const counters = { roundTrips: 0 };
  const latencies: number[] = [];
  const outcomes = { ACCEPT: 0, FAILED: 0, TIMEOUT: 0, KEY_MISMATCH: 0 };
  const start = performance.now();
  const windowStart = start + o.warmupMs;
  const end = windowStart + o.windowMs;
  let n = 0;
  let acceptedTotal = 0;
  let roundTripsAtWindow = 0;
  const one = async (lane: Lane) => {
    const t0 = performance.now();
    const outcome = await conversation(lane, o.peer(n++), o, counters);
    const t1 = performance.now();
    if (outcome === 'ACCEPT') acceptedTotal++;
    if (t0 >= windowStart && t1 <= end) {
      outcomes[outcome]++;
      if (outcome === 'ACCEPT') latencies.push(t1 - t0);
    }
  };
  setTimeout(() => (roundTripsAtWindow = counters.roundTrips), o.warmupMs).unref();

  if (o.concurrency) {
    const lanes = Array.from({ length: o.concurrency }, () => new Lane());
    await Promise.all(lanes.map((l) => l.ready()));
    await Promise.all(
      lanes.map(async (lane) => {
        while (performance.now() < end) await one(lane);
      }),
    );
    for (const l of lanes) l.close();
  } else {
    const rate = o.rate ?? 10;
    const pool: Lane[] = [];
    const running: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const at = start + (i * 1000) / rate;
      if (at >= end) break;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const lane = pool.pop() ?? new Lane();
      await lane.ready();
      running.push(one(lane).then(() => void pool.push(lane)));
    }
    await Promise.all(running);
    for (const l of pool) l.close();
  }
  const windowSeconds = o.windowMs / 1000;
  return {
    authsPerSecond: outcomes.ACCEPT / windowSeconds,
    completed: outcomes.ACCEPT,
    failed: outcomes.FAILED,
    timeouts: outcomes.TIMEOUT,
    keyMismatches: outcomes.KEY_MISMATCH,
    roundTrips: counters.roundTrips - roundTripsAtWindow,
    acceptedTotal,
    latencyMs: summarize(latencies),
    windowSeconds,
  };
}

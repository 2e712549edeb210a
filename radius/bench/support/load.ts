/**
 * RADIUS load generator for the benchmarks: several connected UDP sockets (identifiers are 8-bit,
 * so at most 256 requests in flight per socket), every request freshly encoded by the caller's
 * factory (random Request Authenticator, hidden User-Password, Message-Authenticator), every reply
 * checked (Response Authenticator, Message-Authenticator when present, expected code) and timed
 * from send to receipt.
 *
 * Two modes, both with a warm-up whose samples are discarded:
 *  - closedLoop: keeps `inFlight` requests outstanding; throughput = replies in the window / window.
 *  - fixedRate: sends on a 1 ms timer at `rate` requests per second (open loop), for latency at a
 *    given load; latency counts requests sent in the window.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { verifyResponse } from '../../src/codec/crypto.js';
import { parsePacket } from '../../src/codec/packet.js';

/** Encodes one request with this identifier; the Request Authenticator is bytes 4..20 of the result. */
export type RequestFactory = (identifier: number) => Buffer;

export interface LoadTarget {
  host: string;
  port: number;
  secret: Buffer;
  /** Reply code every request should get (2 = Access-Accept). */
  expectCode: number;
}

export interface LoadResult {
  /** Replies with the expected code per second of the measurement window (closed loop), or offered rate (fixed). */
  throughput: number;
  /** Requests completed in the window (expected code). */
  ok: number;
  /** Replies with another code (e.g. Access-Reject). */
  unexpected: number;
  /** Replies that failed verification or matched no outstanding request. */
  bad: number;
  timeouts: number;
  /** Fixed rate only: sends skipped because every identifier was in use. */
  skipped: number;
  latencyMs: LatencySummary;
  windowSeconds: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: ArrayLike<number>, count = samples.length): LatencySummary {
  const sorted = Float64Array.from({ length: count }, (_, i) => samples[i]!).sort();
  const at = (q: number) => (count ? sorted[Math.min(count - 1, Math.ceil(q * count) - 1)]! : NaN);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: count ? sorted[count - 1]! : NaN,
    mean: sum / count,
  };
}

const IDS = 256;
const TIMEOUT_MS = 2000;

interface Lane {
  socket: Socket;
  sentAt: Float64Array;
  /** Request Authenticators of outstanding requests, 16 bytes per identifier. */
  auth: Buffer;
  busy: Uint8Array;
  /** FIFO of free identifiers, so an identifier is reused as late as possible. */
  free: Uint8Array;
  head: number;
  freeCount: number;
}

export class LoadGenerator {
  private readonly lanes: Lane[] = [];
  private next = 0;
  private onReply: ((latency: number, sentAt: number, ok: boolean) => void) | null = null;
  private counters = { bad: 0, timeouts: 0 };
  private sweeper: NodeJS.Timeout | null = null;
  inFlight = 0;

  private constructor(
    private readonly target: LoadTarget,
    private make: RequestFactory,
  ) {}

  static async open(target: LoadTarget, make: RequestFactory, sockets: number): Promise<LoadGenerator> {
    const g = new LoadGenerator({ ...target }, make);
    for (let i = 0; i < sockets; i++) {
      const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => socket.connect(target.port, target.host, () => resolve()));
      });
      const lane: Lane = {
        socket,
        sentAt: new Float64Array(IDS),
        auth: Buffer.alloc(IDS * 16),
        busy: new Uint8Array(IDS),
        free: Uint8Array.from({ length: IDS }, (_, j) => j),
        head: 0,
        freeCount: IDS,
      };
      // A datagram the server sends to a port nobody reads any more is harmless; errors such as
      // ECONNREFUSED (server gone) surface as timeouts.
      socket.on('error', () => undefined);
      socket.on('message', (msg) => g.receive(lane, msg));
      g.lanes.push(lane);
    }
    g.sweeper = setInterval(() => g.sweep(), 100);
    return g;
  }

  /** Changes what is sent from now on, and which reply code counts as success (same server). */
  setRequests(make: RequestFactory, expectCode = this.target.expectCode): void {
    this.make = make;
    this.target.expectCode = expectCode;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.lanes.map((l) => new Promise<void>((r) => l.socket.close(() => r()))));
  }

  /** Sends one request on the next socket with a free identifier; false if none is free. */
  send(): boolean {
    for (let tries = 0; tries < this.lanes.length; tries++) {
      const lane = this.lanes[this.next]!;
      this.next = (this.next + 1) % this.lanes.length;
      if (lane.freeCount === 0) continue;
      const id = lane.free[lane.head]!;
      lane.head = (lane.head + 1) % IDS;
      lane.freeCount--;
      const packet = this.make(id);
      packet.copy(lane.auth, id * 16, 4, 20);
      lane.busy[id] = 1;
      this.inFlight++;
      lane.sentAt[id] = performance.now();
      lane.socket.send(packet);
      return true;
    }
    return false;
  }

  private release(lane: Lane, id: number): void {
    lane.busy[id] = 0;
    lane.free[(lane.head + lane.freeCount) % IDS] = id;
    lane.freeCount++;
    this.inFlight--;
  }

  private receive(lane: Lane, msg: Buffer): void {
    const now = performance.now();
    const id = msg.length >= 20 ? msg[1]! : -1;
    if (id < 0 || !lane.busy[id]) {
      this.counters.bad++;
      return;
    }
    let verified = false;
    try {
      verified = verifyResponse(
        parsePacket(msg),
        lane.auth.subarray(id * 16, id * 16 + 16),
        this.target.secret,
      );
    } catch {
      verified = false;
    }
    if (!verified) {
      // Most likely a late reply to an earlier use of this identifier: keep waiting.
      this.counters.bad++;
      return;
    }
    const sentAt = lane.sentAt[id]!;
    this.release(lane, id);
    this.onReply?.(now - sentAt, sentAt, msg[0] === this.target.expectCode);
  }

  private sweep(): void {
    const limit = performance.now() - TIMEOUT_MS;
    for (const lane of this.lanes) {
      for (let id = 0; id < IDS; id++) {
        if (lane.busy[id] && lane.sentAt[id]! < limit) {
          this.release(lane, id);
          this.counters.timeouts++;
          this.onTimeout?.();
        }
      }
    }
  }

  private onTimeout: (() => void) | null = null;

  /** Waits until nothing is outstanding (replies or timeouts), at most TIMEOUT_MS + a bit. */
  private async drain(): Promise<void> {
    const deadline = performance.now() + TIMEOUT_MS + 500;
    while (this.inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /** Keeps `inFlight` requests outstanding for warm-up + window. */
  async closedLoop(opts: { inFlight: number; warmupMs: number; durationMs: number }): Promise<LoadResult> {
    const samples = new Float64Array(1_000_000);
    let n = 0;
    let ok = 0;
    let unexpected = 0;
    const start = performance.now();
    const windowStart = start + opts.warmupMs;
    const windowEnd = windowStart + opts.durationMs;
    const base = { ...this.counters };
    let stopping = false;
    const refill = () => {
      if (!stopping) while (this.inFlight < opts.inFlight && this.send());
    };
    this.onReply = (latency, _sentAt, good) => {
      const now = performance.now();
      if (now >= windowStart && now < windowEnd) {
        if (good) ok++;
        else unexpected++;
        if (n < samples.length) samples[n++] = latency;
      }
      refill();
    };
    this.onTimeout = refill;
    refill();
    await new Promise((r) => setTimeout(r, windowEnd - performance.now()));
    stopping = true;
    await this.drain();
    this.onReply = null;
    this.onTimeout = null;
    const seconds = opts.durationMs / 1000;
    return {
      throughput: ok / seconds,
      ok,
      unexpected,
      bad: this.counters.bad - base.bad,
      timeouts: this.counters.timeouts - base.timeouts,
      skipped: 0,
      latencyMs: summarize(samples, n),
      windowSeconds: seconds,
    };
  }

  /**
   * Sends `rate` requests per second (on a 1 ms timer) for warm-up + window; `onSample` sees every
   * reply to a request sent in the window (send time as performance.now(), latency in ms).
   */
  async fixedRate(opts: {
    rate: number;
    warmupMs: number;
    durationMs: number;
    onSample?: (sentAt: number, latency: number) => void;
  }): Promise<LoadResult> {
    const samples = new Float64Array(Math.ceil((opts.rate * opts.durationMs) / 1000) + 1024);
    let n = 0;
    let ok = 0;
    let unexpected = 0;
    let skipped = 0;
    const start = performance.now();
    const windowStart = start + opts.warmupMs;
    const windowEnd = windowStart + opts.durationMs;
    const base = { ...this.counters };
    this.onReply = (latency, sentAt, good) => {
      if (sentAt >= windowStart && sentAt < windowEnd) {
        if (good) ok++;
        else unexpected++;
        if (n < samples.length) samples[n++] = latency;
        opts.onSample?.(sentAt, latency);
      }
    };
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (now >= windowEnd) {
          clearInterval(timer);
          resolve();
          return;
        }
        const due = Math.floor(((now - start) * opts.rate) / 1000) - sent;
        for (let i = 0; i < due; i++) {
          if (!this.send() && now >= windowStart) skipped++;
          sent++;
        }
      };
      const timer = setInterval(tick, 1);
      tick();
    });
    await this.drain();
    this.onReply = null;
    const seconds = opts.durationMs / 1000;
    return {
      throughput: ok / seconds,
      ok,
      unexpected,
      bad: this.counters.bad - base.bad,
      timeouts: this.counters.timeouts - base.timeouts,
      skipped,
      latencyMs: summarize(samples, n),
      windowSeconds: seconds,
    };
  }
}

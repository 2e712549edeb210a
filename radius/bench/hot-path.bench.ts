/**
 * Hot-path micro-benchmark of the RADIUS worker, for stable before/after comparisons on a noisy
 * machine. One PAP Access-Request (hostapd layout, Message-Authenticator) for a member with a
 * group, a VLAN and bandwidth → Access-Accept, through the real RadiusServer (NAS lookup, parse,
 * duplicate cache, Message-Authenticator, metrics), AccessHandler (password, decision, reply
 * profile, auth event) and codec; only the UDP socket is replaced by a function.
 *
 *   cd radius && node --import tsx bench/hot-path.bench.ts              wall-clock ns per request
 *   cd radius && node --import tsx bench/hot-path.bench.ts --callgrind  instructions per request
 *
 * `--callgrind` runs this file twice under `valgrind --tool=callgrind` (HOT_PATH_OPS = 4,000 and
 * 24,000; V8 `--single-threaded` so JIT compilation happens on the counted thread in the same
 * order) and reports (Ir₂ − Ir₁) / 20,000: start-up, module loading and the request pool cancel
 * out. Instruction counts do not depend on what else the machine runs; timings do.
 * HOT_PATH_SIDE=client measures the load generator's side instead (encode the request, verify the
 * reply), which the benchmark against FreeRADIUS pays for every request as well.
 * HOT_PATH_REQUEST=mac measures MAC authentication instead of PAP.
 *
 *   cd radius && node --import tsx bench/hot-path.bench.ts --allocations  bytes allocated per request
 *
 * `--allocations` runs the server side under V8's sampling heap profiler, counting objects that
 * young- and old-generation GCs have already collected too: what each request costs the garbage
 * collector, by allocating stack. Like instruction counts, it does not depend on the machine's load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Session, type HeapProfiler } from 'node:inspector';
import type pg from 'pg';
import { pino } from 'pino';
import { PacketBuilder, encodeRequest } from '../src/codec/builder.js';
import { verifyResponse } from '../src/codec/crypto.js';
import { Attr, Code, parsePacket } from '../src/codec/packet.js';
import { AccessHandler } from '../src/handlers/access.handler.js';
import { AccountingHandler } from '../src/handlers/accounting.handler.js';
import {
  ACCT_INTERIM_INTERVAL,
  ALICE,
  MAX_SESSION_TIMEOUT,
  NOW,
  buildSnapshot,
  calledStationId,
  nasFor,
} from '../src/handlers/test-support/fixtures.js';
import type { Journal } from '../src/store/journal.js';
import { WriteStore, type AccountingRecord } from '../src/store/write-store.js';
import { UnboundMatcher } from '../src/ppsk/matcher.js';
import { createRadiusMetrics } from '../src/server/metrics.js';
import { RadiusServer } from '../src/server/radius-server.js';
import type { SessionTracker } from '../src/coa/session-tracker.js';
import { liveAllocations } from './support/heap-sampling.js';

const POOL = 24_000;
const OPS = Number(process.env.HOT_PATH_OPS ?? 200_000);
const SIDE = process.env.HOT_PATH_SIDE === 'client' ? 'client' : 'server';
const CALLGRIND_OPS: [number, number] = [4000, 24_000];

const snapshot = buildSnapshot();
const nas = nasFor(snapshot, 'hostapd');
// The worker's own store, never started (nothing is written): the first decision queues a row, the
// identical ones after it are counted on that row, as in the worker at steady state.
const store = new WriteStore({} as pg.Pool, {} as Journal<AccountingRecord>, pino({ level: 'silent' }));
const access = new AccessHandler(snapshot, new UnboundMatcher(), store, {
  maxSessionTimeoutSeconds: MAX_SESSION_TIMEOUT,
  acctInterimIntervalSeconds: ACCT_INTERIM_INTERVAL,
  now: () => NOW,
});
const accounting = new AccountingHandler(snapshot, store, {} as SessionTracker);
const server = new RadiusServer(
  snapshot,
  access,
  accounting,
  createRadiusMetrics(),
  pino({ level: 'silent' }),
);

// HOT_PATH_REQUEST=mac: MAC authentication (User-Name and User-Password the bare MAC, as hostapd
// sends it) → Access-Accept with the passphrase in Tunnel-Password; PAP otherwise.
const MAC_AUTH = process.env.HOT_PATH_REQUEST === 'mac';
const macUser = ALICE.mac!.replaceAll(':', '');
const request = new PacketBuilder()
  .add(Attr.UserName, MAC_AUTH ? macUser : ALICE.username)
  .add(Attr.NasIpAddress, Buffer.from(nas.ipAddress.split('.').map(Number)))
  .add(Attr.NasPortType, 19)
  .add(Attr.CalledStationId, calledStationId())
  .add(Attr.CallingStationId, 'AA-BB-CC-00-00-01');
const encode = (i: number): Buffer =>
  encodeRequest(Code.AccessRequest, i & 0xff, request, nas.secret, {
    userPassword: MAC_AUTH ? macUser : ALICE.passphrase,
    messageAuthenticatorPosition: 'last',
  });

let lastReply: Buffer | null = null;
const socket = {
  send(buf: Buffer) {
    lastReply = buf;
  },
};
// Like the benchmark's generator: 4 source ports × 256 identifiers, so the duplicate cache sees
// every key again with a new authenticator.
const rinfo = (i: number) => ({
  address: nas.ipAddress,
  port: 40_000 + ((i >> 8) & 3),
  family: 'IPv4',
  size: 0,
});
const serve = (msg: Buffer, i: number): void =>
  // Through a cast so that this file also runs against older versions of the server.
  (server as unknown as { onDatagram(s: unknown, k: string, m: Buffer, r: unknown): void }).onDatagram(
    socket,
    'auth',
    msg,
    rinfo(i),
  );

let requests: Buffer[] | null = null;
let exchanges: Array<[Buffer, Buffer]> | null = null;

async function runServer(ops: number): Promise<void> {
  if (!requests) {
    requests = [];
    for (let i = 0; i < POOL; i++) requests.push(encode(i));
  }
  const pool = requests;
  for (let i = 0; i < ops; i++) {
    serve(pool[i % POOL]!, i);
    // Replies may be sent from a microtask: let them out as the event loop would.
    if ((i & 63) === 63) await null;
  }
  await null;
  await null;
}

async function runClient(ops: number): Promise<void> {
  // Replies are made once per pool entry; the loop encodes a request and verifies a reply.
  if (!exchanges) {
    exchanges = [];
    for (let i = 0; i < POOL; i++) {
      const req = encode(i);
      serve(req, i);
      await null;
      await null;
      exchanges.push([req.subarray(4, 20), lastReply!]);
    }
  }
  const pool = exchanges;
  let ok = 0;
  for (let i = 0; i < ops; i++) {
    encode(i);
    const [auth, reply] = pool[i % POOL]!;
    if (verifyResponse(parsePacket(reply), auth, nas.secret)) ok++;
  }
  if (ok !== ops) throw new Error(`${ops - ok} replies failed verification`);
}

async function check(): Promise<void> {
  serve(encode(7), 7);
  await null;
  await null;
  if (!lastReply || lastReply[0] !== Code.AccessAccept) throw new Error('the hot path did not accept');
  if (MAC_AUTH && !parsePacket(lastReply).attributes.some((a) => a.type === Attr.TunnelPassword))
    throw new Error('the MAC authentication reply has no Tunnel-Password');
}

const here = fileURLToPath(new URL('.', import.meta.url));

function callgrind(): void {
  const dir = mkdtempSync(join(os.tmpdir(), 'lanyard-callgrind-'));
  const irs: number[] = [];
  try {
    for (const ops of CALLGRIND_OPS) {
      const out = join(dir, `cg.${ops}.out`);
      const r = spawnSync(
        'valgrind',
        [
          '--tool=callgrind',
          '--smc-check=all-non-file',
          `--callgrind-out-file=${out}`,
          process.execPath,
          '--single-threaded',
          '--import',
          'tsx',
          join(here, 'hot-path.bench.ts'),
        ],
        {
          cwd: join(here, '..'),
          env: { ...process.env, HOT_PATH_OPS: String(ops) },
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`valgrind failed: ${r.stderr.slice(-2000)}`);
      const summary = /^summary:\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
      if (!summary) throw new Error('no summary line in the callgrind output');
      irs.push(Number(summary[1]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const per = (irs[1]! - irs[0]!) / (CALLGRIND_OPS[1] - CALLGRIND_OPS[0]);
  console.log(
    `${SIDE} side, ${MAC_AUTH ? 'MAC authentication' : 'PAP'}: ${Math.round(per).toLocaleString('en-US')} instructions per request ` +
      `(callgrind, Ir ${irs.map((n) => n.toLocaleString('en-US')).join(' / ')} at ${CALLGRIND_OPS.join(' / ')} requests)`,
  );
}

async function allocations(): Promise<void> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))),
    );
  await check();
  await runServer(OPS); // warm: pool built, code optimised, the duplicate cache full
  await post('HeapProfiler.enable');
  // Twice: everything allocated, then only what outlived the young generation (promoted to the
  // old one: what makes the major GCs, whose helper threads take both cores).
  for (const minor of [true, false]) {
    await post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: minor,
    });
    await runServer(OPS);
    const { profile } = await post<{ profile: HeapProfiler.SamplingHeapProfile }>(
      'HeapProfiler.stopSampling',
    );
    let total = 0;
    const walk = (n: HeapProfiler.SamplingHeapProfileNode) => {
      total += n.selfSize;
      n.children.forEach(walk);
    };
    walk(profile.head);
    console.log(
      `\n${MAC_AUTH ? 'MAC authentication' : 'PAP'}: ${Math.round(total / OPS)} bytes ${minor ? 'allocated' : 'outliving the young generation'} ` +
        `per request (sampling heap profiler, ${OPS.toLocaleString('en-US')} requests)`,
    );
    console.log(liveAllocations(profile, 4, 12).replace('live sampled allocations', 'sampled'));
  }
  session.disconnect();
}

if (process.argv.includes('--callgrind')) {
  callgrind();
} else if (process.argv.includes('--allocations')) {
  await allocations();
} else {
  await check();
  if (process.env.HOT_PATH_OPS) {
    // One measured run (also what callgrind executes); the pool is built first in both runs.
    if (SIDE === 'server') await runServer(0);
    else await runClient(0);
    if (SIDE === 'server') await runServer(OPS);
    else await runClient(OPS);
  } else {
    const rounds: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      if (SIDE === 'server') await runServer(OPS);
      else await runClient(OPS);
      const t1 = performance.now();
      rounds.push(((t1 - t0) * 1e6) / OPS);
    }
    rounds.sort((a, b) => a - b);
    console.log(
      `${SIDE} side: median ${rounds[3]!.toFixed(0)} ns per request (7 rounds of ${OPS.toLocaleString('en-US')})`,
    );
  }
}

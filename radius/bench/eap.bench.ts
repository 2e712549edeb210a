/**
 * `npm run bench -- eap` — WPA-Enterprise: whole PEAP-MSCHAPv2 and EAP-TTLS/PAP authentications
 * per second and their latency: Lanyard's worker in one process, and `src/main.ts` with one worker
 * process per core as `npm start` runs it ("Lanyard ×N": EAP datagrams routed between workers),
 * side by side with FreeRADIUS 3.2 (`eap` module, 4 threads, inner-tunnel authorizing from
 * `files`) with the same certificate, the same TLS 1.2 settings and
 * the same load generator (bench/support/eap-load.ts: each conversation on its own UDP socket,
 * every reply verified, every Accept's MS-MPPE-Recv-Key compared with the supplicant's key).
 *
 * Phases: peak (closed loop, BENCH_EAP_CONCURRENCY conversations at once, best of BENCH_ROUNDS),
 * then latency at half of each server's own PEAP peak (open loop). One full authentication is
 * 8–9 round trips and one RSA-2048 signature on the server. The supplicants' TLS runs in this
 * process, on the same two cores as the servers: read the ratio, not the absolute figures.
 *
 * Environment: DATABASE_URL (else an embedded PostgreSQL), BENCH_MEMBERS (1000), BENCH_EAP_USERS
 * (100 members authenticate), BENCH_EAP_CONCURRENCY (16), BENCH_ROUNDS (2), BENCH_WINDOW_MS (6000),
 * BENCH_PROFILE=1 (CPU profile of the Lanyard worker; its numbers are then not comparable).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SecretBox } from '@lanyard/api/secret-box';
import { SecretAad } from '@lanyard/schema';
import pg from 'pg';
import { PacketBuilder, encodeRequest } from '../src/codec/builder.js';
import { Code } from '../src/codec/packet.js';
import { ntPasswordHash } from '../src/eap/mschapv2.js';
import { loadOrCreateGeneratedCertificate } from '../src/eap/server-certificate.js';
import { EapPeer } from '../src/eap/test-support/eap-peer.js';
import { runEapLoad, type EapLoadResult } from './support/eap-load.js';
import { startFreeRadius } from './support/freeradius.js';
import { seedLanyard } from './support/seed.js';

const env = process.env;
const MEMBERS = Number(env.BENCH_MEMBERS ?? 1000);
const USERS = Math.min(MEMBERS, Number(env.BENCH_EAP_USERS ?? 100));
const CONCURRENCY = Number(env.BENCH_EAP_CONCURRENCY ?? 16);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 2);
const WINDOW_MS = Number(env.BENCH_WINDOW_MS ?? 6000);
const WARMUP_MS = 1500;
const SECRET = 'bench-eap-secret-0123456789';
const SERVER_NAME = 'radius.bench.lanyard.test';
const here = fileURLToPath(new URL('.', import.meta.url));

const CORES = os.availableParallelism();
type Server = 'FreeRADIUS' | 'Lanyard' | 'Lanyard ×N';
const SERVERS: Server[] = ['FreeRADIUS', 'Lanyard', 'Lanyard ×N'];
type Method = 'PEAP' | 'TTLS';

function cpuSeconds(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

const PROFILE_DIR =
  env.BENCH_PROFILE === '1' ? mkdtempSync(join(os.tmpdir(), 'lanyard-bench-eap-prof-')) : null;

async function startLanyard(
  extraEnv: Record<string, string>,
): Promise<{ pid: number; authPort: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      join(here, 'support', 'serve-worker.ts'),
    ],
    {
      cwd: join(here, '..'),
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = await new Promise<{ authPort: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve-worker exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line));
    });
  });
  return {
    pid: child.pid!,
    authPort: ready.authPort,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** A free UDP port on 127.0.0.1 (a moment ago). */
function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  return new Promise((resolve) =>
    sock.bind(0, '127.0.0.1', () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    }),
  );
}

/**
 * `src/main.ts` as `npm start` runs it: RADIUS_WORKERS processes sharing the UDP port, EAP
 * datagrams routed to the worker holding their conversation. Ready once Status-Server answers.
 */
async function startLanyardCluster(
  workers: number,
  extraEnv: Record<string, string>,
): Promise<{ pids: number[]; authPort: number; stop(): Promise<void> }> {
  const [authPort, acctPort] = [await freeUdpPort(), await freeUdpPort()];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, '..', 'src', 'main.ts')],
    {
      cwd: join(here, '..'),
      env: {
        ...env,
        ...extraEnv,
        RADIUS_WORKERS: String(workers),
        RADIUS_HOST: '127.0.0.1',
        RADIUS_AUTH_PORT: String(authPort),
        RADIUS_ACCT_PORT: String(acctPort),
        RADIUS_METRICS_PORT: '-1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const answered = new Promise<void>((resolve) => sock.once('message', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`Lanyard ×${workers} exited with ${child.exitCode}`);
    sock.send(
      encodeRequest(Code.StatusServer, i & 0xff, new PacketBuilder(), Buffer.from(SECRET)),
      authPort,
      '127.0.0.1',
    );
    const ok = await Promise.race([
      answered.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 250)),
    ]);
    if (ok) break;
    if (i > 200) throw new Error(`Lanyard ×${workers} did not answer`);
  }
  sock.close();
  // Let every worker finish starting, then note the processes whose CPU counts.
  await new Promise((r) => setTimeout(r, 2000));
  const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  return {
    pids: [child.pid!, ...children.filter((n) => n > 0)],
    authPort,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

const ms = (v: number) => (Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

async function main(): Promise<void> {
  const version = spawnSync('freeradius', ['-v'], { encoding: 'utf8' });
  if (version.error)
    throw new Error('FreeRADIUS is not installed (apt-get install freeradius): it is the anchor');
  console.log(
    `EAP benchmark: ${MEMBERS} members (${USERS} authenticate), ${CONCURRENCY} conversations at once; ` +
      `${/FreeRADIUS Version [\d.]+/.exec(version.stdout)?.[0]}; ${os.cpus().length} CPUs; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const seed = await seedLanyard({ count: MEMBERS, ssid: 'Lanyard', nasSecret: SECRET });
  const users = seed.members.slice(0, USERS);
  // The seed stores passphrases and PMKs; PEAP needs the NT hash too (the API computes it on write).
  const pool = new pg.Pool({ connectionString: seed.db.url, max: 2 });
  const box = SecretBox.fromHex(seed.secretKey);
  for (const m of users) {
    await pool.query(`update member set nt_hash_enc = $2 where id = $1`, [
      m.id,
      box.encrypt(ntPasswordHash(m.passphrase), SecretAad.ntHash(m.id)),
    ]);
  }
  await pool.end();

  const dir = mkdtempSync(join(os.tmpdir(), 'lanyard-bench-eap-'));
  const cert = loadOrCreateGeneratedCertificate(dir, SERVER_NAME);
  const files = {
    certFile: join(dir, 'server-cert.pem'),
    keyFile: join(dir, 'server-key.pem'),
    caFile: join(dir, 'ca.pem'),
  };
  writeFileSync(files.certFile, cert.certChainPem);
  writeFileSync(files.keyFile, cert.keyPem, { mode: 0o600 });
  writeFileSync(files.caFile, cert.caPem!);

  const lanyard = await startLanyard({
    DATABASE_URL: seed.db.url,
    LANYARD_SECRET_KEY: seed.secretKey,
    LANYARD_DATA_DIR: dir,
    RADIUS_JOURNAL_DIR: join(dir, 'journal'),
    RADIUS_EAP_SERVER_NAME: SERVER_NAME,
  });
  const frPort = 20000 + Math.floor(Math.random() * 20000);
  const freeradius = await startFreeRadius({
    port: frPort,
    secret: SECRET,
    backend: { kind: 'files' },
    threads: 4,
    users: users.map((m) => ({
      userName: m.username,
      password: m.passphrase,
      reply: [
        ['Tunnel-Type', '13'],
        ['Tunnel-Medium-Type', '6'],
        ['Tunnel-Private-Group-Id', `"${seed.vlanId}"`],
        ['Session-Timeout', '86400'],
      ],
    })),
    eap: files,
  });
  const cluster = await startLanyardCluster(CORES, {
    DATABASE_URL: seed.db.url,
    LANYARD_SECRET_KEY: seed.secretKey,
    LANYARD_DATA_DIR: dir,
    RADIUS_JOURNAL_DIR: join(dir, 'journal-cluster'),
    RADIUS_EAP_SERVER_NAME: SERVER_NAME,
  });
  const targets: Record<Server, { port: number; pids: number[] }> = {
    Lanyard: { port: lanyard.authPort, pids: [lanyard.pid] },
    'Lanyard ×N': { port: cluster.authPort, pids: cluster.pids },
    FreeRADIUS: { port: frPort, pids: [freeradius.pid] },
  };
  const peerFor = (method: Method) => (n: number) => {
    const m = users[n % users.length]!;
    return new EapPeer({
      method,
      identity: m.username,
      password: m.passphrase,
      ca: cert.caPem!,
      serverName: SERVER_NAME,
    });
  };
  const secret = Buffer.from(SECRET);
  const measure = async (server: Server, method: Method, load: { concurrency?: number; rate?: number }) => {
    const cpu0 = cpuSeconds(targets[server].pids);
    const r = await runEapLoad({
      port: targets[server].port,
      secret,
      peer: peerFor(method),
      warmupMs: WARMUP_MS,
      windowMs: WINDOW_MS,
      ...load,
    });
    const used = cpuSeconds(targets[server].pids) - cpu0;
    const cpu = (100 * used) / ((WARMUP_MS + WINDOW_MS) / 1000);
    return { r, cpu, cpuMsPerAuth: (1000 * used) / Math.max(1, r.acceptedTotal) };
  };
  const problems = (r: EapLoadResult) => {
    const p = [];
    if (r.failed) p.push(`${r.failed} failed`);
    if (r.timeouts) p.push(`${r.timeouts} timeouts`);
    if (r.keyMismatches) p.push(`${r.keyMismatches} key mismatches`);
    return p.length ? ` (${p.join(', ')})` : '';
  };

  try {
    const best = new Map<string, { r: EapLoadResult; cpu: number; cpuMsPerAuth: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const method of ['PEAP', 'TTLS'] as Method[]) {
        for (const server of round % 2 ? [...SERVERS].reverse() : SERVERS) {
          const m = await measure(server, method, { concurrency: CONCURRENCY });
          const key = `${server} ${method}`;
          if (!best.has(key) || best.get(key)!.r.authsPerSecond < m.r.authsPerSecond) best.set(key, m);
        }
      }
    }
    console.log(
      `\nPeak: ${CONCURRENCY} conversations at once, best of ${ROUNDS} rounds of ${WINDOW_MS / 1000} s`,
    );
    console.log(
      '| server | method | auths/s | p50 ms | p99 ms | round trips/auth | server CPU | server CPU ms/auth |',
    );
    console.log('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const [key, m] of [...best].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [server, method] = [key.slice(0, key.lastIndexOf(' ')), key.slice(key.lastIndexOf(' ') + 1)];
      console.log(
        `| ${server} | ${method} | ${m.r.authsPerSecond.toFixed(0)} | ${ms(m.r.latencyMs.p50)} | ${ms(m.r.latencyMs.p99)} | ` +
          `${(m.r.roundTrips / Math.max(1, m.r.completed)).toFixed(1)} | ${m.cpu.toFixed(0)} % | ` +
          `${m.cpuMsPerAuth.toFixed(2)}${problems(m.r)} |`,
      );
    }
    for (const method of ['PEAP', 'TTLS'] as Method[]) {
      const f = best.get(`FreeRADIUS ${method}`)!;
      for (const server of ['Lanyard', 'Lanyard ×N'] as Server[]) {
        const l = best.get(`${server} ${method}`)!;
        console.log(
          `${method}: ${server} / FreeRADIUS = ${(l.r.authsPerSecond / f.r.authsPerSecond).toFixed(2)}× auths/s, ` +
            `${(l.cpuMsPerAuth / f.cpuMsPerAuth).toFixed(2)}× server CPU per auth`,
        );
      }
    }

    console.log("\nLatency at half of each server's own PEAP peak (open loop)");
    console.log('| server | rate /s | p50 ms | p99 ms | max ms |');
    console.log('|---|---:|---:|---:|---:|');
    for (const server of SERVERS) {
      const rate = Math.max(1, Math.floor(best.get(`${server} PEAP`)!.r.authsPerSecond / 2));
      const m = await measure(server, 'PEAP', { rate });
      console.log(
        `| ${server} | ${rate} | ${ms(m.r.latencyMs.p50)} | ${ms(m.r.latencyMs.p99)} | ${ms(m.r.latencyMs.max)}${problems(m.r)} |`,
      );
    }
    if (PROFILE_DIR) console.log(`\nCPU profile of the Lanyard worker: ${PROFILE_DIR}`);
    console.log(
      `\nload average after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await cluster.stop();
    await lanyard.stop();
    await freeradius.stop();
    await seed.db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);

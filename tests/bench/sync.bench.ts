/**
 * `npm run bench:sync` (design §6): a Nexudus simulator with 10,000 coworkers, the API in its own
 * (instrumented) process, the RADIUS worker, and:
 *   - full sync time (first run, creates everyone; target ≤ 15 s);
 *   - unchanged re-sync times (target ≤ 5 s): "Sync now" (runSync without a mode), which reads the
 *     upstream's changes only while a full reconcile ran within the day — and, next to it, the
 *     unchanged FULL reconcile (runSync mode FULL) with its ratio to the anchor, so both show;
 *   - peak RSS of the API process during each run (memory flat: run 1 vs the last run);
 *   - SQL statements the API process sent during each run (every pg client query, counted in the
 *     API process; the idle rate of background work — pg-boss polling — is measured and shown);
 *   - webhook → RADIUS reject latency and webhook → Disconnect-Request latency over N webhooks
 *     (contract cancelled), sequentially (targets p99 ≤ 1 s and ≤ 2 s), and where that time goes
 *     (webhook received, run started, upstream read, apply, RADIUS reject) from the database's stamps.
 * Anchors, measured in the same run: the connector alone reading the same full snapshot from the
 * simulator, and reading the changes since a moment ago (nothing changed): what any engine must
 * spend before doing anything, so the engine's share shows.
 *
 *   DATABASE_URL=postgres://… npm run bench:sync   (BENCH_MEMBERS, BENCH_WEBHOOKS, BENCH_RESYNCS to change sizes)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { createTestDatabase } from '../../api/src/db/test-support/test-database.js';
import type { StoredCredentials, SyncLog } from '../../api/src/integrations/connector.js';
import {
  connectNexudus,
  createNexudusConnector,
} from '../../api/src/integrations/nexudus/nexudus.connector.js';
import { PacketBuilder, encodeRequest } from '../../radius/src/codec/builder.js';
import { Attr, Code, parsePacket } from '../../radius/src/codec/packet.js';
import { loadRadiusConfig } from '../../radius/src/config.js';
import { startRadiusWorker } from '../../radius/src/worker.js';
import { NAS_SECRET, startDasListener } from '../src/lifecycle/support.js';
import {
  DEFAULT_ADMIN,
  NexudusSimulator,
  WEBHOOK_ACTIONS,
  nxDate,
} from '../src/simulators/nexudus/nexudus-simulator.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 50);
const RESYNCS = Number(process.env.BENCH_RESYNCS ?? 3);
const WEBHOOK_SECRET = 'bench-webhook-secret';
const silent: SyncLog = { info() {}, warn() {}, debug() {} };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f1 = (n: number) => n.toFixed(1);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const db = await createTestDatabase();
const secretKey = randomBytes(32).toString('hex');
const sim = new NexudusSimulator({ seed: 42 });
sim.seedCommunity({ businesses: 2, coworkersPerBusiness: Math.ceil(MEMBERS / 2), bookingsPerBusiness: 20 });
const simUrl = await sim.start();
const raw = new pg.Pool({ connectionString: db.url, max: 2 });
let server: ChildProcess | null = null;
let stopRadius: (() => Promise<void>) | null = null;
const das = await startDasListener();

try {
  console.log(
    `load average at start: ${(await import('node:os')).loadavg().map(f1).join(' ')} (2 shared cores)`,
  );
  // ---- anchor: the connector alone -----------------------------------------------------------
  let creds = await connectNexudus({
    baseUrl: simUrl,
    email: DEFAULT_ADMIN.email,
    password: DEFAULT_ADMIN.password,
  });
  const connector = createNexudusConnector({
    baseUrl: simUrl,
    credentials: {
      load: () => Promise.resolve(creds),
      save: (c: StoredCredentials) => {
        creds = c;
        return Promise.resolve();
      },
    },
  });
  const anchor: number[] = [];
  let snapshotSize = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const s = await connector.fetchSnapshot({ mode: 'FULL', now: new Date(), log: silent });
    anchor.push(performance.now() - started);
    snapshotSize = s.members.length;
  }
  const anchorMs = Math.min(...anchor);
  console.log(
    `anchor: connector-only full read of ${snapshotSize} members: ${anchor.map(sec).join(', ')} (best ${sec(anchorMs)})`,
  );
  const changesAnchor: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await connector.fetchSnapshot({ mode: 'INCREMENTAL', since: new Date(), now: new Date(), log: silent });
    changesAnchor.push(performance.now() - started);
  }
  const changesAnchorMs = Math.min(...changesAnchor);
  console.log(
    `anchor: connector-only read of the changes (none): ${changesAnchor.map(sec).join(', ')} (best ${sec(changesAnchorMs)})`,
  );

  // ---- the API in its own process --------------------------------------------------------------
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/serve-api.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      LANYARD_SECRET_KEY: secretKey,
      PUBLIC_URL: 'https://wifi.example.com',
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  server = child;
  const apiUrl: string = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`API process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line).url);
    });
  });
  type Window = { statements: number; peakRssMb: number; rssMb: number };
  const window = () =>
    new Promise<Window>((resolve) => {
      child.once('message', (m) => resolve(m as Window));
      child.send({ type: 'window' });
    });
  const auth: { token?: string } = {};
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  auth.token = (
    await gql(`mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { token } }`, {
      i: { email: 'owner@example.com', password: 'owner-password-123' },
    })
  ).setupFirstAdmin.token;

  // Background work of an idle API (pg-boss polling, …), to read the per-run counts against.
  await window();
  const idleStarted = performance.now();
  await sleep(5_000);
  const idle = await window();
  const idlePerSecond = idle.statements / ((performance.now() - idleStarted) / 1000);
  console.log(`idle API: ${f1(idlePerSecond)} statements/s, RSS ${f1(idle.rssMb)} MB`);

  const waitRun = async (runId: string) => {
    for (;;) {
      const { rows } = await raw.query(
        `select status, error, created, unchanged, updated, deleted, disabled, enabled, request->>'mode' as mode,
                extract(epoch from finished_at - started_at) * 1000 as ms
           from sync_run where id = $1`,
        [runId],
      );
      const r = rows[0];
      if (r && ['SUCCEEDED', 'FAILED', 'HELD'].includes(r.status)) {
        if (r.status !== 'SUCCEEDED') throw new Error(`run ${r.status}: ${r.error}`);
        return r as { ms: number; created: number; unchanged: number; updated: number; mode: string };
      }
      await sleep(25);
    }
  };

  interface RunResult {
    label: string;
    mode: string;
    runMs: number;
    wallMs: number;
    statements: number;
    peakRssMb: number;
    rssAfterMb: number;
    counts: string;
  }
  const runs: RunResult[] = [];
  const measure = async (label: string, start: () => Promise<string>) => {
    await window();
    const started = performance.now();
    const runId = await start();
    const r = await waitRun(runId);
    const wallMs = performance.now() - started;
    const w = await window();
    runs.push({
      label,
      mode: r.mode,
      runMs: Number(r.ms),
      wallMs,
      statements: w.statements,
      peakRssMb: w.peakRssMb,
      rssAfterMb: w.rssMb,
      counts: `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged`,
    });
    console.log(
      `${label} (${r.mode}): run ${sec(Number(r.ms))} (wall ${sec(wallMs)}), ${w.statements} statements, peak RSS ${f1(w.peakRssMb)} MB (${runs.at(-1)!.counts})`,
    );
  };

  let integrationId = '';
  let webhookUrl = '';
  await measure('run 1: first full sync', async () => {
    const r = (
      await gql(
        `mutation($i: CreateIntegrationInput!) { createIntegration(input: $i) { integration { id webhookUrl } run { id } } }`,
        {
          i: {
            kind: 'NEXUDUS',
            name: 'Nexudus',
            baseUrl: simUrl,
            credentials: { email: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password },
            webhookSecret: WEBHOOK_SECRET,
            settings: { safetyThresholdPercent: 100 },
          },
        },
      )
    ).createIntegration;
    integrationId = r.integration.id;
    webhookUrl = r.integration.webhookUrl;
    return r.run.id as string;
  });
  const runSync = async (mode?: 'FULL') =>
    (
      await gql(`mutation($id: ID!, $mode: SyncMode) { runSync(integrationId: $id, mode: $mode) { id } }`, {
        id: integrationId,
        mode,
      })
    ).runSync.id as string;
  let n = 2;
  for (let i = 0; i < RESYNCS; i++) await measure(`run ${n++}: unchanged re-sync, Sync now`, () => runSync());
  for (let i = 0; i < RESYNCS; i++)
    await measure(`run ${n++}: unchanged full reconcile`, () => runSync('FULL'));

  // ---- webhook → RADIUS ----------------------------------------------------------------------
  const biz = sim.state.businesses[0]!;
  const { rows: mapping } = await raw.query(
    `select location_id from location_mapping where integration_id = $1 and external_id = $2`,
    [integrationId, String(biz.Id)],
  );
  await gql(`mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`, {
    i: {
      locationId: mapping[0].location_id,
      name: 'bench AP',
      ipAddress: '127.0.0.1',
      vendor: 'hostapd',
      secret: NAS_SECRET,
      coaPort: das.port,
    },
  });
  const hookBase = webhookUrl.replace('https://wifi.example.com', apiUrl);
  sim.registerWebhook({
    url: `${hookBase}/CoworkerContractCancel`,
    action: WEBHOOK_ACTIONS.CoworkerContractCancel,
    secret: WEBHOOK_SECRET,
  });

  const journalDir = mkdtempSync(join(tmpdir(), 'lanyard-bench-sync-'));
  const worker = await startRadiusWorker(
    loadRadiusConfig({
      DATABASE_URL: db.url,
      LANYARD_SECRET_KEY: secretKey,
      RADIUS_HOST: '127.0.0.1',
      RADIUS_AUTH_PORT: '0',
      RADIUS_ACCT_PORT: '0',
      RADIUS_METRICS_PORT: '0',
      RADIUS_JOURNAL_DIR: journalDir,
    }),
    pino({ level: 'silent' }),
  );
  stopRadius = async () => {
    await worker.stop();
    rmSync(journalDir, { recursive: true, force: true });
  };

  const secret = Buffer.from(NAS_SECRET);
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  let nextId = 0;
  const pending = new Map<number, (code: number) => void>();
  sock.on('message', (msg) => {
    const p = parsePacket(msg);
    pending.get(p.identifier)?.(p.code);
    pending.delete(p.identifier);
  });
  const send = (port: number, packet: Buffer, id: number) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('RADIUS timeout'));
      }, 2000);
      pending.set(id, (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      sock.send(packet, port, '127.0.0.1');
    });
  const pap = (username: string, password: string) => {
    const id = nextId++ & 0xff;
    return send(
      worker.authPort,
      encodeRequest(Code.AccessRequest, id, new PacketBuilder().add(Attr.UserName, username), secret, {
        userPassword: password,
      }),
      id,
    );
  };
  const acctStart = (username: string, session: string) => {
    const id = nextId++ & 0xff;
    return send(
      worker.acctPort,
      encodeRequest(
        Code.AccountingRequest,
        id,
        new PacketBuilder()
          .add(Attr.UserName, username)
          .add(Attr.AcctStatusType, 1)
          .add(Attr.AcctSessionId, session)
          .add(Attr.CallingStationId, '02-00-00-00-00-01'),
        secret,
      ),
      id,
    );
  };

  // Members at the NAS's location with exactly one active contract, accepted now.
  const contractsOf = new Map<number, number[]>();
  for (const c of sim.state.coworkerContracts)
    if (c.Active && !c.Cancelled)
      contractsOf.set(c.CoworkerId, [...(contractsOf.get(c.CoworkerId) ?? []), c.Id]);
  const chosen: Array<{ username: string; passphrase: string; contractId: number; session: string }> = [];
  for (const cw of sim.state.coworkers) {
    if (chosen.length >= WEBHOOKS) break;
    const contracts = contractsOf.get(cw.Id);
    if (cw.InvoicingBusinessId !== biz.Id || !cw.Active || contracts?.length !== 1) continue;
    const { rows } = await raw.query(
      `select id, username from member where email_normalized = $1 and status = 'ACTIVE'`,
      [cw.Email!.toLowerCase()],
    );
    if (!rows[0]) continue;
    const passphrase = (
      await gql(`mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`, { id: rows[0].id })
    ).revealMemberPassphrase as string;
    let code = 0;
    for (let i = 0; i < 50 && code !== Code.AccessAccept; i++) {
      code = await pap(rows[0].username, passphrase);
      if (code !== Code.AccessAccept) await sleep(100); // the NAS is new: the worker reloads its config
    }
    if (code !== Code.AccessAccept) continue;
    const session = `bench-${chosen.length}`;
    await acctStart(rows[0].username, session);
    chosen.push({ username: rows[0].username, passphrase, contractId: contracts[0]!, session });
  }
  for (;;) {
    const { rows } = await raw.query(
      `select count(*)::int n from radius_session where acct_session_id like 'bench-%'`,
    );
    if (rows[0].n >= chosen.length) break;
    await sleep(50);
  }
  console.log(`webhooks: ${chosen.length} members accepted with an open session`);

  const rejectMs: number[] = [];
  const disconnectMs: number[] = [];
  // Where the time goes, from the database's stamps (same machine, same clock): the delivery row
  // (received), the run's start and end, and the run's log lines for the upstream read and apply.
  const phases: Record<'received' | 'queued' | 'read' | 'apply' | 'run' | 'toReject', number[]> = {
    received: [],
    queued: [],
    read: [],
    apply: [],
    run: [],
    toReject: [],
  };
  for (const m of chosen) {
    sim.update('coworkerContracts', m.contractId, {
      Cancelled: true,
      CancellationDate: nxDate(new Date(Date.now() - 1000)),
    });
    const t0 = Date.now();
    const [delivery] = await sim.emitWebhook(WEBHOOK_ACTIONS.CoworkerContractCancel, m.contractId);
    if (delivery?.status !== 202) throw new Error(`webhook answered ${delivery?.status} ${delivery?.error}`);
    while ((await pap(m.username, m.passphrase)) !== Code.AccessReject) await sleep(2);
    const rejectedAt = Date.now();
    rejectMs.push(rejectedAt - t0);
    while (!das.received.some((d) => d.sessionId === m.session)) await sleep(2);
    disconnectMs.push(das.received.find((d) => d.sessionId === m.session)!.receivedAt - t0);
    // The run's log lines are stored after it commits (the reject may be seen first): wait for them.
    let rows: Array<Record<string, string | null>> = [];
    for (let i = 0; i < 200 && !(rows[0]?.fetched && rows[0]?.done); i++) {
      if (i) await sleep(10);
      ({ rows } = await raw.query(
        `select extract(epoch from d.created_at) * 1000 as received, extract(epoch from r.started_at) * 1000 as started,
              extract(epoch from r.finished_at) * 1000 as finished,
              (select message from sync_log_entry l where l.run_id = r.id and l.message like 'Fetched %' limit 1) as fetched,
              (select message from sync_log_entry l where l.run_id = r.id and l.message like 'Sync finished %' limit 1) as done
         from webhook_delivery d join sync_run r on r.id = d.sync_run_id
        where d.event = 'CoworkerContractCancel' order by d.created_at desc limit 1`,
      ));
    }
    const p = rows[0];
    if (p) {
      phases.received.push(Number(p.received) - t0);
      phases.queued.push(Number(p.started) - Number(p.received));
      phases.run.push(Number(p.finished) - Number(p.started));
      phases.toReject.push(rejectedAt - Number(p.finished));
      const ms = (text: string | null, re: RegExp) => Number(re.exec(text ?? '')?.[1] ?? NaN);
      phases.read.push(ms(p.fetched, / in (\d+) ms/));
      phases.apply.push(ms(p.done, /apply (\d+) ms/));
    }
  }
  sock.close();

  // ---- results ---------------------------------------------------------------------------------
  const first = runs[0]!;
  const resyncs = runs.slice(1, 1 + RESYNCS);
  const fulls = runs.slice(1 + RESYNCS);
  const last = runs.at(-1)!;
  console.log(
    `\nNexudus simulator, ${snapshotSize} coworkers; anchors = connector-only full read ${sec(anchorMs)}, ` +
      `connector-only read of the changes ${sec(changesAnchorMs)}`,
  );
  console.log(
    '| run | mode | sync run | wall | ratio to the full-read anchor | SQL statements (idle share) | peak RSS of the API |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of runs)
    console.log(
      `| ${r.label} | ${r.mode} | ${sec(r.runMs)} | ${sec(r.wallMs)} | ${(r.runMs / anchorMs).toFixed(2)}× | ${r.statements} (~${Math.round((idlePerSecond * r.wallMs) / 1000)}) | ${f1(r.peakRssMb)} MB |`,
    );
  const span = (xs: RunResult[]) => {
    const best = Math.min(...xs.map((r) => r.runMs));
    const worst = Math.max(...xs.map((r) => r.runMs));
    return { best, worst, text: `best ${sec(best)}, worst ${sec(worst)}` };
  };
  const re = span(resyncs);
  const fr = span(fulls);
  console.log(`full sync ${sec(first.runMs)} (target ≤ 15 s: ${first.runMs <= 15_000 ? 'met' : 'NOT met'})`);
  console.log(
    `unchanged re-sync, Sync now (${[...new Set(resyncs.map((r) => r.mode))].join('/')}): ${re.text} ` +
      `(target ≤ 5 s: ${re.worst <= 5_000 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `unchanged full reconcile: ${fr.text}, ${(fr.best / anchorMs).toFixed(2)}–${(fr.worst / anchorMs).toFixed(2)}× the anchor ` +
      `(≤ 5 s: ${fr.worst <= 5_000 ? 'yes' : 'no'})`,
  );
  const peaks = (xs: RunResult[]) =>
    `${f1(Math.min(...xs.map((r) => r.peakRssMb)))}–${f1(Math.max(...xs.map((r) => r.peakRssMb)))} MB`;
  console.log(
    `memory: peak RSS run 1 ${f1(first.peakRssMb)} MB, Sync now runs ${peaks(resyncs)}, full reconciles ${peaks(fulls)} ` +
      `(in run order: ${fulls.map((r) => f1(r.peakRssMb)).join(', ')}); RSS after the last run ${f1(last.rssAfterMb)} MB, idle ${f1(idle.rssMb)} MB`,
  );
  console.log(
    `webhook → RADIUS reject over ${rejectMs.length}: p50 ${pct(rejectMs, 50)} ms, p99 ${pct(rejectMs, 99)} ms, max ${Math.max(...rejectMs)} ms ` +
      `(target p99 ≤ 1 s: ${pct(rejectMs, 99) <= 1000 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `webhook → Disconnect-Request received: p50 ${pct(disconnectMs, 50)} ms, p99 ${pct(disconnectMs, 99)} ms, max ${Math.max(...disconnectMs)} ms ` +
      `(target ≤ 2 s: ${Math.max(...disconnectMs) <= 2000 ? 'met' : 'NOT met'})`,
  );
  const phase = (xs: number[]) => `${pct(xs, 50).toFixed(0)}/${pct(xs, 99).toFixed(0)}`;
  console.log(
    `where it goes, p50/p99 ms: webhook received ${phase(phases.received)} · queued → run started ${phase(phases.queued)} · ` +
      `run ${phase(phases.run)} (upstream read ${phase(phases.read)}, state + diff + apply ${phase(phases.apply)}) · ` +
      `run ended → reject seen ${phase(phases.toReject)}`,
  );
} finally {
  await stopRadius?.();
  das.close();
  if (server) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await raw.end();
  await sim.stop();
  await db.drop();
}

/**
 * WPA-Enterprise end to end: the real RADIUS worker against the real API and database, driven by
 * hostap's eapol_test (the supplicant used to test FreeRADIUS): PEAPv0/EAP-MSCHAPv2 and
 * EAP-TTLS/PAP, with the server certificate checked against the generated CA and the MPPE keys
 * checked by eapol_test itself.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ok, startTestApi, waitFor, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { createGrant, createLocation, setupOwner } from '../../../api/src/test-support/factories.js';
import { loadRadiusConfig } from '../../../radius/src/config.js';
import { startRadiusWorker, type RadiusWorker } from '../../../radius/src/worker.js';
import { freePort } from '../support/ports.js';
import { radclient } from '../support/radclient.js';
import { eapolTest, requireEapolTest, type EapolTestResult } from '../support/eapol-test.js';

const SECRET = 'eap-e2e-shared-secret-0123456789';
const SERVER_NAME = 'radius.lanyard.test';
const ADA = { email: 'ada@example.com', passphrase: 'plum-violin-stone-42' };
/** Right passphrase, no grant: no access here. */
const GRACE = { email: 'grace@example.com', passphrase: 'quartz-meadow-lantern-7' };

let t: TestApi;
let worker: RadiusWorker;
let dataDir: string;
let caFile: string;
const ids: Record<string, string> = {};

before(async () => {
  requireEapolTest();
  dataDir = mkdtempSync(join(tmpdir(), 'lanyard-eap-e2e-'));
  // API and worker share the data dir, as under `npm start`: the API serves the worker's CA.
  t = await startTestApi({ env: { LANYARD_DATA_DIR: dataDir } });
  const owner = await setupOwner(t);
  const loc = await createLocation(t, owner, { ssids: ['Lanyard'], defaultVlanId: 30 });
  ok(
    await t.gql(
      `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`,
      {
        i: { locationId: loc.id, name: 'lab AP', ipAddress: '127.0.0.1', vendor: 'hostapd', secret: SECRET },
      },
      { token: owner },
    ),
  );
  for (const m of [ADA, GRACE]) {
    const created = ok(
      await t.gql(
        `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id username } } }`,
        { i: { email: m.email, fullName: m.email, locationIds: [loc.id] } },
        { token: owner },
      ),
    ).createMember.member;
    assert.equal(created.username, m.email, 'the default username format is the email');
    ids[m.email] = created.id;
    ok(
      await t.gql(
        `mutation($i: SetMemberPassphraseInput!) { setMemberPassphrase(input: $i) { member { id } } }`,
        { i: { memberId: created.id, passphrase: m.passphrase } },
        { token: owner },
      ),
    );
  }
  await createGrant(t, owner, {
    memberId: ids[ADA.email]!,
    kind: 'MEMBERSHIP',
    locationId: loc.id,
    startsAt: new Date(Date.now() - 3600_000).toISOString(),
  });

  worker = await startRadiusWorker(
    loadRadiusConfig({
      DATABASE_URL: t.db.url,
      LANYARD_SECRET_KEY: t.secretKey,
      LANYARD_DATA_DIR: dataDir,
      RADIUS_HOST: '127.0.0.1',
      RADIUS_AUTH_PORT: '0',
      RADIUS_ACCT_PORT: '0',
      RADIUS_METRICS_PORT: '0',
      RADIUS_EAP_SERVER_NAME: SERVER_NAME,
    }),
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );
  // What a member's device installs: the generated CA, downloaded from the API.
  const res = await fetch(`${t.url}/radius/ca.crt`);
  assert.equal(res.status, 200);
  const ca = new X509Certificate(Buffer.from(await res.arrayBuffer()));
  assert.equal(ca.fingerprint256, worker.eapCertificate.caFingerprint256);
  caFile = join(dataDir, 'ca-for-devices.pem');
  writeFileSync(caFile, ca.toString());
});

after(async () => {
  await worker?.stop();
  await t?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const PEAP = (identity: string, password: string) => ({
  ssid: 'Lanyard',
  key_mgmt: 'WPA-EAP',
  eap: 'PEAP',
  identity,
  anonymous_identity: 'anonymous@lanyard.test',
  password,
  phase1: 'peapver=0',
  phase2: 'auth=MSCHAPV2',
  ca_cert: caFile,
  domain_match: SERVER_NAME,
});

const TTLS = (identity: string, password: string) => ({
  ssid: 'Lanyard',
  key_mgmt: 'WPA-EAP',
  eap: 'TTLS',
  identity,
  anonymous_identity: 'anonymous@lanyard.test',
  password,
  phase2: 'auth=PAP',
  ca_cert: caFile,
  domain_match: SERVER_NAME,
});

type EventRow = {
  method: string;
  result: string;
  reason: string;
  member_id: string | null;
  vlan_id: number | null;
};

async function events(username: string): Promise<EventRow[]> {
  return t.api.orm.em
    .fork()
    .execute(
      `select method, result, reason, member_id, vlan_id from auth_event where username = ? order by created_at, id`,
      [username],
    );
}

/**
 * Runs `fn` and returns the one auth event it caused for `username` (events are written in
 * batches). Identical decisions within RADIUS_AUTH_EVENT_REPEAT_WINDOW share one row: every call
 * here makes a decision (method, result, reason) that differs from the earlier ones for that user.
 */
async function eventOf(username: string, fn: () => Promise<void>): Promise<EventRow> {
  const before = (await events(username)).length;
  await fn();
  let rows: EventRow[] = [];
  await waitFor(async () => (rows = await events(username)).length > before, 5000, 'auth event written');
  assert.equal(rows.length, before + 1, 'one decision per conversation');
  return rows.at(-1)!;
}

/** Tunnel-Type 13 (VLAN), Tunnel-Medium-Type 6 (802), Tunnel-Private-Group-Id "30" (tag 0). */
function assertVlan30(attrs: Map<number, string[]>, output: string) {
  assert.deepEqual(attrs.get(64), ['0000000d'], output);
  assert.deepEqual(attrs.get(65), ['00000006'], output);
  assert.deepEqual(attrs.get(81), [Buffer.from('\u000030').toString('hex')], output);
}

describe('WPA-Enterprise with eapol_test', () => {
  for (const [name, network, method] of [
    ['PEAPv0/EAP-MSCHAPv2', PEAP, 'PEAP_MSCHAPV2'],
    ['EAP-TTLS/PAP', TTLS, 'EAP_TTLS_PAP'],
  ] as const) {
    it(`${name}: a member with access is accepted, MPPE keys match, VLAN attributes present`, async () => {
      let r!: EapolTestResult;
      const e = await eventOf(ADA.email, async () => {
        r = await eapolTest(worker.authPort, SECRET, network(ADA.email, ADA.passphrase));
      });
      assert.equal(r.success, true, r.output);
      assert.deepEqual(r.mppe, { ok: 1, mismatch: 0 }, r.output);
      assertVlan30(r.acceptAttributes, r.output);
      assert.deepEqual(e, {
        method,
        result: 'ACCEPT',
        reason: 'ALLOWED',
        member_id: ids[ADA.email],
        vlan_id: 30,
      });
    });

    it(`${name}: a wrong password is rejected`, async () => {
      let r!: EapolTestResult;
      const e = await eventOf(ADA.email, async () => {
        r = await eapolTest(worker.authPort, SECRET, network(ADA.email, 'wrong-passphrase-1'));
      });
      assert.equal(r.success, false, r.output);
      assert.match(r.output, /Access-Reject/);
      assert.deepEqual([e.method, e.result, e.reason], [method, 'REJECT', 'BAD_PASSWORD']);
    });

    it(`${name}: a member without access is rejected with the access reason`, async () => {
      let r!: EapolTestResult;
      const e = await eventOf(GRACE.email, async () => {
        r = await eapolTest(worker.authPort, SECRET, network(GRACE.email, GRACE.passphrase));
      });
      assert.equal(r.success, false, r.output);
      assert.match(r.output, /Access-Reject/);
      assert.deepEqual([e.method, e.result, e.member_id], [method, 'REJECT', ids[GRACE.email]]);
      assert.notEqual(e.reason, 'ALLOWED');
      assert.notEqual(e.reason, 'BAD_PASSWORD');
    });
  }

  it('a device that does not trust the server certificate gives up (no Accept)', async () => {
    const wrongCa = join(dataDir, 'other-ca.pem');
    // Another CA: the peer must refuse the server's certificate.
    const { loadOrCreateGeneratedCertificate } =
      await import('../../../radius/src/eap/server-certificate.js');
    writeFileSync(wrongCa, loadOrCreateGeneratedCertificate(join(dataDir, 'other'), 'x.example.test').caPem!);
    const r = await eapolTest(worker.authPort, SECRET, {
      ...PEAP(ADA.email, ADA.passphrase),
      ca_cert: wrongCa,
    });
    assert.equal(r.success, false, r.output);
    assert.doesNotMatch(r.output, /Access-Accept/);
  });
});

/** A UDP port that was free a moment ago on 127.0.0.1. */
function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  return new Promise((resolve) =>
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    }),
  );
}

describe('WPA-Enterprise with two worker processes (RADIUS_WORKERS=2)', () => {
  // The workers share the UDP port, so the kernel hands each datagram of a conversation to either
  // of them; the one holding the TLS session must get it (State owner routing).
  let child: ChildProcess | null = null;
  let output = '';
  after(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  it('every conversation completes, whichever worker each datagram reaches', async () => {
    const entry = fileURLToPath(new URL('../../../radius/dist/main.js', import.meta.url));
    assert.ok(existsSync(entry), `${entry} is missing: build first (npm run build)`);
    const [authPort, acctPort, metricsPort] = [await freeUdpPort(), await freeUdpPort(), await freePort()];
    child = spawn(process.execPath, [entry], {
      env: {
        ...process.env,
        DATABASE_URL: t.db.url,
        LANYARD_SECRET_KEY: t.secretKey,
        LANYARD_DATA_DIR: dataDir,
        RADIUS_HOST: '127.0.0.1',
        RADIUS_AUTH_PORT: String(authPort),
        RADIUS_ACCT_PORT: String(acctPort),
        RADIUS_METRICS_PORT: String(metricsPort),
        RADIUS_EAP_SERVER_NAME: SERVER_NAME,
        RADIUS_WORKERS: '2',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    // At least one worker answers; a datagram reaching a worker still starting is retransmitted
    // by eapol_test, as by any NAS.
    await waitFor(
      async () =>
        (
          await radclient(
            authPort,
            'status',
            SECRET,
            { 'Message-Authenticator': '0x00' },
            { retries: 1, timeoutSeconds: 1 },
          )
        ).code === 'Access-Accept',
      20_000,
      `cluster answering (${output})`,
    );
    for (let i = 0; i < 6; i++) {
      const network = i % 2 === 0 ? PEAP : TTLS;
      const r = await eapolTest(authPort, SECRET, network(ADA.email, ADA.passphrase), {
        mac: `02:00:00:00:01:0${i}`,
      });
      assert.equal(r.success, true, `conversation ${i}: ${r.output.slice(-2000)}\n${output}`);
      assert.deepEqual(r.mppe, { ok: 1, mismatch: 0 });
    }
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const routed = /^lanyard_radius_eap_routed_total (\d+)/m.exec(metrics)?.[1];
    assert.notEqual(routed, undefined, 'the routing counter is exported');
    if (process.env.TEST_LOG_LEVEL) console.log(`EAP datagrams routed between workers: ${routed}`);
  });
});

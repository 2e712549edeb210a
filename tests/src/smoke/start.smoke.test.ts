/**
 * The README's first command, for real: `npm start` with no DATABASE_URL (embedded PostgreSQL) on a
 * free port, the first three operations over HTTP, a clean stop on SIGTERM, and a second start that
 * finds the data again.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/ports.js';
import { radclient } from '../support/radclient.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-smoke-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  port: number;
  radiusPort: number;
  output: () => string;
}

async function start(): Promise<Running> {
  const port = await freePort();
  const radiusPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    LANYARD_DATA_DIR: dataDir,
    RADIUS_AUTH_PORT: String(radiusPort),
    RADIUS_ACCT_PORT: String(await freePort()),
    RADIUS_METRICS_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  delete env.LANYARD_SECRET_KEY;
  // Its own process group, as under a terminal or a service manager: stopping signals the group.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no /healthz within 240 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, port, radiusPort, output: () => out };
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the whole group (npm, the API, the embedded PostgreSQL); waits until all are gone. */
async function stop(r: Running): Promise<void> {
  const pid = r.child.pid!;
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(-pid, 'SIGKILL');
      throw new Error(`did not stop within 30 s:\n${r.output()}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.match(r.output(), /"msg":"stopped cleanly"/, r.output());
}

async function gql(port: number, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
}

describe('npm start (embedded PostgreSQL)', () => {
  it('serves GraphQL, keeps its data across restarts and stops cleanly', { timeout: 600_000 }, async () => {
    const first = await start();
    try {
      const setup = await gql(
        first.port,
        `mutation { setupFirstAdmin(input: {email: "owner@example.com", password: "smoke-test-password"}) { token } }`,
      );
      assert.equal(setup.errors, undefined, JSON.stringify(setup.errors));
      const login = await gql(
        first.port,
        `mutation { login(input: {email: "owner@example.com", password: "smoke-test-password"}) { token } }`,
      );
      const token = login.data.login.token as string;
      const loc = await gql(
        first.port,
        `mutation { createLocation(input: {name: "Smoke", slug: "smoke", timezone: "Europe/Lisbon", ssids: ["Smoke"]}) { location { id slug } } }`,
        {},
        token,
      );
      assert.equal(loc.data.createLocation.location.slug, 'smoke');
      // The RADIUS worker runs too: an access point added through the API is answered at once.
      const nas = await gql(
        first.port,
        `mutation($l: ID!) { createNasClient(input: {locationId: $l, name: "lab", ipAddress: "127.0.0.1", vendor: generic, secret: "smoke-shared-secret-123"}) { nasClient { id } } }`,
        { l: loc.data.createLocation.location.id },
        token,
      );
      assert.equal(nas.errors, undefined, JSON.stringify(nas.errors));
      let status = '';
      for (let i = 0; i < 40 && status !== 'Access-Accept'; i++) {
        status =
          (
            await radclient(
              first.radiusPort,
              'status',
              'smoke-shared-secret-123',
              { 'Message-Authenticator': '0x00' },
              { timeoutSeconds: 1 },
            )
          ).code ?? '';
      }
      assert.equal(status, 'Access-Accept', first.output());
      // The workers' metrics, merged: the snapshot gauges are read when scraped (the cluster
      // aggregator never runs a worker's own /metrics handler).
      let metrics = '';
      const ready = (m: string) =>
        m.includes('lanyard_radius_packets_total') && /^lanyard_radius_snapshot_nas_clients 1$/m.test(m);
      for (let i = 0; i < 20 && !ready(metrics); i++) {
        if (i) await new Promise((r) => setTimeout(r, 250));
        metrics = await (await fetch(`http://127.0.0.1:${first.port}/metrics`)).text();
      }
      assert.match(metrics, /lanyard_radius_packets_total/);
      assert.match(metrics, /^lanyard_radius_snapshot_nas_clients 1$/m);
      const admin = await fetch(`http://127.0.0.1:${first.port}/admin/`);
      assert.equal(admin.status, 200);
      assert.match(await admin.text(), /<div id="root">/);
    } finally {
      await stop(first);
    }
    // The embedded server went down with it and the key was kept, readable only by its owner.
    assert.equal(existsSync(join(dataDir, 'postgres', 'postmaster.pid')), false);
    assert.match(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim(), /^[0-9a-f]{64}$/);
    assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o077, 0);

    const second = await start();
    try {
      const setupAgain = await gql(
        second.port,
        `mutation { setupFirstAdmin(input: {email: "x@example.com", password: "another-password-1"}) { token } }`,
      );
      assert.equal(setupAgain.errors?.[0]?.extensions?.code, 'SETUP_ALREADY_DONE');
      const login = await gql(
        second.port,
        `mutation { login(input: {email: "owner@example.com", password: "smoke-test-password"}) { token } }`,
      );
      const locations = await gql(second.port, `{ locations { slug } }`, {}, login.data.login.token);
      assert.deepEqual(locations.data.locations, [{ slug: 'smoke' }]);
    } finally {
      await stop(second);
    }
  });
});

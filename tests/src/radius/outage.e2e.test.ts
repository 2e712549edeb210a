/**
 * Postgres goes away under a running worker: known members keep authenticating from the snapshot,
 * accounting is still acknowledged (journalled, fsynced) and lands in the database once it is back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ok, startTestApi, waitFor, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { createGrant, createLocation, setupOwner } from '../../../api/src/test-support/factories.js';
import { loadRadiusConfig } from '../../../radius/src/config.js';
import { SnapshotLoader } from '../../../radius/src/snapshot/loader.js';
import { startRadiusWorker, type RadiusWorker } from '../../../radius/src/worker.js';
import { radclient } from '../support/radclient.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const SECRET = 'outage-shared-secret-0123456';
const PASSPHRASE = 'cedar-lantern-river-17';
let t: TestApi;
let worker: RadiusWorker;
let proxy: TcpProxy;
let journalDir: string;
let username: string;
let memberId: string;

/** A loader whose next full loads fail, as they do while the database is still flaky after a reconnect. */
class FlakyLoader extends SnapshotLoader {
  failNext = 0;
  failed = 0;
  override async loadAll(): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      this.failed++;
      throw new Error('connection terminated unexpectedly');
    }
    return super.loadAll();
  }
}
let loader: FlakyLoader;

before(async () => {
  t = await startTestApi();
  const owner = await setupOwner(t);
  const loc = await createLocation(t, owner);
  ok(
    await t.gql(
      `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`,
      {
        i: { locationId: loc.id, name: 'AP', ipAddress: '127.0.0.1', vendor: 'generic', secret: SECRET },
      },
      { token: owner },
    ),
  );
  const m = ok(
    await t.gql(
      `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id username } } }`,
      {
        i: { email: 'outage@example.com', fullName: 'Out Age', locationIds: [loc.id] },
      },
      { token: owner },
    ),
  ).createMember.member;
  username = m.username;
  memberId = m.id;
  ok(
    await t.gql(
      `mutation($i: SetMemberPassphraseInput!) { setMemberPassphrase(input: $i) { member { id } } }`,
      { i: { memberId: m.id, passphrase: PASSPHRASE } },
      { token: owner },
    ),
  );
  await createGrant(t, owner, {
    memberId: m.id,
    kind: 'MEMBERSHIP',
    locationId: loc.id,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
  });

  const db = new URL(t.db.url);
  proxy = new TcpProxy(db.hostname, Number(db.port || 5432));
  const port = await proxy.start();
  db.hostname = '127.0.0.1';
  db.port = String(port);
  journalDir = mkdtempSync(join(tmpdir(), 'lanyard-outage-'));
  worker = await startRadiusWorker(
    loadRadiusConfig({
      DATABASE_URL: db.toString(),
      LANYARD_SECRET_KEY: t.secretKey,
      RADIUS_HOST: '127.0.0.1',
      RADIUS_AUTH_PORT: '0',
      RADIUS_ACCT_PORT: '0',
      RADIUS_METRICS_PORT: '-1',
      RADIUS_JOURNAL_DIR: journalDir,
    }),
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    {
      reloadRetry: { initialDelayMs: 300, maxDelayMs: 1000 },
      createLoader: (...args) => (loader = new FlakyLoader(...args)),
    },
  );
});

after(async () => {
  await proxy?.restore().catch(() => undefined);
  await worker?.stop();
  await proxy?.cut();
  await t?.stop();
  rmSync(journalDir, { recursive: true, force: true });
});

describe('a database outage', () => {
  it('keeps authenticating, journals accounting, and catches up afterwards', async () => {
    await proxy.cut();
    const r = await radclient(worker.authPort, 'auth', SECRET, {
      'User-Name': username,
      'User-Password': PASSPHRASE,
      'Message-Authenticator': '0x00',
    });
    assert.equal(r.code, 'Access-Accept', r.output);
    const a = await radclient(
      worker.acctPort,
      'acct',
      SECRET,
      {
        'User-Name': username,
        'Acct-Status-Type': 'Start',
        'Acct-Session-Id': 'during-outage-1',
        'Calling-Station-Id': '02-00-00-00-00-01',
      },
      { timeoutSeconds: 10 },
    );
    assert.equal(a.code, 'Accounting-Response', a.output);
    assert.ok(readdirSync(journalDir).length > 0, 'the record waits in the journal');
    const sql = (q: string) => t.api.orm.em.fork().execute(q);
    assert.equal(
      (await sql(`select 1 from radius_session where acct_session_id = 'during-outage-1'`)).length,
      0,
    );

    await proxy.restore();
    await waitFor(
      async () =>
        (await sql(`select 1 from radius_session where acct_session_id = 'during-outage-1'`)).length === 1,
      15_000,
      'journal replayed',
    );
    // And the events of the outage were written too.
    await waitFor(
      async () =>
        (await sql(`select 1 from auth_event where username = '${username}' and result = 'ACCEPT'`)).length >
        0,
      15_000,
      'auth events flushed',
    );
  });

  it('retries the full reload after a reconnect until it succeeds, serving the old snapshot meanwhile', async () => {
    const failures = async () =>
      (await worker.metricsRegistry.getSingleMetric('lanyard_radius_snapshot_reload_failures')!.get())
        .values[0]!.value;
    const loadedAt = worker.snapshot.loadedAt;
    await proxy.cut();
    // A change the worker never hears of (no NOTIFY): only a full reload picks it up.
    await t.api.orm.em
      .fork()
      .execute(`update member set email = 'unheard@example.com' where id = '${memberId}'`);
    loader.failNext = 3;
    await proxy.restore();

    await waitFor(async () => loader.failed >= 1, 15_000, 'a failed reload');
    assert.equal(worker.snapshot.loadedAt, loadedAt, 'not reloaded yet');
    assert.ok((await failures()) >= 1, 'the failures are visible in /metrics');
    const r = await radclient(worker.authPort, 'auth', SECRET, {
      'User-Name': username,
      'User-Password': PASSPHRASE,
      'Message-Authenticator': '0x00',
    });
    assert.equal(r.code, 'Access-Accept', 'the current snapshot keeps serving');

    await waitFor(async () => worker.snapshot.loadedAt > loadedAt, 15_000, 'snapshot reloaded');
    assert.equal(worker.snapshot.members.get(memberId)?.email, 'unheard@example.com');
    await waitFor(async () => (await failures()) === 0, 15_000, 'failures cleared on success');
    assert.equal(loader.failed, 3);
  });

  it('closes sessions that stopped reporting', async () => {
    await t.api.orm.em.fork().execute(
      `insert into radius_session (id, username, acct_session_id, acct_unique_id, started_at, last_update_at)
       values (gen_random_uuid(), 'ghost', 'ghost-1', 'ghost-unique-1', now() - interval '5 hours', now() - interval '4 hours')`,
    );
    assert.ok((await worker.closeStaleSessions()) >= 1, 'closed at least the ghost');
    const [row] = await t.api.orm.em
      .fork()
      .execute(
        `select stopped_at, terminate_cause from radius_session where acct_unique_id = 'ghost-unique-1'`,
      );
    assert.equal(row.terminate_cause, 'Stale');
    assert.ok(row.stopped_at, 'stopped');
  });
});

/** The sync scheduler's tick: what is due, what a webhook run does not change, abandoned runs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { SecretBox } from '../common/crypto/secret-box.js';
import { uuidv7 } from '../common/ids.js';
import { SyncEngine } from '../sync/sync-engine.js';
import { ok, startTestApi, waitFor, type TestApi } from '../test-support/api-harness.js';
import { setupOwner } from '../test-support/factories.js';
import { FakeUpstream } from '../test-support/fake-connector.js';
import { SyncJobs } from './sync.job.js';

let t: TestApi;
let owner: string;
let integrationId: string;
const upstream = new FakeUpstream();
let clock = new Date();
let jobs: SyncJobs;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const runs = () =>
  // the mode the run was asked for (an upstream without change filters reads everything anyway)
  sql(
    `select trigger, status, coalesce(request->>'askedMode', request->>'mode') as mode, error from sync_run order by id`,
  ) as Promise<Array<{ trigger: string; status: string; mode: string; error: string | null }>>;
const settled = () =>
  waitFor(async () => ((await runs()).every((r) => !['QUEUED', 'RUNNING'].includes(r.status)) ? true : null));

before(async () => {
  t = await startTestApi({ connectors: upstream.registry() });
  owner = await setupOwner(t);
  upstream.snapshot.locations = [{ externalId: 'l', name: 'Hub', timezone: 'Europe/Paris' }];
  const created = ok(
    await t.gql(
      `mutation($i: CreateIntegrationInput!) { createIntegration(input: $i) { integration { id } } }`,
      { i: { kind: 'ANDCARDS', name: 'A', credentials: { clientId: 'c', clientSecret: 'right' } } },
      { token: owner },
    ),
  );
  integrationId = created.createIntegration.integration.id;
  await settled();
  const engine = new SyncEngine({
    secrets: SecretBox.fromHex(t.secretKey),
    connectors: upstream.registry(),
    logger: pino({ level: 'silent' }),
  });
  jobs = new SyncJobs(t.api.orm, engine, pino({ level: 'silent' }), () => clock);
});
after(async () => {
  await jobs.stop();
  await t.stop();
});

describe('SyncJobs.tick', () => {
  it('starts nothing before the interval, an incremental run after it', async () => {
    clock = new Date(Date.now() + 60_000);
    assert.deepEqual(await jobs.tick(), []);
    clock = new Date(Date.now() + 16 * 60_000);
    assert.equal((await jobs.tick()).length, 1);
    await settled();
    const last = (await runs()).at(-1)!;
    assert.deepEqual([last.trigger, last.mode, last.status], ['SCHEDULE', 'INCREMENTAL', 'SUCCEEDED']);
  });

  it('does not let webhook runs postpone the schedule', async () => {
    await sql(
      `insert into sync_run (id, created_at, updated_at, integration_id, trigger, status, request)
       values (?, ?, ?, ?, 'WEBHOOK', 'SUCCEEDED', '{"mode":"MEMBERS"}')`,
      [uuidv7(Date.now() - 1000), new Date(Date.now() - 1000), new Date(Date.now() - 1000), integrationId],
    );
    clock = new Date(Date.now() + 32 * 60_000);
    // As if a webhook run had just succeeded (the engine stamps last_sync_at on every run).
    await sql('update integration set last_sync_at = ?', [new Date(clock.getTime() - 60_000)]);
    assert.equal((await jobs.tick()).length, 1);
    await settled();
    assert.equal((await runs()).at(-1)!.trigger, 'SCHEDULE');
  });

  it('runs a full reconcile once a day', async () => {
    clock = new Date(Date.now() + 25 * 3600_000);
    assert.equal((await jobs.tick()).length, 1);
    await settled();
    assert.equal((await runs()).at(-1)!.mode, 'FULL');
  });

  it('after a settings change that affects access, the next scheduled run is full; it is not started sooner', async () => {
    ok(
      await t.gql(
        `mutation($i: UpdateIntegrationInput!) { updateIntegration(input: $i) { integration { id } } }`,
        { i: { id: integrationId, settings: { roaming: true } } },
        { token: owner },
      ),
    );
    clock = new Date(Date.now() + 60_000);
    assert.deepEqual(await jobs.tick(), []);
    clock = new Date(Date.now() + 16 * 60_000);
    assert.equal((await jobs.tick()).length, 1);
    await settled();
    assert.deepEqual((await runs()).at(-1)!.mode, 'FULL');
    clock = new Date(Date.now() + 32 * 60_000);
    assert.equal((await jobs.tick()).length, 1);
    await settled();
    assert.deepEqual((await runs()).at(-1)!.mode, 'INCREMENTAL');
  });

  it('fails a RUNNING run whose process died, so the schedule goes on', async () => {
    await sql(
      `insert into sync_run (id, created_at, updated_at, integration_id, trigger, status, request)
       values (?, now() - interval '20 minutes', now() - interval '20 minutes', ?, 'MANUAL', 'RUNNING', '{"mode":"FULL"}')`,
      [uuidv7(Date.now() - 20 * 60_000), integrationId],
    );
    clock = new Date(Date.now() + 26 * 3600_000);
    await jobs.tick();
    const interrupted = (await runs()).filter((r) => r.error?.startsWith('INTERRUPTED'));
    assert.equal(interrupted.length, 1);
    assert.equal(interrupted[0]!.status, 'FAILED');
  });
});

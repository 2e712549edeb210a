/**
 * The sync engine against real PostgreSQL, with an in-memory upstream per integration
 * (test-support/fake-connector.ts; the simulators are for the connectors' own tests): what a run
 * writes, what it leaves alone, holds, failures, concurrency and the live log.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { NotifyChannel, SecretAad } from '@lanyard/schema';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { SecretBox } from '../common/crypto/secret-box.js';
import { createLogger } from '../common/logger.js';
import { uuidv7 } from '../common/ids.js';
import { initOrm, migrate } from '../db/orm.js';
import { createTestDatabase, type TestDatabase } from '../db/test-support/test-database.js';
import { Integration, IntegrationKind, SyncRunStatus, SyncTrigger } from '../entities/index.js';
import {
  UpstreamError,
  UpstreamErrorCode,
  type UpstreamMember,
  type UpstreamMembership,
  type UpstreamSnapshot,
} from '../integrations/connector.js';
import type { IntegrationSettings } from '../integrations/integration-settings.js';
import { FakeUpstream } from '../test-support/fake-connector.js';
import { sealCredentials } from './credential-store.js';
import { SyncEngine, type SyncRequest } from './sync-engine.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const secrets = SecretBox.fromHex('11'.repeat(32));

function emptySnapshot(): UpstreamSnapshot {
  return {
    scope: { kind: 'FULL' },
    fetchedAt: new Date(),
    locations: [],
    groups: [],
    plans: [],
    members: [],
    memberships: [],
    bookings: [],
    checkIns: [],
  };
}

let db: TestDatabase;
let orm: MikroORM;
let sql: pg.Client;
let listener: pg.Client;
const notifications: Array<{ channel: string; payload: Record<string, unknown> }> = [];
const upstreams = new Map<string, FakeUpstream>();
let clock = new Date();
const registry = FakeUpstream.registryOf((integration) => upstreams.get(integration.id)!);
const pmkJobs: string[] = [];
let accessHook: Array<{ ids: string[]; now: Date }> = [];
let engine: SyncEngine;

before(async () => {
  db = await createTestDatabase();
  orm = await initOrm(db.url);
  await migrate(orm);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (n) =>
    notifications.push({
      channel: n.channel,
      payload: JSON.parse(n.payload ?? '{}') as Record<string, unknown>,
    }),
  );
  await listener.query(`LISTEN ${NotifyChannel.memberChanged}`);
  await listener.query(`LISTEN ${NotifyChannel.events}`);
  await listener.query(`LISTEN ${NotifyChannel.configChanged}`);
  engine = new SyncEngine({
    secrets,
    connectors: registry,
    logger,
    now: () => clock,
    jobs: {
      computePmks: async (id) => void pmkJobs.push(id),
      backfillPmks: async () => void pmkJobs.push('backfill'),
      sendMail: async () => undefined,
    },
    onAccessMayBegin: async (em, ids, now) => {
      // runs inside the run's transaction: the members are visible there
      const rows: unknown[] = await em.execute(
        'select id from member where id in (select jsonb_array_elements_text(?::jsonb)::uuid)',
        [JSON.stringify(ids)],
      );
      assert.equal(rows.length, ids.length);
      accessHook.push({ ids, now });
    },
  });
});
after(async () => {
  await listener.end();
  await sql.end();
  await orm.close(true);
  await db.drop();
});

async function q<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await sql.query(text, params)).rows as T[];
}

/** An integration, its fake connector and a snapshot builder with ids unique to this scenario. */
async function scenario(settings: Partial<IntegrationSettings> = {}, opts: { poolLocation?: boolean } = {}) {
  const tag = randomBytes(3).toString('hex');
  const em = orm.em.fork();
  const integration = Object.assign(new Integration(), {
    kind: IntegrationKind.NEXUDUS,
    name: `Nexudus ${tag}`,
    baseUrl: 'http://upstream.invalid',
    webhookToken: randomBytes(12).toString('hex'),
    settings: settings as Record<string, unknown>,
  });
  integration.credentialsEnc = sealCredentials(secrets, integration.id, {
    kind: 'NEXUDUS',
    accessToken: 'a',
    refreshToken: 'r',
    expiresAt: '2029-01-01T00:00:00.000Z',
  });
  await em.persistAndFlush(integration);
  const connector = new FakeUpstream();
  upstreams.set(integration.id, connector);
  let homeLocationId: string | null = null;
  if (opts.poolLocation !== false) {
    homeLocationId = uuidv7();
    await q(
      `insert into location (id, name, slug, timezone, vlan_pool_start, vlan_pool_end) values ($1, $2, $3, 'Europe/London', 100, 102)`,
      [homeLocationId, `Soho ${tag}`, `soho-${tag}`],
    );
    await q(
      `insert into location_mapping (id, integration_id, external_id, location_id) values ($1, $2, 'b1', $3)`,
      [uuidv7(), integration.id, homeLocationId],
    );
  }
  const member = (ext: string, o: Partial<UpstreamMember> = {}): UpstreamMember => ({
    externalId: ext,
    email: `${ext}.${tag}@example.com`,
    fullName: `Person ${ext}`,
    company: null,
    locationExternalIds: ['b1'],
    homeLocationExternalId: 'b1',
    groupExternalIds: [],
    active: true,
    fields: {},
    ...o,
  });
  const membership = (
    ext: string,
    memberExt: string,
    o: Partial<UpstreamMembership> = {},
  ): UpstreamMembership => ({
    externalId: ext,
    memberExternalId: memberExt,
    planExternalId: 'p1',
    locationExternalId: 'b1',
    startsAt: new Date('2026-01-01T00:00:00Z'),
    endsAt: null,
    cancelledAt: null,
    ...o,
  });
  const set = (s: Partial<FakeUpstream['snapshot']>) => {
    connector.failWith = null;
    connector.snapshot = {
      ...emptySnapshot(),
      locations: [{ externalId: 'b1', name: `Soho ${tag}`, timezone: 'Europe/London' }],
      plans: [{ externalId: 'p1', name: 'Hot desk', locationExternalId: 'b1', virtual: false }],
      ...s,
    };
  };
  const run = async (request: SyncRequest = { mode: 'FULL' }, trigger = SyncTrigger.MANUAL) => {
    const em2 = orm.em.fork();
    const i = await em2.findOneOrFail(Integration, { id: integration.id });
    const created = await engine.createRun(em2, i, trigger, request);
    return engine.execute(orm, created.id);
  };
  const memberRow = async (ext: string) =>
    (
      await q<{ id: string; status: string; username: string; passphrase_enc: string | null }>(
        `select m.* from member m join member_source s on s.member_id = m.id where s.integration_id = $1 and s.external_id = $2`,
        [integration.id, ext],
      )
    )[0];
  const byEmail = async (ext: string) =>
    (
      await q<{ id: string; status: string }>(`select * from member where email_normalized = $1`, [
        `${ext}.${tag}@example.com`,
      ])
    )[0];
  return { tag, integration, connector, homeLocationId, member, membership, set, run, memberRow, byEmail };
}

/** Row counts and latest write times of every table a sync touches. */
async function fingerprintTables(): Promise<string> {
  const tables = [
    'member',
    'member_source',
    'access_grant',
    'access_group',
    'member_groups',
    'member_home_locations',
    'device',
    'location',
    'location_mapping',
  ];
  const out: string[] = [];
  for (const t of tables) {
    const hasUpdated = !['member_groups', 'member_home_locations'].includes(t);
    const [r] = await q<{ n: string; u: string | null }>(
      `select count(*)::text n, ${hasUpdated ? 'max(updated_at)::text' : 'null'} u from ${t}`,
    );
    out.push(`${t}:${r!.n}:${r!.u}`);
  }
  const [st] = await q<{ s: string }>(
    `select string_agg(id::text || status || username, ',' order by id) s from member`,
  );
  return out.join(' ') + (st?.s ?? '');
}

const settle = () => new Promise((r) => setTimeout(r, 150));

async function waitUntil(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !ok(); i++) await new Promise((res) => setTimeout(res, 20));
  if (!ok()) throw new Error(`timed out waiting until ${what}`);
}

describe('sync engine', () => {
  it('a first sync creates locations, members with credentials, groups with VLANs and grants', async () => {
    const s = await scenario();
    s.set({
      locations: [
        { externalId: 'b1', name: `Soho ${s.tag}`, timezone: 'Europe/London' },
        { externalId: 'b2', name: `Brooklyn ${s.tag}`, timezone: 'America/New_York' },
      ],
      groups: [{ externalId: 't1', kind: 'TEAM', name: 'Acme', locationExternalId: 'b1' }],
      members: [
        s.member('c1', { groupExternalIds: ['t1'] }),
        s.member('c2', {
          groupExternalIds: ['t1'],
          locationExternalIds: ['b2'],
          homeLocationExternalId: 'b2',
        }),
        s.member('c3'),
      ],
      memberships: [s.membership('k1', 'c1'), s.membership('k2', 'c2', { locationExternalId: 'b2' })],
    });
    const run = await s.run();
    assert.equal(run.status, SyncRunStatus.SUCCEEDED, run.error ?? '');
    assert.equal(run.created, 3);
    assert.ok(run.startedAt && run.finishedAt);

    const [loc] = await q<{ timezone: string; slug: string; id: string }>(
      `select l.* from location l join location_mapping m on m.location_id = l.id where m.integration_id = $1 and m.external_id = 'b2'`,
      [s.integration.id],
    );
    assert.equal(loc?.timezone, 'America/New_York');
    assert.match(loc!.slug, /^brooklyn-/);

    const c1 = (await s.memberRow('c1'))!;
    assert.equal(c1.status, 'ACTIVE');
    assert.equal(c1.username, `c1.${s.tag}@example.com`);
    const passphrase = secrets.decryptString(c1.passphrase_enc!, SecretAad.passphrase(c1.id));
    assert.ok(passphrase.length >= 8);
    const [cred] = await q<{
      nt_hash_enc: string;
      passphrase_fingerprint: string;
      passphrase_version: number;
    }>('select nt_hash_enc, passphrase_fingerprint, passphrase_version from member where id = $1', [c1.id]);
    assert.ok(cred!.nt_hash_enc && cred!.passphrase_fingerprint);
    assert.equal(cred!.passphrase_version, 1);
    assert.ok(pmkJobs.includes(c1.id), 'PMKs queued for the new passphrase');

    const groups = await q<{ id: string; vlan_id: number; origin: string; name: string }>(
      'select * from access_group where integration_id = $1',
      [s.integration.id],
    );
    assert.deepEqual(
      groups.map((g) => [g.name, g.origin, g.vlan_id]),
      [['Acme', 'TEAM', 100]],
    );
    const members = await q(`select * from member_groups where group_id = $1`, [groups[0]!.id]);
    assert.equal(members.length, 2);

    const grants = await q<{ kind: string; location_id: string; member_id: string }>(
      'select * from access_grant where integration_id = $1 order by source_ref',
      [s.integration.id],
    );
    assert.deepEqual(
      grants.map((g) => [g.kind, g.location_id]),
      [
        ['MEMBERSHIP', s.homeLocationId],
        ['MEMBERSHIP', loc!.id],
      ],
    );
    const [health] = await q<{ health: string; last_sync_at: Date | null }>(
      'select * from integration where id = $1',
      [s.integration.id],
    );
    assert.equal(health!.health, 'CONNECTED');
    assert.ok(health!.last_sync_at);
  });

  it('an unchanged re-sync writes nothing and counts everyone unchanged', async () => {
    const s = await scenario();
    s.set({
      groups: [{ externalId: 't1', kind: 'TEAM', name: 'Acme', locationExternalId: 'b1' }],
      members: Array.from({ length: 30 }, (_, i) =>
        s.member(`c${i}`, { groupExternalIds: i % 2 ? ['t1'] : [] }),
      ),
      memberships: Array.from({ length: 30 }, (_, i) => s.membership(`k${i}`, `c${i}`)),
    });
    assert.equal((await s.run()).created, 30);
    await settle();
    const before = await fingerprintTables();
    notifications.length = 0;
    const again = await s.run();
    assert.equal(again.status, SyncRunStatus.SUCCEEDED);
    assert.equal(again.unchanged, 30);
    assert.equal(again.created + again.updated + again.enabled + again.disabled + again.deleted, 0);
    assert.equal(await fingerprintTables(), before);
    await settle();
    assert.equal(notifications.filter((n) => n.channel === NotifyChannel.memberChanged).length, 0);
  });

  it('a contract that ended ends its grant; a member removed upstream is deleted with a NOTIFY', async () => {
    const s = await scenario();
    s.set({
      members: [s.member('c1'), s.member('c2')],
      memberships: [s.membership('k1', 'c1'), s.membership('k2', 'c2')],
    });
    await s.run();
    const c1 = (await s.memberRow('c1'))!;
    const c2 = (await s.memberRow('c2'))!;
    await q(
      `insert into member_session (id, member_id, location_id, token_hash, expires_at) values ($1, $2, $3, $4, now() + interval '1 day')`,
      [uuidv7(), c2.id, s.homeLocationId, `h-${s.tag}`],
    );
    clock = new Date();
    s.set({ members: [s.member('c1')], memberships: [] });
    notifications.length = 0;
    const run = await s.run();
    assert.equal(run.status, SyncRunStatus.SUCCEEDED);
    assert.equal(run.deleted, 1);
    assert.equal(run.updated, 1);
    const [grant] = await q<{ effective_ends_at: Date }>(`select * from access_grant where member_id = $1`, [
      c1.id,
    ]);
    assert.ok(grant!.effective_ends_at && grant!.effective_ends_at.getTime() <= Date.now());
    const [gone] = await q<{ status: string; passphrase_enc: string | null; username: string }>(
      'select * from member where id = $1',
      [c2.id],
    );
    assert.equal(gone!.status, 'DELETED');
    assert.equal(gone!.passphrase_enc, null);
    assert.equal(gone!.username, `deleted:${c2.id}`);
    assert.equal((await q('select * from access_grant where member_id = $1', [c2.id])).length, 0);
    assert.equal((await q('select * from member_session where member_id = $1', [c2.id])).length, 0);
    await settle();
    const changed = notifications
      .filter((n) => n.channel === NotifyChannel.memberChanged)
      .map((n) => n.payload);
    assert.ok(changed.some((p) => p.memberId === c2.id && p.reason === 'DELETED'));
    assert.ok(changed.some((p) => p.memberId === c1.id && p.reason === 'GRANTS_CHANGED'));
  });

  it('deprovision DISABLE disables a removed member instead', async () => {
    const s = await scenario({ deprovision: 'DISABLE' });
    s.set({ members: [s.member('c1'), s.member('c2')], memberships: [s.membership('k1', 'c1')] });
    await s.run();
    s.set({ members: [s.member('c2')] });
    const run = await s.run();
    assert.equal(run.disabled, 1);
    assert.equal((await s.memberRow('c1'))!.status, 'DISABLED');
  });

  it('a team change moves the member to the other team group and its VLAN; the emptied group frees its VLAN', async () => {
    const s = await scenario();
    const teams = [
      { externalId: 't1', kind: 'TEAM' as const, name: 'Acme', locationExternalId: 'b1' },
      { externalId: 't2', kind: 'TEAM' as const, name: 'Globex', locationExternalId: 'b1' },
    ];
    s.set({
      groups: teams,
      members: [s.member('c1', { groupExternalIds: ['t1'] }), s.member('c2', { groupExternalIds: ['t2'] })],
    });
    await s.run();
    const vlans = async () =>
      Object.fromEntries(
        (
          await q<{ external_id: string; vlan_id: number }>(
            'select external_id, vlan_id from access_group where integration_id = $1',
            [s.integration.id],
          )
        ).map((g) => [g.external_id, g.vlan_id]),
      );
    assert.deepEqual(await vlans(), { t1: 100, t2: 101 });
    s.set({
      groups: teams,
      members: [s.member('c1', { groupExternalIds: ['t2'] }), s.member('c2', { groupExternalIds: ['t2'] })],
    });
    await s.run();
    assert.deepEqual(await vlans(), { t2: 101 });
    const c1 = (await s.memberRow('c1'))!;
    const [g] = await q<{ vlan_id: number }>(
      'select g.vlan_id from member_groups mg join access_group g on g.id = mg.group_id where mg.member_id = $1',
      [c1.id],
    );
    assert.equal(g!.vlan_id, 101);
    // a new team takes the VLAN that was freed
    s.set({
      groups: [...teams, { externalId: 't3', kind: 'TEAM', name: 'Initech', locationExternalId: 'b1' }],
      members: [s.member('c1', { groupExternalIds: ['t3'] }), s.member('c2', { groupExternalIds: ['t2'] })],
    });
    await s.run();
    assert.deepEqual(await vlans(), { t2: 101, t3: 100 });
  });

  it('a booking-only member is disabled after the day and re-enabled by a later booking', async () => {
    const s = await scenario();
    const day = (d: string, h: number) => new Date(`${d}T${String(h).padStart(2, '0')}:00:00Z`);
    clock = day('2026-05-04', 8);
    s.set({
      members: [s.member('c1')],
      bookings: [
        {
          externalId: 'bk1',
          memberExternalId: 'c1',
          locationExternalId: 'b1',
          kind: 'DESK',
          startsAt: day('2026-05-04', 9),
          endsAt: day('2026-05-04', 17),
        },
      ],
    });
    await s.run();
    assert.equal((await s.memberRow('c1'))!.status, 'ACTIVE');
    const [grant] = await q<{ effective_ends_at: Date }>(
      'select * from access_grant where integration_id = $1',
      [s.integration.id],
    );
    assert.equal(grant!.effective_ends_at.toISOString(), '2026-05-04T23:00:00.000Z'); // BST midnight
    clock = day('2026-05-05', 8);
    s.set({ members: [s.member('c1')] });
    const off = await s.run();
    assert.equal(off.disabled, 1);
    assert.equal((await s.memberRow('c1'))!.status, 'DISABLED');
    clock = day('2026-05-07', 8);
    s.set({
      members: [s.member('c1')],
      bookings: [
        {
          externalId: 'bk2',
          memberExternalId: 'c1',
          locationExternalId: 'b1',
          kind: 'ROOM',
          startsAt: day('2026-05-07', 10),
          endsAt: day('2026-05-07', 11),
        },
      ],
    });
    const on = await s.run();
    assert.equal(on.enabled, 1);
    assert.equal((await s.memberRow('c1'))!.status, 'ACTIVE');
    clock = new Date();
  });

  it('a mass removal is held with nothing applied; confirm applies it, discard leaves everything', async () => {
    const s = await scenario();
    const all = Array.from({ length: 10 }, (_, i) => s.member(`c${i}`));
    s.set({ members: all, memberships: all.map((m, i) => s.membership(`k${i}`, m.externalId)) });
    await s.run();
    s.set({ members: all.slice(0, 4) });
    const before = await fingerprintTables();
    const held = await s.run();
    assert.equal(held.status, SyncRunStatus.HELD);
    assert.ok(held.heldReason);
    assert.equal(held.deleted, 6);
    assert.equal(await fingerprintTables(), before);

    const em = orm.em.fork();
    const discarded = await em.transactional((tem) => engine.discard(tem as EntityManager, held.id));
    assert.equal(discarded.status, SyncRunStatus.DISCARDED);
    assert.equal(await fingerprintTables(), before);
    await assert.rejects(
      orm.em.fork().transactional((tem) => engine.discard(tem as EntityManager, held.id)),
      (e: { code?: string }) => e.code === 'CONFLICT',
    );

    const held2 = await s.run();
    assert.equal(held2.status, SyncRunStatus.HELD);
    let afterCommit: (() => unknown) | null = null;
    const confirmed = await orm.em
      .fork()
      .transactional((tem) => engine.confirm(tem as EntityManager, held2.id, (fn) => (afterCommit = fn)));
    assert.equal(confirmed.status, SyncRunStatus.SUCCEEDED);
    assert.ok(afterCommit);
    const statuses = await q<{ status: string; n: string }>(
      `select m.status, count(*)::text n from member m where m.email_normalized like $1 group by m.status order by m.status`,
      [`%.${s.tag}@example.com`],
    );
    assert.deepEqual(
      statuses.map((r) => [r.status, r.n]),
      [
        ['ACTIVE', '4'],
        ['DELETED', '6'],
      ],
    );
    await assert.rejects(
      orm.em.fork().transactional((tem) => engine.confirm(tem as EntityManager, held2.id)),
      (e: { code?: string }) => e.code === 'CONFLICT',
    );
  });

  it('an upstream error fails the run, changes nothing and marks the integration', async () => {
    const s = await scenario();
    s.set({ members: [s.member('c1')], memberships: [s.membership('k1', 'c1')] });
    await s.run();
    s.set({ members: [] });
    s.connector.failWith = new UpstreamError(UpstreamErrorCode.THROTTLED, 'Nexudus answered 409 three times');
    const before = await fingerprintTables();
    const failed = await s.run();
    assert.equal(failed.status, SyncRunStatus.FAILED);
    assert.match(failed.error ?? '', /^UPSTREAM_THROTTLED: /);
    assert.equal(await fingerprintTables(), before);
    let [i] = await q<{ health: string; last_error: string }>('select * from integration where id = $1', [
      s.integration.id,
    ]);
    assert.equal(i!.health, 'ERROR');
    s.connector.failWith = new UpstreamError(UpstreamErrorCode.UNAUTHORIZED, 'token refused');
    await s.run();
    [i] = await q('select * from integration where id = $1', [s.integration.id]);
    assert.equal(i!.health, 'NEEDS_RECONNECT');
    // a malformed snapshot is refused the same way
    s.set({ members: [{ email: 'x@example.com' }] } as unknown as UpstreamSnapshot);
    const bad = await s.run();
    assert.match(bad.error ?? '', /^UPSTREAM_MALFORMED: /);
    assert.equal(await fingerprintTables(), before);
  });

  it('a failure while applying rolls everything back', async () => {
    const s = await scenario();
    // the database refuses the last write of the run (grants come after members, sources, groups)
    s.set({ members: [s.member('c1')], memberships: [s.membership(`refused-${s.tag}`, 'c1')] });
    await q(
      `alter table access_grant add constraint test_refused check (source_ref <> 'membership:refused-${s.tag}')`,
    );
    const before = await fingerprintTables();
    const run = await s.run();
    assert.equal(run.status, SyncRunStatus.FAILED);
    await q('alter table access_grant drop constraint test_refused');
    assert.match(run.error ?? '', /^INTERNAL: /);
    assert.equal(await fingerprintTables(), before);
  });

  it('a run finding another of its integration running goes back to QUEUED; the running one serves it after', async () => {
    const s = await scenario();
    s.set({ members: [s.member('c1'), s.member('c2')] });
    let open!: () => void;
    s.connector.gate = new Promise<void>((r) => (open = r));
    const em = orm.em.fork();
    const i = await em.findOneOrFail(Integration, { id: s.integration.id });
    const r1 = await engine.createRun(em, i, SyncTrigger.MANUAL, { mode: 'FULL' });
    const r2 = await engine.createRun(em, i, SyncTrigger.WEBHOOK, { mode: 'FULL' });
    const p1 = engine.execute(orm, r1.id);
    await waitUntil('the first run fetches (it holds the lock)', () => s.connector.requests.length === 1);
    const again = await engine.execute(orm, r1.id);
    assert.equal(again.id, r1.id);
    const waiting = await engine.execute(orm, r2.id);
    assert.equal(waiting.status, SyncRunStatus.QUEUED, 'returns at once instead of waiting for the lock');
    assert.equal(waiting.startedAt, null);
    assert.equal(s.connector.requests.length, 1);
    const lines = await q<{ message: string }>('select message from sync_log_entry where run_id = $1', [
      r2.id,
    ]);
    assert.ok(lines.some((l) => /waiting for the running sync/i.test(l.message)));
    open();
    const a = await p1;
    assert.equal(a.status, SyncRunStatus.SUCCEEDED);
    const [b] = await q<{ status: string; created: number; unchanged: number }>(
      'select * from sync_run where id = $1',
      [r2.id],
    );
    assert.equal(b!.status, 'SUCCEEDED', 'run by the lock holder right after its own run');
    assert.deepEqual([a.created, b!.created], [2, 0]);
    assert.equal(b!.unchanged, 2);
    assert.equal(s.connector.requests.length, 2);
  });

  it('a burst of runs of one integration neither exhausts the pool nor stays RUNNING', async () => {
    const s = await scenario();
    s.set({ members: [s.member('c1')] });
    let open!: () => void;
    s.connector.gate = new Promise<void>((r) => (open = r));
    const em = orm.em.fork();
    const i = await em.findOneOrFail(Integration, { id: s.integration.id });
    const first = await engine.createRun(em, i, SyncTrigger.MANUAL, { mode: 'FULL' });
    const p1 = engine.execute(orm, first.id);
    await waitUntil('the first run fetches (it holds the lock)', () => s.connector.requests.length === 1);
    const burst = [];
    for (let n = 0; n < 14; n++)
      burst.push(await engine.createRun(em, i, SyncTrigger.MANUAL, { mode: 'FULL' }));
    const results = await Promise.all(burst.map((r) => engine.execute(orm, r.id)));
    assert.ok(results.every((r) => r.status === SyncRunStatus.QUEUED));
    open();
    assert.equal((await p1).status, SyncRunStatus.SUCCEEDED);
    const statuses = await q<{ status: string; n: string }>(
      'select status, count(*)::text n from sync_run where integration_id = $1 group by status',
      [s.integration.id],
    );
    assert.deepEqual(
      statuses.map((r) => [r.status, r.n]),
      [['SUCCEEDED', '15']],
    );
  });

  it('a failure to get a database connection for the lock ends the run FAILED', async () => {
    const s = await scenario();
    s.set({ members: [s.member('c1')] });
    const client = orm.em.getConnection().getKnex().client as { acquireConnection: () => Promise<unknown> };
    const original = client.acquireConnection;
    // only the dedicated connection of the integration lock times out (the pool is busy)
    client.acquireConnection = function (this: unknown) {
      if (/tryLock|lockIntegration/.test(new Error().stack ?? ''))
        return Promise.reject(new Error('Knex: Timeout acquiring a connection'));
      return original.call(this);
    };
    let run;
    try {
      const em = orm.em.fork();
      const i = await em.findOneOrFail(Integration, { id: s.integration.id });
      const created = await engine.createRun(em, i, SyncTrigger.MANUAL, { mode: 'FULL' });
      run = await engine.execute(orm, created.id);
    } finally {
      client.acquireConnection = original;
    }
    assert.equal(run.status, SyncRunStatus.FAILED);
    assert.match(run.error ?? '', /^INTERNAL: /);
  });

  it('webhook runs of one integration waiting in the queue are merged into one', async () => {
    const s = await scenario();
    const em = orm.em.fork();
    const i = await em.findOneOrFail(Integration, { id: s.integration.id });
    const a = await engine.createRun(em, i, SyncTrigger.WEBHOOK, {
      mode: 'MEMBERS',
      memberExternalIds: ['c1'],
    });
    const b = await engine.createRun(em, i, SyncTrigger.WEBHOOK, {
      mode: 'MEMBERS',
      memberExternalIds: ['c2', 'c1'],
    });
    assert.equal(b.id, a.id);
    assert.deepEqual(b.request, { mode: 'MEMBERS', memberExternalIds: ['c1', 'c2'] });
    const full = await engine.createRun(em, i, SyncTrigger.WEBHOOK, { mode: 'FULL' });
    assert.notEqual(full.id, a.id, 'only MEMBERS runs merge');
    await q(`update sync_run set status = 'RUNNING' where id = $1`, [a.id]);
    const c = await engine.createRun(em, i, SyncTrigger.WEBHOOK, {
      mode: 'MEMBERS',
      memberExternalIds: ['c3'],
    });
    assert.notEqual(c.id, a.id, 'a run that started is not extended');
    assert.deepEqual(c.request, { mode: 'MEMBERS', memberExternalIds: ['c3'] });
    await q(`update sync_run set status = 'FAILED' where integration_id = $1`, [s.integration.id]);
  });

  it('log lines are stored with their seq and arrive through LISTEN in order', async () => {
    const s = await scenario();
    s.set({ members: [s.member('c1', { email: null }), s.member('c2')] });
    notifications.length = 0;
    const run = await s.run();
    await settle();
    const rows = await q<{ seq: number; level: string; message: string }>(
      'select * from sync_log_entry where run_id = $1 order by seq',
      [run.id],
    );
    assert.deepEqual(
      rows.map((r) => r.seq),
      rows.map((_, i) => i + 1),
    );
    assert.ok(
      rows.some((r) => r.message === 'fake upstream: fetching'),
      'the connector log lands in the run log',
    );
    assert.ok(
      rows.some((r) => r.level === 'WARN'),
      'the skipped member is logged',
    );
    const live = notifications
      .filter(
        (n) =>
          n.channel === NotifyChannel.events && (n.payload.payload as { runId?: string }).runId === run.id,
      )
      .map((n) => n.payload.payload as { seq?: number; message?: string; status?: string });
    assert.deepEqual(
      live.filter((p) => p.seq !== undefined).map((p) => [p.seq, p.message]),
      rows.map((r) => [r.seq, r.message]),
    );
    assert.deepEqual(
      live.filter((p) => p.status).map((p) => p.status),
      ['RUNNING', 'SUCCEEDED'],
    );
    assert.equal(run.errors, 1);
  });

  it('refreshed upstream credentials are stored encrypted on the integration, even when the run fails', async () => {
    const s = await scenario();
    s.connector.refreshTo = {
      kind: 'NEXUDUS',
      accessToken: 'new-access',
      refreshToken: 'new-refresh',
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    s.connector.failWith = new UpstreamError(UpstreamErrorCode.UNAVAILABLE, 'down');
    await s.run();
    const [row] = await q<{ credentials_enc: string; token_expires_at: Date }>(
      'select * from integration where id = $1',
      [s.integration.id],
    );
    const creds = JSON.parse(
      secrets.decryptString(row!.credentials_enc, SecretAad.integrationCredentials(s.integration.id)),
    );
    assert.equal(creds.accessToken, 'new-access');
    assert.equal(row!.token_expires_at.toISOString(), '2030-01-01T00:00:00.000Z');
  });

  it('a webhook run (MEMBERS) refreshes only the listed members', async () => {
    const s = await scenario();
    s.set({ members: [s.member('c1'), s.member('c2')], memberships: [s.membership('k1', 'c1')] });
    await s.run();
    s.set({ members: [s.member('c3')] });
    const run = await s.run({ mode: 'MEMBERS', memberExternalIds: ['c2', 'c3'] });
    assert.equal(run.created, 1);
    assert.equal(run.deleted, 1);
    assert.equal((await s.memberRow('c1'))!.status, 'ACTIVE');
    assert.equal((await s.byEmail('c2'))!.status, 'DELETED');
  });

  it('the credentials hook gets every member the run may give access, at the run clock', async () => {
    const s = await scenario();
    const day = (d: string, h: number) => new Date(`${d}T${String(h).padStart(2, '0')}:00:00Z`);
    clock = day('2026-05-04', 8);
    const world: Partial<UpstreamSnapshot> & {
      members: UpstreamMember[];
      memberships: UpstreamMembership[];
    } = {
      members: [
        s.member('c1'),
        s.member('c2', { active: false }), // archived upstream: created DISABLED
        s.member('c3'), // no contract, no booking
        s.member('c4'), // booking-only, booking tomorrow
        s.member('c5'), // contract starting next month
      ],
      memberships: [
        s.membership('k1', 'c1'),
        s.membership('k2', 'c2'),
        s.membership('k5', 'c5', { startsAt: day('2026-06-01', 0) }),
      ],
      bookings: [
        {
          externalId: 'bk4',
          memberExternalId: 'c4',
          locationExternalId: 'b1',
          kind: 'DESK',
          startsAt: day('2026-05-05', 9),
          endsAt: day('2026-05-05', 17),
        },
      ],
    };
    s.set(world);
    accessHook = [];
    const run = await s.run();
    assert.equal(run.created, 5);
    assert.equal((await s.byEmail('c2'))!.status, 'DISABLED');
    const ids = await Promise.all(
      ['c1', 'c2', 'c3', 'c4', 'c5'].map(async (e) => (await s.memberRow(e))!.id),
    );
    assert.deepEqual(
      accessHook.map((h) => [h.ids.slice().sort(), h.now]),
      [[ids.sort(), clock]],
    );
    accessHook = [];
    s.set({ ...world, members: world.members.slice(1), memberships: world.memberships.slice(1) });
    assert.equal((await s.run()).deleted, 1);
    assert.deepEqual(
      accessHook.map((h) => h.ids),
      [[]],
      'members the run deletes are left out',
    );
    clock = new Date();
  });

  it("a webhook for one of a person's upstream records refreshes all of them and keeps their access", async () => {
    const s = await scenario();
    // Nexudus: one coworker per business for the same email, merged into one member
    const email = `c1.${s.tag}@example.com`;
    const world = {
      locations: [
        { externalId: 'b1', name: `Soho ${s.tag}`, timezone: 'Europe/London' },
        { externalId: 'b2', name: `Brooklyn ${s.tag}`, timezone: 'America/New_York' },
      ],
      members: [
        s.member('c1'),
        s.member('c1x', { email, locationExternalIds: ['b2'], homeLocationExternalId: 'b2' }),
        s.member('c2'),
      ],
      memberships: [
        s.membership('k1', 'c1'),
        s.membership('k2', 'c1x', { locationExternalId: 'b2' }),
        s.membership('k3', 'c2'),
      ],
    };
    s.set(world);
    await s.run();
    const person = (await s.memberRow('c1'))!;
    assert.equal((await s.memberRow('c1x'))!.id, person.id);
    // the upstream answers PARTIAL requests with the records asked for (INCREMENTAL: only c1 changed)
    s.connector.respond = (o) => {
      const ids = o.mode === 'INCREMENTAL' ? ['c1'] : (o.memberExternalIds ?? []);
      return {
        ...emptySnapshot(),
        scope: { kind: 'PARTIAL', memberExternalIds: ids },
        locations: world.locations,
        plans: [{ externalId: 'p1', name: 'Hot desk', locationExternalId: 'b1', virtual: false }],
        members: world.members.filter((m) => ids.includes(m.externalId)),
        memberships: world.memberships.filter((m) => ids.includes(m.memberExternalId)),
      };
    };
    const grantsInForce = async () =>
      (
        await q<{ source_ref: string }>(
          `select source_ref from access_grant where member_id = $1
            and (effective_ends_at is null or effective_ends_at > now()) order by source_ref`,
          [person.id],
        )
      ).map((g) => g.source_ref);
    const homes = async () =>
      (await q('select * from member_home_locations where member_id = $1', [person.id])).length;
    s.connector.requests = [];
    const hook = await s.run({ mode: 'MEMBERS', memberExternalIds: ['c1'] }, SyncTrigger.WEBHOOK);
    assert.equal(hook.status, SyncRunStatus.SUCCEEDED, hook.error ?? '');
    assert.deepEqual(s.connector.requests[0]?.memberExternalIds?.slice().sort(), ['c1', 'c1x']);
    assert.deepEqual(await grantsInForce(), ['membership:k1', 'membership:k2']);
    assert.equal(await homes(), 2);
    assert.equal(hook.unchanged, 1);

    s.connector.requests = [];
    const inc = await s.run({ mode: 'INCREMENTAL' });
    assert.equal(inc.status, SyncRunStatus.SUCCEEDED, inc.error ?? '');
    assert.deepEqual(
      s.connector.requests.map((r) => [r.mode, r.memberExternalIds ?? null]),
      [
        ['INCREMENTAL', null],
        ['MEMBERS', ['c1x']],
      ],
    );
    assert.deepEqual(await grantsInForce(), ['membership:k1', 'membership:k2']);
    assert.equal(await homes(), 2);
    assert.equal((await s.memberRow('c1'))!.status, 'ACTIVE');
  });

  it('confirming a held run skips members changed since it was held', async () => {
    const s = await scenario();
    const all = Array.from({ length: 10 }, (_, i) => s.member(`c${i}`));
    s.set({ members: all, memberships: all.map((m, i) => s.membership(`k${i}`, m.externalId)) });
    await s.run();
    s.set({ members: all.slice(0, 4) });
    const held = await s.run();
    assert.equal(held.status, SyncRunStatus.HELD);
    // meanwhile an admin edits c9 and grants c8 access by hand
    const c8 = (await s.memberRow('c8'))!;
    const c9 = (await s.memberRow('c9'))!;
    await q(`update member set full_name = 'Renamed', updated_at = now() where id = $1`, [c9.id]);
    await q(
      `insert into access_grant (id, member_id, kind, starts_at, effective_starts_at, grants_wifi)
       values ($1, $2, 'MANUAL', now(), now(), true)`,
      [uuidv7(), c8.id],
    );
    const confirmed = await orm.em
      .fork()
      .transactional((tem) => engine.confirm(tem as EntityManager, held.id));
    assert.equal(confirmed.status, SyncRunStatus.SUCCEEDED);
    const status = async (id: string) =>
      (await q<{ status: string }>('select status from member where id = $1', [id]))[0]!.status;
    assert.equal(await status(c9.id), 'ACTIVE');
    assert.equal(await status(c8.id), 'ACTIVE');
    assert.equal((await q('select * from member_source where member_id = $1', [c9.id])).length, 1);
    assert.equal(
      (await q(`select * from access_grant where member_id = $1 and kind = 'MEMBERSHIP'`, [c9.id])).length,
      1,
      'their grants are not deleted either',
    );
    assert.equal(await status((await s.byEmail('c7'))!.id), 'DELETED');
    const lines = await q<{ level: string; data: { memberIds?: string[] } | null }>(
      `select level, data from sync_log_entry where run_id = $1 and level = 'WARN'`,
      [held.id],
    );
    assert.ok(lines.some((l) => l.data?.memberIds?.includes(c9.id) && l.data.memberIds.includes(c8.id)));
  });

  it('INCREMENTAL reads since the fetch start of the last FULL or INCREMENTAL run; webhook runs do not move it', async () => {
    const s = await scenario();
    s.set({ members: [s.member('c1')] });
    const cursor = async () =>
      (
        await q<{ sync_cursor: Record<string, string> | null; last_sync_at: Date | null }>(
          'select sync_cursor, last_sync_at from integration where id = $1',
          [s.integration.id],
        )
      )[0]!;
    const t1 = new Date('2026-05-04T08:00:00Z');
    clock = t1;
    await s.run({ mode: 'FULL' });
    assert.equal((await cursor()).sync_cursor?.incrementalSince, t1.toISOString());
    assert.equal((await cursor()).sync_cursor?.lastScheduledSyncAt, t1.toISOString());
    clock = new Date('2026-05-04T08:10:00Z');
    s.set({ members: [s.member('c1')] });
    await s.run({ mode: 'MEMBERS', memberExternalIds: ['c1'] }, SyncTrigger.WEBHOOK);
    const afterHook = await cursor();
    assert.equal(afterHook.sync_cursor?.incrementalSince, t1.toISOString(), 'a webhook run does not move it');
    assert.equal(afterHook.sync_cursor?.lastScheduledSyncAt, t1.toISOString());
    assert.ok(afterHook.last_sync_at, 'last_sync_at: the last successful run of any kind');
    s.connector.requests = [];
    const t3 = new Date('2026-05-04T08:15:00Z');
    clock = t3;
    await s.run({ mode: 'INCREMENTAL' }, SyncTrigger.SCHEDULE);
    assert.equal(s.connector.requests[0]?.since?.toISOString(), t1.toISOString());
    assert.equal((await cursor()).sync_cursor?.incrementalSince, t3.toISOString());
    assert.equal((await cursor()).sync_cursor?.lastScheduledSyncAt, t3.toISOString());
    assert.equal((await cursor()).sync_cursor?.lastFullSyncAt, t1.toISOString());
    clock = new Date();
  });
});

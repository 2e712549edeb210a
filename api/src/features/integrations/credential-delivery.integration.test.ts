/**
 * Credentials email when a member's access first begins (CredentialDeliveryService), through the
 * real API with an in-memory upstream: by a sync run, by the clock (the minute job), by an admin;
 * once only; and the upgrade that marks members who may already have had access.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initOrm } from '../../db/orm.js';
import { MIGRATIONS } from '../../db/migrations/index.js';
import { Migration20261124094954 } from '../../db/migrations/migration-20261124094954.js';
import { createTestDatabase } from '../../db/test-support/test-database.js';
import { ok, startTestApi, type TestApi } from '../../test-support/api-harness.js';
import {
  createGrant,
  createLocation,
  createMember,
  endedRun,
  runSyncToEnd,
  setupOwner,
} from '../../test-support/factories.js';
import { FakeUpstream, fakeMember, fakeMembership } from '../../test-support/fake-connector.js';

let t: TestApi;
let owner: string;
let integrationId: string;
const upstream = new FakeUpstream();
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const HOUR = 3600_000;
const at = (ms: number) => new Date(Date.now() + ms);

/** Recipients of credentials emails, in order. */
const mailedTo = async (): Promise<string[]> =>
  (
    await sql(`select to_address from outbox_message where template_key = 'member-credentials' order by id`)
  ).map((r) => r.to_address);
const accessBeganAt = async (email: string): Promise<Date | null> => {
  const [row] = await sql('select access_began_at from member where email_normalized = ?', [email]);
  return row.access_began_at ? new Date(row.access_began_at) : null;
};

async function sync(): Promise<void> {
  const run = await runSyncToEnd(t, owner, integrationId);
  assert.equal(run.status, 'SUCCEEDED', run.error ?? '');
}

before(async () => {
  t = await startTestApi({ connectors: upstream.registry() });
  owner = await setupOwner(t);
  upstream.snapshot.locations = [{ externalId: 'loc-1', name: 'Soho', timezone: 'Europe/London' }];
  upstream.snapshot.plans = [
    { externalId: 'plan-1', name: 'Hot Desk', locationExternalId: 'loc-1', virtual: false },
  ];
  upstream.snapshot.members = [
    fakeMember('now'),
    fakeMember('later'),
    fakeMember('booker'),
    fakeMember('waiting'),
    fakeMember('archived', { active: false }),
  ];
  upstream.snapshot.memberships = [
    fakeMembership('k-now', 'now'),
    fakeMembership('k-later', 'later', { startsAt: at(7 * 24 * HOUR) }),
    fakeMembership('k-archived', 'archived'),
  ];
  const created = ok(
    await t.gql(
      `mutation($i: CreateIntegrationInput!) { createIntegration(input: $i) { integration { id } run { id } } }`,
      {
        i: {
          kind: 'ANDCARDS',
          name: 'Andcards',
          credentials: { clientId: 'c', clientSecret: 'right' },
          settings: { credentialEmail: true },
        },
      },
      { token: owner },
    ),
  ).createIntegration;
  integrationId = created.integration.id;
  assert.equal((await endedRun(t, owner, created.run.id)).status, 'SUCCEEDED');
});
after(() => t.stop());

describe('credentials email when access begins', () => {
  it('the first sync mails the members who have access now, and nobody else', async () => {
    assert.deepEqual(await mailedTo(), ['now@example.com']);
    assert.ok(await accessBeganAt('now@example.com'));
    assert.equal(await accessBeganAt('later@example.com'), null);
    assert.equal(await accessBeganAt('archived@example.com'), null);
    const m = ok(
      await t.gql(
        `query($s: String) { members(filter: { search: $s }) { nodes { email accessBeganAt } } }`,
        { s: 'now@example.com' },
        { token: owner },
      ),
    ).members.nodes[0];
    assert.ok(m.accessBeganAt, 'admins see when access began');
  });

  it('a contract starting later is mailed when the minute job sees it start, once', async () => {
    const [job] = await sql(`select cron from pgboss.schedule where name = 'credential-delivery'`);
    assert.equal(job?.cron, '* * * * *', 'a job checks every minute');
    const delivery = t.api.services.credentialDelivery;
    assert.deepEqual((await delivery.deliverDue(t.api.orm.em.fork())).mailed, []);
    const nextWeek = at(7 * 24 * HOUR + HOUR);
    const r = await delivery.deliverDue(t.api.orm.em.fork(), nextWeek);
    assert.equal(r.mailed.length, 1);
    assert.deepEqual(await mailedTo(), ['now@example.com', 'later@example.com']);
    assert.equal((await accessBeganAt('later@example.com'))!.getTime(), nextWeek.getTime());
    assert.deepEqual((await delivery.deliverDue(t.api.orm.em.fork(), nextWeek)).began, []);
    assert.equal((await mailedTo()).length, 2);
  });

  it('a booking-only member is mailed by the sync that brings their first booking', async () => {
    assert.equal(await accessBeganAt('booker@example.com'), null);
    upstream.snapshot.bookings = [
      {
        externalId: 'bk-1',
        memberExternalId: 'booker',
        locationExternalId: 'loc-1',
        kind: 'DESK',
        startsAt: at(-1000),
        endsAt: at(HOUR),
      },
    ];
    await sync();
    assert.equal((await mailedTo()).at(-1), 'booker@example.com');
    assert.ok(await accessBeganAt('booker@example.com'));
  });

  it('access ending and coming back sends nothing again', async () => {
    const before = await mailedTo();
    upstream.snapshot.memberships = upstream.snapshot.memberships.map((m) =>
      m.externalId === 'k-now' ? { ...m, endsAt: at(-HOUR) } : m,
    );
    await sync();
    const [gone] = await sql(
      `select count(*)::int n from access_grant g join member m on m.id = g.member_id
        where m.email_normalized = 'now@example.com' and (g.effective_ends_at is null or g.effective_ends_at > now())`,
    );
    assert.equal(gone.n, 0, 'the contract ended');
    upstream.snapshot.memberships.push(fakeMembership('k-now-renewed', 'now', { startsAt: at(-1000) }));
    await sync();
    await t.api.services.credentialDelivery.deliverDue(t.api.orm.em.fork());
    assert.deepEqual(await mailedTo(), before);
  });

  it("an admin's grant mails a synced member at once; a member of no integration is not mailed", async () => {
    const [waiting] = await sql(`select id from member where email_normalized = 'waiting@example.com'`);
    await createGrant(t, owner, { memberId: waiting.id, kind: 'MANUAL', startsAt: at(-1000).toISOString() });
    assert.equal((await mailedTo()).at(-1), 'waiting@example.com');

    const loc = await createLocation(t, owner);
    const manual = await createMember(t, owner, [loc.id]);
    const before = await mailedTo();
    await createGrant(t, owner, {
      memberId: manual.id,
      kind: 'MANUAL',
      locationId: loc.id,
      startsAt: at(-1000).toISOString(),
    });
    assert.ok(await accessBeganAt(manual.email));
    assert.deepEqual(await mailedTo(), before);
  });

  it('with credential emails off when access begins, nothing goes, then or after turning them on', async () => {
    const setEmail = async (on: boolean) =>
      ok(
        await t.gql(
          `mutation($i: UpdateIntegrationInput!) { updateIntegration(input: $i) { integration { id } } }`,
          { i: { id: integrationId, settings: { credentialEmail: on } } },
          { token: owner },
        ),
      );
    await setEmail(false);
    const before = await mailedTo();
    upstream.snapshot.members.push(fakeMember('quiet'));
    upstream.snapshot.memberships.push(fakeMembership('k-quiet', 'quiet'));
    await sync();
    assert.ok(await accessBeganAt('quiet@example.com'));
    await setEmail(true);
    await t.api.services.credentialDelivery.deliverDue(t.api.orm.em.fork());
    await sync();
    assert.deepEqual(await mailedTo(), before);
  });
});

describe('the upgrade to access_began_at', () => {
  it('marks members who may have had access, and leaves new members who never had any', async () => {
    const db = await createTestDatabase();
    const orm = await initOrm(db.url);
    try {
      const index = MIGRATIONS.findIndex((m) => m.class === Migration20261124094954);
      await orm.getMigrator().up({ to: MIGRATIONS[index - 1]!.name });
      const em = orm.em.fork();
      const member = async (name: string, ageDays: number) => {
        const id = crypto.randomUUID();
        await em.execute(
          `insert into member (id, created_at, email, email_normalized, full_name, username)
           values (?, now() - make_interval(days => ?), ?, ?, ?, ?)`,
          [id, ageDays, `${name}@example.com`, `${name}@example.com`, name, name],
        );
        return id;
      };
      const grant = (memberId: string, startsInDays: number) =>
        em.execute(
          `insert into access_grant (id, member_id, kind, starts_at, effective_starts_at)
           values (?, ?, 'MEMBERSHIP', now() + make_interval(days => ?), now() + make_interval(days => ?))`,
          [crypto.randomUUID(), memberId, startsInDays, startsInDays],
        );
      const started = await member('started', 2);
      await grant(started, -1);
      const mailed = await member('mailed', 2);
      await em.execute(
        `insert into outbox_message (id, to_address, subject, body_enc, template_key, member_id, status)
         values (?, 'mailed@example.com', 's', null, 'member-credentials', ?, 'SENT')`,
        [crypto.randomUUID(), mailed],
      );
      const old = await member('old', 40);
      const future = await member('future', 2);
      await grant(future, 5);
      const never = await member('never', 2);

      await orm.getMigrator().up();
      const rows: Array<{ id: string; access_began_at: Date | null }> = await em.execute(
        'select id, access_began_at from member',
      );
      const marked = new Set(rows.filter((r) => r.access_began_at).map((r) => r.id));
      assert.deepEqual(
        [started, mailed, old, future, never].map((id) => marked.has(id)),
        [true, true, true, false, false],
      );
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});

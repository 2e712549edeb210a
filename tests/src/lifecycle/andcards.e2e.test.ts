/**
 * Member lifecycles from Andcards (Spacebring) to the access point: the Spacebring simulator (with
 * its 10 requests/s limit on) is the upstream, the real API syncs it ("Sync now" and Svix-signed
 * webhooks), the real RADIUS worker answers radclient PAP requests and sends Disconnect-Requests to
 * a UDP listener. Dates are relative to the wall clock, which the engine and the worker read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ok, startTestApi, waitFor, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { setupOwner } from '../../../api/src/test-support/factories.js';
import {
  SpacebringSimulator,
  randomWebhookSecret,
  type SbMembership,
} from '../simulators/spacebring/spacebring-simulator.js';
import {
  createNas,
  finishedRun,
  memberProbe,
  sqlOf,
  startDasListener,
  startRadius,
  syncNow,
  type Radius,
} from './support.js';

const ZONE = 'Europe/Kyiv';
let t: TestApi;
let owner: string;
let radius: Radius;
let das: Awaited<ReturnType<typeof startDasListener>>;
let integrationId: string;
let sql: ReturnType<typeof sqlOf>;

const sim = new SpacebringSimulator({ seed: 5 });
const loc = sim.addLocation({ title: 'Kyiv Hub', timezoneId: ZONE });
const acme = sim.addCompany(loc.id, { title: 'Acme' });
const globex = sim.addCompany(loc.id, { title: 'Globex' });
const hotDesk = sim.addPlan(loc.id, { title: 'Hot Desk' });
const virtualOffice = sim.addPlan(loc.id, { title: 'Virtual Office' });
const desk = sim.addResource(loc.id, 'hotDesk');

function subscriber(companyRef: string | null, planId = hotDesk.id) {
  const m = sim.addMembership(loc.id, { companyRef, companyRole: companyRef ? 'member' : null });
  const s = sim.addSubscription({ membershipRef: m.id }, planId);
  return { m, s };
}
const alice = subscriber(acme.id);
const bob = subscriber(acme.id);
const carol = subscriber(globex.id);
const dan = subscriber(null); // subscription ends
const vic = subscriber(null, virtualOffice.id); // plan mapped to no access
const dora = subscriber(null); // membership deleted
const erin = sim.addMembership(loc.id); // nonmember who books a desk

const userOf = (m: SbMembership) => sim.state.users.find((u) => u.id === m.userRef)!;
const { member, pap, passphraseOf, until, vlanOf } = memberProbe<SbMembership>({
  env: () => ({ t, token: owner, radius }),
  emailOf: (m) => userOf(m).email,
  timeoutMs: 30_000,
});
function delivered(ds: Array<{ status: number | null; error?: string }>) {
  assert.equal(ds.length, 1);
  assert.equal(ds[0]!.status, 202, ds[0]!.error);
}

before(async () => {
  const baseUrl = await sim.start();
  t = await startTestApi({ env: { PUBLIC_URL: 'https://wifi.example.com' } });
  sql = sqlOf(t);
  owner = await setupOwner(t);
  das = await startDasListener();
  const webhookSecret = randomWebhookSecret();
  const created = ok(
    await t.gql(
      `mutation($i: CreateIntegrationInput!) { createIntegration(input: $i) {
         integration { id webhookUrl } run { id } } }`,
      {
        i: {
          kind: 'ANDCARDS',
          name: 'Andcards',
          baseUrl,
          credentials: { clientId: sim.state.clientId, clientSecret: sim.state.clientSecret },
          settings: { planMappings: [{ planExternalId: virtualOffice.id, noAccess: true }] },
          webhookSecret,
        },
      },
      { token: owner },
    ),
  ).createIntegration;
  integrationId = created.integration.id;
  await finishedRun(t, owner, created.run.id);
  sim.registerWebhook(
    (created.integration.webhookUrl as string).replace('https://wifi.example.com', t.url),
    webhookSecret,
  );
  const [mapping] = await sql(`select location_id from location_mapping where integration_id = ?`, [
    integrationId,
  ]);
  ok(
    await t.gql(
      `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { id } } }`,
      { i: { id: mapping.location_id, defaultVlanId: 50, vlanPoolStart: 300, vlanPoolEnd: 399 } },
      { token: owner },
    ),
  );
  await createNas(t, owner, {
    locationId: mapping.location_id,
    ipAddress: '127.0.0.1',
    coaPort: das.port,
    name: 'Kyiv AP',
  });
  await syncNow(t, owner, integrationId); // companies get VLANs from the new pool
  radius = await startRadius(t);
});

after(async () => {
  await radius?.stop();
  das?.close();
  await t?.stop();
  await sim.stop();
});

describe('Andcards lifecycles end to end', () => {
  it('members of one company share a VLAN; another company has its own', async () => {
    const [a, b, c] = [await vlanOf(alice.m), await vlanOf(bob.m), await vlanOf(carol.m)];
    assert.ok(a && Number(a) >= 300 && Number(a) <= 399, `VLAN ${a}`);
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(await vlanOf(dan.m), '50', 'no company: the location default');
  });

  it('a plan mapped to no access gives no access', async () => {
    assert.equal((await pap(vic.m)).code, 'Access-Reject');
  });

  it('an ended subscription ends access (subscription webhook)', async () => {
    assert.equal((await pap(dan.m)).code, 'Access-Accept');
    sim.endSubscription(dan.s.id);
    delivered(await sim.sendSubscriptionWebhook('subscription.updated', dan.s.id));
    await until(dan.m, 'Access-Reject', 'subscription ended');
  });

  it('a desk booking today gives access until local midnight; cancelling it ends access', async () => {
    assert.equal((await pap(erin)).code, 'Access-Reject', 'a nonmember without a booking');
    const start = new Date(Date.now() + 3_600_000);
    const booking = sim.addBooking({
      resourceRef: desk.id,
      membershipRefOwner: erin.id,
      startDate: start.toISOString(),
      endDate: new Date(start.getTime() + 3_600_000).toISOString(),
    });
    delivered(await sim.sendBookingWebhook('booking.created', booking.id));
    await until(erin, 'Access-Accept', 'booking today');
    const [grant] = await sql(
      `select g.effective_ends_at from access_grant g where g.member_id = ? and g.kind = 'DESK_BOOKING'`,
      [(await member(erin))!.id],
    );
    const end = new Date(grant.effective_ends_at);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: ZONE,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(end);
    assert.equal(local, '00:00', 'ends at midnight in the location time zone');
    assert.ok(end.getTime() > start.getTime() && end.getTime() - Date.now() <= 25 * 3_600_000);
    const timeout = Number((await pap(erin)).attributes.get('Session-Timeout')?.[0]);
    assert.ok(Math.abs(timeout - (end.getTime() - Date.now()) / 1000) < 120, `Session-Timeout ${timeout}`);

    sim.cancelBooking(booking.id);
    delivered(await sim.sendBookingWebhook('booking.canceled', booking.id));
    await until(erin, 'Access-Reject', 'booking cancelled');
    assert.equal((await member(erin))?.status, 'DISABLED', 'booking-only members are disabled, not deleted');
  });

  it('a membership deleted upstream deletes the member and disconnects the open session', async () => {
    const row = (await member(dora.m))!;
    assert.equal((await pap(dora.m)).code, 'Access-Accept');
    const started = await radius.acctStart(row.username, 'dora-session');
    assert.equal(started.code, 'Accounting-Response');
    await waitFor(
      async () =>
        (await sql(`select 1 from radius_session where acct_session_id = 'dora-session'`)).length === 1,
      10_000,
      'session recorded',
    );
    sim.deleteMembership(dora.m.id);
    delivered(await sim.sendMembershipWebhook('membership.deleted', dora.m.id));
    await waitFor(
      async () => (await sql(`select status from member where id = ?`, [row.id]))[0]?.status === 'DELETED',
      30_000,
      'member deleted',
    );
    await waitFor(
      async () => das.received.some((d) => d.sessionId === 'dora-session'),
      20_000,
      'Disconnect-Request',
    );
    assert.equal((await radius.pap(row.username, passphraseOf(row.id)!)).code, 'Access-Reject');
  });
});

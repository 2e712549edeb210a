/**
 * Member lifecycles from Nexudus to the access point (design §3, the seeds' lifecycles): the Nexudus
 * simulator is the upstream, the real API syncs it (schedule-free: "Sync now" and signed webhooks
 * through /webhooks/<token>/<Action>), and the real RADIUS worker answers radclient PAP requests
 * from two access points (127.0.0.1 at Soho, 127.0.0.2 at Camden) and sends Disconnect-Requests to
 * a UDP listener. The engine and the worker read the wall clock, so dates are set relative to now.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ok, startTestApi, waitFor, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { setupOwner } from '../../../api/src/test-support/factories.js';
import {
  DEFAULT_ADMIN,
  NexudusSimulator,
  WEBHOOK_ACTIONS,
  nxDate,
  type NxCoworker,
} from '../simulators/nexudus/nexudus-simulator.js';
import {
  createNas,
  finishedRun,
  memberProbe,
  sqlOf,
  startDasListener,
  startRadius,
  syncNow,
  zoneJustPastMidnight,
  type Radius,
} from './support.js';

const SOHO_NAS = '127.0.0.1';
const CAMDEN_NAS = '127.0.0.2';
const WEBHOOK_SECRET = 'nexudus-app-shared-secret';
const DAY = 86_400_000;

let t: TestApi;
let owner: string;
let radius: Radius;
let das: Awaited<ReturnType<typeof startDasListener>>;
let integrationId: string;
let sql: ReturnType<typeof sqlOf>;
const sim = new NexudusSimulator({ seed: 7 });
const { zone, localMidnight } = zoneJustPastMidnight();

// ---- the upstream community ------------------------------------------------------------
const soho = sim.add('businesses', { Name: 'Soho', WebAddress: 'soho' });
const camden = sim.add('businesses', { Name: 'Camden', WebAddress: 'camden' });
const deskType = sim.add('resourceTypes', { Name: 'Hot desk' });
const desk = sim.add('resources', { BusinessId: soho.Id, Name: 'Desk 1', ResourceTypeId: deskType.Id });
const hotDesk = sim.add('tariffs', { BusinessId: soho.Id, Name: 'Hot Desk', SystemTariffType: 5 });
const community = sim.add('tariffs', { BusinessId: soho.Id, Name: 'Community', SystemTariffType: 5 });
const analytical = sim.add('teams', { BusinessId: soho.Id, Name: 'Analytical Ltd' });
const compiler = sim.add('teams', { BusinessId: soho.Id, Name: 'Compiler Ltd' });

function coworker(name: string, businesses = [soho.Id]): NxCoworker {
  return sim.add('coworkers', {
    FullName: name,
    Email: `${name.toLowerCase().replace(/ /g, '.')}@example.com`,
    Businesses: businesses,
    InvoicingBusinessId: businesses[0],
    Active: true,
    UserId: sim.nextId(),
  });
}
function contract(cw: NxCoworker, tariffId = hotDesk.Id) {
  return sim.add('coworkerContracts', {
    CoworkerId: cw.Id,
    TariffId: tariffId,
    IssuedById: soho.Id,
    StartDate: nxDate(new Date(Date.now() - 30 * DAY)),
    Active: true,
    Cancelled: false,
    CancellationDate: null,
  });
}
function joinTeam(team: { TeamMembers: number[] }, cw: NxCoworker) {
  team.TeamMembers.push(cw.Id);
}

const ada = coworker('Ada Lovelace'); // team Analytical, Soho only
const grace = coworker('Grace Hopper'); // moves from Analytical to Compiler
const barbara = coworker('Barbara Liskov'); // team Compiler
const carl = coworker('Carl Cancel'); // contract cancelled with an end date, then renewed
const rita = coworker('Rita Removed'); // removed upstream
const bea = coworker('Bea Booker'); // bookings only
const chris = coworker('Chris Checkin'); // check-ins only
const vera = coworker('Vera Virtual'); // plan mapped to no access
const rover = coworker('Rover Twohomes', [soho.Id, camden.Id]); // home at both locations
const wendy = coworker('Wendy Webhook'); // contract cancelled now, through a webhook
const fay = coworker('Fay Fault'); // contract cancelled; the webhook's read fails, "Sync now" catches up
for (const cw of [ada, grace, barbara, carl, rita, rover, wendy, fay]) contract(cw);
contract(vera, community.Id);
const carlContract = sim.state.coworkerContracts.find((c) => c.CoworkerId === carl.Id)!;
const wendyContract = sim.state.coworkerContracts.find((c) => c.CoworkerId === wendy.Id)!;
const fayContract = sim.state.coworkerContracts.find((c) => c.CoworkerId === fay.Id)!;
joinTeam(analytical, ada);
joinTeam(analytical, grace);
joinTeam(compiler, barbara);
// Bea's only booking was yesterday evening, local time at Soho.
sim.add('bookings', {
  ResourceId: desk.Id,
  CoworkerId: bea.Id,
  FromTime: nxDate(new Date(localMidnight.getTime() - 3 * 3_600_000)),
  ToTime: nxDate(new Date(localMidnight.getTime() - 2 * 3_600_000)),
});

// ---- helpers ---------------------------------------------------------------------------
const email = (cw: NxCoworker) => cw.Email!.toLowerCase();
const { member, pap, answer, passphraseOf, until, vlanOf } = memberProbe<NxCoworker>({
  env: () => ({ t, token: owner, radius }),
  emailOf: email,
  timeoutMs: 20_000,
  defaultNas: SOHO_NAS,
});
async function teamVlan(team: { Id: number }): Promise<string> {
  const [g] = await sql(`select vlan_id from access_group where external_id = ?`, [String(team.Id)]);
  assert.ok(g?.vlan_id, `team ${team.Id} has no VLAN`);
  return String(g.vlan_id);
}
async function emit(action: number, record: number | Record<string, unknown>) {
  const deliveries = await sim.emitWebhook(action, record);
  assert.equal(deliveries.length, 1);
  assert.equal(deliveries[0]!.error, null, `webhook delivery failed: ${deliveries[0]!.error}`);
}
async function sessionStart(cw: NxCoworker, sessionId: string) {
  const m = (await member(cw))!;
  const r = await radius.acctStart(m.username, sessionId, SOHO_NAS);
  assert.equal(r.code, 'Accounting-Response', r.output);
  await waitFor(
    async () =>
      (await sql(`select 1 from radius_session where acct_session_id = ?`, [sessionId])).length === 1,
    10_000,
    'session recorded',
  );
}
const disconnected = (sessionId: string) =>
  waitFor(async () => das.received.some((d) => d.sessionId === sessionId), 20_000, `Disconnect ${sessionId}`);

before(async () => {
  const baseUrl = await sim.start();
  t = await startTestApi({ env: { PUBLIC_URL: 'https://wifi.example.com' } });
  sql = sqlOf(t);
  owner = await setupOwner(t);
  das = await startDasListener();

  const created = ok(
    await t.gql(
      `mutation($i: CreateIntegrationInput!) { createIntegration(input: $i) {
         integration { id webhookUrl } run { id } } }`,
      {
        i: {
          kind: 'NEXUDUS',
          name: 'Nexudus',
          baseUrl,
          credentials: { email: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password },
          settings: {
            checkInAccess: true,
            planMappings: [{ planExternalId: String(community.Id), noAccess: true }],
          },
          webhookSecret: WEBHOOK_SECRET,
        },
      },
      { token: owner },
    ),
  ).createIntegration;
  integrationId = created.integration.id;
  await finishedRun(t, owner, created.run.id);
  const hookBase = (created.integration.webhookUrl as string).replace('https://wifi.example.com', t.url);
  for (const [name, action] of Object.entries(WEBHOOK_ACTIONS))
    sim.registerWebhook({ url: `${hookBase}/${name}`, action, secret: WEBHOOK_SECRET });

  // The first sync created the two locations; the admin sets them up and adds one AP each.
  const mapped = await sql(
    `select lm.external_id, lm.location_id from location_mapping lm where lm.integration_id = ?`,
    [integrationId],
  );
  const locationOf = (b: { Id: number }) => mapped.find((m) => m.external_id === String(b.Id))!.location_id;
  const setup = async (b: { Id: number }, fields: Record<string, unknown>) =>
    ok(
      await t.gql(
        `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { id } } }`,
        { i: { id: locationOf(b), ssids: ['Lanyard'], ...fields } },
        { token: owner },
      ),
    );
  await setup(soho, { timezone: zone, defaultVlanId: 30, vlanPoolStart: 100, vlanPoolEnd: 199 });
  await setup(camden, { defaultVlanId: 40, vlanPoolStart: 200, vlanPoolEnd: 299 });
  await createNas(t, owner, {
    locationId: locationOf(soho),
    ipAddress: SOHO_NAS,
    coaPort: das.port,
    name: 'Soho AP',
  });
  await createNas(t, owner, {
    locationId: locationOf(camden),
    ipAddress: CAMDEN_NAS,
    coaPort: das.port,
    name: 'Camden AP',
  });
  // With the VLAN pools in place, a full run gives the teams their VLANs.
  await syncNow(t, owner, integrationId);
  radius = await startRadius(t);
});

after(async () => {
  await radius?.stop();
  das?.close();
  await t?.stop();
  await sim.stop();
});

describe('Nexudus lifecycles end to end', () => {
  it('a member with a contract gets access with the VLAN of their team; others with the default VLAN', async () => {
    assert.equal((await pap(ada)).code, 'Access-Accept');
    assert.equal(await vlanOf(ada), await teamVlan(analytical));
    assert.equal(await vlanOf(barbara), await teamVlan(compiler));
    assert.notEqual(await teamVlan(analytical), await teamVlan(compiler));
    assert.equal(await vlanOf(carl), '30');
  });

  it('a new member upstream is provisioned by the webhook and gets access with the right VLAN', async () => {
    const newbie = coworker('Nora Newbie');
    contract(newbie);
    joinTeam(compiler, newbie);
    await emit(WEBHOOK_ACTIONS.CoworkerCreate, newbie.Id);
    await waitFor(async () => (await member(newbie))?.status === 'ACTIVE', 20_000, 'newbie provisioned');
    await until(newbie, 'Access-Accept', 'new member');
    assert.equal(await vlanOf(newbie), await teamVlan(compiler));
  });

  it('a contract cancelled with an end date gives access until then, not after, and disconnects at the end', async () => {
    // Nexudus dates have whole seconds.
    const endsAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 6_000);
    sim.update('coworkerContracts', carlContract.Id, { Cancelled: true, CancellationDate: nxDate(endsAt) });
    await emit(WEBHOOK_ACTIONS.CoworkerContractCancel, carlContract.Id);
    // Still allowed, but only until the end date: the Session-Timeout says so.
    const timeout = await waitFor(
      async () => {
        const r = await pap(carl);
        const s = Number(r.attributes.get('Session-Timeout')?.[0]);
        return r.code === 'Access-Accept' && s <= 6 ? s : null;
      },
      20_000,
      'Session-Timeout capped by the end date',
    );
    assert.ok(timeout >= 1);
    await sessionStart(carl, 'carl-session');
    await until(carl, 'Access-Reject', 'after the end date');
    assert.ok(Date.now() >= endsAt.getTime());
    await disconnected('carl-session');
  });

  it('the renewed contract restores access', async () => {
    sim.update('coworkerContracts', carlContract.Id, {
      Cancelled: false,
      CancellationDate: null,
      Active: true,
      RenewalDate: nxDate(new Date(Date.now() + 30 * DAY)),
    });
    await emit(WEBHOOK_ACTIONS.CoworkerContractRenew, carlContract.Id);
    await until(carl, 'Access-Accept', 'after renewal');
    assert.equal((await member(carl))?.status, 'ACTIVE');
  });

  it('a member removed upstream is deleted and their open session gets a Disconnect-Request', async () => {
    assert.equal(await answer(rita), 'Access-Accept');
    await sessionStart(rita, 'rita-session');
    const dto = sim.remove('coworkers', rita.Id);
    await emit(WEBHOOK_ACTIONS.CoworkerDelete, dto);
    await waitFor(
      async () => {
        const rows = await sql(`select status from member where email_normalized = ?`, [email(rita)]);
        return rows.length === 0 || rows[0].status === 'DELETED';
      },
      20_000,
      'member deleted',
    );
    await disconnected('rita-session');
    const m = (await sql(`select username from member where email_normalized = ?`, [email(rita)]))[0];
    if (m) {
      const r = await radius.pap(m.username, passphraseOf((await member(rita))!.id)!, SOHO_NAS);
      assert.equal(r.code, 'Access-Reject');
    }
  });

  it('a team change moves the member to the new team VLAN', async () => {
    assert.equal(await vlanOf(grace), await teamVlan(analytical));
    analytical.TeamMembers = analytical.TeamMembers.filter((id) => id !== grace.Id);
    joinTeam(compiler, grace);
    sim.update('coworkers', grace.Id, {});
    await emit(WEBHOOK_ACTIONS.CoworkerUpdate, grace.Id);
    const target = await teamVlan(compiler);
    await waitFor(async () => (await vlanOf(grace)) === target, 20_000, 'VLAN of the new team');
    assert.equal(await answer(grace), 'Access-Accept');
  });

  it('a booking-only member is disabled once the booking day is over, and a booking today re-enables them until local midnight', async () => {
    // Yesterday's booking (local time at Soho) gave its day; that day is over.
    assert.equal((await member(bea))?.status, 'DISABLED');
    assert.equal(await answer(bea), 'Access-Reject');

    const from = new Date(Date.now() + 3_600_000);
    const booking = sim.add('bookings', {
      ResourceId: desk.Id,
      CoworkerId: bea.Id,
      FromTime: nxDate(from),
      ToTime: nxDate(new Date(from.getTime() + 3_600_000)),
    });
    await emit(WEBHOOK_ACTIONS.BookingCreate, booking.Id);
    await until(bea, 'Access-Accept', 'booking today');
    assert.equal((await member(bea))?.status, 'ACTIVE');
    // Valid for the whole local day: until the next midnight at Soho, not the booking's end.
    const r = await pap(bea);
    const nextMidnight = localMidnight.getTime() + DAY;
    const expected = (nextMidnight - Date.now()) / 1000;
    const timeout = Number(r.attributes.get('Session-Timeout')?.[0]);
    assert.ok(Math.abs(timeout - expected) < 120, `Session-Timeout ${timeout}, expected about ${expected}`);
    const [grant] = await sql(
      `select g.effective_ends_at from access_grant g join member m on m.id = g.member_id
        where m.email_normalized = ? and g.kind = 'DESK_BOOKING' order by g.effective_ends_at desc limit 1`,
      [email(bea)],
    );
    assert.equal(new Date(grant.effective_ends_at).getTime(), nextMidnight);
  });

  it('a check-in gives access until checkout', async () => {
    assert.equal(await answer(chris), 'Access-Reject', 'no contract, no check-in yet');
    const checkin = sim.add('checkins', {
      CoworkerId: chris.Id,
      BusinessId: soho.Id,
      FromTime: nxDate(new Date(Date.now() - 60_000)),
      ToTime: null,
    });
    await emit(WEBHOOK_ACTIONS.CoworkerCheckin, checkin.Id);
    await until(chris, 'Access-Accept', 'checked in');
    sim.update('checkins', checkin.Id, { ToTime: nxDate(new Date()) });
    await emit(WEBHOOK_ACTIONS.CoworkerCheckout, checkin.Id);
    await until(chris, 'Access-Reject', 'checked out');
  });

  it('a plan mapped to no access gives no access', async () => {
    assert.equal((await member(vera))?.status, 'ACTIVE');
    assert.equal(await answer(vera), 'Access-Reject');
    const m = (await member(vera))!;
    await waitFor(
      async () =>
        (await sql(`select 1 from auth_event where member_id = ? and reason = 'PLAN_WITHOUT_WIFI'`, [m.id]))
          .length > 0,
      10_000,
      'auth event with the reason',
    );
  });

  it('roaming off: access at the home locations only; roaming on: everywhere', async () => {
    assert.equal(await answer(ada, SOHO_NAS), 'Access-Accept');
    assert.equal(await answer(ada, CAMDEN_NAS), 'Access-Reject');
    assert.equal(await answer(rover, CAMDEN_NAS), 'Access-Accept');
    assert.equal((await pap(rover, CAMDEN_NAS)).attributes.get('Tunnel-Private-Group-Id')?.[0], '40');

    ok(
      await t.gql(
        `mutation($i: UpdateIntegrationInput!) { updateIntegration(input: $i) { integration { id } } }`,
        { i: { id: integrationId, settings: { roaming: true } } },
        { token: owner },
      ),
    );
    await syncNow(t, owner, integrationId);
    await until(ada, 'Access-Accept', 'roaming on', CAMDEN_NAS);
  });

  it('a signed webhook (contract cancelled) turns the next Access-Request into a reject and disconnects', async () => {
    assert.equal(await answer(wendy), 'Access-Accept');
    await sessionStart(wendy, 'wendy-session');
    sim.update('coworkerContracts', wendyContract.Id, {
      Cancelled: true,
      CancellationDate: nxDate(new Date(Date.now() - 1000)),
    });
    await emit(WEBHOOK_ACTIONS.CoworkerContractCancel, wendyContract.Id);
    await until(wendy, 'Access-Reject', 'after the webhook');
    await disconnected('wendy-session');
    const [delivery] = await sql(
      `select verified, outcome from webhook_delivery where event = 'CoworkerContractCancel' order by created_at desc limit 1`,
    );
    assert.equal(delivery.verified, true);
    assert.equal(delivery.outcome, 'QUEUED');
  });
  it('a webhook whose upstream read fails changes nothing; "Sync now" reads the change afterwards', async () => {
    assert.equal(await answer(fay), 'Access-Accept');
    const m = (await member(fay))!;
    const grants = () =>
      sql(`select id, updated_at, effective_ends_at from access_grant where member_id = ? order by id`, [
        m.id,
      ]);
    const before = await grants();
    sim.update('coworkerContracts', fayContract.Id, {
      Cancelled: true,
      CancellationDate: nxDate(new Date(Date.now() - 1000)),
    });
    // the member's check-ins are refused while their contracts, bookings and coworker record arrive
    sim.failNext(400, { path: '/api/spaces/checkins' });
    await emit(WEBHOOK_ACTIONS.CoworkerContractCancel, fayContract.Id);
    const run = await waitFor(
      async () =>
        (
          await sql(
            `select r.status, r.error from webhook_delivery d join sync_run r on r.id = d.sync_run_id
              where d.event = 'CoworkerContractCancel' order by d.created_at desc limit 1`,
          )
        ).find((r) => ['FAILED', 'SUCCEEDED'].includes(r.status)),
      20_000,
      'the webhook run ends',
    );
    assert.equal(run.status, 'FAILED');
    assert.match(run.error, /^UPSTREAM_REJECTED:/);
    assert.deepEqual(await grants(), before, 'nothing changed');
    assert.equal(await answer(fay), 'Access-Accept');

    await syncNow(t, owner, integrationId); // changes only: the contract's update is among them
    await until(fay, 'Access-Reject', 'after Sync now');
  });
});

/**
 * Child process of the RADIUS benchmarks: migrates the database named by DATABASE_URL through the
 * real API and creates, through GraphQL, the first admin, one location (SSID, default VLAN) and one
 * hostapd NAS client at 127.0.0.1. Run with the API package as working directory, so that tsx
 * compiles the API's sources with the API's tsconfig (legacy decorators). Prints one JSON line.
 *
 * BENCH_EXTRA_LOCATIONS=N (default 0) adds N more locations (SSIDs from BENCH_EXTRA_SSIDS, comma
 * separated, on every other one; time zones in turn), each with two NAS clients (an address and a
 * /24 network), one PLAN group with bandwidth limits and a pool of 200 VLANs (so N ≤ 18); the first
 * location gets such a group too.
 */
import { ok, startTestApi, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { createLocation, setupOwner } from '../../../api/src/test-support/factories.js';

const url = process.env.DATABASE_URL!;
const ssid = process.env.BENCH_SSID!;
const vlanId = Number(process.env.BENCH_VLAN_ID);
const extraLocations = Number(process.env.BENCH_EXTRA_LOCATIONS ?? 0);
const extraSsids = (process.env.BENCH_EXTRA_SSIDS ?? '').split(',').filter(Boolean);
const TIMEZONES = ['Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Singapore', 'Europe/Berlin'];

async function createNas(t: TestApi, token: string, locationId: string, i: Record<string, unknown>) {
  ok(
    await t.gql(
      `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`,
      { i: { locationId, requireMessageAuthenticator: true, ...i } },
      { token },
    ),
  );
}

async function createPlanGroup(t: TestApi, token: string, locationId: string, n: number) {
  ok(
    await t.gql(
      `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }`,
      {
        i: {
          locationId,
          name: `Plan ${n}`,
          origin: 'PLAN',
          bandwidthUpKbps: 10_000 + n,
          bandwidthDownKbps: 50_000 + n,
          sessionTimeoutSeconds: 28_800,
          maxDevices: 3,
        },
      },
      { token },
    ),
  );
}

const t = await startTestApi({ db: { url, drop: async () => undefined } });
try {
  const owner = await setupOwner(t);
  const location = await createLocation(t, owner, {
    ssids: [ssid, ...(extraLocations ? extraSsids : [])],
    defaultVlanId: vlanId,
  });
  await createNas(t, owner, location.id, {
    name: 'bench AP',
    ipAddress: '127.0.0.1',
    vendor: 'hostapd',
    secret: process.env.BENCH_NAS_SECRET,
  });
  const locationIds = [location.id];
  if (extraLocations) await createPlanGroup(t, owner, location.id, 0);
  for (let n = 1; n <= extraLocations; n++) {
    const extra = await createLocation(t, owner, {
      ssids: n % 2 ? [ssid] : [ssid, ...extraSsids],
      timezone: TIMEZONES[n % TIMEZONES.length],
      defaultVlanId: vlanId + n,
      vlanPoolStart: 300 + 200 * n,
      vlanPoolEnd: 499 + 200 * n,
    });
    locationIds.push(extra.id);
    await createNas(t, owner, extra.id, {
      name: `AP ${n}`,
      ipAddress: `10.${n}.0.1`,
      vendor: 'unifi',
    });
    await createNas(t, owner, extra.id, {
      name: `Controller network ${n}`,
      ipAddress: `10.${n}.1.0/24`,
      vendor: 'meraki',
    });
    await createPlanGroup(t, owner, extra.id, n);
  }
  process.stdout.write(
    `${JSON.stringify({ secretKey: t.secretKey, locationId: location.id, locationIds })}\n`,
  );
} finally {
  await t.stop();
}

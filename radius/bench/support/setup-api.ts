/**
 * Child process of the RADIUS benchmark: migrates the database named by DATABASE_URL through the
 * real API and creates, through GraphQL, the first admin, one location (SSID, default VLAN) and one
 * hostapd NAS client at 127.0.0.1. Run with the API package as working directory, so that tsx
 * compiles the API's sources with the API's tsconfig (legacy decorators). Prints one JSON line.
 */
import { ok, startTestApi } from '../../../api/src/test-support/api-harness.js';
import { createLocation, setupOwner } from '../../../api/src/test-support/factories.js';

const url = process.env.DATABASE_URL!;
const ssid = process.env.BENCH_SSID!;
const vlanId = Number(process.env.BENCH_VLAN_ID);
const t = await startTestApi({ db: { url, drop: async () => undefined } });
try {
  const owner = await setupOwner(t);
  const location = await createLocation(t, owner, { ssids: [ssid], defaultVlanId: vlanId });
  ok(
    await t.gql(
      `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`,
      {
        i: {
          locationId: location.id,
          name: 'bench AP',
          ipAddress: '127.0.0.1',
          vendor: 'hostapd',
          secret: process.env.BENCH_NAS_SECRET,
          requireMessageAuthenticator: true,
        },
      },
      { token: owner },
    ),
  );
  process.stdout.write(`${JSON.stringify({ secretKey: t.secretKey, locationId: location.id })}\n`);
} finally {
  await t.stop();
}

/**
 * NAS addressing: the RADIUS worker finds the NAS by the request's source address, so no address
 * may match two NAS clients, and no NAS may claim (nearly) the whole internet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, ok, startTestApi, type GqlResult, type TestApi } from '../../test-support/api-harness.js';
import { createAdmin, createLocation, setupOwner } from '../../test-support/factories.js';

let t: TestApi;
let owner: string;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);
const nasCount = async () => Number((await sql('select count(*)::int n from nas_client'))[0].n);

before(async () => {
  t = await startTestApi();
  owner = await setupOwner(t);
});
after(() => t.stop());

const CREATE_NAS = `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id ipAddress } } }`;
const UPDATE_NAS = `mutation($i: UpdateNasClientInput!) { updateNasClient(input: $i) { nasClient { id ipAddress } } }`;

const createNas = (token: string, locationId: string, ipAddress: string) =>
  t.gql(CREATE_NAS, { i: { locationId, name: `AP ${ipAddress}`, ipAddress, vendor: 'generic' } }, { token });
const created = async (token: string, locationId: string, ipAddress: string) =>
  ok(await createNas(token, locationId, ipAddress)).createNasClient.nasClient as {
    id: string;
    ipAddress: string;
  };
const problemCodes = (r: GqlResult): string[] =>
  (r.errors?.[0]?.extensions?.problems ?? []).map((p: { code: string }) => p.code);

describe('NAS addresses', () => {
  it("refuses a location manager's overlapping and too-broad addresses, naming only NAS they may see", async () => {
    const a = await createLocation(t, owner);
    const b = await createLocation(t, owner);
    const nasB = await created(owner, b.id, '192.168.50.0/24');
    const lm = await createAdmin(t, owner, 'LOCATION_MANAGER', [a.id]);
    const before = await nasCount();

    // Too broad: would swallow location B's (and everybody's) traffic.
    for (const ip of ['0.0.0.0/0', '::/0', '::ffff:0.0.0.0/96', '10.0.0.0/7', '2000::/31']) {
      const r = await createNas(lm.token, a.id, ip);
      assert.equal(codeOf(r), 'VALIDATION_FAILED', ip);
      assert.deepEqual(problemCodes(r), ['CIDR_TOO_BROAD'], ip);
    }
    // Inside B's network, in either spelling: refused without revealing B's NAS.
    for (const ip of ['192.168.50.7', '::ffff:192.168.50.7', '192.168.50.128/25']) {
      const r = await createNas(lm.token, a.id, ip);
      assert.equal(codeOf(r), 'CONFLICT', ip);
      const ext = r.errors![0]!.extensions!;
      assert.equal(ext.nasClientId, undefined, ip);
      assert.ok(!r.errors![0]!.message.includes('192.168.50.0'), r.errors![0]!.message);
    }
    // Containing B's network.
    assert.equal(codeOf(await createNas(lm.token, a.id, '192.168.0.0/16')), 'CONFLICT');
    // The same network as B, spelt as IPv4-mapped IPv6: a duplicate.
    const dup = await createNas(lm.token, a.id, '::ffff:192.168.50.0/120');
    assert.equal(codeOf(dup), 'ALREADY_EXISTS');
    assert.equal(dup.errors![0]!.extensions!.nasClientId, undefined);
    assert.equal(await nasCount(), before);

    // The owner sees which NAS is in the way.
    const r = await createNas(owner, a.id, '192.168.50.7');
    assert.equal(codeOf(r), 'CONFLICT');
    assert.equal(r.errors![0]!.extensions!.nasClientId, nasB.id);
    assert.equal(r.errors![0]!.extensions!.ipAddress, '192.168.50.0/24');

    // Neighbours are fine, and IPv4-mapped addresses are stored as IPv4.
    assert.equal((await created(lm.token, a.id, '192.168.51.0/24')).ipAddress, '192.168.51.0/24');
    assert.equal((await created(lm.token, a.id, '::ffff:192.168.49.255')).ipAddress, '192.168.49.255');
    assert.equal((await created(lm.token, a.id, '10.0.0.0/8')).ipAddress, '10.0.0.0/8');
    assert.equal((await created(owner, a.id, '2001:db8::/32')).ipAddress, '2001:db8::/32');
  });

  it('checks updates against every other NAS, not against the NAS itself', async () => {
    const loc = await createLocation(t, owner);
    const host = await created(owner, loc.id, '172.20.5.9');
    const net = await created(owner, loc.id, '172.21.0.0/16');
    const update = (id: string, ipAddress: string) =>
      t.gql(UPDATE_NAS, { i: { id, ipAddress } }, { token: owner });

    // A network around the host, or the host moved into the network: ambiguous.
    const r = await update(net.id, '172.20.0.0/14');
    assert.equal(codeOf(r), 'CONFLICT');
    assert.equal(r.errors![0]!.extensions!.nasClientId, host.id);
    assert.equal(codeOf(await update(host.id, '172.21.3.4')), 'CONFLICT');
    assert.equal(codeOf(await update(host.id, '::ffff:172.21.3.4')), 'CONFLICT');
    assert.equal(codeOf(await update(host.id, '172.21.0.0/16')), 'ALREADY_EXISTS');
    assert.equal(codeOf(await update(host.id, '0.0.0.0/0')), 'VALIDATION_FAILED');
    // Narrowing or widening a NAS's own network only compares with the others.
    assert.equal(
      ok(await update(net.id, '172.21.8.0/24')).updateNasClient.nasClient.ipAddress,
      '172.21.8.0/24',
    );
    assert.equal(
      ok(await update(net.id, '172.21.0.0/16')).updateNasClient.nasClient.ipAddress,
      '172.21.0.0/16',
    );
    assert.equal(ok(await update(host.id, '172.20.5.9')).updateNasClient.nasClient.ipAddress, '172.20.5.9');
    const rows = await sql('select id, ip_address from nas_client where id in (?, ?) order by ip_address', [
      host.id,
      net.id,
    ]);
    assert.deepEqual(
      rows.map((x) => x.ip_address),
      ['172.20.5.9', '172.21.0.0/16'],
    );
  });

  it('concurrent overlapping registrations: exactly one wins', async () => {
    const loc = await createLocation(t, owner);
    const results = await Promise.all(
      ['100.64.0.0/16', '100.64.1.0/24', '100.64.1.7', '100.64.0.0/10'].map((ip) =>
        createNas(owner, loc.id, ip),
      ),
    );
    const wins = results.filter((r) => !r.errors);
    assert.equal(wins.length, 1, JSON.stringify(results.map((r) => codeOf(r) ?? 'ok')));
    assert.ok(results.every((r) => !r.errors || codeOf(r) === 'CONFLICT'));
  });
});

/** VLANs of groups: one group per VLAN at a location, whatever path hands the VLAN out. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, ok, startTestApi, type GqlResult, type TestApi } from '../../test-support/api-harness.js';
import { createLocation, setupOwner } from '../../test-support/factories.js';

let t: TestApi;
let owner: string;
const sql = (q: string, p: unknown[] = []): Promise<any[]> => t.api.orm.em.fork().execute(q, p);

before(async () => {
  t = await startTestApi();
  owner = await setupOwner(t);
});
after(() => t.stop());

interface G {
  id: string;
  vlanId: number | null;
  vlanAutoAllocated: boolean;
  location: { id: string } | null;
}
const FIELDS = 'id vlanId vlanAutoAllocated location { id }';

const createGroupRaw = (input: Record<string, unknown>) =>
  t.gql(
    `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { ${FIELDS} } } }`,
    { i: { name: `G-${Math.random().toString(36).slice(2, 8)}`, origin: 'TEAM', ...input } },
    { token: owner },
  );
const createGroup = async (input: Record<string, unknown>): Promise<G> =>
  ok(await createGroupRaw(input)).createGroup.group;
const updateGroupRaw = (id: string, input: Record<string, unknown>) =>
  t.gql(
    `mutation($i: UpdateGroupInput!) { updateGroup(input: $i) { group { ${FIELDS} } } }`,
    { i: { id, ...input } },
    { token: owner },
  );
const updateGroup = async (id: string, input: Record<string, unknown>): Promise<G> =>
  ok(await updateGroupRaw(id, input)).updateGroup.group;
const updateLocation = (id: string, input: Record<string, unknown>) =>
  t.gql(
    `mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { location { id vlanPoolStart vlanPoolEnd defaultVlanId } } }`,
    { i: { id, ...input } },
    { token: owner },
  );
const vlanOf = async (id: string) =>
  (await sql('select vlan_id, vlan_auto_allocated from access_group where id = ?', [id]))[0];
const ext = (r: GqlResult) => r.errors?.[0]?.extensions ?? {};

describe('group VLANs', () => {
  it('moving a group re-allocates its pool VLAN from the new location, or clears it', async () => {
    const l1 = await createLocation(t, owner, { vlanPoolStart: 500, vlanPoolEnd: 501 });
    const l2 = await createLocation(t, owner, { vlanPoolStart: 500, vlanPoolEnd: 502 });
    const noPool = await createLocation(t, owner);
    const there = await createGroup({ locationId: l2.id, autoVlan: true });
    assert.equal(there.vlanId, 500);
    const moving = await createGroup({ locationId: l1.id, autoVlan: true });
    assert.equal(moving.vlanId, 500);

    const moved = await updateGroup(moving.id, { locationId: l2.id });
    assert.equal(moved.location?.id, l2.id);
    assert.equal(moved.vlanId, 501, 'not the 500 the group at l2 already has');
    assert.equal(moved.vlanAutoAllocated, true);

    const toNoPool = await updateGroup(moving.id, { locationId: noPool.id });
    assert.deepEqual([toNoPool.vlanId, toNoPool.vlanAutoAllocated], [null, false]);

    const back = await updateGroup(moving.id, { locationId: l1.id, autoVlan: true });
    assert.equal(back.vlanId, 500);
    const nowhere = await updateGroup(moving.id, { locationId: null });
    assert.deepEqual([nowhere.location, nowhere.vlanId, nowhere.vlanAutoAllocated], [null, null, false]);

    // A manual VLAN moves along, unless it is taken at the new location.
    const manual = await createGroup({ locationId: l1.id, vlanId: 77 });
    assert.equal((await updateGroup(manual.id, { locationId: l2.id })).vlanId, 77);
    const taken = await createGroup({ locationId: l1.id, vlanId: 500 });
    const r = await updateGroupRaw(taken.id, { locationId: l2.id });
    assert.equal(codeOf(r), 'CONFLICT', 'VLAN 500 is used by another group at l2');
    assert.equal(ext(r).groupId, there.id);
  });

  it('autoVlan on a group that already holds a free pool VLAN keeps it', async () => {
    const loc = await createLocation(t, owner, { vlanPoolStart: 700, vlanPoolEnd: 703 });
    const a = await createGroup({ locationId: loc.id, autoVlan: true });
    const b = await createGroup({ locationId: loc.id, autoVlan: true });
    assert.deepEqual([a.vlanId, b.vlanId], [700, 701]);
    ok(
      await t.gql(
        `mutation($id: ID!) { deleteGroup(id: $id) { deletedId } }`,
        { id: a.id },
        { token: owner },
      ),
    );
    const again = await updateGroup(b.id, { autoVlan: true });
    assert.deepEqual([again.vlanId, again.vlanAutoAllocated], [701, true]);
    // A manual VLAN inside the pool is adopted as the pool VLAN.
    const c = await createGroup({ locationId: loc.id, vlanId: 703 });
    assert.equal(c.vlanAutoAllocated, false);
    const adopted = await updateGroup(c.id, { autoVlan: true });
    assert.deepEqual([adopted.vlanId, adopted.vlanAutoAllocated], [703, true]);
    // One outside the pool is replaced by the lowest free one.
    const d = await createGroup({ locationId: loc.id, vlanId: 42 });
    assert.equal((await updateGroup(d.id, { autoVlan: true })).vlanId, 700);
  });

  it("never allocates the location's default VLAN", async () => {
    const loc = await createLocation(t, owner, { vlanPoolStart: 800, vlanPoolEnd: 801, defaultVlanId: 800 });
    assert.equal((await createGroup({ locationId: loc.id, autoVlan: true })).vlanId, 801);
    assert.equal(codeOf(await createGroupRaw({ locationId: loc.id, autoVlan: true })), 'VLAN_POOL_EXHAUSTED');
  });

  it('refuses a manual VLAN another group at the location uses', async () => {
    const loc = await createLocation(t, owner, { vlanPoolStart: 900, vlanPoolEnd: 901 });
    const other = await createLocation(t, owner);
    const auto = await createGroup({ locationId: loc.id, autoVlan: true });
    const manual = await createGroup({ locationId: loc.id, vlanId: 950 });
    for (const vlanId of [auto.vlanId, 950]) {
      const r = await createGroupRaw({ locationId: loc.id, vlanId });
      assert.equal(codeOf(r), 'CONFLICT', String(vlanId));
      assert.equal(ext(r).vlanId, vlanId);
    }
    const g = await createGroup({ locationId: loc.id, vlanId: 951 });
    assert.equal(codeOf(await updateGroupRaw(g.id, { vlanId: 950 })), 'CONFLICT');
    assert.equal((await vlanOf(g.id)).vlan_id, 951);
    // The pool skips manual VLANs inside it.
    await updateGroup(manual.id, { vlanId: 901 });
    assert.equal(codeOf(await createGroupRaw({ locationId: loc.id, autoVlan: true })), 'VLAN_POOL_EXHAUSTED');
    // Same VLAN elsewhere, without a location, or re-setting a group's own VLAN: fine.
    assert.equal((await createGroup({ locationId: other.id, vlanId: 950 })).vlanId, 950);
    assert.equal((await createGroup({ vlanId: 950 })).vlanId, 950);
    assert.equal((await updateGroup(g.id, { vlanId: 951 })).vlanId, 951);
  });

  it('concurrent manual VLANs at one location: exactly one wins', async () => {
    const loc = await createLocation(t, owner);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => createGroupRaw({ locationId: loc.id, vlanId: 1234 })),
    );
    assert.equal(results.filter((r) => !r.errors).length, 1);
    assert.ok(results.every((r) => !r.errors || codeOf(r) === 'CONFLICT'));
  });

  it('a partial unique index backs it up', async () => {
    const loc = await createLocation(t, owner);
    await createGroup({ locationId: loc.id, vlanId: 1500 });
    const insert = (locationId: string | null, vlanId: number | null) =>
      sql(
        `insert into access_group (id, name, origin, location_id, vlan_id) values (gen_random_uuid(), 'raw', 'MANUAL', ?, ?)`,
        [locationId, vlanId],
      );
    await assert.rejects(insert(loc.id, 1500), /access_group_location_vlan_unique/);
    await insert(null, 1500);
    await insert(null, 1500);
    await insert(loc.id, null);
    await insert(loc.id, null);
  });

  it('a location pool may not shrink below the automatic VLANs in use', async () => {
    const loc = await createLocation(t, owner, { vlanPoolStart: 1000, vlanPoolEnd: 1003 });
    await createGroup({ locationId: loc.id, autoVlan: true }); // 1000
    await createGroup({ locationId: loc.id, autoVlan: true }); // 1001
    await createGroup({ locationId: loc.id, vlanId: 1100 }); // manual: not the pool's business
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ vlanPoolStart: 1000, vlanPoolEnd: 1000 }, 1],
      [{ vlanPoolStart: 1002, vlanPoolEnd: 1003 }, 2],
      [{ vlanPoolStart: null, vlanPoolEnd: null }, 2],
      [{ defaultVlanId: 1001 }, 1],
    ];
    for (const [input, groups] of cases) {
      const r = await updateLocation(loc.id, input);
      assert.equal(codeOf(r), 'CONFLICT', JSON.stringify(input));
      assert.equal(ext(r).groups, groups, JSON.stringify(input));
    }
    const [row] = await sql(
      'select vlan_pool_start, vlan_pool_end, default_vlan_id from location where id = ?',
      [loc.id],
    );
    assert.deepEqual([row.vlan_pool_start, row.vlan_pool_end, row.default_vlan_id], [1000, 1003, null]);
    const fine = ok(
      await updateLocation(loc.id, { vlanPoolStart: 1000, vlanPoolEnd: 1001, defaultVlanId: 1100 }),
    );
    assert.deepEqual(fine.updateLocation.location.vlanPoolEnd, 1001);
    ok(await updateLocation(loc.id, { vlanPoolStart: 999, vlanPoolEnd: 2000 }));
  });
});

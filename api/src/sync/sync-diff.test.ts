import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  UpstreamBooking,
  UpstreamCheckIn,
  UpstreamMember,
  UpstreamMembership,
  UpstreamSnapshot,
} from '../integrations/connector.js';
import {
  DEFAULT_INTEGRATION_SETTINGS,
  type IntegrationSettings,
} from '../integrations/integration-settings.js';
import { computeSyncPlan, type CurrentMember, type SyncState } from './sync-diff.js';
import { accessMayBegin, holdReason, type SyncPlan } from './sync-plan.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const LOC = 'loc-1';
const LOC2 = 'loc-2';
const INT = 'int-1';

function member(ext: string, overrides: Partial<UpstreamMember> = {}): UpstreamMember {
  return {
    externalId: ext,
    email: `${ext}@example.com`,
    fullName: `Person ${ext}`,
    company: null,
    locationExternalIds: ['b1'],
    homeLocationExternalId: 'b1',
    groupExternalIds: [],
    active: true,
    fields: {},
    ...overrides,
  };
}
function membership(ext: string, memberExt: string, o: Partial<UpstreamMembership> = {}): UpstreamMembership {
  return {
    externalId: ext,
    memberExternalId: memberExt,
    planExternalId: 'hot-desk',
    locationExternalId: 'b1',
    startsAt: new Date('2026-01-01T00:00:00Z'),
    endsAt: null,
    cancelledAt: null,
    ...o,
  };
}
function booking(ext: string, memberExt: string, o: Partial<UpstreamBooking> = {}): UpstreamBooking {
  return {
    externalId: ext,
    memberExternalId: memberExt,
    locationExternalId: 'b1',
    kind: 'DESK',
    startsAt: new Date('2026-03-10T09:00:00Z'),
    endsAt: new Date('2026-03-10T17:00:00Z'),
    ...o,
  };
}
function checkIn(ext: string, memberExt: string, o: Partial<UpstreamCheckIn> = {}): UpstreamCheckIn {
  return {
    externalId: ext,
    memberExternalId: memberExt,
    locationExternalId: 'b1',
    checkedInAt: new Date('2026-03-10T08:00:00Z'),
    checkedOutAt: null,
    macAddresses: [],
    ...o,
  };
}
function snapshot(o: Partial<UpstreamSnapshot> = {}): UpstreamSnapshot {
  return {
    scope: { kind: 'FULL' },
    fetchedAt: NOW,
    locations: [{ externalId: 'b1', name: 'Soho', timezone: 'Europe/London' }],
    groups: [],
    plans: [
      { externalId: 'hot-desk', name: 'Hot desk', locationExternalId: 'b1', virtual: false },
      { externalId: 'vo', name: 'Virtual office', locationExternalId: 'b1', virtual: true },
    ],
    members: [],
    memberships: [],
    bookings: [],
    checkIns: [],
    ...o,
  };
}
function emptyState(): SyncState {
  return {
    integrationId: INT,
    locationMappings: { b1: LOC },
    locations: [
      { id: LOC, timezone: 'Europe/London', hasVlanPool: true },
      { id: LOC2, timezone: 'America/New_York', hasVlanPool: false },
    ],
    members: [],
    grants: [],
    groups: [],
    usernameOwners: {},
    fingerprintOwners: {},
    deviceOwners: {},
  };
}
function settings(o: Partial<IntegrationSettings> = {}): IntegrationSettings {
  return { ...DEFAULT_INTEGRATION_SETTINGS, ...o };
}
let n = 0;
function diff(snap: UpstreamSnapshot, state: SyncState, s: Partial<IntegrationSettings> = {}, now = NOW) {
  return computeSyncPlan({
    snapshot: snap,
    state,
    settings: settings(s),
    now,
    newId: () => `new-${++n}`,
    fingerprint: (p) => `fp:${p}`,
  });
}

/** What the database would hold after applying `plan` (the part of it the diff reads back). */
function reflect(state: SyncState, plan: SyncPlan): SyncState {
  const next: SyncState = structuredClone(state);
  for (const l of plan.locations) {
    next.locationMappings[l.externalId] = l.id;
    next.locations.push({ id: l.id, timezone: l.timezone, hasVlanPool: false });
  }
  const byId = new Map(next.members.map((m) => [m.id, m]));
  for (const c of plan.members.create) {
    const m: CurrentMember = byId.get(c.id) ?? {
      id: c.id,
      email: c.email,
      emailNormalized: c.emailNormalized,
      fullName: c.fullName,
      company: c.company,
      username: c.username,
      status: c.status,
      passphraseFingerprint: null,
      homeLocationIds: [],
      groupIds: [],
      sourceExternalIds: [],
      disabledBySync: false,
      otherSources: false,
      otherGrantsInForce: false,
      version: 'v0',
    };
    Object.assign(m, {
      status: c.status,
      username: c.username,
      passphraseFingerprint: c.passphrase.kind === 'UPSTREAM' ? `fp:${c.passphrase.value}` : `fp:${c.id}`,
    });
    if (!byId.has(c.id)) next.members.push(m);
    byId.set(c.id, m);
  }
  for (const u of plan.members.update)
    Object.assign(byId.get(u.id)!, {
      email: u.email,
      emailNormalized: u.emailNormalized,
      fullName: u.fullName,
      company: u.company,
      username: u.username,
      status: u.status,
      ...(u.passphrase?.kind === 'UPSTREAM' ? { passphraseFingerprint: `fp:${u.passphrase.value}` } : {}),
    });
  for (const id of plan.members.delete) Object.assign(byId.get(id)!, { status: 'DELETED', groupIds: [] });
  for (const ext of plan.sources.remove)
    for (const m of next.members) m.sourceExternalIds = m.sourceExternalIds.filter((e) => e !== ext);
  for (const s of plan.sources.add) byId.get(s.memberId)!.sourceExternalIds.push(s.externalId);
  for (const s of plan.sources.setDisabledBySync) byId.get(s.memberId)!.disabledBySync = s.value;
  for (const h of plan.homeLocations.remove)
    byId.get(h.memberId)!.homeLocationIds = byId
      .get(h.memberId)!
      .homeLocationIds.filter((l) => l !== h.locationId);
  for (const h of plan.homeLocations.add) byId.get(h.memberId)!.homeLocationIds.push(h.locationId);
  for (const g of plan.groups.create)
    next.groups.push({
      id: g.id,
      externalId: g.externalId,
      name: g.name,
      locationId: g.locationId,
      vlanId: plan.groups.wantVlan.includes(g.id) ? 100 : null,
      vlanAutoAllocated: plan.groups.wantVlan.includes(g.id),
      memberIds: [],
    });
  for (const g of plan.memberGroups.remove) {
    const m = byId.get(g.memberId)!;
    m.groupIds = m.groupIds.filter((x) => x !== g.groupId);
  }
  for (const g of plan.memberGroups.add) byId.get(g.memberId)!.groupIds.push(g.groupId);
  next.groups = next.groups.filter((g) => !plan.groups.delete.includes(g.id));
  for (const g of next.groups)
    g.memberIds = next.members.filter((m) => m.groupIds.includes(g.id)).map((m) => m.id);
  next.grants = next.grants.filter((g) => !plan.grants.delete.includes(g.id));
  for (const g of plan.grants.upsert) {
    const row = {
      id: g.id,
      memberId: g.memberId,
      sourceRef: g.sourceRef,
      kind: g.kind,
      locationId: g.locationId,
      startsAt: new Date(g.startsAt),
      endsAt: g.endsAt ? new Date(g.endsAt) : null,
      cancelledAt: g.cancelledAt ? new Date(g.cancelledAt) : null,
      grantsWifi: g.grantsWifi,
      effectiveStartsAt: new Date(g.effectiveStartsAt),
      effectiveEndsAt: g.effectiveEndsAt ? new Date(g.effectiveEndsAt) : null,
    };
    const i = next.grants.findIndex((x) => x.sourceRef === g.sourceRef);
    if (i >= 0) next.grants[i] = row;
    else next.grants.push(row);
  }
  for (const d of plan.devices.create) next.deviceOwners[d.mac] = d.memberId;
  return next;
}

const noOps = (plan: SyncPlan) =>
  plan.members.create.length +
  plan.members.update.length +
  plan.members.delete.length +
  plan.sources.add.length +
  plan.sources.remove.length +
  plan.sources.setDisabledBySync.length +
  plan.homeLocations.add.length +
  plan.homeLocations.remove.length +
  plan.memberGroups.add.length +
  plan.memberGroups.remove.length +
  plan.grants.upsert.length +
  plan.grants.delete.length +
  plan.groups.create.length +
  plan.groups.update.length +
  plan.groups.delete.length +
  plan.groups.wantVlan.length +
  plan.devices.create.length +
  plan.locations.length +
  plan.notify.length;

/** First sync, then the same snapshot again: the second plan must be empty. */
function twice(snap: UpstreamSnapshot, s: Partial<IntegrationSettings> = {}, state = emptyState()) {
  const first = diff(snap, state, s);
  const after = reflect(state, first);
  const second = diff(snap, after, s);
  return { first, after, second };
}

describe('sync diff: members', () => {
  it('creates a member with a source, a home location, a generated passphrase and a membership grant', () => {
    const plan = diff(
      snapshot({ members: [member('c1')], memberships: [membership('k1', 'c1')] }),
      emptyState(),
    );
    assert.equal(plan.members.create.length, 1);
    const c = plan.members.create[0]!;
    assert.equal(c.emailNormalized, 'c1@example.com');
    assert.equal(c.username, 'c1@example.com');
    assert.equal(c.status, 'ACTIVE');
    assert.deepEqual(c.passphrase, { kind: 'GENERATE' });
    assert.deepEqual(
      plan.sources.add.map((s) => s.externalId),
      ['c1'],
    );
    assert.deepEqual(plan.homeLocations.add, [{ memberId: c.id, locationId: LOC }]);
    assert.equal(plan.grants.upsert.length, 1);
    const g = plan.grants.upsert[0]!;
    assert.equal(g.kind, 'MEMBERSHIP');
    assert.equal(g.locationId, LOC);
    assert.equal(g.grantsWifi, true);
    assert.equal(g.effectiveEndsAt, null);
    assert.equal(g.sourceRef, 'membership:k1');
    assert.deepEqual(plan.counts, {
      created: 1,
      updated: 0,
      enabled: 0,
      disabled: 0,
      deleted: 0,
      unchanged: 0,
      errors: 0,
    });
    assert.deepEqual(plan.notify, [{ memberId: c.id, reason: 'CREATED' }]);
  });

  it('an unchanged re-sync plans nothing and counts everyone unchanged', () => {
    const snap = snapshot({
      members: [member('c1', { groupExternalIds: ['t1'] }), member('c2'), member('c3')],
      groups: [{ externalId: 't1', kind: 'TEAM', name: 'Acme', locationExternalId: 'b1' }],
      memberships: [
        membership('k1', 'c1'),
        membership('k2', 'c2', { endsAt: new Date('2026-06-01T00:00:00Z') }),
      ],
      bookings: [booking('bk1', 'c3')],
    });
    const { first, second } = twice(snap);
    assert.equal(first.counts.created, 3);
    assert.equal(noOps(second), 0, JSON.stringify(second, null, 1));
    assert.equal(second.counts.unchanged, 3);
    assert.equal(second.counts.created + second.counts.updated, 0);
  });

  it('one person = one member: the same email twice (any case, two locations) gives one member with two sources', () => {
    const snap = snapshot({
      locations: [
        { externalId: 'b1', name: 'Soho', timezone: 'Europe/London' },
        { externalId: 'b2', name: 'Brooklyn', timezone: 'America/New_York' },
      ],
      members: [
        member('c1', { email: 'Ann@Example.com' }),
        member('c9', { email: 'ann@example.COM', locationExternalIds: ['b2'], homeLocationExternalId: 'b2' }),
      ],
    });
    const state = emptyState();
    state.locationMappings.b2 = LOC2;
    const plan = diff(snap, state);
    assert.equal(plan.members.create.length, 1);
    assert.deepEqual(plan.sources.add.map((s) => s.externalId).sort(), ['c1', 'c9']);
    assert.deepEqual(plan.homeLocations.add.map((h) => h.locationId).sort(), [LOC, LOC2].sort());
  });

  it('links an existing member found by email (another integration) without creating or renaming them', () => {
    const state = emptyState();
    state.members.push({
      id: 'm-1',
      email: 'c1@example.com',
      emailNormalized: 'c1@example.com',
      fullName: 'Person c1',
      company: null,
      username: 'ann',
      status: 'ACTIVE',
      passphraseFingerprint: 'fp:x',
      homeLocationIds: [LOC],
      groupIds: [],
      sourceExternalIds: [],
      disabledBySync: false,
      otherSources: true,
      otherGrantsInForce: false,
      version: 'v0',
    });
    const plan = diff(snapshot({ members: [member('c1')] }), state);
    assert.equal(plan.members.create.length, 0);
    assert.deepEqual(
      plan.sources.add.map((s) => [s.memberId, s.externalId]),
      [['m-1', 'c1']],
    );
    assert.equal(
      plan.members.update.length,
      0,
      'the username of a member shared with another platform is kept',
    );
    assert.equal(plan.counts.updated, 1);
  });

  it('autoProvision off: unknown people are ignored, known ones (by email) are linked and updated', () => {
    const state = emptyState();
    state.members.push({
      id: 'm-1',
      email: 'c1@example.com',
      emailNormalized: 'c1@example.com',
      fullName: 'Old name',
      company: null,
      username: 'c1@example.com',
      status: 'ACTIVE',
      passphraseFingerprint: 'fp:x',
      homeLocationIds: [],
      groupIds: [],
      sourceExternalIds: [],
      disabledBySync: false,
      otherSources: false,
      otherGrantsInForce: false,
      version: 'v0',
    });
    const plan = diff(snapshot({ members: [member('c1'), member('c2')] }), state, { autoProvision: false });
    assert.equal(plan.members.create.length, 0);
    assert.deepEqual(
      plan.sources.add.map((s) => s.externalId),
      ['c1'],
    );
    assert.equal(plan.members.update[0]?.fullName, 'Person c1');
  });

  it('skips members without a usable email (counted as errors) and never treats them as removed', () => {
    const { after } = twice(snapshot({ members: [member('c1')] }));
    const plan = diff(
      snapshot({ members: [member('c1', { email: '  ' }), member('c2', { email: 'nope' })] }),
      after,
    );
    assert.equal(plan.counts.errors, 2);
    assert.equal(plan.members.delete.length, 0);
    assert.equal(plan.members.create.length, 0);
    assert.equal(plan.warnings.length, 2);
  });

  it('updates a changed name and company, counted as updated', () => {
    const { after } = twice(snapshot({ members: [member('c1')] }));
    const plan = diff(
      snapshot({ members: [member('c1', { fullName: 'Ann Smith', company: 'Acme' })] }),
      after,
    );
    assert.equal(plan.members.update.length, 1);
    assert.equal(plan.members.update[0]!.fullName, 'Ann Smith');
    assert.equal(plan.members.update[0]!.company, 'Acme');
    assert.equal(plan.counts.updated, 1);
  });

  it('a member inactive upstream is disabled', () => {
    const { after } = twice(snapshot({ members: [member('c1')], memberships: [membership('k1', 'c1')] }));
    const plan = diff(
      snapshot({ members: [member('c1', { active: false })], memberships: [membership('k1', 'c1')] }),
      after,
    );
    assert.equal(plan.members.update[0]?.status, 'DISABLED');
    assert.equal(plan.counts.disabled, 1);
  });
});

describe('sync diff: usernames and passphrases', () => {
  const cases: Array<[string, Partial<IntegrationSettings>, Partial<UpstreamMember>, string]> = [
    ['EMAIL (default)', {}, { email: 'Ann@Example.com' }, 'ann@example.com'],
    ['MEMBER_ID', { usernameFormat: 'MEMBER_ID' }, { externalId: 'C-1001' }, 'c-1001'],
    [
      'CUSTOM_FIELD',
      { usernameFormat: 'CUSTOM_FIELD', usernameField: 'Custom3' },
      { fields: { Custom3: 'ANN.S' } },
      'ann.s',
    ],
    [
      'CUSTOM_FIELD missing → email',
      { usernameFormat: 'CUSTOM_FIELD', usernameField: 'Custom3' },
      {},
      'c1@example.com',
    ],
    [
      'CUSTOM_FIELD with a space → email',
      { usernameFormat: 'CUSTOM_FIELD', usernameField: 'X' },
      { fields: { X: 'a b' } },
      'c1@example.com',
    ],
  ];
  for (const [name, s, m, expected] of cases)
    it(`username format ${name}`, () => {
      const plan = diff(snapshot({ members: [member('c1', m)] }), emptyState(), s);
      assert.equal(plan.members.create[0]?.username, expected);
    });

  it('a username held by another member falls back to the email, with a warning', () => {
    const state = emptyState();
    state.usernameOwners['c-1'] = { memberId: 'other', deleted: false };
    const plan = diff(snapshot({ members: [member('c-1')] }), state, { usernameFormat: 'MEMBER_ID' });
    assert.equal(plan.members.create[0]?.username, 'c-1@example.com');
    assert.ok(plan.warnings.length > 0);
  });

  it('a username held by a deleted member is free', () => {
    const state = emptyState();
    state.usernameOwners['c-1'] = { memberId: 'old', deleted: true };
    const plan = diff(snapshot({ members: [member('c-1')] }), state, { usernameFormat: 'MEMBER_ID' });
    assert.equal(plan.members.create[0]?.username, 'c-1');
  });

  const up = { passphraseSource: 'UPSTREAM_FIELD' as const, passphraseField: 'wifi' };
  it('takes a valid upstream passphrase', () => {
    const plan = diff(
      snapshot({ members: [member('c1', { fields: { wifi: 'purple-otter-castle-42' } })] }),
      emptyState(),
      up,
    );
    assert.deepEqual(plan.members.create[0]?.passphrase, {
      kind: 'UPSTREAM',
      value: 'purple-otter-castle-42',
    });
    assert.equal(plan.warnings.length, 0);
  });
  for (const [name, value] of [
    ['too short', 'abc'],
    ['common', 'password123'],
    ['missing', undefined],
  ] as const)
    it(`an invalid upstream passphrase (${name}) is replaced by a generated one, with a warning`, () => {
      const fields: Record<string, string> = value ? { wifi: value } : {};
      const plan = diff(snapshot({ members: [member('c1', { fields })] }), emptyState(), up);
      assert.deepEqual(plan.members.create[0]?.passphrase, { kind: 'GENERATE' });
      assert.equal(plan.warnings.length, 1);
    });
  it('an upstream passphrase used by someone else is not taken', () => {
    const state = emptyState();
    state.fingerprintOwners['fp:purple-otter-castle-42'] = 'someone';
    const plan = diff(
      snapshot({ members: [member('c1', { fields: { wifi: 'purple-otter-castle-42' } })] }),
      state,
      up,
    );
    assert.deepEqual(plan.members.create[0]?.passphrase, { kind: 'GENERATE' });
  });
  it('an upstream passphrase that changed is updated; an unchanged one is not', () => {
    const snap1 = snapshot({ members: [member('c1', { fields: { wifi: 'purple-otter-castle-42' } })] });
    const { after, second } = twice(snap1, up);
    assert.equal(noOps(second), 0);
    const plan = diff(
      snapshot({ members: [member('c1', { fields: { wifi: 'green-heron-bridge-17' } })] }),
      after,
      up,
    );
    assert.deepEqual(plan.members.update[0]?.passphrase, {
      kind: 'UPSTREAM',
      value: 'green-heron-bridge-17',
    });
    assert.equal(plan.counts.updated, 1);
  });
});

describe('sync diff: memberships and plans', () => {
  it('a cancelled membership ends at its cancellation', () => {
    const cancelledAt = new Date('2026-03-20T00:00:00Z');
    const plan = diff(
      snapshot({ members: [member('c1')], memberships: [membership('k1', 'c1', { cancelledAt })] }),
      emptyState(),
    );
    assert.equal(plan.grants.upsert[0]?.effectiveEndsAt, cancelledAt.toISOString());
  });

  it('a contract gone upstream ends its grant now; a renewal restores access', () => {
    const { after } = twice(snapshot({ members: [member('c1')], memberships: [membership('k1', 'c1')] }));
    const ended = diff(snapshot({ members: [member('c1')] }), after);
    assert.equal(ended.grants.upsert.length, 1);
    assert.equal(ended.grants.upsert[0]!.effectiveEndsAt, NOW.toISOString());
    assert.equal(ended.counts.updated, 1);
    assert.deepEqual(
      ended.notify.map((n) => n.reason),
      ['GRANTS_CHANGED'],
    );
    const later = reflect(after, ended);
    assert.equal(
      noOps(diff(snapshot({ members: [member('c1')] }), later)),
      0,
      'an ended grant is not ended again',
    );
    const renewed = diff(snapshot({ members: [member('c1')], memberships: [membership('k2', 'c1')] }), later);
    assert.equal(renewed.grants.upsert[0]?.sourceRef, 'membership:k2');
    assert.equal(renewed.grants.upsert[0]?.effectiveEndsAt, null);
  });

  it('a plan mapped to "no access" and an unmapped virtual-office plan grant no WiFi', () => {
    const plan = diff(
      snapshot({
        members: [member('c1'), member('c2')],
        memberships: [
          membership('k1', 'c1', { planExternalId: 'hot-desk' }),
          membership('k2', 'c2', { planExternalId: 'vo' }),
        ],
      }),
      emptyState(),
      { planMappings: [{ planExternalId: 'hot-desk', noAccess: true, groupId: null }] },
    );
    assert.deepEqual(
      plan.grants.upsert.map((g) => g.grantsWifi),
      [false, false],
    );
  });

  it('unmapped plans follow unmappedPlansGrantAccess', () => {
    const snap = snapshot({
      members: [member('c1')],
      memberships: [membership('k1', 'c1', { planExternalId: 'x' })],
    });
    assert.equal(diff(snap, emptyState()).grants.upsert[0]?.grantsWifi, true);
    assert.equal(
      diff(snap, emptyState(), { unmappedPlansGrantAccess: false }).grants.upsert[0]?.grantsWifi,
      false,
    );
  });

  it('a plan mapped to a group puts the member in it, and out when the membership ends', () => {
    const state = emptyState();
    state.groups.push({
      id: 'g-premium',
      externalId: null,
      name: 'premium',
      locationId: null,
      vlanId: 30,
      vlanAutoAllocated: false,
      memberIds: [],
    });
    const s = { planMappings: [{ planExternalId: 'hot-desk', noAccess: false, groupId: 'g-premium' }] };
    const { first, after, second } = twice(
      snapshot({ members: [member('c1')], memberships: [membership('k1', 'c1')] }),
      s,
      state,
    );
    assert.deepEqual(
      first.memberGroups.add.map((g) => g.groupId),
      ['g-premium'],
    );
    assert.equal(noOps(second), 0);
    const ended = diff(snapshot({ members: [member('c1')] }), after, s);
    assert.deepEqual(
      ended.memberGroups.remove.map((g) => g.groupId),
      ['g-premium'],
    );
    assert.deepEqual(ended.groups.delete, [], "a plan-mapped group is the admin's and never deleted");
  });

  it('roaming on: grants valid at every location; off: at the contract location', () => {
    const snap = snapshot({ members: [member('c1')], memberships: [membership('k1', 'c1')] });
    assert.equal(diff(snap, emptyState(), { roaming: true }).grants.upsert[0]?.locationId, null);
    assert.equal(diff(snap, emptyState(), { roaming: false }).grants.upsert[0]?.locationId, LOC);
  });

  it('a membership without a location falls back to the member home location', () => {
    const snap = snapshot({
      members: [member('c1')],
      memberships: [membership('k1', 'c1', { locationExternalId: null })],
    });
    assert.equal(diff(snap, emptyState()).grants.upsert[0]?.locationId, LOC);
  });
});

describe('sync diff: bookings and check-ins', () => {
  it('a desk booking gives access for its calendar day until local midnight', () => {
    const plan = diff(snapshot({ members: [member('c1')], bookings: [booking('bk1', 'c1')] }), emptyState());
    const g = plan.grants.upsert[0]!;
    assert.equal(g.kind, 'DESK_BOOKING');
    assert.equal(g.effectiveStartsAt, '2026-03-10T00:00:00.000Z');
    assert.equal(g.effectiveEndsAt, '2026-03-11T00:00:00.000Z');
    assert.equal(plan.members.create[0]?.status, 'ACTIVE');
  });

  it('midnight is in the location time zone (New York)', () => {
    const state = emptyState();
    state.locationMappings.b1 = LOC2;
    const plan = diff(
      snapshot({ members: [member('c1')], bookings: [booking('bk1', 'c1', { kind: 'ROOM' })] }),
      state,
    );
    const g = plan.grants.upsert[0]!;
    assert.equal(g.kind, 'ROOM_BOOKING');
    assert.equal(g.effectiveEndsAt, '2026-03-11T04:00:00.000Z'); // EDT since 8 March
  });

  it('bookingAccess off: bookings grant nothing', () => {
    const plan = diff(snapshot({ members: [member('c1')], bookings: [booking('bk1', 'c1')] }), emptyState(), {
      bookingAccess: false,
    });
    assert.equal(plan.grants.upsert.length, 0);
  });

  it('a booking-only member is disabled (never deleted) after the day and re-enabled by a later booking', () => {
    const snap = snapshot({ members: [member('c1')], bookings: [booking('bk1', 'c1')] });
    const { after } = twice(snap);
    const nextDay = new Date('2026-03-11T09:00:00Z');
    const off = diff(snapshot({ members: [member('c1')] }), after, {}, nextDay);
    assert.equal(off.members.update[0]?.status, 'DISABLED');
    assert.equal(off.members.delete.length, 0);
    assert.equal(off.counts.disabled, 1);
    assert.equal(off.safety.removals, 0, 'a booking day ending is not a mass removal');
    const disabled = reflect(after, off);
    assert.equal(noOps(diff(snapshot({ members: [member('c1')] }), disabled, {}, nextDay)), 0);
    const again = diff(
      snapshot({
        members: [member('c1')],
        bookings: [
          booking('bk2', 'c1', {
            startsAt: new Date('2026-03-12T09:00:00Z'),
            endsAt: new Date('2026-03-12T12:00:00Z'),
          }),
        ],
      }),
      disabled,
      {},
      new Date('2026-03-12T08:00:00Z'),
    );
    assert.equal(again.members.update[0]?.status, 'ACTIVE');
    assert.equal(again.counts.enabled, 1);
  });

  it('a member disabled by an admin is not re-enabled by a booking', () => {
    const { after } = twice(snapshot({ members: [member('c1')] }));
    after.members[0]!.status = 'DISABLED';
    const plan = diff(snapshot({ members: [member('c1')], bookings: [booking('bk1', 'c1')] }), after);
    assert.equal(plan.members.update.length, 0);
  });

  it('a booking that ended before the run and is unknown here creates nothing', () => {
    const plan = diff(
      snapshot({
        members: [member('c1')],
        bookings: [
          booking('old', 'c1', {
            startsAt: new Date('2026-03-08T09:00:00Z'),
            endsAt: new Date('2026-03-08T10:00:00Z'),
          }),
        ],
      }),
      emptyState(),
    );
    assert.equal(plan.grants.upsert.length, 0);
  });

  it('check-ins (when on) grant access until checkout and register the MACs as devices', () => {
    const snap = snapshot({
      members: [member('c1')],
      checkIns: [checkIn('ci1', 'c1', { macAddresses: ['AA:BB:CC:DD:EE:01', 'bad'] })],
    });
    assert.equal(diff(snap, emptyState()).grants.upsert.length, 0, 'off by default');
    const plan = diff(snap, emptyState(), { checkInAccess: true });
    assert.equal(plan.grants.upsert[0]?.kind, 'CHECK_IN');
    assert.equal(plan.grants.upsert[0]?.endsAt, null);
    assert.deepEqual(
      plan.devices.create.map((d) => d.mac),
      ['aa:bb:cc:dd:ee:01'],
    );
    const { after } = twice(snap, { checkInAccess: true });
    const out = diff(
      snapshot({
        members: [member('c1')],
        checkIns: [checkIn('ci1', 'c1', { checkedOutAt: new Date('2026-03-10T11:00:00Z') })],
      }),
      after,
      { checkInAccess: true },
    );
    assert.equal(out.grants.upsert[0]?.effectiveEndsAt, '2026-03-10T11:00:00.000Z');
  });

  it('a MAC already registered to someone is left alone', () => {
    const state = emptyState();
    state.deviceOwners['aa:bb:cc:dd:ee:01'] = 'other';
    const plan = diff(
      snapshot({
        members: [member('c1')],
        checkIns: [checkIn('ci1', 'c1', { macAddresses: ['aa:bb:cc:dd:ee:01'] })],
      }),
      state,
      { checkInAccess: true },
    );
    assert.equal(plan.devices.create.length, 0);
  });
});

describe('sync diff: teams and groups', () => {
  const teams = [
    { externalId: 't1', kind: 'TEAM' as const, name: 'Acme', locationExternalId: 'b1' },
    { externalId: 't2', kind: 'TEAM' as const, name: 'Globex', locationExternalId: 'b1' },
  ];
  it('creates a group per team with a pool VLAN wanted, and puts members in it', () => {
    const plan = diff(
      snapshot({ groups: teams, members: [member('c1', { groupExternalIds: ['t1'] })] }),
      emptyState(),
    );
    assert.deepEqual(
      plan.groups.create.map((g) => g.name),
      ['Acme'],
      'empty teams are not created',
    );
    assert.deepEqual(plan.groups.wantVlan, [plan.groups.create[0]!.id]);
    assert.match(plan.groups.create[0]!.id, /^new-/);
    assert.deepEqual(
      plan.memberGroups.add.map((g) => g.groupId),
      [plan.groups.create[0]!.id],
    );
  });

  it('vlanMode NONE: groups without VLANs, automatic ones freed', () => {
    const snap = snapshot({ groups: teams, members: [member('c1', { groupExternalIds: ['t1'] })] });
    assert.deepEqual(diff(snap, emptyState(), { vlanMode: 'NONE' }).groups.wantVlan, []);
    const { after } = twice(snap);
    const plan = diff(snap, after, { vlanMode: 'NONE' });
    assert.deepEqual(plan.groups.freeVlan, [after.groups[0]!.id]);
  });

  it('a team change moves the member; the emptied group goes (its VLAN back to the pool)', () => {
    const { after } = twice(
      snapshot({
        groups: teams,
        members: [member('c1', { groupExternalIds: ['t1'] }), member('c2', { groupExternalIds: ['t2'] })],
      }),
    );
    const t1 = after.groups.find((g) => g.externalId === 't1')!.id;
    const t2 = after.groups.find((g) => g.externalId === 't2')!.id;
    const plan = diff(
      snapshot({
        groups: teams,
        members: [member('c1', { groupExternalIds: ['t2'] }), member('c2', { groupExternalIds: ['t2'] })],
      }),
      after,
    );
    assert.deepEqual(
      plan.memberGroups.remove.map((g) => g.groupId),
      [t1],
    );
    assert.deepEqual(
      plan.memberGroups.add.map((g) => g.groupId),
      [t2],
    );
    assert.deepEqual(plan.groups.delete, [t1]);
    assert.equal(plan.counts.updated, 1);
  });

  it('a renamed team is renamed', () => {
    const snap = snapshot({ groups: teams, members: [member('c1', { groupExternalIds: ['t1'] })] });
    const { after } = twice(snap);
    const plan = diff(
      snapshot({ groups: [{ ...teams[0]!, name: 'Acme Ltd' }], members: snap.members }),
      after,
    );
    assert.deepEqual(
      plan.groups.update.map((g) => g.name),
      ['Acme Ltd'],
    );
  });
});

describe('sync diff: removals and safety', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => member(`c${i}`));

  it('FULL: a member absent upstream is deleted (grants go) with a DELETED notification', () => {
    const { after } = twice(snapshot({ members: many(3), memberships: [membership('k1', 'c0')] }));
    const plan = diff(snapshot({ members: many(3).slice(1) }), after);
    const gone = after.members.find((m) => m.sourceExternalIds.includes('c0'))!;
    assert.deepEqual(plan.members.delete, [gone.id]);
    assert.equal(plan.grants.delete.length, 1);
    assert.deepEqual(plan.notify, [{ memberId: gone.id, reason: 'DELETED' }]);
    assert.equal(plan.counts.deleted, 1);
    assert.equal(plan.counts.unchanged, 2);
  });

  it('deprovision DISABLE: disabled instead, and re-enabled when they come back', () => {
    const { after } = twice(snapshot({ members: many(2), memberships: [membership('k1', 'c0')] }));
    const plan = diff(snapshot({ members: many(2).slice(1) }), after, { deprovision: 'DISABLE' });
    assert.equal(plan.members.delete.length, 0);
    assert.equal(plan.members.update[0]?.status, 'DISABLED');
    assert.equal(plan.counts.disabled, 1);
    const back = diff(
      snapshot({ members: many(2), memberships: [membership('k2', 'c0')] }),
      reflect(after, plan),
      {
        deprovision: 'DISABLE',
      },
    );
    assert.equal(back.members.update[0]?.status, 'ACTIVE');
  });

  it('a member also sourced from another integration is never deleted: only this source and its grants go', () => {
    const { after } = twice(snapshot({ members: many(2), memberships: [membership('k1', 'c0')] }));
    after.members.find((m) => m.sourceExternalIds.includes('c0'))!.otherSources = true;
    const plan = diff(snapshot({ members: many(2).slice(1) }), after);
    assert.equal(plan.members.delete.length, 0);
    assert.deepEqual(plan.sources.remove, ['c0']);
    assert.equal(plan.grants.delete.length, 1);
  });

  it('a deleted member coming back is revived (same row)', () => {
    const { after } = twice(snapshot({ members: many(1) }));
    const gone = diff(snapshot({ members: [] }), after, { safetyMinimumPeople: 100 });
    const later = reflect(after, gone);
    const back = diff(snapshot({ members: many(1) }), later);
    assert.equal(back.members.create.length, 1);
    assert.equal(back.members.create[0]!.revive, true);
    assert.equal(back.members.create[0]!.id, after.members[0]!.id);
  });

  it('PARTIAL: only listed members absent upstream are removed', () => {
    const { after } = twice(snapshot({ members: many(3) }));
    const plan = diff(
      snapshot({ scope: { kind: 'PARTIAL', memberExternalIds: ['c0', 'c1'] }, members: [member('c1')] }),
      after,
    );
    assert.equal(plan.members.delete.length, 1);
    assert.equal(plan.counts.deleted, 1);
    assert.equal(plan.counts.unchanged, 1);
  });

  it('holds a run removing more than the threshold share and at least the minimum people', () => {
    const { after } = twice(snapshot({ members: many(20) }));
    const s = settings();
    const four = diff(snapshot({ members: many(20).slice(4) }), after);
    assert.equal(holdReason(four, s), null, '4 people: under the minimum of 5');
    const five = diff(snapshot({ members: many(20).slice(5) }), after);
    assert.equal(five.safety.removals, 5);
    assert.equal(five.safety.population, 20);
    assert.match(holdReason(five, s) ?? '', /5 of 20/);
    const big = diff(
      snapshot({ members: many(100) }),
      reflect(after, diff(snapshot({ members: many(100) }), after)),
    );
    assert.equal(big.safety.removals, 0);
    const tenOfHundred = diff(
      snapshot({ members: many(100).slice(10) }),
      reflect(after, diff(snapshot({ members: many(100) }), after)),
    );
    assert.equal(holdReason(tenOfHundred, s), null, '10 % is under 20 %');
    assert.notEqual(holdReason(four, { safetyThresholdPercent: 10, safetyMinimumPeople: 1 }), null);
  });

  it('an empty upstream (e.g. a broken list) is held, not applied', () => {
    const { after } = twice(snapshot({ members: many(10) }));
    const plan = diff(snapshot({ members: [] }), after);
    assert.notEqual(holdReason(plan, settings()), null);
  });
});

describe('sync diff: locations', () => {
  it('an unmapped upstream location becomes a new location with its time zone, or UTC with a warning', () => {
    const state = emptyState();
    state.locationMappings = {};
    const plan = diff(
      snapshot({
        locations: [
          { externalId: 'b1', name: 'Soho', timezone: 'Europe/London' },
          { externalId: 'b2', name: 'Brooklyn', timezone: null },
          { externalId: 'b3', name: 'Mars', timezone: 'Mars/Olympus' },
        ],
        members: [member('c1')],
      }),
      state,
    );
    assert.deepEqual(
      plan.locations.map((l) => [l.externalId, l.name, l.timezone]),
      [
        ['b1', 'Soho', 'Europe/London'],
        ['b2', 'Brooklyn', 'UTC'],
        ['b3', 'Mars', 'UTC'],
      ],
    );
    assert.equal(plan.warnings.length, 2);
    assert.deepEqual(
      plan.homeLocations.add.map((h) => h.locationId),
      [plan.locations[0]!.id],
    );
  });
});

describe('sync diff: one person with several upstream records, PARTIAL runs', () => {
  // Nexudus keeps one coworker record per business for the same email: c1 (Soho) and c1x (Brooklyn)
  const two = () =>
    snapshot({
      locations: [
        { externalId: 'b1', name: 'Soho', timezone: 'Europe/London' },
        { externalId: 'b2', name: 'Brooklyn', timezone: 'America/New_York' },
      ],
      members: [
        member('c1'),
        member('c1x', { email: 'c1@example.com', locationExternalIds: ['b2'], homeLocationExternalId: 'b2' }),
      ],
      memberships: [membership('k1', 'c1'), membership('k2', 'c1x', { locationExternalId: 'b2' })],
    });
  const partial = (o: Partial<UpstreamSnapshot>) =>
    snapshot({
      locations: two().locations,
      scope: { kind: 'PARTIAL', memberExternalIds: ['c1'] },
      ...o,
    });

  it('a webhook for one record keeps the grants, home locations and status coming from the other', () => {
    const { after } = twice(two());
    assert.equal(after.members.length, 1);
    assert.equal(after.members[0]!.homeLocationIds.length, 2);
    const plan = diff(partial({ members: [member('c1')], memberships: [membership('k1', 'c1')] }), after);
    assert.deepEqual(plan.grants.upsert, [], 'the Brooklyn contract is not ended');
    assert.deepEqual(plan.homeLocations.remove, []);
    assert.equal(noOps(plan), 0);
    // the Soho record turns inactive: the person is still active in Brooklyn
    const inactive = diff(
      partial({ members: [member('c1', { active: false })], memberships: [membership('k1', 'c1')] }),
      after,
    );
    assert.equal(inactive.members.update.length, 0);
    assert.equal(inactive.counts.disabled, 0);
  });

  it('a contract of the in-scope record that ended still ends; a record listed and gone is unlinked', () => {
    const { after } = twice(two());
    const plan = diff(
      partial({
        members: [member('c1')],
        memberships: [membership('k1', 'c1', { endsAt: new Date('2026-03-01T00:00:00Z') })],
      }),
      after,
    );
    assert.deepEqual(
      plan.grants.upsert.map((g) => [g.sourceRef, g.effectiveEndsAt]),
      [['membership:k1', '2026-03-01T00:00:00.000Z']],
    );
    // both records in scope (the engine widens webhooks to the whole person): c1x gone upstream
    const widened = diff(
      snapshot({
        locations: two().locations,
        scope: { kind: 'PARTIAL', memberExternalIds: ['c1', 'c1x'] },
        members: [member('c1')],
        memberships: [membership('k1', 'c1')],
      }),
      after,
    );
    assert.deepEqual(widened.sources.remove, ['c1x']);
    assert.deepEqual(
      widened.grants.upsert.map((g) => g.sourceRef),
      ['membership:k2'],
      'the Brooklyn contract ends now',
    );
    assert.equal(widened.homeLocations.remove.length, 1);
  });
});

describe('sync diff: safety counts every loss of access', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => member(`c${i}`));
  const contracts = (n: number) => Array.from({ length: n }, (_, i) => membership(`k${i}`, `c${i}`));

  it('members still present and active whose contracts all vanished are removals (held)', () => {
    const { after } = twice(snapshot({ members: many(10), memberships: contracts(10) }));
    const plan = diff(snapshot({ members: many(10), memberships: [] }), after);
    assert.equal(plan.grants.upsert.length, 10, 'every grant ends now');
    assert.equal(plan.safety.removals, 10);
    assert.notEqual(holdReason(plan, settings()), null);
  });

  it('a member keeping access (another grant, an admin grant) or already without it is not a removal', () => {
    const { after } = twice(
      snapshot({ members: many(3), memberships: [...contracts(3), membership('k0b', 'c0')] }),
    );
    after.members.find((m) => m.sourceExternalIds.includes('c1'))!.otherGrantsInForce = true;
    const plan = diff(snapshot({ members: many(3), memberships: [membership('k0b', 'c0')] }), after);
    assert.equal(plan.grants.upsert.length, 3, 'k0, k1 and k2 end');
    assert.equal(plan.safety.removals, 1, 'only c2 loses access');
    const again = diff(snapshot({ members: many(3), memberships: [] }), reflect(after, plan));
    assert.equal(again.safety.removals, 1, 'c0 now; c2 had no access left');
  });
});

describe('sync diff: locations of grants when roaming is off', () => {
  const locations = [
    { externalId: 'b1', name: 'Soho', timezone: 'Europe/London' },
    { externalId: 'b2', name: 'Brooklyn', timezone: 'America/New_York' },
  ];
  const homeless = member('c1', { locationExternalIds: [], homeLocationExternalId: null });

  it('a membership with no known location and no home location gives no grant (valid nowhere), with a warning', () => {
    const snap = snapshot({
      locations,
      members: [homeless],
      memberships: [membership('k1', 'c1', { locationExternalId: null })],
    });
    const plan = diff(snap, emptyState());
    assert.equal(plan.grants.upsert.length, 0);
    assert.equal(plan.counts.errors, 1);
    assert.ok(plan.warnings.some((w) => w.data?.externalId === 'k1'));
    assert.equal(diff(snap, emptyState(), { roaming: true }).grants.upsert[0]?.locationId, null);
  });

  it('a location-less grant of an earlier run ends; a home location is used when there is one', () => {
    const { after } = twice(
      snapshot({
        locations,
        members: [homeless],
        memberships: [membership('k1', 'c1', { locationExternalId: null })],
      }),
      { roaming: true },
    );
    assert.equal(after.grants[0]?.locationId, null);
    const off = diff(
      snapshot({
        locations,
        members: [homeless],
        memberships: [membership('k1', 'c1', { locationExternalId: null })],
      }),
      after,
    );
    assert.equal(off.grants.upsert.length, 1);
    assert.ok(off.grants.upsert[0]!.cancelledAt, 'ended now');
    const withHome = diff(
      snapshot({
        locations,
        members: [member('c1', { locationExternalIds: ['b2'], homeLocationExternalId: 'b2' })],
        memberships: [membership('k1', 'c1', { locationExternalId: null })],
      }),
      after,
    );
    const b2 = reflect(after, withHome).locationMappings.b2;
    assert.equal(withHome.grants.upsert[0]?.locationId, b2);
    assert.equal(withHome.grants.upsert[0]?.cancelledAt, null);
  });

  it('a check-in at an unknown business gives no grant', () => {
    const plan = diff(
      snapshot({ members: [member('c1')], checkIns: [checkIn('ci1', 'c1', { locationExternalId: 'bX' })] }),
      emptyState(),
      { checkInAccess: true },
    );
    assert.equal(plan.grants.upsert.length, 0);
  });
});

describe('sync diff: admin-granted access outlives removal upstream', () => {
  it('a member removed upstream with a manual grant in force is neither deleted nor disabled', () => {
    for (const deprovision of ['DELETE', 'DISABLE'] as const) {
      const { after } = twice(
        snapshot({ members: [member('c0'), member('c1')], memberships: [membership('k0', 'c0')] }),
      );
      after.members.find((m) => m.sourceExternalIds.includes('c0'))!.otherGrantsInForce = true;
      const plan = diff(snapshot({ members: [member('c1')] }), after, { deprovision });
      assert.equal(plan.members.delete.length, 0);
      assert.equal(plan.members.update.length, 0);
      assert.deepEqual(plan.sources.remove, ['c0'], 'only this integration part goes');
      assert.equal(plan.grants.delete.length, 1);
      assert.equal(plan.safety.removals, 0);
    }
  });
});

describe('sync diff: members whose access may begin', () => {
  it('every member the plan creates, changes or gives grants, never one it deletes', () => {
    const { after } = twice(
      snapshot({
        members: [member('c1'), member('c2'), member('c3')],
        memberships: [membership('k1', 'c1')],
      }),
    );
    const idOf = (ext: string) => after.members.find((m) => m.sourceExternalIds.includes(ext))!.id;
    const plan = diff(
      snapshot({
        members: [member('c2'), member('c3'), member('c4')],
        memberships: [membership('k3', 'c3')],
      }),
      after,
    );
    const created = plan.members.create.map((m) => m.id);
    assert.equal(created.length, 1);
    assert.deepEqual(accessMayBegin(plan).sort(), [idOf('c3'), ...created].sort());
    assert.ok(plan.notify.some((n) => n.memberId === idOf('c1') && n.reason === 'DELETED'));
  });

  it('records the version of every existing member the plan touches', () => {
    const { after } = twice(snapshot({ members: [member('c1'), member('c2')] }));
    after.members[0]!.version = 'v7';
    const plan = diff(snapshot({ members: [member('c1', { fullName: 'New' }), member('c2')] }), after);
    assert.deepEqual(plan.memberVersions, { [after.members[0]!.id]: 'v7' });
  });
});

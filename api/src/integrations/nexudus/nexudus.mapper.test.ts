import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError, UpstreamErrorCode } from '../connector.js';
import {
  mapBooking,
  mapBusiness,
  mapCheckin,
  mapContract,
  mapCoworker,
  mapTariff,
  mapTeam,
  normalizeMacAddresses,
  parseNexudusDate,
  startOfTodayAnywhere,
  type ResourceInfo,
} from './nexudus.mapper.js';

const NOW = new Date('2025-01-20T12:00:00Z');
const isMalformed = (err: unknown) =>
  err instanceof UpstreamError && err.code === UpstreamErrorCode.MALFORMED;

const coworker = (over: Record<string, unknown> = {}) => ({
  Id: 1415604543,
  FullName: 'Ada Lovelace',
  Email: ' ada@example.com ',
  CompanyName: 'Analytical Ltd',
  Businesses: [1001, 1002],
  InvoicingBusinessId: 1001,
  Teams: [5501],
  Active: true,
  Archived: false,
  Custom1: null,
  Custom3: 'wifi-user',
  Custom7: 42,
  ...over,
});

test('business → location without a time zone (SimpleTimeZoneId has no published table)', () => {
  assert.deepEqual(mapBusiness({ Id: 1001, Name: 'Soho', SimpleTimeZoneId: 1 }), {
    externalId: '1001',
    name: 'Soho',
    timezone: null,
  });
  assert.throws(() => mapBusiness({ Id: 1001 }), isMalformed);
});

test('team → TEAM group at its business; tariff → plan, virtual for SystemTariffType 10 and 11', () => {
  assert.deepEqual(mapTeam({ Id: 5501, Name: 'Analytical Ltd', BusinessId: 1001 }), {
    externalId: '5501',
    kind: 'TEAM',
    name: 'Analytical Ltd',
    locationExternalId: '1001',
  });
  assert.equal(mapTeam({ Id: 5502, Name: 'No business', BusinessId: null }).locationExternalId, null);
  const plan = (t: number) => mapTariff({ Id: 3301, Name: 'X', BusinessId: 1001, SystemTariffType: t });
  assert.equal(plan(5).virtual, false);
  assert.equal(plan(10).virtual, true);
  assert.equal(plan(11).virtual, true);
  assert.equal(plan(99).virtual, false);
  assert.equal(plan(5).locationExternalId, '1001');
  assert.throws(() => mapTariff({ Name: 'no id' }), isMalformed);
});

test('coworker → member: businesses, home, teams, active && !archived, custom fields', () => {
  assert.deepEqual(mapCoworker(coworker()), {
    externalId: '1415604543',
    email: 'ada@example.com',
    fullName: 'Ada Lovelace',
    company: 'Analytical Ltd',
    locationExternalIds: ['1001', '1002'],
    homeLocationExternalId: '1001',
    groupExternalIds: ['5501'],
    active: true,
    fields: { Custom3: 'wifi-user', Custom7: '42' },
  });
  assert.equal(mapCoworker(coworker({ Archived: true })).active, false);
  assert.equal(mapCoworker(coworker({ Active: false })).active, false);
  assert.equal(mapCoworker(coworker({ Email: 'not an email' })).email, null);
  assert.equal(mapCoworker(coworker({ Email: null, CompanyName: '' })).company, null);
  // The home business counts as a location even when Businesses omits it.
  assert.deepEqual(
    mapCoworker(coworker({ Businesses: [1002], InvoicingBusinessId: 1001 })).locationExternalIds,
    ['1002', '1001'],
  );
  assert.deepEqual(
    mapCoworker(
      coworker({
        CustomFields: [
          { Name: 'WifiPass', Value: 'x1' },
          { Name: '', Value: 'y' },
        ],
      }),
    ).fields,
    { Custom3: 'wifi-user', Custom7: '42', WifiPass: 'x1' },
  );
});

test('coworker: a list record (no Businesses), a missing Active or a bad id is malformed', () => {
  const { Businesses: _omit, ...listRecord } = coworker();
  assert.throws(() => mapCoworker(listRecord), isMalformed);
  assert.throws(() => mapCoworker(coworker({ Active: undefined })), isMalformed);
  assert.throws(() => mapCoworker(coworker({ Id: 'abc' })), isMalformed);
  assert.throws(() => mapCoworker(coworker({ Teams: ['x'] })), isMalformed);
});

test('contract → membership: CancellationDate ends access; inactive or already ended ones give nothing', () => {
  const c = {
    Id: 9901,
    CoworkerId: 1415604543,
    TariffId: 3301,
    IssuedById: 1001,
    StartDate: '2024-06-01T00:00:00Z',
    RenewalDate: '2025-02-01T00:00:00Z',
    ContractTerm: '2024-12-01T00:00:00Z',
    CancellationDate: null,
    Active: true,
    Cancelled: false,
  };
  assert.deepEqual(mapContract(c, NOW), {
    externalId: '9901',
    memberExternalId: '1415604543',
    planExternalId: '3301',
    locationExternalId: '1001',
    startsAt: new Date('2024-06-01T00:00:00Z'),
    endsAt: null,
    cancelledAt: null,
  });
  const cancelling = mapContract({ ...c, Cancelled: true, CancellationDate: '2025-01-31T00:00:00Z' }, NOW);
  assert.deepEqual(cancelling?.endsAt, new Date('2025-01-31T00:00:00Z'));
  assert.deepEqual(cancelling?.cancelledAt, new Date('2025-01-31T00:00:00Z'));
  assert.equal(mapContract({ ...c, CancellationDate: '2025-01-19T00:00:00Z' }, NOW), null);
  assert.equal(mapContract({ ...c, Active: false }, NOW), null);
  assert.equal(mapContract({ ...c, Cancelled: true }, NOW), null);
  // A scheduled contract is kept with its future start.
  assert.deepEqual(
    mapContract({ ...c, StartDate: '2025-03-01T00:00:00' }, NOW)?.startsAt,
    new Date('2025-03-01Z'),
  );
  assert.throws(() => mapContract({ ...c, StartDate: 'soon' }, NOW), isMalformed);
  assert.throws(() => mapContract({ ...c, CoworkerId: null }, NOW), isMalformed);
});

test('booking → DESK (floor-plan desk or desk type) or ROOM at the resource location', () => {
  const resources = new Map<number, ResourceInfo>([
    [7001, { businessId: 1001, typeName: 'Meeting room' }],
    [7002, { businessId: 1002, typeName: 'Hot desk' }],
  ]);
  const from = startOfTodayAnywhere(NOW);
  const b = {
    Id: 445566,
    ResourceId: 7001,
    CoworkerId: 1415604543,
    FromTime: '2025-01-20T09:00:00Z',
    ToTime: '2025-01-20T11:00:00Z',
    FloorPlanDeskId: null,
    Tentative: false,
  };
  assert.deepEqual(mapBooking(b, resources, from), {
    externalId: '445566',
    memberExternalId: '1415604543',
    locationExternalId: '1001',
    kind: 'ROOM',
    startsAt: new Date('2025-01-20T09:00:00Z'),
    endsAt: new Date('2025-01-20T11:00:00Z'),
  });
  assert.equal(mapBooking({ ...b, FloorPlanDeskId: 88 }, resources, from)?.kind, 'DESK');
  assert.equal(mapBooking({ ...b, ResourceId: 7002 }, resources, from)?.kind, 'DESK');
  assert.equal(
    mapBooking({ ...b, ResourceResourceTypeName: 'Dedicated Desk' }, resources, from)?.kind,
    'DESK',
  );
  assert.equal(mapBooking({ ...b, CoworkerId: null }, resources, from), null);
  assert.equal(mapBooking({ ...b, Tentative: true }, resources, from), null);
  assert.equal(
    mapBooking({ ...b, ToTime: '2025-01-18T11:00:00Z', FromTime: '2025-01-18T09:00:00Z' }, resources, from),
    null,
  );
  assert.throws(() => mapBooking({ ...b, ToTime: undefined }, resources, from), isMalformed);
});

test('check-in → presence with normalized MAC addresses; checked out before today gives nothing', () => {
  const from = startOfTodayAnywhere(NOW);
  const ci = {
    Id: 3344556,
    CoworkerId: 1415604543,
    BusinessId: 1001,
    FromTime: '2025-01-20T08:55:00Z',
    ToTime: null,
    MacAddresses: 'AA:BB:CC:DD:EE:FF, 11-22-33-44-55-66;aabb.ccdd.eeff bogus',
  };
  assert.deepEqual(mapCheckin(ci, from), {
    externalId: '3344556',
    memberExternalId: '1415604543',
    locationExternalId: '1001',
    checkedInAt: new Date('2025-01-20T08:55:00Z'),
    checkedOutAt: null,
    macAddresses: ['aa:bb:cc:dd:ee:ff', '11:22:33:44:55:66'],
  });
  assert.deepEqual(
    mapCheckin({ ...ci, ToTime: '2025-01-20T10:00:00Z' }, from)?.checkedOutAt,
    new Date('2025-01-20T10:00:00Z'),
  );
  assert.equal(
    mapCheckin({ ...ci, FromTime: '2025-01-17T08:00:00Z', ToTime: '2025-01-17T10:00:00Z' }, from),
    null,
  );
  assert.equal(mapCheckin({ ...ci, CoworkerId: null }, from), null);
  assert.throws(() => mapCheckin({ ...ci, BusinessId: undefined }, from), isMalformed);
  assert.deepEqual(normalizeMacAddresses(null), []);
  assert.deepEqual(normalizeMacAddresses('aabbccddeeff\nAABBCCDDEEFF'), ['aa:bb:cc:dd:ee:ff']);
});

test('dates: UTC with or without zone; start of today anywhere is UTC midnight minus 14 h', () => {
  assert.deepEqual(parseNexudusDate('2025-01-15T10:30:00'), new Date('2025-01-15T10:30:00Z'));
  assert.deepEqual(parseNexudusDate('2025-01-15T10:30:00+01:00'), new Date('2025-01-15T09:30:00Z'));
  assert.equal(parseNexudusDate('nope'), null);
  assert.equal(parseNexudusDate(null), null);
  assert.deepEqual(startOfTodayAnywhere(NOW), new Date('2025-01-19T10:00:00Z'));
});

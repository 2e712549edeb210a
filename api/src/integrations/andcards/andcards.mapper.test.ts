import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bookingKind, mapSnapshot, startOfLocalDay, type AndcardsData } from './andcards.mapper.js';
import {
  readBooking,
  readMembership,
  readSubscription,
  RecordError,
  type SbBooking,
  type SbMembership,
  type SbSubscription,
} from './andcards.types.js';

const NOW = new Date('2025-03-10T12:00:00Z');
const KYIV = 'loc-kyiv';
const WARSAW = 'loc-warsaw';

function membership(
  id: string,
  userRef: string,
  locationRef: string,
  p: Partial<SbMembership> = {},
): SbMembership {
  return {
    id,
    locationRef,
    userRef,
    user: {
      id: userRef,
      email: `${userRef}@example.com`,
      name: 'Ada',
      surname: 'Lovelace',
      phoneNumber: null,
    },
    companyRef: null,
    type: 'member',
    status: 'approved',
    metadata: {},
    deleteDate: null,
    ...p,
  };
}

function subscription(id: string, p: Partial<SbSubscription>): SbSubscription {
  return {
    id,
    locationRef: KYIV,
    status: 'active',
    subscriptionType: 'user',
    membershipRef: null,
    companyRef: null,
    userId: null,
    startDate: '2025-01-01T00:00:00Z',
    endDate: '2025-06-30T23:59:59Z',
    planRefs: ['plan-hot'],
    deleteDate: null,
    ...p,
  };
}

function booking(id: string, resourceRef: string, owner: string, p: Partial<SbBooking> = {}): SbBooking {
  return {
    id,
    resourceRef,
    startDate: '2025-03-10T09:00:00Z',
    endDate: '2025-03-10T17:00:00Z',
    membershipRefOwner: owner,
    userOwnerId: null,
    attendees: [],
    deleteDate: null,
    ...p,
  };
}

function data(p: Partial<AndcardsData> = {}): AndcardsData {
  return {
    locations: [
      { id: KYIV, title: 'Kyiv Podil', timezoneId: 'Europe/Kyiv' },
      { id: WARSAW, title: 'Warsaw Centrum', timezoneId: 'Europe/Warsaw' },
    ],
    memberships: [],
    companies: [
      { id: 'co-1', locationRef: KYIV, title: 'Analytical Ltd', deleteDate: null },
      { id: 'co-gone', locationRef: KYIV, title: 'Gone Ltd', deleteDate: '2025-01-01T00:00:00Z' },
    ],
    plans: [
      { id: 'plan-hot', title: 'Hot Desk', locationRef: KYIV },
      { id: 'plan-vo', title: 'Virtual Office', locationRef: KYIV },
    ],
    subscriptions: [],
    resources: [
      { id: 'r-desk', type: 'hotDesk', locationRef: KYIV },
      { id: 'r-room', type: 'meetingRoom', locationRef: KYIV },
      { id: 'r-park', type: 'parkingLot', locationRef: KYIV },
    ],
    bookings: [],
    ...p,
  };
}

const full = { scope: { kind: 'FULL' as const }, now: NOW };

describe('andcards mapper', () => {
  it('maps locations with their zone, companies to COMPANY groups, plans with a virtual hint', () => {
    const { snapshot } = mapSnapshot(data(), full);
    assert.deepEqual(snapshot.locations, [
      { externalId: KYIV, name: 'Kyiv Podil', timezone: 'Europe/Kyiv' },
      { externalId: WARSAW, name: 'Warsaw Centrum', timezone: 'Europe/Warsaw' },
    ]);
    assert.deepEqual(snapshot.groups, [
      { externalId: 'co-1', kind: 'COMPANY', name: 'Analytical Ltd', locationExternalId: KYIV },
    ]);
    assert.deepEqual(
      snapshot.plans.map((p) => [p.externalId, p.virtual]),
      [
        ['plan-hot', false],
        ['plan-vo', true],
      ],
    );
    assert.equal(snapshot.scope.kind, 'FULL');
  });

  it('an unknown time zone becomes null with a warning', () => {
    const { snapshot, warnings } = mapSnapshot(
      data({ locations: [{ id: KYIV, title: 'K', timezoneId: 'Mars/Olympus' }] }),
      full,
    );
    assert.equal(snapshot.locations[0].timezone, null);
    assert.equal(warnings.length, 1);
  });

  it('one person with memberships in two locations is one member', () => {
    const { snapshot } = mapSnapshot(
      data({
        memberships: [
          membership('m1', 'u1', KYIV, { companyRef: 'co-1', metadata: { wifi: 'secret-pass', n: 3 } }),
          membership('m2', 'u1', WARSAW),
          membership('m3', 'u2', WARSAW, {
            user: { id: 'u2', email: null, name: '', surname: '', phoneNumber: '+48' },
          }),
        ],
      }),
      full,
    );
    assert.equal(snapshot.members.length, 2);
    const ada = snapshot.members.find((m) => m.externalId === 'u1')!;
    assert.deepEqual(ada, {
      externalId: 'u1',
      email: 'u1@example.com',
      fullName: 'Ada Lovelace',
      company: 'Analytical Ltd',
      locationExternalIds: [KYIV, WARSAW],
      homeLocationExternalId: null,
      groupExternalIds: ['co-1'],
      active: true,
      fields: { 'metadata.wifi': 'secret-pass', 'metadata.n': '3' },
    });
    const u2 = snapshot.members.find((m) => m.externalId === 'u2')!;
    assert.equal(u2.email, null);
    assert.equal(u2.fullName, 'u2');
    assert.deepEqual(u2.fields, { phoneNumber: '+48' });
  });

  it('drops deleted and requested memberships; a user with none left is absent', () => {
    const { snapshot } = mapSnapshot(
      data({
        memberships: [
          membership('m1', 'u1', KYIV, { deleteDate: '2025-03-01T00:00:00Z' }),
          membership('m2', 'u1', WARSAW),
          membership('m3', 'u2', KYIV, { deleteDate: '2025-03-01T00:00:00Z' }),
          membership('m4', 'u3', KYIV, { status: 'requested' }),
        ],
      }),
      full,
    );
    assert.deepEqual(
      snapshot.members.map((m) => [m.externalId, m.locationExternalIds]),
      [['u1', [WARSAW]]],
    );
  });

  it('a company that was deleted is not a group of its members', () => {
    const { snapshot } = mapSnapshot(
      data({ memberships: [membership('m1', 'u1', KYIV, { companyRef: 'co-gone' })] }),
      full,
    );
    assert.deepEqual(snapshot.members[0].groupExternalIds, []);
    assert.equal(snapshot.members[0].company, null);
  });

  it('user subscriptions follow membershipRef to the user; end date null stays open', () => {
    const { snapshot } = mapSnapshot(
      data({
        memberships: [membership('m1', 'u1', KYIV), membership('m2', 'u2', KYIV)],
        subscriptions: [
          subscription('s1', { membershipRef: 'm1' }),
          subscription('s2', {
            membershipRef: 'm2',
            endDate: null,
            status: 'scheduled',
            startDate: '2025-04-01T00:00:00Z',
          }),
          subscription('s3', { membershipRef: 'm2', status: 'canceled' }),
          subscription('s4', { membershipRef: 'm2', status: 'incomplete' }),
        ],
      }),
      full,
    );
    assert.deepEqual(snapshot.memberships, [
      {
        externalId: 's1',
        memberExternalId: 'u1',
        planExternalId: 'plan-hot',
        locationExternalId: KYIV,
        startsAt: new Date('2025-01-01T00:00:00Z'),
        endsAt: new Date('2025-06-30T23:59:59Z'),
        cancelledAt: null,
      },
      {
        externalId: 's2',
        memberExternalId: 'u2',
        planExternalId: 'plan-hot',
        locationExternalId: KYIV,
        startsAt: new Date('2025-04-01T00:00:00Z'),
        endsAt: null,
        cancelledAt: null,
      },
    ]);
  });

  it('a company subscription gives a membership to every member of the company', () => {
    const { snapshot } = mapSnapshot(
      data({
        memberships: [
          membership('m1', 'u1', KYIV, { companyRef: 'co-1' }),
          membership('m2', 'u2', KYIV, { companyRef: 'co-1' }),
          membership('m3', 'u3', KYIV),
        ],
        subscriptions: [
          subscription('s9', { subscriptionType: 'company', companyRef: 'co-1', planRefs: ['plan-vo'] }),
        ],
      }),
      full,
    );
    assert.deepEqual(
      snapshot.memberships.map((m) => [m.externalId, m.memberExternalId, m.planExternalId]),
      [
        ['s9:u1', 'u1', 'plan-vo'],
        ['s9:u2', 'u2', 'plan-vo'],
      ],
    );
  });

  it('a subscription whose membership is not listed is skipped with a warning', () => {
    const { snapshot, warnings } = mapSnapshot(
      data({ subscriptions: [subscription('s1', { membershipRef: 'gone' })] }),
      full,
    );
    assert.equal(snapshot.memberships.length, 0);
    assert.equal(warnings.length, 1);
  });

  it('desk vs room from the resource type; parking ignored; cancelled and past bookings dropped', () => {
    const { snapshot } = mapSnapshot(
      data({
        memberships: [membership('m1', 'u1', KYIV), membership('m2', 'u2', KYIV)],
        bookings: [
          booking('b-desk', 'r-desk', 'm1'),
          booking('b-room', 'r-room', 'm2'),
          booking('b-park', 'r-park', 'm1'),
          booking('b-cancel', 'r-desk', 'm2', { deleteDate: '2025-03-09T00:00:00Z' }),
          booking('b-past', 'r-desk', 'm2', {
            startDate: '2025-03-09T09:00:00Z',
            endDate: '2025-03-09T17:00:00Z',
          }),
          booking('b-later', 'r-room', 'm1', {
            startDate: '2025-03-12T09:00:00Z',
            endDate: '2025-03-12T10:00:00Z',
          }),
        ],
      }),
      full,
    );
    assert.deepEqual(
      snapshot.bookings.map((b) => [b.externalId, b.memberExternalId, b.kind, b.locationExternalId]),
      [
        ['b-desk', 'u1', 'DESK', KYIV],
        ['b-room', 'u2', 'ROOM', KYIV],
        ['b-later', 'u1', 'ROOM', KYIV],
      ],
    );
  });

  it('"today" is the location day: a booking that ended before local midnight is past', () => {
    // 20:00-21:30 UTC on the 9th is 22:00-23:30 in Kyiv (UTC+2): the day before, so past.
    const lateNight = booking('b', 'r-desk', 'm1', {
      startDate: '2025-03-09T20:00:00Z',
      endDate: '2025-03-09T21:30:00Z',
    });
    const early = booking('c', 'r-desk', 'm1', {
      startDate: '2025-03-09T22:00:00Z',
      endDate: '2025-03-09T23:00:00Z',
    });
    const { snapshot } = mapSnapshot(
      data({ memberships: [membership('m1', 'u1', KYIV)], bookings: [lateNight, early] }),
      full,
    );
    // Kyiv midnight of the 10th = 2025-03-09T22:00Z: `early` (00:00-01:00 local on the 10th) counts.
    assert.deepEqual(
      startOfLocalDay(NOW, { id: KYIV, title: '', timezoneId: 'Europe/Kyiv' }),
      new Date('2025-03-09T22:00:00Z'),
    );
    assert.deepEqual(
      snapshot.bookings.map((b) => b.externalId),
      ['c'],
    );
  });

  it('room attendees with a known membership get the booking too; desk attendees do not', () => {
    const { snapshot } = mapSnapshot(
      data({
        memberships: [membership('m1', 'u1', KYIV), membership('m2', 'u2', KYIV)],
        bookings: [
          booking('b-room', 'r-room', 'm1', {
            attendees: [
              { membershipRef: 'm2', userId: null },
              { membershipRef: 'unknown', userId: null },
              { membershipRef: 'm1', userId: null },
            ],
          }),
          booking('b-desk', 'r-desk', 'm1', { attendees: [{ membershipRef: 'm2', userId: null }] }),
        ],
      }),
      full,
    );
    assert.deepEqual(
      snapshot.bookings.map((b) => [b.externalId, b.memberExternalId]),
      [
        ['b-room', 'u1'],
        ['b-room:u2', 'u2'],
        ['b-desk', 'u1'],
      ],
    );
  });

  it('the owner falls back to userOwner.id', () => {
    const { snapshot } = mapSnapshot(
      data({
        memberships: [membership('m1', 'u1', KYIV)],
        bookings: [booking('b', 'r-desk', 'm-elsewhere', { userOwnerId: 'u1' })],
      }),
      full,
    );
    assert.deepEqual(
      snapshot.bookings.map((b) => b.memberExternalId),
      ['u1'],
    );
  });

  it('PARTIAL scope keeps only the listed users', () => {
    const { snapshot, warnings } = mapSnapshot(
      data({
        memberships: [
          membership('m1', 'u1', KYIV, { companyRef: 'co-1' }),
          membership('m2', 'u2', KYIV, { companyRef: 'co-1' }),
        ],
        subscriptions: [subscription('s9', { subscriptionType: 'company', companyRef: 'co-1' })],
        bookings: [
          booking('b1', 'r-room', 'm2', { attendees: [{ membershipRef: 'm1', userId: null }] }),
          booking('b2', 'r-desk', 'm2'),
        ],
      }),
      { scope: { kind: 'PARTIAL', memberExternalIds: ['u1'] }, now: NOW },
    );
    assert.deepEqual(snapshot.scope, { kind: 'PARTIAL', memberExternalIds: ['u1'] });
    assert.deepEqual(
      snapshot.members.map((m) => m.externalId),
      ['u1'],
    );
    assert.deepEqual(
      snapshot.memberships.map((m) => m.externalId),
      ['s9:u1'],
    );
    assert.deepEqual(
      snapshot.bookings.map((b) => b.externalId),
      ['b1:u1'],
    );
    assert.deepEqual(warnings, []);
  });

  it('booking kinds for every documented resource type', () => {
    assert.equal(bookingKind('hotDesk'), 'DESK');
    assert.equal(bookingKind('dedicatedDesk'), 'DESK');
    for (const t of ['room', 'meetingRoom', 'conferenceRoom', 'phoneBooth', 'eventSpace', 'studio', 'office'])
      assert.equal(bookingKind(t), 'ROOM', t);
    for (const t of ['parkingLot', 'equipment', 'station']) assert.equal(bookingKind(t), null, t);
  });
});

describe('andcards record readers', () => {
  it('read the documented membership, subscription and booking shapes', () => {
    const m = readMembership({
      id: 'm1',
      locationRef: KYIV,
      userRef: 'u1',
      user: { id: 'u1', email: 'ada@example.com', name: 'Ada', surname: 'Lovelace', phoneNumber: null },
      companyRef: 'co-1',
      type: 'member',
      status: 'approved',
      metadata: {},
      deleteDate: null,
    });
    assert.equal(m.user.email, 'ada@example.com');
    const s = readSubscription({
      id: 's1',
      locationRef: KYIV,
      status: 'active',
      subscriptionType: 'user',
      customerRef: 'm1',
      customer: { id: 'm1', type: 'user', user: { id: 'u1' } },
      membershipRef: 'm1',
      companyRef: null,
      startDate: '2025-01-01T00:00:00Z',
      endDate: null,
      items: [{ planRef: 'plan-hot', plan: { id: 'plan-hot' } }],
    });
    assert.deepEqual([s.membershipRef, s.userId, s.planRefs, s.endDate], ['m1', 'u1', ['plan-hot'], null]);
    const b = readBooking({
      id: 'b1',
      resourceRef: 'r1',
      startDate: '2025-01-20T09:00:00Z',
      endDate: '2025-01-20T17:00:00Z',
      membershipRefOwner: 'm1',
      userOwner: { id: 'u1' },
      attendees: [{ membershipRef: 'm2', user: { email: 'c@example.com' } }],
    });
    assert.deepEqual(b.attendees, [{ membershipRef: 'm2', userId: null }]);
  });

  it('refuse records missing what the connector relies on', () => {
    assert.throws(() => readMembership({ id: 'm1', locationRef: KYIV }), RecordError);
    assert.throws(() => readMembership({ id: 'm1', user: { id: 'u1' } }), RecordError);
    assert.throws(
      () =>
        readSubscription({
          id: 's',
          status: 'active',
          subscriptionType: 'user',
          startDate: '2025-01-01T00:00:00Z',
        }),
      RecordError,
    );
    assert.throws(
      () =>
        readBooking({
          id: 'b',
          resourceRef: 'r',
          startDate: 'soon',
          endDate: '2025-01-01T00:00:00Z',
          membershipRefOwner: 'm',
        }),
      RecordError,
    );
    assert.throws(() => readBooking(null), RecordError);
  });
});

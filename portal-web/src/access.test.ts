import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeAccess } from './access';

const LONDON = 'Europe/London';
const NY = 'America/New_York';
const now = new Date('2026-05-10T10:00:00Z');

test('a membership with an end date: "Active until 30 June"', () => {
  const r = describeAccess(
    { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'MEMBERSHIP', validUntil: '2026-06-30T16:00:00Z' },
    LONDON,
    now,
  );
  assert.deepEqual(r, { tone: 'ok', text: 'Active until 30 June' });
});

test('an end at midnight shows the last day included, and the year when it is not this year', () => {
  // 1 July 00:00 in London (BST) = 30 June 23:00 UTC: access through 30 June.
  assert.equal(
    describeAccess(
      { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'MEMBERSHIP', validUntil: '2026-06-30T23:00:00Z' },
      LONDON,
      now,
    ).text,
    'Active until 30 June',
  );
  assert.equal(
    describeAccess(
      { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'MEMBERSHIP', validUntil: '2027-01-15T12:00:00Z' },
      LONDON,
      now,
    ).text,
    'Active until 15 January 2027',
  );
});

test('open-ended access and check-ins', () => {
  assert.equal(
    describeAccess({ state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'MEMBERSHIP' }, LONDON, now).text,
    'Active',
  );
  assert.equal(
    describeAccess(
      { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'CHECK_IN', validUntil: null },
      LONDON,
      now,
    ).text,
    'Checked in: until you check out',
  );
});

test("today's booking: until midnight in the location's time zone", () => {
  // Midnight in New York on 11 May = 04:00 UTC.
  const r = describeAccess(
    { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'DESK_BOOKING', validUntil: '2026-05-11T04:00:00Z' },
    NY,
    now,
  );
  assert.deepEqual(r, { tone: 'ok', text: 'Today’s booking: until midnight' });
  // The same instant is 05:00 in London: not midnight there.
  assert.notEqual(
    describeAccess(
      { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'DESK_BOOKING', validUntil: '2026-05-11T04:00:00Z' },
      LONDON,
      now,
    ).text,
    'Today’s booking: until midnight',
  );
  assert.equal(
    describeAccess(
      { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'ROOM_BOOKING', validUntil: '2026-05-10T17:00:00Z' },
      LONDON,
      now,
    ).text,
    'Today’s booking: until 18:00',
  );
});

test('access ending later today', () => {
  assert.equal(
    describeAccess(
      { state: 'ACTIVE', reason: 'ALLOWED', grantKind: 'MANUAL', validUntil: '2026-05-10T17:30:00Z' },
      LONDON,
      now,
    ).text,
    'Active until 18:30 today',
  );
});

test('no access: why, in words', () => {
  assert.deepEqual(
    describeAccess(
      { state: 'NO_ACCESS', reason: 'GRANT_ENDED', endedAt: '2026-05-03T15:00:00Z' },
      LONDON,
      now,
    ),
    { tone: 'warn', text: 'No access: your plan ended on 3 May' },
  );
  assert.equal(
    describeAccess(
      {
        state: 'NO_ACCESS',
        reason: 'GRANT_ENDED',
        grantKind: 'DESK_BOOKING',
        endedAt: '2026-05-04T23:00:00Z',
      },
      LONDON,
      now,
    ).text,
    'No access: your booking ended on 4 May',
  );
  assert.match(
    describeAccess({ state: 'NO_ACCESS', reason: 'NO_GRANT' }, LONDON, now).text,
    /^No access: you have no active plan/,
  );
  assert.match(
    describeAccess({ state: 'NO_ACCESS', reason: 'NOT_HOME_LOCATION' }, LONDON, now).text,
    /another location/,
  );
  assert.match(
    describeAccess({ state: 'NO_ACCESS', reason: 'PLAN_WITHOUT_WIFI' }, LONDON, now).text,
    /does not include WiFi/,
  );
  assert.match(
    describeAccess({ state: 'DISABLED', reason: 'MEMBER_DISABLED' }, LONDON, now).text,
    /disabled/,
  );
  assert.match(
    describeAccess({ state: 'NO_ACCESS', reason: 'SOMETHING_NEW' }, LONDON, now).text,
    /^No access/,
  );
});

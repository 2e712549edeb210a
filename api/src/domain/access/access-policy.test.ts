import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCESS_REASONS,
  DEFAULT_MAX_SESSION_TIMEOUT_SECONDS,
  decideAccess,
  effectiveInterval,
  resolveGroupSettings,
  type AccessDecisionOptions,
  type AccessGrantInput,
  type AccessGroupInput,
  type AccessLocationInput,
  type AccessMemberInput,
  type AccessPolicyLimits,
  type GrantKind,
  type GroupOrigin,
  type MemberStatus,
} from './access-policy.js';

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

const d = (iso: string): Date => new Date(iso);
const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());
const plusMs = (iso: string, ms: number): Date => new Date(new Date(iso).getTime() + ms);

const NO_LIMITS: AccessPolicyLimits = {
  bandwidthUpKbps: null,
  bandwidthDownKbps: null,
  sessionTimeoutSeconds: null,
  maxDevices: null,
};

function member(overrides: Partial<AccessMemberInput> = {}): AccessMemberInput {
  return { id: 'member-1', status: 'ACTIVE', roaming: false, homeLocationIds: [], groups: [], ...overrides };
}

let grantSeq = 0;
function grant(overrides: Partial<AccessGrantInput> = {}): AccessGrantInput {
  grantSeq += 1;
  return {
    id: `grant-${grantSeq}`,
    kind: 'MEMBERSHIP',
    locationId: 'loc-a',
    startsAt: d('2026-01-01T00:00:00Z'),
    endsAt: null,
    ...overrides,
  };
}

function location(overrides: Partial<AccessLocationInput> = {}): AccessLocationInput {
  return { id: 'loc-a', timezone: 'Europe/London', defaultVlanId: null, ...overrides };
}

function group(
  overrides: Partial<Omit<AccessGroupInput, 'policy'>> & { policy?: Partial<AccessPolicyLimits> } = {},
): AccessGroupInput {
  const { policy, ...rest } = overrides;
  return {
    id: `group-${rest.name ?? 'x'}`,
    name: 'x',
    origin: 'TEAM',
    vlanId: null,
    ...rest,
    policy: { ...NO_LIMITS, ...policy },
  };
}

function decide(
  grants: readonly AccessGrantInput[],
  now: string | Date,
  opts: {
    member?: Partial<AccessMemberInput>;
    location?: Partial<AccessLocationInput>;
    options?: AccessDecisionOptions;
  } = {},
) {
  return decideAccess(
    member(opts.member),
    grants,
    location(opts.location),
    typeof now === 'string' ? d(now) : now,
    opts.options,
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// effectiveInterval
// ---------------------------------------------------------------------------------------------

describe('effectiveInterval: time-based kinds (MEMBERSHIP, MANUAL, VISITOR, CHECK_IN)', () => {
  const kinds: GrantKind[] = ['MEMBERSHIP', 'MANUAL', 'VISITOR', 'CHECK_IN'];
  const rows: Array<{ name: string; g: Partial<AccessGrantInput>; start: string; end: string | null }> = [
    {
      name: 'start and end as given',
      g: { startsAt: d('2026-04-01T09:15:00Z'), endsAt: d('2026-04-30T18:00:00Z') },
      start: '2026-04-01T09:15:00.000Z',
      end: '2026-04-30T18:00:00.000Z',
    },
    {
      name: 'null end stays open-ended',
      g: { startsAt: d('2026-04-01T09:15:00Z'), endsAt: null },
      start: '2026-04-01T09:15:00.000Z',
      end: null,
    },
    {
      name: 'cancellation before end caps the end',
      g: {
        startsAt: d('2026-04-01T00:00:00Z'),
        endsAt: d('2026-06-30T00:00:00Z'),
        cancelledAt: d('2026-05-15T12:00:00Z'),
      },
      start: '2026-04-01T00:00:00.000Z',
      end: '2026-05-15T12:00:00.000Z',
    },
    {
      name: 'cancellation after end does not extend',
      g: {
        startsAt: d('2026-04-01T00:00:00Z'),
        endsAt: d('2026-06-30T00:00:00Z'),
        cancelledAt: d('2026-07-15T00:00:00Z'),
      },
      start: '2026-04-01T00:00:00.000Z',
      end: '2026-06-30T00:00:00.000Z',
    },
    {
      name: 'cancellation of an open-ended grant ends it',
      g: { startsAt: d('2026-04-01T00:00:00Z'), endsAt: null, cancelledAt: d('2026-05-01T00:00:00Z') },
      start: '2026-04-01T00:00:00.000Z',
      end: '2026-05-01T00:00:00.000Z',
    },
    {
      name: 'cancelledAt null is ignored',
      g: { startsAt: d('2026-04-01T00:00:00Z'), endsAt: d('2026-04-02T00:00:00Z'), cancelledAt: null },
      start: '2026-04-01T00:00:00.000Z',
      end: '2026-04-02T00:00:00.000Z',
    },
  ];
  for (const kind of kinds) {
    for (const row of rows) {
      it(`${kind}: ${row.name}`, () => {
        const iv = effectiveInterval(grant({ kind, ...row.g }), 'Asia/Tokyo');
        assert.equal(iso(iv.start), row.start);
        assert.equal(iso(iv.end), row.end);
      });
    }
  }

  it('ignores the time zone for non-bookings (even an invalid one) and does not throw', () => {
    const iv = effectiveInterval(
      grant({ kind: 'MEMBERSHIP', startsAt: d('2026-04-01T09:15:00Z'), endsAt: d('2026-04-02T09:15:00Z') }),
      'Not/AZone',
    );
    assert.equal(iso(iv.start), '2026-04-01T09:15:00.000Z');
    assert.equal(iso(iv.end), '2026-04-02T09:15:00.000Z');
  });
});

describe('effectiveInterval: bookings cover whole local calendar days', () => {
  const rows: Array<{
    name: string;
    zone: string;
    startsAt: string;
    endsAt: string | null;
    start: string;
    end: string;
  }> = [
    {
      name: 'Europe/London ordinary summer day',
      zone: 'Europe/London',
      startsAt: '2026-06-10T09:00:00Z',
      endsAt: '2026-06-10T12:00:00Z',
      start: '2026-06-09T23:00:00.000Z',
      end: '2026-06-10T23:00:00.000Z',
    },
    {
      name: 'Europe/London ordinary winter day',
      zone: 'Europe/London',
      startsAt: '2026-01-20T09:00:00Z',
      endsAt: '2026-01-20T12:00:00Z',
      start: '2026-01-20T00:00:00.000Z',
      end: '2026-01-21T00:00:00.000Z',
    },
    {
      name: 'Europe/London 2026-03-29 (23 h, clocks forward)',
      zone: 'Europe/London',
      startsAt: '2026-03-29T10:00:00Z',
      endsAt: '2026-03-29T12:00:00Z',
      start: '2026-03-29T00:00:00.000Z',
      end: '2026-03-29T23:00:00.000Z',
    },
    {
      name: 'Europe/London 2026-10-25 (25 h, clocks back)',
      zone: 'Europe/London',
      startsAt: '2026-10-25T10:00:00Z',
      endsAt: '2026-10-25T12:00:00Z',
      start: '2026-10-24T23:00:00.000Z',
      end: '2026-10-26T00:00:00.000Z',
    },
    {
      name: 'America/New_York 2026-03-08 (23 h)',
      zone: 'America/New_York',
      startsAt: '2026-03-08T15:00:00Z',
      endsAt: '2026-03-08T16:00:00Z',
      start: '2026-03-08T05:00:00.000Z',
      end: '2026-03-09T04:00:00.000Z',
    },
    {
      name: 'America/New_York 2026-11-01 (25 h)',
      zone: 'America/New_York',
      startsAt: '2026-11-01T15:00:00Z',
      endsAt: '2026-11-01T16:00:00Z',
      start: '2026-11-01T04:00:00.000Z',
      end: '2026-11-02T05:00:00.000Z',
    },
    {
      name: 'America/New_York evening booking is still the same local day although UTC has moved on',
      zone: 'America/New_York',
      startsAt: '2026-06-11T02:30:00Z', // 22:30 EDT on 06-10
      endsAt: '2026-06-11T03:30:00Z',
      start: '2026-06-10T04:00:00.000Z',
      end: '2026-06-11T04:00:00.000Z',
    },
    {
      name: 'Australia/Lord_Howe 2026-04-05 (24.5 h, 30-minute shift back)',
      zone: 'Australia/Lord_Howe',
      startsAt: '2026-04-05T01:00:00Z',
      endsAt: '2026-04-05T02:00:00Z',
      start: '2026-04-04T13:00:00.000Z',
      end: '2026-04-05T13:30:00.000Z',
    },
    {
      name: 'Australia/Lord_Howe 2026-10-04 (23.5 h, 30-minute shift forward)',
      zone: 'Australia/Lord_Howe',
      startsAt: '2026-10-04T01:00:00Z',
      endsAt: '2026-10-04T02:00:00Z',
      start: '2026-10-03T13:30:00.000Z',
      end: '2026-10-04T13:00:00.000Z',
    },
    {
      name: 'Asia/Kolkata (no DST, +05:30) on the London DST day',
      zone: 'Asia/Kolkata',
      startsAt: '2026-03-29T06:00:00Z',
      endsAt: '2026-03-29T07:00:00Z',
      start: '2026-03-28T18:30:00.000Z',
      end: '2026-03-29T18:30:00.000Z',
    },
    {
      name: 'Asia/Tokyo booking made on a UTC evening is already the next local day',
      zone: 'Asia/Tokyo',
      startsAt: '2026-05-10T16:00:00Z', // 2026-05-11 01:00 JST
      endsAt: '2026-05-10T17:00:00Z',
      start: '2026-05-10T15:00:00.000Z',
      end: '2026-05-11T15:00:00.000Z',
    },
    {
      name: 'America/Santiago 2026-09-06: the day starts at 01:00 (DST gap at midnight)',
      zone: 'America/Santiago',
      startsAt: '2026-09-06T15:00:00Z',
      endsAt: '2026-09-06T16:00:00Z',
      start: '2026-09-06T04:00:00.000Z',
      end: '2026-09-07T03:00:00.000Z',
    },
    {
      name: 'America/Santiago 2026-09-05: the day ends when the next (gap) day starts',
      zone: 'America/Santiago',
      startsAt: '2026-09-05T15:00:00Z',
      endsAt: '2026-09-05T16:00:00Z',
      start: '2026-09-05T04:00:00.000Z',
      end: '2026-09-06T04:00:00.000Z',
    },
    {
      name: 'multi-day booking across the London fall-back day',
      zone: 'Europe/London',
      startsAt: '2026-10-24T10:00:00Z',
      endsAt: '2026-10-26T10:00:00Z',
      start: '2026-10-23T23:00:00.000Z',
      end: '2026-10-27T00:00:00.000Z',
    },
    {
      name: 'booking ending exactly at local midnight does not spill into the next day',
      zone: 'Europe/London',
      startsAt: '2026-06-10T20:00:00Z',
      endsAt: '2026-06-10T23:00:00Z', // 00:00 BST on 06-11
      start: '2026-06-09T23:00:00.000Z',
      end: '2026-06-10T23:00:00.000Z',
    },
    {
      name: 'booking ending 1 ms after local midnight covers the next day too',
      zone: 'Europe/London',
      startsAt: '2026-06-10T20:00:00Z',
      endsAt: '2026-06-10T23:00:00.001Z',
      start: '2026-06-09T23:00:00.000Z',
      end: '2026-06-11T23:00:00.000Z',
    },
    {
      name: 'booking starting exactly at local midnight belongs to that day',
      zone: 'Europe/London',
      startsAt: '2026-06-09T23:00:00Z',
      endsAt: '2026-06-10T01:00:00Z',
      start: '2026-06-09T23:00:00.000Z',
      end: '2026-06-10T23:00:00.000Z',
    },
    {
      name: 'booking starting 1 ms before local midnight belongs to the previous day',
      zone: 'Europe/London',
      startsAt: '2026-06-09T22:59:59.999Z',
      endsAt: '2026-06-09T22:59:59.999Z',
      start: '2026-06-08T23:00:00.000Z',
      end: '2026-06-09T23:00:00.000Z',
    },
    {
      name: 'null endsAt: the day of startsAt',
      zone: 'Europe/London',
      startsAt: '2026-06-10T09:00:00Z',
      endsAt: null,
      start: '2026-06-09T23:00:00.000Z',
      end: '2026-06-10T23:00:00.000Z',
    },
    {
      name: 'endsAt before startsAt: the day of startsAt',
      zone: 'Europe/London',
      startsAt: '2026-06-10T09:00:00Z',
      endsAt: '2026-06-01T09:00:00Z',
      start: '2026-06-09T23:00:00.000Z',
      end: '2026-06-10T23:00:00.000Z',
    },
  ];
  for (const kind of ['DESK_BOOKING', 'ROOM_BOOKING'] as const) {
    for (const row of rows) {
      it(`${kind}: ${row.name}`, () => {
        const g = grant({
          kind,
          startsAt: d(row.startsAt),
          endsAt: row.endsAt === null ? null : d(row.endsAt),
        });
        const iv = effectiveInterval(g, row.zone);
        assert.equal(iso(iv.start), row.start);
        assert.equal(iso(iv.end), row.end);
      });
    }
  }

  it('a booking cancelled during its day ends at the cancellation', () => {
    const g = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-06-10T09:00:00Z'),
      endsAt: d('2026-06-10T12:00:00Z'),
      cancelledAt: d('2026-06-10T10:30:00Z'),
    });
    const iv = effectiveInterval(g, 'Europe/London');
    assert.equal(iso(iv.start), '2026-06-09T23:00:00.000Z');
    assert.equal(iso(iv.end), '2026-06-10T10:30:00.000Z');
  });

  it('a booking cancelled before its day yields an empty interval', () => {
    const g = grant({
      kind: 'ROOM_BOOKING',
      startsAt: d('2026-06-10T09:00:00Z'),
      endsAt: d('2026-06-10T12:00:00Z'),
      cancelledAt: d('2026-06-08T10:00:00Z'),
    });
    const iv = effectiveInterval(g, 'Europe/London');
    assert.ok(iv.end !== null && iv.end.getTime() <= iv.start.getTime());
  });

  it('throws a RangeError for a booking in an invalid zone (decideAccess never does)', () => {
    assert.throws(() => effectiveInterval(grant({ kind: 'DESK_BOOKING' }), 'Mars/Olympus_Mons'), RangeError);
  });

  it('does not mutate the grant', () => {
    const g = deepFreeze(
      grant({ kind: 'DESK_BOOKING', startsAt: d('2026-06-10T09:00:00Z'), endsAt: d('2026-06-10T12:00:00Z') }),
    );
    const before = JSON.stringify(g);
    effectiveInterval(g, 'Europe/London');
    assert.equal(JSON.stringify(g), before);
  });
});

// ---------------------------------------------------------------------------------------------
// decideAccess: every kind at its boundaries
// ---------------------------------------------------------------------------------------------

describe('decideAccess: every grant kind at its boundaries (start inclusive, end exclusive)', () => {
  const rows: Array<{ kind: GrantKind; g: Partial<AccessGrantInput>; start: string; end: string }> = [
    {
      kind: 'MEMBERSHIP',
      g: { startsAt: d('2026-04-01T09:00:00Z'), endsAt: d('2026-04-30T18:00:00Z') },
      start: '2026-04-01T09:00:00.000Z',
      end: '2026-04-30T18:00:00.000Z',
    },
    {
      kind: 'MANUAL',
      g: { startsAt: d('2026-04-01T09:00:00Z'), endsAt: d('2026-04-30T18:00:00Z') },
      start: '2026-04-01T09:00:00.000Z',
      end: '2026-04-30T18:00:00.000Z',
    },
    {
      kind: 'VISITOR',
      g: { startsAt: d('2026-04-15T08:00:00Z'), endsAt: d('2026-04-15T17:00:00Z') },
      start: '2026-04-15T08:00:00.000Z',
      end: '2026-04-15T17:00:00.000Z',
    },
    {
      kind: 'CHECK_IN',
      g: { startsAt: d('2026-04-15T08:12:00Z'), endsAt: d('2026-04-15T17:40:00Z') },
      start: '2026-04-15T08:12:00.000Z',
      end: '2026-04-15T17:40:00.000Z',
    },
    // Europe/London, BST: the booking's day runs 2026-04-14T23:00Z .. 2026-04-15T23:00Z.
    {
      kind: 'DESK_BOOKING',
      g: { startsAt: d('2026-04-15T09:00:00Z'), endsAt: d('2026-04-15T11:00:00Z') },
      start: '2026-04-14T23:00:00.000Z',
      end: '2026-04-15T23:00:00.000Z',
    },
    {
      kind: 'ROOM_BOOKING',
      g: { startsAt: d('2026-04-15T13:00:00Z'), endsAt: d('2026-04-15T14:00:00Z') },
      start: '2026-04-14T23:00:00.000Z',
      end: '2026-04-15T23:00:00.000Z',
    },
  ];
  for (const row of rows) {
    const g = grant({ kind: row.kind, ...row.g });
    it(`${row.kind}: 1 ms before start → GRANT_NOT_STARTED`, () => {
      const r = decide([g], plusMs(row.start, -1));
      assert.equal(r.allowed, false);
      assert.equal(r.reason, 'GRANT_NOT_STARTED');
      assert.equal(r.grantId, g.id);
    });
    it(`${row.kind}: exactly at start → ALLOWED until the end`, () => {
      const r = decide([g], row.start);
      assert.equal(r.allowed, true);
      assert.equal(r.reason, 'ALLOWED');
      assert.equal(r.grantId, g.id);
      assert.equal(r.grantKind, row.kind);
      assert.equal(iso(r.validUntil), row.end);
    });
    it(`${row.kind}: 1 ms before end → ALLOWED with Session-Timeout 1`, () => {
      const r = decide([g], plusMs(row.end, -1));
      assert.equal(r.allowed, true);
      assert.equal(iso(r.validUntil), row.end);
      assert.equal(r.sessionTimeoutSeconds, 1);
    });
    it(`${row.kind}: exactly at end → GRANT_ENDED`, () => {
      const r = decide([g], row.end);
      assert.equal(r.allowed, false);
      assert.equal(r.reason, 'GRANT_ENDED');
      assert.equal(r.grantId, g.id);
      assert.equal(r.validUntil, null);
      assert.equal(r.sessionTimeoutSeconds, null);
    });
  }

  for (const kind of ['MEMBERSHIP', 'MANUAL', 'VISITOR'] as const) {
    it(`${kind}: open-ended → ALLOWED, validUntil null, Session-Timeout = default cap`, () => {
      const g = grant({ kind, startsAt: d('2026-01-01T00:00:00Z'), endsAt: null });
      const r = decide([g], '2030-06-01T00:00:00Z');
      assert.equal(r.allowed, true);
      assert.equal(r.validUntil, null);
      assert.equal(r.sessionTimeoutSeconds, DEFAULT_MAX_SESSION_TIMEOUT_SECONDS);
      assert.equal(r.sessionTimeoutSeconds, 86_400);
    });
  }
});

describe('decideAccess: check-in', () => {
  it('open check-in (no checkout yet) grants open-ended access', () => {
    const g = grant({ kind: 'CHECK_IN', startsAt: d('2026-04-15T08:12:00Z'), endsAt: null });
    const r = decide([g], '2026-04-15T21:00:00Z');
    assert.equal(r.allowed, true);
    assert.equal(r.grantKind, 'CHECK_IN');
    assert.equal(r.validUntil, null);
  });
  it('open check-in is not valid before the check-in instant', () => {
    const g = grant({ kind: 'CHECK_IN', startsAt: d('2026-04-15T08:12:00Z'), endsAt: null });
    assert.equal(decide([g], '2026-04-15T08:11:59.999Z').reason, 'GRANT_NOT_STARTED');
  });
  it('closed check-in (checked out) refuses after checkout', () => {
    const g = grant({
      kind: 'CHECK_IN',
      startsAt: d('2026-04-15T08:12:00Z'),
      endsAt: d('2026-04-15T17:40:00Z'),
    });
    const r = decide([g], '2026-04-15T17:41:00Z');
    assert.equal(r.allowed, false);
    assert.equal(r.reason, 'GRANT_ENDED');
  });
  it('check-in is not widened to the local day like bookings are', () => {
    const g = grant({
      kind: 'CHECK_IN',
      startsAt: d('2026-04-15T08:12:00Z'),
      endsAt: d('2026-04-15T17:40:00Z'),
    });
    assert.equal(decide([g], '2026-04-15T20:00:00Z').allowed, false);
    assert.equal(decide([g], '2026-04-15T07:00:00Z').allowed, false);
  });
});

// ---------------------------------------------------------------------------------------------
// Cancellation and renewal
// ---------------------------------------------------------------------------------------------

describe('decideAccess: cancellation', () => {
  const membership = () =>
    grant({
      startsAt: d('2026-04-01T00:00:00Z'),
      endsAt: d('2026-06-30T00:00:00Z'),
      cancelledAt: d('2026-05-15T12:00:00Z'),
    });

  it('before the cancellation: allowed until the cancellation instant', () => {
    const r = decide([membership()], '2026-05-15T11:00:00Z');
    assert.equal(r.allowed, true);
    assert.equal(iso(r.validUntil), '2026-05-15T12:00:00.000Z');
    assert.equal(r.sessionTimeoutSeconds, 3600);
  });
  it('exactly at the cancellation: GRANT_ENDED', () => {
    assert.equal(decide([membership()], '2026-05-15T12:00:00Z').reason, 'GRANT_ENDED');
  });
  it('after the cancellation but before endsAt: GRANT_ENDED', () => {
    const r = decide([membership()], '2026-06-01T00:00:00Z');
    assert.equal(r.allowed, false);
    assert.equal(r.reason, 'GRANT_ENDED');
  });
  it('a grant cancelled before it started never grants and reads as ended, not as not-started', () => {
    const g = grant({
      startsAt: d('2026-07-01T00:00:00Z'),
      endsAt: null,
      cancelledAt: d('2026-06-20T00:00:00Z'),
    });
    const before = decide([g], '2026-06-25T00:00:00Z');
    assert.equal(before.reason, 'GRANT_ENDED');
    assert.equal(before.grantId, g.id);
    assert.equal(decide([g], '2026-07-02T00:00:00Z').allowed, false);
  });
  it('a future grant already scheduled to be cancelled before it starts reads as ended, not as not-started', () => {
    const g = grant({
      startsAt: d('2026-07-01T00:00:00Z'),
      endsAt: null,
      cancelledAt: d('2026-06-28T00:00:00Z'),
    });
    const r = decide([g], '2026-06-25T00:00:00Z');
    assert.equal(r.reason, 'GRANT_ENDED');
    assert.equal(r.grantId, g.id);
  });
  it('a cancelled open-ended membership ends at the cancellation', () => {
    const g = grant({
      startsAt: d('2026-01-01T00:00:00Z'),
      endsAt: null,
      cancelledAt: d('2026-03-01T00:00:00Z'),
    });
    assert.equal(iso(decide([g], '2026-02-01T00:00:00Z').validUntil), '2026-03-01T00:00:00.000Z');
    assert.equal(decide([g], '2026-03-01T00:00:00Z').reason, 'GRANT_ENDED');
  });
  it('a cancelled booking is not chained into validUntil', () => {
    const m = grant({ startsAt: d('2026-06-01T00:00:00Z'), endsAt: d('2026-06-10T17:00:00Z') });
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-06-10T09:00:00Z'),
      endsAt: d('2026-06-10T12:00:00Z'),
      cancelledAt: d('2026-06-09T12:00:00Z'),
    });
    const r = decide([m, b], '2026-06-10T10:00:00Z');
    assert.equal(iso(r.validUntil), '2026-06-10T17:00:00.000Z');
    assert.equal(r.grantId, m.id);
  });
});

describe('decideAccess: renewal restores access', () => {
  it('expired membership + a new one: refused in the gap, allowed once it starts', () => {
    const old = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    const renewed = grant({ startsAt: d('2026-02-10T00:00:00Z'), endsAt: d('2026-03-10T00:00:00Z') });
    const gap = decide([old, renewed], '2026-02-05T00:00:00Z');
    assert.equal(gap.allowed, false);
    assert.equal(gap.reason, 'GRANT_NOT_STARTED');
    assert.equal(gap.grantId, renewed.id);
    const after = decide([old, renewed], '2026-02-10T00:00:00Z');
    assert.equal(after.allowed, true);
    assert.equal(after.grantId, renewed.id);
    assert.equal(iso(after.validUntil), '2026-03-10T00:00:00.000Z');
  });
  it('without the renewal the same instant is GRANT_ENDED', () => {
    const old = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    assert.equal(decide([old], '2026-02-10T00:00:00Z').reason, 'GRANT_ENDED');
  });
  it('a renewal starting exactly at the old end keeps access continuous', () => {
    const old = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    const renewed = grant({ startsAt: d('2026-02-01T00:00:00Z'), endsAt: d('2026-03-01T00:00:00Z') });
    const atSeam = decide([old, renewed], '2026-02-01T00:00:00Z');
    assert.equal(atSeam.allowed, true);
    assert.equal(atSeam.grantId, renewed.id);
    assert.equal(iso(decide([old, renewed], '2026-01-20T00:00:00Z').validUntil), '2026-03-01T00:00:00.000Z');
  });
  it('an extended grant (same id, later endsAt) restores access', () => {
    const base = { id: 'contract-7', startsAt: d('2026-01-01T00:00:00Z') };
    const now = '2026-02-15T00:00:00Z';
    assert.equal(decide([grant({ ...base, endsAt: d('2026-02-01T00:00:00Z') })], now).reason, 'GRANT_ENDED');
    const extended = decide([grant({ ...base, endsAt: d('2026-03-01T00:00:00Z') })], now);
    assert.equal(extended.allowed, true);
    assert.equal(extended.grantId, 'contract-7');
  });
  it('a later booking re-enables a booking-only member', () => {
    const yesterday = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-06-09T09:00:00Z'),
      endsAt: d('2026-06-09T17:00:00Z'),
    });
    const today = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-06-10T09:00:00Z'),
      endsAt: d('2026-06-10T17:00:00Z'),
    });
    assert.equal(decide([yesterday], '2026-06-10T08:00:00Z').reason, 'GRANT_ENDED');
    const r = decide([yesterday, today], '2026-06-10T08:00:00Z');
    assert.equal(r.allowed, true);
    assert.equal(r.grantId, today.id);
  });
});

// ---------------------------------------------------------------------------------------------
// Bookings near midnight and on DST days (decisions)
// ---------------------------------------------------------------------------------------------

describe('decideAccess: bookings near local midnight', () => {
  it('Europe/London 2026-03-29 (23 h): allowed at 23:30 BST, validUntil 2026-03-29T23:00Z', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-03-29T08:00:00Z'),
      endsAt: d('2026-03-29T10:00:00Z'),
    });
    const r = decide([b], '2026-03-29T22:30:00Z');
    assert.equal(r.allowed, true);
    assert.equal(iso(r.validUntil), '2026-03-29T23:00:00.000Z');
    assert.equal(r.sessionTimeoutSeconds, 1800);
    assert.equal(decide([b], '2026-03-29T23:00:00Z').reason, 'GRANT_ENDED');
    // 00:00 GMT is the first instant of the day.
    assert.equal(decide([b], '2026-03-29T00:00:00Z').allowed, true);
    assert.equal(decide([b], '2026-03-28T23:59:59.999Z').reason, 'GRANT_NOT_STARTED');
  });

  it('Europe/London 2026-10-25 (25 h): allowed at 23:30 GMT, validUntil 2026-10-26T00:00Z', () => {
    const b = grant({
      kind: 'ROOM_BOOKING',
      startsAt: d('2026-10-25T08:00:00Z'),
      endsAt: d('2026-10-25T10:00:00Z'),
    });
    const r = decide([b], '2026-10-25T23:30:00Z');
    assert.equal(r.allowed, true);
    assert.equal(iso(r.validUntil), '2026-10-26T00:00:00.000Z');
    assert.equal(r.sessionTimeoutSeconds, 1800);
    assert.equal(decide([b], '2026-10-26T00:00:00Z').reason, 'GRANT_ENDED');
    // 00:00 BST (23:00Z the previous UTC day) is the first instant of the day.
    assert.equal(decide([b], '2026-10-24T23:00:00Z').allowed, true);
    assert.equal(decide([b], '2026-10-24T22:59:59.999Z').reason, 'GRANT_NOT_STARTED');
  });

  it('Europe/London 2026-10-25: Session-Timeout from 00:30 BST spans the whole 25 h day capped at 24 h', () => {
    const b = grant({ kind: 'DESK_BOOKING', startsAt: d('2026-10-25T08:00:00Z'), endsAt: null });
    const r = decide([b], '2026-10-24T23:30:00Z', { options: { maxSessionTimeoutSeconds: 200_000 } });
    assert.equal(r.sessionTimeoutSeconds, 24.5 * 3600);
    assert.equal(decide([b], '2026-10-24T23:30:00Z').sessionTimeoutSeconds, 86_400);
  });

  it('America/New_York 2026-03-08 and 2026-11-01', () => {
    const loc = { timezone: 'America/New_York' };
    const spring = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-03-08T15:00:00Z'),
      endsAt: d('2026-03-08T16:00:00Z'),
    });
    assert.equal(
      iso(decide([spring], '2026-03-09T03:59:59Z', { location: loc }).validUntil),
      '2026-03-09T04:00:00.000Z',
    );
    assert.equal(decide([spring], '2026-03-09T04:00:00Z', { location: loc }).reason, 'GRANT_ENDED');
    const fall = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-11-01T15:00:00Z'),
      endsAt: d('2026-11-01T16:00:00Z'),
    });
    assert.equal(
      iso(decide([fall], '2026-11-02T04:30:00Z', { location: loc }).validUntil),
      '2026-11-02T05:00:00.000Z',
    );
    assert.equal(decide([fall], '2026-11-02T05:00:00Z', { location: loc }).reason, 'GRANT_ENDED');
  });

  it('Australia/Lord_Howe 30-minute shifts', () => {
    const loc = { timezone: 'Australia/Lord_Howe' };
    const april = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-04-05T01:00:00Z'),
      endsAt: d('2026-04-05T02:00:00Z'),
    });
    assert.equal(
      iso(decide([april], '2026-04-05T13:00:00Z', { location: loc }).validUntil),
      '2026-04-05T13:30:00.000Z',
    );
    const october = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-10-04T01:00:00Z'),
      endsAt: d('2026-10-04T02:00:00Z'),
    });
    assert.equal(
      iso(decide([october], '2026-10-04T12:00:00Z', { location: loc }).validUntil),
      '2026-10-04T13:00:00.000Z',
    );
    assert.equal(decide([october], '2026-10-04T13:00:00Z', { location: loc }).reason, 'GRANT_ENDED');
  });

  it('Asia/Kolkata (no DST): midnight is 18:30Z', () => {
    const loc = { timezone: 'Asia/Kolkata' };
    const b = grant({
      kind: 'ROOM_BOOKING',
      startsAt: d('2026-03-29T06:00:00Z'),
      endsAt: d('2026-03-29T07:00:00Z'),
    });
    assert.equal(decide([b], '2026-03-28T18:29:59.999Z', { location: loc }).reason, 'GRANT_NOT_STARTED');
    const r = decide([b], '2026-03-28T18:30:00Z', { location: loc });
    assert.equal(r.allowed, true);
    assert.equal(iso(r.validUntil), '2026-03-29T18:30:00.000Z');
    assert.equal(decide([b], '2026-03-29T18:30:00Z', { location: loc }).reason, 'GRANT_ENDED');
  });

  it('Asia/Tokyo: a booking made at 16:00Z is for the next local day, valid from 15:00Z that evening', () => {
    const loc = { timezone: 'Asia/Tokyo' };
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-05-10T16:00:00Z'),
      endsAt: d('2026-05-10T17:00:00Z'),
    });
    // 00:30 JST on 2026-05-11: before startsAt in UTC terms, but already the booking's day.
    const early = decide([b], '2026-05-10T15:30:00Z', { location: loc });
    assert.equal(early.allowed, true);
    assert.equal(iso(early.validUntil), '2026-05-11T15:00:00.000Z');
    assert.equal(decide([b], '2026-05-10T14:59:59.999Z', { location: loc }).reason, 'GRANT_NOT_STARTED');
    assert.equal(decide([b], '2026-05-11T15:00:00Z', { location: loc }).reason, 'GRANT_ENDED');
  });

  it('the same booking instants give a different day in Europe/London than in Asia/Tokyo', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-05-10T16:00:00Z'),
      endsAt: d('2026-05-10T17:00:00Z'),
    });
    const london = decide([b], '2026-05-10T15:30:00Z');
    assert.equal(iso(london.validUntil), '2026-05-10T23:00:00.000Z');
    assert.equal(decide([b], '2026-05-11T10:00:00Z').reason, 'GRANT_ENDED');
    assert.equal(decide([b], '2026-05-11T10:00:00Z', { location: { timezone: 'Asia/Tokyo' } }).allowed, true);
  });

  it('1 ms before local midnight: allowed with Session-Timeout 1; at midnight refused', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-06-10T21:30:00Z'),
      endsAt: d('2026-06-10T22:59:00Z'),
    });
    const r = decide([b], '2026-06-10T22:59:59.999Z');
    assert.equal(r.allowed, true);
    assert.equal(r.sessionTimeoutSeconds, 1);
    assert.equal(decide([b], '2026-06-10T23:00:00Z').allowed, false);
  });
});

describe('decideAccess: booking time zone when decided at another location', () => {
  const tokyoBooking = (extra: Partial<AccessGrantInput> = {}) =>
    grant({
      kind: 'DESK_BOOKING',
      locationId: 'loc-tokyo',
      startsAt: d('2026-05-10T16:00:00Z'), // 2026-05-11 in Tokyo, 2026-05-10 in London
      endsAt: d('2026-05-10T17:00:00Z'),
      ...extra,
    });
  const london = { id: 'loc-london', timezone: 'Europe/London' };

  it("uses the zone of the grant's own location when given", () => {
    const r = decide([tokyoBooking({ timezone: 'Asia/Tokyo' })], '2026-05-10T15:30:00Z', {
      member: { roaming: true },
      location: london,
    });
    assert.equal(r.allowed, true);
    assert.equal(iso(r.validUntil), '2026-05-11T15:00:00.000Z');
  });
  it("falls back to the decided location's zone when the grant carries none", () => {
    const r = decide([tokyoBooking()], '2026-05-10T15:30:00Z', {
      member: { roaming: true },
      location: london,
    });
    assert.equal(iso(r.validUntil), '2026-05-10T23:00:00.000Z');
  });
  it('at its own location the location zone is authoritative (grant.timezone ignored)', () => {
    const r = decide([tokyoBooking({ timezone: 'America/New_York' })], '2026-05-10T15:30:00Z', {
      location: { id: 'loc-tokyo', timezone: 'Asia/Tokyo' },
    });
    assert.equal(iso(r.validUntil), '2026-05-11T15:00:00.000Z');
  });
  it("a null-location booking uses the decided location's zone", () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      locationId: null,
      timezone: 'Asia/Tokyo',
      startsAt: d('2026-05-10T16:00:00Z'),
      endsAt: null,
    });
    assert.equal(iso(decide([b], '2026-05-10T16:30:00Z').validUntil), '2026-05-10T23:00:00.000Z');
    assert.equal(
      iso(decide([b], '2026-05-10T16:30:00Z', { location: { timezone: 'America/New_York' } }).validUntil),
      '2026-05-11T04:00:00.000Z',
    );
  });
  it('an invalid grant zone: INVALID_TIMEZONE when nothing else grants access, without throwing', () => {
    const b = tokyoBooking({ timezone: 'Asia/Atlantis' });
    const r = decide([b], '2026-05-10T15:30:00Z', { member: { roaming: true }, location: london });
    assert.equal(r.allowed, false);
    assert.equal(r.reason, 'INVALID_TIMEZONE');
    assert.equal(r.grantId, b.id);
  });
  it('an invalid grant zone does not block a valid membership', () => {
    const m = grant({ locationId: null, endsAt: null });
    const r = decide([tokyoBooking({ timezone: 'Asia/Atlantis' }), m], '2026-05-10T15:30:00Z', {
      member: { roaming: true },
      location: london,
    });
    assert.equal(r.allowed, true);
    assert.equal(r.grantId, m.id);
  });
});

// ---------------------------------------------------------------------------------------------
// Plans without WiFi
// ---------------------------------------------------------------------------------------------

describe('decideAccess: plan without WiFi', () => {
  const virtualOffice = () =>
    grant({ id: 'vo', grantsWifi: false, startsAt: d('2026-01-01T00:00:00Z'), endsAt: null });

  it('alone: PLAN_WITHOUT_WIFI, reporting that grant, nothing to apply', () => {
    const r = decide([virtualOffice()], '2026-03-01T12:00:00Z');
    assert.equal(r.allowed, false);
    assert.equal(r.reason, 'PLAN_WITHOUT_WIFI');
    assert.equal(r.grantId, 'vo');
    assert.equal(r.grantKind, 'MEMBERSHIP');
    assert.equal(r.vlanId, null);
    assert.equal(r.sessionTimeoutSeconds, null);
  });
  it('combined with a real booking: ALLOWED by the booking, and the no-WiFi plan does not extend validUntil', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-03-02T09:00:00Z'),
      endsAt: d('2026-03-02T17:00:00Z'),
    });
    const r = decide([virtualOffice(), b], '2026-03-02T12:00:00Z');
    assert.equal(r.allowed, true);
    assert.equal(r.grantId, b.id);
    assert.equal(r.grantKind, 'DESK_BOOKING');
    assert.equal(iso(r.validUntil), '2026-03-03T00:00:00.000Z');
  });
  it('the same booking day after the booking ended: back to PLAN_WITHOUT_WIFI', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-03-02T09:00:00Z'),
      endsAt: d('2026-03-02T17:00:00Z'),
    });
    assert.equal(decide([virtualOffice(), b], '2026-03-03T09:00:00Z').reason, 'PLAN_WITHOUT_WIFI');
  });
  it('covering now beats a WiFi grant that starts later', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-03-05T09:00:00Z'),
      endsAt: d('2026-03-05T17:00:00Z'),
    });
    assert.equal(decide([virtualOffice(), b], '2026-03-02T12:00:00Z').reason, 'PLAN_WITHOUT_WIFI');
  });
  it('for every kind, grantsWifi=false never grants', () => {
    for (const kind of [
      'MEMBERSHIP',
      'MANUAL',
      'VISITOR',
      'CHECK_IN',
      'DESK_BOOKING',
      'ROOM_BOOKING',
    ] as const) {
      const g = grant({
        kind,
        grantsWifi: false,
        startsAt: d('2026-03-02T09:00:00Z'),
        endsAt: d('2026-03-02T17:00:00Z'),
      });
      const r = decide([g], '2026-03-02T12:00:00Z');
      assert.equal(r.allowed, false, kind);
      assert.equal(r.reason, 'PLAN_WITHOUT_WIFI', kind);
    }
  });
  it('grantsWifi true or absent grants', () => {
    assert.equal(decide([grant({ grantsWifi: true })], '2026-03-02T12:00:00Z').allowed, true);
    const g = grant();
    delete g.grantsWifi;
    assert.equal(decide([g], '2026-03-02T12:00:00Z').allowed, true);
  });
  it('an ended no-WiFi plan alone is NO_GRANT (it never granted anything)', () => {
    const g = grant({
      grantsWifi: false,
      startsAt: d('2026-01-01T00:00:00Z'),
      endsAt: d('2026-02-01T00:00:00Z'),
    });
    assert.equal(decide([g], '2026-03-01T00:00:00Z').reason, 'NO_GRANT');
  });
});

// ---------------------------------------------------------------------------------------------
// Member status
// ---------------------------------------------------------------------------------------------

describe('decideAccess: member status', () => {
  const valid = () => [grant({ locationId: null, startsAt: d('2026-01-01T00:00:00Z'), endsAt: null })];
  const rows: Array<{ status: MemberStatus; reason: string }> = [
    { status: 'DISABLED', reason: 'MEMBER_DISABLED' },
    { status: 'DELETED', reason: 'MEMBER_DELETED' },
  ];
  for (const row of rows) {
    it(`${row.status} with a valid grant → ${row.reason}, nothing to apply`, () => {
      const r = decide(valid(), '2026-03-01T00:00:00Z', {
        member: { status: row.status, groups: [group({ vlanId: 42, policy: { maxDevices: 3 } })] },
        location: { defaultVlanId: 7 },
      });
      assert.equal(r.allowed, false);
      assert.equal(r.reason, row.reason);
      assert.equal(r.grantId, null);
      assert.equal(r.validUntil, null);
      assert.equal(r.vlanId, null);
      assert.deepEqual(r.policy, NO_LIMITS);
      assert.equal(r.sessionTimeoutSeconds, null);
    });
    it(`${row.status} is reported before an invalid time zone`, () => {
      assert.equal(
        decide(valid(), '2026-03-01T00:00:00Z', {
          member: { status: row.status },
          location: { timezone: 'Nope/Nope' },
        }).reason,
        row.reason,
      );
    });
  }
  it('ACTIVE with the same grant is allowed (control)', () => {
    assert.equal(decide(valid(), '2026-03-01T00:00:00Z').allowed, true);
  });
  it('an unknown status fails closed as MEMBER_DISABLED', () => {
    const r = decide(valid(), '2026-03-01T00:00:00Z', {
      member: { status: 'SUSPENDED' as unknown as MemberStatus },
    });
    assert.equal(r.allowed, false);
    assert.equal(r.reason, 'MEMBER_DISABLED');
  });
});

// ---------------------------------------------------------------------------------------------
// Location scope: roaming and home locations
// ---------------------------------------------------------------------------------------------

describe('decideAccess: location scope (roaming, home locations, null-location grants)', () => {
  const now = '2026-03-01T12:00:00Z';
  const atA = () =>
    grant({ id: 'membership-a', locationId: 'loc-a', startsAt: d('2026-01-01T00:00:00Z'), endsAt: null });
  const rows: Array<{
    name: string;
    roaming: boolean;
    home: string[];
    grantLocation: string | null;
    decidedAt: string;
    allowed: boolean;
    reason: string;
  }> = [
    {
      name: 'roaming off, grant at A, decided at A',
      roaming: false,
      home: [],
      grantLocation: 'loc-a',
      decidedAt: 'loc-a',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming off, grant at A, decided at B',
      roaming: false,
      home: [],
      grantLocation: 'loc-a',
      decidedAt: 'loc-b',
      allowed: false,
      reason: 'NOT_HOME_LOCATION',
    },
    {
      name: 'roaming on, grant at A, decided at B',
      roaming: true,
      home: [],
      grantLocation: 'loc-a',
      decidedAt: 'loc-b',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming on, grant at A, decided at A',
      roaming: true,
      home: [],
      grantLocation: 'loc-a',
      decidedAt: 'loc-a',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming off, home B, grant at A, decided at B',
      roaming: false,
      home: ['loc-b'],
      grantLocation: 'loc-a',
      decidedAt: 'loc-b',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming off, home B, grant at A, decided at A (grant location, not home)',
      roaming: false,
      home: ['loc-b'],
      grantLocation: 'loc-a',
      decidedAt: 'loc-a',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming off, home B, grant at A, decided at C',
      roaming: false,
      home: ['loc-b'],
      grantLocation: 'loc-a',
      decidedAt: 'loc-c',
      allowed: false,
      reason: 'NOT_HOME_LOCATION',
    },
    {
      name: 'roaming off, homes A and B, grant at A, decided at C',
      roaming: false,
      home: ['loc-a', 'loc-b'],
      grantLocation: 'loc-a',
      decidedAt: 'loc-c',
      allowed: false,
      reason: 'NOT_HOME_LOCATION',
    },
    {
      name: 'roaming on, home B, grant at A, decided at C',
      roaming: true,
      home: ['loc-b'],
      grantLocation: 'loc-a',
      decidedAt: 'loc-c',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming off, null-location grant, decided at C (not home)',
      roaming: false,
      home: ['loc-b'],
      grantLocation: null,
      decidedAt: 'loc-c',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming off, no homes, null-location grant, decided at B',
      roaming: false,
      home: [],
      grantLocation: null,
      decidedAt: 'loc-b',
      allowed: true,
      reason: 'ALLOWED',
    },
    {
      name: 'roaming on, null-location grant, decided at B',
      roaming: true,
      home: [],
      grantLocation: null,
      decidedAt: 'loc-b',
      allowed: true,
      reason: 'ALLOWED',
    },
  ];
  for (const row of rows) {
    it(`${row.name} → ${row.reason}`, () => {
      const g = grant({
        id: 'g-scope',
        locationId: row.grantLocation,
        startsAt: d('2026-01-01T00:00:00Z'),
        endsAt: null,
      });
      const r = decide([g], now, {
        member: { roaming: row.roaming, homeLocationIds: row.home },
        location: { id: row.decidedAt },
      });
      assert.equal(r.allowed, row.allowed);
      assert.equal(r.reason, row.reason);
      assert.equal(r.grantId, 'g-scope'); // reported whether allowed or refused
    });
  }

  it('NOT_HOME_LOCATION (grant in force elsewhere) beats GRANT_ENDED for an old booking here', () => {
    const oldBookingAtB = grant({
      kind: 'DESK_BOOKING',
      locationId: 'loc-b',
      startsAt: d('2026-02-01T09:00:00Z'),
      endsAt: d('2026-02-01T17:00:00Z'),
    });
    const r = decide([oldBookingAtB, atA()], now, { location: { id: 'loc-b' } });
    assert.equal(r.reason, 'NOT_HOME_LOCATION');
    assert.equal(r.grantId, 'membership-a');
  });
  it('NOT_HOME_LOCATION (grant in force elsewhere) beats GRANT_NOT_STARTED here', () => {
    const futureAtB = grant({
      kind: 'DESK_BOOKING',
      locationId: 'loc-b',
      startsAt: d('2026-03-05T09:00:00Z'),
      endsAt: d('2026-03-05T17:00:00Z'),
    });
    assert.equal(decide([futureAtB, atA()], now, { location: { id: 'loc-b' } }).reason, 'NOT_HOME_LOCATION');
  });
  it('a grant elsewhere that is not in force: not-started here wins, otherwise NOT_HOME_LOCATION instead of NO_GRANT', () => {
    const futureAtA = grant({
      id: 'future-a',
      locationId: 'loc-a',
      startsAt: d('2026-04-01T00:00:00Z'),
      endsAt: null,
    });
    const atBDecision = decide([futureAtA], now, { location: { id: 'loc-b' } });
    assert.equal(atBDecision.reason, 'NOT_HOME_LOCATION');
    assert.equal(atBDecision.grantId, 'future-a');
    assert.equal(decide([futureAtA], now, { location: { id: 'loc-a' } }).reason, 'GRANT_NOT_STARTED');
  });
  it('a no-WiFi grant elsewhere is not reported as NOT_HOME_LOCATION', () => {
    const vo = grant({ locationId: 'loc-a', grantsWifi: false, endsAt: null });
    assert.equal(decide([vo], now, { location: { id: 'loc-b' } }).reason, 'NO_GRANT');
  });
  it('a roaming member gets a booking made at A while at B; a non-roaming one does not', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      locationId: 'loc-a',
      startsAt: d('2026-03-01T09:00:00Z'),
      endsAt: d('2026-03-01T17:00:00Z'),
    });
    assert.equal(decide([b], now, { member: { roaming: true }, location: { id: 'loc-b' } }).allowed, true);
    assert.equal(
      decide([b], now, { member: { roaming: false }, location: { id: 'loc-b' } }).reason,
      'NOT_HOME_LOCATION',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// validUntil chaining and the reported grant
// ---------------------------------------------------------------------------------------------

describe('decideAccess: validUntil merges overlapping and touching grants', () => {
  it('membership ending 18:00 + booking today → local midnight, reported grant = the booking', () => {
    const m = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-06-10T17:00:00Z') }); // 18:00 BST
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-06-10T12:00:00Z'),
      endsAt: d('2026-06-10T13:00:00Z'),
    });
    const r = decide([m, b], '2026-06-10T09:00:00Z');
    assert.equal(iso(r.validUntil), '2026-06-10T23:00:00.000Z');
    assert.equal(r.grantId, b.id);
  });
  it('contiguous grants chain', () => {
    const a = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    const b = grant({
      kind: 'MANUAL',
      startsAt: d('2026-02-01T00:00:00Z'),
      endsAt: d('2026-03-01T00:00:00Z'),
    });
    const c = grant({
      kind: 'VISITOR',
      startsAt: d('2026-03-01T00:00:00Z'),
      endsAt: d('2026-04-01T00:00:00Z'),
    });
    const r = decide([a, b, c], '2026-01-15T00:00:00Z');
    assert.equal(iso(r.validUntil), '2026-04-01T00:00:00.000Z');
    assert.equal(r.grantId, a.id); // the only one covering now
    assert.equal(iso(decide([c, b, a], '2026-01-15T00:00:00Z').validUntil), '2026-04-01T00:00:00.000Z'); // order-independent
  });
  it('a 1 ms gap breaks the chain', () => {
    const a = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    const b = grant({ startsAt: plusMs('2026-02-01T00:00:00Z', 1), endsAt: d('2026-03-01T00:00:00Z') });
    assert.equal(iso(decide([a, b], '2026-01-15T00:00:00Z').validUntil), '2026-02-01T00:00:00.000Z');
  });
  it('a chain reaching an open-ended grant is open-ended', () => {
    const a = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    const b = grant({ startsAt: d('2026-01-20T00:00:00Z'), endsAt: null });
    const r = decide([a, b], '2026-01-10T00:00:00Z');
    assert.equal(r.validUntil, null);
    assert.equal(r.grantId, a.id);
    assert.equal(r.sessionTimeoutSeconds, 86_400);
  });
  it('consecutive daily bookings chain across midnight (and across the London DST change)', () => {
    const sat = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-10-24T09:00:00Z'),
      endsAt: d('2026-10-24T17:00:00Z'),
    });
    const sun = grant({
      kind: 'ROOM_BOOKING',
      startsAt: d('2026-10-25T09:00:00Z'),
      endsAt: d('2026-10-25T17:00:00Z'),
    });
    assert.equal(iso(decide([sat, sun], '2026-10-24T20:00:00Z').validUntil), '2026-10-26T00:00:00.000Z');
  });
  it('check-in still open + membership ending today → open-ended', () => {
    const m = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-06-10T17:00:00Z') });
    const c = grant({ kind: 'CHECK_IN', startsAt: d('2026-06-10T08:00:00Z'), endsAt: null });
    const r = decide([m, c], '2026-06-10T09:00:00Z');
    assert.equal(r.validUntil, null);
    assert.equal(r.grantKind, 'CHECK_IN');
  });
  it('grants that do not apply here are not chained', () => {
    const a = grant({
      locationId: 'loc-a',
      startsAt: d('2026-01-01T00:00:00Z'),
      endsAt: d('2026-02-01T00:00:00Z'),
    });
    const b = grant({
      locationId: 'loc-b',
      startsAt: d('2026-02-01T00:00:00Z'),
      endsAt: d('2026-03-01T00:00:00Z'),
    });
    assert.equal(iso(decide([a, b], '2026-01-15T00:00:00Z').validUntil), '2026-02-01T00:00:00.000Z');
    assert.equal(
      iso(decide([a, b], '2026-01-15T00:00:00Z', { member: { roaming: true } }).validUntil),
      '2026-03-01T00:00:00.000Z',
    );
  });
  it('no-WiFi grants are not chained', () => {
    const a = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    const vo = grant({ grantsWifi: false, startsAt: d('2026-02-01T00:00:00Z'), endsAt: null });
    assert.equal(iso(decide([a, vo], '2026-01-15T00:00:00Z').validUntil), '2026-02-01T00:00:00.000Z');
  });
  it('an earlier grant that already ended does not shorten or extend anything', () => {
    const old = grant({ startsAt: d('2025-01-01T00:00:00Z'), endsAt: d('2025-06-01T00:00:00Z') });
    const cur = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
    assert.equal(iso(decide([old, cur], '2026-01-15T00:00:00Z').validUntil), '2026-02-01T00:00:00.000Z');
  });
});

describe('decideAccess: which grant is reported', () => {
  it('open-ended wins over any finite end', () => {
    const b = grant({
      kind: 'DESK_BOOKING',
      startsAt: d('2026-06-10T09:00:00Z'),
      endsAt: d('2026-06-10T17:00:00Z'),
    });
    const c = grant({ kind: 'CHECK_IN', startsAt: d('2026-06-10T08:00:00Z'), endsAt: null });
    const m = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2027-01-01T00:00:00Z') });
    assert.equal(decide([b, m, c], '2026-06-10T10:00:00Z').grantId, c.id);
  });
  it('the furthest end wins regardless of kind priority', () => {
    const m = grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-06-10T17:00:00Z') });
    const r = grant({
      kind: 'ROOM_BOOKING',
      startsAt: d('2026-06-10T09:00:00Z'),
      endsAt: d('2026-06-10T10:00:00Z'),
    });
    assert.equal(decide([m, r], '2026-06-10T10:00:00Z').grantKind, 'ROOM_BOOKING');
  });

  // All six kinds cover now and end at the same instant (the booking day's midnight); remove the
  // winner each time: MEMBERSHIP > MANUAL > VISITOR > CHECK_IN > DESK_BOOKING > ROOM_BOOKING.
  const priority: GrantKind[] = [
    'MEMBERSHIP',
    'MANUAL',
    'VISITOR',
    'CHECK_IN',
    'DESK_BOOKING',
    'ROOM_BOOKING',
  ];
  const midnight = d('2026-06-10T23:00:00Z');
  const all = priority.map((kind) =>
    grant({
      id: `tie-${kind}`,
      kind,
      startsAt: d('2026-06-10T08:00:00Z'),
      endsAt: kind.endsWith('BOOKING') ? d('2026-06-10T18:00:00Z') : midnight,
    }),
  );
  for (let i = 0; i < priority.length; i += 1) {
    const candidates = all.slice(i);
    it(`tie on end: ${priority[i]} wins over ${priority.slice(i + 1).join(', ') || 'nothing'}`, () => {
      const r = decide([...candidates].reverse(), '2026-06-10T12:00:00Z');
      assert.equal(r.grantKind, priority[i]);
      assert.equal(iso(r.validUntil), '2026-06-10T23:00:00.000Z');
    });
  }
  it('tie on end and kind: the lowest id, whatever the input order', () => {
    const x = grant({ id: 'b-2', endsAt: null });
    const y = grant({ id: 'a-1', endsAt: null });
    assert.equal(decide([x, y], '2026-06-10T12:00:00Z').grantId, 'a-1');
    assert.equal(decide([y, x], '2026-06-10T12:00:00Z').grantId, 'a-1');
  });
  it('refused, not started: the soonest-starting grant is reported', () => {
    const later = grant({ id: 'later', startsAt: d('2026-08-01T00:00:00Z') });
    const sooner = grant({
      id: 'sooner',
      kind: 'DESK_BOOKING',
      startsAt: d('2026-07-02T09:00:00Z'),
      endsAt: d('2026-07-02T17:00:00Z'),
    });
    assert.equal(decide([later, sooner], '2026-06-10T12:00:00Z').grantId, 'sooner');
  });
  it('refused, ended: the most recently ended grant is reported', () => {
    const older = grant({
      id: 'older',
      startsAt: d('2026-01-01T00:00:00Z'),
      endsAt: d('2026-02-01T00:00:00Z'),
    });
    const recent = grant({
      id: 'recent',
      startsAt: d('2026-02-01T00:00:00Z'),
      endsAt: d('2026-03-01T00:00:00Z'),
    });
    assert.equal(decide([recent, older], '2026-06-10T12:00:00Z').grantId, 'recent');
  });
});

// ---------------------------------------------------------------------------------------------
// VLAN and policy
// ---------------------------------------------------------------------------------------------

describe('decideAccess: VLAN and policy from groups', () => {
  const g = () => [grant({ locationId: null, endsAt: null })];
  const now = '2026-03-01T12:00:00Z';
  const byOrigin = (origin: GroupOrigin, vlanId: number | null, policy: Partial<AccessPolicyLimits> = {}) =>
    group({ id: `grp-${origin}`, name: `${origin} group`, origin, vlanId, policy });

  it('TEAM > COMPANY > PLAN > MANUAL, whatever the input order', () => {
    const groups = [
      byOrigin('MANUAL', 40),
      byOrigin('PLAN', 30),
      byOrigin('COMPANY', 20),
      byOrigin('TEAM', 10),
    ];
    assert.equal(decide(g(), now, { member: { groups } }).vlanId, 10);
    assert.equal(decide(g(), now, { member: { groups: groups.slice(0, 3) } }).vlanId, 20);
    assert.equal(decide(g(), now, { member: { groups: groups.slice(0, 2) } }).vlanId, 30);
    assert.equal(decide(g(), now, { member: { groups: groups.slice(0, 1) } }).vlanId, 40);
  });
  it('a higher-precedence group without a VLAN falls through to the next', () => {
    const groups = [byOrigin('PLAN', 30), byOrigin('TEAM', null), byOrigin('COMPANY', null)];
    assert.equal(decide(g(), now, { member: { groups }, location: { defaultVlanId: 5 } }).vlanId, 30);
  });
  it('no group VLAN → the location default; no default → null', () => {
    const groups = [byOrigin('TEAM', null)];
    assert.equal(decide(g(), now, { member: { groups }, location: { defaultVlanId: 5 } }).vlanId, 5);
    assert.equal(decide(g(), now, { member: { groups: [] }, location: { defaultVlanId: 5 } }).vlanId, 5);
    assert.equal(decide(g(), now, { member: { groups } }).vlanId, null);
  });
  it('VLAN 0 is a value, not "unset"', () => {
    assert.equal(
      decide(g(), now, { member: { groups: [byOrigin('TEAM', 0)] }, location: { defaultVlanId: 5 } }).vlanId,
      0,
    );
  });
  it('same origin: by name, then id, independent of input order', () => {
    const alpha = group({ id: 'z', name: 'Alpha', origin: 'TEAM', vlanId: 101 });
    const beta = group({ id: 'a', name: 'Beta', origin: 'TEAM', vlanId: 102 });
    assert.equal(decide(g(), now, { member: { groups: [beta, alpha] } }).vlanId, 101);
    assert.equal(decide(g(), now, { member: { groups: [alpha, beta] } }).vlanId, 101);
    const twin1 = group({ id: 'id-2', name: 'Same', origin: 'COMPANY', vlanId: 202 });
    const twin2 = group({ id: 'id-1', name: 'Same', origin: 'COMPANY', vlanId: 201 });
    assert.equal(decide(g(), now, { member: { groups: [twin1, twin2] } }).vlanId, 201);
  });
  it('policy: each field is the first non-null value in precedence order', () => {
    const groups = [
      byOrigin('MANUAL', null, {
        bandwidthUpKbps: 4,
        bandwidthDownKbps: 4,
        sessionTimeoutSeconds: 4,
        maxDevices: 4,
      }),
      byOrigin('PLAN', null, {
        bandwidthUpKbps: 3,
        bandwidthDownKbps: 3,
        sessionTimeoutSeconds: null,
        maxDevices: 3,
      }),
      byOrigin('COMPANY', null, { bandwidthDownKbps: 2 }),
      byOrigin('TEAM', null, { bandwidthUpKbps: 1 }),
    ];
    const r = decide(g(), now, { member: { groups } });
    assert.deepEqual(r.policy, {
      bandwidthUpKbps: 1,
      bandwidthDownKbps: 2,
      sessionTimeoutSeconds: 4,
      maxDevices: 3,
    });
  });
  it('no groups: all limits null', () => {
    assert.deepEqual(decide(g(), now).policy, NO_LIMITS);
  });
  it('refused decisions carry no VLAN and no limits', () => {
    const r = decide([], now, {
      member: { groups: [byOrigin('TEAM', 10, { maxDevices: 2 })] },
      location: { defaultVlanId: 5 },
    });
    assert.equal(r.allowed, false);
    assert.equal(r.vlanId, null);
    assert.deepEqual(r.policy, NO_LIMITS);
  });
  it('resolveGroupSettings is usable on its own and does not reorder its input', () => {
    const groups = deepFreeze([byOrigin('PLAN', 30), byOrigin('TEAM', 10)]);
    assert.deepEqual(resolveGroupSettings(groups, 9), { vlanId: 10, policy: NO_LIMITS });
    assert.equal(groups[0]?.origin, 'PLAN');
  });
});

// ---------------------------------------------------------------------------------------------
// Session timeout
// ---------------------------------------------------------------------------------------------

describe('decideAccess: sessionTimeoutSeconds', () => {
  const until = (endIso: string) => [grant({ startsAt: d('2026-01-01T00:00:00Z'), endsAt: d(endIso) })];
  const teamTimeout = (s: number | null) => [group({ origin: 'TEAM', policy: { sessionTimeoutSeconds: s } })];
  const now = '2026-03-01T12:00:00Z';

  it('seconds until validUntil, rounded up', () => {
    assert.equal(decide(until('2026-03-01T12:01:30.500Z'), now).sessionTimeoutSeconds, 91);
    assert.equal(decide(until('2026-03-01T12:01:30.000Z'), now).sessionTimeoutSeconds, 90);
  });
  it('capped by the group policy when smaller', () => {
    assert.equal(
      decide(until('2026-03-01T14:00:00Z'), now, { member: { groups: teamTimeout(3600) } })
        .sessionTimeoutSeconds,
      3600,
    );
  });
  it('the group policy does not lengthen a shorter remaining time', () => {
    assert.equal(
      decide(until('2026-03-01T12:10:00Z'), now, { member: { groups: teamTimeout(3600) } })
        .sessionTimeoutSeconds,
      600,
    );
  });
  it('capped by maxSessionTimeoutSeconds (default 86400)', () => {
    assert.equal(decide(until('2026-04-01T00:00:00Z'), now).sessionTimeoutSeconds, 86_400);
    assert.equal(
      decide(until('2026-04-01T00:00:00Z'), now, { options: { maxSessionTimeoutSeconds: 600 } })
        .sessionTimeoutSeconds,
      600,
    );
    assert.equal(
      decide(until('2026-04-01T00:00:00Z'), now, {
        options: { maxSessionTimeoutSeconds: 600 },
        member: { groups: teamTimeout(300) },
      }).sessionTimeoutSeconds,
      300,
    );
  });
  it('open-ended: the smaller of group policy and the cap', () => {
    const open = [grant({ endsAt: null })];
    assert.equal(decide(open, now, { member: { groups: teamTimeout(7200) } }).sessionTimeoutSeconds, 7200);
    assert.equal(
      decide(open, now, { member: { groups: teamTimeout(200_000) } }).sessionTimeoutSeconds,
      86_400,
    );
  });
  it('at least 1 second', () => {
    assert.equal(decide(until('2026-03-01T12:00:00.001Z'), now).sessionTimeoutSeconds, 1);
  });
  it('a fractional group timeout below 1 s still yields at least 1', () => {
    assert.equal(
      decide(until('2026-03-01T13:00:00Z'), now, { member: { groups: teamTimeout(0.5) } })
        .sessionTimeoutSeconds,
      1,
    );
    assert.equal(
      decide(until('2026-03-01T13:00:00Z'), now, { member: { groups: teamTimeout(90.9) } })
        .sessionTimeoutSeconds,
      90,
    );
  });
  it('a zero or negative group timeout is treated as "no limit", not as 1 second', () => {
    assert.equal(
      decide(until('2026-03-01T13:00:00Z'), now, { member: { groups: teamTimeout(0) } })
        .sessionTimeoutSeconds,
      3600,
    );
    assert.equal(
      decide(until('2026-03-01T13:00:00Z'), now, { member: { groups: teamTimeout(-5) } })
        .sessionTimeoutSeconds,
      3600,
    );
  });
  it('an invalid maxSessionTimeoutSeconds falls back to the default', () => {
    const open = [grant({ endsAt: null })];
    assert.equal(
      decide(open, now, { options: { maxSessionTimeoutSeconds: 0 } }).sessionTimeoutSeconds,
      86_400,
    );
    assert.equal(
      decide(open, now, { options: { maxSessionTimeoutSeconds: Number.NaN } }).sessionTimeoutSeconds,
      86_400,
    );
  });
  it('null when refused', () => {
    assert.equal(decide(until('2026-02-01T00:00:00Z'), now).sessionTimeoutSeconds, null);
  });
});

// ---------------------------------------------------------------------------------------------
// Invalid input and reason precedence
// ---------------------------------------------------------------------------------------------

describe('decideAccess: invalid time zone and invalid dates', () => {
  for (const tz of ['Mars/Olympus_Mons', '', 'Not a zone', 'GMT+25']) {
    it(`location zone ${JSON.stringify(tz)} → INVALID_TIMEZONE without throwing, even with a valid membership`, () => {
      const grants = [
        grant({ locationId: null, endsAt: null }),
        grant({ kind: 'DESK_BOOKING', startsAt: d('2026-03-01T09:00:00Z') }),
      ];
      let r: ReturnType<typeof decideAccess> | undefined;
      assert.doesNotThrow(() => {
        r = decide(grants, '2026-03-01T12:00:00Z', { location: { timezone: tz } });
      });
      assert.equal(r?.allowed, false);
      assert.equal(r?.reason, 'INVALID_TIMEZONE');
      assert.equal(r?.sessionTimeoutSeconds, null);
    });
  }
  it('valid zones of several forms are accepted (control)', () => {
    for (const tz of ['UTC', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Etc/GMT-14']) {
      assert.equal(
        decide([grant({ endsAt: null })], '2026-03-01T12:00:00Z', { location: { timezone: tz } }).allowed,
        true,
        tz,
      );
    }
  });
  it('an invalid `now` fails closed with NO_GRANT', () => {
    assert.equal(decide([grant({ endsAt: null })], new Date(Number.NaN)).reason, 'NO_GRANT');
  });
  it('grants with invalid dates are ignored (fail closed), other grants still count', () => {
    const bad = [
      grant({ startsAt: new Date(Number.NaN), endsAt: null }),
      grant({ endsAt: new Date('garbage') }),
      grant({ endsAt: null, cancelledAt: new Date(Number.NaN) }),
      grant({ startsAt: new Date(Number.NaN), endsAt: d('2026-02-01T00:00:00Z') }),
      grant({ kind: 'DESK_BOOKING', startsAt: new Date(Number.NaN), endsAt: d('2026-02-01T00:00:00Z') }),
    ];
    assert.equal(decide(bad, '2026-03-01T12:00:00Z').reason, 'NO_GRANT');
    const good = grant({ endsAt: d('2026-04-01T00:00:00Z') });
    const r = decide([...bad, good], '2026-03-01T12:00:00Z');
    assert.equal(r.allowed, true);
    assert.equal(r.grantId, good.id);
  });
});

describe('decideAccess: refusal reason precedence', () => {
  const now = '2026-03-01T12:00:00Z';
  const ended = () =>
    grant({ id: 'ended', startsAt: d('2026-01-01T00:00:00Z'), endsAt: d('2026-02-01T00:00:00Z') });
  const future = () => grant({ id: 'future', startsAt: d('2026-04-01T00:00:00Z'), endsAt: null });
  const noWifi = () => grant({ id: 'no-wifi', grantsWifi: false, endsAt: null });
  const elsewhere = () => grant({ id: 'elsewhere', locationId: 'loc-z', endsAt: null });

  const rows: Array<{
    name: string;
    grants: () => AccessGrantInput[];
    reason: string;
    grantId: string | null;
  }> = [
    { name: 'no grants at all', grants: () => [], reason: 'NO_GRANT', grantId: null },
    { name: 'only ended', grants: () => [ended()], reason: 'GRANT_ENDED', grantId: 'ended' },
    {
      name: 'ended + future',
      grants: () => [ended(), future()],
      reason: 'GRANT_NOT_STARTED',
      grantId: 'future',
    },
    {
      name: 'ended + future + no-WiFi covering now',
      grants: () => [ended(), future(), noWifi()],
      reason: 'PLAN_WITHOUT_WIFI',
      grantId: 'no-wifi',
    },
    {
      name: 'ended + future + no-WiFi + in force elsewhere',
      grants: () => [ended(), future(), noWifi(), elsewhere()],
      reason: 'NOT_HOME_LOCATION',
      grantId: 'elsewhere',
    },
  ];
  for (const row of rows) {
    it(`${row.name} → ${row.reason}`, () => {
      const r = decide(row.grants(), now);
      assert.equal(r.allowed, false);
      assert.equal(r.reason, row.reason);
      assert.equal(r.grantId, row.grantId);
    });
  }
  it('every code produced here is in ACCESS_REASONS', () => {
    for (const code of [
      'ALLOWED',
      'MEMBER_DISABLED',
      'MEMBER_DELETED',
      'NO_GRANT',
      'GRANT_NOT_STARTED',
      'GRANT_ENDED',
      'NOT_HOME_LOCATION',
      'PLAN_WITHOUT_WIFI',
      'INVALID_TIMEZONE',
    ]) {
      assert.ok((ACCESS_REASONS as readonly string[]).includes(code), code);
    }
    assert.equal(new Set(ACCESS_REASONS).size, ACCESS_REASONS.length);
  });
});

// ---------------------------------------------------------------------------------------------
// Purity
// ---------------------------------------------------------------------------------------------

describe('decideAccess: purity', () => {
  it('does not mutate deeply frozen inputs, does not read the clock, and is deterministic', () => {
    const m = deepFreeze(
      member({
        roaming: true,
        homeLocationIds: ['loc-b', 'loc-a'],
        groups: [
          group({ name: 'P', origin: 'PLAN', vlanId: 30 }),
          group({ name: 'T', origin: 'TEAM', vlanId: 10 }),
        ],
      }),
    );
    const grants = deepFreeze([
      grant({ kind: 'DESK_BOOKING', startsAt: d('2026-06-10T12:00:00Z'), endsAt: d('2026-06-10T13:00:00Z') }),
      grant({
        startsAt: d('2026-01-01T00:00:00Z'),
        endsAt: d('2026-06-10T17:00:00Z'),
        cancelledAt: d('2026-07-01T00:00:00Z'),
      }),
    ]);
    const loc = deepFreeze(location({ defaultVlanId: 3 }));
    const now = d('2026-06-10T09:00:00Z');
    const snapshot = JSON.stringify({ m, grants, loc, now });
    const startsAtMs = grants.map((g) => g.startsAt.getTime());

    const dateNow = mock.method(Date, 'now', () => {
      throw new Error('decideAccess must not read the clock');
    });
    try {
      const first = decideAccess(m, grants, loc, now);
      const second = decideAccess(m, [...grants].reverse(), loc, now);
      assert.equal(first.allowed, true);
      assert.equal(first.vlanId, 10);
      assert.deepEqual(second, first);
      assert.equal(dateNow.mock.callCount(), 0);
    } finally {
      dateNow.mock.restore();
    }
    assert.equal(JSON.stringify({ m, grants, loc, now }), snapshot);
    assert.deepEqual(
      grants.map((g) => g.startsAt.getTime()),
      startsAtMs,
    );
    assert.equal(now.toISOString(), '2026-06-10T09:00:00.000Z');
  });
  it('the returned validUntil is a fresh Date, not one of the inputs', () => {
    const end = d('2026-04-01T00:00:00Z');
    const g = grant({ endsAt: end });
    const r = decide([g], '2026-03-01T00:00:00Z');
    assert.notEqual(r.validUntil, end);
    assert.equal(iso(r.validUntil), iso(end));
  });
});

/**
 * The access policy (design.md §3 "Access policy"): one pure function that decides whether a member
 * gets WiFi at a location at a given instant, until when, on which VLAN and with which limits.
 *
 * Pure: no I/O, no clock (the caller passes `now`), inputs are never mutated, and it never throws
 * for bad data (an invalid time zone or date yields a refusal, never an exception).
 *
 * It deliberately knows nothing about ORM entities: callers map their rows onto the small input
 * interfaces below. The string unions match the values of the enums in `entities/enums.ts`.
 *
 * Intervals are half-open: a grant covers `[start, end)`, so access starts exactly at `start` and
 * is refused exactly at `end`.
 */
import { DateTime, IANAZone } from 'luxon';

export type MemberStatus = 'ACTIVE' | 'DISABLED' | 'DELETED';
export type GrantKind = 'MEMBERSHIP' | 'DESK_BOOKING' | 'ROOM_BOOKING' | 'CHECK_IN' | 'MANUAL' | 'VISITOR';
export type GroupOrigin = 'TEAM' | 'COMPANY' | 'PLAN' | 'MANUAL';

/** Every reason code a decision can carry (for GraphQL enums, auth logs, exhaustive switches). */
export const ACCESS_REASONS = [
  'ALLOWED',
  /** Member status is DISABLED (or anything other than ACTIVE / DELETED: fail closed). */
  'MEMBER_DISABLED',
  'MEMBER_DELETED',
  /** The location's time zone (or the zone needed for a booking) is not a valid IANA zone. */
  'INVALID_TIMEZONE',
  /** A WiFi grant is in force elsewhere, but roaming is off and this is neither its location nor a home location. */
  'NOT_HOME_LOCATION',
  /** The only grants covering now here are mapped to "no WiFi" (e.g. a Virtual Office plan). */
  'PLAN_WITHOUT_WIFI',
  /** A grant applies here but starts later. */
  'GRANT_NOT_STARTED',
  /** Grants applied here, but they have ended (or were cancelled). */
  'GRANT_ENDED',
  'NO_GRANT',
] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];

export interface AccessPolicyLimits {
  bandwidthUpKbps: number | null;
  bandwidthDownKbps: number | null;
  sessionTimeoutSeconds: number | null;
  maxDevices: number | null;
}

export interface AccessGroupInput {
  id: string;
  name: string;
  origin: GroupOrigin;
  vlanId: number | null;
  policy: AccessPolicyLimits;
}

export interface AccessMemberInput {
  id: string;
  status: MemberStatus;
  roaming: boolean;
  homeLocationIds: readonly string[];
  groups: readonly AccessGroupInput[];
}

export interface AccessGrantInput {
  id: string;
  kind: GrantKind;
  /** null = every location. */
  locationId: string | null;
  startsAt: Date;
  /** null = open-ended. */
  endsAt: Date | null;
  /** Cancellation instant: the grant ends at the earlier of `endsAt` and this. */
  cancelledAt?: Date | null;
  /** false = plan mapped to "no WiFi" (e.g. Virtual Office): the grant never gives access. */
  grantsWifi?: boolean;
  /**
   * IANA time zone of the grant's own location (`locationId`). Only used for DESK_BOOKING /
   * ROOM_BOOKING grants decided at ANOTHER location (roaming, home locations): a booking's day is
   * the day at the place it was booked. When absent, the decided location's zone is used. Ignored
   * when the grant is decided at its own location or has no location (the decided location's zone
   * is authoritative then).
   */
  timezone?: string | null;
}

export interface AccessLocationInput {
  id: string;
  /** IANA zone, e.g. "Europe/London". */
  timezone: string;
  defaultVlanId: number | null;
}

export interface AccessDecision {
  allowed: boolean;
  reason: AccessReason;
  /**
   * When allowed: the grant covering now that reaches furthest. When refused: the grant that
   * explains the reason (the out-of-scope grant, the no-WiFi plan, the next grant to start, the
   * last one to end), or null.
   */
  grantId: string | null;
  grantKind: GrantKind | null;
  /** End of continuous coverage from now. null with allowed=true means open-ended; always null when refused. */
  validUntil: Date | null;
  /** null when refused. */
  vlanId: number | null;
  /** Merged group limits; all fields null when refused. */
  policy: AccessPolicyLimits;
  /** RADIUS Session-Timeout (≥ 1) when allowed; null when refused. */
  sessionTimeoutSeconds: number | null;
}

export interface AccessDecisionOptions {
  /** Upper bound for Session-Timeout, in seconds. Default 86400 (one day). */
  maxSessionTimeoutSeconds?: number;
}

export interface AccessInterval {
  start: Date;
  /** null = open-ended. */
  end: Date | null;
}

export const DEFAULT_MAX_SESSION_TIMEOUT_SECONDS = 86_400;

/** Which covering grant is reported when several reach equally far. */
const KIND_PRIORITY: Readonly<Record<GrantKind, number>> = {
  MEMBERSHIP: 0,
  MANUAL: 1,
  VISITOR: 2,
  CHECK_IN: 3,
  DESK_BOOKING: 4,
  ROOM_BOOKING: 5,
};

/** Group precedence for VLAN and policy. */
const ORIGIN_PRIORITY: Readonly<Record<GroupOrigin, number>> = {
  TEAM: 0,
  COMPANY: 1,
  PLAN: 2,
  MANUAL: 3,
};

function isBooking(kind: GrantKind): boolean {
  return kind === 'DESK_BOOKING' || kind === 'ROOM_BOOKING';
}

/**
 * Zone validity, memoised: luxon builds an Intl.DateTimeFormat per check, which costs most of a
 * RADIUS decision and, through ICU destructors after GC, stalls the event loop under load
 * (docs/benchmarks.md). The answer for a name never changes within a process.
 */
const zoneValidity = new Map<string, boolean>();

function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      valid = IANAZone.isValidZone(zone);
    } catch {
      valid = false;
    }
    if (zoneValidity.size < 10_000) zoneValidity.set(zone, valid);
  }
  return valid;
}

function isValidDate(d: unknown): d is Date {
  return d instanceof Date && Number.isFinite(d.getTime());
}

/**
 * The interval during which a grant gives access (half-open `[start, end)`), ignoring location
 * scope, WiFi mapping and member status.
 *
 * - MEMBERSHIP / MANUAL / VISITOR / CHECK_IN: from `startsAt` until `endsAt` (null = open; for a
 *   check-in that means "not checked out yet").
 * - DESK_BOOKING / ROOM_BOOKING: whole calendar day(s) in `timezone`: from local midnight starting
 *   the day that contains `startsAt` to local midnight ending the day that contains the booking's
 *   last instant. With end-exclusive `endsAt` the last instant is `endsAt - 1 ms` (so a booking
 *   ending exactly at midnight does not spill into the next day); if `endsAt` is null or not after
 *   `startsAt`, it is `startsAt`. "Midnight" is the first instant of the local day, which on DST
 *   days is not 24 h after the previous one (and in a few zones is 01:00).
 * - Every kind: `cancelledAt`, when set, caps the end. A grant cancelled at or before its start
 *   yields an empty interval (`end <= start`), which covers nothing.
 *
 * `timezone` is only read for bookings; for them an invalid zone throws a RangeError
 * (`decideAccess` validates zones first and never throws).
 */
export function effectiveInterval(grant: AccessGrantInput, timezone: string): AccessInterval {
  const startMs = intervalMs(grant, timezone);
  return { start: new Date(startMs), end: scratchEndMs === null ? null : new Date(scratchEndMs) };
}

/**
 * `effectiveInterval` in milliseconds without allocating (the RADIUS worker decides on every
 * request): returns the start and leaves the end (null = open) in `scratchEndMs`.
 */
let scratchEndMs: number | null = null;
function intervalMs(grant: AccessGrantInput, timezone: string): number {
  const startsAtMs = grant.startsAt.getTime();
  let startMs: number;
  let endMs: number | null;

  if (isBooking(grant.kind)) {
    if (!isValidTimeZone(timezone)) throw new RangeError(`invalid IANA time zone: ${String(timezone)}`);
    const endsAtMs = grant.endsAt ? grant.endsAt.getTime() : null;
    const lastInstantMs = endsAtMs !== null && endsAtMs > startsAtMs ? endsAtMs - 1 : startsAtMs;
    const first = DateTime.fromMillis(startsAtMs, { zone: timezone });
    const last = DateTime.fromMillis(lastInstantMs, { zone: timezone });
    startMs = first.startOf('day').toMillis();
    // Move to noon first so that adding a calendar day never lands in a DST gap near midnight,
    // then take the start of that next day.
    endMs = last
      .set({ hour: 12, minute: 0, second: 0, millisecond: 0 })
      .plus({ days: 1 })
      .startOf('day')
      .toMillis();
  } else {
    startMs = startsAtMs;
    endMs = grant.endsAt ? grant.endsAt.getTime() : null;
  }

  if (grant.cancelledAt) {
    const cancelledMs = grant.cancelledAt.getTime();
    endMs = endMs === null ? cancelledMs : Math.min(endMs, cancelledMs);
  }
  scratchEndMs = endMs;
  return startMs;
}

/**
 * Location scope. A grant applies at the decided location when ANY of:
 *   1. the grant has no location (`locationId === null`: it applies everywhere, roaming or not);
 *   2. the decided location is the grant's own location;
 *   3. the member roams (`roaming === true`): every grant applies at every location;
 *   4. the decided location is one of the member's home locations.
 * So with roaming off a grant is valid only at its own location and at the member's home locations.
 */
function appliesAt(grant: AccessGrantInput, member: AccessMemberInput, locationId: string): boolean {
  if (grant.locationId === null || grant.locationId === undefined) return true;
  if (grant.locationId === locationId) return true;
  if (member.roaming === true) return true;
  return member.homeLocationIds.includes(locationId);
}

/** The zone that defines a booking's day when decided at `location` (see `AccessGrantInput.timezone`). */
function zoneFor(grant: AccessGrantInput, location: AccessLocationInput): string {
  if (grant.locationId === null || grant.locationId === undefined || grant.locationId === location.id) {
    return location.timezone;
  }
  return grant.timezone ?? location.timezone;
}

interface Evaluated {
  grant: AccessGrantInput;
  start: number;
  end: number | null;
  /** end <= start: cancelled before it began. */
  empty: boolean;
  applicable: boolean;
  wifi: boolean;
}

function covers(e: Evaluated, t: number): boolean {
  return !e.empty && e.start <= t && (e.end === null || t < e.end);
}

function compareKind(a: Evaluated, b: Evaluated): number {
  const k = KIND_PRIORITY[a.grant.kind] - KIND_PRIORITY[b.grant.kind];
  if (k !== 0 && Number.isFinite(k)) return k;
  return a.grant.id < b.grant.id ? -1 : a.grant.id > b.grant.id ? 1 : 0;
}

/** Furthest end first (open-ended wins), then kind priority, then id. */
function reachesFurthest(a: Evaluated, b: Evaluated): number {
  if (a.end !== b.end) {
    if (a.end === null) return -1;
    if (b.end === null) return 1;
    return b.end - a.end;
  }
  return compareKind(a, b);
}

/** Earliest start first, then kind priority, then id. */
function startsSoonest(a: Evaluated, b: Evaluated): number {
  return a.start !== b.start ? a.start - b.start : compareKind(a, b);
}

/** The first in `order` (a stable sort's first element: the earliest of equals). */
function pick(list: readonly Evaluated[], order: (a: Evaluated, b: Evaluated) => number): Evaluated {
  let best = list[0] as Evaluated;
  for (let i = 1; i < list.length; i++) if (order(list[i]!, best) < 0) best = list[i]!;
  return best;
}

/**
 * End of continuous coverage from `t`: merge every usable interval that overlaps or touches the
 * coverage built so far. null when the chain reaches an open-ended interval.
 */
function coverageEnd(usable: Evaluated[], t: number): number | null {
  let frontier = t;
  if (usable.length > 1) usable.sort(startsSoonest);
  for (const e of usable) {
    if (e.start > frontier) break;
    if (e.end === null) return null;
    if (e.end > frontier) frontier = e.end;
  }
  return frontier;
}

/**
 * VLAN and limits from the member's groups. Groups are ranked TEAM > COMPANY > PLAN > MANUAL,
 * then by name, then by id (stable regardless of input order). The VLAN is the first non-null
 * `vlanId` in that order, else the location default; each limit is the first non-null value.
 */
function compareGroups(a: AccessGroupInput, b: AccessGroupInput): number {
  const o = (ORIGIN_PRIORITY[a.origin] ?? 99) - (ORIGIN_PRIORITY[b.origin] ?? 99);
  if (o !== 0) return o;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function resolveGroupSettings(
  groups: readonly AccessGroupInput[],
  defaultVlanId: number | null,
): { vlanId: number | null; policy: AccessPolicyLimits } {
  const ranked = groups.length > 1 ? [...groups].sort(compareGroups) : groups;
  let vlanId: number | null = null;
  const policy: AccessPolicyLimits = {
    bandwidthUpKbps: null,
    bandwidthDownKbps: null,
    sessionTimeoutSeconds: null,
    maxDevices: null,
  };
  // Each value from the first group (in rank order) that sets it.
  for (const g of ranked) {
    if (vlanId === null && g.vlanId !== null && g.vlanId !== undefined) vlanId = g.vlanId;
    const p = g.policy;
    if (!p) continue;
    if (policy.bandwidthUpKbps === null && p.bandwidthUpKbps != null)
      policy.bandwidthUpKbps = p.bandwidthUpKbps;
    if (policy.bandwidthDownKbps === null && p.bandwidthDownKbps != null)
      policy.bandwidthDownKbps = p.bandwidthDownKbps;
    if (policy.sessionTimeoutSeconds === null && p.sessionTimeoutSeconds != null)
      policy.sessionTimeoutSeconds = p.sessionTimeoutSeconds;
    if (policy.maxDevices === null && p.maxDevices != null) policy.maxDevices = p.maxDevices;
  }
  return { vlanId: vlanId ?? defaultVlanId ?? null, policy };
}

function refuse(
  reason: AccessReason,
  explaining: Evaluated | AccessGrantInput | null = null,
): AccessDecision {
  const grant = explaining === null ? null : 'grant' in explaining ? explaining.grant : explaining;
  return {
    allowed: false,
    reason,
    grantId: grant?.id ?? null,
    grantKind: grant?.kind ?? null,
    validUntil: null,
    vlanId: null,
    // A literal, not `{ ...NO_LIMITS }`: the RADIUS worker refuses on its hot path, where V8 let
    // spread copies outlive the young generation (radius/bench/hot-path.bench.ts --allocations).
    policy: { bandwidthUpKbps: null, bandwidthDownKbps: null, sessionTimeoutSeconds: null, maxDevices: null },
    sessionTimeoutSeconds: null,
  };
}

/**
 * Decide WiFi access for `member` at `location` at instant `now`.
 *
 * Refusal reasons, in the order they are checked (the first that holds is reported):
 *   1. MEMBER_DELETED, MEMBER_DISABLED (any status other than ACTIVE);
 *   2. INVALID_TIMEZONE: the location's zone is invalid (no decision is made at all);
 *   — otherwise, if a usable grant covers now: ALLOWED —
 *   3. INVALID_TIMEZONE: an applicable WiFi booking could not be evaluated because its zone is invalid;
 *   4. NOT_HOME_LOCATION: a WiFi grant covers now but does not apply here (roaming off);
 *   5. PLAN_WITHOUT_WIFI: only "no WiFi" grants cover now here;
 *   6. GRANT_NOT_STARTED: an applicable WiFi grant starts later (the soonest is reported);
 *   7. GRANT_ENDED: applicable WiFi grants exist but have ended or were cancelled (the last to end is reported);
 *   8. NOT_HOME_LOCATION: WiFi grants exist only at other locations (not covering now);
 *   9. NO_GRANT.
 * Grants with an invalid `startsAt` / `endsAt` / `cancelledAt` are ignored (fail closed); an
 * invalid `now` yields NO_GRANT.
 */
export function decideAccess(
  member: AccessMemberInput,
  grants: readonly AccessGrantInput[],
  location: AccessLocationInput,
  now: Date,
  options: AccessDecisionOptions = {},
): AccessDecision {
  if (member.status === 'DELETED') return refuse('MEMBER_DELETED');
  if (member.status !== 'ACTIVE') return refuse('MEMBER_DISABLED');
  if (!isValidTimeZone(location.timezone)) return refuse('INVALID_TIMEZONE');
  if (!isValidDate(now)) return refuse('NO_GRANT');
  const t = now.getTime();

  const evaluated: Evaluated[] = [];
  let badZoneGrant: AccessGrantInput | null = null;
  for (const grant of grants) {
    if (!isValidDate(grant.startsAt)) continue;
    if (grant.endsAt !== null && grant.endsAt !== undefined && !isValidDate(grant.endsAt)) continue;
    if (grant.cancelledAt !== null && grant.cancelledAt !== undefined && !isValidDate(grant.cancelledAt))
      continue;
    const applicable = appliesAt(grant, member, location.id);
    const wifi = grant.grantsWifi !== false;
    const zone = zoneFor(grant, location);
    if (isBooking(grant.kind) && !isValidTimeZone(zone)) {
      if (applicable && wifi) badZoneGrant ??= grant;
      continue;
    }
    const start = intervalMs(grant, zone);
    const end = scratchEndMs;
    evaluated.push({ grant, start, end, empty: end !== null && end <= start, applicable, wifi });
  }

  // The common case, allowed, in loops rather than filtered copies: the RADIUS worker decides on
  // every request.
  let best: Evaluated | null = null;
  let usableCount = 0;
  for (const e of evaluated) {
    if (!e.applicable || !e.wifi || e.empty) continue;
    usableCount++;
    if (covers(e, t) && (best === null || reachesFurthest(e, best) < 0)) best = e;
  }
  const usable =
    usableCount === evaluated.length
      ? evaluated
      : evaluated.filter((e) => e.applicable && e.wifi && !e.empty);

  if (best !== null) {
    // (coverageEnd sorts `usable` in place: nothing reads `evaluated` after this branch.)
    const untilMs = usableCount === 1 ? best.end : coverageEnd(usable, t);
    const { vlanId, policy } = resolveGroupSettings(member.groups, location.defaultVlanId);

    const maxOpt = options.maxSessionTimeoutSeconds;
    let timeout =
      maxOpt !== undefined && Number.isFinite(maxOpt) && maxOpt >= 1
        ? Math.floor(maxOpt)
        : DEFAULT_MAX_SESSION_TIMEOUT_SECONDS;
    if (untilMs !== null) timeout = Math.min(timeout, Math.ceil((untilMs - t) / 1000));
    // A non-positive or non-finite group timeout is treated as "no limit" (a RADIUS Session-Timeout
    // of 0 is meaningless and would disconnect the member immediately).
    const groupTimeout = policy.sessionTimeoutSeconds;
    if (groupTimeout !== null && Number.isFinite(groupTimeout) && groupTimeout > 0)
      timeout = Math.min(timeout, Math.floor(groupTimeout));

    return {
      allowed: true,
      reason: 'ALLOWED',
      grantId: best.grant.id,
      grantKind: best.grant.kind,
      validUntil: untilMs === null ? null : new Date(untilMs),
      vlanId,
      policy,
      sessionTimeoutSeconds: Math.max(1, timeout),
    };
  }

  if (badZoneGrant) return refuse('INVALID_TIMEZONE', badZoneGrant);

  const elsewhereNow = evaluated.filter((e) => !e.applicable && e.wifi && covers(e, t));
  if (elsewhereNow.length > 0) return refuse('NOT_HOME_LOCATION', pick(elsewhereNow, reachesFurthest));

  const noWifiNow = evaluated.filter((e) => e.applicable && !e.wifi && covers(e, t));
  if (noWifiNow.length > 0) return refuse('PLAN_WITHOUT_WIFI', pick(noWifiNow, reachesFurthest));

  const future = usable.filter((e) => e.start > t);
  if (future.length > 0) return refuse('GRANT_NOT_STARTED', pick(future, startsSoonest));

  const ended = evaluated.filter(
    (e) => e.applicable && e.wifi && (e.empty || (e.end !== null && e.end <= t)),
  );
  if (ended.length > 0) return refuse('GRANT_ENDED', pick(ended, reachesFurthest));

  const elsewhere = evaluated.filter((e) => !e.applicable && e.wifi && !e.empty);
  if (elsewhere.length > 0) return refuse('NOT_HOME_LOCATION', pick(elsewhere, reachesFurthest));

  return refuse('NO_GRANT');
}

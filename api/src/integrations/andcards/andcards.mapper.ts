// Pure mapping of Spacebring records into Lanyard's normalized snapshot (coworking-apis.md §2.3-§2.6).
// People: one upstream member per Spacebring *user*; a user's memberships (user × location) give
// their locations and companies.
import { DateTime, IANAZone } from 'luxon';
import type {
  SnapshotScope,
  UpstreamBooking,
  UpstreamGroup,
  UpstreamLocation,
  UpstreamMember,
  UpstreamMembership,
  UpstreamPlan,
  UpstreamSnapshot,
} from '../connector.js';
import type {
  SbBooking,
  SbCompany,
  SbLocation,
  SbMembership,
  SbPlan,
  SbResource,
  SbSubscription,
} from './andcards.types.js';

export interface AndcardsData {
  locations: SbLocation[];
  /** Memberships as listed (deleted or `requested` ones are dropped here). */
  memberships: SbMembership[];
  companies: SbCompany[];
  plans: SbPlan[];
  subscriptions: SbSubscription[];
  resources: SbResource[];
  bookings: SbBooking[];
}

export interface MapOptions {
  scope: SnapshotScope;
  now: Date;
}

export interface MapResult {
  snapshot: UpstreamSnapshot;
  /** Records skipped, for the sync log. */
  warnings: string[];
}

/** Subscription statuses that give a membership term (§2.5); `incomplete` = first payment pending. */
export const LIVE_SUBSCRIPTION_STATUSES = ['active', 'scheduled'] as const;

const DESK_TYPES = new Set(['hotDesk', 'dedicatedDesk']);
const ROOM_TYPES = new Set([
  'room',
  'meetingRoom',
  'conferenceRoom',
  'phoneBooth',
  'eventSpace',
  'studio',
  'office',
]);
/** Resources that are not a place to work: bookings of these give no network access. */
const IGNORED_TYPES = new Set(['parkingLot', 'equipment', 'station']);

/** Desk vs room from the resource type (§2.6); null for resources that give no access. */
export function bookingKind(resourceType: string): 'DESK' | 'ROOM' | null {
  if (DESK_TYPES.has(resourceType)) return 'DESK';
  if (ROOM_TYPES.has(resourceType)) return 'ROOM';
  return null;
}

/** The location's zone when valid, else UTC. */
export function zoneOf(location: SbLocation): string {
  return location.timezoneId && IANAZone.isValidZone(location.timezoneId) ? location.timezoneId : 'UTC';
}

/** Local midnight at the start of `now`'s day in the location's zone: bookings ending after it count. */
export function startOfLocalDay(now: Date, location: SbLocation): Date {
  return DateTime.fromJSDate(now).setZone(zoneOf(location)).startOf('day').toJSDate();
}

/** No `virtual` flag upstream: a plan titled "Virtual …" is taken as carrying no desk (a hint only). */
function isVirtualPlan(title: string): boolean {
  return /\bvirtual\b/i.test(title);
}

function fullName(m: SbMembership): string {
  return [m.user.name, m.user.surname]
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');
}

export function mapSnapshot(data: AndcardsData, opts: MapOptions): MapResult {
  const warnings: string[] = [];
  const only = opts.scope.kind === 'PARTIAL' ? new Set(opts.scope.memberExternalIds) : null;

  const locations: UpstreamLocation[] = data.locations.map((l) => {
    const valid = l.timezoneId !== null && IANAZone.isValidZone(l.timezoneId);
    if (l.timezoneId !== null && !valid)
      warnings.push(`location ${l.id} has an unknown time zone "${l.timezoneId}"`);
    return { externalId: l.id, name: l.title, timezone: valid ? l.timezoneId : null };
  });
  const locationById = new Map(data.locations.map((l) => [l.id, l]));

  const companies = data.companies.filter((c) => !c.deleteDate);
  const companyById = new Map(companies.map((c) => [c.id, c]));
  const groups: UpstreamGroup[] = companies.map((c) => ({
    externalId: c.id,
    kind: 'COMPANY',
    name: c.title,
    locationExternalId: c.locationRef,
  }));

  const plans: UpstreamPlan[] = data.plans.map((p) => ({
    externalId: p.id,
    name: p.title,
    locationExternalId: p.locationRef,
    virtual: isVirtualPlan(p.title),
  }));
  const planIds = new Set(plans.map((p) => p.externalId));

  // Live memberships, one per id; `requested` ones are join requests not yet approved.
  const membershipById = new Map<string, SbMembership>();
  for (const m of data.memberships) {
    if (m.deleteDate || m.status === 'requested') continue;
    if (!locationById.has(m.locationRef)) {
      warnings.push(`membership ${m.id} is in unknown location ${m.locationRef}`);
      continue;
    }
    if (only && !only.has(m.userRef)) continue;
    membershipById.set(m.id, m);
  }

  const byUser = new Map<string, SbMembership[]>();
  for (const m of membershipById.values()) {
    const list = byUser.get(m.userRef) ?? [];
    list.push(m);
    byUser.set(m.userRef, list);
  }

  const members: UpstreamMember[] = [];
  for (const [userId, ms] of byUser) {
    const email = ms.map((m) => m.user.email?.trim()).find((e): e is string => Boolean(e)) ?? null;
    const name = ms.map(fullName).find(Boolean) ?? email ?? userId;
    const companyRefs = unique(ms.map((m) => m.companyRef).filter((c): c is string => c !== null));
    const groupIds = companyRefs.filter((c) => companyById.has(c));
    const fields: Record<string, string> = {};
    for (const m of ms) {
      for (const [k, v] of Object.entries(m.metadata)) {
        const key = `metadata.${k}`;
        if (key in fields) continue;
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[key] = String(v);
      }
      if (m.user.phoneNumber && !fields.phoneNumber) fields.phoneNumber = m.user.phoneNumber;
    }
    members.push({
      externalId: userId,
      email,
      fullName: name,
      company: groupIds.length ? companyById.get(groupIds[0])!.title : null,
      locationExternalIds: unique(ms.map((m) => m.locationRef)),
      homeLocationExternalId: null,
      groupExternalIds: groupIds,
      active: true,
      fields,
    });
  }

  const memberships: UpstreamMembership[] = [];
  for (const s of data.subscriptions) {
    if (s.deleteDate || !(LIVE_SUBSCRIPTION_STATUSES as readonly string[]).includes(s.status)) continue;
    const planExternalId = s.planRefs.find((p) => planIds.has(p)) ?? s.planRefs[0] ?? null;
    const base = {
      planExternalId,
      startsAt: new Date(s.startDate),
      endsAt: s.endDate ? new Date(s.endDate) : null,
      cancelledAt: null,
    };
    if (s.subscriptionType === 'user') {
      const m = s.membershipRef ? membershipById.get(s.membershipRef) : undefined;
      const userId = m?.userRef ?? (s.userId && byUser.has(s.userId) ? s.userId : null);
      if (!userId) {
        if (!only) warnings.push(`subscription ${s.id} belongs to no listed membership`);
        continue;
      }
      memberships.push({
        externalId: s.id,
        memberExternalId: userId,
        locationExternalId: s.locationRef ?? m?.locationRef ?? null,
        ...base,
      });
    } else {
      // A company subscription covers every member of the company (§2.4: members = memberships by companyRef).
      const holders = [...membershipById.values()].filter((m) => m.companyRef === s.companyRef);
      for (const userId of unique(holders.map((m) => m.userRef))) {
        memberships.push({
          externalId: `${s.id}:${userId}`,
          memberExternalId: userId,
          locationExternalId: s.locationRef ?? companyById.get(s.companyRef ?? '')?.locationRef ?? null,
          ...base,
        });
      }
    }
  }

  const resourceById = new Map(data.resources.map((r) => [r.id, r]));
  const bookings: UpstreamBooking[] = [];
  const seen = new Set<string>();
  const membershipUser = (ref: string | null): string | null =>
    ref ? (membershipById.get(ref)?.userRef ?? null) : null;
  for (const b of data.bookings) {
    if (b.deleteDate) continue;
    const r = resourceById.get(b.resourceRef);
    if (!r) {
      warnings.push(`booking ${b.id} is of unknown resource ${b.resourceRef}`);
      continue;
    }
    const kind = bookingKind(r.type);
    if (!kind) {
      if (!IGNORED_TYPES.has(r.type)) warnings.push(`booking ${b.id}: resource type "${r.type}" ignored`);
      continue;
    }
    const location = r.locationRef ? locationById.get(r.locationRef) : undefined;
    if (!location) {
      warnings.push(`booking ${b.id} is in an unknown location`);
      continue;
    }
    const startsAt = new Date(b.startDate);
    const endsAt = new Date(b.endDate);
    if (endsAt.getTime() <= startOfLocalDay(opts.now, location).getTime()) continue;

    const people: string[] = [];
    const owner =
      membershipUser(b.membershipRefOwner) ??
      (b.userOwnerId && byUser.has(b.userOwnerId) ? b.userOwnerId : null);
    if (owner) people.push(owner);
    else if (!only) warnings.push(`booking ${b.id}: owner is not a listed member`);
    // Invitees of a room come to the same room: they get the day too, when their membership is known.
    if (kind === 'ROOM') {
      for (const a of b.attendees) {
        const u = membershipUser(a.membershipRef) ?? (a.userId && byUser.has(a.userId) ? a.userId : null);
        if (u) people.push(u);
      }
    }
    for (const userId of unique(people)) {
      if (only && !only.has(userId)) continue;
      const externalId = userId === owner ? b.id : `${b.id}:${userId}`;
      if (seen.has(externalId)) continue;
      seen.add(externalId);
      bookings.push({
        externalId,
        memberExternalId: userId,
        locationExternalId: location.id,
        kind,
        startsAt,
        endsAt,
      });
    }
  }

  return {
    snapshot: {
      scope: opts.scope,
      fetchedAt: opts.now,
      locations,
      groups,
      plans,
      members,
      memberships,
      bookings,
      checkIns: [],
    },
    warnings,
  };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/**
 * The sync rules (design.md §3 "Sync engine" and "Access policy"): one pure function from an
 * upstream snapshot and Lanyard's current state for one integration to the plan that reconciles
 * them. No I/O and no clock: ids, fingerprints and `now` come in with the input, so the same input
 * always gives the same plan. Members whose facts did not change produce no operation at all.
 */
import { effectiveInterval, type GrantKind } from '../domain/access/access-policy.js';
import { CredentialError, validatePassphrase } from '../domain/credentials/index.js';
import { isEmail } from '../common/validation.js';
import type { UpstreamMember, UpstreamSnapshot, UpstreamMembership } from '../integrations/connector.js';
import type { IntegrationSettings } from '../integrations/integration-settings.js';
import {
  emptyCounts,
  type MemberChangeReason,
  type PlannedGrant,
  type PlannedMemberStatus,
  type PlannedPassphrase,
  type SyncPlan,
} from './sync-plan.js';

export const DEFAULT_TIMEZONE = 'UTC';

export interface CurrentMember {
  id: string;
  email: string;
  emailNormalized: string;
  fullName: string;
  company: string | null;
  username: string;
  status: 'ACTIVE' | 'DISABLED' | 'DELETED';
  passphraseFingerprint: string | null;
  homeLocationIds: string[];
  groupIds: string[];
  /** External ids of this integration's sources of the member. */
  sourceExternalIds: string[];
  /** Some source of this integration says the sync disabled the member. */
  disabledBySync: boolean;
  /** The member is also sourced from another integration. */
  otherSources: boolean;
  /** The member has a grant from elsewhere (manual, another integration) that has not ended. */
  otherGrantsInForce: boolean;
  /** Changes whenever the member or their grants change (sync-state.ts `memberVersionSql`). */
  version: string;
}

export interface CurrentGrant {
  id: string;
  memberId: string;
  sourceRef: string;
  kind: GrantKind;
  locationId: string | null;
  startsAt: Date;
  endsAt: Date | null;
  cancelledAt: Date | null;
  grantsWifi: boolean;
  effectiveStartsAt: Date;
  effectiveEndsAt: Date | null;
}

export interface CurrentGroup {
  id: string;
  /** Null for groups not created by this integration (plan-mapped groups). */
  externalId: string | null;
  name: string;
  locationId: string | null;
  vlanId: number | null;
  vlanAutoAllocated: boolean;
  memberIds: string[];
}

export interface CurrentLocation {
  id: string;
  timezone: string;
  hasVlanPool: boolean;
}

/** Lanyard's state as far as one integration's sync is concerned (sync-state.ts loads it). */
export interface SyncState {
  integrationId: string;
  /** Upstream location id → Lanyard location id. */
  locationMappings: Record<string, string>;
  locations: CurrentLocation[];
  /**
   * Members linked to this integration, and members whose email appears in the snapshot. For a
   * PARTIAL snapshot it may hold only the people the snapshot is about (with `population` set).
   */
  members: CurrentMember[];
  /**
   * Members of this integration that are not deleted (the safety hold's population), when
   * `members` does not hold them all; otherwise counted from `members`.
   */
  population?: number;
  /** This integration's grants. */
  grants: CurrentGrant[];
  /** This integration's groups and the groups its plan mappings name. */
  groups: CurrentGroup[];
  /** Holders of the usernames the snapshot would use (any member). */
  usernameOwners: Record<string, { memberId: string; deleted: boolean }>;
  /** Holders of upstream passphrases' fingerprints. */
  fingerprintOwners: Record<string, string>;
  /** Holders of the check-in MACs. */
  deviceOwners: Record<string, string>;
}

export interface DiffInput {
  snapshot: UpstreamSnapshot;
  state: SyncState;
  settings: IntegrationSettings;
  now: Date;
  newId: () => string;
  fingerprint: (passphrase: string) => string;
}

/** The RADIUS username a member gets under the integration's username format (lower-cased). */
export function usernameFor(
  settings: Pick<IntegrationSettings, 'usernameFormat' | 'usernameField'>,
  member: Pick<UpstreamMember, 'externalId' | 'fields'>,
  emailNormalized: string,
): string | null {
  let value: string | undefined;
  if (settings.usernameFormat === 'MEMBER_ID') value = member.externalId;
  else if (settings.usernameFormat === 'CUSTOM_FIELD')
    value = settings.usernameField ? member.fields[settings.usernameField] : undefined;
  else value = emailNormalized;
  const v = value?.trim().toLowerCase();
  return v && /^[\x21-\x7e]{1,253}$/.test(v) ? v : null;
}

/** The upstream passphrase field's value, when the integration takes passphrases from upstream. */
export function upstreamPassphrase(
  settings: Pick<IntegrationSettings, 'passphraseSource' | 'passphraseField'>,
  member: Pick<UpstreamMember, 'fields'>,
): string | null {
  if (settings.passphraseSource !== 'UPSTREAM_FIELD' || !settings.passphraseField) return null;
  const v = member.fields[settings.passphraseField];
  return v === undefined || v === '' ? null : v;
}

export const normalizeEmail = (email: string | null): string | null => {
  const e = email?.trim().toLowerCase();
  return e && isEmail(e) ? e : null;
};

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const ms = (d: Date | string | null): number | null =>
  d === null ? null : typeof d === 'string' ? Date.parse(d) : d.getTime();
const isTimed = (k: GrantKind) => k === 'DESK_BOOKING' || k === 'ROOM_BOOKING' || k === 'CHECK_IN';

interface Person {
  emailNormalized: string;
  email: string;
  records: UpstreamMember[];
}

type Category = 'created' | 'updated' | 'enabled' | 'disabled' | 'deleted' | 'unchanged';

export function computeSyncPlan(input: DiffInput): SyncPlan {
  const { snapshot, state, settings, now, newId } = input;
  const nowMs = now.getTime();
  const plan: SyncPlan = {
    version: 1,
    integrationId: state.integrationId,
    scope: snapshot.scope.kind,
    locations: [],
    groups: { create: [], update: [], delete: [], wantVlan: [], freeVlan: [] },
    members: { create: [], update: [], delete: [] },
    sources: { add: [], remove: [], setDisabledBySync: [] },
    homeLocations: { add: [], remove: [] },
    memberGroups: { add: [], remove: [] },
    grants: { upsert: [], delete: [] },
    devices: { create: [] },
    notify: [],
    counts: emptyCounts(),
    safety: { removals: 0, population: 0 },
    warnings: [],
  };
  const warn = (message: string, data?: Record<string, unknown>) => plan.warnings.push({ message, data });

  // ---- locations -------------------------------------------------------------------------
  const locationIdOf = new Map<string, string>(Object.entries(state.locationMappings));
  const zoneOf = new Map<string, string>(state.locations.map((l) => [l.id, l.timezone]));
  const poolAt = new Map<string, boolean>(state.locations.map((l) => [l.id, l.hasVlanPool]));
  for (const loc of snapshot.locations) {
    if (locationIdOf.has(loc.externalId)) continue;
    let timezone = loc.timezone?.trim() || null;
    if (timezone && !validZone(timezone)) {
      warn(`Location "${loc.name}" has an unknown time zone "${timezone}": using ${DEFAULT_TIMEZONE}`);
      timezone = null;
    } else if (!timezone) {
      warn(`Location "${loc.name}" has no time zone upstream: using ${DEFAULT_TIMEZONE}; set it in Lanyard`);
    }
    const id = newId();
    plan.locations.push({
      id,
      externalId: loc.externalId,
      name: loc.name.trim() || loc.externalId,
      timezone: timezone ?? DEFAULT_TIMEZONE,
    });
    locationIdOf.set(loc.externalId, id);
    zoneOf.set(id, timezone ?? DEFAULT_TIMEZONE);
    poolAt.set(id, false);
  }
  const managedLocationIds = new Set(locationIdOf.values());
  const mapLocation = (ext: string | null | undefined): string | null =>
    ext ? (locationIdOf.get(ext) ?? null) : null;
  const onlyLocation =
    snapshot.locations.length === 1 ? mapLocation(snapshot.locations[0]!.externalId) : null;

  // ---- plans ---------------------------------------------------------------------------
  const planInfo = new Map(snapshot.plans.map((p) => [p.externalId, p]));
  const mappingOf = new Map(settings.planMappings.map((m) => [m.planExternalId, m]));
  const knownGroupIds = new Set(state.groups.map((g) => g.id));
  const planWifi = (planId: string | null): boolean => {
    const mapping = planId ? mappingOf.get(planId) : undefined;
    if (mapping) return !mapping.noAccess;
    if (planId && planInfo.get(planId)?.virtual) return false;
    return settings.unmappedPlansGrantAccess;
  };
  const planGroup = (planId: string | null): string | null => {
    const g = planId ? mappingOf.get(planId)?.groupId : null;
    return g && knownGroupIds.has(g) ? g : null;
  };
  const planGroupIds = new Set(
    settings.planMappings.map((m) => m.groupId).filter((g): g is string => !!g && knownGroupIds.has(g)),
  );

  // ---- upstream groups -----------------------------------------------------------------
  const currentGroupByExt = new Map(
    state.groups.filter((g) => g.externalId !== null).map((g) => [g.externalId!, g]),
  );
  const groupIdOfExt = new Map<string, string>();
  const upstreamGroups = new Map(snapshot.groups.map((g) => [g.externalId, g]));
  for (const g of snapshot.groups) {
    const current = currentGroupByExt.get(g.externalId);
    const locationId = mapLocation(g.locationExternalId) ?? current?.locationId ?? onlyLocation;
    const name = g.name.trim().slice(0, 200) || g.externalId;
    if (current) {
      groupIdOfExt.set(g.externalId, current.id);
      if (current.name !== name || current.locationId !== locationId)
        plan.groups.update.push({ id: current.id, name, locationId });
    } else {
      const id = newId();
      groupIdOfExt.set(g.externalId, id);
      plan.groups.create.push({ id, externalId: g.externalId, name, origin: g.kind, locationId });
    }
  }
  // Groups of earlier runs stay known (PARTIAL snapshots may not list every team).
  for (const g of state.groups)
    if (g.externalId && !groupIdOfExt.has(g.externalId) && snapshot.scope.kind === 'PARTIAL')
      groupIdOfExt.set(g.externalId, g.id);
  const integrationGroupIds = new Set(state.groups.filter((g) => g.externalId !== null).map((g) => g.id));
  const managedGroupIds = new Set([...integrationGroupIds, ...planGroupIds]);
  const groupMembers = new Map(state.groups.map((g) => [g.id, new Set(g.memberIds)]));
  for (const g of plan.groups.create) groupMembers.set(g.id, new Set());

  // ---- index the state -----------------------------------------------------------------
  const memberBySource = new Map<string, CurrentMember>();
  const memberByEmail = new Map<string, CurrentMember>();
  for (const m of state.members) {
    for (const ext of m.sourceExternalIds) memberBySource.set(ext, m);
    memberByEmail.set(m.emailNormalized, m);
  }
  const grantsByMember = new Map<string, CurrentGrant[]>();
  const grantBySourceRef = new Map<string, CurrentGrant>();
  for (const g of state.grants) {
    grantBySourceRef.set(g.sourceRef, g);
    const list = grantsByMember.get(g.memberId);
    if (list) list.push(g);
    else grantsByMember.set(g.memberId, [g]);
  }
  const byMemberExt = <T extends { memberExternalId: string }>(items: T[]) => {
    const map = new Map<string, T[]>();
    for (const i of items) {
      const list = map.get(i.memberExternalId);
      if (list) list.push(i);
      else map.set(i.memberExternalId, [i]);
    }
    return map;
  };
  const membershipsOf = byMemberExt(snapshot.memberships);
  const bookingsOf = byMemberExt(settings.bookingAccess ? snapshot.bookings : []);
  const checkInsOf = byMemberExt(settings.checkInAccess ? snapshot.checkIns : []);

  // ---- people: one per email ----------------------------------------------------------
  const people = new Map<string, Person>();
  const skippedExt = new Set<string>();
  for (const rec of snapshot.members) {
    const email = normalizeEmail(rec.email);
    if (!email) {
      skippedExt.add(rec.externalId);
      plan.counts.errors++;
      warn(`Skipped upstream member ${rec.externalId}: no usable email address`, {
        externalId: rec.externalId,
      });
      continue;
    }
    const p = people.get(email);
    if (p) p.records.push(rec);
    else people.set(email, { emailNormalized: email, email: rec.email!.trim(), records: [rec] });
  }

  const usernamesTaken = new Map<string, string>(); // username → member id, for this run
  const fingerprintsTaken = new Map<string, string>();
  const devicesTaken = new Set<string>(Object.keys(state.deviceOwners));
  const handled = new Set<string>(); // member ids dealt with
  const population = new Set<string>();
  for (const m of state.members)
    if (m.sourceExternalIds.length > 0 && m.status !== 'DELETED') population.add(m.id);
  plan.safety.population = state.population ?? population.size;

  const notify = new Map<string, MemberChangeReason>();
  const touch = (memberId: string, reason: MemberChangeReason) => {
    if (!notify.has(memberId) || reason === 'DELETED' || reason === 'STATUS_CHANGED')
      notify.set(memberId, reason);
  };
  const count = (c: Category) => plan.counts[c]++;

  const usernameFree = (u: string, selfId: string): boolean => {
    const run = usernamesTaken.get(u);
    if (run !== undefined) return run === selfId;
    const owner = state.usernameOwners[u];
    return !owner || owner.memberId === selfId || owner.deleted;
  };

  // ---- each person present upstream ------------------------------------------------------
  for (const person of people.values()) {
    const records = person.records;
    const primary = records.find((r) => r.active) ?? records[0]!;
    const extIds = records.map((r) => r.externalId);
    const current =
      extIds.map((e) => memberBySource.get(e)).find((m) => m !== undefined) ??
      memberByEmail.get(person.emailNormalized);
    if (!settings.autoProvision && (!current || current.status === 'DELETED')) continue;
    if (current && handled.has(current.id)) {
      warn(`Upstream members ${extIds.join(', ')} match a member already synced in this run`, {
        externalIds: extIds,
      });
      continue;
    }
    const memberId = current?.id ?? newId();
    const existing = current && current.status !== 'DELETED' ? current : null;
    // PARTIAL run that does not see every upstream record of this person (Nexudus keeps one coworker
    // per business for the same email): what the unseen records give — grants, home locations, groups,
    // an active status — is unknown here, so it is left as it is (the engine widens the scope to
    // avoid this; the next full run settles it otherwise).
    const unseenRecords =
      existing !== null &&
      existing.sourceExternalIds.some((e) => !extIds.includes(e) && !inScope(snapshot, e));

    // identity
    let email = person.email;
    let emailNormalized = person.emailNormalized;
    if (existing && existing.emailNormalized !== emailNormalized) {
      const holder = memberByEmail.get(emailNormalized);
      if (holder && holder.id !== existing.id) {
        warn(`Kept ${existing.email}: the new upstream email ${email} belongs to another member`);
        email = existing.email;
        emailNormalized = existing.emailNormalized;
      }
    }
    const fullName = (primary.fullName.trim() || email).slice(0, 200);
    const company = records.map((r) => r.company?.trim()).find((c) => !!c) ?? null;

    // username: set on creation; kept in step with the format while this integration owns the member
    let username = existing?.username ?? null;
    if (!existing || !existing.otherSources) {
      let wanted = usernameFor(settings, primary, emailNormalized);
      if (!wanted) {
        if (settings.usernameFormat !== 'EMAIL')
          warn(`No usable ${settings.usernameFormat} username for ${email}: using the email`);
        wanted = emailNormalized;
      }
      if (!usernameFree(wanted, memberId)) {
        if (existing) wanted = existing.username;
        else if (wanted !== emailNormalized && usernameFree(emailNormalized, memberId)) {
          warn(`Username ${wanted} is taken: ${email} gets ${emailNormalized}`);
          wanted = emailNormalized;
        } else {
          plan.counts.errors++;
          warn(`Skipped ${email}: the username ${wanted} belongs to another member`);
          handled.add(memberId);
          continue;
        }
      }
      username = wanted;
    }
    usernamesTaken.set(username!, memberId);

    // passphrase
    let passphrase: PlannedPassphrase | null = existing?.passphraseFingerprint ? null : { kind: 'GENERATE' };
    const upstreamValue = upstreamPassphrase(settings, primary);
    if (settings.passphraseSource === 'UPSTREAM_FIELD') {
      let problem: string | null = null;
      if (upstreamValue === null) problem = 'is empty';
      else {
        try {
          validatePassphrase(upstreamValue);
        } catch (err) {
          if (!(err instanceof CredentialError)) throw err;
          problem = `is not a valid passphrase (${err.code})`;
        }
      }
      if (problem === null) {
        const fp = input.fingerprint(upstreamValue!);
        const owner = fingerprintsTaken.get(fp) ?? state.fingerprintOwners[fp];
        if (existing?.passphraseFingerprint === fp) passphrase = null;
        else if (owner && owner !== memberId) problem = 'is already used by another member';
        else {
          passphrase = { kind: 'UPSTREAM', value: upstreamValue! };
          fingerprintsTaken.set(fp, memberId);
        }
      }
      if (problem !== null)
        warn(
          `The upstream passphrase field of ${email} ${problem}: ` +
            (passphrase ? 'a passphrase is generated' : 'the current passphrase is kept'),
        );
    }

    // home locations (this integration's part)
    const homes = new Set<string>();
    for (const r of records) {
      for (const ext of [...r.locationExternalIds, r.homeLocationExternalId]) {
        const id = mapLocation(ext);
        if (id) homes.add(id);
      }
    }
    const defaultLocation = mapLocation(primary.homeLocationExternalId) ?? [...homes][0] ?? onlyLocation;

    // grants
    const desired = new Map<string, PlannedGrant>();
    const addGrant = (
      sourceRef: string,
      kind: GrantKind,
      locationId: string | null,
      startsAt: Date,
      endsAt: Date | null,
      cancelledAt: Date | null,
      grantsWifi: boolean,
    ) => {
      if (
        !validDate(startsAt) ||
        (endsAt && !validDate(endsAt)) ||
        (cancelledAt && !validDate(cancelledAt))
      ) {
        plan.counts.errors++;
        warn(`Ignored ${sourceRef} of ${email}: invalid dates`);
        return;
      }
      const zone = (locationId && zoneOf.get(locationId)) || DEFAULT_TIMEZONE;
      const iv = effectiveInterval({ id: sourceRef, kind, locationId, startsAt, endsAt, cancelledAt }, zone);
      const existingGrant = grantBySourceRef.get(sourceRef);
      // A timed grant that is over and not known here is history: nothing to create.
      if (!existingGrant && iv.end !== null && iv.end.getTime() <= nowMs) return;
      desired.set(sourceRef, {
        id: existingGrant?.id ?? newId(),
        memberId,
        sourceRef,
        kind,
        locationId,
        startsAt: startsAt.toISOString(),
        endsAt: iso(endsAt),
        cancelledAt: iso(cancelledAt),
        grantsWifi,
        effectiveStartsAt: iv.start.toISOString(),
        effectiveEndsAt: iso(iv.end),
      });
    };
    const memberships: UpstreamMembership[] = extIds.flatMap((e) => membershipsOf.get(e) ?? []);
    const wantedGroups = new Set<string>();
    for (const ms of memberships) {
      const wifi = planWifi(ms.planExternalId);
      // Roaming off: the contract's location, else a home location (a grant at one home location is
      // valid at all of them, access-policy `appliesAt`). Never a location-less grant, which would
      // be valid everywhere.
      const locationId = settings.roaming ? null : (mapLocation(ms.locationExternalId) ?? defaultLocation);
      if (!settings.roaming && locationId === null) {
        plan.counts.errors++;
        warn(
          `Ignored membership ${ms.externalId} of ${email}: its location ${ms.locationExternalId ?? '(none)'} ` +
            'is unknown and the member has no home location (roaming is off): map the location or set a home',
          { externalId: ms.externalId },
        );
        continue;
      }
      addGrant(
        `membership:${ms.externalId}`,
        'MEMBERSHIP',
        locationId,
        ms.startsAt,
        ms.endsAt,
        ms.cancelledAt,
        wifi,
      );
      const g = wifi ? planGroup(ms.planExternalId) : null;
      const end = ms.cancelledAt ?? ms.endsAt;
      if (g && (end === null || end.getTime() > nowMs)) wantedGroups.add(g);
    }
    for (const b of extIds.flatMap((e) => bookingsOf.get(e) ?? [])) {
      const locationId = mapLocation(b.locationExternalId);
      if (!locationId) {
        warn(`Ignored booking ${b.externalId} of ${email}: unknown location ${b.locationExternalId}`);
        continue;
      }
      const kind = b.kind === 'ROOM' ? 'ROOM_BOOKING' : 'DESK_BOOKING';
      addGrant(`booking:${b.externalId}`, kind, locationId, b.startsAt, b.endsAt, null, true);
    }
    const macs: string[] = [];
    for (const c of extIds.flatMap((e) => checkInsOf.get(e) ?? [])) {
      const locationId = settings.roaming ? null : mapLocation(c.locationExternalId);
      if (!settings.roaming && locationId === null) {
        warn(`Ignored check-in ${c.externalId} of ${email}: unknown location ${c.locationExternalId}`);
        continue;
      }
      addGrant(`checkin:${c.externalId}`, 'CHECK_IN', locationId, c.checkedInAt, c.checkedOutAt, null, true);
      if (c.checkedOutAt === null) macs.push(...c.macAddresses);
    }
    let grantsChanged = false;
    for (const g of desired.values()) {
      const cur = grantBySourceRef.get(g.sourceRef);
      if (cur && sameGrant(cur, g)) continue;
      plan.grants.upsert.push(g);
      grantsChanged = true;
      if (cur && cur.memberId !== memberId) touch(cur.memberId, 'GRANTS_CHANGED');
    }
    const curGrants = current ? (grantsByMember.get(current.id) ?? []) : [];
    const kept: CurrentGrant[] = []; // this integration's grants in force after the run, not from this snapshot
    for (const cur of curGrants) {
      if (desired.has(cur.sourceRef)) continue;
      if (cur.effectiveEndsAt !== null && cur.effectiveEndsAt.getTime() <= nowMs) continue;
      if (unseenRecords) {
        kept.push(cur); // it may come from a record this run does not see
        continue;
      }
      // Gone upstream (contract ended, booking cancelled, checked out): the grant ends now.
      plan.grants.upsert.push(endGrantNow(cur, now, zoneOf));
      grantsChanged = true;
    }
    const finalGrants = [
      ...desired.values(),
      ...curGrants
        .filter((c) => !desired.has(c.sourceRef))
        .map((c) => ({ kind: c.kind, grantsWifi: c.grantsWifi, effectiveEndsAt: iso(c.effectiveEndsAt) })),
    ];
    const endedNow = (g: { effectiveEndsAt: string | null }) =>
      g.effectiveEndsAt !== null && Date.parse(g.effectiveEndsAt) <= nowMs;
    const wifiAfterRun =
      [...desired.values()].some(
        (g) => g.grantsWifi && Date.parse(g.effectiveStartsAt) <= nowMs && !endedNow(g),
      ) || kept.some((g) => inForce(g, nowMs));
    const hasAccessAhead = [...desired.values()].some((g) => g.grantsWifi && !endedNow(g));
    const hasMembership = memberships.length > 0;
    const hadTimed = finalGrants.some((g) => isTimed(g.kind));

    // groups (this integration's teams/companies and plan-mapped groups)
    for (const r of records)
      for (const ext of r.groupExternalIds) {
        const id = groupIdOfExt.get(ext);
        if (id) wantedGroups.add(id);
        else if (!upstreamGroups.has(ext)) warn(`Unknown upstream group ${ext} of ${email}`);
      }

    // status
    const active = records.some((r) => r.active);
    const managesStatus = !existing || (!existing.otherSources && !existing.otherGrantsInForce);
    let wantStatus: PlannedMemberStatus | null = null;
    let disableCounts = false;
    if (!active) {
      wantStatus = unseenRecords ? null : 'DISABLED'; // an unseen record may be the active one
      disableCounts = true;
    } else if (hasAccessAhead || hasMembership) wantStatus = 'ACTIVE';
    else if (hadTimed && !unseenRecords) {
      wantStatus = 'DISABLED'; // booking-only member outside their day
      disableCounts = grantsChanged;
    }

    if (!existing) {
      // new, or a deleted member coming back
      const status: PlannedMemberStatus = wantStatus ?? 'ACTIVE';
      plan.members.create.push({
        id: memberId,
        revive: current !== undefined,
        email,
        emailNormalized,
        fullName,
        company,
        username: username!,
        status,
        passphrase: passphrase ?? { kind: 'GENERATE' },
      });
      for (const ext of extIds)
        if (!current?.sourceExternalIds.includes(ext))
          plan.sources.add.push({ id: newId(), memberId, externalId: ext });
      if (status === 'DISABLED') plan.sources.setDisabledBySync.push({ memberId, value: true });
      for (const l of homes) plan.homeLocations.add.push({ memberId, locationId: l });
      for (const g of wantedGroups) {
        plan.memberGroups.add.push({ memberId, groupId: g });
        groupMembers.get(g)?.add(memberId);
      }
      for (const mac of macs) addDevice(mac, memberId);
      touch(memberId, 'CREATED');
      count('created');
      handled.add(memberId);
      continue;
    }

    handled.add(existing.id);
    let category: Category = 'unchanged';
    const mark = (c: Category) => {
      const order: Category[] = ['unchanged', 'updated', 'enabled', 'disabled', 'deleted', 'created'];
      if (order.indexOf(c) > order.indexOf(category)) category = c;
    };
    // sources
    for (const ext of extIds)
      if (!existing.sourceExternalIds.includes(ext)) {
        plan.sources.add.push({ id: newId(), memberId, externalId: ext });
        mark('updated');
      }
    for (const ext of existing.sourceExternalIds)
      if (
        !extIds.includes(ext) &&
        (snapshot.scope.kind === 'FULL' || inScope(snapshot, ext)) &&
        !skippedExt.has(ext)
      ) {
        plan.sources.remove.push(ext);
        mark('updated');
      }
    // status
    let status: PlannedMemberStatus = existing.status === 'DISABLED' ? 'DISABLED' : 'ACTIVE';
    const hadAccess =
      existing.status === 'ACTIVE' &&
      (existing.otherGrantsInForce || curGrants.some((g) => inForce(g, nowMs)));
    let removal = false;
    if (wantStatus === 'DISABLED' && status === 'ACTIVE' && managesStatus) {
      status = 'DISABLED';
      plan.sources.setDisabledBySync.push({ memberId, value: true });
      mark('disabled');
      if (disableCounts) removal = true;
    } else if (wantStatus === 'ACTIVE' && status === 'DISABLED' && existing.disabledBySync) {
      status = 'ACTIVE';
      plan.sources.setDisabledBySync.push({ memberId, value: false });
      mark('enabled');
    } else if (status === 'ACTIVE' && existing.disabledBySync) {
      // enabled by an admin meanwhile: the sync no longer owns the disabled state
      plan.sources.setDisabledBySync.push({ memberId, value: false });
    }
    // Access from yes to no in this run counts for the safety hold, disabled or not (e.g. every
    // contract vanished from the upstream list because the API user lost a role).
    if (hadAccess && !(status === 'ACTIVE' && (existing.otherGrantsInForce || wifiAfterRun))) removal = true;
    if (removal) plan.safety.removals++;
    const fieldsChanged =
      existing.email !== email ||
      existing.emailNormalized !== emailNormalized ||
      existing.fullName !== fullName ||
      existing.company !== company ||
      existing.username !== username;
    if (fieldsChanged || passphrase || status !== existing.status) {
      plan.members.update.push({
        id: memberId,
        email,
        emailNormalized,
        fullName,
        company,
        username: username!,
        status,
        passphrase,
      });
      if (fieldsChanged || passphrase) mark('updated');
      touch(memberId, status !== existing.status ? 'STATUS_CHANGED' : 'UPDATED');
    }
    // home locations
    const curHomes = new Set(existing.homeLocationIds);
    for (const l of homes)
      if (!curHomes.has(l)) {
        plan.homeLocations.add.push({ memberId, locationId: l });
        mark('updated');
        touch(memberId, 'UPDATED');
      }
    for (const l of curHomes)
      if (managedLocationIds.has(l) && !homes.has(l) && !unseenRecords) {
        plan.homeLocations.remove.push({ memberId, locationId: l });
        mark('updated');
        touch(memberId, 'UPDATED');
      }
    // groups
    const curGroups = new Set(existing.groupIds);
    for (const g of wantedGroups)
      if (!curGroups.has(g)) {
        plan.memberGroups.add.push({ memberId, groupId: g });
        groupMembers.get(g)?.add(memberId);
        mark('updated');
        touch(memberId, 'GROUPS_CHANGED');
      }
    for (const g of curGroups)
      if (managedGroupIds.has(g) && !wantedGroups.has(g) && !unseenRecords) {
        plan.memberGroups.remove.push({ memberId, groupId: g });
        groupMembers.get(g)?.delete(memberId);
        mark('updated');
        touch(memberId, 'GROUPS_CHANGED');
      }
    if (grantsChanged) {
      mark('updated');
      touch(memberId, 'GRANTS_CHANGED');
    }
    for (const mac of macs) if (addDevice(mac, memberId)) mark('updated');
    count(category);
  }

  // ---- members gone upstream -------------------------------------------------------------
  for (const m of state.members) {
    if (handled.has(m.id) || m.sourceExternalIds.length === 0) continue;
    const gone = m.sourceExternalIds.filter(
      (e) => !skippedExt.has(e) && (snapshot.scope.kind === 'FULL' || inScope(snapshot, e)),
    );
    // Only when every source of this integration is gone (a person may have several).
    if (gone.length === 0 || gone.length !== m.sourceExternalIds.length) continue;
    if (m.status === 'DELETED') {
      plan.sources.remove.push(...gone);
      continue;
    }
    handled.add(m.id);
    const grants = grantsByMember.get(m.id) ?? [];
    plan.grants.delete.push(...grants.map((g) => g.id));
    for (const g of m.groupIds)
      if (managedGroupIds.has(g)) {
        plan.memberGroups.remove.push({ memberId: m.id, groupId: g });
        groupMembers.get(g)?.delete(m.id);
      }
    const hadAccess = m.status === 'ACTIVE' && grants.some((g) => inForce(g, nowMs));
    if (m.otherSources || m.otherGrantsInForce) {
      // another platform still knows this person, or an admin (or another integration) granted them
      // access that is still in force: only this integration's part goes, the member stays as is
      plan.sources.remove.push(...gone);
      for (const l of m.homeLocationIds)
        if (managedLocationIds.has(l)) plan.homeLocations.remove.push({ memberId: m.id, locationId: l });
      touch(m.id, 'GRANTS_CHANGED');
      count('updated');
      if (hadAccess && !m.otherGrantsInForce) plan.safety.removals++;
    } else if (settings.deprovision === 'DELETE') {
      plan.sources.remove.push(...gone);
      plan.members.delete.push(m.id);
      for (const g of m.groupIds) groupMembers.get(g)?.delete(m.id);
      touch(m.id, 'DELETED');
      count('deleted');
      plan.safety.removals++;
    } else if (m.status === 'ACTIVE') {
      plan.members.update.push({
        id: m.id,
        email: m.email,
        emailNormalized: m.emailNormalized,
        fullName: m.fullName,
        company: m.company,
        username: m.username,
        status: 'DISABLED',
        passphrase: null,
      });
      plan.sources.setDisabledBySync.push({ memberId: m.id, value: true });
      touch(m.id, 'STATUS_CHANGED');
      count('disabled');
      plan.safety.removals++;
    } else if (grants.length > 0) {
      touch(m.id, 'GRANTS_CHANGED');
      count('updated');
    } else count('unchanged');
  }

  // ---- groups: VLANs, emptied groups -----------------------------------------------------
  const created = new Set(plan.groups.create.map((g) => g.id));
  const emptied = new Set<string>();
  for (const [id, members] of groupMembers) {
    if (!integrationGroupIds.has(id) && !created.has(id)) continue; // plan-mapped groups are the admin's
    if (members.size === 0) emptied.add(id);
  }
  plan.groups.create = plan.groups.create.filter((g) => !emptied.has(g.id));
  plan.groups.update = plan.groups.update.filter((g) => !emptied.has(g.id));
  plan.groups.delete = state.groups.filter((g) => emptied.has(g.id)).map((g) => g.id);
  const stateGroup = new Map(state.groups.map((g) => [g.id, g]));
  const finalGroupLocation = (id: string): string | null =>
    plan.groups.create.find((g) => g.id === id)?.locationId ??
    plan.groups.update.find((g) => g.id === id)?.locationId ??
    stateGroup.get(id)?.locationId ??
    null;
  for (const id of [...created, ...integrationGroupIds]) {
    if (emptied.has(id)) continue;
    const cur = stateGroup.get(id);
    if (settings.vlanMode === 'NONE') {
      if (cur?.vlanAutoAllocated && cur.vlanId !== null) plan.groups.freeVlan.push(id);
      continue;
    }
    const loc = finalGroupLocation(id);
    const moved = cur !== undefined && cur.locationId !== loc;
    if (loc && poolAt.get(loc) && (!cur || cur.vlanId === null || moved)) plan.groups.wantVlan.push(id);
    else if (!loc && !cur) warn(`Group ${id} has no location: no VLAN is assigned`);
  }
  for (const id of plan.groups.update.map((g) => g.id).concat(plan.groups.freeVlan))
    for (const m of groupMembers.get(id) ?? []) touch(m, 'GROUPS_CHANGED');

  plan.notify = [...notify].map(([memberId, reason]) => ({ memberId, reason }));
  plan.memberVersions = memberVersions(plan, state);
  return plan;

  function addDevice(mac: string, memberId: string): boolean {
    const normalized = mac.trim().toLowerCase();
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(normalized) || devicesTaken.has(normalized)) return false;
    devicesTaken.add(normalized);
    plan.devices.create.push({ id: newId(), memberId, mac: normalized });
    touch(memberId, 'DEVICES_CHANGED');
    return true;
  }
}

/** A WiFi grant of this integration that covers `nowMs`. */
function inForce(g: CurrentGrant, nowMs: number): boolean {
  return (
    g.grantsWifi &&
    g.effectiveStartsAt.getTime() <= nowMs &&
    (g.effectiveEndsAt === null || g.effectiveEndsAt.getTime() > nowMs)
  );
}

/** The current version of every existing member the plan touches (see SyncPlan.memberVersions). */
function memberVersions(plan: SyncPlan, state: SyncState): Record<string, string> {
  const byId = new Map(state.members.map((m) => [m.id, m.version]));
  const grantOwner = new Map(state.grants.map((g) => [g.id, g.memberId]));
  const sourceOwner = new Map(state.members.flatMap((m) => m.sourceExternalIds.map((e) => [e, m.id])));
  const ids = [
    ...plan.members.create.map((m) => m.id),
    ...plan.members.update.map((m) => m.id),
    ...plan.members.delete,
    ...plan.sources.add.map((s) => s.memberId),
    ...plan.sources.remove.map((e) => sourceOwner.get(e)),
    ...plan.sources.setDisabledBySync.map((s) => s.memberId),
    ...plan.homeLocations.add.map((h) => h.memberId),
    ...plan.homeLocations.remove.map((h) => h.memberId),
    ...plan.memberGroups.add.map((g) => g.memberId),
    ...plan.memberGroups.remove.map((g) => g.memberId),
    ...plan.grants.upsert.map((g) => g.memberId),
    ...plan.grants.delete.map((id) => grantOwner.get(id)),
    ...plan.devices.create.map((d) => d.memberId),
    ...plan.notify.map((n) => n.memberId),
  ];
  const out: Record<string, string> = {};
  for (const id of ids) {
    const v = id === undefined ? undefined : byId.get(id);
    if (v !== undefined) out[id!] = v;
  }
  return out;
}

const scopeSets = new WeakMap<UpstreamSnapshot, Set<string>>();
function inScope(snapshot: UpstreamSnapshot, externalId: string): boolean {
  if (snapshot.scope.kind === 'FULL') return true;
  let set = scopeSets.get(snapshot);
  if (!set) scopeSets.set(snapshot, (set = new Set(snapshot.scope.memberExternalIds)));
  return set.has(externalId);
}

function sameGrant(cur: CurrentGrant, g: PlannedGrant): boolean {
  return (
    cur.memberId === g.memberId &&
    cur.kind === g.kind &&
    cur.locationId === g.locationId &&
    ms(cur.startsAt) === ms(g.startsAt) &&
    ms(cur.endsAt) === ms(g.endsAt) &&
    ms(cur.cancelledAt) === ms(g.cancelledAt) &&
    cur.grantsWifi === g.grantsWifi
  );
}

function endGrantNow(cur: CurrentGrant, now: Date, zoneOf: Map<string, string>): PlannedGrant {
  const zone = (cur.locationId && zoneOf.get(cur.locationId)) || DEFAULT_TIMEZONE;
  const iv = effectiveInterval(
    {
      id: cur.id,
      kind: cur.kind,
      locationId: cur.locationId,
      startsAt: cur.startsAt,
      endsAt: cur.endsAt,
      cancelledAt: now,
    },
    zone,
  );
  return {
    id: cur.id,
    memberId: cur.memberId,
    sourceRef: cur.sourceRef,
    kind: cur.kind,
    locationId: cur.locationId,
    startsAt: cur.startsAt.toISOString(),
    endsAt: iso(cur.endsAt),
    cancelledAt: now.toISOString(),
    grantsWifi: cur.grantsWifi,
    effectiveStartsAt: iv.start.toISOString(),
    effectiveEndsAt: iso(iv.end),
  };
}

function validDate(d: Date): boolean {
  return d instanceof Date && Number.isFinite(d.getTime());
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

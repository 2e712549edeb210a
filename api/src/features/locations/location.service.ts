import { IANAZone } from 'luxon';
import { canSeeLocation, requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { DomainError, ErrorCode, forbidden, notFound, Problems } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { AccessGrant, GrantKind, Location, NasClient } from '../../entities/index.js';
import { notifyConfigChanged, notifyMemberChanged } from '../../events/notify.js';
import { refreshEffectiveInterval } from '../access-grants/access-grant.service.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobQueue } from '../../jobs/job-queue.js';
import { lockVlanPool } from '../groups/vlan-pool.js';

export interface LocationFields {
  name?: string;
  slug?: string;
  timezone?: string;
  ssids?: string[];
  defaultVlanId?: number | null;
  vlanPoolStart?: number | null;
  vlanPoolEnd?: number | null;
  branding?: {
    logoUrl?: string | null;
    primaryColor?: string | null;
    accentColor?: string | null;
    welcomeText?: string | null;
  } | null;
}

const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
export const isVlanId = (v: number): boolean => Number.isInteger(v) && v >= 1 && v <= 4094;

/** Checks every field that is present; whole-object rules (pool order) use the merged result. */
export function validateLocationFields(input: LocationFields, merged: LocationFields): void {
  const p = new Problems();
  if (input.name !== undefined && (input.name.trim().length === 0 || input.name.length > 200)) {
    p.add('name', 'INVALID_NAME', 'must be 1–200 characters');
  }
  if (input.slug !== undefined && !SLUG_RE.test(input.slug)) {
    p.add('slug', 'INVALID_SLUG', 'use lower-case letters, digits and dashes (1–63), e.g. "soho-london"');
  }
  if (input.timezone !== undefined && !IANAZone.isValidZone(input.timezone)) {
    p.add(
      'timezone',
      'INVALID_TIMEZONE',
      `"${input.timezone}" is not an IANA time zone such as Europe/London`,
    );
  }
  if (input.ssids !== undefined) {
    const seen = new Set<string>();
    for (const ssid of input.ssids) {
      const bytes = Buffer.byteLength(ssid, 'utf8');
      if (bytes < 1 || bytes > 32) p.add('ssids', 'INVALID_SSID', `SSID "${ssid}" must be 1–32 bytes`);
      if (seen.has(ssid)) p.add('ssids', 'DUPLICATE_SSID', `SSID "${ssid}" is listed twice`);
      seen.add(ssid);
    }
    if (input.ssids.length > 16) p.add('ssids', 'TOO_MANY_SSIDS', 'at most 16 SSIDs per location');
  }
  for (const field of ['defaultVlanId', 'vlanPoolStart', 'vlanPoolEnd'] as const) {
    const v = input[field];
    if (v !== undefined && v !== null && !isVlanId(v)) p.add(field, 'INVALID_VLAN', 'must be 1–4094');
  }
  const { vlanPoolStart: start, vlanPoolEnd: end } = merged;
  if ((start == null) !== (end == null)) {
    p.add('vlanPoolStart', 'INCOMPLETE_VLAN_POOL', 'give both ends of the VLAN pool, or neither');
  } else if (start != null && end != null && start > end) {
    p.add('vlanPoolEnd', 'INVALID_VLAN_POOL', 'the pool end must not be below its start');
  }
  const b = input.branding;
  if (b) {
    for (const k of ['primaryColor', 'accentColor'] as const) {
      if (b[k] != null && !COLOR_RE.test(b[k]!)) p.add(`branding.${k}`, 'INVALID_COLOR', 'use #rrggbb');
    }
    if (b.logoUrl != null && !/^https?:\/\/\S+$/.test(b.logoUrl)) {
      p.add('branding.logoUrl', 'INVALID_URL', 'must be an http(s) URL');
    }
    if (b.welcomeText != null && b.welcomeText.length > 1000) {
      p.add('branding.welcomeText', 'TOO_LONG', 'at most 1000 characters');
    }
  }
  p.throwIfAny();
}

export class LocationService {
  constructor(private readonly jobs: JobQueue) {}

  async list(em: EntityManager, actor: Actor): Promise<Location[]> {
    const staff = requireStaff(actor, Permission.LocationRead);
    const where = staff.locationIds === null ? {} : { id: { $in: [...staff.locationIds] } };
    return em.find(Location, where, { orderBy: { name: 'asc', id: 'asc' } });
  }

  async get(em: EntityManager, actor: Actor, id: string): Promise<Location> {
    requireStaff(actor, Permission.LocationRead);
    const location = await em.findOne(Location, { id });
    if (!location || !canSeeLocation(actor, location.id)) throw notFound('Location', id);
    return location;
  }

  async create(tx: Tx, input: Required<Pick<LocationFields, 'name' | 'slug' | 'timezone'>> & LocationFields) {
    const staff = requireStaff(tx.actor, Permission.LocationWrite);
    if (staff.locationIds !== null) throw forbidden('Location managers cannot create locations');
    const fields = { ssids: [], ...input, name: input.name.trim() };
    validateLocationFields(fields, fields);
    await this.assertSlugFree(tx.em, fields.slug);
    const location = tx.em.create(Location, {
      name: fields.name,
      slug: fields.slug,
      timezone: fields.timezone,
      ssids: fields.ssids ?? [],
      defaultVlanId: fields.defaultVlanId ?? null,
      vlanPoolStart: fields.vlanPoolStart ?? null,
      vlanPoolEnd: fields.vlanPoolEnd ?? null,
      branding: fields.branding ?? {},
    });
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'LOCATION', location.id, 'CREATED');
    return location;
  }

  async update(tx: Tx, id: string, input: LocationFields): Promise<Location> {
    requireStaff(tx.actor, Permission.LocationWrite);
    const location = await this.get(tx.em, tx.actor, id);
    const merged: LocationFields = { ...location, ...stripUndefined(input) };
    validateLocationFields(input, merged);
    if (input.slug !== undefined && input.slug !== location.slug)
      await this.assertSlugFree(tx.em, input.slug);
    await this.assertPoolKeepsAutoVlans(tx.em, location, merged);
    const ssidsChanged = input.ssids !== undefined && input.ssids.join('\n') !== location.ssids.join('\n');
    const timezoneChanged = input.timezone !== undefined && input.timezone !== location.timezone;
    const { branding, ...rest } = stripUndefined(input);
    tx.em.assign(location, rest);
    if (branding !== undefined) location.branding = { ...location.branding, ...(branding ?? {}) };
    if (input.name !== undefined) location.name = input.name.trim();
    if (timezoneChanged) await this.recomputeBookingDays(tx.em, location);
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'LOCATION', location.id, 'UPDATED');
    // New SSIDs need PMKs for every member (unbound PPSK); the job finds what is missing.
    if (ssidsChanged) tx.afterCommit(() => this.jobs.backfillPmks());
    return location;
  }

  async delete(tx: Tx, id: string): Promise<string> {
    const staff = requireStaff(tx.actor, Permission.LocationWrite);
    if (staff.locationIds !== null) throw forbidden('Location managers cannot delete locations');
    const location = await this.get(tx.em, tx.actor, id);
    const nasCount = await tx.em.count(NasClient, { location });
    if (nasCount > 0) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `Remove the ${nasCount} access point(s) of this location first`,
        {
          nasClients: nasCount,
        },
      );
    }
    // The cascade removes grants and home-location rows: every member who had one must be
    // re-evaluated by the RADIUS cache. Groups keep existing (location set null) but give their
    // pool VLAN back, as a group moved off a location does.
    const members: Array<{ member_id: string }> = await tx.em.execute(
      `select member_id from access_grant where location_id = ?
       union select member_id from member_home_locations where location_id = ?`,
      [id, id],
    );
    const groups: Array<{ id: string }> = await tx.em.execute(
      `update access_group set vlan_id = null, vlan_auto_allocated = false, updated_at = now()
       where location_id = ? and vlan_auto_allocated returning id`,
      [id],
    );
    const groupMembers: Array<{ member_id: string }> = groups.length
      ? await tx.em.execute(
          `select distinct member_id from member_groups where group_id in (${groups.map(() => '?').join(', ')})`,
          groups.map((g) => g.id),
        )
      : [];
    tx.em.remove(location);
    await tx.em.flush();
    for (const memberId of new Set(members.map((m) => m.member_id)))
      await notifyMemberChanged(tx.em, memberId, 'GRANTS_CHANGED');
    for (const memberId of new Set(groupMembers.map((m) => m.member_id)))
      await notifyMemberChanged(tx.em, memberId, 'GROUPS_CHANGED');
    for (const group of groups) await notifyConfigChanged(tx.em, 'GROUP', group.id, 'UPDATED');
    await notifyConfigChanged(tx.em, 'LOCATION', id, 'DELETED');
    return id;
  }

  /**
   * A pool may shrink (or its default VLAN move) only while every group holding an automatic VLAN
   * at this location still has one inside it: otherwise the pool and the groups disagree and the
   * next allocation could hand out a VLAN twice. Takes the location's VLAN lock, so no allocation
   * with the old pool runs meanwhile.
   */
  private async assertPoolKeepsAutoVlans(
    em: EntityManager,
    location: Location,
    merged: LocationFields,
  ): Promise<void> {
    const start = merged.vlanPoolStart ?? null;
    const end = merged.vlanPoolEnd ?? null;
    const defaultVlanId = merged.defaultVlanId ?? null;
    if (
      start === location.vlanPoolStart &&
      end === location.vlanPoolEnd &&
      defaultVlanId === location.defaultVlanId
    )
      return;
    await lockVlanPool(em, location.id);
    const [row]: Array<{ n: number }> = await em.execute(
      `select count(*)::int n from access_group
       where location_id = ? and vlan_auto_allocated and vlan_id is not null
         and (?::int is null or vlan_id < ? or vlan_id > ? or vlan_id = ?)`,
      [location.id, start, start, end, defaultVlanId],
    );
    const n = row?.n ?? 0;
    if (n > 0) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `${n} group(s) hold automatic VLANs outside the new pool${defaultVlanId != null ? ' (or on the default VLAN)' : ''}; move or re-number them first`,
        { field: 'vlanPoolStart', groups: n },
      );
    }
  }

  /** Bookings end at local midnight: a new time zone moves that instant for every booking here. */
  private async recomputeBookingDays(em: EntityManager, location: Location): Promise<void> {
    const grants = await em.find(AccessGrant, {
      location,
      kind: { $in: [GrantKind.DESK_BOOKING, GrantKind.ROOM_BOOKING] },
    });
    for (const grant of grants) refreshEffectiveInterval(grant, location);
    for (const memberId of new Set(grants.map((g) => g.member.id))) {
      await notifyMemberChanged(em, memberId, 'GRANTS_CHANGED');
    }
  }

  private async assertSlugFree(em: EntityManager, slug: string): Promise<void> {
    if (await em.count(Location, { slug })) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `The slug "${slug}" is taken`, { field: 'slug' });
    }
  }
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

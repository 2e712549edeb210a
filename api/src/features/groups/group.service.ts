import type { EntityManager } from '@mikro-orm/postgresql';
import { canSeeLocation, requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { DomainError, ErrorCode, notFound, Problems } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { Group, GroupOrigin, Location, Member } from '../../entities/index.js';
import { notifyConfigChanged, notifyMemberChanged } from '../../events/notify.js';
import { isVlanId } from '../locations/location.service.js';
import { allocateVlan, lockVlanPool } from './vlan-pool.js';

export interface GroupFields {
  name?: string;
  origin?: GroupOrigin;
  locationId?: string | null;
  vlanId?: number | null;
  /** Take the next free VLAN from the location's pool. */
  autoVlan?: boolean;
  bandwidthUpKbps?: number | null;
  bandwidthDownKbps?: number | null;
  sessionTimeoutSeconds?: number | null;
  maxDevices?: number | null;
}

export class GroupService {
  async list(em: EntityManager, actor: Actor, locationId?: string | null): Promise<Group[]> {
    const staff = requireStaff(actor, Permission.GroupRead);
    const where: Record<string, unknown> = {};
    if (locationId) where.location = locationId;
    const groups = await em.find(Group, where, {
      orderBy: { name: 'asc', id: 'asc' },
      populate: ['location'],
    });
    return staff.locationIds === null
      ? groups
      : groups.filter((g) => g.location === null || canSeeLocation(actor, g.location.id));
  }

  async get(em: EntityManager, actor: Actor, id: string): Promise<Group> {
    requireStaff(actor, Permission.GroupRead);
    const group = await em.findOne(Group, { id }, { populate: ['location'] });
    if (!group || (group.location && !canSeeLocation(actor, group.location.id))) throw notFound('Group', id);
    return group;
  }

  async create(tx: Tx, input: GroupFields & { name: string }): Promise<Group> {
    requireStaff(tx.actor, Permission.GroupWrite);
    this.validate(input);
    const location = input.locationId ? await this.location(tx.em, input.locationId) : null;
    const group = tx.em.create(Group, {
      name: input.name.trim(),
      origin: input.origin ?? GroupOrigin.MANUAL,
      location,
      vlanId: null,
      bandwidthUpKbps: input.bandwidthUpKbps ?? null,
      bandwidthDownKbps: input.bandwidthDownKbps ?? null,
      sessionTimeoutSeconds: input.sessionTimeoutSeconds ?? null,
      maxDevices: input.maxDevices ?? null,
    });
    await this.applyVlan(tx.em, group, {
      vlanId: input.vlanId ?? undefined,
      autoVlan: input.autoVlan === true,
      locationChanged: false,
    });
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'GROUP', group.id, 'CREATED');
    return group;
  }

  async update(tx: Tx, id: string, input: GroupFields): Promise<Group> {
    requireStaff(tx.actor, Permission.GroupWrite);
    const group = await this.get(tx.em, tx.actor, id);
    this.validate(input);
    const previousLocationId = group.location?.id ?? null;
    if (input.locationId !== undefined)
      group.location = input.locationId ? await this.location(tx.em, input.locationId) : null;
    if (input.name !== undefined) group.name = input.name.trim();
    if (input.origin !== undefined) group.origin = input.origin;
    for (const k of [
      'bandwidthUpKbps',
      'bandwidthDownKbps',
      'sessionTimeoutSeconds',
      'maxDevices',
    ] as const) {
      if (input[k] !== undefined) group[k] = input[k] ?? null;
    }
    await this.applyVlan(tx.em, group, {
      vlanId: input.vlanId,
      autoVlan: input.autoVlan === true,
      locationChanged: (group.location?.id ?? null) !== previousLocationId,
    });
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'GROUP', group.id, 'UPDATED');
    await this.notifyMembers(tx.em, group);
    return group;
  }

  async delete(tx: Tx, id: string): Promise<string> {
    requireStaff(tx.actor, Permission.GroupWrite);
    const group = await this.get(tx.em, tx.actor, id);
    await this.notifyMembers(tx.em, group);
    tx.em.remove(group);
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'GROUP', id, 'DELETED');
    return id;
  }

  /**
   * Settles the group's VLAN after a create or update. Every path that can give a group a VLAN at a
   * location takes the location's advisory lock first, so two transactions never both see a VLAN
   * as free; the partial unique index (location_id, vlan_id) backs this up.
   * - an explicit `vlanId` is manual: refused (CONFLICT) if another group at the location has it;
   * - `autoVlan` takes one from the pool (keeping a VLAN the group already validly holds);
   * - a group moved to another location gives its pool VLAN back: it gets one from the new
   *   location's pool, or none when that location has no pool (or the group no location); a
   *   manual VLAN moves along, if it is free there.
   */
  private async applyVlan(
    em: EntityManager,
    group: Group,
    change: { vlanId: number | null | undefined; autoVlan: boolean; locationChanged: boolean },
  ): Promise<void> {
    if (change.vlanId !== undefined) {
      group.vlanId = change.vlanId;
      group.vlanAutoAllocated = false;
    }
    if (change.autoVlan) {
      await this.assignPoolVlan(em, group);
      return;
    }
    if (change.locationChanged && group.vlanAutoAllocated && change.vlanId === undefined) {
      const pool = group.location ? await this.lockPool(em, group.location) : null;
      if (pool && pool.start != null && pool.end != null) {
        await this.assignPoolVlan(em, group);
      } else {
        group.vlanId = null;
        group.vlanAutoAllocated = false;
      }
      return;
    }
    if (group.vlanId != null && group.location && (change.vlanId !== undefined || change.locationChanged)) {
      await this.lockPool(em, group.location);
      const holder = await this.vlanHolder(em, group.location.id, group.vlanId, group.id);
      if (holder) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          `VLAN ${group.vlanId} is already used by group "${holder.name}" at ${group.location.name}`,
          { field: 'vlanId', vlanId: group.vlanId, groupId: holder.id },
        );
      }
    }
  }

  /**
   * Gives the group the lowest free VLAN of its location's pool (never the location's default
   * VLAN), or keeps the one it has if that is already a free VLAN of the pool. A transaction-scoped
   * advisory lock per location serialises concurrent allocations (two API replicas, or a sync and
   * an admin); the pool is re-read under the lock so a concurrent pool change is seen.
   */
  async assignPoolVlan(em: EntityManager, group: Group): Promise<void> {
    const location = group.location;
    if (!location)
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'An automatic VLAN needs a location', {
        problems: [{ field: 'locationId', code: 'LOCATION_REQUIRED', message: 'required for autoVlan' }],
      });
    const pool = await this.lockPool(em, location);
    if (pool.start == null || pool.end == null) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `${location.name} has no VLAN pool`, {
        problems: [{ field: 'autoVlan', code: 'NO_VLAN_POOL', message: 'set the location VLAN pool first' }],
      });
    }
    const rows: Array<{ vlan_id: number }> = await em.execute(
      'select vlan_id from access_group where location_id = ? and vlan_id is not null and id <> ?',
      [location.id, group.id],
    );
    const used = new Set(rows.map((r) => r.vlan_id));
    if (pool.defaultVlanId != null) used.add(pool.defaultVlanId);
    const current = group.vlanId;
    if (current != null && current >= pool.start && current <= pool.end && !used.has(current)) {
      group.vlanAutoAllocated = true;
      return;
    }
    const vlan = allocateVlan(pool.start, pool.end, used);
    if (vlan === null) {
      throw new DomainError(
        ErrorCode.VLAN_POOL_EXHAUSTED,
        `Every VLAN of ${location.name}'s pool is in use`,
        {
          pool: [pool.start, pool.end],
        },
      );
    }
    group.vlanId = vlan;
    group.vlanAutoAllocated = true;
  }

  /** Takes the location's VLAN lock (until the transaction ends) and reads its pool afresh. */
  private async lockPool(
    em: EntityManager,
    location: Location,
  ): Promise<{ start: number | null; end: number | null; defaultVlanId: number | null }> {
    await lockVlanPool(em, location.id);
    const [row]: Array<{ s: number | null; e: number | null; d: number | null }> = await em.execute(
      'select vlan_pool_start s, vlan_pool_end e, default_vlan_id d from location where id = ?',
      [location.id],
    );
    return { start: row?.s ?? null, end: row?.e ?? null, defaultVlanId: row?.d ?? null };
  }

  private async vlanHolder(
    em: EntityManager,
    locationId: string,
    vlanId: number,
    exceptId: string,
  ): Promise<{ id: string; name: string } | null> {
    const [row]: Array<{ id: string; name: string }> = await em.execute(
      'select id, name from access_group where location_id = ? and vlan_id = ? and id <> ? limit 1',
      [locationId, vlanId, exceptId],
    );
    return row ?? null;
  }

  private async notifyMembers(em: EntityManager, group: Group): Promise<void> {
    const members = await em.find(Member, { groups: { $some: { id: group.id } } }, { fields: ['id'] });
    for (const m of members) await notifyMemberChanged(em, m.id, 'GROUPS_CHANGED');
  }

  private async location(em: EntityManager, id: string): Promise<Location> {
    const location = await em.findOne(Location, { id });
    if (!location) throw notFound('Location', id);
    return location;
  }

  private validate(input: GroupFields): void {
    const p = new Problems();
    if (input.name !== undefined && (input.name.trim() === '' || input.name.length > 200))
      p.add('name', 'INVALID_NAME', 'must be 1–200 characters');
    if (input.vlanId != null && !isVlanId(input.vlanId)) p.add('vlanId', 'INVALID_VLAN', 'must be 1–4094');
    if (input.vlanId != null && input.autoVlan)
      p.add('autoVlan', 'CONFLICTING_VLAN', 'give a VLAN id or autoVlan, not both');
    for (const k of [
      'bandwidthUpKbps',
      'bandwidthDownKbps',
      'sessionTimeoutSeconds',
      'maxDevices',
    ] as const) {
      const v = input[k];
      if (v != null && !(Number.isInteger(v) && v > 0 && v <= 100_000_000))
        p.add(k, 'INVALID_LIMIT', 'must be a positive integer');
    }
    p.throwIfAny();
  }
}

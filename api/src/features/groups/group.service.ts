import type { EntityManager } from '@mikro-orm/postgresql';
import { canSeeLocation, requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { DomainError, ErrorCode, notFound, Problems } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { Group, GroupOrigin, Location, Member } from '../../entities/index.js';
import { notifyConfigChanged, notifyMemberChanged } from '../../events/notify.js';
import { isVlanId } from '../locations/location.service.js';
import { allocateVlan } from './vlan-pool.js';

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
      vlanId: input.vlanId ?? null,
      bandwidthUpKbps: input.bandwidthUpKbps ?? null,
      bandwidthDownKbps: input.bandwidthDownKbps ?? null,
      sessionTimeoutSeconds: input.sessionTimeoutSeconds ?? null,
      maxDevices: input.maxDevices ?? null,
    });
    if (input.autoVlan) await this.assignPoolVlan(tx.em, group);
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'GROUP', group.id, 'CREATED');
    return group;
  }

  async update(tx: Tx, id: string, input: GroupFields): Promise<Group> {
    requireStaff(tx.actor, Permission.GroupWrite);
    const group = await this.get(tx.em, tx.actor, id);
    this.validate(input);
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
    if (input.vlanId !== undefined) {
      group.vlanId = input.vlanId;
      group.vlanAutoAllocated = false;
    }
    if (input.autoVlan) await this.assignPoolVlan(tx.em, group);
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
   * Gives the group the lowest free VLAN of its location's pool. A transaction-scoped advisory lock
   * per location serialises concurrent allocations (two API replicas, or a sync and an admin).
   */
  async assignPoolVlan(em: EntityManager, group: Group): Promise<void> {
    const location = group.location;
    if (!location)
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'An automatic VLAN needs a location', {
        problems: [{ field: 'locationId', code: 'LOCATION_REQUIRED', message: 'required for autoVlan' }],
      });
    if (location.vlanPoolStart == null || location.vlanPoolEnd == null) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `${location.name} has no VLAN pool`, {
        problems: [{ field: 'autoVlan', code: 'NO_VLAN_POOL', message: 'set the location VLAN pool first' }],
      });
    }
    await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`lanyard:vlan-pool:${location.id}`]);
    const rows: Array<{ vlan_id: number }> = await em.execute(
      'select vlan_id from access_group where location_id = ? and vlan_id is not null and id <> ?',
      [location.id, group.id],
    );
    const vlan = allocateVlan(
      location.vlanPoolStart,
      location.vlanPoolEnd,
      rows.map((r) => r.vlan_id),
    );
    if (vlan === null) {
      throw new DomainError(
        ErrorCode.VLAN_POOL_EXHAUSTED,
        `Every VLAN of ${location.name}'s pool is in use`,
        {
          pool: [location.vlanPoolStart, location.vlanPoolEnd],
        },
      );
    }
    group.vlanId = vlan;
    group.vlanAutoAllocated = true;
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

import type { EntityManager } from '@mikro-orm/postgresql';
import { assertLocationAccess, canSeeLocation, isStaff, requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { DomainError, ErrorCode, forbidden, notFound, Problems } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { effectiveInterval } from '../../domain/access/access-policy.js';
import { AccessGrant, GrantKind, Location, Member, MemberStatus } from '../../entities/index.js';
import { notifyMemberChanged } from '../../events/notify.js';
import type { CredentialDeliveryService } from '../integrations/credential-delivery.service.js';
import type { MemberService } from '../members/member.service.js';
import { toPolicyGrant } from './policy-inputs.js';

export interface GrantFields {
  kind?: GrantKind;
  locationId?: string | null;
  startsAt?: Date;
  endsAt?: Date | null;
  cancelledAt?: Date | null;
  grantsWifi?: boolean;
  note?: string | null;
}

const BOOKING_KINDS = new Set([GrantKind.DESK_BOOKING, GrantKind.ROOM_BOOKING]);

/** Recomputes the instants a grant really covers (bookings to local midnight, cancellation). */
export function refreshEffectiveInterval(grant: AccessGrant, location: Location | null): void {
  const tz = location?.timezone ?? 'UTC';
  const interval = effectiveInterval(toPolicyGrant(grant), tz);
  grant.effectiveStartsAt = interval.start;
  grant.effectiveEndsAt = interval.end;
}

export class AccessGrantService {
  constructor(
    private readonly members: MemberService,
    private readonly delivery: Pick<CredentialDeliveryService, 'deliver'>,
  ) {}

  /**
   * The member's grants the actor may see: a location manager sees the grants of their locations
   * and the deployment-wide ones (they affect access everywhere, theirs included).
   */
  async listForMember(em: EntityManager, actor: Actor, member: Member): Promise<AccessGrant[]> {
    const scoped = isStaff(actor) && actor.locationIds !== null ? actor.locationIds : null;
    return em.find(
      AccessGrant,
      scoped ? { member, $or: [{ location: null }, { location: { $in: [...scoped] } }] } : { member },
      { orderBy: { startsAt: 'desc', id: 'asc' }, populate: ['location'] },
    );
  }

  async create(
    tx: Tx,
    input: GrantFields & { memberId: string; kind: GrantKind; startsAt: Date },
  ): Promise<AccessGrant> {
    const member = await this.members.getForWrite(tx, input.memberId);
    if (member.status === MemberStatus.DELETED) {
      throw new DomainError(ErrorCode.CONFLICT, 'This member was deleted');
    }
    const location = await this.location(tx, input.locationId ?? null);
    this.validate({ ...input, locationId: location?.id ?? null });
    const grant = tx.em.create(AccessGrant, {
      member,
      kind: input.kind,
      location,
      startsAt: input.startsAt,
      endsAt: input.endsAt ?? null,
      cancelledAt: input.cancelledAt ?? null,
      grantsWifi: input.grantsWifi ?? true,
      note: input.note?.trim() || null,
      effectiveStartsAt: input.startsAt,
    });
    refreshEffectiveInterval(grant, location);
    await tx.em.flush();
    await notifyMemberChanged(tx.em, member.id, 'GRANTS_CHANGED');
    await this.delivery.deliver(tx.em, { memberIds: [member.id] });
    return grant;
  }

  async update(tx: Tx, id: string, input: GrantFields): Promise<AccessGrant> {
    const grant = await this.get(tx, id);
    if (grant.integration) {
      throw new DomainError(ErrorCode.CONFLICT, 'This grant mirrors the upstream platform: change it there');
    }
    const location =
      input.locationId !== undefined ? await this.location(tx, input.locationId) : grant.location;
    const merged = {
      kind: input.kind ?? grant.kind,
      locationId: location?.id ?? null,
      startsAt: input.startsAt ?? grant.startsAt,
      endsAt: input.endsAt !== undefined ? input.endsAt : grant.endsAt,
      cancelledAt: input.cancelledAt !== undefined ? input.cancelledAt : grant.cancelledAt,
    };
    this.validate(merged);
    grant.kind = merged.kind;
    grant.location = location;
    grant.startsAt = merged.startsAt;
    grant.endsAt = merged.endsAt;
    grant.cancelledAt = merged.cancelledAt;
    if (input.grantsWifi !== undefined) grant.grantsWifi = input.grantsWifi;
    if (input.note !== undefined) grant.note = input.note?.trim() || null;
    refreshEffectiveInterval(grant, location);
    await tx.em.flush();
    await notifyMemberChanged(tx.em, grant.member.id, 'GRANTS_CHANGED');
    await this.delivery.deliver(tx.em, { memberIds: [grant.member.id] });
    return grant;
  }

  async delete(tx: Tx, id: string): Promise<string> {
    const grant = await this.get(tx, id);
    const memberId = grant.member.id;
    tx.em.remove(grant);
    await tx.em.flush();
    await notifyMemberChanged(tx.em, memberId, 'GRANTS_CHANGED');
    return id;
  }

  /** A grant to change: its member visible to the actor (else NOT_FOUND), its location in scope. */
  private async get(tx: Tx, id: string): Promise<AccessGrant> {
    requireStaff(tx.actor, Permission.MemberWrite);
    const grant = await tx.em.findOne(AccessGrant, { id }, { populate: ['location', 'member'] });
    if (!grant) throw notFound('AccessGrant', id);
    await this.members.getForWrite(tx, grant.member.id);
    assertLocationAccess(tx.actor, grant.location?.id ?? null);
    return grant;
  }

  private async location(tx: Tx, locationId: string | null): Promise<Location | null> {
    if (locationId === null) {
      const staff = requireStaff(tx.actor);
      if (staff.locationIds !== null) throw forbidden('Location managers must give one of their locations');
      return null;
    }
    const location = await tx.em.findOne(Location, { id: locationId });
    if (!location || !canSeeLocation(tx.actor, location.id)) throw notFound('Location', locationId);
    return location;
  }

  private validate(g: {
    kind: GrantKind;
    locationId: string | null;
    startsAt: Date;
    endsAt?: Date | null;
    cancelledAt?: Date | null;
  }): void {
    const p = new Problems();
    if (Number.isNaN(g.startsAt.getTime())) p.add('startsAt', 'INVALID_DATE', 'is not a date');
    if (g.endsAt && g.endsAt.getTime() <= g.startsAt.getTime()) {
      p.add('endsAt', 'ENDS_BEFORE_START', 'must be after startsAt');
    }
    if (g.cancelledAt && Number.isNaN(g.cancelledAt.getTime()))
      p.add('cancelledAt', 'INVALID_DATE', 'is not a date');
    if (BOOKING_KINDS.has(g.kind) && g.locationId === null) {
      p.add(
        'locationId',
        'LOCATION_REQUIRED',
        'a booking is valid until midnight at its location: give the location',
      );
    }
    p.throwIfAny();
  }
}

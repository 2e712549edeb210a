import { DomainError, ErrorCode, forbidden } from '../common/errors.js';
import { ActorType, AdminRole } from '../entities/enums.js';
import { Permission } from './permissions.js';

export type Actor =
  | {
      type: ActorType.ADMIN | ActorType.API_KEY;
      /** The admin, or the API key's creator. */
      adminId: string;
      apiKeyId: string | null;
      role: AdminRole;
      label: string;
      permissions: ReadonlySet<Permission>;
      /** Null: every location. Otherwise the only locations this actor may see or change. */
      locationIds: readonly string[] | null;
      sessionId: string | null;
    }
  | {
      type: ActorType.MEMBER;
      memberId: string;
      label: string;
      sessionId: string | null;
      /** The location the portal session was opened for. */
      locationId: string | null;
    }
  | { type: ActorType.SYSTEM; label: string };

export type StaffActor = Extract<Actor, { type: ActorType.ADMIN | ActorType.API_KEY }>;
export type MemberActor = Extract<Actor, { type: ActorType.MEMBER }>;

export const SYSTEM_ACTOR: Actor = { type: ActorType.SYSTEM, label: 'system' };

export function isStaff(actor: Actor | null): actor is StaffActor {
  return actor?.type === ActorType.ADMIN || actor?.type === ActorType.API_KEY;
}

export function requireStaff(actor: Actor | null, permission?: Permission): StaffActor {
  if (!actor) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first');
  if (!isStaff(actor)) throw forbidden();
  if (permission && !actor.permissions.has(permission)) {
    throw forbidden(`This needs the ${permission} permission`);
  }
  return actor;
}

export function hasPermission(actor: Actor | null, permission: Permission): boolean {
  return actor?.type === ActorType.SYSTEM || (isStaff(actor) && actor.permissions.has(permission));
}

/** Location managers may touch only their locations. Null `locationId` = deployment-wide object. */
export function canSeeLocation(actor: Actor, locationId: string | null): boolean {
  if (actor.type === ActorType.SYSTEM) return true;
  if (!isStaff(actor)) return false;
  if (actor.locationIds === null) return true;
  return locationId !== null && actor.locationIds.includes(locationId);
}

export function assertLocationAccess(actor: Actor, locationId: string | null): void {
  if (!canSeeLocation(actor, locationId)) throw forbidden('This location is outside your scope');
}

export function actorRef(actor: Actor): { type: ActorType; id: string | null; label: string } {
  switch (actor.type) {
    case ActorType.ADMIN:
      return { type: actor.type, id: actor.adminId, label: actor.label };
    case ActorType.API_KEY:
      return { type: actor.type, id: actor.apiKeyId, label: actor.label };
    case ActorType.MEMBER:
      return { type: actor.type, id: actor.memberId, label: actor.label };
    default:
      return { type: ActorType.SYSTEM, id: null, label: actor.label };
  }
}

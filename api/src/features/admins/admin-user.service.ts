import type { EntityManager } from '@mikro-orm/postgresql';
import { requireStaff, type Actor } from '../../auth/actor.js';
import { canAssignRole, Permission } from '../../auth/permissions.js';
import { DomainError, ErrorCode, forbidden, notFound } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { ActorType, AdminRole, AdminSession, AdminUser, Location } from '../../entities/index.js';
import { hashPassword, validateAdminInput } from '../auth/auth.service.js';

export class AdminUserService {
  async list(em: EntityManager, actor: Actor): Promise<AdminUser[]> {
    requireStaff(actor, Permission.AdminManage);
    return em.find(AdminUser, {}, { orderBy: { email: 'asc' }, populate: ['locations'] });
  }

  async create(
    tx: Tx,
    input: { email: string; password: string; role: AdminRole; locationIds?: string[] },
  ): Promise<AdminUser> {
    const staff = requireStaff(tx.actor, Permission.AdminManage);
    if (!canAssignRole(staff.role, input.role))
      throw forbidden(`A ${staff.role} cannot create a ${input.role}`);
    validateAdminInput(input);
    const emailNormalized = input.email.trim().toLowerCase();
    if (await tx.em.count(AdminUser, { emailNormalized })) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `An admin with email ${input.email.trim()} exists`, {
        field: 'email',
      });
    }
    const admin = tx.em.create(AdminUser, {
      email: input.email.trim(),
      emailNormalized,
      passwordHash: await hashPassword(input.password),
      role: input.role,
    });
    admin.locations.set(await this.locations(tx.em, input.role, input.locationIds ?? []));
    await tx.em.flush();
    return admin;
  }

  async update(
    tx: Tx,
    id: string,
    input: { role?: AdminRole; locationIds?: string[]; disabled?: boolean; password?: string },
  ): Promise<AdminUser> {
    const staff = requireStaff(tx.actor, Permission.AdminManage);
    const admin = await tx.em.findOne(AdminUser, { id }, { populate: ['locations'] });
    if (!admin) throw notFound('AdminUser', id);
    const self = staff.type === ActorType.ADMIN && admin.id === staff.adminId;
    if (
      self &&
      (input.role !== undefined || input.disabled !== undefined || input.locationIds !== undefined)
    ) {
      throw forbidden('You can change your own password, but not your own role, locations or status');
    }
    if (!self && !canAssignRole(staff.role, admin.role))
      throw forbidden(`A ${staff.role} cannot change a ${admin.role}`);
    const role = input.role ?? admin.role;
    if (!self && !canAssignRole(staff.role, role)) throw forbidden(`A ${staff.role} cannot grant ${role}`);
    if (admin.role === AdminRole.OWNER && (role !== AdminRole.OWNER || input.disabled))
      await this.assertAnotherOwner(tx.em, admin.id);
    admin.role = role;
    if (input.locationIds !== undefined || input.role !== undefined) {
      admin.locations.set(
        await this.locations(tx.em, role, input.locationIds ?? admin.locations.getItems().map((l) => l.id)),
      );
    }
    if (input.password !== undefined) {
      validateAdminInput({ email: admin.email, password: input.password });
      admin.passwordHash = await hashPassword(input.password);
    }
    if (input.disabled !== undefined)
      admin.disabledAt = input.disabled ? (admin.disabledAt ?? new Date()) : null;
    if (input.disabled || input.password !== undefined || input.role !== undefined) {
      await tx.em.nativeDelete(AdminSession, { admin: admin.id }); // sign out everywhere
    }
    await tx.em.flush();
    return admin;
  }

  async delete(tx: Tx, id: string): Promise<string> {
    const staff = requireStaff(tx.actor, Permission.AdminManage);
    const admin = await tx.em.findOne(AdminUser, { id });
    if (!admin) throw notFound('AdminUser', id);
    if (!canAssignRole(staff.role, admin.role))
      throw forbidden(`A ${staff.role} cannot delete a ${admin.role}`);
    if (admin.role === AdminRole.OWNER) await this.assertAnotherOwner(tx.em, admin.id);
    tx.em.remove(admin);
    await tx.em.flush();
    return id;
  }

  private async assertAnotherOwner(em: EntityManager, exceptId: string): Promise<void> {
    const owners = await em.count(AdminUser, {
      role: AdminRole.OWNER,
      disabledAt: null,
      id: { $ne: exceptId },
    });
    if (owners === 0) throw new DomainError(ErrorCode.CONFLICT, 'Lanyard needs at least one active owner');
  }

  private async locations(em: EntityManager, role: AdminRole, ids: string[]): Promise<Location[]> {
    if (role !== AdminRole.LOCATION_MANAGER) return [];
    if (ids.length === 0) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A location manager needs at least one location', {
        problems: [
          { field: 'locationIds', code: 'LOCATION_REQUIRED', message: 'give at least one location' },
        ],
      });
    }
    const found = await em.find(Location, { id: { $in: [...new Set(ids)] } });
    for (const id of ids) if (!found.some((l) => l.id === id)) throw notFound('Location', id);
    return found;
  }
}

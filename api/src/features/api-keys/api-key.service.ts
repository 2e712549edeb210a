import type { EntityManager } from '@mikro-orm/postgresql';
import { requireStaff, type Actor } from '../../auth/actor.js';
import { Permission, ROLE_PERMISSIONS, SCOPE_PERMISSIONS } from '../../auth/permissions.js';
import { DomainError, ErrorCode, forbidden, notFound, Problems } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { ActorType, AdminUser, ApiKey, ApiScope } from '../../entities/index.js';
import { API_KEY_PREFIX, hashToken, newToken } from '../auth/tokens.js';

export class ApiKeyService {
  /** Admins see every key; others only the keys they created. */
  async list(em: EntityManager, actor: Actor): Promise<ApiKey[]> {
    const staff = requireStaff(actor, Permission.ApiKeyManage);
    const where = staff.permissions.has(Permission.AdminManage) ? {} : { createdBy: staff.adminId };
    return em.find(ApiKey, where, { orderBy: { createdAt: 'desc' } });
  }

  async create(
    tx: Tx,
    input: { name: string; scopes: ApiScope[]; expiresAt?: Date | null },
  ): Promise<{ apiKey: ApiKey; key: string }> {
    const staff = requireStaff(tx.actor, Permission.ApiKeyManage);
    if (staff.type !== ActorType.ADMIN) throw forbidden('API keys cannot create API keys');
    const p = new Problems();
    if (input.name.trim() === '' || input.name.length > 100)
      p.add('name', 'INVALID_NAME', 'must be 1–100 characters');
    if (input.scopes.length === 0) p.add('scopes', 'SCOPES_REQUIRED', 'give at least one scope');
    if (input.expiresAt && input.expiresAt <= new Date())
      p.add('expiresAt', 'IN_THE_PAST', 'must be in the future');
    const ceiling = ROLE_PERMISSIONS[staff.role];
    for (const scope of new Set(input.scopes)) {
      if (!SCOPE_PERMISSIONS[scope].every((perm) => ceiling.has(perm))) {
        p.add('scopes', 'SCOPE_ABOVE_ROLE', `a ${staff.role} cannot hand out ${scope}`);
      }
    }
    p.throwIfAny();
    const key = newToken(API_KEY_PREFIX);
    const apiKey = tx.em.create(ApiKey, {
      name: input.name.trim(),
      prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      keyHash: hashToken(key),
      scopes: [...new Set(input.scopes)],
      createdBy: tx.em.getReference(AdminUser, staff.adminId),
      expiresAt: input.expiresAt ?? null,
    });
    await tx.em.flush();
    return { apiKey, key };
  }

  async revoke(tx: Tx, id: string): Promise<ApiKey> {
    const staff = requireStaff(tx.actor, Permission.ApiKeyManage);
    const apiKey = await tx.em.findOne(ApiKey, { id });
    if (!apiKey) throw notFound('ApiKey', id);
    if (!staff.permissions.has(Permission.AdminManage) && apiKey.createdBy.id !== staff.adminId)
      throw notFound('ApiKey', id);
    if (apiKey.revokedAt) throw new DomainError(ErrorCode.CONFLICT, 'This key is already revoked');
    apiKey.revokedAt = new Date();
    await tx.em.flush();
    return apiKey;
  }
}

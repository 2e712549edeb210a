import { AdminRole, ApiScope } from '../entities/enums.js';

/** What a resolver requires. Roles and API-key scopes both resolve to a set of these. */
export enum Permission {
  LocationRead = 'location:read',
  LocationWrite = 'location:write',
  NasRead = 'nas:read',
  NasWrite = 'nas:write',
  MemberRead = 'member:read',
  MemberWrite = 'member:write',
  MemberSecret = 'member:secret',
  GroupRead = 'group:read',
  GroupWrite = 'group:write',
  IntegrationRead = 'integration:read',
  IntegrationWrite = 'integration:write',
  SyncRun = 'sync:run',
  AuditRead = 'audit:read',
  AdminManage = 'admin:manage',
  ApiKeyManage = 'api-key:manage',
}

const ALL = Object.values(Permission);
const READS = [
  Permission.LocationRead,
  Permission.NasRead,
  Permission.MemberRead,
  Permission.GroupRead,
  Permission.IntegrationRead,
];

export const ROLE_PERMISSIONS: Record<AdminRole, ReadonlySet<Permission>> = {
  [AdminRole.OWNER]: new Set(ALL),
  [AdminRole.ADMIN]: new Set(ALL),
  [AdminRole.LOCATION_MANAGER]: new Set([
    ...READS,
    Permission.NasWrite,
    Permission.MemberWrite,
    Permission.MemberSecret,
    Permission.LocationWrite,
    Permission.ApiKeyManage,
  ]),
  [AdminRole.VIEWER]: new Set(READS),
};

export const SCOPE_PERMISSIONS: Record<ApiScope, readonly Permission[]> = {
  [ApiScope.READ]: READS,
  [ApiScope.MEMBERS_WRITE]: [Permission.MemberWrite],
  [ApiScope.MEMBERS_SECRETS]: [Permission.MemberSecret],
  [ApiScope.LOCATIONS_WRITE]: [Permission.LocationWrite],
  [ApiScope.NAS_WRITE]: [Permission.NasWrite],
  [ApiScope.GROUPS_WRITE]: [Permission.GroupWrite],
  [ApiScope.INTEGRATIONS_WRITE]: [Permission.IntegrationWrite],
  [ApiScope.SYNC_RUN]: [Permission.SyncRun],
  [ApiScope.AUDIT_READ]: [Permission.AuditRead],
};

/** An API key can do what its scopes say, and never more than the admin who created it. */
export function apiKeyPermissions(scopes: readonly ApiScope[], creatorRole: AdminRole): Set<Permission> {
  const ceiling = ROLE_PERMISSIONS[creatorRole];
  const out = new Set<Permission>();
  for (const s of scopes) for (const p of SCOPE_PERMISSIONS[s] ?? []) if (ceiling.has(p)) out.add(p);
  return out;
}

const RANK: Record<AdminRole, number> = {
  [AdminRole.OWNER]: 3,
  [AdminRole.ADMIN]: 2,
  [AdminRole.LOCATION_MANAGER]: 1,
  [AdminRole.VIEWER]: 0,
};

/**
 * Owners manage everyone; an admin manages (and grants) only roles strictly below their own, so
 * one admin cannot take over another's account.
 */
export function canAssignRole(actorRole: AdminRole, target: AdminRole): boolean {
  if (actorRole === AdminRole.OWNER) return true;
  if (actorRole === AdminRole.ADMIN) return RANK[target] < RANK[AdminRole.ADMIN];
  return false;
}

import type { AdminRole } from './graphql';

/** What the app offers per role; the API enforces the same rules (this only hides controls). */
export type Area =
  | 'members'
  | 'secrets'
  | 'locations'
  | 'accessPoints'
  | 'groups'
  | 'admins'
  | 'apiKeys'
  | 'audit'
  | 'integrations';

const WRITE: Record<AdminRole, ReadonlySet<Area>> = {
  OWNER: new Set([
    'members',
    'secrets',
    'locations',
    'accessPoints',
    'groups',
    'admins',
    'apiKeys',
    'audit',
    'integrations',
  ]),
  ADMIN: new Set([
    'members',
    'secrets',
    'locations',
    'accessPoints',
    'groups',
    'admins',
    'apiKeys',
    'audit',
    'integrations',
  ]),
  LOCATION_MANAGER: new Set(['members', 'secrets', 'locations', 'accessPoints', 'apiKeys']),
  VIEWER: new Set(),
};

/** May this role change things in `area`? */
export const canWrite = (role: AdminRole, area: Area): boolean => WRITE[role].has(area);

/** Pages a role sees in the navigation (the audit log and admins need their permission to read). */
export function canSee(
  role: AdminRole,
  page: 'admins' | 'audit' | 'apiKeys' | 'emailTemplates' | 'outbox',
): boolean {
  if (page === 'apiKeys') return role !== 'VIEWER';
  return role === 'OWNER' || role === 'ADMIN';
}

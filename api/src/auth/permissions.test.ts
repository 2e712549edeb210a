import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminRole, ApiScope } from '../entities/enums.js';
import { apiKeyPermissions, canAssignRole, Permission, ROLE_PERMISSIONS } from './permissions.js';

describe('canAssignRole', () => {
  const roles = [AdminRole.OWNER, AdminRole.ADMIN, AdminRole.LOCATION_MANAGER, AdminRole.VIEWER];
  const expected: Record<AdminRole, AdminRole[]> = {
    [AdminRole.OWNER]: roles,
    [AdminRole.ADMIN]: [AdminRole.LOCATION_MANAGER, AdminRole.VIEWER],
    [AdminRole.LOCATION_MANAGER]: [],
    [AdminRole.VIEWER]: [],
  };
  for (const actor of roles) {
    for (const target of roles) {
      it(`${actor} → ${target}`, () =>
        assert.equal(canAssignRole(actor, target), expected[actor].includes(target)));
    }
  }
});

describe('permissions', () => {
  it('viewers only read, and never secrets or the audit log', () => {
    const p = ROLE_PERMISSIONS[AdminRole.VIEWER];
    assert.ok([...p].every((x) => x.endsWith(':read')));
    assert.ok(!p.has(Permission.MemberSecret) && !p.has(Permission.AuditRead));
  });
  it('an API key gets its scopes, capped by its creator', () => {
    assert.deepEqual(
      [...apiKeyPermissions([ApiScope.MEMBERS_WRITE], AdminRole.ADMIN)],
      [Permission.MemberWrite],
    );
    assert.deepEqual(
      [...apiKeyPermissions([ApiScope.GROUPS_WRITE, ApiScope.AUDIT_READ], AdminRole.LOCATION_MANAGER)],
      [],
    );
    assert.equal(apiKeyPermissions([ApiScope.READ], AdminRole.VIEWER).has(Permission.MemberRead), true);
  });
});

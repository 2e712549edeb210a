import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { StaffActor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { DomainError } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { ActorType, AdminRole } from '../../entities/enums.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { MemberCredentials } from './member-credentials.js';
import { MemberService } from './member.service.js';

const actor: StaffActor = {
  type: ActorType.ADMIN,
  adminId: '01a20be2-0000-7000-8000-000000000001',
  apiKeyId: null,
  role: AdminRole.OWNER,
  label: 'owner',
  permissions: new Set([Permission.MemberWrite]),
  locationIds: null,
  sessionId: null,
};
// Validation runs before any database work: an EntityManager that is touched fails the test.
const untouchable = new Proxy({} as EntityManager, {
  get: (_t, prop) => {
    throw new Error(`the EntityManager was used (${String(prop)})`);
  },
});
const tx: Tx = { em: untouchable, actor, ip: null, afterCommit: () => undefined };
const service = new MemberService({} as MemberCredentials, {} as JobQueue, {
  deliver: async () => ({ began: [], mailed: [] }),
});

describe('MemberService email validation', () => {
  it('refuses a pathological email before any pattern or database work (length first)', async () => {
    const hostile = `a@${'a.'.repeat(80_000)}@`;
    await assert.rejects(
      service.create(tx, { email: hostile, fullName: 'Slow', locationIds: [] }),
      (err: unknown) =>
        err instanceof DomainError &&
        err.code === 'VALIDATION_FAILED' &&
        err.details.problems!.some((p) => p.field === 'email' && p.code === 'INVALID_EMAIL'),
    );
  });
});

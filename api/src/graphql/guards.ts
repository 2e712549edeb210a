import type { AuthCheckerInterface, MiddlewareFn, ResolverData } from 'type-graphql';
import { isStaff } from '../auth/actor.js';
import type { Permission } from '../auth/permissions.js';
import { DomainError, ErrorCode, forbidden } from '../common/errors.js';
import { ActorType } from '../entities/enums.js';
import { recordAudit } from '../features/audit/audit.service.js';
import { redact } from '../features/audit/audit.service.js';
import { runHooks } from '../common/tx.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GqlContext } from './context.js';

/** Role names used with @Authorized besides permissions. */
export const MEMBER_ROLE = 'member';

/**
 * `@Authorized()` → any staff actor; `@Authorized(Permission.X, …)` → staff with all of them;
 * `@Authorized(MEMBER_ROLE)` → a signed-in member (portal).
 */
export class PermissionAuthChecker implements AuthCheckerInterface<GqlContext> {
  check({ context }: ResolverData<GqlContext>, roles: string[]): boolean {
    if (context.csrfFailed) {
      throw new DomainError(
        ErrorCode.CSRF_CHECK_FAILED,
        'Missing or wrong X-CSRF-Token header for a cookie session',
      );
    }
    const actor = context.actor;
    if (!actor) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first');
    if (roles.includes(MEMBER_ROLE)) {
      if (actor.type !== ActorType.MEMBER) throw forbidden('This is for members signed in to the portal');
      return true;
    }
    if (!isStaff(actor)) throw forbidden();
    const missing = roles.filter((r) => !actor.permissions.has(r as Permission));
    if (missing.length > 0) throw forbidden(`This needs the ${missing.join(', ')} permission`);
    return true;
  }
}

/**
 * Every mutation runs in its own transaction and writes its audit event in that same transaction:
 * a mutation that fails writes nothing, one that succeeds is always audited. Work registered with
 * `tx.afterCommit` runs once the commit is done.
 */
export function mutationTransaction(onHookError: (err: unknown) => void): MiddlewareFn<GqlContext> {
  return async ({ context, info, args }, next) => {
    if (info.parentType.name !== 'Mutation') return next();
    const hooks: Array<() => unknown> = [];
    context.audit = {};
    const result = await context.em.fork().transactional(async (tem) => {
      const em = tem as EntityManager;
      const actor = context.actor ?? { type: ActorType.SYSTEM, label: 'anonymous' };
      context.tx = { em, actor, ip: context.ip, afterCommit: (h) => hooks.push(h) };
      try {
        const value = await next();
        if (!context.audit.skip) {
          const target = targetOf(value);
          recordAudit(em, context.tx.actor, context.ip, {
            action: info.fieldName,
            targetType: context.audit.targetType ?? target.type,
            targetId: context.audit.targetId !== undefined ? context.audit.targetId : target.id,
            details: { args: redact(args), ...(context.audit.details ?? {}) },
          });
          await em.flush();
        }
        return value;
      } finally {
        context.tx = null;
      }
    });
    await runHooks(hooks, onHookError);
    return result;
  };
}

/** Finds the entity a payload is about: `{ member: {id} }`, `{ id }`, `{ deletedId }`. */
function targetOf(value: unknown): { type: string | null; id: string | null } {
  if (!value || typeof value !== 'object') return { type: null, id: null };
  const v = value as Record<string, unknown>;
  if (typeof v.deletedId === 'string') return { type: null, id: v.deletedId };
  if (typeof v.id === 'string') return { type: v.constructor?.name ?? null, id: v.id };
  for (const inner of Object.values(v)) {
    if (inner && typeof inner === 'object' && typeof (inner as { id?: unknown }).id === 'string') {
      return { type: inner.constructor?.name ?? null, id: (inner as { id: string }).id };
    }
  }
  return { type: null, id: null };
}

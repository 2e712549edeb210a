import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { actorRef, requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { paginate, type Page } from '../../common/pagination.js';
import { AuditEvent } from '../../entities/index.js';

const SECRET_KEYS = /pass(word|phrase)?|secret|token|key$|totp|credential/i;

/** Copies arguments for the audit log with every secret-looking value replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) && v !== null && v !== undefined ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

export interface AuditInput {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

export function recordAudit(
  em: EntityManager,
  actor: Actor,
  ip: string | null,
  input: AuditInput,
): AuditEvent {
  const ref = actorRef(actor);
  const event = em.create(AuditEvent, {
    actorType: ref.type,
    actorId: ref.id,
    actorLabel: ref.label,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    details: (redact(input.details ?? {}) as Record<string, unknown>) ?? {},
    ip,
  });
  em.persist(event);
  return event;
}

export interface AuditFilter {
  action?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  actorId?: string | null;
}

export class AuditService {
  /** Newest first. */
  list(
    em: EntityManager,
    actor: Actor,
    filter: AuditFilter,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<AuditEvent>> {
    requireStaff(actor, Permission.AuditRead);
    const where: FilterQuery<AuditEvent> = {};
    if (filter.action) where.action = filter.action;
    if (filter.targetType) where.targetType = filter.targetType;
    if (filter.targetId) where.targetId = filter.targetId;
    if (filter.actorId) where.actorId = filter.actorId;
    return paginate(em, AuditEvent, where, { first, after, order: 'desc' });
  }
}

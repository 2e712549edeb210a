import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { Actor } from '../auth/actor.js';
import type { Tx } from '../common/tx.js';
import type { Services } from '../services.js';

export interface GqlContext {
  /** Request-scoped EntityManager. Inside a mutation, `tx.em` is the transaction's. */
  em: EntityManager;
  actor: Actor | null;
  /** Set when a cookie-authenticated request failed its CSRF check: every guarded field refuses. */
  csrfFailed: boolean;
  ip: string | null;
  userAgent: string | null;
  req: Request | null;
  res: Response | null;
  services: Services;
  /** Set by the mutation middleware for the duration of one mutation. */
  tx: Tx | null;
  /** What the mutation middleware records as the audit event's target. */
  audit: { targetType?: string; targetId?: string | null; details?: Record<string, unknown>; skip?: boolean };
}

/** The transaction of the current mutation (the middleware guarantees one exists). */
export function txOf(ctx: GqlContext): Tx {
  if (!ctx.tx) throw new Error('txOf() called outside a mutation');
  return ctx.tx;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { RateLimiter } from '../common/rate-limiter.js';
import { AdminSession, MagicLink, MemberSession, OutboxMessage, OutboxStatus } from '../entities/index.js';

/** Sent and failed mail stays in the outbox this long. */
export const OUTBOX_RETENTION_DAYS = 30;

/** Daily housekeeping: expired sessions and magic links, old rate-limit windows, old outbox mail. */
export async function cleanup(em: EntityManager, limiter: RateLimiter): Promise<Record<string, number>> {
  const now = new Date();
  return {
    sessions: await em.nativeDelete(AdminSession, { expiresAt: { $lt: now } }),
    memberSessions: await em.nativeDelete(MemberSession, { expiresAt: { $lt: now } }),
    magicLinks: await em.nativeDelete(MagicLink, {
      expiresAt: { $lt: new Date(now.getTime() - 86_400_000) },
    }),
    rateLimits: await limiter.prune(),
    outboxMessages: await em.nativeDelete(OutboxMessage, {
      status: { $in: [OutboxStatus.SENT, OutboxStatus.FAILED] },
      createdAt: { $lt: new Date(now.getTime() - OUTBOX_RETENTION_DAYS * 86_400_000) },
    }),
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { RateLimiter } from '../common/rate-limiter.js';
import { AdminSession, MagicLink, MemberSession } from '../entities/index.js';

/** Daily housekeeping: expired sessions and magic links, old rate-limit windows. */
export async function cleanup(em: EntityManager, limiter: RateLimiter): Promise<Record<string, number>> {
  const now = new Date();
  return {
    sessions: await em.nativeDelete(AdminSession, { expiresAt: { $lt: now } }),
    memberSessions: await em.nativeDelete(MemberSession, { expiresAt: { $lt: now } }),
    magicLinks: await em.nativeDelete(MagicLink, {
      expiresAt: { $lt: new Date(now.getTime() - 86_400_000) },
    }),
    rateLimits: await limiter.prune(),
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { RateLimiter } from '../common/rate-limiter.js';
import { AdminSession, MagicLink, MemberSession, OutboxMessage, OutboxStatus } from '../entities/index.js';
import { TemplateKey } from '../mail/default-templates.js';

/** Sent, failed and captured mail stays in the outbox this long (see `pruneCaptured` for exceptions). */
export const OUTBOX_RETENTION_DAYS = 30;

export interface Retention {
  authEventDays: number;
  radiusSessionDays: number;
}

export const DEFAULT_RETENTION: Retention = { authEventDays: 90, radiusSessionDays: 400 };

/**
 * Daily housekeeping: expired sessions and magic links, old rate-limit windows, old outbox mail,
 * auth events and stopped accounting sessions past their retention.
 */
export async function cleanup(
  em: EntityManager,
  limiter: RateLimiter,
  retention: Retention = DEFAULT_RETENTION,
): Promise<Record<string, number>> {
  const now = new Date();
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const cutoff = new Date(now.getTime() - OUTBOX_RETENTION_DAYS * 86_400_000);
  return {
    sessions: await em.nativeDelete(AdminSession, { expiresAt: { $lt: now } }),
    memberSessions: await em.nativeDelete(MemberSession, { expiresAt: { $lt: now } }),
    magicLinks: await em.nativeDelete(MagicLink, {
      expiresAt: { $lt: new Date(now.getTime() - 86_400_000) },
    }),
    rateLimits: await limiter.prune(),
    outboxMessages: await em.nativeDelete(OutboxMessage, {
      status: { $in: [OutboxStatus.SENT, OutboxStatus.FAILED] },
      createdAt: { $lt: cutoff },
    }),
    authEvents: await deleteInChunks(
      em,
      'delete from auth_event where id in (select id from auth_event where created_at < ? limit 10000)',
      daysAgo(retention.authEventDays),
    ),
    radiusSessions: await deleteInChunks(
      em,
      'delete from radius_session where id in (select id from radius_session where stopped_at < ? limit 10000)',
      daysAgo(retention.radiusSessionDays),
    ),
    capturedMessages: await pruneCaptured(em, cutoff),
  };
}

/**
 * Deletes in statements of at most 10,000 rows, each its own transaction: a busy space writes
 * millions of auth events a quarter, and one huge delete would hold locks and bloat the WAL.
 */
async function deleteInChunks(em: EntityManager, sql: string, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const res = (await em.getConnection().execute(sql, [before], 'run')) as { affectedRows?: number };
    const n = res.affectedRows ?? 0;
    total += n;
    if (n < 10_000) return total;
  }
}

/**
 * CAPTURED mail (no SMTP_URL) is how operators hand out credentials without SMTP, so past the
 * retention a member's newest credentials mail stays while it is still worth forwarding: the member
 * exists and their passphrase has not changed since. Everything else goes (sign-in links are long
 * dead by then, and older or stale credentials mails only keep secrets around).
 */
async function pruneCaptured(em: EntityManager, cutoff: Date): Promise<number> {
  const rows = await em.execute<Array<{ id: string }>>(
    `delete from outbox_message o
      where o.status = 'CAPTURED' and o.created_at < ?
        and not (o.template_key = ?
                 and exists (select 1 from member m
                              where m.id = o.member_id and m.status <> 'DELETED'
                                and (m.passphrase_updated_at is null or m.passphrase_updated_at <= o.created_at))
                 and not exists (select 1 from outbox_message n
                                  where n.member_id = o.member_id and n.template_key = o.template_key
                                    and (n.created_at, n.id) > (o.created_at, o.id)))
      returning o.id`,
    [cutoff, TemplateKey.memberCredentials],
  );
  return rows.length;
}

import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface RateLimitRule {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in Postgres, so every API replica shares them. Uses its own pool
 * connection (autocommit): a counted failure must survive the rollback of the request that
 * failed. Keys are hashed so no email or address is stored in clear.
 */
export class RateLimiter {
  constructor(private readonly pool: pg.Pool | pg.Client) {}

  private static key(scope: string, subject: string): string {
    return `${scope}:${createHash('sha256').update(subject.toLowerCase()).digest('hex').slice(0, 32)}`;
  }

  /** True when `subject` has used up its attempts in the current window (does not count). */
  async isLimited(scope: string, subject: string, rule: RateLimitRule): Promise<boolean> {
    const { rows } = await this.pool.query<{ count: number }>(
      `select count from rate_limit_bucket where key = $1 and window_start > now() - make_interval(secs => $2)`,
      [RateLimiter.key(scope, subject), rule.windowSeconds],
    );
    return (rows[0]?.count ?? 0) >= rule.limit;
  }

  /** Counts one attempt; returns the attempts in the current window. */
  async hit(scope: string, subject: string, rule: RateLimitRule): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      `insert into rate_limit_bucket (key, window_start, count) values ($1, now(), 1)
       on conflict (key) do update set
         count = case when rate_limit_bucket.window_start <= now() - make_interval(secs => $2) then 1 else rate_limit_bucket.count + 1 end,
         window_start = case when rate_limit_bucket.window_start <= now() - make_interval(secs => $2) then now() else rate_limit_bucket.window_start end
       returning count`,
      [RateLimiter.key(scope, subject), rule.windowSeconds],
    );
    return rows[0]!.count;
  }

  async reset(scope: string, subject: string): Promise<void> {
    await this.pool.query('delete from rate_limit_bucket where key = $1', [RateLimiter.key(scope, subject)]);
  }

  /** Drops windows that ended long ago (run by the cleanup job). */
  async prune(olderThanSeconds = 86_400): Promise<number> {
    const r = await this.pool.query(
      'delete from rate_limit_bucket where window_start < now() - make_interval(secs => $1)',
      [olderThanSeconds],
    );
    return r.rowCount ?? 0;
  }
}

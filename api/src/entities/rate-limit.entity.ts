import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/** A fixed-window counter (common/rate-limiter.ts); the key is a scope plus a hash of the subject. */
@Entity({ tableName: 'rate_limit_bucket' })
@Index({ properties: ['windowStart'] })
export class RateLimitBucket {
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  windowStart: Date & Opt = new Date();

  @Property({ type: 'integer', default: 0 })
  count: number & Opt = 0;
}

import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';
import { LogLevel, SyncRunMode, SyncRunStatus, SyncTrigger } from './enums.js';
import { Integration } from './integration.entity.js';

@ObjectType()
@Entity({ tableName: 'sync_run' })
@Index({ properties: ['integration', 'createdAt'] })
export class SyncRun extends BaseEntity {
  @Field(() => Integration)
  @ManyToOne({ entity: () => Integration, deleteRule: 'cascade' })
  integration!: Integration;

  @Field(() => SyncTrigger)
  @Enum({ items: () => SyncTrigger, type: 'text' })
  trigger!: SyncTrigger;

  @Field(() => SyncRunStatus)
  @Enum({ items: () => SyncRunStatus, type: 'text' })
  status: SyncRunStatus = SyncRunStatus.QUEUED;

  @Field(() => Int) @Property({ type: 'integer', default: 0 }) created: number = 0;
  @Field(() => Int) @Property({ type: 'integer', default: 0 }) updated: number = 0;
  @Field(() => Int) @Property({ type: 'integer', default: 0 }) enabled: number = 0;
  @Field(() => Int) @Property({ type: 'integer', default: 0 }) disabled: number = 0;
  @Field(() => Int) @Property({ type: 'integer', default: 0 }) deleted: number = 0;
  @Field(() => Int) @Property({ type: 'integer', default: 0 }) unchanged: number = 0;
  @Field(() => Int) @Property({ type: 'integer', default: 0 }) errors: number = 0;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  startedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  finishedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  /** Why the run waits for an admin (e.g. it would disable 30 % of members). */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  heldReason: string | null = null;

  /** What was asked: `{ mode: 'FULL' | 'INCREMENTAL' | 'MEMBERS', memberExternalIds? }` (sync-engine.ts). */
  @Property({ type: 'json', nullable: true })
  request: Record<string, unknown> | null = null;

  @Field(() => SyncRunMode, {
    description:
      'FULL: everything re-read; INCREMENTAL: the upstream changes since the last run; MEMBERS: named members (webhooks).',
  })
  get mode(): SyncRunMode {
    const mode = this.request?.mode;
    return mode === SyncRunMode.INCREMENTAL || mode === SyncRunMode.MEMBERS ? mode : SyncRunMode.FULL;
  }

  /** The computed change set of a held run, applied on confirmation. */
  @Property({ type: 'json', nullable: true, lazy: true })
  pendingPlan: Record<string, unknown> | null = null;
}

@ObjectType()
@Entity({ tableName: 'sync_log_entry' })
@Index({ properties: ['run', 'seq'] })
export class SyncLogEntry extends BaseEntity {
  @ManyToOne({ entity: () => SyncRun, deleteRule: 'cascade' })
  run!: SyncRun;

  @Field(() => Int)
  @Property({ type: 'integer' })
  seq!: number;

  @Field(() => LogLevel)
  @Enum({ items: () => LogLevel, type: 'text' })
  level: LogLevel = LogLevel.INFO;

  @Field(() => String)
  @Property({ type: 'text' })
  message!: string;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  data: Record<string, unknown> | null = null;
}

@ObjectType()
@Entity({ tableName: 'webhook_delivery' })
@Unique({ properties: ['integration', 'deliveryId'] })
export class WebhookDelivery extends BaseEntity {
  @ManyToOne({ entity: () => Integration, deleteRule: 'cascade' })
  integration!: Integration;

  @Field(() => String)
  @Property({ type: 'text' })
  event!: string;

  /** Upstream delivery id (Svix msg id, or a hash of the Nexudus body): replays are idempotent. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  deliveryId: string | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  verified: boolean = false;

  @Field(() => String)
  @Property({ type: 'text' })
  outcome!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  processedAt: Date | null = null;

  /** The run this delivery started, when it named members to sync. */
  @Field(() => SyncRun, { nullable: true })
  @ManyToOne({ entity: () => SyncRun, nullable: true, deleteRule: 'set null' })
  syncRun: SyncRun | null = null;
}

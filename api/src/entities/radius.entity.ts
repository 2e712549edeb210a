import { Entity, Enum, Index, ManyToOne, Opt, Property, Unique } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';
import { AuthMethod, AuthResult } from './enums.js';
import { Location } from './location.entity.js';
import { Member } from './member.entity.js';
import { NasClient } from './nas-client.entity.js';

/** A RADIUS accounting session (Start … Interim-Update … Stop). Counters are 64-bit. */
@ObjectType()
@Entity({ tableName: 'radius_session' })
@Index({ properties: ['member', 'stoppedAt'] })
@Index({ properties: ['nasClient', 'stoppedAt'] })
export class RadiusSession extends BaseEntity {
  @ManyToOne({ entity: () => NasClient, nullable: true, deleteRule: 'set null' })
  nasClient: NasClient | null = null;

  @ManyToOne({ entity: () => Member, nullable: true, deleteRule: 'set null' })
  member: Member | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  username!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  callingStationId: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  calledStationId: string | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  acctSessionId!: string;

  /** Hash of (NAS, Acct-Session-Id, …): the idempotency key of accounting packets. */
  @Property({ type: 'text' })
  @Unique()
  acctUniqueId!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  framedIpAddress: string | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  lastUpdateAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  stoppedAt: Date | null = null;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  sessionTimeSeconds: number = 0;

  /** bigint columns come back as strings (no precision loss past 2^53). */
  @Field(() => String)
  @Property({ type: 'bigint', default: 0 })
  inputOctets: string = '0';

  @Field(() => String)
  @Property({ type: 'bigint', default: 0 })
  outputOctets: string = '0';

  @Field(() => String)
  @Property({ type: 'bigint', default: 0 })
  inputPackets: string = '0';

  @Field(() => String)
  @Property({ type: 'bigint', default: 0 })
  outputPackets: string = '0';

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  terminateCause: string | null = null;

  /** The address the NAS sent accounting from: where a Disconnect-Request goes. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  nasIpAddress: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  disconnectRequestedAt: Date | null = null;

  /** ACK, NAK (with Error-Cause) or TIMEOUT of the last Disconnect-Request. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  disconnectResult: string | null = null;
}

/** Every RADIUS decision, with its reason. Written in batches by the RADIUS worker. */
@ObjectType()
@Entity({ tableName: 'auth_event' })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['member', 'createdAt'] })
export class AuthEvent extends BaseEntity {
  @ManyToOne({ entity: () => NasClient, nullable: true, deleteRule: 'set null' })
  nasClient: NasClient | null = null;

  @ManyToOne({ entity: () => Location, nullable: true, deleteRule: 'set null' })
  location: Location | null = null;

  @ManyToOne({ entity: () => Member, nullable: true, deleteRule: 'set null' })
  member: Member | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  username: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  mac: string | null = null;

  @Field(() => AuthMethod)
  @Enum({ items: () => AuthMethod, type: 'text' })
  method!: AuthMethod;

  @Field(() => AuthResult)
  @Enum({ items: () => AuthResult, type: 'text' })
  result!: AuthResult;

  @Field(() => String)
  @Property({ type: 'text' })
  reason!: string;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  vlanId: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  sessionTimeoutSeconds: number | null = null;

  @Field(() => Int, {
    description:
      'How many identical decisions (same access point, member, MAC, method, result, reason and VLAN) this row stands for: the RADIUS worker counts a repeat coming less than RADIUS_AUTH_EVENT_REPEAT_WINDOW after the previous one on its row (for up to an hour) and writes the grown count about once a window.',
  })
  @Property({ type: 'integer', default: 1 })
  repeatCount: number & Opt = 1;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the last repeat was decided (null: no repeat).',
  })
  @Property({ type: 'datetime', nullable: true })
  lastAt: Date | null = null;
}

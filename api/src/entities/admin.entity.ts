import {
  ArrayType,
  Collection,
  Entity,
  Enum,
  Index,
  ManyToMany,
  ManyToOne,
  Property,
  Unique,
} from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';
import { ActorType, AdminRole, ApiScope, OutboxStatus } from './enums.js';
import { Location } from './location.entity.js';
import { Member } from './member.entity.js';

@ObjectType()
@Entity({ tableName: 'admin_user' })
export class AdminUser extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text' })
  @Unique()
  emailNormalized!: string;

  /** argon2id. */
  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Field(() => AdminRole)
  @Enum({ items: () => AdminRole, type: 'text' })
  role!: AdminRole;

  /** For LOCATION_MANAGER: the only locations they see and manage. */
  @ManyToMany({ entity: () => Location, pivotTable: 'admin_user_locations', owner: true })
  locations = new Collection<Location>(this);

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  disabledAt: Date | null = null;
}

/** A login: the Bearer token / cookie value is random; only its SHA-256 is kept. */
@Entity({ tableName: 'admin_session' })
export class AdminSession extends BaseEntity {
  @ManyToOne({ entity: () => AdminUser, deleteRule: 'cascade' })
  admin!: AdminUser;

  @Property({ type: 'text' })
  @Unique()
  tokenHash!: string;

  @Property({ type: 'datetime' })
  @Index()
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  ip: string | null = null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;
}

@ObjectType()
@Entity({ tableName: 'api_key' })
export class ApiKey extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  /** First characters of the key, shown so operators can tell keys apart. */
  @Field(() => String)
  @Property({ type: 'text' })
  prefix!: string;

  /** SHA-256 of the random key. */
  @Property({ type: 'text', hidden: true })
  @Unique()
  keyHash!: string;

  @Field(() => [ApiScope])
  @Property({ type: ArrayType, defaultRaw: "'{}'" })
  scopes: ApiScope[] = [];

  /** The key acts with at most its creator's role. */
  @ManyToOne({ entity: () => AdminUser, deleteRule: 'cascade' })
  createdBy!: AdminUser;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}

@Entity({ tableName: 'magic_link' })
export class MagicLink extends BaseEntity {
  @ManyToOne({ entity: () => Member, deleteRule: 'cascade' })
  @Index()
  member!: Member;

  @ManyToOne({ entity: () => Location, nullable: true, deleteRule: 'cascade' })
  location: Location | null = null;

  @Property({ type: 'text' })
  @Unique()
  tokenHash!: string;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  requestedIp: string | null = null;
}

/** Who did what to what. Written in the same transaction as the change it describes. */
@ObjectType()
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['targetType', 'targetId'] })
export class AuditEvent extends BaseEntity {
  @Field(() => ActorType)
  @Enum({ items: () => ActorType, type: 'text' })
  actorType!: ActorType;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  actorId: string | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  actorLabel!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  action!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  targetType: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  targetId: string | null = null;

  /** Arguments with secrets removed. */
  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json', defaultRaw: "'{}'" })
  details: Record<string, unknown> = {};

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  ip: string | null = null;
}

/** An admin's version of a built-in template (GraphQL: features/email-templates). */
@Entity({ tableName: 'email_template' })
export class EmailTemplate extends BaseEntity {
  @Property({ type: 'text' })
  @Unique()
  key!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  html!: string;

  @Property({ type: 'text' })
  text!: string;
}

@ObjectType()
@Entity({ tableName: 'outbox_message' })
@Index({ properties: ['status', 'createdAt'] })
export class OutboxMessage extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'text' })
  toAddress!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  subject!: string;

  /**
   * `{ html, text }` encrypted (SecretAad.outboxBody): bodies carry passphrases and sign-in links.
   * Readable by admins with the secrets permission; cleared once the message is SENT.
   */
  @Property({ type: 'text', nullable: true, lazy: true, hidden: true })
  bodyEnc: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  templateKey: string | null = null;

  @ManyToOne({ entity: () => Member, nullable: true, deleteRule: 'set null' })
  member: Member | null = null;

  @Field(() => OutboxStatus)
  @Enum({ items: () => OutboxStatus, type: 'text' })
  status: OutboxStatus = OutboxStatus.PENDING;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  sentAt: Date | null = null;
}

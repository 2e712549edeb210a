import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';
import { IntegrationHealth, IntegrationKind } from './enums.js';
import { Location } from './location.entity.js';

/** A connection to the space's platform (Nexudus or Andcards/Spacebring). */
@ObjectType()
@Entity({ tableName: 'integration' })
export class Integration extends BaseEntity {
  @Field(() => IntegrationKind)
  @Enum({ items: () => IntegrationKind, type: 'text' })
  kind!: IntegrationKind;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  baseUrl!: string;

  /** Tokens (Nexudus) or client secret (Andcards), AES-256-GCM JSON. Passwords are never stored. */
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  credentialsEnc: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  tokenExpiresAt: Date | null = null;

  /** IntegrationSettings (integrations/integration-settings.ts); exposed typed by the resolver. */
  @Property({ type: 'json', defaultRaw: "'{}'" })
  settings: Record<string, unknown> = {};

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  webhookSecretEnc: string | null = null;

  /** Unguessable path segment of the webhook URL. */
  @Property({ type: 'text' })
  @Unique()
  webhookToken!: string;

  @Property({ type: 'json', nullable: true })
  syncCursor: Record<string, unknown> | null = null;

  @Field(() => IntegrationHealth)
  @Enum({ items: () => IntegrationHealth, type: 'text' })
  health: IntegrationHealth = IntegrationHealth.NEVER_SYNCED;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastSyncAt: Date | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  enabled: boolean = true;
}

/** Upstream location (Nexudus business, Spacebring location) → Lanyard location. */
@ObjectType()
@Entity({ tableName: 'location_mapping' })
@Unique({ properties: ['integration', 'externalId'] })
export class LocationMapping extends BaseEntity {
  @ManyToOne({ entity: () => Integration, deleteRule: 'cascade' })
  integration!: Integration;

  @Field(() => String)
  @Property({ type: 'text' })
  externalId!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  externalName: string | null = null;

  @Field(() => Location)
  @ManyToOne({ entity: () => Location, deleteRule: 'cascade' })
  location!: Location;
}

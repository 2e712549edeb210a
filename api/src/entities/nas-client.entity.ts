import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';
import { MacFormat, NasVendor } from './enums.js';
import { Location } from './location.entity.js';

/** An access point or WLAN controller allowed to send RADIUS requests. */
@ObjectType()
@Entity({ tableName: 'nas_client' })
export class NasClient extends BaseEntity {
  @Field(() => Location)
  @ManyToOne({ entity: () => Location, deleteRule: 'cascade' })
  location!: Location;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  /** Source IP or CIDR, normalised (see common/net.ts). */
  @Field(() => String)
  @Property({ type: 'text' })
  @Unique()
  ipAddress!: string;

  /** RADIUS shared secret, AES-256-GCM. Never a GraphQL field: returned once on creation. */
  @Property({ type: 'text', hidden: true, lazy: true })
  secretEnc!: string;

  @Field(() => NasVendor)
  @Enum({ items: () => NasVendor, type: 'text' })
  vendor: NasVendor = NasVendor.generic;

  @Field(() => MacFormat)
  @Enum({ items: () => MacFormat, type: 'text' })
  macFormat: MacFormat = MacFormat.IETF;

  @Field(() => Int)
  @Property({ type: 'integer', default: 3799 })
  coaPort: number = 3799;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  requireMessageAuthenticator: boolean = true;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastSeenAt: Date | null = null;
}

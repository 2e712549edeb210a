import { Entity, Enum, ManyToOne, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';
import { GroupOrigin } from './enums.js';
import { Integration } from './integration.entity.js';
import { Location } from './location.entity.js';

/** Members with a shared network policy: a team, a company, a plan, or a hand-made group. */
@ObjectType()
@Entity({ tableName: 'access_group' })
@Unique({ properties: ['integration', 'externalId'] })
/** Last line of defence for the VLAN pool: one group per VLAN at a location (group.service.ts). */
@Unique({
  name: 'access_group_location_vlan_unique',
  expression:
    'create unique index "access_group_location_vlan_unique" on "access_group" ("location_id", "vlan_id") where "location_id" is not null and "vlan_id" is not null',
})
export class Group extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => GroupOrigin)
  @Enum({ items: () => GroupOrigin, type: 'text' })
  origin: GroupOrigin = GroupOrigin.MANUAL;

  /** The location whose VLAN pool the VLAN came from; null for groups that span locations. */
  @Field(() => Location, { nullable: true })
  @ManyToOne({ entity: () => Location, nullable: true, deleteRule: 'set null' })
  location: Location | null = null;

  @ManyToOne({ entity: () => Integration, nullable: true, deleteRule: 'set null' })
  integration: Integration | null = null;

  @Property({ type: 'text', nullable: true })
  externalId: string | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  vlanId: number | null = null;

  @Field(() => Boolean, { description: 'VLAN was allocated from the location pool (returned when freed).' })
  @Property({ type: 'boolean', default: false })
  vlanAutoAllocated: boolean & Opt = false;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  bandwidthUpKbps: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  bandwidthDownKbps: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  sessionTimeoutSeconds: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  maxDevices: number | null = null;
}

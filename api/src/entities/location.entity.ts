import { ArrayType, Entity, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';

@ObjectType()
export class LocationBranding {
  @Field(() => String, { nullable: true })
  logoUrl?: string | null;
  @Field(() => String, { nullable: true })
  primaryColor?: string | null;
  @Field(() => String, { nullable: true })
  accentColor?: string | null;
  @Field(() => String, { nullable: true })
  welcomeText?: string | null;
}

@ObjectType()
@Entity({ tableName: 'location' })
export class Location extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  /** The portal URL segment: /portal/<slug>. */
  @Field(() => String)
  @Property({ type: 'text' })
  @Unique()
  slug!: string;

  /** IANA time zone, e.g. Europe/London: bookings end at local midnight. */
  @Field(() => String)
  @Property({ type: 'text' })
  timezone!: string;

  @Field(() => [String])
  @Property({ type: ArrayType, defaultRaw: "'{}'" })
  ssids: string[] = [];

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  defaultVlanId: number | null = null;

  /** Inclusive range that TEAM/COMPANY groups get their automatic VLAN from. */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  vlanPoolStart: number | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  vlanPoolEnd: number | null = null;

  @Field(() => LocationBranding)
  @Property({ type: 'json', defaultRaw: "'{}'" })
  branding: LocationBranding = {};
}

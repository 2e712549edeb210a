import {
  Cascade,
  Collection,
  Entity,
  Enum,
  Index,
  ManyToMany,
  ManyToOne,
  OneToMany,
  Property,
  Unique,
  type Opt,
} from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';
import { DeviceLearnedBy, GrantKind, MemberStatus } from './enums.js';
import { Group } from './group.entity.js';
import { Integration } from './integration.entity.js';
import { Location } from './location.entity.js';

/** One person (unique by email, case-insensitive), whichever platforms and locations they come from. */
@ObjectType()
@Entity({ tableName: 'member' })
@Index({ properties: ['status'] })
/** The minute sweep of CredentialDeliveryService looks only at members whose access has not begun. */
@Index({
  name: 'member_access_not_begun_idx',
  expression: 'create index "member_access_not_begun_idx" on "member" ("id") where "access_began_at" is null',
})
export class Member extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'text' })
  email!: string;

  /** Lower-cased email: the identity key. */
  @Property({ type: 'text' })
  @Unique()
  emailNormalized!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  fullName!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  company: string | null = null;

  @Field(() => MemberStatus)
  @Enum({ items: () => MemberStatus, type: 'text' })
  status: MemberStatus = MemberStatus.ACTIVE;

  /** The RADIUS User-Name for WPA-Enterprise (lower-cased; email by default). */
  @Field(() => String)
  @Property({ type: 'text' })
  @Unique()
  username!: string;

  /** Grants valid at every location when true ("Global Communities" / "Roaming"). */
  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  roaming: boolean = false;

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  passphraseEnc: string | null = null;

  /** Keyed HMAC of the passphrase: enforces uniqueness without decrypting anything. */
  @Property({ type: 'text', nullable: true, hidden: true })
  @Unique()
  passphraseFingerprint: string | null = null;

  /** Bumped on every change, so PMKs computed for an older passphrase are recognisably stale. */
  @Property({ type: 'integer', default: 0 })
  passphraseVersion: number & Opt = 0;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  passphraseUpdatedAt: Date | null = null;

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  ntHashEnc: string | null = null;

  @ManyToMany({ entity: () => Location, pivotTable: 'member_home_locations', owner: true })
  homeLocations = new Collection<Location>(this);

  @ManyToMany({ entity: () => Group, pivotTable: 'member_groups', owner: true })
  groups = new Collection<Group>(this);

  @OneToMany({ entity: () => MemberSource, mappedBy: 'member', cascade: [Cascade.ALL], orphanRemoval: true })
  sources = new Collection<MemberSource>(this);

  @OneToMany({ entity: () => AccessGrant, mappedBy: 'member', cascade: [Cascade.ALL], orphanRemoval: true })
  grants = new Collection<AccessGrant>(this);

  @OneToMany({ entity: () => Device, mappedBy: 'member', cascade: [Cascade.ALL], orphanRemoval: true })
  devices = new Collection<Device>(this);

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  deletedAt: Date | null = null;

  /**
   * When the member was first seen with WiFi access (set once, by CredentialDeliveryService, which
   * then mails the credentials if an integration of the member asks for it): null until then.
   */
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the member first had WiFi access (their credentials email, if any, went then)',
  })
  @Property({ type: 'datetime', nullable: true })
  accessBeganAt: Date | null = null;
}

/** Where a member comes from upstream: (integration, external id). A person may have several. */
@ObjectType()
@Entity({ tableName: 'member_source' })
@Unique({ properties: ['integration', 'externalId'] })
export class MemberSource extends BaseEntity {
  @ManyToOne({ entity: () => Member, deleteRule: 'cascade' })
  @Index()
  member!: Member;

  @Field(() => Integration)
  @ManyToOne({ entity: () => Integration, deleteRule: 'cascade' })
  integration!: Integration;

  @Field(() => String)
  @Property({ type: 'text' })
  externalId!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastSeenAt: Date | null = null;

  /**
   * This integration's sync disabled the member (booking day over, deprovisioned, inactive
   * upstream): a later sync may enable it again. A member an admin disabled stays disabled.
   */
  @Property({ type: 'boolean', default: false })
  disabledBySync: boolean & Opt = false;
}

/** A period during which a member may use the WiFi (see domain/access/access-policy.ts). */
@ObjectType()
@Entity({ tableName: 'access_grant' })
@Unique({ properties: ['integration', 'sourceRef'] })
@Index({ properties: ['member', 'effectiveEndsAt'] })
export class AccessGrant extends BaseEntity {
  @ManyToOne({ entity: () => Member, deleteRule: 'cascade' })
  member!: Member;

  @Field(() => GrantKind)
  @Enum({ items: () => GrantKind, type: 'text' })
  kind!: GrantKind;

  /** Null: every location. */
  @Field(() => Location, { nullable: true })
  @ManyToOne({ entity: () => Location, nullable: true, deleteRule: 'cascade' })
  @Index()
  location: Location | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  startsAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  endsAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  cancelledAt: Date | null = null;

  /**
   * The instants the grant really covers, derived by the access policy when written (bookings run to
   * local midnight, cancellation cuts the end). Lets SQL filter "has access now" exactly.
   */
  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  effectiveStartsAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  effectiveEndsAt: Date | null = null;

  /** False for plans mapped to "no WiFi" (e.g. Virtual Office). */
  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  grantsWifi: boolean = true;

  @ManyToOne({ entity: () => Integration, nullable: true, deleteRule: 'cascade' })
  integration: Integration | null = null;

  /** Upstream id of the contract, booking or check-in this grant mirrors. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  sourceRef: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;
}

@ObjectType()
@Entity({ tableName: 'device' })
export class Device extends BaseEntity {
  @ManyToOne({ entity: () => Member, deleteRule: 'cascade' })
  @Index()
  member!: Member;

  /** aa:bb:cc:dd:ee:ff */
  @Field(() => String)
  @Property({ type: 'text' })
  @Unique()
  mac!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  name: string | null = null;

  @Field(() => DeviceLearnedBy)
  @Enum({ items: () => DeviceLearnedBy, type: 'text' })
  learnedBy!: DeviceLearnedBy;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  firstSeenAt: Date = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastSeenAt: Date | null = null;
}

/** PMK = PBKDF2(passphrase, SSID) for unbound PPSK, computed by a job; AES-256-GCM. */
@Entity({ tableName: 'member_pmk' })
@Unique({ properties: ['member', 'ssid'] })
export class MemberPmk extends BaseEntity {
  @ManyToOne({ entity: () => Member, deleteRule: 'cascade' })
  member!: Member;

  @Property({ type: 'text' })
  ssid!: string;

  @Property({ type: 'text', hidden: true })
  pmkEnc!: string;

  @Property({ type: 'integer' })
  passphraseVersion!: number;
}

import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';
import { Location } from './location.entity.js';
import { Member } from './member.entity.js';

/** A member signed in to the portal (cookie `lanyard_member`); only the token's SHA-256 is kept. */
@Entity({ tableName: 'member_session' })
export class MemberSession extends BaseEntity {
  @ManyToOne({ entity: () => Member, deleteRule: 'cascade' })
  @Index()
  member!: Member;

  /** The location the sign-in link was requested at: the portal shows access there. */
  @ManyToOne({ entity: () => Location, deleteRule: 'cascade' })
  location!: Location;

  @Property({ type: 'text' })
  @Unique()
  tokenHash!: string;

  @Property({ type: 'datetime' })
  @Index()
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  lastSeenAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  ip: string | null = null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;
}

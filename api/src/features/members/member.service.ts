import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import {
  assertLocationAccess,
  canSeeLocation,
  isStaff,
  requireStaff,
  type Actor,
  type StaffActor,
} from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { paginate, type Page } from '../../common/pagination.js';
import { DomainError, ErrorCode, forbidden, notFound, Problems } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { isEmail } from '../../common/validation.js';
import { decideAccess, type AccessDecision } from '../../domain/access/access-policy.js';
import {
  AccessGrant,
  ActorType,
  Group,
  Location,
  MagicLink,
  Member,
  MemberSession,
  MemberStatus,
} from '../../entities/index.js';
import { notifyMemberChanged } from '../../events/notify.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { CredentialDeliveryService } from '../integrations/credential-delivery.service.js';
import { refreshEffectiveInterval } from '../access-grants/access-grant.service.js';
import { toPolicyGrant, toPolicyMember } from '../access-grants/policy-inputs.js';
import type { MemberCredentials } from './member-credentials.js';

export interface MemberFilter {
  search?: string | null;
  status?: MemberStatus | null;
  locationId?: string | null;
  groupId?: string | null;
  integrationId?: string | null;
  hasAccess?: boolean | null;
}

export interface MemberFields {
  email?: string;
  fullName?: string;
  company?: string | null;
  username?: string | null;
  roaming?: boolean;
  locationIds?: string[];
  groupIds?: string[];
}

export interface MemberWriteOptions {
  /** The permission the write needs (default MemberWrite). Reading is never required. */
  permission?: Permission;
  /**
   * The change affects the member everywhere (status, credentials, identity): a location manager
   * must manage one of the member's home locations, seeing the member through a grant is not enough.
   */
  whole?: boolean;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
/** The username a deleted member keeps, so that its old one is free for someone else. */
const deletedUsername = (id: string): string => `deleted:${id}`;
const FINGERPRINT_CONSTRAINT = 'member_passphrase_fingerprint_unique';

/** A grant that has not ended (cancellation included, via the effective end): current or future. */
const notEnded = (grant: AccessGrant, now: Date): boolean =>
  grant.effectiveEndsAt === null || grant.effectiveEndsAt.getTime() > now.getTime();

export class MemberService {
  constructor(
    private readonly credentials: MemberCredentials,
    private readonly jobs: JobQueue,
    private readonly delivery: Pick<CredentialDeliveryService, 'deliver'>,
  ) {}

  async list(
    em: EntityManager,
    actor: Actor,
    filter: MemberFilter,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Member>> {
    const staff = requireStaff(actor, Permission.MemberRead);
    const now = new Date();
    const and: FilterQuery<Member>[] = [];
    if (staff.locationIds !== null) and.push(this.atLocations([...staff.locationIds], now));
    if (filter.status) and.push({ status: filter.status });
    else and.push({ status: { $ne: MemberStatus.DELETED } });
    const search = filter.search?.trim();
    if (search) {
      const like = `%${escapeLike(search)}%`;
      and.push({
        $or: [
          { fullName: { $ilike: like } },
          { email: { $ilike: like } },
          { username: { $ilike: like } },
          { company: { $ilike: like } },
        ],
      });
    }
    if (filter.groupId) and.push({ groups: { $some: { id: filter.groupId } } });
    if (filter.integrationId) and.push({ sources: { $some: { integration: filter.integrationId } } });
    if (filter.hasAccess === true) {
      // Having access at a location is reason enough to be listed at it (roaming members included).
      and.push(this.hasAccessAt(filter.locationId ?? null, now));
    } else {
      if (filter.locationId) and.push(this.atLocations([filter.locationId], now));
      if (filter.hasAccess === false) and.push({ $not: this.hasAccessAt(filter.locationId ?? null, now) });
    }
    return paginate(em, Member, { $and: and }, { first, after });
  }

  /** Reading one member: needs MemberRead, and the member must be visible to the actor. */
  async get(em: EntityManager, actor: Actor, id: string): Promise<Member> {
    const staff = requireStaff(actor, Permission.MemberRead);
    return this.findVisible(em, staff, id);
  }

  /**
   * The member a write is about: needs only the write's own permission (an API key with
   * MEMBERS_WRITE or MEMBERS_SECRETS alone works), NOT_FOUND when the member is not visible, and
   * FORBIDDEN for a whole-member change by a location manager who does not manage a home location.
   */
  async getForWrite(tx: Tx, id: string, opts: MemberWriteOptions = {}): Promise<Member> {
    const staff = requireStaff(tx.actor, opts.permission ?? Permission.MemberWrite);
    const member = await this.findVisible(tx.em, staff, id);
    if (opts.whole) this.assertHomedInScope(staff, member);
    return member;
  }

  async create(
    tx: Tx,
    input: MemberFields & {
      email: string;
      fullName: string;
      locationIds: string[];
      passphrase?: string | null;
    },
  ) {
    const staff = requireStaff(tx.actor, Permission.MemberWrite);
    if (input.roaming === true) this.assertMayChangeRoaming(staff);
    const p = new Problems();
    this.validate(input, p);
    if (input.locationIds.length === 0 && staff.locationIds !== null) {
      p.add('locationIds', 'LOCATION_REQUIRED', 'give at least one of your locations');
    }
    p.throwIfAny();
    const emailNormalized = input.email.trim().toLowerCase();
    const existing = await tx.em.findOne(Member, { emailNormalized });
    if (existing && existing.status !== MemberStatus.DELETED) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `A member with email ${input.email.trim()} exists`, {
        field: 'email',
      });
    }
    const username = (input.username?.trim() || emailNormalized).toLowerCase();
    await this.assertUsernameFree(tx.em, username, existing?.id ?? null);
    const locations = await this.locations(tx, staff, input.locationIds);
    const groups = input.groupIds?.length ? await this.groups(tx.em, staff, input.groupIds) : [];
    const fields = {
      email: input.email.trim(),
      emailNormalized,
      fullName: input.fullName.trim(),
      company: input.company?.trim() || null,
      username,
      roaming: input.roaming ?? false,
      status: MemberStatus.ACTIVE,
    };
    let member: Member;
    if (existing) {
      // A deleted member comes back as the same row (history, sources), starting afresh.
      member = existing;
      await tx.em.populate(member, ['homeLocations', 'groups', 'grants.location']);
      tx.em.assign(member, { ...fields, deletedAt: null });
      const now = new Date();
      for (const grant of member.grants) {
        if (!notEnded(grant, now)) continue;
        grant.cancelledAt = now;
        refreshEffectiveInterval(grant, grant.location);
      }
    } else {
      member = tx.em.create(Member, fields);
    }
    member.homeLocations.set(locations);
    member.groups.set(groups);
    await this.credentials.assign(tx.em, member, input.passphrase ?? undefined);
    await this.flushPassphrase(tx.em);
    await notifyMemberChanged(tx.em, member.id, 'CREATED');
    tx.afterCommit(() => this.jobs.computePmks(member.id));
    return member;
  }

  async update(tx: Tx, id: string, input: MemberFields): Promise<Member> {
    const staff = requireStaff(tx.actor, Permission.MemberWrite);
    const member = await this.getForWrite(tx, id);
    this.assertNotDeleted(member);
    if (this.changesIdentity(member, input)) this.assertHomedInScope(staff, member);
    if (input.roaming !== undefined && input.roaming !== member.roaming) this.assertMayChangeRoaming(staff);
    const p = new Problems();
    this.validate(input, p);
    p.throwIfAny();
    if (input.email !== undefined) {
      const emailNormalized = input.email.trim().toLowerCase();
      if (emailNormalized !== member.emailNormalized && (await tx.em.count(Member, { emailNormalized }))) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `A member with email ${input.email.trim()} exists`, {
          field: 'email',
        });
      }
      member.email = input.email.trim();
      member.emailNormalized = emailNormalized;
    }
    if (input.username != null) {
      const username = input.username.trim().toLowerCase();
      await this.assertUsernameFree(tx.em, username, member.id);
      member.username = username;
    }
    if (input.fullName !== undefined) member.fullName = input.fullName.trim();
    if (input.company !== undefined) member.company = input.company?.trim() || null;
    if (input.roaming !== undefined) member.roaming = input.roaming;
    if (input.locationIds !== undefined) {
      // A location manager replaces only the home locations they manage; the others stay.
      const requested = await this.locations(tx, staff, input.locationIds);
      const kept = member.homeLocations.getItems().filter((l) => !canSeeLocation(staff, l.id));
      member.homeLocations.set(uniqueById([...kept, ...requested]));
    }
    if (input.groupIds !== undefined) {
      const requested = await this.groups(tx.em, staff, input.groupIds);
      await member.groups.load();
      const kept = member.groups.getItems().filter((g) => !this.mayAssignGroup(staff, g));
      member.groups.set(uniqueById([...kept, ...requested]));
    }
    await tx.em.flush();
    await notifyMemberChanged(tx.em, member.id, 'UPDATED');
    return member;
  }

  async setStatus(tx: Tx, id: string, status: MemberStatus.ACTIVE | MemberStatus.DISABLED): Promise<Member> {
    const member = await this.getForWrite(tx, id, { whole: true });
    this.assertNotDeleted(member);
    if (member.status !== status) {
      member.status = status;
      await tx.em.flush();
      await notifyMemberChanged(tx.em, member.id, 'STATUS_CHANGED');
      if (status === MemberStatus.ACTIVE) await this.delivery.deliver(tx.em, { memberIds: [member.id] });
    }
    return member;
  }

  /**
   * Soft delete: the row stays for history (audit), every secret, device, portal session and
   * sign-in link goes, and the username is freed. `create` with the same email brings the member back.
   */
  async delete(tx: Tx, id: string): Promise<Member> {
    const member = await this.getForWrite(tx, id, { whole: true });
    this.assertNotDeleted(member);
    await tx.em.populate(member, ['devices', 'groups']);
    member.status = MemberStatus.DELETED;
    member.deletedAt = new Date();
    member.username = deletedUsername(member.id);
    member.devices.removeAll();
    member.groups.removeAll();
    await this.credentials.clear(tx.em, member);
    await tx.em.flush();
    // A revival (create with the same email) must not bring back old portal sign-ins.
    await tx.em.nativeDelete(MemberSession, { member: member.id });
    await tx.em.nativeDelete(MagicLink, { member: member.id });
    await notifyMemberChanged(tx.em, member.id, 'DELETED');
    return member;
  }

  async setPassphrase(tx: Tx, id: string, passphrase?: string): Promise<Member> {
    const member = await this.getForWrite(tx, id, { whole: true });
    this.assertNotDeleted(member);
    await this.credentials.assign(tx.em, member, passphrase);
    await this.flushPassphrase(tx.em);
    await notifyMemberChanged(tx.em, member.id, 'PASSPHRASE_CHANGED');
    tx.afterCommit(() => this.jobs.computePmks(member.id));
    return member;
  }

  /**
   * A member changing their own passphrase in the portal (generated when `passphrase` is omitted):
   * the same rules, uniqueness, NOTIFY and PMK job as an admin change. Returns the new passphrase.
   */
  async setOwnPassphrase(tx: Tx, passphrase?: string): Promise<{ member: Member; passphrase: string }> {
    if (tx.actor.type !== ActorType.MEMBER) throw forbidden();
    const member = await tx.em.findOne(Member, { id: tx.actor.memberId });
    if (!member) throw notFound('Member', tx.actor.memberId);
    this.assertNotDeleted(member);
    await this.credentials.assign(tx.em, member, passphrase);
    await this.flushPassphrase(tx.em);
    await notifyMemberChanged(tx.em, member.id, 'PASSPHRASE_CHANGED');
    tx.afterCommit(() => this.jobs.computePmks(member.id));
    return { member, passphrase: this.credentials.reveal(member)! };
  }

  async revealPassphrase(tx: Tx, id: string): Promise<string | null> {
    const member = await this.getForWrite(tx, id, { permission: Permission.MemberSecret, whole: true });
    await tx.em.populate(member, ['passphraseEnc']);
    return this.credentials.reveal(member);
  }

  /** The access decision at one location now, for the admin app's "why" panel. */
  async accessAt(
    em: EntityManager,
    actor: Actor,
    member: Member,
    locationId: string,
    now = new Date(),
  ): Promise<AccessDecision> {
    assertLocationAccess(actor, locationId);
    const location = await em.findOne(Location, { id: locationId });
    if (!location) throw notFound('Location', locationId);
    await em.populate(member, ['grants.location', 'groups', 'homeLocations']);
    return decideAccess(
      toPolicyMember(member),
      member.grants.getItems().map(toPolicyGrant),
      { id: location.id, timezone: location.timezone, defaultVlanId: location.defaultVlanId },
      now,
    );
  }

  /** `Member.homeLocations` as the actor may see them: a location manager sees only theirs. */
  async homeLocationsFor(actor: Actor, member: Member): Promise<Location[]> {
    const items = (await member.homeLocations.load()).getItems();
    return this.seesEverythingOf(actor, member) ? items : items.filter((l) => canSeeLocation(actor, l.id));
  }

  /** `Member.groups` as the actor may see them: their locations' groups and deployment-wide ones. */
  async groupsFor(actor: Actor, member: Member): Promise<Group[]> {
    const items = (await member.groups.load()).getItems();
    return this.seesEverythingOf(actor, member)
      ? items
      : items.filter((g) => g.location === null || canSeeLocation(actor, g.location.id));
  }

  /**
   * Whether a staff actor sees the member: unscoped actors see everyone; a location manager sees
   * members homed at one of their locations or with a current or future grant there (ended and
   * cancelled grants do not count). `homeLocations` and `grants` must be populated.
   */
  visible(actor: Actor, member: Member, now = new Date()): boolean {
    const staff = requireStaff(actor);
    if (staff.locationIds === null) return true;
    if (this.homedInScope(staff, member)) return true;
    return member.grants
      .getItems()
      .some((g) => g.location !== null && canSeeLocation(staff, g.location.id) && notEnded(g, now));
  }

  /** `visible` by id, for filters that must not throw (subscriptions): false for unknown members. */
  async isVisible(em: EntityManager, actor: Actor, memberId: string): Promise<boolean> {
    if (!isStaff(actor)) return false;
    if (actor.locationIds === null) return true;
    const member = await em.findOne(Member, { id: memberId }, { populate: ['homeLocations', 'grants'] });
    return member !== null && this.visible(actor, member);
  }

  /** The SQL twin of `visible` for location managers (and of the `locationId` filter). */
  private atLocations(ids: string[], now: Date): FilterQuery<Member> {
    return {
      $or: [
        { homeLocations: { $some: { id: { $in: ids } } } },
        {
          grants: {
            $some: {
              location: { $in: ids },
              $or: [{ effectiveEndsAt: null }, { effectiveEndsAt: { $gt: now } }],
            },
          },
        },
      ],
    };
  }

  /**
   * The SQL twin of the access policy (domain/access/access-policy.ts): an ACTIVE member with a
   * WiFi grant in force now that applies at `locationId` (its own location, no location, a roaming
   * member, or a home location of the member). Without a location: in force anywhere.
   */
  private hasAccessAt(locationId: string | null, now: Date): FilterQuery<Member> {
    const inForce = {
      grantsWifi: true,
      effectiveStartsAt: { $lte: now },
      $or: [{ effectiveEndsAt: null }, { effectiveEndsAt: { $gt: now } }],
    };
    if (!locationId) return { status: MemberStatus.ACTIVE, grants: { $some: inForce } };
    return {
      status: MemberStatus.ACTIVE,
      $or: [
        { grants: { $some: { $and: [inForce, { $or: [{ location: locationId }, { location: null }] }] } } },
        {
          $and: [
            { grants: { $some: inForce } },
            { $or: [{ roaming: true }, { homeLocations: { $some: { id: locationId } } }] },
          ],
        },
      ],
    };
  }

  private async findVisible(em: EntityManager, staff: StaffActor, id: string): Promise<Member> {
    const member = await em.findOne(Member, { id }, { populate: ['homeLocations', 'grants'] });
    if (!member || !this.visible(staff, member)) throw notFound('Member', id);
    return member;
  }

  private homedInScope(staff: StaffActor, member: Member): boolean {
    if (staff.locationIds === null) return true;
    return member.homeLocations.getItems().some((l) => canSeeLocation(staff, l.id));
  }

  private assertHomedInScope(staff: StaffActor, member: Member): void {
    if (!this.homedInScope(staff, member)) {
      throw forbidden('This member is not homed at one of your locations');
    }
  }

  /** Roaming gives WiFi at every location: only actors scoped to every location may set it. */
  private assertMayChangeRoaming(staff: StaffActor): void {
    if (staff.locationIds !== null)
      throw forbidden('Only administrators of every location may change roaming');
  }

  /** Email, name, username or company would change (values equal to the current ones do not count). */
  private changesIdentity(member: Member, input: MemberFields): boolean {
    return (
      (input.email !== undefined && input.email.trim() !== member.email) ||
      (input.fullName !== undefined && input.fullName.trim() !== member.fullName) ||
      (input.username != null && input.username.trim().toLowerCase() !== member.username) ||
      (input.company !== undefined && (input.company?.trim() || null) !== member.company)
    );
  }

  /** Location managers assign only groups of their locations (deployment-wide groups: others). */
  private mayAssignGroup(staff: StaffActor, group: Group): boolean {
    if (staff.locationIds === null) return true;
    return group.location !== null && canSeeLocation(staff, group.location.id);
  }

  private seesEverythingOf(actor: Actor, member: Member): boolean {
    if (actor.type === ActorType.SYSTEM) return true;
    if (actor.type === ActorType.MEMBER) return actor.memberId === member.id;
    return isStaff(actor) && actor.locationIds === null;
  }

  /** Flushes a passphrase change; a concurrent identical passphrase surfaces as PASSPHRASE_IN_USE. */
  private async flushPassphrase(em: EntityManager): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (
        err instanceof UniqueConstraintViolationException &&
        (err as { constraint?: string }).constraint === FINGERPRINT_CONSTRAINT
      ) {
        throw new DomainError(
          ErrorCode.PASSPHRASE_IN_USE,
          'This passphrase cannot be used: choose another one',
        );
      }
      throw err;
    }
  }

  private validate(input: MemberFields, p: Problems): void {
    if (input.email !== undefined && !isEmail(input.email.trim())) {
      p.add('email', 'INVALID_EMAIL', 'is not an email address');
    }
    if (input.fullName !== undefined && (input.fullName.length > 200 || input.fullName.trim() === '')) {
      p.add('fullName', 'INVALID_NAME', 'must be 1–200 characters');
    }
    if (input.username != null && !/^[\x21-\x7e]{1,253}$/.test(input.username.trim())) {
      p.add('username', 'INVALID_USERNAME', 'printable ASCII without spaces, at most 253 characters');
    }
  }

  private async locations(tx: Tx, staff: StaffActor, ids: string[]): Promise<Location[]> {
    const unique = [...new Set(ids)];
    const found = unique.length ? await tx.em.find(Location, { id: { $in: unique } }) : [];
    for (const id of unique) {
      if (!found.some((l) => l.id === id)) throw notFound('Location', id);
      if (!canSeeLocation(staff, id)) throw notFound('Location', id);
    }
    return found;
  }

  /** NOT_FOUND for unknown groups and groups of other locations; FORBIDDEN for deployment-wide ones. */
  private async groups(em: EntityManager, staff: StaffActor, ids: string[]): Promise<Group[]> {
    const unique = [...new Set(ids)];
    const found = unique.length ? await em.find(Group, { id: { $in: unique } }) : [];
    for (const id of unique) {
      const group = found.find((g) => g.id === id);
      if (!group) throw notFound('Group', id);
      if (this.mayAssignGroup(staff, group)) continue;
      if (group.location === null)
        throw forbidden('Only administrators of every location may assign this group');
      throw notFound('Group', id);
    }
    return found;
  }

  /**
   * A username held by a deleted member is free: that member is renamed out of the way (members
   * deleted before usernames were freed on delete still hold theirs).
   */
  private async assertUsernameFree(
    em: EntityManager,
    username: string,
    selfId: string | null,
  ): Promise<void> {
    const owner = await em.findOne(Member, { username }, { fields: ['id', 'status'] });
    if (!owner || owner.id === selfId) return;
    if (owner.status === MemberStatus.DELETED && username !== deletedUsername(owner.id)) {
      await em.nativeUpdate(Member, { id: owner.id }, { username: deletedUsername(owner.id) });
      return;
    }
    throw new DomainError(ErrorCode.ALREADY_EXISTS, `The username ${username} is taken`, {
      field: 'username',
    });
  }

  private assertNotDeleted(member: Member): void {
    if (member.status === MemberStatus.DELETED) {
      throw new DomainError(ErrorCode.CONFLICT, 'This member was deleted', { status: member.status });
    }
  }
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}

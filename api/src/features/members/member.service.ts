import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import {
  assertLocationAccess,
  canSeeLocation,
  requireStaff,
  type Actor,
  type StaffActor,
} from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { paginate, type Page } from '../../common/pagination.js';
import { DomainError, ErrorCode, notFound, Problems } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { decideAccess, type AccessDecision } from '../../domain/access/access-policy.js';
import { Group, Location, Member, MemberStatus } from '../../entities/index.js';
import { notifyMemberChanged } from '../../events/notify.js';
import type { JobQueue } from '../../jobs/job-queue.js';
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

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class MemberService {
  constructor(
    private readonly credentials: MemberCredentials,
    private readonly jobs: JobQueue,
  ) {}

  async list(
    em: EntityManager,
    actor: Actor,
    filter: MemberFilter,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Member>> {
    const staff = requireStaff(actor, Permission.MemberRead);
    const and: FilterQuery<Member>[] = [];
    if (staff.locationIds !== null) and.push(this.atLocations([...staff.locationIds]));
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
    if (filter.locationId) and.push(this.atLocations([filter.locationId]));
    if (filter.groupId) and.push({ groups: { $some: { id: filter.groupId } } });
    if (filter.integrationId) and.push({ sources: { $some: { integration: filter.integrationId } } });
    if (filter.hasAccess != null) {
      const now = new Date();
      const covering: FilterQuery<Member> = {
        status: MemberStatus.ACTIVE,
        grants: {
          $some: {
            grantsWifi: true,
            effectiveStartsAt: { $lte: now },
            $or: [{ effectiveEndsAt: null }, { effectiveEndsAt: { $gt: now } }],
            ...(filter.locationId
              ? { $and: [{ $or: [{ location: filter.locationId }, { location: null }] }] }
              : {}),
          },
        },
      };
      and.push(filter.hasAccess ? covering : { $not: covering });
    }
    return paginate(em, Member, { $and: and }, { first, after });
  }

  async get(em: EntityManager, actor: Actor, id: string): Promise<Member> {
    requireStaff(actor, Permission.MemberRead);
    const member = await em.findOne(Member, { id }, { populate: ['homeLocations', 'grants'] });
    if (!member || !this.visible(actor, member)) throw notFound('Member', id);
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
    const p = new Problems();
    this.validate(input, p);
    if (input.locationIds.length === 0 && staff.locationIds !== null) {
      p.add('locationIds', 'LOCATION_REQUIRED', 'give at least one of your locations');
    }
    p.throwIfAny();
    const emailNormalized = input.email.trim().toLowerCase();
    if (await tx.em.count(Member, { emailNormalized })) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `A member with email ${input.email.trim()} exists`, {
        field: 'email',
      });
    }
    const username = (input.username?.trim() || emailNormalized).toLowerCase();
    await this.assertUsernameFree(tx.em, username, null);
    const locations = await this.locations(tx, staff, input.locationIds);
    const member = tx.em.create(Member, {
      email: input.email.trim(),
      emailNormalized,
      fullName: input.fullName.trim(),
      company: input.company?.trim() || null,
      username,
      roaming: input.roaming ?? false,
      status: MemberStatus.ACTIVE,
    });
    member.homeLocations.set(locations);
    if (input.groupIds?.length) member.groups.set(await this.groups(tx.em, input.groupIds));
    await this.credentials.assign(tx.em, member, input.passphrase ?? undefined);
    await tx.em.flush();
    await notifyMemberChanged(tx.em, member.id, 'CREATED');
    tx.afterCommit(() => this.jobs.computePmks(member.id));
    return member;
  }

  async update(tx: Tx, id: string, input: MemberFields): Promise<Member> {
    const staff = requireStaff(tx.actor, Permission.MemberWrite);
    const member = await this.get(tx.em, tx.actor, id);
    this.assertNotDeleted(member);
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
    if (input.locationIds !== undefined)
      member.homeLocations.set(await this.locations(tx, staff, input.locationIds));
    if (input.groupIds !== undefined) member.groups.set(await this.groups(tx.em, input.groupIds));
    await tx.em.flush();
    await notifyMemberChanged(tx.em, member.id, 'UPDATED');
    return member;
  }

  async setStatus(tx: Tx, id: string, status: MemberStatus.ACTIVE | MemberStatus.DISABLED): Promise<Member> {
    requireStaff(tx.actor, Permission.MemberWrite);
    const member = await this.get(tx.em, tx.actor, id);
    this.assertNotDeleted(member);
    if (member.status !== status) {
      member.status = status;
      await tx.em.flush();
      await notifyMemberChanged(tx.em, member.id, 'STATUS_CHANGED');
    }
    return member;
  }

  /** Soft delete: the row stays for history (sessions, audit), every secret and device goes. */
  async delete(tx: Tx, id: string): Promise<Member> {
    requireStaff(tx.actor, Permission.MemberWrite);
    const member = await this.get(tx.em, tx.actor, id);
    this.assertNotDeleted(member);
    await tx.em.populate(member, ['devices', 'groups']);
    member.status = MemberStatus.DELETED;
    member.deletedAt = new Date();
    member.devices.removeAll();
    member.groups.removeAll();
    await this.credentials.clear(tx.em, member);
    await tx.em.flush();
    await notifyMemberChanged(tx.em, member.id, 'DELETED');
    return member;
  }

  async setPassphrase(tx: Tx, id: string, passphrase?: string): Promise<Member> {
    requireStaff(tx.actor, Permission.MemberWrite);
    const member = await this.get(tx.em, tx.actor, id);
    this.assertNotDeleted(member);
    await this.credentials.assign(tx.em, member, passphrase);
    await tx.em.flush();
    await notifyMemberChanged(tx.em, member.id, 'PASSPHRASE_CHANGED');
    tx.afterCommit(() => this.jobs.computePmks(member.id));
    return member;
  }

  async revealPassphrase(tx: Tx, id: string): Promise<string | null> {
    requireStaff(tx.actor, Permission.MemberSecret);
    const member = await this.get(tx.em, tx.actor, id);
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

  visible(actor: Actor, member: Member): boolean {
    const staff = requireStaff(actor);
    if (staff.locationIds === null) return true;
    const ids = [
      ...member.homeLocations.getItems().map((l) => l.id),
      ...member.grants.getItems().flatMap((g) => (g.location ? [g.location.id] : [])),
    ];
    return ids.some((lid) => canSeeLocation(actor, lid));
  }

  private atLocations(ids: string[]): FilterQuery<Member> {
    return {
      $or: [
        { homeLocations: { $some: { id: { $in: ids } } } },
        { grants: { $some: { location: { $in: ids } } } },
      ],
    };
  }

  private validate(input: MemberFields, p: Problems): void {
    if (input.email !== undefined && (!EMAIL_RE.test(input.email.trim()) || input.email.length > 320)) {
      p.add('email', 'INVALID_EMAIL', 'is not an email address');
    }
    if (input.fullName !== undefined && (input.fullName.trim() === '' || input.fullName.length > 200)) {
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

  private async groups(em: EntityManager, ids: string[]): Promise<Group[]> {
    const unique = [...new Set(ids)];
    const found = unique.length ? await em.find(Group, { id: { $in: unique } }) : [];
    for (const id of unique) if (!found.some((g) => g.id === id)) throw notFound('Group', id);
    return found;
  }

  private async assertUsernameFree(
    em: EntityManager,
    username: string,
    selfId: string | null,
  ): Promise<void> {
    const owner = await em.findOne(Member, { username }, { fields: ['id'] });
    if (owner && owner.id !== selfId) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `The username ${username} is taken`, {
        field: 'username',
      });
    }
  }

  private assertNotDeleted(member: Member): void {
    if (member.status === MemberStatus.DELETED) {
      throw new DomainError(ErrorCode.CONFLICT, 'This member was deleted', { status: member.status });
    }
  }
}

import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { requireStaff, type Actor, type StaffActor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { DomainError, ErrorCode } from '../../common/errors.js';
import { normalizeMac } from '../../common/net.js';
import { paginate, type Page } from '../../common/pagination.js';
import type { Tx } from '../../common/tx.js';
import { AuthEvent, AuthResult, Member, NasClient, RadiusSession } from '../../entities/index.js';
import { notifyMemberChanged } from '../../events/notify.js';
import type { MemberService } from '../members/member.service.js';

export interface RadiusSessionFilter {
  memberId?: string | null;
  nasClientId?: string | null;
  locationId?: string | null;
  open?: boolean | null;
}

export interface AuthEventFilter {
  memberId?: string | null;
  macAddress?: string | null;
  nasClientId?: string | null;
  result?: AuthResult | null;
  since?: Date | null;
}

export interface AuthMinuteRow {
  minute: Date;
  accepted: number;
  rejected: number;
}

export interface DashboardData {
  membersWithAccessNow: number;
  activeSessions: number;
  authPerMinute: AuthMinuteRow[];
  acceptedLastHour: number;
  rejectedLastHour: number;
  topRejectReasons: Array<{ reason: string; count: number }>;
  nasClientCount: number;
  nasClientsSilent: NasClient[];
}

/**
 * What the RADIUS worker reads as "an administrator asked to disconnect this session": the
 * elected revoker sends the Disconnect-Request and overwrites the result with ACK/NAK/TIMEOUT.
 */
export const DISCONNECT_REQUESTED = 'REQUESTED';
const MINUTES = 60;
const SILENT_AFTER_MS = 24 * 3600_000;
const MAX_SILENT_LISTED = 100;

/** Start of the minute of `d`, in UTC milliseconds. */
export const minuteOf = (ms: number): number => Math.floor(ms / 60_000) * 60_000;

/** One entry per minute from `firstMinute` (inclusive), zeros where nothing happened. */
export function fillMinutes(
  rows: Array<{ minute: Date; accepted: number; rejected: number }>,
  firstMinute: number,
  count: number,
): AuthMinuteRow[] {
  const byMinute = new Map(rows.map((r) => [minuteOf(r.minute.getTime()), r]));
  return Array.from({ length: count }, (_, i) => {
    const at = firstMinute + i * 60_000;
    const r = byMinute.get(at);
    return { minute: new Date(at), accepted: r?.accepted ?? 0, rejected: r?.rejected ?? 0 };
  });
}

/** RADIUS sessions, decisions and the dashboard, scoped like members: a location manager sees their locations. */
export class ActivityService {
  async sessions(
    em: EntityManager,
    actor: Actor,
    filter: RadiusSessionFilter,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<RadiusSession>> {
    const staff = requireStaff(actor, Permission.MemberRead);
    const and: FilterQuery<RadiusSession>[] = [];
    if (staff.locationIds !== null) and.push({ nasClient: { location: { $in: [...staff.locationIds] } } });
    if (filter.memberId) and.push({ member: filter.memberId });
    if (filter.nasClientId) and.push({ nasClient: filter.nasClientId });
    if (filter.locationId) and.push({ nasClient: { location: filter.locationId } });
    if (filter.open === true) and.push({ stoppedAt: null });
    if (filter.open === false) and.push({ stoppedAt: { $ne: null } });
    const page = await paginate(em, RadiusSession, { $and: and }, { first, after, order: 'desc' });
    await em.populate(page.nodes, ['member', 'nasClient.location']);
    return page;
  }

  async authEvents(
    em: EntityManager,
    actor: Actor,
    filter: AuthEventFilter,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<AuthEvent>> {
    const staff = requireStaff(actor, Permission.MemberRead);
    const and: FilterQuery<AuthEvent>[] = [];
    if (staff.locationIds !== null) and.push({ location: { $in: [...staff.locationIds] } });
    if (filter.memberId) and.push({ member: filter.memberId });
    if (filter.nasClientId) and.push({ nasClient: filter.nasClientId });
    if (filter.result) and.push({ result: filter.result });
    if (filter.since) and.push({ createdAt: { $gte: filter.since } });
    if (filter.macAddress?.trim()) {
      const mac = normalizeMac(filter.macAddress);
      if (!mac) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'macAddress is not a MAC address', {
          problems: [{ field: 'macAddress', code: 'INVALID_MAC', message: 'is not a MAC address' }],
        });
      }
      and.push({ mac });
    }
    const page = await paginate(em, AuthEvent, { $and: and }, { first, after, order: 'desc' });
    await em.populate(page.nodes, ['member', 'nasClient', 'location']);
    return page;
  }

  async dashboard(
    em: EntityManager,
    actor: Actor,
    members: MemberService,
    now = new Date(),
  ): Promise<DashboardData> {
    const staff = requireStaff(actor, Permission.MemberRead);
    // `in ()` is not SQL: a manager left without locations matches nothing through an impossible id.
    const scope =
      staff.locationIds === null
        ? null
        : staff.locationIds.length
          ? [...staff.locationIds]
          : ['00000000-0000-0000-0000-000000000000'];
    const firstMinute = minuteOf(now.getTime()) - (MINUTES - 1) * 60_000;

    const [withAccess, activeSessions, minutes, reasons, nasClients, heard] = await Promise.all([
      members.list(em, staff, { hasAccess: true }, 0),
      em.count(RadiusSession, {
        stoppedAt: null,
        nasClient: scope ? { location: { $in: scope } } : { $ne: null },
      }),
      em.execute<Array<{ minute: Date; accepted: number; rejected: number }>>(
        // A row stands for repeat_count identical decisions (counted in the minute of the first).
        `select date_trunc('minute', created_at) as minute,
                coalesce(sum(repeat_count) filter (where result = 'ACCEPT'), 0)::int as accepted,
                coalesce(sum(repeat_count) filter (where result = 'REJECT'), 0)::int as rejected
           from auth_event
          where created_at >= ? ${scope ? 'and location_id in (?)' : ''}
          group by 1`,
        scope ? [new Date(firstMinute), scope] : [new Date(firstMinute)],
      ),
      em.execute<Array<{ reason: string; count: number }>>(
        `select reason, sum(repeat_count)::int as count from auth_event
          where result = 'REJECT' and created_at >= ? ${scope ? 'and location_id in (?)' : ''}
          group by reason order by count desc, reason limit 5`,
        scope ? [new Date(firstMinute), scope] : [new Date(firstMinute)],
      ),
      em.find(NasClient, scope ? { location: { $in: scope } } : {}, {
        populate: ['location'],
        orderBy: { name: 'asc', id: 'asc' },
      }),
      this.nasHeardSince(em, new Date(now.getTime() - SILENT_AFTER_MS)),
    ]);

    const perMinute = fillMinutes(
      minutes.map((r) => ({ ...r, minute: new Date(r.minute) })),
      firstMinute,
      MINUTES,
    );
    const silentSince = now.getTime() - SILENT_AFTER_MS;
    const silent = nasClients.filter(
      (n) => !heard.has(n.id) && (n.lastSeenAt === null || n.lastSeenAt.getTime() < silentSince),
    );
    return {
      membersWithAccessNow: withAccess.totalCount,
      activeSessions,
      authPerMinute: perMinute,
      acceptedLastHour: perMinute.reduce((s, m) => s + m.accepted, 0),
      rejectedLastHour: perMinute.reduce((s, m) => s + m.rejected, 0),
      topRejectReasons: reasons,
      nasClientCount: nasClients.length,
      nasClientsSilent: silent.slice(0, MAX_SILENT_LISTED),
    };
  }

  /** NAS clients that sent a request or accounting since `since` (two index range scans). */
  private async nasHeardSince(em: EntityManager, since: Date): Promise<Set<string>> {
    const rows = await em.execute<Array<{ id: string }>>(
      `select nas_client_id as id from auth_event where created_at >= ? and nas_client_id is not null
        union
       select nas_client_id from radius_session where last_update_at >= ? and nas_client_id is not null and stopped_at is null
        union
       select nas_client_id from radius_session where stopped_at >= ? and nas_client_id is not null`,
      [since, since, since],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Asks the RADIUS server to disconnect the member's open sessions (on NAS clients the actor may
   * manage). The API sends no UDP: it marks the sessions and NOTIFYs, the elected revoker sends the
   * Disconnect-Requests and records their results on the same rows.
   */
  async disconnectMember(
    tx: Tx,
    members: MemberService,
    memberId: string,
  ): Promise<{ member: Member; sessionsRequested: number }> {
    const staff: StaffActor = requireStaff(tx.actor, Permission.MemberWrite);
    const member = await members.getForWrite(tx, memberId);
    const open = await tx.em.find(
      RadiusSession,
      {
        member: member.id,
        stoppedAt: null,
        nasClient: staff.locationIds === null ? { $ne: null } : { location: { $in: [...staff.locationIds] } },
      },
      { fields: ['id'] },
    );
    if (open.length > 0) {
      await tx.em.nativeUpdate(
        RadiusSession,
        { id: { $in: open.map((s) => s.id) } },
        { disconnectRequestedAt: new Date(), disconnectResult: DISCONNECT_REQUESTED },
      );
      await notifyMemberChanged(tx.em, member.id, 'UPDATED');
    }
    return { member, sessionsRequested: open.length };
  }
}

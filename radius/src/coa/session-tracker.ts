import type pg from 'pg';
import type { AccountingRecord } from '../store/write-store.js';

export interface OpenSession {
  acctUniqueId: string;
  acctSessionId: string;
  nasClientId: string;
  nasIpAddress: string;
  memberId: string | null;
  username: string | null;
  callingStationId: string | null;
  /** When access ends, per the last decision (ms since epoch); null = open-ended or unknown. */
  validUntil: number | null;
  disconnectSentAt: number | null;
  /**
   * An administrator asked for this session to end (the API's disconnectMember marks the row
   * `disconnect_result = 'REQUESTED'`): the time of that request, or null. Revoked even when the
   * member keeps access.
   */
  disconnectRequestedAt: number | null;
  /** The request (its `disconnectRequestedAt`) a Disconnect-Request was already sent for. */
  disconnectRequestHandled: number | null;
}

/** The API's mark for "an administrator asked to disconnect this session" (activity.service.ts). */
export const DISCONNECT_REQUESTED = 'REQUESTED';

/** An administrator's disconnect request that no Disconnect-Request has answered yet. */
export const adminDisconnectPending = (s: OpenSession): boolean =>
  s.disconnectRequestedAt !== null && s.disconnectRequestedAt !== s.disconnectRequestHandled;

/**
 * What a `radius_session` row says about disconnects: `requestedAt` when an administrator's request
 * waits, `sentAt` when a Disconnect-Request was already ACKed/NAKed (by us or a previous leader),
 * so it is not sent again while its Stop is on the way; a TIMEOUT may be retried.
 */
export function disconnectState(
  requestedAt: Date | string | null,
  result: string | null,
): { requestedAt: number | null; sentAt: number | null } {
  const at = requestedAt ? new Date(requestedAt).getTime() : null;
  if (at === null || Number.isNaN(at)) return { requestedAt: null, sentAt: null };
  if (result === DISCONNECT_REQUESTED) return { requestedAt: at, sentAt: null };
  if (result === 'TIMEOUT') return { requestedAt: null, sentAt: null };
  return { requestedAt: null, sentAt: at };
}

/** Open accounting sessions, by id and by member: what a revocation has to disconnect. */
export class SessionTracker {
  private readonly open = new Map<string, OpenSession>();
  private readonly byMember = new Map<string, Set<string>>();

  /**
   * Takes the open sessions from the database (every worker writes accounting there), keeping what
   * this process already knows about each (computed validity, a Disconnect-Request in flight).
   * With `memberId`, only that member's sessions are refreshed.
   */
  async load(db: pg.Pool, memberId?: string): Promise<void> {
    const { rows } = await db.query(
      `select acct_unique_id, acct_session_id, nas_client_id, nas_ip_address, member_id, username, calling_station_id,
              disconnect_requested_at, disconnect_result
         from radius_session where stopped_at is null and nas_client_id is not null and nas_ip_address is not null
         ${memberId ? 'and member_id = $1' : ''}`,
      memberId ? [memberId] : [],
    );
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.acct_unique_id);
      const state = disconnectState(r.disconnect_requested_at, r.disconnect_result);
      const known = this.open.get(r.acct_unique_id);
      if (known) {
        known.nasIpAddress = r.nas_ip_address;
        known.disconnectRequestedAt = state.requestedAt;
        if (!known.memberId && r.member_id) {
          known.memberId = r.member_id;
          this.index(known);
        }
        continue;
      }
      this.put({
        acctUniqueId: r.acct_unique_id,
        acctSessionId: r.acct_session_id,
        nasClientId: r.nas_client_id,
        nasIpAddress: r.nas_ip_address,
        memberId: r.member_id,
        username: r.username,
        callingStationId: r.calling_station_id,
        validUntil: null,
        disconnectSentAt: state.sentAt,
        disconnectRequestedAt: state.requestedAt,
        disconnectRequestHandled: null,
      });
    }
    const stale = memberId ? this.forMember(memberId) : [...this.open.values()];
    for (const s of stale) if (!seen.has(s.acctUniqueId)) this.remove(s.acctUniqueId);
  }

  observe(r: AccountingRecord): void {
    if (r.status === 'ON' || r.status === 'OFF') {
      for (const s of [...this.open.values()])
        if (s.nasClientId === r.nasClientId) this.remove(s.acctUniqueId);
      return;
    }
    if (!r.acctUniqueId || !r.acctSessionId) return;
    if (r.status === 'STOP') {
      this.remove(r.acctUniqueId);
      return;
    }
    const existing = this.open.get(r.acctUniqueId);
    if (existing) {
      existing.nasIpAddress = r.nasIpAddress;
      if (!existing.memberId && r.memberId) {
        existing.memberId = r.memberId;
        this.index(existing);
      }
      return;
    }
    this.put({
      acctUniqueId: r.acctUniqueId,
      acctSessionId: r.acctSessionId,
      nasClientId: r.nasClientId,
      nasIpAddress: r.nasIpAddress,
      memberId: r.memberId,
      username: r.username,
      callingStationId: r.callingStationId,
      validUntil: null,
      disconnectSentAt: null,
      disconnectRequestedAt: null,
      disconnectRequestHandled: null,
    });
  }

  forMember(memberId: string): OpenSession[] {
    const ids = this.byMember.get(memberId);
    if (!ids) return [];
    return [...ids].flatMap((id) => {
      const s = this.open.get(id);
      return s ? [s] : [];
    });
  }

  /** Forget computed validity so the next sweep decides every session afresh (after a full reload). */
  invalidateAll(): void {
    for (const s of this.open.values()) s.validUntil = null;
  }

  all(): IterableIterator<OpenSession> {
    return this.open.values();
  }

  get size(): number {
    return this.open.size;
  }

  remove(acctUniqueId: string): void {
    const s = this.open.get(acctUniqueId);
    if (!s) return;
    this.open.delete(acctUniqueId);
    if (s.memberId) this.byMember.get(s.memberId)?.delete(acctUniqueId);
  }

  private put(s: OpenSession): void {
    this.open.set(s.acctUniqueId, s);
    this.index(s);
  }

  private index(s: OpenSession): void {
    if (!s.memberId) return;
    let set = this.byMember.get(s.memberId);
    if (!set) this.byMember.set(s.memberId, (set = new Set()));
    set.add(s.acctUniqueId);
  }
}

import { normalizeMac } from '@lanyard/api/net';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AccessHandler } from '../handlers/access.handler.js';
import type { MemberEntry, Snapshot } from '../snapshot/snapshot.js';
import type { DisconnectSender } from './disconnect-sender.js';
import { adminDisconnectPending, type OpenSession, type SessionTracker } from './session-tracker.js';

/**
 * Ends sessions whose access ended: at once when a member change takes access away (status,
 * grants, deletion, passphrase rotation), and at `validUntil` through a once-a-second sweep.
 */
export class Revoker {
  private timer: NodeJS.Timeout | null = null;
  private refresher: NodeJS.Timeout | null = null;
  private staleTimer: NodeJS.Timeout | null = null;
  /** Only the elected worker acts (see LeaderElection); the others keep quiet. */
  active = false;
  readonly stats = { revocations: 0 };

  constructor(
    private readonly snapshot: Snapshot,
    private readonly sessions: SessionTracker,
    private readonly access: AccessHandler,
    private readonly sender: DisconnectSender,
    private readonly logger: Logger,
    private readonly db: pg.Pool,
    private readonly staleAfterSeconds = 1800,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.active && this.sweep(), 1000);
    this.timer.unref();
    // Accounting lands in whichever worker the kernel picked: the database has every session.
    this.refresher = setInterval(() => {
      if (this.active)
        void this.sessions
          .load(this.db)
          .catch((err: Error) => this.logger.debug({ err: err.message }, 'session refresh failed'));
    }, 2000);
    this.refresher.unref();
    this.staleTimer = setInterval(() => this.active && void this.closeStale(), 60_000);
    this.staleTimer.unref();
  }

  /**
   * Sessions the NAS stopped reporting on (no Interim-Update for three intervals: the AP rebooted
   * without Accounting-On, or lost its Stop) are closed at their last update.
   */
  async closeStale(): Promise<number> {
    try {
      const r = await this.db.query(
        `update radius_session set stopped_at = last_update_at, terminate_cause = 'Stale', updated_at = now()
          where stopped_at is null and last_update_at < now() - make_interval(secs => $1)`,
        [this.staleAfterSeconds],
      );
      return r.rowCount ?? 0;
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'stale session sweep failed');
      return 0;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.refresher) clearInterval(this.refresher);
    if (this.staleTimer) clearInterval(this.staleTimer);
  }

  /** After a full snapshot reload: every session is decided again by the next sweep. */
  snapshotReloaded(): void {
    this.sessions.invalidateAll();
  }

  setActive(active: boolean): void {
    this.active = active;
    if (active) void this.sessions.load(this.db).catch(() => undefined);
  }

  /** After the snapshot took the new state of a member (`current` null when gone). */
  async memberChanged(
    memberId: string,
    previous: MemberEntry | undefined,
    current: MemberEntry | null,
  ): Promise<void> {
    if (!this.active) return;
    await this.sessions.load(this.db, memberId).catch(() => undefined);
    // Devices the member removed (portal, admin): their sessions end even though the member keeps access.
    const unbound = new Set(
      previous && current ? previous.macs.filter((m) => !current.macs.includes(m)) : [],
    );
    for (const session of this.sessions.forMember(memberId)) {
      const rotated = previous && current && previous.passphraseVersion !== current.passphraseVersion;
      const mac = session.callingStationId ? normalizeMac(session.callingStationId) : null;
      if (adminDisconnectPending(session)) this.revoke(session, 'ADMIN_REQUESTED');
      else if (!current || rotated || !this.stillAllowed(session, current))
        this.revoke(session, current ? (rotated ? 'PASSPHRASE_ROTATED' : 'ACCESS_ENDED') : 'MEMBER_REMOVED');
      else if (mac && unbound.has(mac)) this.revoke(session, 'DEVICE_REMOVED');
    }
  }

  sweep(now = Date.now()): void {
    for (const session of this.sessions.all()) {
      // A request the NOTIFY did not deliver to an active revoker (leader change) is found here.
      if (adminDisconnectPending(session)) {
        this.revoke(session, 'ADMIN_REQUESTED');
        continue;
      }
      if (session.disconnectSentAt || !session.memberId) continue;
      if (session.validUntil === null) {
        const member = this.snapshot.members.get(session.memberId);
        if (member) this.stillAllowed(session, member); // computes validUntil
        continue;
      }
      if (session.validUntil <= now) {
        const member = this.snapshot.members.get(session.memberId);
        if (!member || !this.stillAllowed(session, member)) this.revoke(session, 'VALIDITY_ENDED');
      }
    }
  }

  private stillAllowed(session: OpenSession, member: MemberEntry): boolean {
    const nas = this.snapshot.nasById.get(session.nasClientId);
    if (!nas) return true; // the NAS is gone; nothing to send a Disconnect-Request to
    const d = this.access.decide(member, nas);
    session.validUntil = d.allowed ? (d.validUntil ? d.validUntil.getTime() : Number.MAX_SAFE_INTEGER) : 0;
    return d.allowed;
  }

  private revoke(session: OpenSession, why: string): void {
    const nas = this.snapshot.nasById.get(session.nasClientId);
    if (!nas) return;
    if (adminDisconnectPending(session)) {
      // An administrator's request is sent even when one of ours is already out (they asked again).
      session.disconnectRequestHandled = session.disconnectRequestedAt;
    } else if (session.disconnectSentAt) return;
    session.disconnectSentAt = Date.now();
    this.stats.revocations++;
    void this.sender.disconnect(session, nas).then((result) => {
      this.logger.info(
        { session: session.acctSessionId, member: session.memberId, why, result },
        'disconnect requested',
      );
      // Kept until its Stop arrives; a timed-out request is tried again after a pause.
      if (result === 'TIMEOUT') {
        const retry = setTimeout(() => {
          session.disconnectSentAt = null;
          session.validUntil = null;
        }, 30_000);
        retry.unref();
      }
    });
  }
}

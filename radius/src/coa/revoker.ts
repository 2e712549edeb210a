import type { Logger } from 'pino';
import type { AccessHandler } from '../handlers/access.handler.js';
import type { MemberEntry, Snapshot } from '../snapshot/snapshot.js';
import type { DisconnectSender } from './disconnect-sender.js';
import type { OpenSession, SessionTracker } from './session-tracker.js';

/**
 * Ends sessions whose access ended: at once when a member change takes access away (status,
 * grants, deletion, passphrase rotation), and at `validUntil` through a once-a-second sweep.
 */
export class Revoker {
  private timer: NodeJS.Timeout | null = null;
  readonly stats = { revocations: 0 };

  constructor(
    private readonly snapshot: Snapshot,
    private readonly sessions: SessionTracker,
    private readonly access: AccessHandler,
    private readonly sender: DisconnectSender,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** After the snapshot took the new state of a member (`current` null when gone). */
  memberChanged(memberId: string, previous: MemberEntry | undefined, current: MemberEntry | null): void {
    for (const session of this.sessions.forMember(memberId)) {
      const rotated = previous && current && previous.passphraseVersion !== current.passphraseVersion;
      if (!current || rotated || !this.stillAllowed(session, current))
        this.revoke(session, current ? (rotated ? 'PASSPHRASE_ROTATED' : 'ACCESS_ENDED') : 'MEMBER_REMOVED');
    }
  }

  sweep(now = Date.now()): void {
    for (const session of this.sessions.all()) {
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
    if (!nas || session.disconnectSentAt) return;
    session.disconnectSentAt = Date.now();
    this.stats.revocations++;
    void this.sender.disconnect(session, nas).then((result) => {
      this.logger.info(
        { session: session.acctSessionId, member: session.memberId, why, result },
        'disconnect requested',
      );
      if (result === 'ACK') this.sessions.remove(session.acctUniqueId);
    });
  }
}

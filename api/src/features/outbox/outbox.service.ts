import type { EntityManager } from '@mikro-orm/postgresql';
import { hasPermission, requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { DomainError, ErrorCode } from '../../common/errors.js';
import { paginate, type Page } from '../../common/pagination.js';
import type { Tx } from '../../common/tx.js';
import { MemberStatus, OutboxMessage, type OutboxStatus } from '../../entities/index.js';
import type { MailBody, MailService } from '../../mail/mail.service.js';
import type { MemberService } from '../members/member.service.js';

/**
 * The outbox as admins see it. Reading needs AuditRead (it says who was mailed what and when);
 * the bodies need MemberSecret on top, because credential mails carry the passphrase and sign-in
 * mails a working link.
 */
export class OutboxService {
  /** One decryption per loaded message, shared by its html and text fields. */
  private readonly bodies = new WeakMap<OutboxMessage, Promise<MailBody | null>>();

  constructor(
    private readonly members: MemberService,
    private readonly mail: MailService,
  ) {}

  list(
    em: EntityManager,
    actor: Actor,
    status: OutboxStatus | null | undefined,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<OutboxMessage>> {
    requireStaff(actor, Permission.AuditRead);
    return paginate(em, OutboxMessage, status ? { status } : {}, { first, after, order: 'desc' });
  }

  /** A listed message's body: null without MemberSecret, and once the message was sent. */
  body(em: EntityManager, actor: Actor | null, message: OutboxMessage): Promise<MailBody | null> {
    if (!hasPermission(actor, Permission.MemberSecret)) return Promise.resolve(null);
    let body = this.bodies.get(message);
    if (!body) {
      body = em.populate(message, ['bodyEnc']).then(() => this.mail.bodyOf(message));
      this.bodies.set(message, body);
    }
    return body;
  }

  /** Sends the member their credentials again. */
  async resendMemberCredentials(tx: Tx, memberId: string): Promise<OutboxMessage> {
    const member = await this.members.getForWrite(tx, memberId, {
      permission: Permission.MemberSecret,
      whole: true,
    });
    if (member.status === MemberStatus.DELETED) {
      throw new DomainError(ErrorCode.CONFLICT, 'This member was deleted', { status: member.status });
    }
    return this.mail.sendMemberCredentials(tx.em, member);
  }
}

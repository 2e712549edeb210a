import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { Member } from '../../entities/index.js';
import { readIntegrationSettings } from '../../integrations/integration-settings.js';
import type { MailService } from '../../mail/mail.service.js';

export interface CredentialDelivery {
  /** Members whose access began in this call. */
  began: string[];
  /** Those of them mailed their credentials. */
  mailed: string[];
}

/** Members claimed per transaction by the minute job. */
const BATCH = 200;

/**
 * The credentials email goes once, when a member's WiFi access first begins, however it begins: a
 * sync run (new member, a booking today, an enabled member), the clock (a contract or booking
 * starting: the minute job) or an admin (a grant, enabling). `member.access_began_at` is set in the
 * caller's transaction together with the queued mail, under a row lock, so racing paths cannot both
 * mail. The mail goes only if an integration the member comes from has `credentialEmail` on at that
 * moment; members whose access began while it was off are not mailed when it is turned on later.
 */
export class CredentialDeliveryService {
  constructor(
    private readonly mail: MailService,
    private readonly logger: Logger,
  ) {}

  /** Claims and mails the listed members (or any, up to `limit`) whose access has begun by `now`. */
  async deliver(
    em: EntityManager,
    opts: { memberIds?: string[]; now?: Date; limit?: number } = {},
  ): Promise<CredentialDelivery> {
    if (opts.memberIds?.length === 0) return { began: [], mailed: [] };
    const now = opts.now ?? new Date();
    // `= any(array(…))`: the list is read once. As `in (select jsonb_array_elements_text(…))` the
    // planner, seeing the members a sync has just inserted as a few rows, re-read the whole list for
    // each member: 44 s for the 10,000 members of a first sync.
    const only = opts.memberIds
      ? 'and m.id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))'
      : '';
    const rows = await em.execute<Array<{ id: string }>>(
      `update member set access_began_at = ?
        where id in (
          select m.id from member m
           where m.access_began_at is null and m.status = 'ACTIVE' and m.passphrase_enc is not null ${only}
             and exists (select 1 from access_grant g
                          where g.member_id = m.id and g.grants_wifi and g.effective_starts_at <= ?
                            and (g.effective_ends_at is null or g.effective_ends_at > ?))
           order by m.id ${opts.limit ? `limit ${Math.trunc(opts.limit)}` : ''}
           for update of m skip locked)
        returning id`,
      [now, ...(opts.memberIds ? [JSON.stringify(opts.memberIds)] : []), now, now],
    );
    const began = rows.map((r) => r.id);
    if (!began.length) return { began, mailed: [] };

    const sources = await em.execute<Array<{ member_id: string; settings: Record<string, unknown> | null }>>(
      `select s.member_id, i.settings from member_source s join integration i on i.id = s.integration_id
        where s.member_id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))`,
      [JSON.stringify(began)],
    );
    const toMail = new Set(
      sources.filter((s) => readIntegrationSettings(s.settings).credentialEmail).map((s) => s.member_id),
    );
    const mailed: string[] = [];
    const members = toMail.size
      ? await em.find(Member, { id: { $in: [...toMail] } }, { populate: ['homeLocations'] })
      : [];
    for (const member of members) {
      try {
        await this.mail.sendMemberCredentials(em, member);
        mailed.push(member.id);
      } catch (err) {
        // No location to name in the mail: nothing a retry would fix; an admin can resend later.
        if (!(err instanceof DomainError)) throw err;
        this.logger.warn({ memberId: member.id, code: err.code }, 'credentials email not sent');
      }
    }
    if (mailed.length) this.logger.info({ members: mailed.length }, 'credentials emails queued');
    return { began, mailed };
  }

  /** The minute job: every member whose access has begun, one transaction per batch. */
  async deliverDue(em: EntityManager, now = new Date()): Promise<CredentialDelivery> {
    const total: CredentialDelivery = { began: [], mailed: [] };
    for (;;) {
      const batch = await em.fork().transactional((tem) => this.deliver(tem, { now, limit: BATCH }));
      total.began.push(...batch.began);
      total.mailed.push(...batch.mailed);
      if (batch.began.length < BATCH) return total;
    }
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../common/logger.js';
import { Member } from '../../entities/index.js';
import type { MailService } from '../../mail/mail.service.js';

/**
 * The sync engine's hook for `credentialEmail`: each newly provisioned member gets the credentials
 * mail of their home location, queued in the run's transaction (so it is sent only if the run commits).
 */
export async function sendCredentialEmails(
  em: EntityManager,
  mail: MailService,
  memberIds: string[],
  logger: Logger,
): Promise<void> {
  const members = await em.find(Member, { id: { $in: memberIds } }, { populate: ['homeLocations'] });
  for (const member of members) {
    const location = member.homeLocations.getItems()[0];
    if (!location) {
      logger.warn({ memberId: member.id }, 'credentials email not sent: the member has no home location');
      continue;
    }
    await mail.sendMemberCredentials(em, member, location);
  }
}

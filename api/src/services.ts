import type { Config } from './config/config.js';
import type { SecretBox } from './common/crypto/secret-box.js';
import type { RateLimiter } from './common/rate-limiter.js';
import { AccessGrantService } from './features/access-grants/access-grant.service.js';
import { AdminUserService } from './features/admins/admin-user.service.js';
import { ApiKeyService } from './features/api-keys/api-key.service.js';
import { AuditService } from './features/audit/audit.service.js';
import { AuthService } from './features/auth/auth.service.js';
import { GroupService } from './features/groups/group.service.js';
import { CredentialDeliveryService } from './features/integrations/credential-delivery.service.js';
import { IntegrationService, type IntegrationSyncDeps } from './features/integrations/integration.service.js';
import { LocationService } from './features/locations/location.service.js';
import { MemberCredentials } from './features/members/member-credentials.js';
import { MemberService } from './features/members/member.service.js';
import { NasClientService } from './features/nas-clients/nas-client.service.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { Logger } from './common/logger.js';
import { MailService } from './mail/mail.service.js';
import { EmailTemplateService } from './features/email-templates/email-template.service.js';
import { OutboxService } from './features/outbox/outbox.service.js';
import { MemberSessionService } from './features/portal/member-session.service.js';
import { PortalService } from './features/portal/portal.service.js';

/** The application's services, wired once per process. */
export function createServices(
  config: Config,
  secrets: SecretBox,
  jobs: JobQueue,
  limiter: RateLimiter,
  logger: Logger,
  sync: IntegrationSyncDeps,
) {
  const credentials = new MemberCredentials(secrets);
  const mail = new MailService(config, jobs, credentials, secrets, logger);
  const credentialDelivery = new CredentialDeliveryService(mail, logger);
  const members = new MemberService(credentials, jobs, credentialDelivery);
  const memberSessions = new MemberSessionService(secrets);
  return {
    config,
    auth: new AuthService(secrets, config.sessionTtlHours, limiter),
    admins: new AdminUserService(),
    apiKeys: new ApiKeyService(),
    audit: new AuditService(),
    locations: new LocationService(jobs),
    nasClients: new NasClientService(secrets),
    groups: new GroupService(),
    members,
    grants: new AccessGrantService(members, credentialDelivery),
    integrations: new IntegrationService(secrets, config.publicUrl, sync),
    mail,
    credentialDelivery,
    emailTemplates: new EmailTemplateService(),
    outbox: new OutboxService(members, mail),
    memberSessions,
    portal: new PortalService(config, members, credentials, memberSessions, mail, limiter, secrets),
  };
}
export type Services = ReturnType<typeof createServices>;

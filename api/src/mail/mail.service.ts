import { SecretAad } from '@lanyard/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import nodemailer, { type Transporter } from 'nodemailer';
import { SecretBoxError, type SecretBox } from '../common/crypto/secret-box.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { Config } from '../config/config.js';
import { EmailTemplate, Location, Member, OutboxMessage, OutboxStatus } from '../entities/index.js';
import type { MemberCredentials } from '../features/members/member-credentials.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { DEFAULT_TEMPLATES, TemplateKey, type TemplateSource } from './default-templates.js';
import { renderTemplate } from './templates.js';

export interface MailBody {
  html: string;
  text: string;
}

/** SMTP connections one process keeps open at most (SMTP_URL's `?maxConnections=` overrides it). */
export const SMTP_MAX_CONNECTIONS = 3;

export interface MailRequest {
  template: TemplateKey;
  to: string;
  vars: Record<string, string | number>;
  memberId?: string | null;
}

/**
 * Outgoing mail. `enqueue` renders a template and writes an OutboxMessage in the caller's
 * transaction together with its delivery job; the job sends it over SMTP_URL. Without SMTP_URL the
 * message stays in the outbox as CAPTURED, readable by admins. Bodies hold passphrases and sign-in
 * links: they are stored encrypted, decrypted only to send and for admins with the secrets
 * permission, and cleared once sent. Logs name the recipient and template only.
 */
export class MailService {
  private readonly transport: Transporter | null;
  private readonly smtpSecrets: string[];

  constructor(
    private readonly config: Pick<Config, 'smtpUrl' | 'publicUrl' | 'mail'>,
    private readonly jobs: JobQueue,
    private readonly credentials: MemberCredentials,
    private readonly secrets: SecretBox,
    private readonly logger: Logger,
  ) {
    // Pooled: a burst of credentials mails reuses a few connections instead of one per message.
    this.transport = config.smtpUrl
      ? nodemailer.createTransport({ url: config.smtpUrl, pool: true, maxConnections: SMTP_MAX_CONNECTIONS })
      : null;
    this.smtpSecrets = secretsOf(config.smtpUrl);
  }

  /** The template an admin saved, or the built-in default. */
  async templateSource(em: EntityManager, key: TemplateKey): Promise<TemplateSource> {
    const saved = await em.findOne(EmailTemplate, { key });
    return saved ?? DEFAULT_TEMPLATES[key];
  }

  async enqueue(em: EntityManager, request: MailRequest): Promise<OutboxMessage> {
    const rendered = await renderTemplate(await this.templateSource(em, request.template), request.vars);
    const message = em.create(OutboxMessage, {
      toAddress: request.to,
      subject: rendered.subject,
      templateKey: request.template,
      member: request.memberId ? em.getReference(Member, request.memberId) : null,
      status: this.transport ? OutboxStatus.PENDING : OutboxStatus.CAPTURED,
      attempts: 0,
    });
    const body: MailBody = { html: rendered.html, text: rendered.text };
    message.bodyEnc = this.secrets.encrypt(JSON.stringify(body), SecretAad.outboxBody(message.id));
    await em.flush();
    if (this.transport) {
      await this.jobs.sendMail(
        message.id,
        {
          attempts: this.config.mail.maxAttempts,
          retryDelaySeconds: this.config.mail.retryDelaySeconds,
          // Someone is waiting for a sign-in link; credential emails of a big sync can wait.
          priority: request.template === TemplateKey.magicLink ? 10 : 0,
        },
        em,
      );
    } else {
      this.logger.info(
        { to: request.to, template: request.template, outboxMessageId: message.id },
        'mail captured in the outbox (SMTP_URL is not set)',
      );
    }
    return message;
  }

  /**
   * The decrypted body of a loaded message (`bodyEnc` populated); null once sent, or when it cannot
   * be decrypted (wrong key, or a ciphertext moved from another row).
   */
  bodyOf(message: OutboxMessage): MailBody | null {
    if (!message.bodyEnc) return null;
    try {
      const body = JSON.parse(
        this.secrets.decryptString(message.bodyEnc, SecretAad.outboxBody(message.id)),
      ) as Partial<MailBody>;
      return typeof body.html === 'string' && typeof body.text === 'string'
        ? { html: body.html, text: body.text }
        : null;
    } catch (err) {
      if (err instanceof SecretBoxError || err instanceof SyntaxError) return null;
      throw err;
    }
  }

  /**
   * The member's WiFi credentials, naming their first home location (by name), else the first
   * location of the deployment. Called when access begins (CredentialDeliveryService) and by admins.
   */
  async sendMemberCredentials(em: EntityManager, member: Member): Promise<OutboxMessage> {
    await em.populate(member, ['passphraseEnc', 'homeLocations']);
    const homes = member.homeLocations.getItems().sort((a, b) => a.name.localeCompare(b.name));
    const location = homes[0] ?? (await em.findOne(Location, {}, { orderBy: { name: 'asc' } }));
    if (!location) throw new DomainError(ErrorCode.CONFLICT, 'Create a location first');
    const passphrase = this.credentials.reveal(member);
    if (!passphrase) {
      throw new DomainError(ErrorCode.CONFLICT, 'This member has no passphrase to send', {
        reason: 'NO_PASSPHRASE',
      });
    }
    const portalUrl = `${this.config.publicUrl}/portal/${encodeURIComponent(location.slug)}`;
    return this.enqueue(em, {
      template: TemplateKey.memberCredentials,
      to: member.email,
      memberId: member.id,
      vars: {
        space_name: location.name,
        member_name: member.fullName,
        ssid: location.ssids[0] ?? '',
        username: member.username,
        password: passphrase,
        profile_url: `${portalUrl}#profiles`,
        portal_url: portalUrl,
      },
    });
  }

  /**
   * Delivers one queued message (the mail-send job). Throws while attempts remain so the job is
   * retried with backoff; after the last attempt the message is FAILED and the job completes.
   */
  async deliver(em: EntityManager, messageId: string): Promise<void> {
    const message = await em.findOne(OutboxMessage, { id: messageId }, { populate: ['bodyEnc'] });
    if (!message || message.status !== OutboxStatus.PENDING) return;
    const log = { to: message.toAddress, template: message.templateKey, outboxMessageId: message.id };
    if (!this.transport) {
      message.status = OutboxStatus.CAPTURED;
      await em.flush();
      this.logger.info(log, 'mail captured in the outbox (SMTP_URL is not set)');
      return;
    }
    const body = this.bodyOf(message);
    if (!body) {
      // Nothing a retry could fix.
      message.status = OutboxStatus.FAILED;
      message.lastError =
        'the message body is missing or cannot be decrypted (was LANYARD_SECRET_KEY changed?)';
      await em.flush();
      this.logger.warn(log, 'mail failed: no readable body');
      return;
    }
    message.attempts += 1;
    try {
      await this.transport.sendMail({
        from: this.config.mail.from,
        to: message.toAddress,
        subject: message.subject,
        html: body.html,
        text: body.text,
      });
      message.status = OutboxStatus.SENT;
      message.sentAt = new Date();
      message.lastError = null;
      // Delivered: the passphrase or sign-in link need not stay, even encrypted.
      message.bodyEnc = null;
      await em.flush();
      this.logger.info({ ...log, attempts: message.attempts }, 'mail sent');
    } catch (err) {
      message.lastError = this.describe(err);
      const final = message.attempts >= this.config.mail.maxAttempts;
      if (final) message.status = OutboxStatus.FAILED;
      await em.flush();
      this.logger.warn(
        { ...log, attempts: message.attempts, error: message.lastError, final },
        'mail failed',
      );
      if (!final) throw new Error(`mail delivery attempt ${message.attempts} failed`);
    }
  }

  /** Closes the pooled SMTP connections (at shutdown, once no delivery is running). */
  close(): void {
    this.transport?.close();
  }

  /** The SMTP error without anything from SMTP_URL's credentials. */
  private describe(err: unknown): string {
    const e = err as { code?: unknown; responseCode?: unknown; message?: unknown };
    let text = [
      typeof e.code === 'string' ? e.code : null,
      typeof e.responseCode === 'number' ? String(e.responseCode) : null,
      typeof e.message === 'string' ? e.message : String(err),
    ]
      .filter(Boolean)
      .join(' ');
    for (const secret of this.smtpSecrets) text = text.split(secret).join('[redacted]');
    return text.slice(0, 500);
  }
}

/** Username and password of an SMTP URL, raw and decoded, longest first. */
function secretsOf(url: string | null): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    const parts = [u.password, u.username, decodeURIComponent(u.password), decodeURIComponent(u.username)];
    return [...new Set(parts.filter((p) => p.length >= 3))].sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

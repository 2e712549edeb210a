import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor, MemberActor } from '../../auth/actor.js';
import type { SecretBox } from '../../common/crypto/secret-box.js';
import { DomainError, ErrorCode, forbidden, notFound, Problems } from '../../common/errors.js';
import { normalizeMac } from '../../common/net.js';
import type { RateLimiter, RateLimitRule } from '../../common/rate-limiter.js';
import type { Tx } from '../../common/tx.js';
import { isEmail } from '../../common/validation.js';
import { decideAccess, resolveGroupSettings } from '../../domain/access/access-policy.js';
import { CredentialError, passphraseStrength, validatePassphrase } from '../../domain/credentials/index.js';
import {
  ActorType,
  Device,
  DeviceLearnedBy,
  GrantKind,
  Location,
  MagicLink,
  Member,
  MemberStatus,
} from '../../entities/index.js';
import { notifyMemberChanged } from '../../events/notify.js';
import { TemplateKey } from '../../mail/default-templates.js';
import type { MailService } from '../../mail/mail.service.js';
import { renderTemplate } from '../../mail/templates.js';
import { toPolicyGrant, toPolicyMember } from '../access-grants/policy-inputs.js';
import { hashToken, newToken } from '../auth/tokens.js';
import type { MemberCredentials } from '../members/member-credentials.js';
import type { MemberService } from '../members/member.service.js';
import type { IssuedMemberSession, MemberSessionService } from './member-session.service.js';
import {
  AccessState,
  ProfileKind,
  type PassphraseCheck,
  type PortalAccess,
  type PortalDevice,
  type PortalLocation,
  type PortalMe,
} from './portal.inputs.js';
import { appleMobileconfig, profileIdentifier, windowsWlanProfile } from './profiles.js';

export const MAGIC_LINK_PREFIX = 'lyl_';
export const MAGIC_LINK_TTL_MINUTES = 15;
export const PROFILE_DOWNLOAD_TTL_SECONDS = 300;
/** Sign-in link requests per 15 minutes: per email address and per client address. */
export const MAGIC_LINK_PER_EMAIL: RateLimitRule = { limit: 5, windowSeconds: 900 };
export const MAGIC_LINK_PER_IP: RateLimitRule = { limit: 20, windowSeconds: 900 };
/**
 * Every accepted request takes at least this long, whether a link was sent or not, so response
 * time does not tell which emails belong to members.
 */
const MAGIC_LINK_MIN_MS = 250;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface ProfileFile {
  filename: string;
  contentType: string;
  body: string;
}

/** The member portal: sign-in by emailed link, own access, passphrase, devices and profiles. */
export class PortalService {
  /** How a sign-in request waits out its minimum duration (replaced by tests to observe it). */
  pause: (ms: number) => Promise<void> = sleep;

  constructor(
    private readonly config: { publicUrl: string },
    private readonly members: MemberService,
    private readonly credentials: MemberCredentials,
    private readonly sessions: MemberSessionService,
    private readonly mail: MailService,
    private readonly limiter: RateLimiter,
    private readonly secrets: SecretBox,
  ) {}

  async location(em: EntityManager, slug: string): Promise<PortalLocation | null> {
    const location = await em.findOne(Location, { slug: slug.trim().toLowerCase() });
    return location ? toPortalLocation(location) : null;
  }

  /**
   * Emails a sign-in link when `email` belongs to a member with access at the location. The answer
   * and the time it takes are the same either way: the token is always made and hashed, the mail
   * always rendered, and the response held to a minimum duration once the transaction committed.
   */
  async requestMagicLink(tx: Tx, input: { locationSlug: string; email: string }): Promise<void> {
    const email = input.email.trim().toLowerCase();
    if (!isEmail(email)) {
      new Problems().add('email', 'INVALID_EMAIL', 'is not an email address').throwIfAny();
    }
    const location = await tx.em.findOne(Location, { slug: input.locationSlug.trim().toLowerCase() });
    if (!location) throw notFound('Location', input.locationSlug);
    const ip = tx.ip ?? 'unknown';
    // Counted on the limiter's own connection, so they hold whatever this transaction does.
    const perEmail = await this.limiter.hit('magic-link-email', email, MAGIC_LINK_PER_EMAIL);
    const perIp = await this.limiter.hit('magic-link-ip', ip, MAGIC_LINK_PER_IP);
    if (perEmail > MAGIC_LINK_PER_EMAIL.limit || perIp > MAGIC_LINK_PER_IP.limit) {
      throw new DomainError(ErrorCode.RATE_LIMITED, 'Too many sign-in requests: wait 15 minutes', {
        retryAfterSeconds: MAGIC_LINK_PER_EMAIL.windowSeconds,
      });
    }
    const started = Date.now();
    try {
      const token = newToken(MAGIC_LINK_PREFIX);
      const tokenHash = hashToken(token);
      const member = await tx.em.findOne(
        Member,
        { emailNormalized: email, status: { $ne: MemberStatus.DELETED } },
        { populate: ['grants.location', 'groups', 'homeLocations'] },
      );
      const vars = {
        space_name: location.name,
        member_name: member?.fullName ?? 'Member',
        link: `${this.config.publicUrl}/portal/${encodeURIComponent(location.slug)}/signin#token=${token}`,
        expires_minutes: MAGIC_LINK_TTL_MINUTES,
      };
      if (!member || !this.hasAccess(member, location)) {
        // The same rendering work as a real send, thrown away.
        await renderTemplate(await this.mail.templateSource(tx.em, TemplateKey.magicLink), vars);
        return;
      }
      tx.em.create(MagicLink, {
        member,
        location,
        tokenHash,
        expiresAt: new Date(Date.now() + MAGIC_LINK_TTL_MINUTES * 60_000),
        requestedIp: tx.ip,
      });
      await this.mail.enqueue(tx.em, {
        template: TemplateKey.magicLink,
        to: member.email,
        memberId: member.id,
        vars,
      });
    } finally {
      // After the commit and outside the transaction: the floor covers the known path's inserts
      // and commit too, and no pooled connection is held while waiting.
      tx.afterCommit(() => {
        const left = MAGIC_LINK_MIN_MS - (Date.now() - started);
        // A little jitter so the floor itself does not become a fingerprint.
        return this.pause(left > 0 ? left + randomBytes(1)[0]! / 16 : 0);
      });
    }
  }

  /** Single use, 15 minutes: opens a portal session at the link's location. */
  async redeemMagicLink(
    tx: Tx,
    token: string,
    meta: { ip: string | null; userAgent: string | null },
  ): Promise<{ issued: IssuedMemberSession; location: Location }> {
    const invalid = () => new DomainError(ErrorCode.MAGIC_LINK_INVALID, 'This sign-in link is not valid');
    if (typeof token !== 'string' || !token.startsWith(MAGIC_LINK_PREFIX) || token.length > 100)
      throw invalid();
    const link = await tx.em.findOne(
      MagicLink,
      { tokenHash: hashToken(token.trim()) },
      { populate: ['member', 'location'] },
    );
    if (!link || !link.location || link.member.status === MemberStatus.DELETED) throw invalid();
    if (link.usedAt) throw new DomainError(ErrorCode.MAGIC_LINK_USED, 'This sign-in link was already used');
    const now = new Date();
    if (link.expiresAt <= now) {
      throw new DomainError(ErrorCode.MAGIC_LINK_EXPIRED, 'This sign-in link has expired: ask for a new one');
    }
    // The guarded update makes two simultaneous redemptions end with one winner.
    const claimed = await tx.em.nativeUpdate(MagicLink, { id: link.id, usedAt: null }, { usedAt: now });
    if (claimed !== 1) throw new DomainError(ErrorCode.MAGIC_LINK_USED, 'This sign-in link was already used');
    const issued = await this.sessions.issue(tx.em, link.member, link.location, meta);
    // The session's member is the one acting (and audited) from here on.
    tx.actor = {
      type: ActorType.MEMBER,
      memberId: link.member.id,
      label: link.member.email,
      sessionId: issued.session.id,
      locationId: link.location.id,
    };
    return { issued, location: link.location };
  }

  /** Null for anyone but a signed-in member. */
  async me(em: EntityManager, actor: Actor | null, now = new Date()): Promise<PortalMe | null> {
    if (actor?.type !== ActorType.MEMBER) return null;
    const member = await em.findOne(
      Member,
      { id: actor.memberId },
      { populate: ['grants.location', 'groups', 'homeLocations'] },
    );
    const location = actor.locationId ? await em.findOne(Location, { id: actor.locationId }) : null;
    if (!member || !location || member.status === MemberStatus.DELETED) return null;
    const devices = await em.find(
      Device,
      { member: member.id },
      { orderBy: { firstSeenAt: 'asc', id: 'asc' } },
    );
    return {
      email: member.email,
      fullName: member.fullName,
      username: member.username,
      location: toPortalLocation(location),
      timezone: location.timezone,
      access: this.access(member, location, now),
      hasPassphrase: member.passphraseFingerprint !== null,
      passphraseUpdatedAt: member.passphraseUpdatedAt,
      devices: devices.map(toPortalDevice),
    };
  }

  async myPassphrase(em: EntityManager, actor: Actor | null): Promise<string> {
    const member = await em.findOne(
      Member,
      { id: memberOf(actor).memberId },
      { populate: ['passphraseEnc'] },
    );
    const passphrase = member ? this.credentials.reveal(member) : null;
    if (!passphrase) throw new DomainError(ErrorCode.NOT_FOUND, 'You have no WiFi key yet');
    return passphrase;
  }

  async setMyPassphrase(tx: Tx, passphrase?: string): Promise<string> {
    memberOf(tx.actor);
    return (await this.members.setOwnPassphrase(tx, passphrase)).passphrase;
  }

  /** The strength meter: no side effects, and no uniqueness check (that would reveal others' keys). */
  checkPassphrase(passphrase: string): PassphraseCheck {
    const problems: string[] = [];
    try {
      validatePassphrase(passphrase);
    } catch (err) {
      if (!(err instanceof CredentialError)) throw err;
      problems.push(err.code);
    }
    return { acceptable: problems.length === 0, score: passphraseStrength(passphrase).score, problems };
  }

  async addDevice(tx: Tx, input: { macAddress: string; name?: string | null }): Promise<PortalDevice> {
    const actor = memberOf(tx.actor);
    const p = new Problems();
    const mac = normalizeMac(input.macAddress ?? '');
    if (!mac) p.add('macAddress', 'INVALID_MAC', 'is not a MAC address (12 hex digits)');
    const name = input.name?.trim() || null;
    if (name && name.length > 100) p.add('name', 'TOO_LONG', 'must be at most 100 characters');
    p.throwIfAny();
    // Serializes a member's additions, so two at once cannot both pass the device limit.
    await tx.em.execute('select id from member where id = ? for update', [actor.memberId]);
    const member = await tx.em.findOneOrFail(
      Member,
      { id: actor.memberId },
      { populate: ['groups', 'homeLocations'] },
    );
    if (await tx.em.count(Device, { mac: mac! })) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, 'This device is already registered', {
        field: 'macAddress',
      });
    }
    const max = resolveGroupSettings(toPolicyMember(member).groups, null).policy.maxDevices;
    if (max !== null && (await tx.em.count(Device, { member: member.id })) >= max) {
      throw new DomainError(ErrorCode.DEVICE_LIMIT_REACHED, `You can register at most ${max} devices`, {
        maxDevices: max,
      });
    }
    const device = tx.em.create(Device, {
      member,
      mac: mac!,
      name,
      learnedBy: DeviceLearnedBy.PORTAL,
      firstSeenAt: new Date(),
    });
    await tx.em.flush();
    await notifyMemberChanged(tx.em, member.id, 'DEVICES_CHANGED');
    return toPortalDevice(device);
  }

  /** The binding ends; RADIUS reloads the member and its revoker disconnects that MAC's sessions. */
  async removeDevice(tx: Tx, deviceId: string): Promise<boolean> {
    const actor = memberOf(tx.actor);
    const device = await tx.em.findOne(Device, { id: deviceId, member: actor.memberId });
    if (!device) throw notFound('Device', deviceId);
    tx.em.remove(device);
    await tx.em.flush();
    await notifyMemberChanged(tx.em, actor.memberId, 'DEVICES_CHANGED');
    return true;
  }

  /** A short-lived download link, signed and bound to the member (the route checks the cookie). */
  async createProfileDownload(
    em: EntityManager,
    actor: Actor | null,
    kind: ProfileKind,
    ssid: string | null | undefined,
  ): Promise<{ url: string; expiresAt: Date }> {
    const member = memberOf(actor);
    const location = member.locationId ? await em.findOne(Location, { id: member.locationId }) : null;
    if (!location) throw notFound('Location', member.locationId ?? '');
    const chosen = ssid ?? location.ssids[0];
    if (!chosen || !location.ssids.includes(chosen)) {
      new Problems().add('ssid', 'UNKNOWN_SSID', 'is not a network of this location').throwIfAny();
    }
    const expiresAt = new Date(Date.now() + PROFILE_DOWNLOAD_TTL_SECONDS * 1000);
    const payload = Buffer.from(
      JSON.stringify({ m: member.memberId, l: location.id, k: kind, s: chosen, e: expiresAt.getTime() }),
    ).toString('base64url');
    return { url: `/portal-api/profiles/${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The profile behind a download token; null (→ 404) unless valid, unexpired and the member's own. */
  async profileFile(em: EntityManager, actor: Actor | null, token: string): Promise<ProfileFile | null> {
    if (actor?.type !== ActorType.MEMBER || token.length > 2000) return null;
    const [payload, signature] = token.split('.');
    if (!payload || !signature || signature !== this.sign(payload)) return null;
    let data: { m?: unknown; l?: unknown; k?: unknown; s?: unknown; e?: unknown };
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (data.m !== actor.memberId || typeof data.e !== 'number' || data.e <= Date.now()) return null;
    if (typeof data.l !== 'string' || typeof data.s !== 'string') return null;
    const member = await em.findOne(
      Member,
      { id: actor.memberId, status: { $ne: MemberStatus.DELETED } },
      { populate: ['passphraseEnc'] },
    );
    const location = await em.findOne(Location, { id: data.l });
    const passphrase = member ? this.credentials.reveal(member) : null;
    if (!member || !location || !passphrase) return null;
    const input = {
      ssid: data.s,
      passphrase,
      displayName: location.name,
      identifier: profileIdentifier(this.config.publicUrl, member.id, data.s),
    };
    const base = `${location.slug}-wifi`.replace(/[^A-Za-z0-9._-]/g, '-');
    if (data.k === ProfileKind.APPLE_MOBILECONFIG) {
      return {
        filename: `${base}.mobileconfig`,
        contentType: 'application/x-apple-aspen-config',
        body: appleMobileconfig(input),
      };
    }
    if (data.k === ProfileKind.WINDOWS_WLAN_XML) {
      return { filename: `${base}.xml`, contentType: 'application/xml', body: windowsWlanProfile(input) };
    }
    return null;
  }

  async logout(tx: Tx): Promise<boolean> {
    const actor = memberOf(tx.actor);
    if (actor.sessionId) await this.sessions.end(tx.em, actor.sessionId);
    return true;
  }

  private sign(payload: string): string {
    return this.secrets.fingerprint(payload, 'profile-download').slice(0, 43);
  }

  private hasAccess(member: Member, location: Location, now = new Date()): boolean {
    if (member.status !== MemberStatus.ACTIVE) return false;
    return decideAccess(
      toPolicyMember(member),
      member.grants.getItems().map(toPolicyGrant),
      { id: location.id, timezone: location.timezone, defaultVlanId: location.defaultVlanId },
      now,
    ).allowed;
  }

  /** decideAccess at the session's location, in codes the portal turns into words. */
  private access(member: Member, location: Location, now: Date): PortalAccess {
    const grants = member.grants.getItems();
    const d = decideAccess(
      toPolicyMember(member),
      grants.map(toPolicyGrant),
      { id: location.id, timezone: location.timezone, defaultVlanId: location.defaultVlanId },
      now,
    );
    if (d.allowed) {
      return {
        state: AccessState.ACTIVE,
        reason: d.grantKind ?? 'ALLOWED',
        grantKind: (d.grantKind as GrantKind | null) ?? null,
        validUntil: d.validUntil,
        endedAt: null,
      };
    }
    const ended = d.reason === 'GRANT_ENDED' ? grants.find((g) => g.id === d.grantId) : undefined;
    return {
      state: member.status === MemberStatus.ACTIVE ? AccessState.NO_ACCESS : AccessState.DISABLED,
      reason: d.reason,
      grantKind: null,
      validUntil: null,
      endedAt: ended?.effectiveEndsAt ?? null,
    };
  }
}

function memberOf(actor: Actor | null): MemberActor {
  if (!actor) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first');
  if (actor.type !== ActorType.MEMBER) throw forbidden('This is for members signed in to the portal');
  return actor;
}

function toPortalLocation(location: Location): PortalLocation {
  return {
    name: location.name,
    slug: location.slug,
    ssids: [...location.ssids],
    logoUrl: location.branding?.logoUrl ?? null,
    primaryColor: location.branding?.primaryColor ?? null,
    accentColor: location.branding?.accentColor ?? null,
  };
}

function toPortalDevice(device: Device): PortalDevice {
  return {
    id: device.id,
    macAddress: device.mac,
    name: device.name,
    learnedBy: device.learnedBy,
    firstSeenAt: device.firstSeenAt,
    lastSeenAt: device.lastSeenAt,
  };
}

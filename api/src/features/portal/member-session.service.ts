import type { EntityManager } from '@mikro-orm/postgresql';
import type { MemberActor } from '../../auth/actor.js';
import type { SecretBox } from '../../common/crypto/secret-box.js';
import { ActorType, type Location, type Member, MemberSession, MemberStatus } from '../../entities/index.js';
import { hashToken, newToken } from '../auth/tokens.js';

export const MEMBER_SESSION_PREFIX = 'lym_';
/** How long a portal sign-in lasts. */
export const MEMBER_SESSION_TTL_DAYS = 14;

export interface IssuedMemberSession {
  session: MemberSession;
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Portal sign-ins: random cookie token (SHA-256 stored), CSRF token derived from it. */
export class MemberSessionService {
  constructor(private readonly secrets: SecretBox) {}

  csrfTokenFor(token: string): string {
    return this.secrets.fingerprint(token, 'member-csrf').slice(0, 43);
  }

  async issue(
    em: EntityManager,
    member: Member,
    location: Location,
    meta: { ip: string | null; userAgent: string | null },
  ): Promise<IssuedMemberSession> {
    const token = newToken(MEMBER_SESSION_PREFIX);
    const expiresAt = new Date(Date.now() + MEMBER_SESSION_TTL_DAYS * 86_400_000);
    const session = em.create(MemberSession, {
      member,
      location,
      tokenHash: hashToken(token),
      expiresAt,
      lastSeenAt: new Date(),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await em.flush();
    return { session, token, csrfToken: this.csrfTokenFor(token), expiresAt };
  }

  /** Cookie value → the signed-in member; null when unknown, expired, or the member was deleted. */
  async resolve(em: EntityManager, token: string): Promise<MemberActor | null> {
    if (!token.startsWith(MEMBER_SESSION_PREFIX) || token.length > 100) return null;
    const session = await em.findOne(
      MemberSession,
      { tokenHash: hashToken(token) },
      { populate: ['member'] },
    );
    if (!session || session.expiresAt <= new Date() || session.member.status === MemberStatus.DELETED) {
      return null;
    }
    const now = Date.now();
    if (!session.lastSeenAt || now - session.lastSeenAt.getTime() > 60_000) {
      await em.nativeUpdate(MemberSession, { id: session.id }, { lastSeenAt: new Date(now) });
    }
    return {
      type: ActorType.MEMBER,
      memberId: session.member.id,
      label: session.member.email,
      sessionId: session.id,
      locationId: session.location.id,
    };
  }

  async end(em: EntityManager, sessionId: string): Promise<void> {
    await em.nativeDelete(MemberSession, { id: sessionId });
  }
}

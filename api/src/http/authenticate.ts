import type { EntityManager } from '@mikro-orm/postgresql';
import { parse as parseCookies } from 'cookie';
import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '../auth/actor.js';
import type { AuthService } from '../features/auth/auth.service.js';
import type { MemberSessionService } from '../features/portal/member-session.service.js';
import { CSRF_HEADER, MEMBER_COOKIE, SESSION_COOKIE } from '../graphql/cookies.js';
import { timingSafeEqual } from 'node:crypto';

export interface Authentication {
  actor: Actor | null;
  csrfFailed: boolean;
}

export interface Authenticators {
  auth: AuthService;
  memberSessions: MemberSessionService;
}

const safeEqual = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Bearer token (API clients, scripts), admin session cookie (the admin SPA) or member session
 * cookie (the portal). A cookie-authenticated request must also carry that session's CSRF token in
 * the X-CSRF-Token header, which a cross-site form cannot set; the header also tells which of the
 * two cookies a browser signed in to both apps means.
 */
export async function authenticate(
  em: EntityManager,
  authenticators: Authenticators,
  headers: IncomingHttpHeaders,
  opts: { requireCsrf: boolean },
): Promise<Authentication> {
  const { auth, memberSessions } = authenticators;
  const header = headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header)) {
    return {
      actor: await auth.resolveToken(em, header.replace(/^Bearer\s+/i, '').trim()),
      csrfFailed: false,
    };
  }
  const cookies = headers.cookie ? parseCookies(headers.cookie) : {};
  const sent = headers[CSRF_HEADER];
  const csrfOk = (expected: string) => typeof sent === 'string' && safeEqual(sent, expected);
  let refused = false;
  const adminCookie = cookies[SESSION_COOKIE];
  if (adminCookie) {
    const actor = await auth.resolveToken(em, adminCookie);
    if (actor && (!opts.requireCsrf || csrfOk(auth.csrfTokenFor(adminCookie)))) {
      return { actor, csrfFailed: false };
    }
    refused ||= actor !== null;
  }
  const memberCookie = cookies[MEMBER_COOKIE];
  if (memberCookie) {
    const actor = await memberSessions.resolve(em, memberCookie);
    if (actor && (!opts.requireCsrf || csrfOk(memberSessions.csrfTokenFor(memberCookie)))) {
      return { actor, csrfFailed: false };
    }
    refused ||= actor !== null;
  }
  return { actor: null, csrfFailed: refused };
}

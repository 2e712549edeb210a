import type { EntityManager } from '@mikro-orm/postgresql';
import { parse as parseCookies } from 'cookie';
import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '../auth/actor.js';
import type { AuthService } from '../features/auth/auth.service.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../graphql/cookies.js';
import { timingSafeEqual } from 'node:crypto';

export interface Authentication {
  actor: Actor | null;
  csrfFailed: boolean;
}

const safeEqual = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Bearer token (API clients, scripts) or session cookie (the admin SPA). A cookie-authenticated
 * request must also carry the CSRF token in a header, which a cross-site form cannot set.
 */
export async function authenticate(
  em: EntityManager,
  auth: AuthService,
  headers: IncomingHttpHeaders,
  opts: { requireCsrf: boolean },
): Promise<Authentication> {
  const header = headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header)) {
    return {
      actor: await auth.resolveToken(em, header.replace(/^Bearer\s+/i, '').trim()),
      csrfFailed: false,
    };
  }
  const cookie = headers.cookie ? parseCookies(headers.cookie)[SESSION_COOKIE] : undefined;
  if (!cookie) return { actor: null, csrfFailed: false };
  const actor = await auth.resolveToken(em, cookie);
  if (!actor || !opts.requireCsrf) return { actor, csrfFailed: false };
  const sent = headers[CSRF_HEADER];
  const ok = typeof sent === 'string' && safeEqual(sent, auth.csrfTokenFor(cookie));
  return ok ? { actor, csrfFailed: false } : { actor: null, csrfFailed: true };
}

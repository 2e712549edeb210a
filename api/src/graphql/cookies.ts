import type { GqlContext } from './context.js';

export const SESSION_COOKIE = 'lanyard_session';
export const CSRF_COOKIE = 'lanyard_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** The portal's member session, and its CSRF token (same header, X-CSRF-Token). */
export const MEMBER_COOKIE = 'lanyard_member';
export const MEMBER_CSRF_COOKIE = 'lanyard_member_csrf';

export function setSessionCookies(
  ctx: GqlContext,
  session: { token: string; csrfToken: string; expiresAt: Date },
): void {
  if (!ctx.res) return;
  const secure = ctx.services.config.publicUrl.startsWith('https:');
  const common = { path: '/', sameSite: 'strict' as const, secure, expires: session.expiresAt };
  ctx.res.cookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  // Readable by the SPA, which echoes it in the X-CSRF-Token header (double submit).
  ctx.res.cookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(ctx: GqlContext): void {
  ctx.res?.clearCookie(SESSION_COOKIE, { path: '/' });
  ctx.res?.clearCookie(CSRF_COOKIE, { path: '/' });
}

export function setMemberCookies(
  ctx: GqlContext,
  session: { token: string; csrfToken: string; expiresAt: Date },
): void {
  if (!ctx.res) return;
  const secure = ctx.services.config.publicUrl.startsWith('https:');
  // Lax: the portal is opened from a link in an email.
  const common = { path: '/', sameSite: 'lax' as const, secure, expires: session.expiresAt };
  ctx.res.cookie(MEMBER_COOKIE, session.token, { ...common, httpOnly: true });
  ctx.res.cookie(MEMBER_CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearMemberCookies(ctx: GqlContext): void {
  ctx.res?.clearCookie(MEMBER_COOKIE, { path: '/' });
  ctx.res?.clearCookie(MEMBER_CSRF_COOKIE, { path: '/' });
}

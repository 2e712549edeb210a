/**
 * Member-session requests authenticated by the HttpOnly `lanyard_member` cookie must echo a
 * readable CSRF cookie in the X-CSRF-Token header (double submit, like the admin cookie).
 */
export const MEMBER_CSRF_COOKIE = 'lanyard_member_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Value of cookie `name` in a `document.cookie` string, or null. */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

/** The CSRF header to send with a request, when the page has a member session. */
export function csrfHeaders(
  cookieHeader: string = typeof document === 'undefined' ? '' : document.cookie,
): Record<string, string> {
  const token = readCookie(cookieHeader, MEMBER_CSRF_COOKIE);
  return token ? { [CSRF_HEADER]: token } : {};
}

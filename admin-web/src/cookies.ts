/** The API's readable double-submit cookie; its value goes in the X-CSRF-Token header. */
export const CSRF_COOKIE = 'lanyard_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Value of cookie `name` in a `document.cookie` string, or null. */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

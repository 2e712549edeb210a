/** Same rule as the API's location slugs. */
const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const PAGES = ['home', 'signin', 'passphrase', 'setup', 'devices'] as const;
export type Page = (typeof PAGES)[number];

export type PortalRoute =
  { name: 'noSlug' } | { name: 'badLink' } | { name: 'location'; slug: string; page: Page };

/**
 * `/portal/soho` → the home page of "soho" (sign-in when signed out); `/portal/soho/devices` → one
 * of its pages (unknown pages fall back to home); `/portal/` → how to find your space's link.
 */
export function parseRoute(pathname: string, base: string): PortalRoute {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (!`${pathname}/`.startsWith(prefix)) return { name: 'noSlug' };
  const [first = '', second = ''] = pathname.slice(prefix.length).split('/');
  if (first === '') return { name: 'noSlug' };
  let slug: string;
  try {
    slug = decodeURIComponent(first).toLowerCase();
  } catch {
    return { name: 'badLink' };
  }
  if (!SLUG_RE.test(slug)) return { name: 'badLink' };
  const page = (PAGES as readonly string[]).includes(second) ? (second as Page) : 'home';
  return { name: 'location', slug, page };
}

/** The path of a page of a location. */
export function pathOf(base: string, slug: string, page: Page): string {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return page === 'home' ? `${prefix}${slug}` : `${prefix}${slug}/${page}`;
}

/** The sign-in token from `#token=…` (emailed links carry it in the fragment), or null. */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.trim() ? token.trim() : null;
}

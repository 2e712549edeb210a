/** Same rule as the API's location slugs. */
const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type PortalRoute = { name: 'home' } | { name: 'location'; slug: string } | { name: 'badLink' };

/**
 * `/portal/soho` → the location page of "soho"; `/portal/` → how to find your space's link.
 * Later path segments (e.g. a future `/portal/soho/verify`) do not change the slug.
 */
export function parseRoute(pathname: string, base: string): PortalRoute {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (!pathname.startsWith(prefix)) return { name: 'home' };
  const first = pathname.slice(prefix.length).split('/')[0] ?? '';
  if (first === '') return { name: 'home' };
  let slug: string;
  try {
    slug = decodeURIComponent(first).toLowerCase();
  } catch {
    return { name: 'badLink' };
  }
  return SLUG_RE.test(slug) ? { name: 'location', slug } : { name: 'badLink' };
}

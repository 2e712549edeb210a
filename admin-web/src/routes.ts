/** The admin app's pages. Paths are relative to the app's base (/admin/). */
export type Route = { name: 'locations' } | { name: 'notFound'; path: string };

/** Where `/admin/` itself leads. */
export const HOME: Route = { name: 'locations' };

/** `/admin/locations` → { name: 'locations' }. `base` is the app's base path, e.g. '/admin/'. */
export function parseRoute(pathname: string, base: string): Route {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const rest =
    pathname === prefix.slice(0, -1)
      ? ''
      : pathname.startsWith(prefix)
        ? pathname.slice(prefix.length)
        : null;
  if (rest === null) return { name: 'notFound', path: pathname };
  const segments = rest.split('/').filter(Boolean);
  if (segments.length === 0) return HOME;
  if (segments.length === 1 && segments[0] === 'locations') return { name: 'locations' };
  return { name: 'notFound', path: pathname };
}

export function pathFor(route: Route, base: string): string {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  switch (route.name) {
    case 'locations':
      return `${prefix}locations`;
    case 'notFound':
      return route.path;
  }
}

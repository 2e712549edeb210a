/** The admin app's pages. Paths are relative to the app's base (/admin/). */
export type ListPage =
  | 'dashboard'
  | 'members'
  | 'groups'
  | 'locations'
  | 'accessPoints'
  | 'sessions'
  | 'authEvents'
  | 'admins'
  | 'apiKeys'
  | 'audit'
  | 'integrations'
  | 'emailTemplates'
  | 'outbox'
  | 'setup';

/** Pages about one object: `/admin/<segment>/<id>`. */
export type DetailPage = 'member' | 'integration' | 'syncRun';

export type Route =
  { name: ListPage } | { name: DetailPage; id: string } | { name: 'notFound'; path: string };

/** Where `/admin/` itself leads. */
export const HOME: Route = { name: 'dashboard' };

const SEGMENTS: Record<ListPage, string> = {
  dashboard: 'dashboard',
  members: 'members',
  groups: 'groups',
  locations: 'locations',
  accessPoints: 'access-points',
  sessions: 'sessions',
  authEvents: 'auth-events',
  admins: 'admins',
  apiKeys: 'api-keys',
  audit: 'audit',
  integrations: 'integrations',
  emailTemplates: 'email-templates',
  outbox: 'outbox',
  setup: 'setup',
};
const DETAIL_SEGMENTS: Record<DetailPage, string> = {
  member: 'members',
  integration: 'integrations',
  syncRun: 'sync-runs',
};
const DETAIL_BY_SEGMENT = new Map(
  Object.entries(DETAIL_SEGMENTS).map(([name, seg]) => [seg, name as DetailPage]),
);
const BY_SEGMENT = new Map(Object.entries(SEGMENTS).map(([name, seg]) => [seg, name as ListPage]));
const ID_RE = /^[0-9a-f-]{1,64}$/i;

/** `/admin/members/<id>` → { name: 'member', id }. `base` is the app's base path, e.g. '/admin/'. */
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
  const page = BY_SEGMENT.get(segments[0]!);
  if (segments.length === 1 && page) return { name: page };
  const detail = DETAIL_BY_SEGMENT.get(segments[0]!);
  if (segments.length === 2 && detail && ID_RE.test(segments[1]!)) {
    return { name: detail, id: segments[1]!.toLowerCase() };
  }
  return { name: 'notFound', path: pathname };
}

export function pathFor(route: Route, base: string): string {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  switch (route.name) {
    case 'member':
    case 'integration':
    case 'syncRun':
      return `${prefix}${DETAIL_SEGMENTS[route.name]}/${encodeURIComponent(route.id)}`;
    case 'notFound':
      return route.path;
    default:
      return `${prefix}${SEGMENTS[route.name]}`;
  }
}

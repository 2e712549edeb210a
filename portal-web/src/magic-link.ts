import { codeOf, graphql, NetworkError, type GraphQLResponse } from './graphql';

/** Branding and networks of a location (public: shown before sign-in). */
export interface PortalLocation {
  name: string;
  slug: string;
  ssids: string[];
  logoUrl: string | null;
  primaryColor: string | null;
  accentColor: string | null;
}

export const PORTAL_LOCATION_FIELDS = 'name slug ssids logoUrl primaryColor accentColor';

export const PORTAL_START = /* GraphQL */ `
  query PortalStart($slug: String!) {
    portalLocation(slug: $slug) { ${PORTAL_LOCATION_FIELDS} }
    me { location { slug } }
  }
`;

export const REQUEST_MAGIC_LINK = /* GraphQL */ `
  mutation RequestMagicLink($input: RequestMagicLinkInput!) {
    requestMagicLink(input: $input) {
      accepted
    }
  }
`;

export const REDEEM_MAGIC_LINK = /* GraphQL */ `
  mutation RedeemMagicLink($token: String!) {
    redeemMagicLink(token: $token) {
      locationSlug
    }
  }
`;

type Common = { kind: 'unavailable' } | { kind: 'network' } | { kind: 'failed'; code: string };

export type StartOutcome =
  { kind: 'ok'; location: PortalLocation; signedIn: boolean } | { kind: 'unknownLocation' } | Common;

export type RequestOutcome =
  { kind: 'sent' } | { kind: 'invalid' } | { kind: 'rateLimited' } | { kind: 'unknownLocation' } | Common;

export type RedeemOutcome =
  | { kind: 'ok'; locationSlug: string }
  | { kind: 'expired' }
  | { kind: 'used' }
  | { kind: 'invalid' }
  | { kind: 'rateLimited' }
  | Common;

/** A server without the portal operations rejects the document in validation. */
function isMissingOperation(response: GraphQLResponse<unknown>): boolean {
  return (response.errors ?? []).some(
    (e) =>
      codeOf(e) === 'GRAPHQL_VALIDATION_FAILED' &&
      /Cannot query field "(requestMagicLink|redeemMagicLink|portalLocation|me)"|Unknown type "RequestMagicLinkInput"/.test(
        e.message,
      ),
  );
}

async function run<T, O>(
  query: string,
  variables: Record<string, unknown>,
  options: { fetch?: typeof fetch },
  decide: (response: GraphQLResponse<T>) => O | null,
  byCode: Record<string, O>,
): Promise<O | Common> {
  let response: GraphQLResponse<T>;
  try {
    response = await graphql<T>(query, variables, options);
  } catch (err) {
    if (err instanceof NetworkError) return { kind: 'network' };
    throw err;
  }
  if (isMissingOperation(response)) return { kind: 'unavailable' };
  const decided = decide(response);
  if (decided) return decided;
  const code = codeOf(response.errors?.[0]);
  return byCode[code] ?? { kind: 'failed', code };
}

/** The location's branding, and whether this browser already has a session for it. */
export function loadStart(slug: string, options: { fetch?: typeof fetch } = {}): Promise<StartOutcome> {
  return run<
    { portalLocation: PortalLocation | null; me: { location: { slug: string } } | null },
    StartOutcome
  >(
    PORTAL_START,
    { slug },
    options,
    (r) => {
      // `me` may fail on its own (e.g. a stale cookie): that only means "not signed in".
      const location = r.data?.portalLocation;
      if (location) return { kind: 'ok', location, signedIn: r.data?.me?.location.slug === location.slug };
      if (r.data && r.data.portalLocation === null) return { kind: 'unknownLocation' };
      return null;
    },
    { NOT_FOUND: { kind: 'unknownLocation' } },
  );
}

export function requestMagicLink(
  locationSlug: string,
  email: string,
  options: { fetch?: typeof fetch } = {},
): Promise<RequestOutcome> {
  return run<{ requestMagicLink: { accepted: boolean } | null }, RequestOutcome>(
    REQUEST_MAGIC_LINK,
    { input: { locationSlug, email } },
    options,
    (r) => (!r.errors?.length && r.data?.requestMagicLink ? { kind: 'sent' } : null),
    {
      VALIDATION_FAILED: { kind: 'invalid' },
      RATE_LIMITED: { kind: 'rateLimited' },
      NOT_FOUND: { kind: 'unknownLocation' },
    },
  );
}

// React may run an effect twice (StrictMode): a token is redeemed once per page load.
const redeemed = new Map<string, Promise<RedeemOutcome>>();

export function redeemMagicLink(
  token: string,
  options: { fetch?: typeof fetch } = {},
): Promise<RedeemOutcome> {
  const pending = redeemed.get(token);
  if (pending) return pending;
  const p = run<{ redeemMagicLink: { locationSlug: string } | null }, RedeemOutcome>(
    REDEEM_MAGIC_LINK,
    { token },
    options,
    (r) =>
      !r.errors?.length && r.data?.redeemMagicLink
        ? { kind: 'ok', locationSlug: r.data.redeemMagicLink.locationSlug }
        : null,
    {
      MAGIC_LINK_EXPIRED: { kind: 'expired' },
      MAGIC_LINK_USED: { kind: 'used' },
      MAGIC_LINK_INVALID: { kind: 'invalid' },
      VALIDATION_FAILED: { kind: 'invalid' },
      RATE_LIMITED: { kind: 'rateLimited' },
    },
  );
  redeemed.set(token, p);
  return p;
}

import { codeOf, graphql, NetworkError, type GraphQLResponse } from './graphql';

/**
 * Contract assumed for the portal's first step (design §4); the API adds it in a later issue:
 *   requestMagicLink(input: RequestMagicLinkInput!): Boolean!
 * It answers the same whether or not the email is known (no user enumeration).
 */
export const REQUEST_MAGIC_LINK = /* GraphQL */ `
  mutation RequestMagicLink($input: RequestMagicLinkInput!) {
    requestMagicLink(input: $input)
  }
`;

export type RequestOutcome =
  | { kind: 'sent' }
  | { kind: 'unavailable' }
  | { kind: 'invalid'; problems: Array<{ field: string; message: string }> }
  | { kind: 'rateLimited' }
  | { kind: 'unknownLocation' }
  | { kind: 'network' }
  | { kind: 'failed'; code: string };

/**
 * A server without the mutation rejects the document in validation: the field is unknown on
 * Mutation, and its input type is unknown too.
 */
function isMissingOperation(response: GraphQLResponse<unknown>): boolean {
  return (response.errors ?? []).some(
    (e) =>
      codeOf(e) === 'GRAPHQL_VALIDATION_FAILED' &&
      (/Cannot query field "requestMagicLink"/.test(e.message) ||
        /Unknown type "RequestMagicLinkInput"/.test(e.message)),
  );
}

export function outcomeOf(response: GraphQLResponse<{ requestMagicLink: unknown }>): RequestOutcome {
  const errors = response.errors ?? [];
  if (errors.length === 0 && response.data) return { kind: 'sent' };
  if (isMissingOperation(response)) return { kind: 'unavailable' };
  const code = codeOf(errors[0]);
  switch (code) {
    case 'VALIDATION_FAILED': {
      const problems = errors
        .flatMap((e): unknown[] => (Array.isArray(e.extensions?.problems) ? e.extensions.problems : []))
        .filter(
          (p): p is { field: string; message: string } =>
            !!p &&
            typeof p === 'object' &&
            typeof (p as { field?: unknown }).field === 'string' &&
            typeof (p as { message?: unknown }).message === 'string',
        )
        .map(({ field, message }) => ({ field, message }));
      return { kind: 'invalid', problems };
    }
    case 'RATE_LIMITED':
      return { kind: 'rateLimited' };
    case 'NOT_FOUND':
      return { kind: 'unknownLocation' };
    default:
      return { kind: 'failed', code };
  }
}

export async function requestMagicLink(
  locationSlug: string,
  email: string,
  options: { fetch?: typeof fetch } = {},
): Promise<RequestOutcome> {
  try {
    const response = await graphql<{ requestMagicLink: unknown }>(
      REQUEST_MAGIC_LINK,
      { input: { locationSlug, email } },
      options,
    );
    return outcomeOf(response);
  } catch (err) {
    if (err instanceof NetworkError) return { kind: 'network' };
    throw err;
  }
}

import { csrfHeaders } from './cookies';

/**
 * A minimal GraphQL client for the public pages (sign-in, link redemption): one POST of JSON to
 * /graphql. The signed-in area uses Apollo Client, loaded as a separate chunk, so that the first
 * page stays within its JS budget (React alone is two thirds of it).
 */
export interface GraphQLError {
  message: string;
  extensions?: { code?: unknown; [key: string]: unknown };
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

/** The server could not be reached, or did not answer with GraphQL. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

export async function graphql<T>(
  query: string,
  variables: Record<string, unknown>,
  options: { endpoint?: string; fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<GraphQLResponse<T>> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(options.endpoint ?? '/graphql', {
      method: 'POST',
      // application/json is not a "simple" content type, which satisfies the API's CSRF prevention.
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...csrfHeaders(),
      },
      body: JSON.stringify({ query, variables }),
      credentials: 'include',
      signal: options.signal,
    });
  } catch (err) {
    throw new NetworkError((err as Error).message);
  }
  // GraphQL errors may come with 200 (resolver errors) or 400 (validation errors): read the body.
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new NetworkError(`HTTP ${response.status} without a GraphQL answer`, response.status);
  }
  if (!body || typeof body !== 'object' || (!('data' in body) && !('errors' in body))) {
    throw new NetworkError(`HTTP ${response.status} without a GraphQL answer`, response.status);
  }
  return body as GraphQLResponse<T>;
}

export const codeOf = (e: GraphQLError | undefined): string =>
  typeof e?.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN';

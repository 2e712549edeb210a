import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { strings } from '../strings';

/** The first GraphQL `extensions.code` of an Apollo error; 'NETWORK' when none came back. */
export function errorCode(error: unknown): string | null {
  if (!error) return null;
  let errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> = [];
  if (CombinedGraphQLErrors.is(error)) errors = error.errors;
  else if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: unknown };
      if (Array.isArray(body.errors)) errors = body.errors as typeof errors;
    } catch {
      /* not JSON */
    }
  }
  if (errors.length === 0) return 'NETWORK';
  const code = errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** The session is gone or unusable: back to the sign-in form. */
export const sessionEnded = (code: string | null): boolean =>
  code === 'UNAUTHENTICATED' || code === 'CSRF_CHECK_FAILED';

/** Words for the codes every screen may meet. */
export function commonMessage(code: string): string {
  switch (code) {
    case 'NETWORK':
      return strings.errors.network;
    case 'UNAUTHENTICATED':
    case 'CSRF_CHECK_FAILED':
      return strings.errors.sessionEnded;
    case 'NOT_FOUND':
      return strings.errors.notFound;
    case 'RATE_LIMITED':
      return strings.errors.rateLimited;
    default:
      return strings.errors.unknown(code);
  }
}

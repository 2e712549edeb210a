import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { strings } from './strings';

/** The part of a GraphQL error the app relies on: the API puts a stable code in extensions. */
export interface GqlError {
  message: string;
  extensions?: Record<string, unknown>;
}

interface Problem {
  field: string;
  code?: string;
  message: string;
}

/** A failure in words for the user: a summary, and messages attached to form fields. */
export interface Described {
  code: string;
  summary: string;
  /** field name → messages, from `extensions.problems` (VALIDATION_FAILED) or `extensions.field` */
  fields: Record<string, string[]>;
}

/** The GraphQL errors inside whatever Apollo Client threw or returned (empty for network errors). */
export function graphQLErrorsOf(error: unknown): readonly GqlError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors;
  // A non-2xx answer (e.g. 400 for a query the server rejects) may still carry GraphQL errors.
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: unknown };
      if (Array.isArray(body.errors)) return body.errors as GqlError[];
    } catch {
      /* not JSON */
    }
  }
  return [];
}

/** The first `extensions.code`, 'NETWORK' when no GraphQL error came back, or null without error. */
export function errorCode(error: unknown): string | null {
  if (!error) return null;
  const errors = graphQLErrorsOf(error);
  if (errors.length === 0) return 'NETWORK';
  const code = errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function problemsOf(e: GqlError): Problem[] {
  const raw = e.extensions?.problems;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (p): p is Problem =>
      !!p && typeof p === 'object' && typeof p.field === 'string' && typeof p.message === 'string',
  );
}

/** Turns an error into plain words, using the codes and field problems the API sends. */
export function describeError(error: unknown): Described {
  const errors = graphQLErrorsOf(error);
  if (errors.length === 0) return { code: 'NETWORK', summary: strings.errors.network, fields: {} };

  const first = errors[0]!;
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'UNKNOWN';
  const fields: Record<string, string[]> = {};
  const add = (field: string, message: string) => (fields[field] ??= []).push(message);

  for (const e of errors) for (const p of problemsOf(e)) add(p.field, p.message);

  let summary: string;
  if (code === 'ALREADY_EXISTS' && first.extensions?.field === 'slug') {
    const slug = /"([^"]+)"/.exec(first.message)?.[1] ?? '';
    summary = strings.errors.slugTaken(slug);
    add('slug', strings.errors.slugTakenField);
  } else if (code === 'INTEGRATION_CONNECT_FAILED') {
    const reason = first.extensions?.reason;
    summary =
      (typeof reason === 'string' ? strings.errors.connectReasons[reason] : undefined) ??
      strings.errors.INTEGRATION_CONNECT_FAILED;
  } else if (
    code === 'CONFLICT' &&
    typeof first.extensions?.reason === 'string' &&
    strings.errors.conflictReasons[first.extensions.reason]
  ) {
    summary = strings.errors.conflictReasons[first.extensions.reason]!;
  } else if (
    code in strings.errors &&
    typeof strings.errors[code as keyof typeof strings.errors] === 'string'
  ) {
    summary = strings.errors[code as keyof typeof strings.errors] as string;
  } else {
    summary = strings.errors.unknown(code);
  }
  return { code, summary, fields };
}

/** "Slug: use lower-case letters…" — a field problem as a sentence for an error summary. */
export function problemSentences(fields: Record<string, string[]>): string[] {
  return Object.entries(fields).flatMap(([field, messages]) => {
    const label = strings.fields[field] ?? field;
    return messages.map((m) => `${label}: ${m}`);
  });
}

/** "must be at least 12 characters" → "Must be at least 12 characters", for a message under a field. */
export const asSentence = (message: string): string => message.charAt(0).toUpperCase() + message.slice(1);

/** The messages for one form field, as sentences (undefined when the field is fine). */
export const fieldError = (e: Described | null, f: string): string | undefined =>
  e?.fields[f]?.map(asSentence).join(' ');

/** The session is gone or unusable: the app should show the sign-in form. */
export const needsSignIn = (error: unknown): boolean => {
  const code = errorCode(error);
  return code === 'UNAUTHENTICATED' || code === 'CSRF_CHECK_FAILED';
};

import { unwrapResolverError } from '@apollo/server/errors';
import { NotFoundError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

/**
 * The one place where errors become GraphQL errors. Domain errors keep their code and details;
 * GraphQL's own errors (syntax, validation, unknown argument) pass through with their code; anything
 * else is logged and reported as INTERNAL_SERVER_ERROR without internals or stack traces.
 */
/** Postgres SQLSTATEs that mean "the input was bad", not "the server broke". */
const BAD_INPUT_SQLSTATES = new Set(['22P02', '22007', '22008', '22003', '22001', '22021', '54000']);

export function createFormatError(logger: Logger, exposeInternalErrors: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: original.code, ...original.details },
      };
    }
    if (original instanceof UniqueConstraintViolationException) {
      return {
        message: 'This already exists',
        path: formatted.path,
        extensions: { code: ErrorCode.ALREADY_EXISTS },
      };
    }
    const sqlState = (original as { code?: unknown } | null)?.code;
    if (typeof sqlState === 'string' && BAD_INPUT_SQLSTATES.has(sqlState)) {
      return {
        message: 'A value is out of range or malformed',
        path: formatted.path,
        extensions: { code: ErrorCode.VALIDATION_FAILED },
      };
    }
    if (original instanceof NotFoundError) {
      return { message: 'Not found', path: formatted.path, extensions: { code: ErrorCode.NOT_FOUND } };
    }
    const code = formatted.extensions?.code;
    const isGraphqlLevel =
      typeof code === 'string' &&
      code !== 'INTERNAL_SERVER_ERROR' &&
      !(original instanceof Error && original.constructor === Error && formatted.path);
    if (isGraphqlLevel) {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unhandled GraphQL error');
    return {
      // Database messages can quote row values (secrets included): never sent unless debugging.
      message: exposeInternalErrors
        ? `Internal server error: ${(original as Error)?.message ?? 'unknown'}`
        : 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

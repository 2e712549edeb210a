import { getNullableType, isInputObjectType, isListType, isScalarType, type GraphQLInputType } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { Problems } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import type { GqlContext } from './context.js';

const MAX_STRING = 10_000;

/**
 * Checks every argument against rules GraphQL's types cannot express, before any resolver runs:
 * IDs are ids this API hands out, strings carry no NUL (Postgres rejects it) and are bounded,
 * dates fall in years 1–9999. Every problem comes back at once as VALIDATION_FAILED.
 */
export const validateArguments: MiddlewareFn<GqlContext> = async ({ args, info }, next) => {
  if (!args || Object.keys(args).length === 0) return next();
  const field = info.parentType.getFields()[info.fieldName];
  if (field) {
    const problems = new Problems();
    for (const def of field.args) check(args[def.name], def.type, def.name, problems);
    problems.throwIfAny();
  }
  return next();
};

function check(value: unknown, type: GraphQLInputType, path: string, p: Problems): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type);
  if (isListType(t)) {
    if (Array.isArray(value)) {
      if (value.length > 1000) p.add(path, 'TOO_MANY_ITEMS', 'at most 1000 items');
      else value.forEach((v, i) => check(v, t.ofType as GraphQLInputType, `${path}[${i}]`, p));
    }
    return;
  }
  if (isInputObjectType(t)) {
    const obj = value as Record<string, unknown>;
    for (const [name, f] of Object.entries(t.getFields())) check(obj[name], f.type, `${path}.${name}`, p);
    return;
  }
  if (!isScalarType(t)) return;
  if (t.name === 'ID' && !isUuid(String(value)))
    p.add(path, 'INVALID_ID', 'is not an id returned by this API');
  if (typeof value === 'string') {
    if (value.includes('\0')) p.add(path, 'NUL_CHARACTER', 'must not contain a NUL character');
    if (value.length > MAX_STRING) p.add(path, 'TOO_LONG', `at most ${MAX_STRING} characters`);
  }
  if (value instanceof Date) {
    const year = value.getUTCFullYear();
    if (Number.isNaN(value.getTime()) || year < 1 || year > 9999)
      p.add(path, 'DATE_OUT_OF_RANGE', 'must be between years 1 and 9999');
  }
}

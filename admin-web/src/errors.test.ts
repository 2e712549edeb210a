import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { describeError, errorCode, needsSignIn, problemSentences } from './errors';
import { strings } from './strings';

const gqlError = (errors: Array<{ message: string; extensions?: Record<string, unknown> }>) =>
  new CombinedGraphQLErrors({ data: null, errors });

test('validation problems become field messages and sentences', () => {
  const err = gqlError([
    {
      message: 'Invalid input: slug: …',
      extensions: {
        code: 'VALIDATION_FAILED',
        problems: [
          { field: 'slug', code: 'INVALID_SLUG', message: 'use lower-case letters' },
          { field: 'timezone', code: 'INVALID_TIMEZONE', message: '"Mars/Base" is not an IANA time zone' },
        ],
      },
    },
  ]);
  const d = describeError(err);
  assert.equal(d.code, 'VALIDATION_FAILED');
  assert.equal(d.summary, strings.errors.VALIDATION_FAILED);
  assert.deepEqual(d.fields.slug, ['use lower-case letters']);
  assert.deepEqual(problemSentences(d.fields), [
    'Slug: use lower-case letters',
    'Time zone: "Mars/Base" is not an IANA time zone',
  ]);
});

test('a taken slug is reported at the slug field', () => {
  const d = describeError(
    gqlError([
      { message: 'The slug "soho" is taken', extensions: { code: 'ALREADY_EXISTS', field: 'slug' } },
    ]),
  );
  assert.equal(d.summary, strings.errors.slugTaken('soho'));
  assert.deepEqual(d.fields.slug, [strings.errors.slugTakenField]);
});

test('known codes in plain words, unknown codes named', () => {
  assert.equal(
    describeError(gqlError([{ message: 'x', extensions: { code: 'INVALID_CREDENTIALS' } }])).summary,
    strings.errors.INVALID_CREDENTIALS,
  );
  assert.equal(
    describeError(gqlError([{ message: 'x', extensions: { code: 'WEIRD' } }])).summary,
    strings.errors.unknown('WEIRD'),
  );
});

test('errors without GraphQL errors are network failures', () => {
  const d = describeError(new TypeError('Failed to fetch'));
  assert.equal(d.code, 'NETWORK');
  assert.equal(d.summary, strings.errors.network);
  assert.equal(errorCode(undefined), null);
});

test('sign-in is needed for missing sessions and failed CSRF checks only', () => {
  assert.equal(needsSignIn(gqlError([{ message: 'x', extensions: { code: 'UNAUTHENTICATED' } }])), true);
  assert.equal(needsSignIn(gqlError([{ message: 'x', extensions: { code: 'CSRF_CHECK_FAILED' } }])), true);
  assert.equal(needsSignIn(gqlError([{ message: 'x', extensions: { code: 'FORBIDDEN' } }])), false);
  assert.equal(needsSignIn(new Error('offline')), false);
});

test('a failed platform connection says why, from its reason', () => {
  const d = (reason?: string) =>
    describeError(
      gqlError([
        { message: 'Could not connect: …', extensions: { code: 'INTEGRATION_CONNECT_FAILED', reason } },
      ]),
    );
  assert.equal(d('UPSTREAM_UNAUTHORIZED').summary, strings.errors.connectReasons.UPSTREAM_UNAUTHORIZED);
  assert.equal(d('UPSTREAM_UNAVAILABLE').summary, strings.errors.connectReasons.UPSTREAM_UNAVAILABLE);
  assert.equal(d('SOMETHING_NEW').summary, strings.errors.INTEGRATION_CONNECT_FAILED);
  assert.equal(d().summary, strings.errors.INTEGRATION_CONNECT_FAILED);
});

test('conflicts with a known reason are explained; others keep the general text', () => {
  const d = (reason?: string) =>
    describeError(gqlError([{ message: 'x', extensions: { code: 'CONFLICT', reason } }]));
  assert.equal(d('NEEDS_RECONNECT').summary, strings.errors.conflictReasons.NEEDS_RECONNECT);
  assert.equal(d('DISABLED').summary, strings.errors.conflictReasons.DISABLED);
  assert.equal(d().summary, strings.errors.CONFLICT);
});

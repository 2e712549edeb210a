import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSsids, slugify, SLUG_RE } from './slug';

test('slug suggestions follow the API rule', () => {
  assert.equal(slugify('Soho, London'), 'soho-london');
  assert.equal(slugify('  Café Zürich  '), 'cafe-zurich');
  assert.equal(slugify('--Hub #1--'), 'hub-1');
  assert.equal(slugify(''), '');
  const long = slugify('a'.repeat(62) + ' b');
  assert.ok(SLUG_RE.test(long), long);
});

test('SSIDs one per line, blanks dropped', () => {
  assert.deepEqual(parseSsids('Members\n\n  Guests \r\nEvents, Hall\n'), [
    'Members',
    'Guests',
    'Events, Hall',
  ]);
  assert.deepEqual(parseSsids('   '), []);
});

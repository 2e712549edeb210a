import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeMac } from './mac';

test('every common notation normalises to colon-separated upper case', () => {
  for (const s of [
    '3c:22:fb:12:34:56',
    '3C-22-FB-12-34-56',
    '3c22.fb12.3456',
    '3c22fb123456',
    ' 3C:22:fb:12:34:56 ',
  ]) {
    assert.equal(normalizeMac(s), '3C:22:FB:12:34:56', s);
  }
});

test('anything else is refused', () => {
  for (const s of [
    '',
    '3c:22:fb:12:34',
    '3c:22:fb:12:34:5g',
    '3c:22-fb:12:34:56',
    '3c22fb1234567',
    '3c22.fb12.345',
    'hello',
  ]) {
    assert.equal(normalizeMac(s), null, s);
  }
});

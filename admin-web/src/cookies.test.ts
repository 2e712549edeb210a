import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCookie } from './cookies';

test('reads one cookie among several, decoding it', () => {
  assert.equal(readCookie('a=1; lanyard_csrf=abc%2Bdef; b=2', 'lanyard_csrf'), 'abc+def');
  assert.equal(readCookie('lanyard_csrf=x', 'lanyard_csrf'), 'x');
});

test('null when absent or only a prefix matches', () => {
  assert.equal(readCookie('', 'lanyard_csrf'), null);
  assert.equal(readCookie('lanyard_csrf_old=1; other=2', 'lanyard_csrf'), null);
});

test('keeps a value that is not valid percent-encoding', () => {
  assert.equal(readCookie('lanyard_csrf=%E0%A4%A', 'lanyard_csrf'), '%E0%A4%A');
});

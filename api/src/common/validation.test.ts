import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEmail } from './validation.js';

describe('isEmail', () => {
  for (const ok of ['a@b.co', 'first.last+tag@sub.example.org', 'x@a.b.c.d'])
    it(`accepts ${ok}`, () => assert.equal(isEmail(ok), true));
  for (const bad of [
    '',
    'a',
    'a@b',
    'a@.b',
    'a@b.',
    'a b@c.de',
    '@b.co',
    'a@b..co',
    `${'a'.repeat(320)}@b.co`,
  ]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))}`, () => assert.equal(isEmail(bad), false));
  }
  it('refuses anything longer than an email can be before looking at it', () => {
    assert.equal(isEmail('a@' + 'a.'.repeat(200) + 'co'), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeCidr, normalizeMac } from './net.js';

describe('normalizeCidr', () => {
  const cases: Array<[string, string | null]> = [
    ['192.0.2.7', '192.0.2.7'],
    [' 10.0.0.0/24 ', '10.0.0.0/24'],
    ['10.0.0.5/24', null],
    ['10.0.0.0/33', null],
    ['10.0.0.0/', null],
    ['10.0.0.0/8/1', null],
    ['300.1.1.1', null],
    ['192.0.2.7/32', '192.0.2.7'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::1/64', null],
    ['::1', '::1'],
    ['fe80::/10', 'fe80::/10'],
    ['hello', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(normalizeCidr(input), expected));
  }
});

describe('normalizeMac', () => {
  for (const input of ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff', 'AABBCCDDEEFF', 'aabb.ccdd.eeff']) {
    it(input, () => assert.equal(normalizeMac(input), 'aa:bb:cc:dd:ee:ff'));
  }
  for (const bad of ['aa:bb:cc:dd:ee', 'gg:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff:00', '']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(normalizeMac(bad), null));
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, isCidrTooBroad, normalizeCidr, normalizeMac, overlaps, parseCidr } from './net.js';

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
    // IPv4-mapped IPv6 is the IPv4 it stands for.
    ['::ffff:192.168.50.7', '192.168.50.7'],
    ['::FFFF:192.168.50.0/120', '192.168.50.0/24'],
    ['::ffff:c0a8:3200/120', '192.168.50.0/24'],
    ['0:0:0:0:0:ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:192.168.50.7/128', '192.168.50.7'],
    ['::ffff:0.0.0.0/96', '0.0.0.0/0'],
    ['::ffff:0:0/95', null],
    ['::ffff:192.168.50.0/119', '192.168.50.0/23'],
    ['::ffff:192.168.51.0/119', null],
    // Not mapped: stays IPv6.
    ['::1.2.3.4', '::102:304'],
    ['::fffe:1.2.3.4', '::fffe:102:304'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(normalizeCidr(input), expected));
  }
});

describe('isCidrTooBroad', () => {
  const cases: Array<[string, boolean]> = [
    ['0.0.0.0/0', true],
    ['::/0', true],
    ['::ffff:0.0.0.0/96', true],
    ['10.0.0.0/7', true],
    ['10.0.0.0/8', false],
    ['192.0.2.7', false],
    ['2000::/31', true],
    ['2001:db8::/32', false],
    ['2001:db8::1', false],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(isCidrTooBroad(parseCidr(input)!), expected));
  }
});

describe('cidrContains / overlaps', () => {
  const cases: Array<[string, string, boolean, boolean]> = [
    // a, b, a contains b, overlaps
    ['192.168.50.0/24', '192.168.50.7', true, true],
    ['192.168.50.7', '192.168.50.0/24', false, true],
    ['192.168.50.0/24', '192.168.50.0/24', true, true],
    ['192.168.50.0/24', '192.168.51.0/24', false, false],
    ['192.168.50.0/23', '192.168.51.128/25', true, true],
    ['192.168.50.0/24', '192.168.49.255', false, false],
    ['192.168.50.0/24', '192.168.51.0', false, false],
    ['10.0.0.0/8', '10.255.255.255', true, true],
    ['10.0.0.0/8', '11.0.0.0', false, false],
    ['0.0.0.0/0', '203.0.113.5', true, true],
    ['192.168.50.0/24', '::ffff:192.168.50.0/120', true, true],
    ['::ffff:192.168.50.0/120', '192.168.50.7', true, true],
    ['2001:db8::/32', '2001:db8:1::/48', true, true],
    ['2001:db8::/48', '2001:db8:1::/48', false, false],
    ['2001:db8::1', '2001:db8::1', true, true],
    ['2001:db8::1', '2001:db8::2', false, false],
    // Different families never overlap (after mapping).
    ['::/0', '192.0.2.1', false, false],
    ['0.0.0.0/0', '::1', false, false],
    ['::c000:201', '192.0.2.1', false, false],
  ];
  for (const [a, b, contains, overlap] of cases) {
    it(`${a} vs ${b}`, () => {
      assert.equal(cidrContains(a, b), contains, 'contains');
      assert.equal(overlaps(a, b), overlap, 'overlaps');
      assert.equal(overlaps(b, a), overlap, 'overlaps is symmetric');
    });
  }
  it('invalid input overlaps nothing', () => {
    assert.equal(overlaps('nonsense', '0.0.0.0/0'), false);
    assert.equal(cidrContains('10.0.0.0/8', '10.0.0.1/8'), false);
  });
});

describe('normalizeMac', () => {
  for (const input of ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff', 'AABBCCDDEEFF', 'aabb.ccdd.eeff']) {
    it(input, () => assert.equal(normalizeMac(input), 'aa:bb:cc:dd:ee:ff'));
  }
  for (const bad of ['aa:bb:cc:dd:ee', 'gg:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff:00', '']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(normalizeMac(bad), null));
  }
});

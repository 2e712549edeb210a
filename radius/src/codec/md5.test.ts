import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { equalBytes, hmacFinish, hmacMd5Key, hmacStart, Md5 } from './md5.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (n: number, seed = 0) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

function hmac(key: Buffer, ...parts: Buffer[]): string {
  const h = new Md5();
  const k = hmacMd5Key(key);
  hmacStart(h, k);
  for (const p of parts) h.update(p);
  const out = Buffer.alloc(16);
  hmacFinish(h, k, out);
  return hex(out);
}

describe('MD5 (RFC 1321)', () => {
  for (const [input, digest] of [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ] as const) {
    it(`MD5("${input.slice(0, 20)}${input.length > 20 ? '…' : ''}") = ${digest}`, () => {
      assert.equal(hex(new Md5().update(Buffer.from(input)).digest()), digest);
    });
  }

  it('matches node:crypto for every length 0..300, fed whole, byte by byte and in odd slices', () => {
    const h = new Md5();
    for (let n = 0; n <= 300; n++) {
      const data = bytes(n, n);
      const want = createHash('md5').update(data).digest('hex');
      assert.equal(hex(h.reset().update(data).digest()), want, `whole, ${n}`);
      h.reset();
      for (let i = 0; i < n; i++) h.update(data, i, i + 1);
      assert.equal(hex(h.digest()), want, `bytes, ${n}`);
      h.reset();
      for (let i = 0; i < n; i += 7) h.update(data, i, Math.min(n, i + 7));
      assert.equal(hex(h.digest()), want, `slices, ${n}`);
    }
  });

  it('zeros(n) hashes like n zero bytes, across block boundaries', () => {
    for (const [before, zeros, after] of [
      [0, 16, 0],
      [50, 16, 30],
      [60, 70, 5],
      [4, 200, 64],
    ] as const) {
      const a = bytes(before, 1);
      const c = bytes(after, 2);
      const want = createHash('md5').update(a).update(Buffer.alloc(zeros)).update(c).digest('hex');
      assert.equal(hex(new Md5().update(a).zeros(zeros).update(c).digest()), want);
    }
  });

  it('digestInto writes at the given offset and leaves the rest alone', () => {
    const out = Buffer.alloc(20, 0xee);
    new Md5().update(Buffer.from('abc')).digestInto(out, 2);
    assert.equal(out.subarray(2, 18).toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
    assert.deepEqual([out[0], out[1], out[18], out[19]], [0xee, 0xee, 0xee, 0xee]);
  });
});

describe('HMAC-MD5 (RFC 2104) with precomputed pads', () => {
  // RFC 2202 §2 test cases 1, 2, 3, 6.
  for (const [key, data, mac] of [
    [Buffer.alloc(16, 0x0b), Buffer.from('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
    [Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
    [Buffer.alloc(16, 0xaa), Buffer.alloc(50, 0xdd), '56be34521d144c88dbb8c733f0e8b3f6'],
    [
      Buffer.alloc(80, 0xaa),
      Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
      '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd',
    ],
  ] as const) {
    it(`RFC 2202: key of ${key.length} bytes, ${data.length}-byte message → ${mac}`, () => {
      assert.equal(hmac(key, data), mac);
    });
  }

  it('matches createHmac for keys of 0..100 bytes and messages of 0..200 bytes, in parts', () => {
    for (let k = 0; k <= 100; k += 3) {
      const key = bytes(k, 9);
      for (let n = 0; n <= 200; n += 13) {
        const data = bytes(n, k);
        const want = createHmac('md5', key).update(data).digest('hex');
        assert.equal(hmac(key, data), want, `key ${k}, data ${n}`);
        assert.equal(hmac(key, data.subarray(0, n >> 1), data.subarray(n >> 1)), want);
      }
    }
  });

  it('caches the pads per secret Buffer: the same object gives the same key, another secret another', () => {
    const a = Buffer.from('secret-a');
    assert.equal(hmacMd5Key(a), hmacMd5Key(a));
    assert.notDeepEqual(hmacMd5Key(a).inner, hmacMd5Key(Buffer.from('secret-b')).inner);
  });
});

describe('equalBytes', () => {
  for (const [a, b, equal] of [
    ['00112233445566778899aabbccddeeff', '00112233445566778899aabbccddeeff', true],
    ['00112233445566778899aabbccddeeff', '00112233445566778899aabbccddeefe', false],
    ['80112233445566778899aabbccddeeff', '00112233445566778899aabbccddeeff', false],
  ] as const) {
    it(`${a.slice(0, 4)}…${a.slice(-4)} vs ${b.slice(0, 4)}…${b.slice(-4)}: ${equal}`, () => {
      assert.equal(equalBytes(Buffer.from(a, 'hex'), 0, Buffer.from(b, 'hex'), 0, 16), equal);
    });
  }
});

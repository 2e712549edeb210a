import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aesCmac } from './cmac.js';

// RFC 4493 §4 test vectors (AES-128).
const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const M =
  '6bc1bee22e409f96e93d7e117393172a' +
  'ae2d8a571e03ac9c9eb76fac45af8e51' +
  '30c81c46a35ce411e5fbc1191a0a52ef' +
  'f69f2445df4f9b17ad2b417be66c3710';
const VECTORS = [
  [0, 'bb1d6929e95937287fa37d129b756746'],
  [16, '070a16b46b4d4144f79bdd9dd04a287c'],
  [40, 'dfa66747de9ae63030ca32611497c827'],
  [64, '51f0bebf7e3b9d92fc49741779363cfe'],
] as const;

describe('aesCmac', () => {
  for (const [length, tag] of VECTORS) {
    it(`reproduces RFC 4493 example with a ${length}-byte message`, () => {
      const message = Buffer.from(M, 'hex').subarray(0, length);
      assert.equal(aesCmac(KEY, message).toString('hex'), tag);
    });
  }

  it('does not modify its message and needs a 16-byte key', () => {
    const message = Buffer.from(M, 'hex');
    const copy = Buffer.from(message);
    aesCmac(KEY, message);
    assert.deepEqual(message, copy);
    assert.throws(() => aesCmac(Buffer.alloc(32), message), RangeError);
  });
});

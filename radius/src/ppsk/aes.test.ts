import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { ROUND_KEY_WORDS, cmac128, encrypt128, expandKey128, prepareCmacMessage } from './aes.js';
import { aesCmac } from './cmac.js';

const words = (b: Buffer) =>
  [b.readInt32BE(0), b.readInt32BE(4), b.readInt32BE(8), b.readInt32BE(12)] as const;
const bytes = (w: Int32Array) => {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) out.writeInt32BE(w[i]!, i * 4);
  return out;
};

function jsEncrypt(key: Buffer, block: Buffer): Buffer {
  const rk = new Int32Array(ROUND_KEY_WORDS);
  expandKey128(rk, ...words(key));
  const out = new Int32Array(4);
  encrypt128(out, rk, ...words(block));
  return bytes(out);
}

function jsCmac(key: Buffer, message: Buffer): Buffer {
  const out = new Int32Array(4);
  cmac128(out, new Int32Array(ROUND_KEY_WORDS), ...words(key), prepareCmacMessage(message));
  return bytes(out);
}

describe('AES-128 (words)', () => {
  it('reproduces the FIPS 197 appendix C.1 example', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const plain = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    assert.equal(jsEncrypt(key, plain).toString('hex'), '69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  it('agrees with node:crypto on random keys and blocks', () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(16);
      const block = randomBytes(16);
      const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
      assert.deepEqual(jsEncrypt(key, block), cipher.update(block));
    }
  });
});

describe('AES-128-CMAC (words)', () => {
  const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
  const M = Buffer.from(
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
    'hex',
  );

  it('reproduces the RFC 4493 examples', () => {
    assert.equal(jsCmac(KEY, M.subarray(0, 0)).toString('hex'), 'bb1d6929e95937287fa37d129b756746');
    assert.equal(jsCmac(KEY, M.subarray(0, 16)).toString('hex'), '070a16b46b4d4144f79bdd9dd04a287c');
    assert.equal(jsCmac(KEY, M.subarray(0, 40)).toString('hex'), 'dfa66747de9ae63030ca32611497c827');
    assert.equal(jsCmac(KEY, M).toString('hex'), '51f0bebf7e3b9d92fc49741779363cfe');
  });

  it('agrees with the node:crypto CMAC for every length up to 160', () => {
    for (let length = 0; length <= 160; length++) {
      const key = randomBytes(16);
      const message = randomBytes(length);
      assert.deepEqual(jsCmac(key, message), aesCmac(key, message), `${length}`);
    }
  });
});

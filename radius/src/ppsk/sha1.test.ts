import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { BLOCK_WORDS, SHA1_IV, compress, paddedBlocks } from './sha1.js';

function sha1(message: Buffer): Buffer {
  const blocks = paddedBlocks(message, 0);
  const state = Int32Array.from(SHA1_IV);
  for (let off = 0; off < blocks.length; off += BLOCK_WORDS) compress(state, state, blocks, off);
  const out = Buffer.alloc(20);
  state.forEach((word, i) => out.writeInt32BE(word, i * 4));
  return out;
}

describe('SHA-1 compression', () => {
  it('hashes the FIPS 180 "abc" example', () => {
    assert.equal(sha1(Buffer.from('abc')).toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('agrees with node:crypto on every length around the block boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const message = randomBytes(length);
      assert.equal(
        sha1(message).toString('hex'),
        createHash('sha1').update(message).digest('hex'),
        `${length}`,
      );
    }
  });

  it('pads a tail after an already-hashed prefix (HMAC inner hash)', () => {
    const key = randomBytes(32);
    const message = randomBytes(121);
    const ipad = Buffer.alloc(64, 0x36);
    for (let i = 0; i < key.length; i++) ipad[i]! ^= key[i]!;
    const state = Int32Array.from(SHA1_IV);
    const ipadWords = new Int32Array(BLOCK_WORDS).map((_, i) => ipad.readInt32BE(i * 4));
    compress(state, state, ipadWords);
    const tail = paddedBlocks(message, 64);
    for (let off = 0; off < tail.length; off += BLOCK_WORDS) compress(state, state, tail, off);
    const inner = Buffer.alloc(20);
    state.forEach((word, i) => inner.writeInt32BE(word, i * 4));
    const expected = createHash('sha1').update(ipad).update(message).digest();
    assert.deepEqual(inner, expected);
    // and the full HMAC built the same way matches node's
    const opad = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) opad[i]! ^= key[i]!;
    const hmac = createHash('sha1').update(opad).update(inner).digest();
    assert.deepEqual(hmac, createHmac('sha1', key).update(message).digest());
  });

  it('rejects a prefix that is not whole blocks', () => {
    assert.throws(() => paddedBlocks(Buffer.alloc(1), 10), RangeError);
  });
});

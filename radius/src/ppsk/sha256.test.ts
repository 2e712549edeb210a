import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { SHA256_IV, compress256 } from './sha256.js';
import { BLOCK_WORDS, paddedBlocks } from './sha1.js';

function sha256(message: Buffer): Buffer {
  const blocks = paddedBlocks(message, 0); // same Merkle-Damgård padding as SHA-1
  const state = Int32Array.from(SHA256_IV);
  for (let off = 0; off < blocks.length; off += BLOCK_WORDS) compress256(state, state, blocks, off);
  const out = Buffer.alloc(32);
  state.forEach((word, i) => out.writeInt32BE(word, i * 4));
  return out;
}

describe('SHA-256 compression', () => {
  it('hashes the FIPS 180 "abc" example', () => {
    assert.equal(
      sha256(Buffer.from('abc')).toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('agrees with node:crypto on every length around the block boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const message = randomBytes(length);
      assert.equal(
        sha256(message).toString('hex'),
        createHash('sha256').update(message).digest('hex'),
        `${length}`,
      );
    }
  });
});

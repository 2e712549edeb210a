import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SHA1_IV, compress } from './sha1.js';
import { BLOCK4_BYTES, STATE4_BYTES, sha1x4 } from './sha1x4.js';

const words = (n: number) => new Int32Array(randomBytes(n * 4).buffer, 0, n);

describe('sha1x4 compress4', () => {
  const x4 = sha1x4();

  it('is available on this runtime (WebAssembly SIMD)', () => {
    assert.ok(x4);
  });

  it('computes, per lane, what compress computes (also in place, and from the IV)', () => {
    const IN = 0;
    const BLOCK = STATE4_BYTES;
    const OUT = BLOCK + BLOCK4_BYTES;
    for (let round = 0; round < 50; round++) {
      const m = new Int32Array(x4!.memory.buffer);
      const states = [0, 1, 2, 3].map(() => (round === 0 ? Int32Array.from(SHA1_IV) : words(5)));
      const blocks = [0, 1, 2, 3].map(() => words(16));
      for (let l = 0; l < 4; l++) {
        for (let j = 0; j < 5; j++) m[(IN >> 2) + j * 4 + l] = states[l]![j]!;
        for (let j = 0; j < 16; j++) m[(BLOCK >> 2) + j * 4 + l] = blocks[l]![j]!;
      }
      const inPlace = round % 2 === 1;
      x4!.compress4(IN, BLOCK, inPlace ? IN : OUT);
      const at = (inPlace ? IN : OUT) >> 2;
      for (let l = 0; l < 4; l++) {
        const expected = new Int32Array(5);
        compress(expected, states[l]!, blocks[l]!);
        const got = Int32Array.from({ length: 5 }, (_, j) => m[at + j * 4 + l]!);
        assert.deepEqual(got, expected, `round ${round} lane ${l}`);
      }
    }
  });
});

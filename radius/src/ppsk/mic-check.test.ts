import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { computeMic, deriveKck, micMatches, parseEapolKeyMsg2, ptkBits } from './eapol.js';
import { MicChecker } from './mic-check.js';
import { STATE_WORDS, hmacSha1KeyStates } from './pmk-table.js';
import { sha1x4 } from './sha1x4.js';
import { buildMsg2 } from './station.js';
import { FREERADIUS_DPSK as FR, hex } from './test-support/vectors.js';

/** A WPA1-style (descriptor 254, version 1, HMAC-MD5) variant of a v2 frame, re-signed with `pmk`. */
function asVersion1(bytes: Buffer, pmk: Buffer, ap: Buffer, sta: Buffer, anonce: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[4] = 254;
  copy.writeUInt16BE((copy.readUInt16BE(5) & ~7) | 1, 5);
  copy.fill(0, 81, 97);
  const frame = parseEapolKeyMsg2(copy);
  const kck = deriveKck(pmk, ap, sta, anonce, frame.snonce, 1);
  // computeMic's HMAC-MD5 is checked against an inline computation in eapol.test.ts.
  return Buffer.concat([copy.subarray(0, 81), computeMic(kck, frame), copy.subarray(97)]);
}

describe('MicChecker agrees with the reference implementation', () => {
  for (const version of [1, 2, 3] as const) {
    it(`key descriptor version ${version}, Key Data of 0..140 bytes (1 to 5 frame blocks)`, () => {
      for (let keyDataLength = 0; keyDataLength <= 140; keyDataLength += 7) {
        const ap = randomBytes(6);
        const sta = randomBytes(6);
        const anonce = randomBytes(32);
        const pmk = randomBytes(32);
        const rsnIe = randomBytes(keyDataLength);
        let bytes = buildMsg2({
          pmk,
          apMac: ap,
          staMac: sta,
          anonce,
          rsnIe,
          descriptorVersion: version === 3 ? 3 : 2,
        });
        if (version === 1) bytes = asVersion1(bytes, pmk, ap, sta, anonce);
        const frame = parseEapolKeyMsg2(bytes);
        assert.equal(frame.descriptorVersion, version);
        const checker = new MicChecker(ap, sta, anonce, frame);
        const other = randomBytes(32);
        // interleave hits and misses: the checker's scratch state must not leak between calls
        for (const [candidate, expected] of [
          [other, false],
          [pmk, true],
          [other, false],
          [pmk, true],
        ] as const) {
          assert.equal(checker.check(candidate), expected, `length ${keyDataLength}`);
          assert.equal(micMatches(candidate, ap, sta, anonce, frame), expected);
          // The table path (pmk-table.ts): the same answer from the key's precomputed states.
          const states = new Int32Array(STATE_WORDS * 2);
          hmacSha1KeyStates(candidate, states, STATE_WORDS);
          if (version === 3) assert.throws(() => checker.checkStates(states, STATE_WORDS), RangeError);
          else
            assert.equal(
              checker.checkStates(states, STATE_WORDS),
              expected,
              `states, length ${keyDataLength}`,
            );
        }
        if (version === 2) {
          // Four keys at once: the matching key in each lane in turn, misses elsewhere.
          assert.ok(checker.lanes4);
          const keys = [pmk, other, randomBytes(32), randomBytes(32)];
          const table = new Int32Array(STATE_WORDS * 4);
          for (let lane = 0; lane < 4; lane++) {
            for (let k = 0; k < 4; k++) hmacSha1KeyStates(keys[(k - lane + 4) % 4]!, table, k * STATE_WORDS);
            const mask = checker.checkStates4(table, 0, STATE_WORDS, 2 * STATE_WORDS, 3 * STATE_WORDS);
            assert.equal(mask, 1 << lane, `lane ${lane}, length ${keyDataLength}`);
          }
          const last = 3 * STATE_WORDS; // holds `pmk` after the last lane
          assert.equal(checker.checkStates4(table, last, last, last, last), 0b1111);
          assert.equal(checker.checkStates4(table, 0, 0, 0, 0), 0);
        }
        const bits = ptkBits(frame.pairwiseCipher);
        assert.deepEqual(checker.kck(pmk), deriveKck(pmk, ap, sta, anonce, frame.snonce, version, bits));
      }
    });
  }

  it('four-key checks of interleaved checkers (sharing the 4-lane memory) stay independent', () => {
    const setups = [0, 60, 140].map((keyDataLength) => {
      const ap = randomBytes(6);
      const sta = randomBytes(6);
      const anonce = randomBytes(32);
      const pmk = randomBytes(32);
      const bytes = buildMsg2({ pmk, apMac: ap, staMac: sta, anonce, rsnIe: randomBytes(keyDataLength) });
      const table = new Int32Array(STATE_WORDS * 4);
      hmacSha1KeyStates(randomBytes(32), table, 0);
      hmacSha1KeyStates(pmk, table, STATE_WORDS);
      return { checker: new MicChecker(ap, sta, anonce, parseEapolKeyMsg2(bytes)), table };
    });
    for (let round = 0; round < 3; round++)
      for (const { checker, table } of setups)
        assert.equal(checker.checkStates4(table, 0, STATE_WORDS, 0, STATE_WORDS), 0b1010);
  });

  it('wipeX4 leaves no key-derived word (here: the KCK) in the shared 4-lane memory', () => {
    const ap = randomBytes(6);
    const sta = randomBytes(6);
    const anonce = randomBytes(32);
    const pmk = randomBytes(32);
    const checker = new MicChecker(
      ap,
      sta,
      anonce,
      parseEapolKeyMsg2(buildMsg2({ pmk, apMac: ap, staMac: sta, anonce })),
    );
    const table = new Int32Array(STATE_WORDS);
    hmacSha1KeyStates(pmk, table, 0);
    assert.equal(checker.checkStates4(table, 0, 0, 0, 0), 0b1111);
    const kck = checker.kck(pmk);
    const words = [0, 4, 8, 12].map((o) => kck.readInt32BE(o));
    const memory = () => new Int32Array(sha1x4()!.memory.buffer);
    const holds = () => words.every((w) => memory().includes(w));
    assert.ok(holds(), 'the KCK is there after a check');
    checker.wipeX4();
    assert.ok(!holds(), 'and gone after the wipe');
    assert.equal(checker.checkStates4(table, 0, 0, 0, 0), 0b1111, 'usable again');
  });

  it('matches the FreeRADIUS vector and never matches a PMK that is not 32 bytes', () => {
    const frame = parseEapolKeyMsg2(hex(FR.frame));
    const checker = new MicChecker(hex(FR.apMac), hex(FR.staMac), hex(FR.anonce), frame);
    assert.equal(checker.check(hex(FR.pmk)), true);
    assert.equal(checker.check(hex(FR.pmk).subarray(0, 31)), false);
    assert.equal(checker.check(Buffer.concat([hex(FR.pmk), Buffer.alloc(1)])), false);
    assert.throws(() => checker.kck(Buffer.alloc(16)), RangeError);
  });

  it('rejects wrong-size addresses and nonces when prepared', () => {
    const frame = parseEapolKeyMsg2(hex(FR.frame));
    assert.throws(
      () => new MicChecker(hex(FR.apMac).subarray(1), hex(FR.staMac), hex(FR.anonce), frame),
      RangeError,
    );
    assert.throws(
      () => new MicChecker(hex(FR.apMac), hex(FR.staMac), hex(FR.anonce).subarray(1), frame),
      RangeError,
    );
  });
});

// The per-candidate hot loop of unbound PPSK: "did this PMK produce this handshake's MIC?",
// prepared once per request and then run against up to every PMK of the SSID.
//
// Key descriptor version 2 (WPA2-PSK, the common case) runs entirely on the SHA-1 compression
// function, with everything that does not depend on the PMK prepared in the constructor (PRF input
// and zeroed frame, padded into 32-bit words once):
//
//   KCK = HMAC-SHA1(PMK, PRF input)[0..16]        PRF input is 100 bytes → 2 blocks after the key
//   MIC = HMAC-SHA1(KCK, zeroed frame)[0..16]     a 121-byte frame → 3 blocks after the key
//
// A scan reads keys from the snapshot's PmkTable (pmk-table.ts), which holds per PMK the two SHA-1
// states HMAC-SHA1 starts from (PMK ⊕ ipad, PMK ⊕ opad, each compressed once, when the key is
// loaded). Per candidate then (121-byte frame, i.e. the usual 22-byte RSN element in Key Data):
//   - SHA-1 compressions: 2 (PRF input) + 1 (KCK outer) + 2 (KCK ⊕ ipad/opad) + 3 (frame)
//     + 1 (MIC outer) = 9; in general 6 + ⌈(frame bytes + 9) / 64⌉ (11 from a raw PMK, `check`);
//   - `checkStates4` runs four candidates at once, one per lane of a WebAssembly SIMD compression
//     (sha1x4.ts: ~45 ns per block and candidate against ~105 ns for sha1.ts's `compress`), all
//     four in full whatever matches; `checkStates` is the one-key form (the scan's last 0–3 keys,
//     v1, runtimes without WebAssembly SIMD);
//   - allocations: none. State lives in small Int32Arrays owned by the checker and in the 4-lane
//     module's memory (this request's constant blocks are written there once, again only if another
//     checker used it in between); the MIC is compared as four 32-bit words with an OR of XORs (no
//     early exit).
//   Measured (`cd radius && node --import tsx bench/ppsk.bench.ts`, 2 shared EPYC vCPUs, Node 20):
//   a 10,000-key scan with no match 4.0 ms min / 4.2 ms p50 (≈ 0.42 µs per candidate), against
//   18–21 ms min before the table and the 4 lanes.
// `check(pmk)` takes a raw PMK (the preferred candidate, callers with a list): 11 compressions on
// sha1.ts, ≈ 1.2 µs. Per request: the padded PRF input (128 bytes) and frame (64 bytes per block), a
// few small arrays, and the same blocks splatted to four lanes (4× that) in the module's memory.
//
// Version 3 (AKM 00-0F-AC:6 PSK-SHA256, PMF required) runs on sha256.ts and aes.ts the same way:
//   KCK = HMAC-SHA256(PMK, KDF input)[0..16]      KDF input is 102 bytes → 2 blocks after the key
//   MIC = AES-128-CMAC(KCK, zeroed frame)         a 121-byte frame → 8 AES blocks
// per candidate: 5 SHA-256 compressions, one AES-128 key expansion, 1 + ⌈frame bytes / 16⌉ AES
// blocks (≈ 1.7 µs), no allocation. See aes.ts about its table lookups.
//
// Version 1 (WPA1/TKIP, HMAC-MD5 MIC) is legacy: its KCK comes from the SHA-1 path, the MIC from
// node:crypto createHmac('md5') (one HMAC object and a 16-byte digest per candidate, ≈ 2 µs).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ROUND_KEY_WORDS, cmac128, prepareCmacMessage, type CmacMessage } from './aes.js';
import {
  KCK_BYTES,
  KeyDescriptorVersion,
  PMK_BYTES,
  kdfSha256Input,
  prfSha1Input,
  ptkBits,
  type EapolKeyFrame,
} from './eapol.js';
import { IPAD, OPAD, STATE_WORDS, hmacSha1KeyStates } from './pmk-table.js';
import { BLOCK_WORDS, SHA1_IV, compress, paddedBlocks } from './sha1.js';
import { BLOCK4_BYTES, STATE4_BYTES, sha1x4, type Sha1x4 } from './sha1x4.js';
import { SHA256_IV, compress256 } from './sha256.js';

/** Bit length of an HMAC-SHA1 outer hash input: 64-byte key block + 20-byte inner digest. */
const OUTER_BITS = (64 + 20) * 8;
/** Same for HMAC-SHA256: 64-byte key block + 32-byte inner digest. */
const OUTER_BITS_256 = (64 + 32) * 8;

// Byte offsets in the 4-lane module's memory (sha1x4.ts): states, then blocks.
const X_IV = 0;
const X_INNER = X_IV + STATE4_BYTES;
const X_OUTER = X_INNER + STATE4_BYTES;
const X_KCK = X_OUTER + STATE4_BYTES;
const X_MIC = X_KCK + STATE4_BYTES;
/** Final block of an HMAC outer hash: the inner digest (words 0..4, written by compress4), padding. */
const X_DIGEST = X_MIC + STATE4_BYTES;
/** (KCK ‖ 0⁴⁸) ⊕ ipad / opad: words 0..3 per candidate, the rest constant. */
const X_IPAD = X_DIGEST + BLOCK4_BYTES;
const X_OPAD = X_IPAD + BLOCK4_BYTES;
/** Then the PRF input blocks, then the frame blocks, each splatted to the 4 lanes. */
const X_PRF = X_OPAD + BLOCK4_BYTES;
/** Which checker's blocks are in the module's memory now (it is shared): its token. */
let x4Owner = 0;
let x4Tokens = 0;

export class MicChecker {
  readonly descriptorVersion: number;
  private readonly frame: EapolKeyFrame;
  /** Padded PRF input blocks (v1/v2) — identical for every PMK. */
  private readonly prfData: Int32Array | null;
  private readonly prfBlocks: number;
  /** Padded zeroed-frame blocks (v2) — identical for every PMK. */
  private readonly frameData: Int32Array | null;
  private readonly frameBlocks: number;
  /** Padded KDF-SHA256 input blocks (v3) — identical for every PMK. */
  private readonly kdfData: Int32Array | null;
  private readonly kdfBlocks: number;
  /** Zeroed frame prepared for AES-CMAC (v3). */
  private readonly cmacMessage: CmacMessage | null;
  private readonly w = new Int32Array(BLOCK_WORDS);
  private readonly inner = new Int32Array(5);
  private readonly outer = new Int32Array(5);
  /** HMAC-SHA1 key states of the PMK being checked (Buffer path). */
  private readonly keyStates = new Int32Array(STATE_WORDS);
  private readonly kckBuf = Buffer.alloc(KCK_BYTES);
  /** v3 scratch: SHA-256 states, AES round keys, CMAC tag. */
  private readonly inner256: Int32Array;
  private readonly outer256: Int32Array;
  private readonly roundKeys: Int32Array;
  private readonly tag: Int32Array;
  private readonly x4: Sha1x4 | null;
  /** View of the 4-lane module's memory, valid while this checker is x4Owner. */
  private x4View = new Int32Array(0);
  private readonly x4Token = ++x4Tokens;
  private readonly mic0: number;
  private readonly mic1: number;
  private readonly mic2: number;
  private readonly mic3: number;

  /** Throws RangeError when a MAC is not 6 bytes or the ANonce not 32. */
  constructor(apMac: Buffer, staMac: Buffer, anonce: Buffer, frame: EapolKeyFrame) {
    this.frame = frame;
    this.descriptorVersion = frame.descriptorVersion;
    const v = frame.descriptorVersion;
    if (v === KeyDescriptorVersion.HMAC_MD5 || v === KeyDescriptorVersion.HMAC_SHA1) {
      this.prfData = paddedBlocks(prfSha1Input(apMac, staMac, anonce, frame.snonce), 64);
      this.prfBlocks = this.prfData.length / BLOCK_WORDS;
      this.kdfData = null;
      this.kdfBlocks = 0;
    } else if (v === KeyDescriptorVersion.AES_CMAC) {
      this.prfData = null;
      this.prfBlocks = 0;
      const input = kdfSha256Input(apMac, staMac, anonce, frame.snonce, ptkBits(frame.pairwiseCipher));
      this.kdfData = paddedBlocks(input, 64); // SHA-256 pads like SHA-1
      this.kdfBlocks = this.kdfData.length / BLOCK_WORDS;
    } else {
      throw new RangeError(`key descriptor version ${v} is not supported`);
    }
    if (v === KeyDescriptorVersion.HMAC_SHA1) {
      this.frameData = paddedBlocks(frame.zeroed, 64);
      this.frameBlocks = this.frameData.length / BLOCK_WORDS;
    } else {
      this.frameData = null;
      this.frameBlocks = 0;
    }
    const v3 = v === KeyDescriptorVersion.AES_CMAC;
    this.cmacMessage = v3 ? prepareCmacMessage(frame.zeroed) : null;
    this.inner256 = new Int32Array(v3 ? 8 : 0);
    this.outer256 = new Int32Array(v3 ? 8 : 0);
    this.roundKeys = new Int32Array(v3 ? ROUND_KEY_WORDS : 0);
    this.tag = new Int32Array(v3 ? 4 : 0);
    this.x4 = v === KeyDescriptorVersion.HMAC_SHA1 ? sha1x4() : null;
    this.mic0 = frame.mic.readInt32BE(0);
    this.mic1 = frame.mic.readInt32BE(4);
    this.mic2 = frame.mic.readInt32BE(8);
    this.mic3 = frame.mic.readInt32BE(12);
  }

  /** Whether `pmk` produced the frame's MIC. A PMK that is not 32 bytes never matches. */
  check(pmk: Buffer): boolean {
    if (pmk.length !== PMK_BYTES) return false;
    switch (this.descriptorVersion) {
      case KeyDescriptorVersion.HMAC_SHA1:
        return this.checkV2(pmk);
      case KeyDescriptorVersion.HMAC_MD5:
        this.kckSha1(pmk);
        return this.micMd5();
      default: {
        this.kckSha256(pmk);
        const { outer256, tag } = this;
        cmac128(
          tag,
          this.roundKeys,
          outer256[0]!,
          outer256[1]!,
          outer256[2]!,
          outer256[3]!,
          this.cmacMessage!,
        );
        const diff =
          (tag[0]! ^ this.mic0) | (tag[1]! ^ this.mic1) | (tag[2]! ^ this.mic2) | (tag[3]! ^ this.mic3);
        return diff === 0;
      }
    }
  }

  /** The KCK `check` would derive for `pmk` (a copy; for tests and diagnostics). */
  kck(pmk: Buffer): Buffer {
    if (pmk.length !== PMK_BYTES) throw new RangeError('pmk must be 32 bytes');
    if (this.descriptorVersion === KeyDescriptorVersion.AES_CMAC) {
      this.kckSha256(pmk);
      this.writeKck(this.outer256);
    } else {
      this.kckSha1(pmk);
      this.writeKck(this.outer);
    }
    return Buffer.from(this.kckBuf);
  }

  /** outer256[0..3] = KCK: first 16 bytes of HMAC-SHA256(PMK, KDF input) (counter 1 block). */
  private kckSha256(pmk: Buffer): void {
    const { w, inner256, outer256 } = this;
    for (let i = 0; i < 8; i++) w[i] = pmk.readInt32BE(i * 4) ^ IPAD;
    for (let i = 8; i < 16; i++) w[i] = IPAD;
    compress256(inner256, SHA256_IV, w);
    const kdf = this.kdfData!;
    for (let b = 0; b < this.kdfBlocks; b++) compress256(inner256, inner256, kdf, b * BLOCK_WORDS);
    for (let i = 0; i < 8; i++) w[i] = pmk.readInt32BE(i * 4) ^ OPAD;
    for (let i = 8; i < 16; i++) w[i] = OPAD;
    compress256(outer256, SHA256_IV, w);
    for (let i = 0; i < 8; i++) w[i] = inner256[i]!;
    w[8] = 0x80000000 | 0;
    for (let i = 9; i < 15; i++) w[i] = 0;
    w[15] = OUTER_BITS_256;
    compress256(outer256, outer256, w);
  }

  /** outer[0..3] = KCK: first 16 bytes of HMAC-SHA1(PMK, PRF input). */
  private kckSha1(pmk: Buffer): void {
    hmacSha1KeyStates(pmk, this.keyStates, 0);
    this.kckFromStates(this.keyStates, 0);
  }

  /**
   * outer[0..3] = KCK, from the PMK's HMAC key states at states[off..off+10] (pmk-table.ts): the
   * inner state continues over the PRF input, the outer over the inner digest.
   */
  private kckFromStates(states: Int32Array, off: number): void {
    const { inner, outer } = this;
    inner[0] = states[off]!;
    inner[1] = states[off + 1]!;
    inner[2] = states[off + 2]!;
    inner[3] = states[off + 3]!;
    inner[4] = states[off + 4]!;
    const prf = this.prfData!;
    for (let b = 0; b < this.prfBlocks; b++) compress(inner, inner, prf, b * BLOCK_WORDS);
    outer[0] = states[off + 5]!;
    outer[1] = states[off + 6]!;
    outer[2] = states[off + 7]!;
    outer[3] = states[off + 8]!;
    outer[4] = states[off + 9]!;
    this.digestBlock(inner);
    compress(outer, outer, this.w);
  }

  /** w = final block of an HMAC outer hash whose message is the 20-byte `digest`. */
  private digestBlock(digest: Int32Array): void {
    const w = this.w;
    w[0] = digest[0]!;
    w[1] = digest[1]!;
    w[2] = digest[2]!;
    w[3] = digest[3]!;
    w[4] = digest[4]!;
    w[5] = 0x80000000 | 0;
    for (let i = 6; i < 15; i++) w[i] = 0;
    w[15] = OUTER_BITS;
  }

  private writeKck(state: Int32Array): void {
    const kckBuf = this.kckBuf;
    kckBuf.writeInt32BE(state[0]!, 0);
    kckBuf.writeInt32BE(state[1]!, 4);
    kckBuf.writeInt32BE(state[2]!, 8);
    kckBuf.writeInt32BE(state[3]!, 12);
  }

  /** Whether `checkStates4` is available (v2 and a runtime with WebAssembly SIMD). */
  get lanes4(): boolean {
    return this.x4 !== null;
  }

  /**
   * `checkStates` for four keys at once (sha1x4.ts): bit l of the result is set when the key at
   * states[off<l>..+10] produced the MIC. All four are computed in full (the same work whatever
   * matches). Only when `lanes4`.
   */
  checkStates4(states: Int32Array, off0: number, off1: number, off2: number, off3: number): number {
    const x4 = this.x4!;
    if (x4Owner !== this.x4Token) this.claimX4();
    const m = this.x4View;
    const compress4 = x4.compress4;
    // inner / outer key states, lane by lane
    for (let j = 0, i = X_INNER >> 2, o = X_OUTER >> 2; j < 5; j++, i += 4, o += 4) {
      m[i] = states[off0 + j]!;
      m[i + 1] = states[off1 + j]!;
      m[i + 2] = states[off2 + j]!;
      m[i + 3] = states[off3 + j]!;
      m[o] = states[off0 + 5 + j]!;
      m[o + 1] = states[off1 + 5 + j]!;
      m[o + 2] = states[off2 + 5 + j]!;
      m[o + 3] = states[off3 + 5 + j]!;
    }
    // KCK = HMAC-SHA1(PMK, PRF input)[0..16]
    let block = X_PRF;
    for (let b = 0; b < this.prfBlocks - 1; b++, block += BLOCK4_BYTES) compress4(X_INNER, block, X_INNER);
    compress4(X_INNER, block, X_DIGEST);
    compress4(X_OUTER, X_DIGEST, X_KCK);
    // MIC = HMAC-SHA1(KCK, zeroed frame)[0..16]
    for (let i = 0, k = X_KCK >> 2, ip = X_IPAD >> 2, op = X_OPAD >> 2; i < 16; i++) {
      const word = m[k + i]!;
      m[ip + i] = word ^ IPAD;
      m[op + i] = word ^ OPAD;
    }
    compress4(X_IV, X_IPAD, X_INNER);
    block = X_PRF + this.prfBlocks * BLOCK4_BYTES;
    for (let b = 0; b < this.frameBlocks - 1; b++, block += BLOCK4_BYTES) compress4(X_INNER, block, X_INNER);
    compress4(X_INNER, block, X_DIGEST);
    compress4(X_IV, X_OPAD, X_OUTER);
    compress4(X_OUTER, X_DIGEST, X_MIC);
    const r = X_MIC >> 2;
    let mask = 0;
    for (let l = 0; l < 4; l++) {
      const diff =
        (m[r + l]! ^ this.mic0) |
        (m[r + 4 + l]! ^ this.mic1) |
        (m[r + 8 + l]! ^ this.mic2) |
        (m[r + 12 + l]! ^ this.mic3);
      mask |= (diff === 0 ? 1 : 0) << l;
    }
    return mask;
  }

  /**
   * Zeroes what the last `checkStates4` left in the shared memory that depends on the keys (HMAC
   * states, KCKs, MICs, key blocks): the module lives as long as the process.
   */
  wipeX4(): void {
    if (x4Owner !== this.x4Token) return;
    this.x4View.fill(0, X_INNER >> 2, X_PRF >> 2);
    // The constant parts of the digest and key blocks are written again by the next claim.
    x4Owner = 0;
  }

  /** Writes this request's constant blocks into the shared 4-lane memory. */
  private claimX4(): void {
    const x4 = this.x4!;
    const bytes = X_PRF + (this.prfBlocks + this.frameBlocks) * BLOCK4_BYTES;
    const have = x4.memory.buffer.byteLength;
    if (bytes > have) x4.memory.grow(Math.ceil((bytes - have) / 65536));
    const m = (this.x4View = new Int32Array(x4.memory.buffer));
    const splat = (at: number, words: ArrayLike<number>, from: number, count: number) => {
      for (let j = 0; j < count; j++) m.fill(words[from + j]!, (at >> 2) + j * 4, (at >> 2) + j * 4 + 4);
    };
    splat(X_IV, SHA1_IV, 0, 5);
    splat(X_DIGEST + 5 * 16, [0x80000000 | 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, OUTER_BITS], 0, 11);
    m.fill(IPAD, (X_IPAD >> 2) + 16, (X_IPAD + BLOCK4_BYTES) >> 2);
    m.fill(OPAD, (X_OPAD >> 2) + 16, (X_OPAD + BLOCK4_BYTES) >> 2);
    const prf = this.prfData!;
    for (let b = 0; b < this.prfBlocks; b++) splat(X_PRF + b * BLOCK4_BYTES, prf, b * BLOCK_WORDS, 16);
    const frame = this.frameData!;
    const at = X_PRF + this.prfBlocks * BLOCK4_BYTES;
    for (let b = 0; b < this.frameBlocks; b++) splat(at + b * BLOCK4_BYTES, frame, b * BLOCK_WORDS, 16);
    x4Owner = this.x4Token;
  }

  /**
   * Whether the PMK whose HMAC-SHA1 key states are states[off..off+10] (pmk-table.ts) produced the
   * frame's MIC. Key descriptor versions 1 and 2 only (v3 needs the PMK itself: `check`).
   */
  checkStates(states: Int32Array, off: number): boolean {
    if (this.descriptorVersion === KeyDescriptorVersion.HMAC_SHA1) {
      this.kckFromStates(states, off);
      return this.micV2();
    }
    if (this.descriptorVersion !== KeyDescriptorVersion.HMAC_MD5)
      throw new RangeError('checkStates: key descriptor version 3 needs the PMK');
    this.kckFromStates(states, off);
    return this.micMd5();
  }

  private micMd5(): boolean {
    this.writeKck(this.outer);
    return timingSafeEqual(createHmac('md5', this.kckBuf).update(this.frame.zeroed).digest(), this.frame.mic);
  }

  private checkV2(pmk: Buffer): boolean {
    this.kckSha1(pmk);
    return this.micV2();
  }

  /** MIC check of a v2 frame with the KCK in outer[0..3]. */
  private micV2(): boolean {
    const { w, inner, outer } = this;
    const k0 = outer[0]!;
    const k1 = outer[1]!;
    const k2 = outer[2]!;
    const k3 = outer[3]!;
    // inner = SHA-1 state after (KCK ‖ 0⁴⁸ ⊕ ipad) ‖ zeroed frame
    w[0] = k0 ^ IPAD;
    w[1] = k1 ^ IPAD;
    w[2] = k2 ^ IPAD;
    w[3] = k3 ^ IPAD;
    for (let i = 4; i < 16; i++) w[i] = IPAD;
    compress(inner, SHA1_IV, w);
    const frame = this.frameData!;
    for (let b = 0; b < this.frameBlocks; b++) compress(inner, inner, frame, b * BLOCK_WORDS);
    // outer = HMAC result
    w[0] = k0 ^ OPAD;
    w[1] = k1 ^ OPAD;
    w[2] = k2 ^ OPAD;
    w[3] = k3 ^ OPAD;
    for (let i = 4; i < 16; i++) w[i] = OPAD;
    compress(outer, SHA1_IV, w);
    this.digestBlock(inner);
    compress(outer, outer, w);
    // MIC = first 16 bytes; compare all four words without an early exit.
    const diff =
      (outer[0]! ^ this.mic0) | (outer[1]! ^ this.mic1) | (outer[2]! ^ this.mic2) | (outer[3]! ^ this.mic3);
    return diff === 0;
  }
}

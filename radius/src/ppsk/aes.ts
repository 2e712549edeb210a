// AES-128 encryption (FIPS 197) and AES-128-CMAC (RFC 4493) on 32-bit words, for the key
// descriptor version 3 MIC in the unbound PPSK scan, where the key (the KCK) changes for every
// candidate PMK: node:crypto needs a new Cipher object per key (~3 µs with the CMAC around it);
// this needs a 44-word key expansion in a reused array.
//
// Table-driven ("T-table") implementation: its memory accesses depend on key and data, the classic
// cache-timing concern. Here the keys are per-candidate KCKs for nonces an attacker can choose, so
// in theory a co-located attacker able to observe this process's cache could learn KCKs (and so
// run an offline dictionary attack, the same as with any captured handshake). Over the network,
// through a scan of thousands of keys, this is not considered practical; if it becomes a concern,
// switch version 3 back to node:crypto (cmac.ts) at ~4× the cost.
// Checked against node:crypto's AES-128-ECB and the RFC 4493 vectors in aes.test.ts.

const SBOX = new Uint8Array(256);
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);

function xtime(x: number): number {
  return ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
}

(function buildTables() {
  // Walk GF(2⁸)* with generator 3 (p) and its inverse (q) together: SBOX[p] = affine(p⁻¹).
  let p = 1;
  let q = 1;
  do {
    p = p ^ xtime(p);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const rot = (x: number, n: number) => ((x << n) | (x >>> (8 - n))) & 0xff;
    SBOX[p] = q ^ rot(q, 1) ^ rot(q, 2) ^ rot(q, 3) ^ rot(q, 4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x]!;
    const s2 = xtime(s);
    // MixColumns contribution of a row-0 byte: (2s, s, s, 3s) as a big-endian column word
    const t = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
    T0[x] = t;
    T1[x] = (t >>> 8) | (t << 24);
    T2[x] = (t >>> 16) | (t << 16);
    T3[x] = (t >>> 24) | (t << 8);
  }
})();

/** Round keys for AES-128: 44 words. */
export const ROUND_KEY_WORDS = 44;

/** Expands a 128-bit key given as four big-endian words into `rk` (44 words). */
export function expandKey128(rk: Int32Array, k0: number, k1: number, k2: number, k3: number): void {
  rk[0] = k0;
  rk[1] = k1;
  rk[2] = k2;
  rk[3] = k3;
  let rcon = 1;
  for (let i = 4; i < ROUND_KEY_WORDS; i += 4) {
    const t = rk[i - 1]!;
    const sub =
      ((SBOX[(t >>> 16) & 0xff]! << 24) |
        (SBOX[(t >>> 8) & 0xff]! << 16) |
        (SBOX[t & 0xff]! << 8) |
        SBOX[t >>> 24]!) ^
      (rcon << 24);
    rcon = xtime(rcon);
    rk[i] = rk[i - 4]! ^ sub;
    rk[i + 1] = rk[i - 3]! ^ rk[i]!;
    rk[i + 2] = rk[i - 2]! ^ rk[i + 1]!;
    rk[i + 3] = rk[i - 1]! ^ rk[i + 2]!;
  }
}

/** out[0..3] = AES-128(rk, block given as four big-endian words). */
export function encrypt128(
  out: Int32Array,
  rk: Readonly<Int32Array>,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
): void {
  let s0 = b0 ^ rk[0]!;
  let s1 = b1 ^ rk[1]!;
  let s2 = b2 ^ rk[2]!;
  let s3 = b3 ^ rk[3]!;
  for (let k = 4; k < 40; k += 4) {
    const t0 = T0[s0 >>> 24]! ^ T1[(s1 >>> 16) & 0xff]! ^ T2[(s2 >>> 8) & 0xff]! ^ T3[s3 & 0xff]! ^ rk[k]!;
    const t1 =
      T0[s1 >>> 24]! ^ T1[(s2 >>> 16) & 0xff]! ^ T2[(s3 >>> 8) & 0xff]! ^ T3[s0 & 0xff]! ^ rk[k + 1]!;
    const t2 =
      T0[s2 >>> 24]! ^ T1[(s3 >>> 16) & 0xff]! ^ T2[(s0 >>> 8) & 0xff]! ^ T3[s1 & 0xff]! ^ rk[k + 2]!;
    const t3 =
      T0[s3 >>> 24]! ^ T1[(s0 >>> 16) & 0xff]! ^ T2[(s1 >>> 8) & 0xff]! ^ T3[s2 & 0xff]! ^ rk[k + 3]!;
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
  }
  out[0] =
    ((SBOX[s0 >>> 24]! << 24) |
      (SBOX[(s1 >>> 16) & 0xff]! << 16) |
      (SBOX[(s2 >>> 8) & 0xff]! << 8) |
      SBOX[s3 & 0xff]!) ^
    rk[40]!;
  out[1] =
    ((SBOX[s1 >>> 24]! << 24) |
      (SBOX[(s2 >>> 16) & 0xff]! << 16) |
      (SBOX[(s3 >>> 8) & 0xff]! << 8) |
      SBOX[s0 & 0xff]!) ^
    rk[41]!;
  out[2] =
    ((SBOX[s2 >>> 24]! << 24) |
      (SBOX[(s3 >>> 16) & 0xff]! << 16) |
      (SBOX[(s0 >>> 8) & 0xff]! << 8) |
      SBOX[s1 & 0xff]!) ^
    rk[42]!;
  out[3] =
    ((SBOX[s3 >>> 24]! << 24) |
      (SBOX[(s0 >>> 16) & 0xff]! << 16) |
      (SBOX[(s1 >>> 8) & 0xff]! << 8) |
      SBOX[s2 & 0xff]!) ^
    rk[43]!;
}

/**
 * A message prepared once for AES-128-CMAC under many keys: its blocks as big-endian words, the last
 * one already padded (10* padding) when incomplete.
 */
export interface CmacMessage {
  words: Int32Array;
  /** Whether the last block was complete (masked with K1) or padded (K2). */
  complete: boolean;
}

export function prepareCmacMessage(message: Buffer): CmacMessage {
  const blocks = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  const padded = Buffer.alloc(blocks * 16);
  message.copy(padded);
  if (!complete) padded[message.length] = 0x80;
  const words = new Int32Array(blocks * 4);
  for (let i = 0; i < words.length; i++) words[i] = padded.readInt32BE(i * 4);
  return { words, complete };
}

/**
 * out[0..3] = AES-128-CMAC(key, message) with the key as four big-endian words; `rk` (44 words) is
 * scratch for the round keys. No allocation.
 */
export function cmac128(
  out: Int32Array,
  rk: Int32Array,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
  message: CmacMessage,
): void {
  expandKey128(rk, k0, k1, k2, k3);
  encrypt128(out, rk, 0, 0, 0, 0); // L
  let l0 = out[0]!;
  let l1 = out[1]!;
  let l2 = out[2]!;
  let l3 = out[3]!;
  const doublings = message.complete ? 1 : 2; // K1 or K2
  for (let n = 0; n < doublings; n++) {
    const carry = l0 >>> 31;
    l0 = (l0 << 1) | (l1 >>> 31);
    l1 = (l1 << 1) | (l2 >>> 31);
    l2 = (l2 << 1) | (l3 >>> 31);
    l3 = (l3 << 1) ^ (carry ? 0x87 : 0);
  }
  const w = message.words;
  const last = w.length - 4;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let i = 0; i < last; i += 4) {
    encrypt128(out, rk, c0 ^ w[i]!, c1 ^ w[i + 1]!, c2 ^ w[i + 2]!, c3 ^ w[i + 3]!);
    c0 = out[0]!;
    c1 = out[1]!;
    c2 = out[2]!;
    c3 = out[3]!;
  }
  encrypt128(
    out,
    rk,
    c0 ^ w[last]! ^ l0,
    c1 ^ w[last + 1]! ^ l1,
    c2 ^ w[last + 2]! ^ l2,
    c3 ^ w[last + 3]! ^ l3,
  );
}

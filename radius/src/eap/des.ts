/**
 * DES (FIPS 46-3) block encryption, the one primitive MSCHAPv2 needs that Node's OpenSSL 3 refuses
 * (`des-ecb` lives in the legacy provider). Encryption of single 8-byte blocks only, on 32-bit
 * integers, with the S-boxes and P folded into lookup tables built from the FIPS tables at load.
 */

// Tables from FIPS 46-3; bit positions count from 1 at the most significant bit.
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40,
  32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5,
  63, 55, 47, 39, 31, 23, 15, 7,
];
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13,
  53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26,
  33, 1, 41, 9, 49, 17, 57, 25,
];
const E = [
  32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21,
  20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22,
  11, 4, 25,
];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47,
  55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const S = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3,
    8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6,
    13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11,
    5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5,
    14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15,
    1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2,
    12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14,
    9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2,
    14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8,
    6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4,
    5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3,
    8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8,
    13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8,
    6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3,
    12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9,
    2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6,
    11,
  ],
];

/** Bit `pos` (1 = most significant) of a `width`-bit integer. */
const bit = (x: number, pos: number, width: number): number => (x >>> (width - pos)) & 1;

/** Applies a FIPS permutation table to a `width`-bit integer (≤ 32 bits). */
function permute32(x: number, table: number[], width: number): number {
  let out = 0;
  for (const p of table) out = ((out << 1) | bit(x, p, width)) >>> 0;
  return out;
}

/**
 * S-box and P permutation folded together: SP[s][six] is the 32-bit contribution of S-box `s`
 * fed `six`, after P. Built once from the tables above.
 */
const SP: Uint32Array[] = S.map((box, s) => {
  const t = new Uint32Array(64);
  for (let six = 0; six < 64; six++) {
    const row = ((six >> 4) & 2) | (six & 1);
    const col = (six >> 1) & 15;
    const nibble = box[row * 16 + col]!;
    const beforeP = (nibble << (28 - 4 * s)) >>> 0;
    t[six] = permute32(beforeP, P, 32);
  }
  return t;
});

/** Bits of a 64-bit block (two 32-bit halves) through a 64-entry table → [high, low]. */
function permute64(hi: number, lo: number, table: number[]): [number, number] {
  let a = 0;
  let b = 0;
  for (let i = 0; i < 64; i++) {
    const p = table[i]!;
    const v = p <= 32 ? bit(hi, p, 32) : bit(lo, p - 32, 32);
    if (i < 32) a = ((a << 1) | v) >>> 0;
    else b = ((b << 1) | v) >>> 0;
  }
  return [a, b];
}

/** The 16 round keys, each as eight 6-bit values (one per S-box); parity bits are ignored. */
function roundKeys(key: Uint8Array): Uint8Array[] {
  const kb = Buffer.from(key.buffer, key.byteOffset, 8);
  const hi = kb.readUInt32BE(0);
  const lo = kb.readUInt32BE(4);
  // PC-1: 56 bits → C (28) and D (28).
  let c = 0;
  let d = 0;
  for (let i = 0; i < 56; i++) {
    const p = PC1[i]!;
    const v = p <= 32 ? bit(hi, p, 32) : bit(lo, p - 32, 32);
    if (i < 28) c = (c << 1) | v;
    else d = (d << 1) | v;
  }
  const rotate = (x: number, n: number) => ((x << n) | (x >>> (28 - n))) & 0x0fffffff;
  const keys: Uint8Array[] = [];
  for (const shift of SHIFTS) {
    c = rotate(c, shift);
    d = rotate(d, shift);
    const k = new Uint8Array(8);
    for (let i = 0; i < 48; i++) {
      const p = PC2[i]!;
      const v = p <= 28 ? bit(c, p, 28) : bit(d, p - 28, 28);
      k[(i / 6) | 0] = (k[(i / 6) | 0]! << 1) | v;
    }
    keys.push(k);
  }
  return keys;
}

function feistel(r: number, k: Uint8Array): number {
  let out = 0;
  for (let s = 0; s < 8; s++) {
    let six = 0;
    for (let j = 0; j < 6; j++) six = (six << 1) | bit(r, E[s * 6 + j]!, 32);
    out = (out | SP[s]![six ^ k[s]!]!) >>> 0;
  }
  return out;
}

/** DES encryption of one 8-byte block under an 8-byte key (ECB, no padding). */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  if (key.length !== 8 || block.length !== 8) throw new RangeError('DES: 8-byte key and block');
  const keys = roundKeys(key);
  const b = Buffer.from(block.buffer, block.byteOffset, 8);
  let [l, r] = permute64(b.readUInt32BE(0), b.readUInt32BE(4), IP);
  for (const k of keys) [l, r] = [r, (l ^ feistel(r, k)) >>> 0];
  const [hi, lo] = permute64(r, l, FP);
  const out = Buffer.alloc(8);
  out.writeUInt32BE(hi, 0);
  out.writeUInt32BE(lo, 4);
  return out;
}

/** Bits as an array of 0/1, most significant bit of the first byte first. */
function toBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) for (let i = 7; i >= 0; i--) out.push((b >> i) & 1);
  return out;
}

/**
 * Spreads a 7-byte (56-bit) key over 8 bytes, 7 key bits per byte followed by a parity bit
 * (RFC 2759 §8.6 DesEncrypt's key; the parity bit is set odd, though DES ignores it).
 */
export function expandDesKey(key7: Uint8Array): Buffer {
  if (key7.length !== 7) throw new RangeError('DES: 7-byte key');
  const bits = toBits(key7);
  const out = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) {
    let byte = 0;
    let ones = 0;
    for (let j = 0; j < 7; j++) {
      const bit = bits[i * 7 + j]!;
      byte |= bit << (7 - j);
      ones += bit;
    }
    out[i] = byte | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

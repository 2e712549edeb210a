// SHA-1 compression function (FIPS 180-4 §6.1.2) on 32-bit words, for the unbound PPSK scan.
//
// Why not node:crypto: one HMAC-SHA1 through createHmac costs ~1.5 µs, almost all of it object
// creation and the JS/C++ crossing, while the hashing itself is a few 64-byte blocks. The scan runs
// two HMACs per candidate PMK (KCK, then MIC); done here on preallocated Int32Arrays they cost
// ~75 ns per block and allocate nothing. Correctness is checked against node:crypto in sha1.test.ts.
//
// `compress` is fully unrolled: the 16-word message schedule window lives in locals x0..x15
// (W[t] for t ≥ 16 overwrites x[t mod 16]), and instead of shifting a..e each round the variables
// change roles (the new `a` is written into the old `e`, and so on), which returns to the starting
// assignment every 5 rounds. Measured on Node 20: 2.2× faster than a loop over an 80-word schedule
// (~105 ns per block on the shared 2-vCPU EPYC, 2026-11-24). A full scan runs most of its blocks on
// sha1x4.ts instead (four keys per call on WebAssembly SIMD, ~45 ns per block and key).

/** Initial hash value H(0). */
export const SHA1_IV: Readonly<Int32Array> = Int32Array.of(
  0x67452301,
  0xefcdab89 | 0,
  0x98badcfe | 0,
  0x10325476,
  0xc3d2e1f0 | 0,
);

/** 32-bit words in a 64-byte message block. */
export const BLOCK_WORDS = 16;

/**
 * out[0..4] = SHA-1 compression of state inp[0..4] with the message block
 * block[off..off+15] (big-endian words). `out` may be `inp`; `block` is not modified.
 */
export function compress(
  out: Int32Array,
  inp: Readonly<Int32Array>,
  block: Readonly<Int32Array>,
  off = 0,
): void {
  const h0 = inp[0]!;
  const h1 = inp[1]!;
  const h2 = inp[2]!;
  const h3 = inp[3]!;
  const h4 = inp[4]!;
  let a = h0;
  let b = h1;
  let c = h2;
  let d = h3;
  let e = h4;
  let x0 = block[off + 0]!;
  let x1 = block[off + 1]!;
  let x2 = block[off + 2]!;
  let x3 = block[off + 3]!;
  let x4 = block[off + 4]!;
  let x5 = block[off + 5]!;
  let x6 = block[off + 6]!;
  let x7 = block[off + 7]!;
  let x8 = block[off + 8]!;
  let x9 = block[off + 9]!;
  let x10 = block[off + 10]!;
  let x11 = block[off + 11]!;
  let x12 = block[off + 12]!;
  let x13 = block[off + 13]!;
  let x14 = block[off + 14]!;
  let x15 = block[off + 15]!;
  let y = 0;
  // rounds 0-19: f = Ch
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + x0 + 0x5a827999) | 0;
  b = (b << 30) | (b >>> 2);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + x1 + 0x5a827999) | 0;
  a = (a << 30) | (a >>> 2);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + x2 + 0x5a827999) | 0;
  e = (e << 30) | (e >>> 2);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + x3 + 0x5a827999) | 0;
  d = (d << 30) | (d >>> 2);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + x4 + 0x5a827999) | 0;
  c = (c << 30) | (c >>> 2);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + x5 + 0x5a827999) | 0;
  b = (b << 30) | (b >>> 2);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + x6 + 0x5a827999) | 0;
  a = (a << 30) | (a >>> 2);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + x7 + 0x5a827999) | 0;
  e = (e << 30) | (e >>> 2);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + x8 + 0x5a827999) | 0;
  d = (d << 30) | (d >>> 2);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + x9 + 0x5a827999) | 0;
  c = (c << 30) | (c >>> 2);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + x10 + 0x5a827999) | 0;
  b = (b << 30) | (b >>> 2);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + x11 + 0x5a827999) | 0;
  a = (a << 30) | (a >>> 2);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + x12 + 0x5a827999) | 0;
  e = (e << 30) | (e >>> 2);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + x13 + 0x5a827999) | 0;
  d = (d << 30) | (d >>> 2);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + x14 + 0x5a827999) | 0;
  c = (c << 30) | (c >>> 2);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + x15 + 0x5a827999) | 0;
  b = (b << 30) | (b >>> 2);
  y = x13 ^ x8 ^ x2 ^ x0;
  x0 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + x0 + 0x5a827999) | 0;
  a = (a << 30) | (a >>> 2);
  y = x14 ^ x9 ^ x3 ^ x1;
  x1 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + x1 + 0x5a827999) | 0;
  e = (e << 30) | (e >>> 2);
  y = x15 ^ x10 ^ x4 ^ x2;
  x2 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + x2 + 0x5a827999) | 0;
  d = (d << 30) | (d >>> 2);
  y = x0 ^ x11 ^ x5 ^ x3;
  x3 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + x3 + 0x5a827999) | 0;
  c = (c << 30) | (c >>> 2);
  // rounds 20-39: f = Parity
  y = x1 ^ x12 ^ x6 ^ x4;
  x4 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x4 + 0x6ed9eba1) | 0;
  b = (b << 30) | (b >>> 2);
  y = x2 ^ x13 ^ x7 ^ x5;
  x5 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x5 + 0x6ed9eba1) | 0;
  a = (a << 30) | (a >>> 2);
  y = x3 ^ x14 ^ x8 ^ x6;
  x6 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x6 + 0x6ed9eba1) | 0;
  e = (e << 30) | (e >>> 2);
  y = x4 ^ x15 ^ x9 ^ x7;
  x7 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x7 + 0x6ed9eba1) | 0;
  d = (d << 30) | (d >>> 2);
  y = x5 ^ x0 ^ x10 ^ x8;
  x8 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x8 + 0x6ed9eba1) | 0;
  c = (c << 30) | (c >>> 2);
  y = x6 ^ x1 ^ x11 ^ x9;
  x9 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x9 + 0x6ed9eba1) | 0;
  b = (b << 30) | (b >>> 2);
  y = x7 ^ x2 ^ x12 ^ x10;
  x10 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x10 + 0x6ed9eba1) | 0;
  a = (a << 30) | (a >>> 2);
  y = x8 ^ x3 ^ x13 ^ x11;
  x11 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x11 + 0x6ed9eba1) | 0;
  e = (e << 30) | (e >>> 2);
  y = x9 ^ x4 ^ x14 ^ x12;
  x12 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x12 + 0x6ed9eba1) | 0;
  d = (d << 30) | (d >>> 2);
  y = x10 ^ x5 ^ x15 ^ x13;
  x13 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x13 + 0x6ed9eba1) | 0;
  c = (c << 30) | (c >>> 2);
  y = x11 ^ x6 ^ x0 ^ x14;
  x14 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x14 + 0x6ed9eba1) | 0;
  b = (b << 30) | (b >>> 2);
  y = x12 ^ x7 ^ x1 ^ x15;
  x15 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x15 + 0x6ed9eba1) | 0;
  a = (a << 30) | (a >>> 2);
  y = x13 ^ x8 ^ x2 ^ x0;
  x0 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x0 + 0x6ed9eba1) | 0;
  e = (e << 30) | (e >>> 2);
  y = x14 ^ x9 ^ x3 ^ x1;
  x1 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x1 + 0x6ed9eba1) | 0;
  d = (d << 30) | (d >>> 2);
  y = x15 ^ x10 ^ x4 ^ x2;
  x2 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x2 + 0x6ed9eba1) | 0;
  c = (c << 30) | (c >>> 2);
  y = x0 ^ x11 ^ x5 ^ x3;
  x3 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x3 + 0x6ed9eba1) | 0;
  b = (b << 30) | (b >>> 2);
  y = x1 ^ x12 ^ x6 ^ x4;
  x4 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x4 + 0x6ed9eba1) | 0;
  a = (a << 30) | (a >>> 2);
  y = x2 ^ x13 ^ x7 ^ x5;
  x5 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x5 + 0x6ed9eba1) | 0;
  e = (e << 30) | (e >>> 2);
  y = x3 ^ x14 ^ x8 ^ x6;
  x6 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x6 + 0x6ed9eba1) | 0;
  d = (d << 30) | (d >>> 2);
  y = x4 ^ x15 ^ x9 ^ x7;
  x7 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x7 + 0x6ed9eba1) | 0;
  c = (c << 30) | (c >>> 2);
  // rounds 40-59: f = Maj
  y = x5 ^ x0 ^ x10 ^ x8;
  x8 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + x8 - 0x70e44324) | 0;
  b = (b << 30) | (b >>> 2);
  y = x6 ^ x1 ^ x11 ^ x9;
  x9 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + x9 - 0x70e44324) | 0;
  a = (a << 30) | (a >>> 2);
  y = x7 ^ x2 ^ x12 ^ x10;
  x10 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + x10 - 0x70e44324) | 0;
  e = (e << 30) | (e >>> 2);
  y = x8 ^ x3 ^ x13 ^ x11;
  x11 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + x11 - 0x70e44324) | 0;
  d = (d << 30) | (d >>> 2);
  y = x9 ^ x4 ^ x14 ^ x12;
  x12 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + x12 - 0x70e44324) | 0;
  c = (c << 30) | (c >>> 2);
  y = x10 ^ x5 ^ x15 ^ x13;
  x13 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + x13 - 0x70e44324) | 0;
  b = (b << 30) | (b >>> 2);
  y = x11 ^ x6 ^ x0 ^ x14;
  x14 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + x14 - 0x70e44324) | 0;
  a = (a << 30) | (a >>> 2);
  y = x12 ^ x7 ^ x1 ^ x15;
  x15 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + x15 - 0x70e44324) | 0;
  e = (e << 30) | (e >>> 2);
  y = x13 ^ x8 ^ x2 ^ x0;
  x0 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + x0 - 0x70e44324) | 0;
  d = (d << 30) | (d >>> 2);
  y = x14 ^ x9 ^ x3 ^ x1;
  x1 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + x1 - 0x70e44324) | 0;
  c = (c << 30) | (c >>> 2);
  y = x15 ^ x10 ^ x4 ^ x2;
  x2 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + x2 - 0x70e44324) | 0;
  b = (b << 30) | (b >>> 2);
  y = x0 ^ x11 ^ x5 ^ x3;
  x3 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + x3 - 0x70e44324) | 0;
  a = (a << 30) | (a >>> 2);
  y = x1 ^ x12 ^ x6 ^ x4;
  x4 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + x4 - 0x70e44324) | 0;
  e = (e << 30) | (e >>> 2);
  y = x2 ^ x13 ^ x7 ^ x5;
  x5 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + x5 - 0x70e44324) | 0;
  d = (d << 30) | (d >>> 2);
  y = x3 ^ x14 ^ x8 ^ x6;
  x6 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + x6 - 0x70e44324) | 0;
  c = (c << 30) | (c >>> 2);
  y = x4 ^ x15 ^ x9 ^ x7;
  x7 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + x7 - 0x70e44324) | 0;
  b = (b << 30) | (b >>> 2);
  y = x5 ^ x0 ^ x10 ^ x8;
  x8 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + x8 - 0x70e44324) | 0;
  a = (a << 30) | (a >>> 2);
  y = x6 ^ x1 ^ x11 ^ x9;
  x9 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + x9 - 0x70e44324) | 0;
  e = (e << 30) | (e >>> 2);
  y = x7 ^ x2 ^ x12 ^ x10;
  x10 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + x10 - 0x70e44324) | 0;
  d = (d << 30) | (d >>> 2);
  y = x8 ^ x3 ^ x13 ^ x11;
  x11 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + x11 - 0x70e44324) | 0;
  c = (c << 30) | (c >>> 2);
  // rounds 60-79: f = Parity
  y = x9 ^ x4 ^ x14 ^ x12;
  x12 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x12 - 0x359d3e2a) | 0;
  b = (b << 30) | (b >>> 2);
  y = x10 ^ x5 ^ x15 ^ x13;
  x13 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x13 - 0x359d3e2a) | 0;
  a = (a << 30) | (a >>> 2);
  y = x11 ^ x6 ^ x0 ^ x14;
  x14 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x14 - 0x359d3e2a) | 0;
  e = (e << 30) | (e >>> 2);
  y = x12 ^ x7 ^ x1 ^ x15;
  x15 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x15 - 0x359d3e2a) | 0;
  d = (d << 30) | (d >>> 2);
  y = x13 ^ x8 ^ x2 ^ x0;
  x0 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x0 - 0x359d3e2a) | 0;
  c = (c << 30) | (c >>> 2);
  y = x14 ^ x9 ^ x3 ^ x1;
  x1 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x1 - 0x359d3e2a) | 0;
  b = (b << 30) | (b >>> 2);
  y = x15 ^ x10 ^ x4 ^ x2;
  x2 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x2 - 0x359d3e2a) | 0;
  a = (a << 30) | (a >>> 2);
  y = x0 ^ x11 ^ x5 ^ x3;
  x3 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x3 - 0x359d3e2a) | 0;
  e = (e << 30) | (e >>> 2);
  y = x1 ^ x12 ^ x6 ^ x4;
  x4 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x4 - 0x359d3e2a) | 0;
  d = (d << 30) | (d >>> 2);
  y = x2 ^ x13 ^ x7 ^ x5;
  x5 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x5 - 0x359d3e2a) | 0;
  c = (c << 30) | (c >>> 2);
  y = x3 ^ x14 ^ x8 ^ x6;
  x6 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x6 - 0x359d3e2a) | 0;
  b = (b << 30) | (b >>> 2);
  y = x4 ^ x15 ^ x9 ^ x7;
  x7 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x7 - 0x359d3e2a) | 0;
  a = (a << 30) | (a >>> 2);
  y = x5 ^ x0 ^ x10 ^ x8;
  x8 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x8 - 0x359d3e2a) | 0;
  e = (e << 30) | (e >>> 2);
  y = x6 ^ x1 ^ x11 ^ x9;
  x9 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x9 - 0x359d3e2a) | 0;
  d = (d << 30) | (d >>> 2);
  y = x7 ^ x2 ^ x12 ^ x10;
  x10 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x10 - 0x359d3e2a) | 0;
  c = (c << 30) | (c >>> 2);
  y = x8 ^ x3 ^ x13 ^ x11;
  x11 = (y << 1) | (y >>> 31);
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + x11 - 0x359d3e2a) | 0;
  b = (b << 30) | (b >>> 2);
  y = x9 ^ x4 ^ x14 ^ x12;
  x12 = (y << 1) | (y >>> 31);
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + x12 - 0x359d3e2a) | 0;
  a = (a << 30) | (a >>> 2);
  y = x10 ^ x5 ^ x15 ^ x13;
  x13 = (y << 1) | (y >>> 31);
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + x13 - 0x359d3e2a) | 0;
  e = (e << 30) | (e >>> 2);
  y = x11 ^ x6 ^ x0 ^ x14;
  x14 = (y << 1) | (y >>> 31);
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + x14 - 0x359d3e2a) | 0;
  d = (d << 30) | (d >>> 2);
  y = x12 ^ x7 ^ x1 ^ x15;
  x15 = (y << 1) | (y >>> 31);
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + x15 - 0x359d3e2a) | 0;
  c = (c << 30) | (c >>> 2);
  out[0] = (h0 + a) | 0;
  out[1] = (h1 + b) | 0;
  out[2] = (h2 + c) | 0;
  out[3] = (h3 + d) | 0;
  out[4] = (h4 + e) | 0;
}

/**
 * Pads `message` as the tail of a SHA-1 input that starts with `prefixBytes` already-hashed bytes
 * (a multiple of 64, e.g. an HMAC key block) and returns its blocks as big-endian words, 16 per block.
 */
export function paddedBlocks(message: Buffer, prefixBytes: number): Int32Array {
  if (prefixBytes % 64 !== 0) throw new RangeError('prefixBytes must be a multiple of 64');
  const blocks = Math.ceil((message.length + 9) / 64);
  const padded = Buffer.alloc(blocks * 64);
  message.copy(padded);
  padded[message.length] = 0x80;
  const bits = (prefixBytes + message.length) * 8;
  padded.writeUInt32BE(Math.floor(bits / 0x100000000), padded.length - 8);
  padded.writeUInt32BE(bits >>> 0, padded.length - 4);
  const words = new Int32Array(blocks * BLOCK_WORDS);
  for (let i = 0; i < words.length; i++) words[i] = padded.readInt32BE(i * 4);
  return words;
}

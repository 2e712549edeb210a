// MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for the RADIUS hot path.
//
// Why not node:crypto: every Access-Request costs four to six MD5/HMAC-MD5 digests of a few
// 64-byte blocks (request Message-Authenticator, User-Password, reply Message-Authenticator,
// Response Authenticator). Through node:crypto each one is an object (createHmac: also a key
// schedule) plus several JS/C++ crossings and Buffer allocations; profiles of the worker put
// 35-40 % of its CPU there and in the garbage they leave. Here the compression function runs on
// 32-bit locals, the HMAC key pads are hashed once per secret (`hmacMd5Key`, cached per secret
// Buffer), input is fed from Buffer slices without copying them, and digests are written into the
// caller's buffer. Checked against node:crypto in md5.test.ts (RFC 1321 / RFC 2202 vectors,
// every length 0..300, split updates).
//
// Not re-entrant across awaits by design: `Md5` instances hold state, so each caller owns one (the
// module-level scratch ones below are used only inside synchronous functions).

const IV = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);

/** state[0..3] = MD5 compression of state with the 64-byte block at buf[off..off+63]. */
function compress(state: Int32Array, buf: Uint8Array, off: number): void {
  const x0 = buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24);
  const x1 = buf[off + 4]! | (buf[off + 5]! << 8) | (buf[off + 6]! << 16) | (buf[off + 7]! << 24);
  const x2 = buf[off + 8]! | (buf[off + 9]! << 8) | (buf[off + 10]! << 16) | (buf[off + 11]! << 24);
  const x3 = buf[off + 12]! | (buf[off + 13]! << 8) | (buf[off + 14]! << 16) | (buf[off + 15]! << 24);
  const x4 = buf[off + 16]! | (buf[off + 17]! << 8) | (buf[off + 18]! << 16) | (buf[off + 19]! << 24);
  const x5 = buf[off + 20]! | (buf[off + 21]! << 8) | (buf[off + 22]! << 16) | (buf[off + 23]! << 24);
  const x6 = buf[off + 24]! | (buf[off + 25]! << 8) | (buf[off + 26]! << 16) | (buf[off + 27]! << 24);
  const x7 = buf[off + 28]! | (buf[off + 29]! << 8) | (buf[off + 30]! << 16) | (buf[off + 31]! << 24);
  const x8 = buf[off + 32]! | (buf[off + 33]! << 8) | (buf[off + 34]! << 16) | (buf[off + 35]! << 24);
  const x9 = buf[off + 36]! | (buf[off + 37]! << 8) | (buf[off + 38]! << 16) | (buf[off + 39]! << 24);
  const x10 = buf[off + 40]! | (buf[off + 41]! << 8) | (buf[off + 42]! << 16) | (buf[off + 43]! << 24);
  const x11 = buf[off + 44]! | (buf[off + 45]! << 8) | (buf[off + 46]! << 16) | (buf[off + 47]! << 24);
  const x12 = buf[off + 48]! | (buf[off + 49]! << 8) | (buf[off + 50]! << 16) | (buf[off + 51]! << 24);
  const x13 = buf[off + 52]! | (buf[off + 53]! << 8) | (buf[off + 54]! << 16) | (buf[off + 55]! << 24);
  const x14 = buf[off + 56]! | (buf[off + 57]! << 8) | (buf[off + 58]! << 16) | (buf[off + 59]! << 24);
  const x15 = buf[off + 60]! | (buf[off + 61]! << 8) | (buf[off + 62]! << 16) | (buf[off + 63]! << 24);
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let t: number;
  t = (a + ((b & c) | (~b & d)) + x0 + (0xd76aa478 | 0)) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x1 + (0xe8c7b756 | 0)) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x2 + 0x242070db) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x3 + (0xc1bdceee | 0)) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x4 + (0xf57c0faf | 0)) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x5 + 0x4787c62a) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x6 + (0xa8304613 | 0)) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x7 + (0xfd469501 | 0)) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x8 + 0x698098d8) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x9 + (0x8b44f7af | 0)) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x10 + (0xffff5bb1 | 0)) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x11 + (0x895cd7be | 0)) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x12 + 0x6b901122) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x13 + (0xfd987193 | 0)) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x14 + (0xa679438e | 0)) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x15 + 0x49b40821) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x1 + (0xf61e2562 | 0)) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x6 + (0xc040b340 | 0)) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x11 + 0x265e5a51) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x0 + (0xe9b6c7aa | 0)) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x5 + (0xd62f105d | 0)) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x10 + 0x2441453) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x15 + (0xd8a1e681 | 0)) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x4 + (0xe7d3fbc8 | 0)) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x9 + 0x21e1cde6) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x14 + (0xc33707d6 | 0)) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x3 + (0xf4d50d87 | 0)) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x8 + 0x455a14ed) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x13 + (0xa9e3e905 | 0)) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x2 + (0xfcefa3f8 | 0)) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x7 + 0x676f02d9) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x12 + (0x8d2a4c8a | 0)) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + (b ^ c ^ d) + x5 + (0xfffa3942 | 0)) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x8 + (0x8771f681 | 0)) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x11 + 0x6d9d6122) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x14 + (0xfde5380c | 0)) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x1 + (0xa4beea44 | 0)) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x4 + 0x4bdecfa9) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x7 + (0xf6bb4b60 | 0)) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x10 + (0xbebfbc70 | 0)) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x13 + 0x289b7ec6) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x0 + (0xeaa127fa | 0)) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x3 + (0xd4ef3085 | 0)) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x6 + 0x4881d05) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x9 + (0xd9d4d039 | 0)) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x12 + (0xe6db99e5 | 0)) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x15 + 0x1fa27cf8) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x2 + (0xc4ac5665 | 0)) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x0 + (0xf4292244 | 0)) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x7 + 0x432aff97) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x14 + (0xab9423a7 | 0)) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x5 + (0xfc93a039 | 0)) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x12 + 0x655b59c3) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x3 + (0x8f0ccc92 | 0)) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x10 + (0xffeff47d | 0)) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x1 + (0x85845dd1 | 0)) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x8 + 0x6fa87e4f) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x15 + (0xfe2ce6e0 | 0)) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x6 + (0xa3014314 | 0)) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x13 + 0x4e0811a1) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x4 + (0xf7537e82 | 0)) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x11 + (0xbd3af235 | 0)) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x2 + 0x2ad7d2bb) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x9 + (0xeb86d391 | 0)) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
}

/** A reusable MD5 computation: reset → update… → digestInto. */
export class Md5 {
  private readonly state = new Int32Array(4);
  private readonly block = new Uint8Array(64);
  private used = 0; // bytes in `block`
  private length = 0; // bytes hashed so far, including any prefix of a precomputed state

  constructor() {
    this.reset();
  }

  /** Starts over, from MD5's initial value or from a state after `prefixLength` bytes (HMAC pads). */
  reset(state: Int32Array = IV, prefixLength = 0): this {
    this.state.set(state);
    this.used = 0;
    this.length = prefixLength;
    return this;
  }

  update(data: Uint8Array, start = 0, end = data.length): this {
    this.length += end - start;
    let pos = start;
    if (this.used > 0) {
      const n = Math.min(64 - this.used, end - pos);
      for (let i = 0; i < n; i++) this.block[this.used + i] = data[pos + i]!;
      this.used += n;
      pos += n;
      if (this.used < 64) return this;
      compress(this.state, this.block, 0);
      this.used = 0;
    }
    // Whole blocks straight from the input.
    for (; pos + 64 <= end; pos += 64) compress(this.state, data, pos);
    for (let i = pos; i < end; i++) this.block[this.used++] = data[i]!;
    return this;
  }

  /** Feeds `n` zero bytes (a Message-Authenticator being computed or checked). */
  zeros(n: number): this {
    this.length += n;
    while (n > 0) {
      const k = Math.min(64 - this.used, n);
      this.block.fill(0, this.used, this.used + k);
      this.used += k;
      n -= k;
      if (this.used === 64) {
        compress(this.state, this.block, 0);
        this.used = 0;
      }
    }
    return this;
  }

  /** Pads, finishes and writes the 16-byte digest to out[offset..offset+15]. The instance must be reset before reuse. */
  digestInto(out: Uint8Array, offset = 0): void {
    const bits = this.length * 8;
    const block = this.block;
    block[this.used++] = 0x80;
    if (this.used > 56) {
      block.fill(0, this.used, 64);
      compress(this.state, block, 0);
      this.used = 0;
    }
    block.fill(0, this.used, 56);
    const lo = bits >>> 0;
    const hi = Math.floor(bits / 0x100000000) >>> 0;
    block[56] = lo;
    block[57] = lo >>> 8;
    block[58] = lo >>> 16;
    block[59] = lo >>> 24;
    block[60] = hi;
    block[61] = hi >>> 8;
    block[62] = hi >>> 16;
    block[63] = hi >>> 24;
    compress(this.state, block, 0);
    for (let i = 0; i < 4; i++) {
      const w = this.state[i]!;
      out[offset + 4 * i] = w;
      out[offset + 4 * i + 1] = w >>> 8;
      out[offset + 4 * i + 2] = w >>> 16;
      out[offset + 4 * i + 3] = w >>> 24;
    }
  }

  digest(): Buffer {
    const out = Buffer.allocUnsafe(16);
    this.digestInto(out);
    return out;
  }
}

/** HMAC-MD5 key: the MD5 states after the inner (key ⊕ ipad) and outer (key ⊕ opad) blocks. */
export interface HmacMd5Key {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

const keys = new WeakMap<Uint8Array, HmacMd5Key>();
const scratch = new Md5();

/** The precomputed pads for `secret`, cached for as long as that Buffer object lives (NAS secrets do). */
export function hmacMd5Key(secret: Uint8Array): HmacMd5Key {
  const cached = keys.get(secret);
  if (cached) return cached;
  let k: Uint8Array = secret;
  if (k.length > 64) {
    const d = new Uint8Array(16);
    scratch.reset().update(k).digestInto(d);
    k = d;
  }
  const pad = new Uint8Array(64);
  const states: Int32Array[] = [];
  for (const xor of [0x36, 0x5c]) {
    for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ xor;
    const s = Int32Array.from(IV);
    compress(s, pad, 0);
    states.push(s);
  }
  const key = { inner: states[0]!, outer: states[1]! };
  keys.set(secret, key);
  return key;
}

const innerDigest = new Uint8Array(16);

/**
 * HMAC-MD5 in two steps: `hmacStart(h, key)` resets `h` to the inner state; feed it the message;
 * `hmacFinish(h, key, out, offset)` writes the MAC. No allocation.
 */
export function hmacStart(h: Md5, key: HmacMd5Key): Md5 {
  return h.reset(key.inner, 64);
}

export function hmacFinish(h: Md5, key: HmacMd5Key, out: Uint8Array, offset = 0): void {
  h.digestInto(innerDigest);
  h.reset(key.outer, 64).update(innerDigest).digestInto(out, offset);
}

/** Constant-time comparison of a[ao..ao+n) and b[bo..bo+n). */
export function equalBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[ao + i]! ^ b[bo + i]!;
  return diff === 0;
}

// Four SHA-1 compressions at once, one per lane of WebAssembly SIMD (i32x4), for the unbound PPSK
// scan: four candidate PMKs go through the same HMAC steps on different keys. The module is
// generated here at load time (about 4 KB of code, no build step, nothing to download): one
// function, `compress4(inPtr, blockPtr, outPtr)`, fully unrolled like sha1.ts's `compress` (the
// message schedule window in 16 locals, the working variables changing roles each round).
//
// Memory layout: a state is 5 vectors (80 bytes), a block 16 vectors (256 bytes); vector j holds
// word j of lanes 0..3, so word j of lane l is Int32Array index (ptr / 4) + j * 4 + l. WebAssembly
// memory is little-endian like the Int32Array view on every platform Node runs on here (x64,
// arm64): words go in as numbers, no byte order is involved.

/** Bytes of a 4-lane state / block. */
export const STATE4_BYTES = 5 * 16;
export const BLOCK4_BYTES = 16 * 16;

/** The parts of WebAssembly used here (this package's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

export interface Sha1x4 {
  /** out = compression of state `inPtr` with block `blockPtr`, per lane (out may be in). */
  compress4(inPtr: number, blockPtr: number, outPtr: number): void;
  readonly memory: WasmMemory;
}

const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc | 0, 0xca62c1d6 | 0];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

// Opcodes (WebAssembly core + fixed-width SIMD).
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const SIMD = 0xfd;
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const I32X4_SPLAT = 0x11;
const V128_OR = 0x50;
const V128_XOR = 0x51;
const V128_BITSELECT = 0x52;
const I32X4_SHL = 0xab;
const I32X4_SHR_U = 0xad;
const I32X4_ADD = 0xae;
const V128 = 0x7b;
const I32 = 0x7f;

/** The bytes of the module. */
function sha1x4Module(): Uint8Array {
  // Locals: params 0 (in), 1 (block), 2 (out); v128: a..e, x0..x15, k0..k3, tmp.
  const P_IN = 0;
  const P_BLOCK = 1;
  const P_OUT = 2;
  const VAR = [3, 4, 5, 6, 7];
  const X = Array.from({ length: 16 }, (_, i) => 8 + i);
  const KL = [24, 25, 26, 27];
  const TMP = 28;
  const code: number[] = [];
  const get = (l: number) => code.push(LOCAL_GET, ...uleb(l));
  const set = (l: number) => code.push(LOCAL_SET, ...uleb(l));
  const simd = (op: number) => code.push(SIMD, ...uleb(op));
  const i32 = (n: number) => code.push(I32_CONST, ...sleb(n));
  const load = (ptr: number, offset: number) => {
    get(ptr);
    simd(V128_LOAD);
    code.push(4, ...uleb(offset));
  };
  /** Pushes rotl(local, n). */
  const rotl = (l: number, n: number) => {
    get(l);
    i32(n);
    simd(I32X4_SHL);
    get(l);
    i32(32 - n);
    simd(I32X4_SHR_U);
    simd(V128_OR);
  };

  for (let i = 0; i < 4; i++) {
    i32(K[i]!);
    simd(I32X4_SPLAT);
    set(KL[i]!);
  }
  for (let i = 0; i < 5; i++) {
    load(P_IN, i * 16);
    set(VAR[i]!);
  }
  for (let i = 0; i < 16; i++) {
    load(P_BLOCK, i * 16);
    set(X[i]!);
  }
  // roles[0..4] = locals currently playing a, b, c, d, e
  let roles = [...VAR];
  for (let t = 0; t < 80; t++) {
    const [a, b, c, d, e] = roles as [number, number, number, number, number];
    const x = X[t & 15]!;
    if (t >= 16) {
      get(X[(t - 3) & 15]!);
      get(X[(t - 8) & 15]!);
      simd(V128_XOR);
      get(X[(t - 14) & 15]!);
      simd(V128_XOR);
      get(x);
      simd(V128_XOR);
      code.push(LOCAL_TEE, ...uleb(TMP));
      i32(1);
      simd(I32X4_SHL);
      get(TMP);
      i32(31);
      simd(I32X4_SHR_U);
      simd(V128_OR);
      set(x);
    }
    // e = rotl(a, 5) + f(b, c, d) + e + x + K
    rotl(a, 5);
    const round = Math.floor(t / 20);
    if (round === 0) {
      // Ch: (b & c) | (~b & d) = bitselect(c, d, b)
      get(c);
      get(d);
      get(b);
      simd(V128_BITSELECT);
    } else if (round === 2) {
      // Maj: where b = c it is b, elsewhere d: bitselect(d, b, b ^ c)
      get(d);
      get(b);
      get(b);
      get(c);
      simd(V128_XOR);
      simd(V128_BITSELECT);
    } else {
      get(b);
      get(c);
      simd(V128_XOR);
      get(d);
      simd(V128_XOR);
    }
    simd(I32X4_ADD);
    get(e);
    simd(I32X4_ADD);
    get(x);
    simd(I32X4_ADD);
    get(KL[round]!);
    simd(I32X4_ADD);
    set(e);
    // b = rotl(b, 30)
    rotl(b, 30);
    set(b);
    roles = [e, a, b, c, d];
  }
  for (let i = 0; i < 5; i++) {
    get(P_OUT);
    load(P_IN, i * 16);
    get(roles[i]!);
    simd(I32X4_ADD);
    simd(V128_STORE);
    code.push(4, ...uleb(i * 16));
  }
  code.push(0x0b);

  const body = [...vec([[...uleb(TMP - 2), V128]]), ...code];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name('compress4'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

let shared: Sha1x4 | null | undefined;

/**
 * The module's one instance (null when this runtime has no WebAssembly SIMD: callers fall back to
 * sha1.ts). Its memory is shared by every user: whoever writes its own blocks there must do so
 * before each use by another (MicChecker tracks who wrote last).
 */
export function sha1x4(): Sha1x4 | null {
  if (shared !== undefined) return shared;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(sha1x4Module()));
    const exports = instance.exports as unknown as Sha1x4;
    shared = { compress4: exports.compress4, memory: exports.memory };
  } catch {
    shared = null;
  }
  return shared;
}

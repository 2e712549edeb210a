// The PMKs of one SSID laid out for the unbound scan (matcher.ts): per key, the two SHA-1 states
// an HMAC-SHA1 keyed with the PMK starts from, (PMK ‖ 0³² ⊕ ipad) and (PMK ‖ 0³² ⊕ opad) each
// compressed once, as 10 words of one Int32Array; the owners in a parallel array. The scan reads
// the states in place (no object, Map lookup or Buffer read per candidate) and skips 2 of the 11
// SHA-1 compressions of a v2 check. 40 bytes per key instead of the PMK's 32: the raw PMK stays
// with its owner (`pmkOf`), for PSK-SHA256 (v3) and the preferred candidate.
//
// Removal swaps the last key into the hole, so the table stays dense and the scan order is not the
// insertion order. Freed words (holes, old buffers after growth or shrinking) are zeroed.
import { BLOCK_WORDS, SHA1_IV, compress } from './sha1.js';

/** Words per key: inner state (5), outer state (5). */
export const STATE_WORDS = 10;
const PMK_BYTES = 32;
const IPAD = 0x36363636;
const OPAD = 0x5c5c5c5c;
/** Growth: by an eighth (at least MIN_CAPACITY keys), so at most ~12 % of the words are spare. */
const MIN_CAPACITY = 64;

const w = new Int32Array(BLOCK_WORDS);
const state = new Int32Array(5);

/**
 * out[off..off+10] = the HMAC-SHA1 key states of `pmk` (32 bytes): SHA-1 state after one block of
 * PMK ⊕ ipad, then after one block of PMK ⊕ opad.
 */
export function hmacSha1KeyStates(pmk: Buffer, out: Int32Array, off: number): void {
  if (pmk.length !== PMK_BYTES) throw new RangeError('pmk must be 32 bytes');
  for (let pad = 0; pad < 2; pad++) {
    const p = pad === 0 ? IPAD : OPAD;
    for (let i = 0; i < 8; i++) w[i] = pmk.readInt32BE(i * 4) ^ p;
    for (let i = 8; i < 16; i++) w[i] = p;
    compress(state, SHA1_IV, w);
    out.set(state, off + pad * 5);
  }
  w.fill(0);
  state.fill(0);
}

export class PmkTable<T extends { readonly id: string }> {
  /** STATE_WORDS per key, keys 0..size-1; read-only outside this class. */
  states: Int32Array = new Int32Array(0);
  private readonly owners: T[] = [];
  private readonly slots = new Map<T, number>();

  /** `rawPmk(owner)` is the owner's PMK for this table's SSID (v3 scans). */
  constructor(private readonly rawPmk: (owner: T) => Buffer | undefined) {}

  /** The owner's PMK itself (a v3 scan needs it: the table holds HMAC-SHA1 states). */
  pmkOf(owner: T): Buffer | undefined {
    return this.rawPmk(owner);
  }

  get size(): number {
    return this.owners.length;
  }

  owner(index: number): T {
    return this.owners[index]!;
  }

  has(owner: T): boolean {
    return this.slots.has(owner);
  }

  /** Adds `owner`'s key, or replaces it if the owner is already in. */
  set(owner: T, pmk: Buffer): void {
    let index = this.slots.get(owner);
    if (index === undefined) {
      index = this.owners.length;
      if ((index + 1) * STATE_WORDS > this.states.length)
        this.resize(index + 1 + Math.max(MIN_CAPACITY, index >>> 3));
      this.owners.push(owner);
      this.slots.set(owner, index);
    }
    hmacSha1KeyStates(pmk, this.states, index * STATE_WORDS);
  }

  /** Removes `owner`'s key (no-op if absent). */
  delete(owner: T): boolean {
    const index = this.slots.get(owner);
    if (index === undefined) return false;
    this.slots.delete(owner);
    const last = this.owners.length - 1;
    const states = this.states;
    if (index !== last) {
      const moved = this.owners[last]!;
      this.owners[index] = moved;
      this.slots.set(moved, index);
      states.copyWithin(index * STATE_WORDS, last * STATE_WORDS, (last + 1) * STATE_WORDS);
    }
    states.fill(0, last * STATE_WORDS, (last + 1) * STATE_WORDS);
    this.owners.pop();
    // Shrink when three quarters are spare (e.g. after a reload removed many members).
    if (states.length > MIN_CAPACITY * STATE_WORDS && last * 4 < states.length / STATE_WORDS)
      this.resize(Math.max(MIN_CAPACITY, last + (last >>> 3)));
    return true;
  }

  clear(): void {
    this.states.fill(0);
    this.states = new Int32Array(0);
    this.owners.length = 0;
    this.slots.clear();
  }

  private resize(capacity: number): void {
    const next = new Int32Array(capacity * STATE_WORDS);
    next.set(this.states.subarray(0, this.owners.length * STATE_WORDS));
    this.states.fill(0);
    this.states = next;
  }
}

// The PMKs of one SSID laid out for the unbound scan (matcher.ts): per key, the two SHA-1 states
// an HMAC-SHA1 keyed with the PMK starts from, (PMK ‖ 0³² ⊕ ipad) and (PMK ‖ 0³² ⊕ opad) each
// compressed once, as 10 words of one Int32Array; the owners in a parallel array. The scan reads
// the states in place (no object, Map lookup or Buffer read per candidate) and skips 2 of the 11
// SHA-1 compressions of a v2 check. 40 bytes per key instead of the PMK's 32: the raw PMK stays
// with its owner (`pmkOf`), for PSK-SHA256 (v3) and the preferred candidate.
//
// Freed words (removed keys, old buffers after growth or shrinking) are zeroed.
import { PMK_BYTES } from './eapol.js';
import { BLOCK_WORDS, SHA1_IV, compress } from './sha1.js';

/** Words per key: inner state (5), outer state (5). */
export const STATE_WORDS = 10;
/** HMAC's ipad and opad bytes (RFC 2104) as 32-bit words, for keys XORed a word at a time. */
export const IPAD = 0x36363636;
export const OPAD = 0x5c5c5c5c;
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

/**
 * Removal is lazy: `delete` only records the owner, and the next read of `size` or `states` (so
 * every scan, before it reads a key) drops the removed keys in one pass. A lookup from owner to
 * slot would cost a Map entry per key (~35 bytes, most of what the table costs); removing in
 * place by searching the owners would cost O(keys) per removal, and a reload can remove them all.
 * An owner must be deleted before it is added again (the snapshot does: unindex, then index).
 */
export class PmkTable<T extends { readonly id: string }> {
  private words: Int32Array = new Int32Array(0);
  private readonly owners: T[] = [];
  /** Owners deleted since the last compaction → the slot count then (their slots below it are dead). */
  private readonly removed = new Map<T, number>();

  /** `rawPmk(owner)` is the owner's PMK for this table's SSID (v3 scans). */
  constructor(private readonly rawPmk: (owner: T) => Buffer | undefined) {}

  /** Keys in the table (removals applied). */
  get size(): number {
    if (this.removed.size !== 0) this.compact();
    return this.owners.length;
  }

  /** STATE_WORDS per key, keys 0..size-1 (removals applied); read-only outside this class. */
  get states(): Int32Array {
    if (this.removed.size !== 0) this.compact();
    return this.words;
  }

  /** The owner of key `index` (< size). */
  owner(index: number): T {
    return this.owners[index]!;
  }

  /** The owner's PMK itself (a v3 scan needs it: the table holds HMAC-SHA1 states). */
  pmkOf(owner: T): Buffer | undefined {
    return this.rawPmk(owner);
  }

  /** Appends `owner`'s key; a PMK that is not 32 bytes is left out (it could never match). */
  add(owner: T, pmk: Buffer): boolean {
    if (pmk.length !== PMK_BYTES) return false;
    const index = this.owners.length;
    if ((index + 1) * STATE_WORDS > this.words.length)
      this.resize(index + 1 + Math.max(MIN_CAPACITY, index >>> 3));
    this.owners.push(owner);
    hmacSha1KeyStates(pmk, this.words, index * STATE_WORDS);
    return true;
  }

  /** Removes every key `owner` has in the table (applied at the next read, see above). */
  delete(owner: T): void {
    this.removed.set(owner, this.owners.length);
    // Bounds the dead keys kept between scans (a reload removing many members).
    if (this.removed.size > Math.max(MIN_CAPACITY, this.owners.length >>> 3)) this.compact();
  }

  clear(): void {
    this.words.fill(0);
    this.words = new Int32Array(0);
    this.owners.length = 0;
    this.removed.clear();
  }

  /** Drops the removed keys in one pass (order of the others kept), zeroing what they leave. */
  private compact(): void {
    const { owners, removed } = this;
    const words = this.words;
    let kept = 0;
    for (let i = 0; i < owners.length; i++) {
      const owner = owners[i]!;
      const deadBelow = removed.get(owner);
      if (deadBelow !== undefined && i < deadBelow) continue;
      if (kept !== i) {
        owners[kept] = owner;
        words.copyWithin(kept * STATE_WORDS, i * STATE_WORDS, (i + 1) * STATE_WORDS);
      }
      kept++;
    }
    words.fill(0, kept * STATE_WORDS, owners.length * STATE_WORDS);
    owners.length = kept;
    removed.clear();
    // Shrink when three quarters are spare (e.g. after a reload removed many members).
    if (words.length > MIN_CAPACITY * STATE_WORDS && kept * 4 < words.length / STATE_WORDS)
      this.resize(Math.max(MIN_CAPACITY, kept + (kept >>> 3)));
  }

  private resize(capacity: number): void {
    const next = new Int32Array(capacity * STATE_WORDS);
    next.set(this.words.subarray(0, this.owners.length * STATE_WORDS));
    this.words.fill(0);
    this.words = next;
  }
}

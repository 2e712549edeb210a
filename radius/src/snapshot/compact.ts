/**
 * Compact building blocks of the snapshot (bench/memory.bench.ts: 100,000 members). Rows from
 * Postgres come with a fresh string or Date per cell and lists grown by push (capacity 17); held
 * for every member, those copies were most of the snapshot. Here equal values share one instance.
 * Everything shared is never mutated: lists are typed readonly, and code that changes a member's
 * list replaces it (copy on write).
 */

/** The shared empty list. */
export const EMPTY: readonly never[] = Object.freeze([]);

/** A member's PMKs, one per SSID. `Map<string, Buffer>` fits too (tests build members that way). */
export interface MemberPmks extends Iterable<readonly [ssid: string, pmk: Buffer]> {
  readonly size: number;
  has(ssid: string): boolean;
  get(ssid: string): Buffer | undefined;
}

const PMK_BYTES = 32;

/**
 * A member's PMKs in one buffer, 32 bytes per SSID in the order of `ssids` (a list shared between
 * members: few distinct SSID sets exist). `get` returns a view (the preferred candidate of a PPSK
 * request, and per candidate of a v3 scan; v1/v2 scans read the snapshot's PmkTable instead;
 * bench/memory.bench.ts shows what the one buffer saves).
 */
export class PmkBlock implements MemberPmks {
  constructor(
    private readonly ssids: readonly string[],
    private readonly bytes: Buffer,
  ) {
    if (bytes.length !== ssids.length * PMK_BYTES) throw new RangeError('one 32-byte PMK per SSID');
  }

  get size(): number {
    return this.ssids.length;
  }

  has(ssid: string): boolean {
    return this.ssids.includes(ssid);
  }

  get(ssid: string): Buffer | undefined {
    for (let i = 0; i < this.ssids.length; i++)
      if (this.ssids[i] === ssid) return this.bytes.subarray(i * PMK_BYTES, (i + 1) * PMK_BYTES);
    return undefined;
  }

  *[Symbol.iterator](): Iterator<readonly [string, Buffer]> {
    for (let i = 0; i < this.ssids.length; i++)
      yield [this.ssids[i]!, this.bytes.subarray(i * PMK_BYTES, (i + 1) * PMK_BYTES)];
  }
}

export const NO_PMKS: MemberPmks = new PmkBlock(EMPTY, Buffer.alloc(0));

/**
 * One instance per distinct value, for the lifetime of one load (a full load, or one batch of
 * NOTIFYed members): instances from an earlier load stay shared by the members still holding them
 * and are freed with the last of those, so nothing accumulates across loads.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  /** One-element lists by their element; longer ones by their JSON text (unambiguous). */
  private readonly singles = new Map<string, readonly string[]>();
  private readonly lists = new Map<string, readonly string[]>();
  private readonly dates = new Map<number, Date>();

  /** Pre-seeds strings (e.g. the ids of the locations and groups already in the snapshot). */
  constructor(known: Iterable<string> = []) {
    for (const s of known) this.strings.set(s, s);
  }

  /** For values with few distinct instances: ids of locations and groups, kinds, statuses, SSIDs. */
  string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  /** The shared list with these elements in this order (EMPTY for none); elements are interned. */
  list(values: readonly string[]): readonly string[] {
    if (values.length === 0) return EMPTY;
    const lists = values.length === 1 ? this.singles : this.lists;
    const key = values.length === 1 ? values[0]! : JSON.stringify(values);
    let list = lists.get(key);
    if (!list) {
      list = values.map((v) => this.string(v));
      lists.set(key, list);
    }
    return list;
  }

  /** The shared Date of this instant (milliseconds since the epoch). */
  date(ms: number): Date {
    let date = this.dates.get(ms);
    if (!date) {
      date = new Date(ms);
      this.dates.set(ms, date);
    }
    return date;
  }
}

/**
 * `values`, or EMPTY when there are none. Lists made by map() are exactly sized; grown by push
 * they keep room for 17 elements, so build entries' lists with map().
 */
export function orEmpty<T>(values: T[]): readonly T[] {
  return values.length === 0 ? EMPTY : values;
}

/**
 * Long-lived copies of small secrets (NT hashes, PMKs) packed into slabs of their own. Node's
 * shared Buffer pool interleaves them with the garbage of decryption, and one live 16-byte slice
 * keeps its whole 8 KiB slab alive: after a full load that was ~50 MB of slabs for ~8 MB of keys.
 * A slab here is freed once every secret in it is (like Node's pool: worst case one slab per
 * survivor of many partial reloads; a full reload replaces them all).
 */
export class SecretArena {
  private slab = Buffer.alloc(0);
  private used = 0;

  constructor(private readonly slabSize = 8192) {}

  /** A copy of `secret` in the arena; `secret` itself is zeroed. */
  keep(secret: Buffer): Buffer {
    const n = secret.length;
    let out: Buffer;
    if (n > this.slabSize >>> 2) {
      out = Buffer.allocUnsafeSlow(n);
    } else {
      if (this.used + n > this.slab.length) {
        this.slab = Buffer.allocUnsafeSlow(this.slabSize);
        this.used = 0;
      }
      out = this.slab.subarray(this.used, this.used + n);
      this.used += n;
    }
    secret.copy(out);
    secret.fill(0);
    return out;
  }
}

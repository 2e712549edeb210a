import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { PmkTable, STATE_WORDS, hmacSha1KeyStates } from './pmk-table.js';
import { BLOCK_WORDS, compress, paddedBlocks } from './sha1.js';

interface Owner {
  readonly id: string;
  pmk: Buffer;
}

/** The states of `table` for `owner`, by searching every slot (independent of the table's own map). */
function statesOf(table: PmkTable<Owner>, owner: Owner): number[] | null {
  for (let i = 0; i < table.size; i++)
    if (table.owner(i) === owner) return [...table.states.subarray(i * STATE_WORDS, (i + 1) * STATE_WORDS)];
  return null;
}

function expectedStates(pmk: Buffer): number[] {
  const out = new Int32Array(STATE_WORDS);
  hmacSha1KeyStates(pmk, out, 0);
  return [...out];
}

/** HMAC-SHA1(pmk, message) computed from the key states and sha1.ts (as MicChecker does). */
function hmacFromStates(states: Int32Array, off: number, message: Buffer): Buffer {
  const inner = states.slice(off, off + 5);
  const blocks = paddedBlocks(message, 64);
  for (let b = 0; b < blocks.length; b += BLOCK_WORDS) compress(inner, inner, blocks, b);
  const digest = Buffer.alloc(20);
  for (let i = 0; i < 5; i++) digest.writeInt32BE(inner[i]!, i * 4);
  const outer = states.slice(off + 5, off + 10);
  const last = paddedBlocks(digest, 64);
  compress(outer, outer, last);
  const out = Buffer.alloc(20);
  for (let i = 0; i < 5; i++) out.writeInt32BE(outer[i]!, i * 4);
  return out;
}

describe('hmacSha1KeyStates', () => {
  it('continued over a message, gives node:crypto HMAC-SHA1 with the PMK as key', () => {
    for (const length of [0, 1, 55, 56, 64, 100, 121, 200]) {
      const pmk = randomBytes(32);
      const message = randomBytes(length);
      const states = new Int32Array(STATE_WORDS + 3);
      hmacSha1KeyStates(pmk, states, 3);
      assert.deepEqual(states.subarray(0, 3), new Int32Array(3), 'writes only at the offset');
      assert.deepEqual(
        hmacFromStates(states, 3, message),
        createHmac('sha1', pmk).update(message).digest(),
        `length ${length}`,
      );
    }
  });

  it('refuses a PMK that is not 32 bytes', () => {
    assert.throws(() => hmacSha1KeyStates(randomBytes(31), new Int32Array(STATE_WORDS), 0), RangeError);
  });
});

describe('PmkTable', () => {
  it('keeps one dense slot per owner through adds, replacements and removals (model check)', () => {
    const table = new PmkTable<Owner>((o) => o.pmk);
    const model = new Map<Owner, Buffer>();
    const owners = Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, pmk: randomBytes(32) }));
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let step = 0; step < 3000; step++) {
      const owner = owners[next() % owners.length]!;
      if (next() % 3 === 0) {
        assert.equal(table.delete(owner), model.delete(owner));
      } else {
        owner.pmk = randomBytes(32);
        table.set(owner, owner.pmk);
        model.set(owner, owner.pmk);
      }
      if (step % 100 === 0 || step > 2990) {
        assert.equal(table.size, model.size);
        for (const o of owners) {
          const pmk = model.get(o);
          assert.equal(table.has(o), pmk !== undefined);
          assert.deepEqual(statesOf(table, o), pmk ? expectedStates(pmk) : null, o.id);
        }
        // Words past the last slot are zero (a removed key does not linger).
        assert.ok(table.states.subarray(table.size * STATE_WORDS).every((x) => x === 0));
      }
    }
  });

  it('zeroes the slot a removal frees, the buffer a growth or shrink drops, and everything on clear', () => {
    const table = new PmkTable<Owner>((o) => o.pmk);
    const owners = Array.from({ length: 1000 }, (_, i) => ({ id: `m${i}`, pmk: randomBytes(32) }));
    const first = table.states;
    for (const o of owners) table.set(o, o.pmk);
    assert.notEqual(table.states, first);
    assert.ok(table.states.length >= 1000 * STATE_WORDS);
    assert.ok(table.states.length <= 1000 * STATE_WORDS * 1.2, 'little spare room');
    const grown = table.states;
    for (const o of owners.slice(0, 900)) table.delete(o);
    assert.equal(table.size, 100);
    assert.notEqual(table.states, grown, 'shrunk');
    assert.ok(
      grown.every((x) => x === 0),
      'the dropped buffer is zeroed',
    );
    for (const o of owners.slice(900)) assert.deepEqual(statesOf(table, o), expectedStates(o.pmk));
    const last = table.states;
    table.clear();
    assert.equal(table.size, 0);
    assert.equal(table.has(owners[950]!), false);
    assert.ok(last.every((x) => x === 0));
  });

  it('pmkOf gives the raw PMK of an owner', () => {
    const owner = { id: 'm1', pmk: randomBytes(32) };
    const table = new PmkTable<Owner>((o) => o.pmk);
    table.set(owner, owner.pmk);
    assert.equal(table.pmkOf(table.owner(0)), owner.pmk);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { PmkTable, STATE_WORDS, hmacSha1KeyStates } from './pmk-table.js';
import { BLOCK_WORDS, compress, paddedBlocks } from './sha1.js';

interface Owner {
  readonly id: string;
  pmk: Buffer;
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
  it('holds exactly the keys added and not deleted, in order (model check)', () => {
    const table = new PmkTable<Owner>((o) => o.pmk);
    const model = new Map<Owner, Buffer>();
    const owners = Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, pmk: randomBytes(32) }));
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let step = 0; step < 4000; step++) {
      const owner = owners[next() % owners.length]!;
      const op = next() % 3;
      if (op === 0) {
        if (model.has(owner)) table.delete(owner);
        model.delete(owner);
      } else if (op === 1 || !model.has(owner)) {
        // a new key (a rotation when the owner has one: delete, then add, as the snapshot does)
        if (model.has(owner)) table.delete(owner);
        model.delete(owner);
        owner.pmk = randomBytes(32);
        table.add(owner, owner.pmk);
        model.set(owner, owner.pmk);
      } else {
        // re-adding the same owner with the same key (an upsert of the same entry)
        table.delete(owner);
        table.add(owner, owner.pmk);
        model.delete(owner);
        model.set(owner, owner.pmk);
      }
      if (step % 97 === 0 || step > 3990) {
        assert.equal(table.size, model.size);
        const order = [...model.keys()];
        for (let i = 0; i < table.size; i++) {
          assert.equal(table.owner(i), order[i], `slot ${i}`);
          const pmk = model.get(table.owner(i))!;
          assert.deepEqual(
            [...table.states.subarray(i * STATE_WORDS, (i + 1) * STATE_WORDS)],
            expectedStates(pmk),
          );
        }
        // Words past the last key are zero (a removed key does not linger).
        assert.ok(table.states.subarray(table.size * STATE_WORDS).every((x) => x === 0));
      }
    }
  });

  it('a deleted key is gone at the next read; its words, dropped buffers and everything on clear are zeroed', () => {
    const table = new PmkTable<Owner>((o) => o.pmk);
    const owners = Array.from({ length: 1000 }, (_, i) => ({ id: `m${i}`, pmk: randomBytes(32) }));
    for (const o of owners) table.add(o, o.pmk);
    assert.equal(table.size, 1000);
    assert.ok(table.states.length <= 1000 * STATE_WORDS * 1.2, 'little spare room');
    const grown = table.states;
    table.delete(owners[0]!);
    assert.equal(table.size, 999);
    assert.equal(table.owner(0), owners[1]);
    assert.ok(grown.subarray(999 * STATE_WORDS).every((x) => x === 0));
    for (const o of owners.slice(1, 900)) table.delete(o);
    assert.equal(table.size, 100);
    assert.notEqual(table.states, grown, 'shrunk');
    assert.ok(
      grown.every((x) => x === 0),
      'the dropped buffer is zeroed',
    );
    for (let i = 0; i < 100; i++) {
      assert.equal(table.owner(i), owners[900 + i]);
      assert.deepEqual(
        [...table.states.subarray(i * STATE_WORDS, (i + 1) * STATE_WORDS)],
        expectedStates(owners[900 + i]!.pmk),
      );
    }
    const last = table.states;
    table.clear();
    assert.equal(table.size, 0);
    assert.ok(last.every((x) => x === 0));
  });

  it('leaves out a PMK that is not 32 bytes (it could never match) without failing', () => {
    const table = new PmkTable<Owner>((o) => o.pmk);
    const short = { id: 'short', pmk: randomBytes(16) };
    const good = { id: 'good', pmk: randomBytes(32) };
    assert.equal(table.add(short, short.pmk), false);
    assert.equal(table.add(good, good.pmk), true);
    assert.equal(table.size, 1);
    assert.equal(table.owner(0), good);
    table.delete(short);
    assert.equal(table.size, 1);
  });

  it('pmkOf gives the raw PMK of an owner', () => {
    const owner = { id: 'm1', pmk: randomBytes(32) };
    const table = new PmkTable<Owner>((o) => o.pmk);
    table.add(owner, owner.pmk);
    assert.equal(table.pmkOf(table.owner(0)), owner.pmk);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY, Interner, NO_PMKS, PmkBlock, SecretArena, orEmpty } from './compact.js';

// String identity cannot be observed from JavaScript (=== compares text): what interning strings
// saves shows in bench/memory.bench.ts. Lists and Dates are objects, so their sharing is tested here.
const copy = (s: string) => [...s].join('');

describe('Interner', () => {
  it('shares lists with the same elements in the same order', () => {
    const intern = new Interner();
    const cases: Array<{ a: string[]; b: string[]; shared: boolean }> = [
      { a: ['g1'], b: [copy('g1')], shared: true },
      { a: ['g1', 'g2'], b: [copy('g1'), copy('g2')], shared: true },
      { a: ['g1', 'g2'], b: ['g2', 'g1'], shared: false },
      { a: ['g1'], b: ['g1', 'g2'], shared: false },
      // Elements holding what a naive key would join with must not meet other lists.
      { a: ['g1\u0000g2'], b: ['g1', 'g2'], shared: false },
      { a: ['g1,g2', 'g3'], b: ['g1', 'g2,g3'], shared: false },
      { a: ['g1\u0000g2', 'g3'], b: ['g1', 'g2\u0000g3'], shared: false },
    ];
    for (const { a, b, shared } of cases) {
      const la = intern.list(a);
      const lb = intern.list(b);
      assert.deepEqual(la, a);
      assert.deepEqual(lb, b);
      assert.equal(la === lb, shared, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  });

  it('gives EMPTY for no elements', () => {
    assert.equal(new Interner().list([]), EMPTY);
  });

  it('shares one Date per instant', () => {
    const intern = new Interner();
    const ms = Date.parse('2026-01-01T00:00:00Z');
    const d = intern.date(ms);
    assert.equal(d.getTime(), ms);
    assert.equal(intern.date(ms), d);
    assert.notEqual(intern.date(ms + 1), d);
    assert.equal(intern.date(ms + 1).getTime(), ms + 1);
  });
});

describe('orEmpty', () => {
  it('gives the list itself, or the shared EMPTY (which cannot be changed) for none', () => {
    const list = [1, 2];
    assert.equal(orEmpty(list), list);
    assert.equal(orEmpty([]), EMPTY);
    assert.throws(() => (EMPTY as unknown as string[]).push('x'), TypeError);
  });
});

describe('PmkBlock', () => {
  const a = Buffer.alloc(32, 1);
  const b = Buffer.alloc(32, 2);
  const block = new PmkBlock(['Lanyard', 'Lanyard-IoT'], Buffer.concat([a, b]));

  it('answers like a Map from SSID to PMK', () => {
    assert.equal(block.size, 2);
    assert.deepEqual(block.get('Lanyard'), a);
    assert.deepEqual(block.get('Lanyard-IoT'), b);
    assert.equal(block.get('lanyard'), undefined);
    assert.equal(block.has('Lanyard-IoT'), true);
    assert.equal(block.has('lanyard'), false);
    assert.deepEqual(
      [...block],
      [
        ...new Map([
          ['Lanyard', a],
          ['Lanyard-IoT', b],
        ]),
      ],
    );
    assert.equal(NO_PMKS.size, 0);
    assert.equal(NO_PMKS.get('Lanyard'), undefined);
    assert.deepEqual([...NO_PMKS], []);
  });

  it('refuses bytes that are not one 32-byte PMK per SSID', () => {
    assert.throws(() => new PmkBlock(['Lanyard'], Buffer.alloc(31)), RangeError);
    assert.throws(() => new PmkBlock(['Lanyard', 'Lanyard-IoT'], Buffer.alloc(32)), RangeError);
  });
});

describe('SecretArena', () => {
  it('keeps equal copies, zeroes the source, and packs small secrets into one slab', () => {
    const arena = new SecretArena(64);
    const kept: Buffer[] = [];
    const expected: Buffer[] = [];
    for (let i = 0; i < 5; i++) {
      const secret = Buffer.alloc(16, i + 1);
      expected.push(Buffer.from(secret));
      kept.push(arena.keep(secret));
      assert.ok(
        secret.every((x) => x === 0),
        'the source is zeroed',
      );
    }
    kept.forEach((k, i) => assert.deepEqual(k, expected[i]));
    // 4 × 16 bytes fill the first 64-byte slab; the fifth starts another.
    assert.equal(kept[0]!.buffer, kept[3]!.buffer);
    assert.notEqual(kept[3]!.buffer, kept[4]!.buffer);
    assert.deepEqual(
      kept.slice(0, 4).map((k) => k.byteOffset - kept[0]!.byteOffset),
      [0, 16, 32, 48],
    );
  });

  it('gives secrets larger than a quarter slab a buffer of their own', () => {
    const arena = new SecretArena(64);
    const small = arena.keep(Buffer.alloc(8, 7));
    const large = arena.keep(Buffer.alloc(17, 9));
    assert.deepEqual(large, Buffer.alloc(17, 9));
    assert.notEqual(large.buffer, small.buffer);
    assert.equal(large.byteLength, large.buffer.byteLength);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ntHash } from './nt-hash.js';

const hex = (b: Buffer) => b.toString('hex');

describe('ntHash', () => {
  it('matches the well-known NT hash of "password"', () => {
    assert.equal(hex(ntHash('password')), '8846f7eaee8fb117ad06bdd830b7586c');
  });

  it('matches RFC 2759 §9.2 (PasswordHash of "clientPass")', () => {
    assert.equal(hex(ntHash('clientPass')), '44ebba8d5312b8d611474411f56989ae');
  });

  it('matches MD4 of the empty input for the empty password', () => {
    assert.equal(hex(ntHash('')), '31d6cfe0d16ae931b73c59d7e0c089c0');
  });

  it('hashes UTF-16LE code units, including non-ASCII and surrogate pairs', () => {
    // Cross-checked with `openssl dgst -md4 -provider legacy` over the UTF-16LE bytes.
    assert.equal(hex(ntHash('Pässwörd€1')), '0b765aea283c632ee215ceab79053add');
    assert.equal(hex(ntHash('Pass phrase 😀')), '7a91552540db78cf03b896290a553ba8');
  });

  it('is case-sensitive and returns a fresh 16-byte Buffer', () => {
    const a = ntHash('Password');
    assert.ok(Buffer.isBuffer(a));
    assert.equal(a.length, 16);
    assert.notEqual(hex(a), '8846f7eaee8fb117ad06bdd830b7586c');
    const b = ntHash('Password');
    assert.notEqual(a, b);
    assert.deepEqual(a, b);
    a.fill(0);
    assert.notDeepEqual(ntHash('Password'), a);
  });

  it('rejects non-strings', () => {
    assert.throws(() => ntHash(undefined as unknown as string), TypeError);
  });
});

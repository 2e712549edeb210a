import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotifyChannel, SecretAad } from './index.js';

describe('@lanyard/schema contract', () => {
  it('NOTIFY channel names are distinct, lower-case identifiers', () => {
    const names = Object.values(NotifyChannel);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^[a-z_]{1,63}$/);
  });
  it('AAD labels bind ciphertexts to their row and column', () => {
    assert.notEqual(SecretAad.passphrase('m1'), SecretAad.ntHash('m1'));
    assert.notEqual(SecretAad.passphrase('m1'), SecretAad.passphrase('m2'));
    assert.notEqual(SecretAad.pmk('m1', 'a'), SecretAad.pmk('m1', 'b'));
  });
});

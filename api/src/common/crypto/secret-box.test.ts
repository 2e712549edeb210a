import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { SecretBox, SecretBoxError } from './secret-box.js';

const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const OTHER_KEY_HEX = 'f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff';
const SECRET = 'maple-river-quiet-42';

function expectCode(fn: () => unknown, code: string): SecretBoxError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof SecretBoxError, `expected SecretBoxError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

function assertNoLeak(error: Error, ...secrets: string[]): void {
  const text = `${error.message}\n${error.stack ?? ''}\n${inspect(error)}`;
  for (const secret of secrets) assert.ok(!text.includes(secret), 'error text leaks a secret');
}

function decodeToken(token: string): { iv: Buffer; body: Buffer } {
  const [, iv, body] = token.split('.');
  return { iv: Buffer.from(iv!, 'base64url'), body: Buffer.from(body!, 'base64url') };
}

function encodeToken(iv: Buffer, body: Buffer): string {
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

describe('SecretBox construction', () => {
  it('accepts exactly 32 bytes', () => {
    assert.ok(new SecretBox(Buffer.alloc(32, 7)) instanceof SecretBox);
  });

  it('rejects keys that are not 32 bytes', () => {
    for (const length of [0, 16, 31, 33, 64]) {
      expectCode(() => new SecretBox(Buffer.alloc(length, 1)), 'SECRET_BOX_INVALID_KEY');
    }
    expectCode(() => new SecretBox(KEY_HEX as unknown as Buffer), 'SECRET_BOX_INVALID_KEY');
  });

  it('fromHex accepts 64 hex characters in either case and matches the byte key', () => {
    const a = SecretBox.fromHex(KEY_HEX);
    const b = SecretBox.fromHex(KEY_HEX.toUpperCase());
    const c = new SecretBox(Buffer.from(KEY_HEX, 'hex'));
    const token = a.encrypt(SECRET);
    assert.equal(b.decryptString(token), SECRET);
    assert.equal(c.decryptString(token), SECRET);
  });

  it('fromHex rejects wrong lengths and non-hex characters', () => {
    for (const hex of [
      '',
      KEY_HEX.slice(0, 63),
      `${KEY_HEX}0`,
      `${KEY_HEX.slice(0, 63)}g`,
      ` ${KEY_HEX.slice(1)}`,
    ]) {
      const error = expectCode(() => SecretBox.fromHex(hex), 'SECRET_BOX_INVALID_KEY');
      if (hex.length > 8) assertNoLeak(error, hex);
    }
  });

  it('does not reveal the key when inspected or serialised', () => {
    const box = SecretBox.fromHex(KEY_HEX);
    assert.ok(!inspect(box, { showHidden: true, depth: 5 }).includes('0102030405'));
    assert.ok(!JSON.stringify({ box }).includes('0102030405'));
  });
});

describe('SecretBox encrypt/decrypt', () => {
  const box = SecretBox.fromHex(KEY_HEX);

  it('round-trips strings, Buffers, empty and non-ASCII plaintexts', () => {
    for (const value of [SECRET, '', 'é', 'pâté 🍕 ключ', 'x'.repeat(10_000)]) {
      assert.equal(box.decryptString(box.encrypt(value)), value);
    }
    const bytes = randomBytes(100);
    assert.deepEqual(box.decrypt(box.encrypt(bytes)), bytes);
    assert.deepEqual(box.decrypt(box.encrypt(Buffer.alloc(0))), Buffer.alloc(0));
  });

  it('produces a compact versioned token without the plaintext', () => {
    const token = box.encrypt(SECRET);
    assert.match(token, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    const { iv, body } = decodeToken(token);
    assert.equal(iv.length, 12);
    assert.equal(body.length, Buffer.byteLength(SECRET) + 16);
    assert.ok(!token.includes(SECRET));
    assert.ok(!body.includes(Buffer.from(SECRET)));
  });

  it('uses a fresh random IV for every call', () => {
    const tokens = new Set<string>();
    const ivs = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const token = box.encrypt(SECRET);
      tokens.add(token);
      ivs.add(token.split('.')[1]!);
    }
    assert.equal(tokens.size, 50);
    assert.equal(ivs.size, 50);
  });

  it('rejects a token altered at any character', () => {
    const token = box.encrypt(SECRET, 'member:1');
    for (let i = 0; i < token.length; i++) {
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
      assert.throws(
        () => box.decrypt(tampered, 'member:1'),
        (error: unknown) =>
          error instanceof SecretBoxError &&
          [
            'SECRET_BOX_MALFORMED_TOKEN',
            'SECRET_BOX_UNSUPPORTED_VERSION',
            'SECRET_BOX_DECRYPT_FAILED',
          ].includes(error.code),
        `position ${i}`,
      );
    }
  });

  it('rejects a token with any single bit flipped in the IV, ciphertext or tag', () => {
    const token = box.encrypt(SECRET);
    const { iv, body } = decodeToken(token);
    for (let i = 0; i < iv.length; i++) {
      const t = Buffer.from(iv);
      t[i]! ^= 0x01;
      expectCode(() => box.decrypt(encodeToken(t, body)), 'SECRET_BOX_DECRYPT_FAILED');
    }
    for (let i = 0; i < body.length; i++) {
      const t = Buffer.from(body);
      t[i]! ^= 0x80;
      const error = expectCode(() => box.decrypt(encodeToken(iv, t)), 'SECRET_BOX_DECRYPT_FAILED');
      assertNoLeak(error, SECRET, KEY_HEX);
    }
    // Untouched re-encoding still decrypts (the checks above are not vacuous).
    assert.equal(box.decryptString(encodeToken(iv, body)), SECRET);
  });

  it('rejects truncated or extended ciphertexts', () => {
    const { iv, body } = decodeToken(box.encrypt(SECRET));
    expectCode(
      () => box.decrypt(encodeToken(iv, body.subarray(0, body.length - 1))),
      'SECRET_BOX_DECRYPT_FAILED',
    );
    expectCode(
      () => box.decrypt(encodeToken(iv, Buffer.concat([body, Buffer.from([0])]))),
      'SECRET_BOX_DECRYPT_FAILED',
    );
    expectCode(() => box.decrypt(encodeToken(iv, body.subarray(0, 15))), 'SECRET_BOX_MALFORMED_TOKEN');
    expectCode(() => box.decrypt(encodeToken(iv.subarray(0, 11), body)), 'SECRET_BOX_MALFORMED_TOKEN');
  });

  it('rejects malformed tokens with a clear code', () => {
    const token = box.encrypt(SECRET);
    const [, iv, body] = token.split('.');
    const cases = [
      '',
      'v1',
      'v1..',
      `v1.${iv}`,
      `v1.${iv}.${body}.extra`,
      `v1.${iv}.${body}=`,
      `v1.${iv}.${body}+`,
      `v1.${iv}.${body} `,
      `v1.${iv}.`,
      `v1..${body}`,
      `v1.${iv}/.${body}`,
    ];
    for (const bad of cases) expectCode(() => box.decrypt(bad), 'SECRET_BOX_MALFORMED_TOKEN');
    expectCode(() => box.decrypt(null as unknown as string), 'SECRET_BOX_MALFORMED_TOKEN');
    expectCode(() => box.decrypt(`v2.${iv}.${body}`), 'SECRET_BOX_UNSUPPORTED_VERSION');
    expectCode(() => box.decrypt(`V1.${iv}.${body}`), 'SECRET_BOX_UNSUPPORTED_VERSION');
  });

  it('fails with the wrong key without leaking plaintext or key', () => {
    const token = box.encrypt(SECRET);
    const error = expectCode(
      () => SecretBox.fromHex(OTHER_KEY_HEX).decrypt(token),
      'SECRET_BOX_DECRYPT_FAILED',
    );
    assertNoLeak(error, SECRET, KEY_HEX, OTHER_KEY_HEX, token);
    assert.equal(error.cause, undefined);
  });

  it('binds the associated data', () => {
    const token = box.encrypt(SECRET, 'member:42:passphrase');
    assert.equal(box.decryptString(token, 'member:42:passphrase'), SECRET);
    expectCode(() => box.decrypt(token, 'member:43:passphrase'), 'SECRET_BOX_DECRYPT_FAILED');
    expectCode(() => box.decrypt(token), 'SECRET_BOX_DECRYPT_FAILED');
    expectCode(() => box.decrypt(token, 'member:42:passphrasE'), 'SECRET_BOX_DECRYPT_FAILED');
    const plain = box.encrypt(SECRET);
    assert.equal(box.decryptString(plain), SECRET);
    expectCode(() => box.decrypt(plain, 'member:42:passphrase'), 'SECRET_BOX_DECRYPT_FAILED');
  });

  it('does not encrypt directly under the master key (an HKDF sub-key is used)', () => {
    const master = Buffer.from(KEY_HEX, 'hex');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, iv);
    cipher.setAAD(Buffer.from('v1.'));
    const body = Buffer.concat([cipher.update(SECRET, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    expectCode(() => box.decrypt(encodeToken(iv, body)), 'SECRET_BOX_DECRYPT_FAILED');
  });

  it('decryptString rejects plaintext that is not UTF-8', () => {
    const token = box.encrypt(Buffer.from([0xff, 0xfe, 0xc3]));
    assert.deepEqual(box.decrypt(token), Buffer.from([0xff, 0xfe, 0xc3]));
    expectCode(() => box.decryptString(token), 'SECRET_BOX_DECRYPT_FAILED');
  });

  it('rejects plaintexts that are neither string nor Buffer', () => {
    expectCode(() => box.encrypt(42 as unknown as string), 'SECRET_BOX_INVALID_INPUT');
    expectCode(() => box.encrypt(SECRET, 42 as unknown as string), 'SECRET_BOX_INVALID_INPUT');
  });
});

describe('SecretBox fingerprint', () => {
  const box = SecretBox.fromHex(KEY_HEX);

  it('is deterministic lowercase hex of 32 bytes', () => {
    const a = box.fingerprint(SECRET, 'passphrase');
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(a, box.fingerprint(SECRET, 'passphrase'));
    assert.equal(a, SecretBox.fromHex(KEY_HEX).fingerprint(SECRET, 'passphrase'));
  });

  it('depends on value, purpose and key', () => {
    const base = box.fingerprint(SECRET, 'passphrase');
    assert.notEqual(base, box.fingerprint(`${SECRET}x`, 'passphrase'));
    assert.notEqual(base, box.fingerprint(SECRET.toUpperCase(), 'passphrase'));
    assert.notEqual(base, box.fingerprint(SECRET, 'email'));
    assert.notEqual(base, SecretBox.fromHex(OTHER_KEY_HEX).fingerprint(SECRET, 'passphrase'));
  });

  it('uses a derived key, not the master key, and is not a plain hash', () => {
    const master = Buffer.from(KEY_HEX, 'hex');
    const fp = box.fingerprint(SECRET, 'passphrase');
    assert.notEqual(fp, createHmac('sha256', master).update(SECRET).digest('hex'));
    assert.notEqual(fp, createHash('sha256').update(SECRET).digest('hex'));
    assert.ok(!fp.includes(Buffer.from(SECRET).toString('hex')));
  });

  it('requires a non-empty purpose and a string value', () => {
    expectCode(() => box.fingerprint(SECRET, ''), 'SECRET_BOX_INVALID_INPUT');
    expectCode(() => box.fingerprint(SECRET, 'p'.repeat(201)), 'SECRET_BOX_INVALID_INPUT');
    expectCode(
      () => box.fingerprint(undefined as unknown as string, 'passphrase'),
      'SECRET_BOX_INVALID_INPUT',
    );
  });
});

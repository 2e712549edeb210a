// Encryption at rest for secrets (passphrases, NT hashes, PMKs, NAS secrets, upstream tokens).
//
// AES-256-GCM under a sub-key derived (HKDF-SHA256) from the 32-byte master key
// (LANYARD_SECRET_KEY). Fingerprints (deterministic HMAC-SHA256 for unique lookups without
// storing plaintext) use other HKDF sub-keys, one per purpose, so the encryption key and the
// fingerprint keys never coincide.
//
// Token format: `v1.<base64url(iv, 12 bytes)>.<base64url(ciphertext || tag(16 bytes))>`.
// The version prefix and the caller's optional AAD are both authenticated.
//
// Errors never carry the plaintext, the key or the token. Nothing here logs.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';

export type SecretBoxErrorCode =
  | 'SECRET_BOX_INVALID_KEY'
  | 'SECRET_BOX_INVALID_INPUT'
  | 'SECRET_BOX_MALFORMED_TOKEN'
  | 'SECRET_BOX_UNSUPPORTED_VERSION'
  | 'SECRET_BOX_DECRYPT_FAILED';

export class SecretBoxError extends Error {
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const HKDF_SALT = Buffer.from('lanyard/secret-box', 'utf8');
const ENCRYPTION_INFO = 'lanyard/secret-box/v1/aes-256-gcm';
const FINGERPRINT_INFO_PREFIX = 'lanyard/secret-box/v1/fingerprint/';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function deriveKey(master: KeyObject, info: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', master, HKDF_SALT, info, KEY_BYTES)));
}

/** Strict base64url decoding: rejects padding, foreign characters and non-canonical encodings. */
function decodePart(part: string): Buffer {
  if (!BASE64URL.test(part)) throw malformed();
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw malformed();
  return bytes;
}

function malformed(): SecretBoxError {
  return new SecretBoxError('SECRET_BOX_MALFORMED_TOKEN', 'encrypted secret is malformed');
}

function aadBytes(aad: string | undefined): Buffer {
  if (aad !== undefined && typeof aad !== 'string') {
    throw new SecretBoxError('SECRET_BOX_INVALID_INPUT', 'associated data must be a string');
  }
  // The version is always bound, so a token cannot be replayed under another format version.
  return Buffer.from(`${VERSION}.${aad ?? ''}`, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class SecretBox {
  readonly #encryptionKey: KeyObject;
  readonly #master: KeyObject;
  readonly #fingerprintKeys = new Map<string, KeyObject>();

  /** @param key exactly 32 bytes (e.g. `Buffer.from(process.env.LANYARD_SECRET_KEY, 'hex')`). */
  constructor(key: Buffer) {
    if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
      throw new SecretBoxError('SECRET_BOX_INVALID_KEY', `secret key must be exactly ${KEY_BYTES} bytes`);
    }
    this.#master = createSecretKey(Buffer.from(key));
    this.#encryptionKey = deriveKey(this.#master, ENCRYPTION_INFO);
  }

  /** @param hex 64 hexadecimal characters (32 bytes). */
  static fromHex(hex: string): SecretBox {
    if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new SecretBoxError('SECRET_BOX_INVALID_KEY', 'secret key must be 64 hexadecimal characters');
    }
    return new SecretBox(Buffer.from(hex, 'hex'));
  }

  encrypt(plaintext: string | Buffer, aad?: string): string {
    const fromString = typeof plaintext === 'string';
    if (!fromString && !(plaintext instanceof Uint8Array)) {
      throw new SecretBoxError('SECRET_BOX_INVALID_INPUT', 'plaintext must be a string or a Buffer');
    }
    const additional = aadBytes(aad);
    const data = fromString ? Buffer.from(plaintext, 'utf8') : plaintext;
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additional);
      const body = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    } finally {
      if (fromString) data.fill(0);
    }
  }

  decrypt(token: string, aad?: string): Buffer {
    if (typeof token !== 'string') throw malformed();
    const parts = token.split('.');
    if (parts.length !== 3) throw malformed();
    const [version, ivPart, bodyPart] = parts as [string, string, string];
    if (version !== VERSION) {
      throw new SecretBoxError(
        'SECRET_BOX_UNSUPPORTED_VERSION',
        'encrypted secret has an unsupported version',
      );
    }
    const iv = decodePart(ivPart);
    const body = decodePart(bodyPart);
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw malformed();
    const additional = aadBytes(aad);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additional);
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
    } catch {
      // Deliberately no cause: keep the error free of anything derived from the inputs.
      throw new SecretBoxError(
        'SECRET_BOX_DECRYPT_FAILED',
        'encrypted secret could not be decrypted (wrong key, wrong associated data or tampered data)',
      );
    }
  }

  decryptString(token: string, aad?: string): string {
    const bytes = this.decrypt(token, aad);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new SecretBoxError('SECRET_BOX_DECRYPT_FAILED', 'decrypted secret is not valid UTF-8');
    } finally {
      bytes.fill(0);
    }
  }

  /**
   * Deterministic keyed fingerprint (hex HMAC-SHA256) of `value`, for unique indexes and lookups
   * without storing the plaintext. `purpose` separates domains: the same value under two purposes
   * gives unrelated fingerprints. Normalise `value` (case, whitespace) before calling if needed.
   */
  fingerprint(value: string, purpose: string): string {
    if (typeof value !== 'string') {
      throw new SecretBoxError('SECRET_BOX_INVALID_INPUT', 'fingerprint value must be a string');
    }
    if (typeof purpose !== 'string' || purpose.length === 0 || purpose.length > 200) {
      throw new SecretBoxError('SECRET_BOX_INVALID_INPUT', 'fingerprint purpose must be 1-200 characters');
    }
    let key = this.#fingerprintKeys.get(purpose);
    if (!key) {
      key = deriveKey(this.#master, FINGERPRINT_INFO_PREFIX + purpose);
      this.#fingerprintKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(value, 'utf8').digest('hex');
  }

  toJSON(): string {
    return '[SecretBox]';
  }

  [inspect.custom](): string {
    return 'SecretBox {}';
  }
}

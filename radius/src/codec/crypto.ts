/**
 * RADIUS authenticators and attribute hiding:
 * - Request/Response Authenticator (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3)
 * - Message-Authenticator (RFC 3579 §3.2, RFC 5176 §3.4 for the zeroed request authenticator)
 * - User-Password hiding (RFC 2865 §5.2)
 * - Salted hiding: Tunnel-Password (RFC 2868 §3.5), MS-MPPE-*-Key (RFC 2548 §2.4.2/2.4.3),
 *   Aruba-MPSK-Passphrase, UBNT Tunnel-Password-Entry children (FreeRADIUS `encrypt=2`).
 *
 * Pure functions over Buffers: nothing here keeps state, so every function is re-entrant.
 */
import { randomBytes } from 'node:crypto';
import { equalBytes, hmacFinish, hmacMd5Key, hmacStart, Md5 } from './md5.js';
import { Attr, Code, CodecError, HEADER_LENGTH, type RadiusPacket } from './packet.js';

const ZERO16 = Buffer.alloc(16);

// MD5 and HMAC-MD5 in JS with per-secret precomputed HMAC pads (md5.ts explains why). One
// scratch instance: every function below is synchronous and finishes its digest before returning.
const h = new Md5();

/** MD5 of the concatenated parts (a new 16-byte Buffer). */
export function md5(...parts: Uint8Array[]): Buffer {
  h.reset();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Requests whose authenticator is MD5(Code|Id|Len|16 zero|Attrs|Secret) rather than random. */
export function hasComputedRequestAuthenticator(code: number): boolean {
  return code === Code.AccountingRequest || code === Code.DisconnectRequest || code === Code.CoaRequest;
}

/** Requests whose header carries a random Request Authenticator. */
export function hasRandomRequestAuthenticator(code: number): boolean {
  return code === Code.AccessRequest || code === Code.StatusServer;
}

/** Offset in `raw` of each Message-Authenticator value (values are views into raw). */
function messageAuthenticatorOffsets(p: RadiusPacket): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (const a of p.attributes) {
    if (a.type !== Attr.MessageAuthenticator) continue;
    const offset = a.value.byteOffset - p.raw.byteOffset;
    if (a.value.buffer !== p.raw.buffer || offset < HEADER_LENGTH || offset > p.raw.length) {
      throw new CodecError('BAD_ATTRIBUTE', 'attribute values must be views into packet.raw');
    }
    out.push({ offset, length: a.value.length });
  }
  return out;
}

/**
 * HMAC-MD5(secret, packet with the authenticator field replaced by `headerAuthenticator` and the
 * Message-Authenticator value (at `maOffset`) zeroed), written to out[outOffset..+16], without
 * copying the packet or allocating.
 */
export function writeMessageAuthenticator(
  raw: Buffer,
  maOffset: number,
  headerAuthenticator: Uint8Array,
  secret: Buffer,
  out: Uint8Array,
  outOffset: number,
): void {
  const key = hmacMd5Key(secret);
  hmacStart(h, key)
    .update(raw, 0, 4)
    .update(headerAuthenticator)
    .update(raw, HEADER_LENGTH, maOffset)
    .zeros(16)
    .update(raw, maOffset + 16, raw.length);
  hmacFinish(h, key, out, outOffset);
}

/** As writeMessageAuthenticator, into a new Buffer. */
export function computeMessageAuthenticator(
  raw: Buffer,
  maOffset: number,
  headerAuthenticator: Buffer,
  secret: Buffer,
): Buffer {
  const out = Buffer.allocUnsafe(16);
  writeMessageAuthenticator(raw, maOffset, headerAuthenticator, secret, out, 0);
  return out;
}

const expectedMa = new Uint8Array(16);

/**
 * Checks the Message-Authenticator (RFC 3579 §3.2).
 * - Access-Request / Status-Server: HMAC over the packet as received.
 * - Accounting-Request, Disconnect-Request, CoA-Request: the authenticator field is taken as
 *   16 zero bytes (RFC 5176 §3.4; the same rule hostapd and FreeRADIUS apply to accounting).
 * - Responses: pass the authenticator of the request they answer as `requestAuthenticator`.
 * `requestAuthenticator`, when given, always replaces the header field.
 * Returns INVALID for a wrong value, a value that is not 16 bytes, more than one
 * Message-Authenticator, or a response checked without `requestAuthenticator`. Never throws for
 * packets produced by parsePacket.
 */
export function verifyMessageAuthenticator(
  p: RadiusPacket,
  secret: Buffer,
  requestAuthenticator?: Buffer,
): 'ABSENT' | 'VALID' | 'INVALID' {
  const found = messageAuthenticatorOffsets(p);
  if (found.length === 0) return 'ABSENT';
  if (found.length > 1 || found[0]!.length !== 16) return 'INVALID';
  let headerAuth: Buffer;
  if (requestAuthenticator) {
    if (requestAuthenticator.length !== 16) return 'INVALID';
    headerAuth = requestAuthenticator;
  } else if (hasComputedRequestAuthenticator(p.code)) {
    headerAuth = ZERO16;
  } else if (hasRandomRequestAuthenticator(p.code)) {
    headerAuth = p.authenticator;
  } else {
    // A response checked without the request it answers cannot be verified.
    return 'INVALID';
  }
  const { offset } = found[0]!;
  writeMessageAuthenticator(p.raw, offset, headerAuth, secret, expectedMa, 0);
  return equalBytes(expectedMa, 0, p.raw, offset, 16) ? 'VALID' : 'INVALID';
}

/** MD5(Code|Id|Len|auth|Attrs|Secret) over a packet into out[outOffset..+16], without copying it. */
export function writePacketDigest(
  raw: Buffer,
  headerAuthenticator: Uint8Array,
  secret: Uint8Array,
  out: Uint8Array,
  outOffset: number,
): void {
  h.reset()
    .update(raw, 0, 4)
    .update(headerAuthenticator)
    .update(raw, HEADER_LENGTH, raw.length)
    .update(secret)
    .digestInto(out, outOffset);
}

/** MD5(Code|Id|Len|auth|Attrs|Secret) over a packet, without copying it. */
export function packetDigest(raw: Buffer, headerAuthenticator: Buffer, secret: Buffer): Buffer {
  const out = Buffer.allocUnsafe(16);
  writePacketDigest(raw, headerAuthenticator, secret, out, 0);
  return out;
}

const expectedDigest = new Uint8Array(16);

/** Whether MD5(Code|Id|Len|auth|Attrs|Secret) equals `expected` (constant time, no allocation). */
function packetDigestMatches(
  raw: Buffer,
  headerAuthenticator: Uint8Array,
  secret: Buffer,
  expected: Buffer,
): boolean {
  writePacketDigest(raw, headerAuthenticator, secret, expectedDigest, 0);
  return expected.length === 16 && equalBytes(expectedDigest, 0, expected, 0, 16);
}

/**
 * Request Authenticator of Accounting-Request (RFC 2866 §3), Disconnect-Request and CoA-Request
 * (RFC 5176 §2.3): MD5(Code|Id|Len|16 zero|Attrs|Secret). False for any other code (Access-Request
 * and Status-Server carry a random authenticator; check their Message-Authenticator instead).
 */
export function verifyRequestAuthenticator(p: RadiusPacket, secret: Buffer): boolean {
  if (!hasComputedRequestAuthenticator(p.code)) return false;
  return packetDigestMatches(p.raw, ZERO16, secret, p.authenticator);
}

/**
 * Checks a response to a request we sent (our CoA/DM client, tests playing the NAS):
 * Response Authenticator = MD5(Code|Id|Len|RequestAuth|Attrs|Secret), and the
 * Message-Authenticator when present.
 */
export function verifyResponse(
  response: RadiusPacket,
  requestAuthenticator: Buffer,
  secret: Buffer,
): boolean {
  if (requestAuthenticator.length !== 16) return false;
  if (!packetDigestMatches(response.raw, requestAuthenticator, secret, response.authenticator)) {
    return false;
  }
  return verifyMessageAuthenticator(response, secret, requestAuthenticator) !== 'INVALID';
}

/** One 16-byte keystream block of the hiding chains. */
const pad = new Uint8Array(16);

/** out[outOffset..+16] = a[aOffset..+16] XOR b[0..16]. */
function xorInto(out: Uint8Array, outOffset: number, a: Uint8Array, aOffset: number, b: Uint8Array): void {
  for (let i = 0; i < 16; i++) out[outOffset + i] = a[aOffset + i]! ^ b[i]!;
}

/** RFC 2865 §5.2 hiding. Password at most 128 bytes; padded with NULs to a multiple of 16. */
export function encryptUserPassword(
  password: Buffer | string,
  authenticator: Buffer,
  secret: Buffer,
): Buffer {
  const p = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (p.length > 128) throw new CodecError('BAD_ATTRIBUTE', `User-Password of ${p.length} bytes (max 128)`);
  const len = Math.max(16, Math.ceil(p.length / 16) * 16);
  const padded = Buffer.alloc(len);
  p.copy(padded);
  const out = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i += 16) {
    h.reset().update(secret);
    if (i === 0) h.update(authenticator);
    else h.update(out, i - 16, i);
    h.digestInto(pad, 0);
    xorInto(out, i, padded, i, pad);
  }
  return out;
}

/**
 * RFC 2865 §5.2 un-hiding with the Access-Request's authenticator. Strips trailing NULs (only
 * trailing ones: a NUL inside the password is kept). Throws CodecError('BAD_ATTRIBUTE') unless the
 * value is 16..128 bytes and a multiple of 16.
 */
export function decryptUserPassword(value: Buffer, authenticator: Buffer, secret: Buffer): Buffer {
  if (value.length < 16 || value.length > 128 || value.length % 16 !== 0) {
    throw new CodecError('BAD_ATTRIBUTE', `User-Password of ${value.length} bytes`);
  }
  const out = Buffer.allocUnsafe(value.length);
  for (let i = 0; i < value.length; i += 16) {
    h.reset().update(secret);
    if (i === 0) h.update(authenticator);
    else h.update(value, i - 16, i);
    h.digestInto(pad, 0);
    xorInto(out, i, value, i, pad);
  }
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.subarray(0, end);
}

/** Largest plaintext the salted scheme fits in one attribute (253 − tag/VSA header − salt → 240 − 1). */
export const MAX_SALTED_PLAINTEXT = 239;

// randomBytes(2) per salt costs more than the MD5 chain it feeds: draw salts from a pool of
// CSPRNG bytes instead (same source, refilled when used up).
const SALT_POOL_SIZE = 4096;
let saltPool = randomBytes(SALT_POOL_SIZE);
let saltPos = 0;

/** A fresh salt: 2 random bytes with the most significant bit set (RFC 2868 §3.5). */
export function randomSalt(): Buffer {
  if (saltPos + 2 > SALT_POOL_SIZE) {
    saltPool = randomBytes(SALT_POOL_SIZE);
    saltPos = 0;
  }
  const s = Buffer.from([saltPool[saltPos]! | 0x80, saltPool[saltPos + 1]!]);
  saltPos += 2;
  return s;
}

/**
 * Salted hiding (RFC 2868 §3.5, RFC 2548 §2.4.2): P = len(1) | plaintext | NUL padding to a
 * multiple of 16; b1 = MD5(secret | RequestAuthenticator | salt), bi = MD5(secret | c(i−1)).
 * Returns salt | ciphertext (no tag byte). The salt is random unless given; a given salt must be
 * 2 bytes with its most significant bit set.
 */
export function encryptSalted(
  plaintext: Buffer,
  secret: Buffer,
  requestAuthenticator: Buffer,
  salt?: Buffer,
): Buffer {
  if (plaintext.length > MAX_SALTED_PLAINTEXT) {
    throw new CodecError(
      'BAD_ATTRIBUTE',
      `salted value of ${plaintext.length} bytes (max ${MAX_SALTED_PLAINTEXT})`,
    );
  }
  const s = salt ?? randomSalt();
  if (s.length !== 2 || (s[0]! & 0x80) === 0) {
    throw new CodecError('BAD_ATTRIBUTE', 'salt must be 2 bytes with the most significant bit set');
  }
  const len = Math.ceil((plaintext.length + 1) / 16) * 16;
  const out = Buffer.allocUnsafe(2 + len);
  out[0] = s[0]!;
  out[1] = s[1]!;
  // P = len | plaintext | zeros, XORed block by block with the MD5 chain, written straight into out.
  for (let i = 0; i < len; i += 16) {
    h.reset().update(secret);
    if (i === 0) h.update(requestAuthenticator).update(s);
    else h.update(out, 2 + i - 16, 2 + i);
    h.digestInto(pad, 0);
    for (let k = 0; k < 16; k++) {
      const j = i + k;
      const p = j === 0 ? plaintext.length : j <= plaintext.length ? plaintext[j - 1]! : 0;
      out[2 + j] = p ^ pad[k]!;
    }
  }
  return out;
}

/**
 * Inverse of encryptSalted: value = salt(2) | ciphertext (multiple of 16). Throws
 * CodecError('BAD_ATTRIBUTE') on a bad length or an inner length byte past the data.
 */
export function decryptSalted(value: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer {
  const clen = value.length - 2;
  if (clen < 16 || clen % 16 !== 0)
    throw new CodecError('BAD_ATTRIBUTE', `salted value of ${value.length} bytes`);
  const salt = value.subarray(0, 2);
  const p = Buffer.allocUnsafe(clen);
  let b = md5(secret, requestAuthenticator, salt);
  for (let i = 0; i < clen; i += 16) {
    if (i > 0) b = md5(secret, value.subarray(2 + i - 16, 2 + i));
    xorInto(p, i, value, 2 + i, b);
  }
  const n = p[0]!;
  if (n > clen - 1)
    throw new CodecError('BAD_ATTRIBUTE', 'salted value: inner length past the data (wrong secret?)');
  return p.subarray(1, 1 + n);
}

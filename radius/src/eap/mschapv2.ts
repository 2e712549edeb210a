/**
 * MS-CHAP-V2 (RFC 2759) for PEAPv0/EAP-MSCHAPv2: the server verifies the peer's NT-Response
 * against the member's stored NT hash and proves itself with the Authenticator Response.
 * MD4 and DES are pure JS (Node's OpenSSL 3 refuses both); SHA-1 comes from node:crypto.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { desEncryptBlock, expandDesKey } from './des.js';

interface Md4Hash {
  update(message: Uint8Array): Md4Hash;
  arrayBuffer(): ArrayBuffer;
}
// js-md4's default export calls crypto.createHash('md4') under Node (which throws under OpenSSL 3);
// its create() path is pure JavaScript. The API computes NT hashes with the same package.
const md4Module = createRequire(import.meta.url)('js-md4') as { create(): Md4Hash };

export function md4(data: Uint8Array): Buffer {
  return Buffer.from(md4Module.create().update(data).arrayBuffer());
}

/** NtPasswordHash (RFC 2759 §8.3): MD4 of the UTF-16LE password. */
export function ntPasswordHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** The name MS-CHAP hashes: a Windows "DOMAIN\user" counts as "user" (RFC 2759 §8.2). */
export function challengeUserName(name: string): string {
  const slash = name.lastIndexOf('\\');
  return slash >= 0 ? name.slice(slash + 1) : name;
}

/** ChallengeHash (RFC 2759 §8.2): first 8 bytes of SHA1(PeerChallenge | AuthenticatorChallenge | UserName). */
export function challengeHash(
  peerChallenge: Buffer,
  authenticatorChallenge: Buffer,
  userName: string,
): Buffer {
  return createHash('sha1')
    .update(peerChallenge)
    .update(authenticatorChallenge)
    .update(Buffer.from(challengeUserName(userName), 'utf8'))
    .digest()
    .subarray(0, 8);
}

/** ChallengeResponse (RFC 2759 §8.5): the challenge DES-encrypted under three 7-byte slices of the hash. */
export function challengeResponse(challenge: Buffer, passwordHash: Buffer): Buffer {
  if (challenge.length !== 8 || passwordHash.length !== 16) throw new RangeError('MSCHAPv2 lengths');
  const z = Buffer.alloc(21);
  passwordHash.copy(z);
  return Buffer.concat([0, 7, 14].map((i) => desEncryptBlock(expandDesKey(z.subarray(i, i + 7)), challenge)));
}

/** GenerateNTResponse (RFC 2759 §8.1) from the NT hash. */
export function generateNtResponse(
  authenticatorChallenge: Buffer,
  peerChallenge: Buffer,
  userName: string,
  passwordHash: Buffer,
): Buffer {
  return challengeResponse(challengeHash(peerChallenge, authenticatorChallenge, userName), passwordHash);
}

const MAGIC1 = Buffer.from('Magic server to client signing constant', 'ascii');
const MAGIC2 = Buffer.from('Pad to make it do more than one iteration', 'ascii');

/** GenerateAuthenticatorResponse (RFC 2759 §8.7): "S=" and 40 upper-case hex digits. */
export function generateAuthenticatorResponse(
  passwordHash: Buffer,
  ntResponse: Buffer,
  peerChallenge: Buffer,
  authenticatorChallenge: Buffer,
  userName: string,
): string {
  const passwordHashHash = md4(passwordHash);
  const digest = createHash('sha1').update(passwordHashHash).update(ntResponse).update(MAGIC1).digest();
  const challenge = challengeHash(peerChallenge, authenticatorChallenge, userName);
  const out = createHash('sha1').update(digest).update(challenge).update(MAGIC2).digest();
  return `S=${out.toString('hex').toUpperCase()}`;
}

/** Whether the peer's NT-Response proves knowledge of the password behind `passwordHash` (constant time). */
export function verifyNtResponse(
  authenticatorChallenge: Buffer,
  peerChallenge: Buffer,
  userName: string,
  passwordHash: Buffer,
  ntResponse: Buffer,
): boolean {
  if (ntResponse.length !== 24 || passwordHash.length !== 16) return false;
  const expected = generateNtResponse(authenticatorChallenge, peerChallenge, userName, passwordHash);
  return timingSafeEqual(expected, ntResponse);
}

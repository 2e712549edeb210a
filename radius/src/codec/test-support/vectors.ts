/**
 * Shared test data for the codec tests (not imported by production code).
 */
import { computeMessageAuthenticator } from '../crypto.js';

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** RFC 2865 §7.1: PAP Access-Request from NAS 192.168.1.16 port 3, user "nemo", password "arctangent". */
export const RFC2865_SECRET = Buffer.from('xyzzy5461');
export const RFC2865_REQUEST = hex(`
  01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a
  01 06 6e 65 6d 6f
  02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee
  04 06 c0 a8 01 10
  05 06 00 00 00 03`);
/** RFC 2865 §7.1: the Access-Accept (Service-Type Login, Login-Service Telnet, Login-IP-Host 192.168.1.3). */
export const RFC2865_ACCEPT = hex(`
  02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2
  06 06 00 00 00 01
  0f 06 00 00 00 00
  0e 06 c0 a8 01 03`);

/** Assembles a packet from raw attribute bytes; fills in a Message-Authenticator if `maAt` ≥ 0. */
export function assemble(
  code: number,
  identifier: number,
  authenticator: Buffer,
  attributes: Buffer,
  secret?: Buffer,
  maOffsetInAttributes = -1,
): Buffer {
  const buf = Buffer.concat([Buffer.from([code, identifier, 0, 0]), authenticator, attributes]);
  buf.writeUInt16BE(buf.length, 2);
  if (secret && maOffsetInAttributes >= 0) {
    const off = 20 + maOffsetInAttributes + 2;
    computeMessageAuthenticator(buf, off, authenticator, secret).copy(buf, off);
  }
  return buf;
}

/**
 * hostapd's long-extended encoder before commit 96549aaa (2025-05): every fragment header is
 * followed by ALL remaining data, while its length byte only counts its own share (≤ 251 bytes).
 * Reproduced from the description of the bug, to test that parsePacket repairs it.
 */
export function hostapdBuggyLongExtended(type: number, extType: number, data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let rest = data;
  do {
    const alen = Math.min(251, rest.length);
    parts.push(Buffer.from([type, 4 + alen, extType, rest.length > alen ? 0x80 : 0]), rest);
    rest = rest.subarray(alen);
  } while (rest.length > 0);
  return Buffer.concat(parts);
}

/** Small deterministic PRNG (mulberry32) for fuzzing with a fixed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The few X.509 v3 certificates the EAP server needs when the operator gives none: a private CA
 * and a server certificate it signs (RFC 5280). Node signs and parses certificates but cannot
 * build one, so this writes the DER itself; keys and signatures come from node:crypto.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';

// --- DER (X.690) -------------------------------------------------------------------------------

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);
const octetString = (b: Buffer) => tlv(0x04, b);
const utf8String = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const derNull = () => Buffer.from([0x05, 0x00]);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));

/** Unsigned big-endian INTEGER (a leading 0x00 keeps it positive). */
function integer(value: Buffer | number): Buffer {
  let b = typeof value === 'number' ? Buffer.from([value]) : value;
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1]! & 0x80) === 0) i++;
  b = b.subarray(i);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** BIT STRING of named bits (DER: trailing zero bits dropped, RFC 5280 §4.2.1.3). */
function namedBits(bits: number[]): Buffer {
  const last = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return tlv(0x03, Buffer.from([7 - (last & 7)]), bytes);
}

const bitString = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), seconds precision. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  return year < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

// --- Certificates ------------------------------------------------------------------------------

const OID = {
  sha256WithRsa: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

export interface CertificateSpec {
  subject: { commonName: string; organization?: string };
  issuer: { commonName: string; organization?: string };
  /** Public key of the subject, private key of the issuer (RSA; the signature is SHA-256). */
  publicKey: KeyObject;
  issuerPrivateKey: KeyObject;
  /** For the authority key identifier: the issuer's public key. */
  issuerPublicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  /** dNSName entries of the subject alternative name (server certificates). */
  dnsNames?: string[];
}

function name(n: { commonName: string; organization?: string }): Buffer {
  const rdns = [];
  if (n.organization) rdns.push(set(sequence(oid(OID.organization), utf8String(n.organization))));
  rdns.push(set(sequence(oid(OID.commonName), utf8String(n.commonName))));
  return sequence(...rdns);
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // SubjectPublicKeyInfo = SEQUENCE { AlgorithmIdentifier, BIT STRING }: the BIT STRING is last.
  const bits = lastElement(spki);
  return createHash('sha1').update(bits.subarray(1)).digest();
}

/** Content of the last element of a DER SEQUENCE. */
function lastElement(der: Buffer): Buffer {
  let pos = 1;
  const readLen = (): number => {
    const first = der[pos++]!;
    if (first < 0x80) return first;
    let n = 0;
    for (let i = 0; i < (first & 0x7f); i++) n = n * 256 + der[pos++]!;
    return n;
  };
  const end = readLen() + pos;
  let content: Buffer = Buffer.alloc(0);
  while (pos < end) {
    pos++; // tag
    const len = readLen();
    content = der.subarray(pos, pos + len);
    pos += len;
  }
  return content;
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  critical ? sequence(oid(id), bool(true), octetString(value)) : sequence(oid(id), octetString(value));

/** A DER-encoded certificate, signed by the issuer's key. */
export function buildCertificate(spec: CertificateSpec): Buffer {
  const algorithm = sequence(oid(OID.sha256WithRsa), derNull());
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  serial[0]! |= 0x01; // positive and exactly 16 bytes long
  const extensions = [
    extension(OID.basicConstraints, true, spec.ca ? sequence(bool(true), integer(0)) : sequence()),
    // CA: keyCertSign (5) + cRLSign (6); server: digitalSignature (0) + keyEncipherment (2).
    extension(OID.keyUsage, true, namedBits(spec.ca ? [5, 6] : [0, 2])),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spec.publicKey))),
    extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyIdentifier(spec.issuerPublicKey)))),
  ];
  if (!spec.ca) {
    extensions.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))));
    if (spec.dnsNames?.length) {
      extensions.push(
        extension(
          OID.subjectAltName,
          false,
          sequence(...spec.dnsNames.map((d) => tlv(0x82, Buffer.from(d, 'ascii')))),
        ),
      );
    }
  }
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    name(spec.issuer),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, spec.issuerPrivateKey);
  return sequence(tbs, algorithm, bitString(signature));
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * EAP-TLS-style framing shared by PEAP (type 25) and EAP-TTLS (type 21): a flags byte
 * (L 0x80: 4-byte TLS Message Length follows; M 0x40: more fragments; S 0x20: start; low 3 bits:
 * version), then TLS records, fragmented to fit the link (RFC 5216 §3.1, RFC 5281 §9.1).
 */
import { EapError } from './eap-packet.js';

export const TlsFlag = { Length: 0x80, More: 0x40, Start: 0x20 } as const;
const VERSION_MASK = 0x07;

export interface TlsPayload {
  flags: number;
  version: number;
  /** TLS Message Length when the L flag is set. */
  totalLength: number | null;
  more: boolean;
  start: boolean;
  data: Buffer;
}

/** Type-Data of a PEAP/TTLS packet → flags and TLS bytes. */
export function parseTlsPayload(typeData: Buffer): TlsPayload {
  if (typeData.length < 1) throw new EapError('EAP_BAD_TLS', 'no flags byte');
  const flags = typeData[0]!;
  const hasLength = (flags & TlsFlag.Length) !== 0;
  if (hasLength && typeData.length < 5) throw new EapError('EAP_BAD_TLS', 'L flag without the length');
  return {
    flags,
    version: flags & VERSION_MASK,
    totalLength: hasLength ? typeData.readUInt32BE(1) : null,
    more: (flags & TlsFlag.More) !== 0,
    start: (flags & TlsFlag.Start) !== 0,
    data: typeData.subarray(hasLength ? 5 : 1),
  };
}

/** Type-Data of an empty packet (a Start, or the ACK of a fragment). */
export function emptyPayload(version: number, start = false): Buffer {
  return Buffer.from([(start ? TlsFlag.Start : 0) | (version & VERSION_MASK)]);
}

/**
 * Splits outgoing TLS bytes into Type-Data fragments of at most `maxData` TLS bytes each. A
 * message that needs several fragments carries L (total length) on the first and M on all but
 * the last; a message that fits goes out bare.
 */
export function fragmentTls(tls: Buffer, maxData: number, version: number): Buffer[] {
  if (!Number.isInteger(maxData) || maxData < 1) throw new RangeError(`fragment size ${maxData}`);
  const v = version & VERSION_MASK;
  if (tls.length <= maxData) return [Buffer.concat([Buffer.from([v]), tls])];
  const out: Buffer[] = [];
  for (let pos = 0; pos < tls.length; pos += maxData) {
    const chunk = tls.subarray(pos, Math.min(tls.length, pos + maxData));
    const more = pos + maxData < tls.length;
    if (pos === 0) {
      const head = Buffer.alloc(5);
      head[0] = TlsFlag.Length | TlsFlag.More | v;
      head.writeUInt32BE(tls.length, 1);
      out.push(Buffer.concat([head, chunk]));
    } else {
      out.push(Buffer.concat([Buffer.from([(more ? TlsFlag.More : 0) | v]), chunk]));
    }
  }
  return out;
}

/**
 * Collects a peer's fragmented TLS message. `add` returns the whole message once the last
 * fragment is in, or null while more are expected; it throws EapError when the peer announces
 * or sends more than `maxTotal` bytes, or more than it announced.
 */
export class TlsReassembler {
  private parts: Buffer[] = [];
  private received = 0;
  private expected: number | null = null;

  constructor(private readonly maxTotal: number) {}

  get inProgress(): boolean {
    return this.parts.length > 0;
  }

  add(p: TlsPayload): Buffer | null {
    if (!this.inProgress && p.totalLength !== null) {
      if (p.totalLength > this.maxTotal)
        throw new EapError('EAP_TOO_BIG', `peer announces a TLS message of ${p.totalLength} bytes`);
      this.expected = p.totalLength;
    }
    this.received += p.data.length;
    if (this.received > this.maxTotal)
      throw new EapError('EAP_TOO_BIG', `peer sent more than ${this.maxTotal} TLS bytes`);
    if (this.expected !== null && this.received > this.expected)
      throw new EapError('EAP_BAD_TLS', `peer sent ${this.received} of ${this.expected} announced bytes`);
    this.parts.push(p.data);
    if (p.more) return null;
    const whole = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const announced = this.expected;
    this.parts = [];
    this.received = 0;
    this.expected = null;
    if (announced !== null && whole.length !== announced)
      throw new EapError('EAP_BAD_TLS', `peer sent ${whole.length} of ${announced} announced bytes`);
    return whole;
  }
}

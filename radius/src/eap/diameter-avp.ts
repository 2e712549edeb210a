/**
 * Diameter AVPs as EAP-TTLS carries them inside the tunnel (RFC 5281 §10): Code (4) | Flags
 * (V 0x80, M 0x40) | Length (3, header included) | [Vendor-ID (4)] | Data, each AVP padded to a
 * multiple of 4 bytes.
 */
import { EapError } from './eap-packet.js';

export const AvpFlag = { Vendor: 0x80, Mandatory: 0x40 } as const;

export interface Avp {
  code: number;
  flags: number;
  vendorId: number | null;
  data: Buffer;
}

export function parseAvps(buf: Buffer): Avp[] {
  const out: Avp[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 8 > buf.length) throw new EapError('EAP_BAD_TLS', `truncated AVP header at ${pos}`);
    const code = buf.readUInt32BE(pos);
    const flags = buf[pos + 4]!;
    const length = buf.readUIntBE(pos + 5, 3);
    const vendor = (flags & AvpFlag.Vendor) !== 0;
    const header = vendor ? 12 : 8;
    if (length < header || pos + length > buf.length)
      throw new EapError('EAP_BAD_TLS', `AVP ${code} of length ${length} at ${pos}`);
    out.push({
      code,
      flags,
      vendorId: vendor ? buf.readUInt32BE(pos + 8) : null,
      data: buf.subarray(pos + header, pos + length),
    });
    pos += Math.ceil(length / 4) * 4;
  }
  return out;
}

export function buildAvp(
  code: number,
  data: Buffer,
  flags: number = AvpFlag.Mandatory,
  vendorId?: number,
): Buffer {
  const vendor = vendorId !== undefined;
  const header = vendor ? 12 : 8;
  const length = header + data.length;
  const out = Buffer.alloc(Math.ceil(length / 4) * 4);
  out.writeUInt32BE(code, 0);
  out[4] = (flags & ~AvpFlag.Vendor) | (vendor ? AvpFlag.Vendor : 0);
  out.writeUIntBE(length, 5, 3);
  if (vendor) out.writeUInt32BE(vendorId, 8);
  data.copy(out, header);
  return out;
}

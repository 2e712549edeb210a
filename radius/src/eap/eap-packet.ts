/**
 * EAP packets (RFC 3748 §4): Code | Identifier | Length | Type | Type-Data. Parsing trusts no
 * length field; anything malformed is an EapError with a code (the handler rejects and counts it).
 */

export const EapCode = { Request: 1, Response: 2, Success: 3, Failure: 4 } as const;

export const EapType = {
  Identity: 1,
  Notification: 2,
  Nak: 3,
  Md5Challenge: 4,
  Tls: 13,
  Ttls: 21,
  Peap: 25,
  MsChapV2: 26,
  /** PEAP Extensions (Result TLV), draft-josefsson-pppext-eap-tls-eap §4.2 */
  Extensions: 33,
} as const;

export type EapErrorCode =
  'EAP_TOO_SHORT' | 'EAP_BAD_LENGTH' | 'EAP_BAD_CODE' | 'EAP_BAD_TLS' | 'EAP_TOO_BIG';

export class EapError extends Error {
  constructor(
    readonly code: EapErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EapError';
  }
}

export interface EapPacket {
  code: number;
  identifier: number;
  /** Request/Response only; null for Success/Failure. */
  type: number | null;
  /** Type-Data (after the Type byte); empty for Success/Failure. */
  data: Buffer;
}

/** Parses one EAP packet (bytes past the Length field are ignored, RFC 3748 §4.1). */
export function parseEap(buf: Buffer): EapPacket {
  if (buf.length < 4) throw new EapError('EAP_TOO_SHORT', `EAP packet of ${buf.length} bytes`);
  const code = buf[0]!;
  const length = buf.readUInt16BE(2);
  if (length < 4 || length > buf.length)
    throw new EapError('EAP_BAD_LENGTH', `EAP length ${length} in ${buf.length} bytes`);
  if (code === EapCode.Success || code === EapCode.Failure) {
    if (length !== 4) throw new EapError('EAP_BAD_LENGTH', `EAP Success/Failure of length ${length}`);
    return { code, identifier: buf[1]!, type: null, data: Buffer.alloc(0) };
  }
  if (code !== EapCode.Request && code !== EapCode.Response)
    throw new EapError('EAP_BAD_CODE', `EAP code ${code}`);
  if (length < 5) throw new EapError('EAP_BAD_LENGTH', `EAP ${code} without a type`);
  return { code, identifier: buf[1]!, type: buf[4]!, data: buf.subarray(5, length) };
}

export function buildEap(
  code: number,
  identifier: number,
  type: number | null,
  data: Buffer = Buffer.alloc(0),
): Buffer {
  const length = (type === null ? 4 : 5) + data.length;
  if (length > 0xffff) throw new EapError('EAP_TOO_BIG', `EAP packet of ${length} bytes`);
  const out = Buffer.allocUnsafe(length);
  out[0] = code;
  out[1] = identifier & 0xff;
  out.writeUInt16BE(length, 2);
  if (type !== null) {
    out[4] = type;
    data.copy(out, 5);
  }
  return out;
}

export const eapSuccess = (identifier: number): Buffer => buildEap(EapCode.Success, identifier, null);
export const eapFailure = (identifier: number): Buffer => buildEap(EapCode.Failure, identifier, null);

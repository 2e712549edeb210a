/**
 * RADIUS packet structure (RFC 2865 §3, §5; RFC 6929 extended attributes).
 *
 * `parsePacket` only checks structure: it never trusts a length field, never decrypts and never
 * verifies authenticators (see crypto.ts). Attribute values are views into the received buffer
 * (no copies), so callers must not reuse or mutate the datagram buffer while the packet is in use.
 */

export const Code = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
  DisconnectRequest: 40,
  DisconnectAck: 41,
  DisconnectNak: 42,
  CoaRequest: 43,
  CoaAck: 44,
  CoaNak: 45,
} as const;

export type CodeNumber = (typeof Code)[keyof typeof Code];

const KNOWN_CODES: ReadonlySet<number> = new Set(Object.values(Code));

/** Standard attribute numbers (reference/radius.md §2.1, RFC 2865/2866/2868/2869/3162/5176/6929/7268). */
export const Attr = {
  UserName: 1,
  UserPassword: 2,
  ChapPassword: 3,
  NasIpAddress: 4,
  NasPort: 5,
  ServiceType: 6,
  FramedProtocol: 7,
  FramedIpAddress: 8,
  FilterId: 11,
  FramedMtu: 12,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  SessionTimeout: 27,
  IdleTimeout: 28,
  TerminationAction: 29,
  CalledStationId: 30,
  CallingStationId: 31,
  NasIdentifier: 32,
  ProxyState: 33,
  AcctStatusType: 40,
  AcctDelayTime: 41,
  AcctInputOctets: 42,
  AcctOutputOctets: 43,
  AcctSessionId: 44,
  AcctAuthentic: 45,
  AcctSessionTime: 46,
  AcctInputPackets: 47,
  AcctOutputPackets: 48,
  AcctTerminateCause: 49,
  AcctMultiSessionId: 50,
  AcctInputGigawords: 52,
  AcctOutputGigawords: 53,
  EventTimestamp: 55,
  ChapChallenge: 60,
  NasPortType: 61,
  TunnelType: 64,
  TunnelMediumType: 65,
  TunnelPassword: 69,
  ConnectInfo: 77,
  EapMessage: 79,
  MessageAuthenticator: 80,
  TunnelPrivateGroupId: 81,
  AcctInterimInterval: 85,
  NasPortId: 87,
  ChargeableUserIdentity: 89,
  NasIpv6Address: 95,
  ErrorCause: 101,
  WlanAkmSuite: 188,
  ExtendedAttribute1: 241,
  ExtendedAttribute2: 242,
  ExtendedAttribute3: 243,
  ExtendedAttribute4: 244,
  ExtendedAttribute5: 245,
  ExtendedAttribute6: 246,
} as const;

/** Extended-Type 26 inside 241–246 is Extended-Vendor-Specific-N (RFC 6929 §2.4). */
export const EXT_TYPE_EVS = 26;

/** IANA private enterprise numbers (reference/radius.md §2.2). */
export const Vendor = {
  Cisco: 9,
  Microsoft: 311,
  Aruba: 14823,
  Wispr: 14122,
  Mikrotik: 14988,
  FreeRadius: 11344,
  Ruckus: 25053,
  Meraki: 29671,
  Ubnt: 41112,
  TpLink: 11863,
} as const;

/**
 * Vendor-specific attributes the worker reads or writes, by their name in radius/dictionaries:
 * `[vendorId, vendorType]`. One table, checked against the dictionaries by dictionary.test.ts.
 */
export const VendorAttr = {
  'Cisco-AVPair': [Vendor.Cisco, 1],
  'MS-MPPE-Send-Key': [Vendor.Microsoft, 16],
  'MS-MPPE-Recv-Key': [Vendor.Microsoft, 17],
  'Aruba-User-Role': [Vendor.Aruba, 1],
  'Aruba-User-Vlan': [Vendor.Aruba, 2],
  'Aruba-MPSK-Passphrase': [Vendor.Aruba, 44],
  'Mikrotik-Rate-Limit': [Vendor.Mikrotik, 8],
  'Mikrotik-Wireless-PSK': [Vendor.Mikrotik, 16],
  'Mikrotik-Wireless-VLANID': [Vendor.Mikrotik, 26],
  'Ruckus-SSID': [Vendor.Ruckus, 3],
  'Ruckus-VLAN-ID': [Vendor.Ruckus, 9],
  'Ruckus-BSSID': [Vendor.Ruckus, 14],
  'Ruckus-DPSK-Params': [Vendor.Ruckus, 153],
  'UBNT-Data-Rate-DL': [Vendor.Ubnt, 1],
  'UBNT-Data-Rate-UL': [Vendor.Ubnt, 3],
  'WISPr-Bandwidth-Max-Up': [Vendor.Wispr, 7],
  'WISPr-Bandwidth-Max-Down': [Vendor.Wispr, 8],
  'TPLink-Authentication-FindKey': [Vendor.TpLink, 3],
  // Number confirmed by the dictionary only; the reply's use needs a hardware check (reference §12).
  'TPLink-Authentication-FoundKey': [Vendor.TpLink, 4],
} as const satisfies Record<string, readonly [number, number]>;

export const MAX_PACKET_LENGTH = 4096;
export const HEADER_LENGTH = 20;
/** Largest attribute value: the 1-byte length field counts the 2-byte header. */
export const MAX_ATTRIBUTE_VALUE = 253;

export interface RawAttribute {
  type: number;
  value: Buffer;
}

export interface RadiusPacket {
  code: number;
  identifier: number;
  authenticator: Buffer;
  /** Top-level attributes in wire order (values are views into `raw`). */
  attributes: RawAttribute[];
  /** The packet bytes, `length` long (trailing padding of the datagram dropped). */
  raw: Buffer;
}

export type CodecErrorCode =
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'BAD_LENGTH'
  | 'BAD_ATTRIBUTE'
  | 'UNKNOWN_CODE'
  | 'BAD_VSA'
  | 'BAD_TLV'
  | 'BAD_EXTENDED';

export class CodecError extends Error {
  constructor(
    readonly code: CodecErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CodecError';
  }
}

/**
 * Counts of malformed data skipped by the lenient readers (for metrics). Monotonic; the worker
 * exports them and never resets them.
 */
export const malformedCounts = {
  /** Vendor-Specific attributes whose sub-attribute list was truncated or malformed. */
  vsa: 0,
  /** Long-extended chains with a missing last fragment, or EVS values shorter than their header. */
  extended: 0,
  /** hostapd long-extended encodings repaired by parsePacket (see `skipHostapdStray`). */
  hostapdFragmentRepaired: 0,
};

const isLongExtended = (type: number): boolean => type === 245 || type === 246;

/**
 * hostapd's long-extended encoder before commit 96549aaa (2025-05; every release up to and including
 * 2.11) wrote *all* remaining data after each fragment header instead of the fragment's share.
 * Such a packet looks like
 *   [T FF E 80 | D0..D250] [D251..Dn]  [T len E flags | D251..Dn]  …
 * i.e. a correct first fragment followed by a stray copy of the rest of the data, then the next
 * (correct) fragment header and the same bytes again. Given the offset right after a fragment with
 * the M flag, return how many stray bytes to skip (0 if the pattern does not match).
 */
function hostapdStrayLength(buf: Buffer, pos: number, end: number, type: number, extType: number): number {
  const maxStray = Math.floor((end - pos - 4) / 2);
  for (let k = 1; k <= maxStray; k++) {
    const h = pos + k;
    if (buf[h] !== type || buf[h + 2] !== extType) continue;
    const fragData = Math.min(k, 251);
    if (buf[h + 1] !== 4 + fragData) continue;
    if (buf[h + 3] !== (k > 251 ? 0x80 : 0x00)) continue;
    if (buf.compare(buf, h + 4, h + 4 + fragData, pos, pos + fragData) === 0) return k;
  }
  return 0;
}

/**
 * Parses the structure of a RADIUS packet. Throws CodecError for anything malformed:
 * datagram shorter than 20 or longer than 4096 bytes, length field outside 20..datagram length,
 * unknown code, attribute with length < 2 or running past the packet end.
 * Bytes after the length field's end are ignored (RFC 2865 §3).
 */
export function parsePacket(buf: Buffer): RadiusPacket {
  if (!Buffer.isBuffer(buf)) throw new CodecError('TOO_SHORT', 'not a buffer');
  if (buf.length < HEADER_LENGTH) throw new CodecError('TOO_SHORT', `packet of ${buf.length} bytes`);
  if (buf.length > MAX_PACKET_LENGTH) throw new CodecError('TOO_LONG', `datagram of ${buf.length} bytes`);
  const code = buf[0]!;
  const length = buf.readUInt16BE(2);
  if (length < HEADER_LENGTH) throw new CodecError('BAD_LENGTH', `length field ${length} < 20`);
  if (length > buf.length) {
    throw new CodecError('BAD_LENGTH', `length field ${length} > datagram of ${buf.length} bytes`);
  }
  if (!KNOWN_CODES.has(code)) throw new CodecError('UNKNOWN_CODE', `code ${code}`);

  const raw = length === buf.length ? buf : buf.subarray(0, length);
  const attributes: RawAttribute[] = [];
  let pos = HEADER_LENGTH;
  while (pos < length) {
    if (pos + 2 > length)
      throw new CodecError('BAD_ATTRIBUTE', `truncated attribute header at offset ${pos}`);
    const type = raw[pos]!;
    const len = raw[pos + 1]!;
    if (len < 2)
      throw new CodecError('BAD_ATTRIBUTE', `attribute ${type} with length ${len} at offset ${pos}`);
    if (pos + len > length) {
      throw new CodecError(
        'BAD_ATTRIBUTE',
        `attribute ${type} (length ${len}) overflows the packet at offset ${pos}`,
      );
    }
    attributes.push({ type, value: raw.subarray(pos + 2, pos + len) });
    if (len === 255 && isLongExtended(type) && (raw[pos + 3]! & 0x80) !== 0) {
      const next = pos + len;
      const stray = next < length ? hostapdStrayLength(raw, next, length, type, raw[pos + 2]!) : 0;
      if (stray > 0) {
        malformedCounts.hostapdFragmentRepaired++;
        pos += stray;
      }
    }
    pos += len;
  }
  return { code, identifier: buf[1]!, authenticator: raw.subarray(4, 20), attributes, raw };
}

/** First value of a top-level attribute. */
export function getAttr(p: RadiusPacket, type: number): Buffer | undefined {
  for (const a of p.attributes) if (a.type === type) return a.value;
  return undefined;
}

/** All values of a top-level attribute, in wire order. */
export function getAttrs(p: RadiusPacket, type: number): Buffer[] {
  const out: Buffer[] = [];
  for (const a of p.attributes) if (a.type === type) out.push(a.value);
  return out;
}

/** First value as UTF-8 text. */
export function getString(p: RadiusPacket, type: number): string | undefined {
  return getAttr(p, type)?.toString('utf8');
}

/** First value as an unsigned 32-bit big-endian integer; undefined if absent or not 4 bytes long. */
export function getInt(p: RadiusPacket, type: number): number | undefined {
  const v = getAttr(p, type);
  return v && v.length === 4 ? v.readUInt32BE(0) : undefined;
}

/** EAP-Message attributes concatenated in order (RFC 3579 §3.1), or undefined if none. */
export function getEapMessage(p: RadiusPacket): Buffer | undefined {
  const parts = getAttrs(p, Attr.EapMessage);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

export interface Vsa {
  vendorId: number;
  vendorType: number;
  value: Buffer;
}

/**
 * Every sub-attribute of every Vendor-Specific attribute, assuming the RFC 2865 §5.26
 * recommended format (1-byte type, 1-byte length). Lenient: a VSA whose sub-attributes do not
 * line up keeps the ones read before the fault and is counted in `malformedCounts.vsa`.
 */
export function getAllVsas(p: RadiusPacket): Vsa[] {
  const out: Vsa[] = [];
  for (const a of p.attributes) {
    if (a.type !== Attr.VendorSpecific) continue;
    const v = a.value;
    if (v.length < 4) {
      malformedCounts.vsa++;
      continue;
    }
    const vendorId = v.readUInt32BE(0);
    forEachSub(v, 4, (vendorType, value) => out.push({ vendorId, vendorType, value }));
  }
  return out;
}

/** Walks 1-byte type / 1-byte length sub-attributes; returns false (and counts) on a fault. */
function forEachSub(v: Buffer, start: number, fn: (type: number, value: Buffer) => void): boolean {
  let pos = start;
  if (pos >= v.length) {
    malformedCounts.vsa++;
    return false;
  }
  while (pos < v.length) {
    if (pos + 2 > v.length) {
      malformedCounts.vsa++;
      return false;
    }
    const len = v[pos + 1]!;
    if (len < 2 || pos + len > v.length) {
      malformedCounts.vsa++;
      return false;
    }
    fn(v[pos]!, v.subarray(pos + 2, pos + len));
    pos += len;
  }
  return true;
}

/** Values of one vendor attribute, from every Vendor-Specific attribute in the packet. */
export function getVsas(p: RadiusPacket, vendorId: number, vendorType: number): Buffer[] {
  const out: Buffer[] = [];
  for (const a of p.attributes) {
    if (a.type !== Attr.VendorSpecific) continue;
    const v = a.value;
    if (v.length < 4) {
      malformedCounts.vsa++;
      continue;
    }
    if (v.readUInt32BE(0) !== vendorId) continue;
    forEachSub(v, 4, (t, value) => {
      if (t === vendorType) out.push(value);
    });
  }
  return out;
}

export type ExtendedType = 241 | 242 | 243 | 244 | 245 | 246;

export interface ExtendedAttribute {
  type: ExtendedType;
  extType: number;
  /** Data after Extended-Type (and after the flags byte for 245/246), fragments joined. */
  value: Buffer;
}

/**
 * Every extended attribute (RFC 6929) in wire order. Long-extended fragments (M flag, 0x80) are
 * joined with the fragments that follow with the same type and Extended-Type. A chain whose last
 * fragment is missing is dropped and counted in `malformedCounts.extended`.
 */
export function getAllExtended(p: RadiusPacket): ExtendedAttribute[] {
  const out: ExtendedAttribute[] = [];
  const attrs = p.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type < 241 || a.type > 246) continue;
    const type = a.type as ExtendedType;
    if (!isLongExtended(type)) {
      if (a.value.length < 1) {
        malformedCounts.extended++;
        continue;
      }
      out.push({ type, extType: a.value[0]!, value: a.value.subarray(1) });
      continue;
    }
    if (a.value.length < 2) {
      malformedCounts.extended++;
      continue;
    }
    const extType = a.value[0]!;
    let more = (a.value[1]! & 0x80) !== 0;
    if (!more) {
      out.push({ type, extType, value: a.value.subarray(2) });
      continue;
    }
    const parts = [a.value.subarray(2)];
    let j = i + 1;
    for (; more && j < attrs.length; j++) {
      const f = attrs[j]!;
      if (f.type !== type || f.value.length < 2 || f.value[0] !== extType) break;
      parts.push(f.value.subarray(2));
      more = (f.value[1]! & 0x80) !== 0;
    }
    if (more) {
      // RFC 6929 §2.2: fragments are contiguous and the last one clears M. Drop the chain.
      malformedCounts.extended++;
      i = j - 1;
      continue;
    }
    out.push({ type, extType, value: Buffer.concat(parts) });
    i = j - 1;
  }
  return out;
}

/**
 * First extended attribute `type.extType` (RFC 6929), long-extended fragments reassembled.
 * With `evs`, `extType` should be 26 (Extended-Vendor-Specific-N) and the value must start with
 * Vendor-Id (4 bytes) and EVS type (1 byte); the data after that header is returned.
 * Example: hostapd `wpa_psk_radius=3` sends FreeRADIUS 802.1X-Anonce as 245.26 / 11344 / 1.
 */
export function getExtended(
  p: RadiusPacket,
  type: ExtendedType,
  extType: number,
  evs?: { vendorId: number; vendorType: number },
): Buffer | undefined {
  // Fast path: nothing extended in the packet.
  if (!p.attributes.some((a) => a.type === type)) return undefined;
  for (const e of getAllExtended(p)) {
    if (e.type !== type || e.extType !== extType) continue;
    if (!evs) return e.value;
    if (e.value.length < 5) {
      malformedCounts.extended++;
      continue;
    }
    if (e.value.readUInt32BE(0) === evs.vendorId && e.value[4] === evs.vendorType) return e.value.subarray(5);
  }
  return undefined;
}

/**
 * Parses 1-byte type / 1-byte length TLVs (e.g. Ruckus-DPSK-Params 153, UBNT Tunnel-Password-Entry 5,
 * TP-Link FindKey). Strict: throws CodecError('BAD_TLV') if a TLV is shorter than its header or runs
 * past the end.
 */
export function parseTlvs(value: Buffer): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  let pos = 0;
  while (pos < value.length) {
    if (pos + 2 > value.length) throw new CodecError('BAD_TLV', `truncated TLV header at offset ${pos}`);
    const t = value[pos]!;
    const len = value[pos + 1]!;
    if (len < 2 || pos + len > value.length) {
      throw new CodecError('BAD_TLV', `TLV ${t} with length ${len} at offset ${pos} of ${value.length}`);
    }
    const v = value.subarray(pos + 2, pos + len);
    const list = out.get(t);
    if (list) list.push(v);
    else out.set(t, [v]);
    pos += len;
  }
  return out;
}

const HEX12 = /^[0-9a-f]{12}$/;

/**
 * Normalises any vendor MAC spelling (AA-BB-CC-DD-EE-FF, aabbccddeeff, aabb.ccdd.eeff,
 * AA:BB:CC:DD:EE:FF, "aa bb cc …") to aa:bb:cc:dd:ee:ff. Returns null unless exactly 12 hex digits
 * remain after removing - : . and whitespace.
 */
// "aa:bb:cc:dd:ee:ff" is written here and read out as one string (no string per character).
const MAC_SCRATCH = Buffer.from('00:00:00:00:00:00', 'latin1');

export function macFromAttribute(s: string): string | null {
  if (typeof s !== 'string' || s.length > 64) return null;
  // Hot path (every Access-Request): one pass over ASCII; anything else takes the regex path.
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c > 0x7f) return macFromAttributeSlow(s);
    if (c === 0x2d || c === 0x3a || c === 0x2e || c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c >= 0x41 && c <= 0x46) c += 0x20; // A-F → a-f
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) || digits === 12) return null;
    MAC_SCRATCH[digits + (digits >> 1)] = c; // skips the ':' after every two digits
    digits++;
  }
  return digits === 12 ? MAC_SCRATCH.toString('latin1', 0, 17) : null;
}

function macFromAttributeSlow(s: string): string | null {
  const hex = s.replace(/[-:.\s]/g, '').toLowerCase();
  if (!HEX12.test(hex)) return null;
  return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
}

/**
 * Splits a Called-Station-Id of the usual "AP-MAC:SSID" shape (RFC 3580 §3.20; MikroTik
 * `II-II-II-II-II-II:S`, hostapd, most controllers). The SSID is whatever follows the first ':'
 * after the MAC; mac is null if the value does not start with a MAC.
 */
export function parseCalledStationId(s: string): { mac: string | null; ssid: string | null } {
  const m =
    /^\s*([0-9A-Fa-f]{2}(?:[-:]?[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?::(.*))?$/s.exec(
      s,
    );
  if (!m) return { mac: null, ssid: null };
  return { mac: macFromAttribute(m[1]!), ssid: m[2] === undefined ? null : m[2] };
}

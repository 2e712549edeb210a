/**
 * Building RADIUS packets: replies to requests we received (encodeResponse) and requests we send
 * or, in tests, play as a NAS (encodeRequest).
 *
 * Replies always carry Message-Authenticator as their FIRST attribute (Blast-RADIUS,
 * CVE-2024-3596; reference/radius.md §9), computed with the request's authenticator in the header
 * and before the Response Authenticator (RFC 3579 §3.2).
 */
import { randomBytes } from 'node:crypto';
import {
  encryptSalted,
  encryptUserPassword,
  MAX_SALTED_PLAINTEXT,
  randomSalt,
  writeMessageAuthenticator,
  writePacketDigest,
} from './crypto.js';
import {
  Attr,
  Code,
  CodecError,
  EXT_TYPE_EVS,
  getAttrs,
  HEADER_LENGTH,
  MAX_ATTRIBUTE_VALUE,
  MAX_PACKET_LENGTH,
  type RadiusPacket,
  type RawAttribute,
} from './packet.js';

export type AttributeValue = Buffer | string | number;

/** uint32 big-endian, or the UTF-8 bytes of a string, or the Buffer itself. */
export function toBytes(value: AttributeValue): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(value, 0);
    return b;
  }
  throw new CodecError('BAD_ATTRIBUTE', `not a uint32, string or Buffer: ${String(value)}`);
}

/** 8-byte big-endian unsigned integer (FreeRADIUS `integer64`, e.g. UBNT-Data-Rate-*). */
export function u64(value: number | bigint): Buffer {
  const v = typeof value === 'bigint' ? value : BigInt(value);
  if (v < 0n || v > 0xffffffffffffffffn) throw new CodecError('BAD_ATTRIBUTE', `not a uint64: ${v}`);
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(v, 0);
  return b;
}

function checkVendor(vendorId: number, vendorType: number): void {
  if (!Number.isInteger(vendorId) || vendorId < 0 || vendorId > 0xffffffff) {
    throw new CodecError('BAD_VSA', `vendor id ${vendorId}`);
  }
  if (!Number.isInteger(vendorType) || vendorType < 0 || vendorType > 255) {
    throw new CodecError('BAD_VSA', `vendor type ${vendorType}`);
  }
}

/** Vendor-Specific value: Vendor-Id(4) | sub-type | sub-length | data. */
function vsaValue(vendorId: number, vendorType: number, data: Buffer): Buffer {
  checkVendor(vendorId, vendorType);
  const out = Buffer.allocUnsafe(6 + data.length);
  out.writeUInt32BE(vendorId, 0);
  out[4] = vendorType;
  // Oversized data keeps its length here and is rejected by the encoder (BAD_ATTRIBUTE).
  out[5] = Math.min(255, 2 + data.length);
  data.copy(out, 6);
  return out;
}

function checkType(type: number): void {
  if (!Number.isInteger(type) || type < 1 || type > 255)
    throw new CodecError('BAD_ATTRIBUTE', `attribute type ${type}`);
}

function checkTag(tag: number): void {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0x1f)
    throw new CodecError('BAD_ATTRIBUTE', `tag ${tag} (0..31)`);
}

/**
 * Collects attributes for one packet, in order. Values are encoded immediately (salted values
 * need the request authenticator, which the caller passes). Limits are checked by the encoders:
 * an attribute over 253 bytes is split if it is EAP-Message and rejected otherwise.
 *
 * Values are written into one growing byte slab as they are added (no Buffer per attribute: a
 * reply is built for every Access-Request); `attributes` materialises views on demand.
 */
export class PacketBuilder {
  private slab: Buffer = Buffer.allocUnsafe(256);
  private used = 0;
  private readonly types: number[] = [];
  /** Start and end of each value in the slab. */
  private readonly bounds: number[] = [];
  private salts: Set<number> | null = null;

  /** Room for n more bytes; returns where they go. */
  private reserve(n: number): number {
    if (this.used + n > this.slab.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.slab.length * 2, this.used + n));
      this.slab.copy(bigger, 0, 0, this.used);
      this.slab = bigger;
    }
    const at = this.used;
    this.used += n;
    return at;
  }

  private commit(type: number, start: number): void {
    this.types.push(type);
    this.bounds.push(start, this.used);
  }

  /** Writes a value (uint32, UTF-8 string or bytes) at the end of the slab; returns its start. */
  private writeValue(value: AttributeValue): number {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) toBytes(value); // throws
      const at = this.reserve(4);
      this.slab.writeUInt32BE(value, at);
      return at;
    }
    if (typeof value === 'string') {
      // Short ASCII (the usual case) byte by byte; anything else through the UTF-8 encoder.
      let ascii = value.length <= 253;
      for (let i = 0; ascii && i < value.length; i++) if (value.charCodeAt(i) > 0x7f) ascii = false;
      if (ascii) {
        const at = this.reserve(value.length);
        for (let i = 0; i < value.length; i++) this.slab[at + i] = value.charCodeAt(i);
        return at;
      }
      value = Buffer.from(value, 'utf8');
    }
    if (!Buffer.isBuffer(value)) toBytes(value); // throws
    const at = this.reserve(value.length);
    value.copy(this.slab, at);
    return at;
  }

  private push(type: number, value: Buffer): void {
    const at = this.reserve(value.length);
    value.copy(this.slab, at);
    this.commit(type, at);
  }

  /** A top-level attribute; numbers are encoded as uint32. */
  add(type: number, value: AttributeValue): this {
    checkType(type);
    const at = this.writeValue(value);
    this.commit(type, at);
    return this;
  }

  /**
   * RFC 2868 tagged attribute: a number becomes tag + 3-byte integer (Tunnel-Type,
   * Tunnel-Medium-Type); a string or Buffer becomes tag + bytes (Tunnel-Private-Group-Id).
   */
  addTagged(type: number, tag: number, value: AttributeValue): this {
    checkType(type);
    checkTag(tag);
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value > 0xffffff) {
        throw new CodecError('BAD_ATTRIBUTE', `tagged integer ${value} does not fit 3 bytes`);
      }
      const at = this.reserve(4);
      this.slab.writeUInt32BE(value, at);
      this.slab[at] = tag;
      this.commit(type, at);
    } else {
      if (!Buffer.isBuffer(value) && typeof value !== 'string') toBytes(value); // throws
      const at = this.reserve(1);
      this.slab[at] = tag;
      this.writeValue(value);
      this.commit(type, at);
    }
    return this;
  }

  /** One vendor attribute in its own Vendor-Specific attribute (RFC 2865 §5.26 format). */
  addVsa(vendorId: number, vendorType: number, value: AttributeValue): this {
    checkVendor(vendorId, vendorType);
    if (typeof value !== 'number' && typeof value !== 'string' && !Buffer.isBuffer(value)) toBytes(value);
    const at = this.reserve(6);
    this.slab.writeUInt32BE(vendorId, at);
    this.slab[at + 4] = vendorType;
    const data = this.writeValue(value);
    // Oversized data keeps its length here and is rejected by the encoder (BAD_ATTRIBUTE).
    this.slab[at + 5] = Math.min(255, 2 + this.used - data);
    this.commit(Attr.VendorSpecific, at);
    return this;
  }

  private salt(): Buffer {
    this.salts ??= new Set();
    for (;;) {
      const s = randomSalt();
      const key = s.readUInt16BE(0);
      // RFC 2868 §3.5: each salt in a packet must be unique.
      if (!this.salts.has(key)) {
        this.salts.add(key);
        return s;
      }
    }
  }

  /** Salted hiding with a salt unique within this packet (for values inside TLVs). */
  encryptSalted(plaintext: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer {
    return encryptSalted(plaintext, secret, requestAuthenticator, this.salt());
  }

  /** Tunnel-Password (69): tag | salt | ciphertext (RFC 2868 §3.5), keyed with the Access-Request's authenticator. */
  addTunnelPassword(
    tag: number,
    password: string | Buffer,
    secret: Buffer,
    requestAuthenticator: Buffer,
  ): this {
    checkTag(tag);
    const enc = this.encryptSalted(toBytes(password), secret, requestAuthenticator);
    const at = this.reserve(1 + enc.length);
    this.slab[at] = tag;
    enc.copy(this.slab, at + 1);
    this.commit(Attr.TunnelPassword, at);
    return this;
  }

  /**
   * Salted vendor attribute without tag: salt | ciphertext — MS-MPPE-Send/Recv-Key (311/16, 17;
   * RFC 2548), Aruba-MPSK-Passphrase (14823/44).
   */
  addSaltedVsa(
    vendorId: number,
    vendorType: number,
    plaintext: Buffer,
    secret: Buffer,
    requestAuthenticator: Buffer,
  ): this {
    const enc = this.encryptSalted(plaintext, secret, requestAuthenticator);
    this.push(Attr.VendorSpecific, vsaValue(vendorId, vendorType, enc));
    return this;
  }

  /**
   * A vendor attribute whose value is 1-byte type / 1-byte length TLVs, e.g. UBNT
   * Tunnel-Password-Entry (41112/5: .2 password, .3 key id). Children listed in `salted.types`
   * are salted-encrypted (FreeRADIUS marks both UBNT children `encrypt=2`).
   */
  addVsaTlv(
    vendorId: number,
    vendorType: number,
    tlvs: Array<[number, Buffer | string]>,
    salted?: { secret: Buffer; requestAuthenticator: Buffer; types: number[] },
  ): this {
    const parts: Buffer[] = [];
    for (const [t, v] of tlvs) {
      if (!Number.isInteger(t) || t < 0 || t > 255) throw new CodecError('BAD_TLV', `TLV type ${t}`);
      let data = toBytes(v);
      if (salted?.types.includes(t)) {
        if (data.length > MAX_SALTED_PLAINTEXT)
          throw new CodecError('BAD_TLV', `TLV ${t} too long to encrypt`);
        data = this.encryptSalted(data, salted.secret, salted.requestAuthenticator);
      }
      if (data.length > 253) throw new CodecError('BAD_TLV', `TLV ${t} of ${data.length} bytes`);
      parts.push(Buffer.from([t, 2 + data.length]), data);
    }
    this.push(Attr.VendorSpecific, vsaValue(vendorId, vendorType, Buffer.concat(parts)));
    return this;
  }

  /**
   * RFC 6929 extended attribute. 241–244: Extended-Type | data (data ≤ 252 bytes). 245–246
   * (long extended): split into fragments of ≤ 251 data bytes, M flag (0x80) on all but the last.
   */
  addExtended(type: 241 | 242 | 243 | 244 | 245 | 246, extType: number, value: Buffer): this {
    if (!Number.isInteger(extType) || extType < 1 || extType > 255) {
      throw new CodecError('BAD_EXTENDED', `extended type ${extType}`);
    }
    if (type === 245 || type === 246) {
      let pos = 0;
      do {
        const n = Math.min(251, value.length - pos);
        const more = pos + n < value.length;
        const frag = Buffer.allocUnsafe(2 + n);
        frag[0] = extType;
        frag[1] = more ? 0x80 : 0x00;
        value.copy(frag, 2, pos, pos + n);
        this.push(type, frag);
        pos += n;
      } while (pos < value.length);
    } else if (type >= 241 && type <= 244) {
      if (value.length > 252)
        throw new CodecError('BAD_EXTENDED', `${type}.${extType} of ${value.length} bytes`);
      this.push(type, Buffer.concat([Buffer.from([extType]), value]));
    } else {
      throw new CodecError('BAD_EXTENDED', `type ${String(type)} is not extended`);
    }
    return this;
  }

  /** Extended-Vendor-Specific (type.26): Vendor-Id | EVS type | data, e.g. 245.26 / 11344 / 1 (802.1X-Anonce). */
  addEvs(type: 241 | 242 | 243 | 244 | 245 | 246, vendorId: number, vendorType: number, value: Buffer): this {
    const head = Buffer.allocUnsafe(5);
    head.writeUInt32BE(vendorId, 0);
    head[4] = vendorType;
    return this.addExtended(type, EXT_TYPE_EVS, Buffer.concat([head, value]));
  }

  /** Number of attributes collected (long-extended fragments count one each; EAP-Message before splitting). */
  get attributeCount(): number {
    return this.types.length;
  }

  /** The collected attributes, in order (views into the builder's bytes, for tests, logs, encodeRequest). */
  get attributes(): readonly RawAttribute[] {
    const out: RawAttribute[] = [];
    for (let i = 0; i < this.types.length; i++) {
      out.push({
        type: this.types[i]!,
        value: this.slab.subarray(this.bounds[2 * i]!, this.bounds[2 * i + 1]!),
      });
    }
    return out;
  }

  /** Attribute bytes this builder encodes to (EAP-Message split; MA skipped if asked). */
  encodedSize(skipMa: boolean): number {
    let n = 0;
    for (let i = 0; i < this.types.length; i++) {
      const type = this.types[i]!;
      if (skipMa && type === Attr.MessageAuthenticator) continue;
      n += entrySize(type, this.bounds[2 * i + 1]! - this.bounds[2 * i]!);
    }
    return n;
  }

  /** Writes the attributes at buf[pos…]; returns the end. */
  writeTo(buf: Buffer, pos: number, skipMa: boolean): number {
    for (let i = 0; i < this.types.length; i++) {
      const type = this.types[i]!;
      if (skipMa && type === Attr.MessageAuthenticator) continue;
      pos = writeEntry(buf, pos, type, this.slab, this.bounds[2 * i]!, this.bounds[2 * i + 1]!);
    }
    return pos;
  }
}

function entrySize(type: number, len: number): number {
  if (len <= MAX_ATTRIBUTE_VALUE) return 2 + len;
  if (type === Attr.EapMessage) return len + 2 * Math.ceil(len / MAX_ATTRIBUTE_VALUE);
  throw new CodecError('BAD_ATTRIBUTE', `attribute ${type} of ${len} bytes (max ${MAX_ATTRIBUTE_VALUE})`);
}

/** One attribute (value = src[start..end)), EAP-Message split in 253-byte chunks. */
function writeEntry(buf: Buffer, pos: number, type: number, src: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len <= MAX_ATTRIBUTE_VALUE) {
    buf[pos] = type;
    buf[pos + 1] = 2 + len;
    if (len <= 32) for (let i = 0; i < len; i++) buf[pos + 2 + i] = src[start + i]!;
    else src.copy(buf, pos + 2, start, end);
    return pos + 2 + len;
  }
  for (let off = start; off < end; off += MAX_ATTRIBUTE_VALUE) {
    const n = Math.min(MAX_ATTRIBUTE_VALUE, end - off);
    buf[pos] = type;
    buf[pos + 1] = 2 + n;
    src.copy(buf, pos + 2, off, off + n);
    pos += 2 + n;
  }
  return pos;
}

/** Attribute bytes needed for `entries` (EAP-Message split in 253-byte chunks). */
function encodedSize(entries: readonly RawAttribute[], skipMa: boolean): number {
  let n = 0;
  for (const e of entries) {
    if (skipMa && e.type === Attr.MessageAuthenticator) continue;
    n += entrySize(e.type, e.value.length);
  }
  return n;
}

function writeEntries(buf: Buffer, pos: number, entries: readonly RawAttribute[], skipMa: boolean): number {
  for (const e of entries) {
    if (skipMa && e.type === Attr.MessageAuthenticator) continue;
    pos = writeEntry(buf, pos, e.type, e.value, 0, e.value.length);
  }
  return pos;
}

function writeMaPlaceholder(buf: Buffer, pos: number): number {
  buf[pos] = Attr.MessageAuthenticator;
  buf[pos + 1] = 18;
  buf.fill(0, pos + 2, pos + 18);
  return pos + 18;
}

const RESPONSE_CODES: ReadonlySet<number> = new Set([
  Code.AccessAccept,
  Code.AccessReject,
  Code.AccessChallenge,
  Code.AccountingResponse,
  Code.DisconnectAck,
  Code.DisconnectNak,
  Code.CoaAck,
  Code.CoaNak,
]);

/**
 * Encodes a reply to `request`: Message-Authenticator first (HMAC-MD5 with the request's
 * authenticator in the header), then the builder's attributes (any Message-Authenticator in the
 * builder is ignored; EAP-Message longer than 253 bytes is split), then every Proxy-State of the
 * request in order (RFC 2865 §5.33), then the Response Authenticator
 * MD5(Code|Id|Len|RequestAuth|Attrs|Secret). Throws CodecError TOO_LONG over 4096 bytes,
 * BAD_ATTRIBUTE for another attribute over 253 bytes, UNKNOWN_CODE for a non-response code.
 */
export function encodeResponse(
  request: RadiusPacket,
  code: number,
  attrs: PacketBuilder,
  secret: Buffer,
  opts: { messageAuthenticator?: boolean } = {},
): Buffer {
  if (!RESPONSE_CODES.has(code)) throw new CodecError('UNKNOWN_CODE', `code ${code} is not a response`);
  // Accounting-Response: RFC 3579 defines no Message-Authenticator there and FreeRADIUS' clients
  // verify one with a different vector, so it is left out unless asked for.
  const withMa = opts.messageAuthenticator ?? code !== Code.AccountingResponse;
  const proxyStates = getAttrs(request, Attr.ProxyState);
  let length = HEADER_LENGTH + (withMa ? 18 : 0) + attrs.encodedSize(true);
  for (const ps of proxyStates) length += 2 + ps.length;
  if (length > MAX_PACKET_LENGTH) throw new CodecError('TOO_LONG', `reply of ${length} bytes`);

  const buf = Buffer.allocUnsafe(length);
  buf[0] = code;
  buf[1] = request.identifier;
  buf.writeUInt16BE(length, 2);
  request.authenticator.copy(buf, 4, 0, 16);
  let pos = withMa ? writeMaPlaceholder(buf, HEADER_LENGTH) : HEADER_LENGTH;
  pos = attrs.writeTo(buf, pos, true);
  for (const ps of proxyStates) {
    buf[pos] = Attr.ProxyState;
    buf[pos + 1] = 2 + ps.length;
    ps.copy(buf, pos + 2);
    pos += 2 + ps.length;
  }
  // Header already holds the request authenticator: HMAC and MD5 run over the buffer as is.
  // Both digests read everything they need before writing their result into the buffer.
  if (withMa)
    writeMessageAuthenticator(buf, HEADER_LENGTH + 2, request.authenticator, secret, buf, HEADER_LENGTH + 2);
  writePacketDigest(buf, request.authenticator, secret, buf, 4);
  return buf;
}

export interface EncodeRequestOptions {
  /**
   * Add Message-Authenticator. Default: true, except Accounting-Request (RFC 3579 §3.3 lists it as
   * not allowed there, and NASes do not send it). RFC 5997 requires it on Status-Server; hostapd's
   * DAS requires it on Disconnect/CoA by default.
   */
  messageAuthenticator?: boolean;
  /** Where to put it: 'first' (default, what we send) or 'last' (what hostapd sends). */
  messageAuthenticatorPosition?: 'first' | 'last';
  /** Access-Request / Status-Server only: a fixed Request Authenticator (default: 16 random bytes). */
  authenticator?: Buffer;
  /** Access-Request only: User-Password hidden with the authenticator (RFC 2865 §5.2), placed after User-Name. */
  userPassword?: string | Buffer;
}

const REQUEST_CODES: ReadonlySet<number> = new Set([
  Code.AccessRequest,
  Code.AccountingRequest,
  Code.StatusServer,
  Code.DisconnectRequest,
  Code.CoaRequest,
]);

/**
 * Encodes a request. Access-Request and Status-Server get a random (or given) Request
 * Authenticator and Message-Authenticator over the packet as sent. Accounting-Request,
 * Disconnect-Request and CoA-Request get Message-Authenticator computed over the packet with a
 * zero authenticator, then the Request Authenticator MD5(Code|Id|Len|16 zero|Attrs|Secret)
 * (RFC 2866 §3, RFC 5176 §2.3, §3.4). The Request Authenticator is bytes 4..20 of the result.
 * With `messageAuthenticator: false` a Message-Authenticator in the builder is sent verbatim
 * (tests use it to send wrong ones).
 */
export function encodeRequest(
  code: number,
  identifier: number,
  attrs: PacketBuilder,
  secret: Buffer,
  opts: EncodeRequestOptions = {},
): Buffer {
  if (!REQUEST_CODES.has(code)) throw new CodecError('UNKNOWN_CODE', `code ${code} is not a request`);
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) {
    throw new RangeError(`identifier ${identifier} (0..255)`);
  }
  const randomAuth = code === Code.AccessRequest || code === Code.StatusServer;
  if (opts.authenticator && (!randomAuth || opts.authenticator.length !== 16)) {
    throw new CodecError('BAD_ATTRIBUTE', 'authenticator: 16 bytes, Access-Request/Status-Server only');
  }
  if (opts.userPassword !== undefined && code !== Code.AccessRequest) {
    throw new CodecError('BAD_ATTRIBUTE', 'userPassword is for Access-Request only');
  }
  const withMa = opts.messageAuthenticator ?? code !== Code.AccountingRequest;
  const maFirst = (opts.messageAuthenticatorPosition ?? 'first') === 'first';
  const auth = randomAuth ? (opts.authenticator ?? randomBytes(16)) : Buffer.alloc(16);

  let entries: readonly RawAttribute[] = attrs.attributes;
  if (opts.userPassword !== undefined) {
    const hidden: RawAttribute = {
      type: Attr.UserPassword,
      value: encryptUserPassword(opts.userPassword, auth, secret),
    };
    const at = entries.findIndex((e) => e.type === Attr.UserName);
    entries = [...entries.slice(0, at + 1), hidden, ...entries.slice(at + 1)];
  }

  const length = HEADER_LENGTH + (withMa ? 18 : 0) + encodedSize(entries, withMa);
  if (length > MAX_PACKET_LENGTH) throw new CodecError('TOO_LONG', `request of ${length} bytes`);
  const buf = Buffer.allocUnsafe(length);
  buf[0] = code;
  buf[1] = identifier;
  buf.writeUInt16BE(length, 2);
  auth.copy(buf, 4);
  let pos = HEADER_LENGTH;
  let maOffset = -1;
  if (withMa && maFirst) {
    maOffset = pos + 2;
    pos = writeMaPlaceholder(buf, pos);
  }
  pos = writeEntries(buf, pos, entries, withMa);
  if (withMa && !maFirst) {
    maOffset = pos + 2;
    pos = writeMaPlaceholder(buf, pos);
  }
  if (maOffset >= 0) writeMessageAuthenticator(buf, maOffset, auth, secret, buf, maOffset);
  if (!randomAuth) writePacketDigest(buf, auth, secret, buf, 4);
  return buf;
}

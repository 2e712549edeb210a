/**
 * Decodes the replies the handlers produce into name/value pairs for table-driven assertions.
 * Attribute numbers and encodings are written out here from reference/radius.md §2 and §4, not
 * taken from the worker's dictionaries, so a wrong number in the worker shows up as a wrong name.
 * Hidden values are decrypted with the Access-Request's authenticator (RFC 2868 §3.5, RFC 2548).
 */
import assert from 'node:assert/strict';
import { decryptSalted, verifyMessageAuthenticator, verifyResponse } from '../../codec/crypto.js';
import { Attr, getAllVsas, parsePacket, type RadiusPacket } from '../../codec/packet.js';

export interface Decoded {
  /** Dictionary name; tagged attributes (RFC 2868) are written `Name:tag`. */
  name: string;
  value: string | number;
}

type Kind =
  | 'int'
  | 'string'
  | 'hex'
  | 'u64'
  | 'tagged-int'
  | 'tagged-string'
  | 'tunnel-password'
  | 'salted-string'
  | 'salted-hex';

const STANDARD: Record<number, [string, Kind]> = {
  [Attr.UserName]: ['User-Name', 'string'],
  [Attr.FilterId]: ['Filter-Id', 'string'],
  [Attr.ReplyMessage]: ['Reply-Message', 'string'],
  [Attr.State]: ['State', 'hex'],
  [Attr.Class]: ['Class', 'string'],
  [Attr.SessionTimeout]: ['Session-Timeout', 'int'],
  [Attr.IdleTimeout]: ['Idle-Timeout', 'int'],
  [Attr.TerminationAction]: ['Termination-Action', 'int'],
  64: ['Tunnel-Type', 'tagged-int'],
  65: ['Tunnel-Medium-Type', 'tagged-int'],
  69: ['Tunnel-Password', 'tunnel-password'],
  79: ['EAP-Message', 'hex'],
  81: ['Tunnel-Private-Group-Id', 'tagged-string'],
  85: ['Acct-Interim-Interval', 'int'],
};

/** `${vendorId}/${vendorType}` → name, encoding (reference/radius.md §2.2, §2.3). */
const VENDOR: Record<string, [string, Kind]> = {
  '9/1': ['Cisco-AVPair', 'string'],
  '311/16': ['MS-MPPE-Send-Key', 'salted-hex'],
  '311/17': ['MS-MPPE-Recv-Key', 'salted-hex'],
  '14823/1': ['Aruba-User-Role', 'string'],
  '14823/2': ['Aruba-User-Vlan', 'int'],
  '14823/44': ['Aruba-MPSK-Passphrase', 'salted-string'],
  '14122/7': ['WISPr-Bandwidth-Max-Up', 'int'],
  '14122/8': ['WISPr-Bandwidth-Max-Down', 'int'],
  '14122/9': ['WISPr-Session-Terminate-Time', 'string'],
  '14988/8': ['Mikrotik-Rate-Limit', 'string'],
  '14988/16': ['Mikrotik-Wireless-PSK', 'string'],
  '14988/26': ['Mikrotik-Wireless-VLANID', 'int'],
  '25053/9': ['Ruckus-VLAN-ID', 'int'],
  '25053/142': ['Ruckus-Dpsk', 'hex'],
  '41112/1': ['UBNT-Data-Rate-DL', 'u64'],
  '41112/3': ['UBNT-Data-Rate-UL', 'u64'],
  '11863/4': ['TPLink-Authentication-FoundKey', 'hex'],
};

interface Keys {
  secret: Buffer;
  requestAuthenticator: Buffer;
  /** Salts seen in this packet: RFC 2868 §3.5 wants each one unique. */
  salts: Set<string>;
}

function salted(value: Buffer, keys: Keys, name: string): Buffer {
  assert.ok(value.length >= 18, `${name}: salted value of ${value.length} bytes`);
  assert.ok((value[0]! & 0x80) !== 0, `${name}: salt without its most significant bit set`);
  const salt = value.subarray(0, 2).toString('hex');
  assert.ok(!keys.salts.has(salt), `${name}: salt ${salt} used twice in one packet`);
  keys.salts.add(salt);
  return decryptSalted(value, keys.secret, keys.requestAuthenticator);
}

function decodeValue(name: string, kind: Kind, v: Buffer, keys: Keys): Decoded {
  switch (kind) {
    case 'int':
      assert.equal(v.length, 4, `${name}: integer of ${v.length} bytes`);
      return { name, value: v.readUInt32BE(0) };
    case 'u64':
      assert.equal(v.length, 8, `${name}: integer64 of ${v.length} bytes`);
      return { name, value: Number(v.readBigUInt64BE(0)) };
    case 'string':
      return { name, value: v.toString('utf8') };
    case 'hex':
      return { name, value: v.toString('hex') };
    case 'tagged-int':
      // RFC 2868 §3.1: tag byte + 3-byte value.
      assert.equal(v.length, 4, `${name}: tagged integer of ${v.length} bytes`);
      return { name: `${name}:${v[0]}`, value: v.readUIntBE(1, 3) };
    case 'tagged-string':
      // A first byte 0x00–0x1F is a tag; anything else is data (RFC 2868 §3.6).
      return v.length > 0 && v[0]! <= 0x1f
        ? { name: `${name}:${v[0]}`, value: v.subarray(1).toString('utf8') }
        : { name, value: v.toString('utf8') };
    case 'tunnel-password':
      assert.ok(v.length >= 1 && v[0]! <= 0x1f, `${name}: missing tag`);
      return { name: `${name}:${v[0]}`, value: salted(v.subarray(1), keys, name).toString('utf8') };
    case 'salted-string':
      return { name, value: salted(v, keys, name).toString('utf8') };
    case 'salted-hex':
      return { name, value: salted(v, keys, name).toString('hex') };
  }
}

/**
 * Every attribute of a reply except Message-Authenticator (checked by `checkReplyIntegrity`),
 * Vendor-Specific attributes expanded, hidden values decrypted. Unknown attributes come out as
 * `Attr-N` / `Vendor-V-T` with their hex value, so an unexpected attribute fails an exact match.
 */
export function decodeReply(reply: RadiusPacket, secret: Buffer, requestAuthenticator: Buffer): Decoded[] {
  const keys: Keys = { secret, requestAuthenticator, salts: new Set() };
  const out: Decoded[] = [];
  for (const a of reply.attributes) {
    if (a.type === Attr.MessageAuthenticator || a.type === Attr.VendorSpecific) continue;
    const spec = STANDARD[a.type];
    out.push(
      spec
        ? decodeValue(spec[0], spec[1], a.value, keys)
        : { name: `Attr-${a.type}`, value: a.value.toString('hex') },
    );
  }
  for (const vsa of getAllVsas(reply)) {
    const spec = VENDOR[`${vsa.vendorId}/${vsa.vendorType}`];
    out.push(
      spec
        ? decodeValue(spec[0], spec[1], vsa.value, keys)
        : { name: `Vendor-${vsa.vendorId}-${vsa.vendorType}`, value: vsa.value.toString('hex') },
    );
  }
  return out;
}

/** Order-insensitive form for deepEqual. */
export function sorted(list: readonly Decoded[]): Decoded[] {
  const key = (d: Decoded) => `${d.name}\u0000${typeof d.value}\u0000${String(d.value)}`;
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Parses a reply and checks what every reply to `request` must satisfy: same identifier,
 * Message-Authenticator present exactly once as the FIRST attribute and valid (HMAC-MD5 keyed with
 * the request's authenticator), Response Authenticator valid — and not valid under another secret.
 */
export function checkReplyIntegrity(reply: Buffer, request: RadiusPacket, secret: Buffer): RadiusPacket {
  const p = parsePacket(reply);
  assert.equal(p.identifier, request.identifier, 'reply identifier differs from the request');
  assert.equal(
    p.attributes[0]?.type,
    Attr.MessageAuthenticator,
    'Message-Authenticator is not the first attribute',
  );
  assert.equal(
    p.attributes.filter((a) => a.type === Attr.MessageAuthenticator).length,
    1,
    'more than one Message-Authenticator',
  );
  assert.equal(
    verifyMessageAuthenticator(p, secret, request.authenticator),
    'VALID',
    'Message-Authenticator',
  );
  assert.equal(verifyResponse(p, request.authenticator, secret), true, 'Response Authenticator');
  assert.equal(verifyResponse(p, request.authenticator, Buffer.from('not-the-secret')), false);
  return p;
}

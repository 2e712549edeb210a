/**
 * The npm `radius` package (retailnext/node-radius 1.1.4) behind one adapter.
 *
 * The worker's hot path uses our own codec (packet.ts, crypto.ts, builder.ts); docs/radius-codec.md
 * explains which pieces of the package were replaced and why (salted encryption, TLVs, extended
 * attributes, Message-Authenticator first, re-entrancy, speed). The package stays as an
 * independent implementation: tests decode our replies with it, verify them with its
 * `verify_response`, and feed it our vendor dictionaries; the benchmark measures it as the anchor.
 *
 * Everything here copies its input buffers: the package temporarily writes into the packets it
 * verifies, and keeps the last secret/authenticator in module state (not re-entrant).
 */
import { join } from 'node:path';
import radius from 'radius';
import { Code } from './packet.js';
import { DICTIONARY_DIR } from './dictionary.js';

/**
 * Our dictionary files the package's parser reads correctly. Left out: dictionary.standard (the
 * package ships the RFC dictionaries itself) and dictionary.freeradius.evs5 (its parser ignores
 * `format=Extended-Vendor-Specific-5` and would file 802.1X-Anonce as an ordinary 11344 VSA).
 * TLV children ("153.1") are skipped by its parser: their parent decodes as raw bytes.
 */
export const PACKAGE_DICTIONARIES = [
  'dictionary.cisco',
  'dictionary.microsoft',
  'dictionary.aruba',
  'dictionary.wispr',
  'dictionary.mikrotik',
  'dictionary.ruckus',
  'dictionary.meraki',
  'dictionary.ubnt',
  'dictionary.tplink',
] as const;

const CODE_NAMES: Record<number, string> = {
  [Code.AccessRequest]: 'Access-Request',
  [Code.AccessAccept]: 'Access-Accept',
  [Code.AccessReject]: 'Access-Reject',
  [Code.AccountingRequest]: 'Accounting-Request',
  [Code.AccountingResponse]: 'Accounting-Response',
  [Code.AccessChallenge]: 'Access-Challenge',
  [Code.StatusServer]: 'Status-Server',
  [Code.DisconnectRequest]: 'Disconnect-Request',
  [Code.DisconnectAck]: 'Disconnect-ACK',
  [Code.DisconnectNak]: 'Disconnect-NAK',
  [Code.CoaRequest]: 'CoA-Request',
  [Code.CoaAck]: 'CoA-ACK',
  [Code.CoaNak]: 'CoA-NAK',
};

export function packageCodeName(code: number): string {
  const name = CODE_NAMES[code];
  if (!name) throw new RangeError(`no package name for code ${code}`);
  return name;
}

const CODE_NUMBERS = new Map(Object.entries(CODE_NAMES).map(([n, name]) => [name, Number(n)]));

let dictionariesAdded = false;

/** Registers our vendor dictionaries with the package (once). */
export function ensurePackageDictionaries(): void {
  if (dictionariesAdded) return;
  for (const f of PACKAGE_DICTIONARIES) radius.add_dictionary(join(DICTIONARY_DIR, f));
  // The package loads dictionaries lazily once; forget what it loaded so the next call reloads all.
  radius.unload_dictionaries();
  dictionariesAdded = true;
}

// The package hashes the secret with crypto.update/createHmac, which take Buffers; its types say string.
const asPackageSecret = (secret: Buffer): string => secret as unknown as string;

export interface PackageDecoded {
  code: number;
  identifier: number;
  length: number;
  authenticator: Buffer;
  /** Named attributes as the package decodes them (repeated ones become arrays, VSAs under "Vendor-Specific"). */
  attributes: Record<string, unknown>;
  /** [type, value] pairs of the top-level attributes in wire order. */
  rawAttributes: Array<[number, Buffer]>;
}

interface PackageDecodeResult {
  code: string;
  identifier: number;
  length: number;
  authenticator: Buffer;
  attributes: Record<string, unknown>;
  raw_attributes: Array<[number, Buffer]>;
}

/**
 * radius.decode: verifies the Request Authenticator of Accounting/CoA/DM requests and the
 * Message-Authenticator of requests that carry one, decrypts User-Password (encrypt=1).
 * Throws whatever the package throws (InvalidSecretError, Error).
 */
export function decodeWithPackage(buf: Buffer, secret: Buffer): PackageDecoded {
  ensurePackageDictionaries();
  const d = radius.decode({
    packet: Buffer.from(buf),
    secret: asPackageSecret(secret),
  }) as unknown as PackageDecodeResult;
  return {
    code: CODE_NUMBERS.get(d.code) ?? -1,
    identifier: d.identifier,
    length: d.length,
    authenticator: Buffer.from(d.authenticator),
    attributes: d.attributes,
    rawAttributes: d.raw_attributes,
  };
}

/** radius.verify_response: Response Authenticator, and Message-Authenticator if the request had one. */
export function verifyResponseWithPackage(request: Buffer, response: Buffer, secret: Buffer): boolean {
  ensurePackageDictionaries();
  return radius.verify_response({
    request: Buffer.from(request),
    response: Buffer.from(response),
    secret: asPackageSecret(secret),
  });
}

/** radius.encode: a request built by the package (Access-Request gets a random authenticator). */
export function encodeWithPackage(
  code: number,
  identifier: number,
  attributes: Array<[string | number, ...unknown[]]>,
  secret: Buffer,
  addMessageAuthenticator = true,
): Buffer {
  ensurePackageDictionaries();
  return radius.encode({
    code: packageCodeName(code),
    identifier,
    attributes: [...attributes],
    secret: asPackageSecret(secret),
    add_message_authenticator: addMessageAuthenticator,
  });
}

/** The package's own decoded request, as encode_response wants it back. */
export type PackageRequest = PackageDecodeResult & { readonly __package: unique symbol };

/**
 * radius.decode on the buffer itself (no copy: the package only writes into Accounting/CoA/DM
 * packets, and restores them before returning). For the benchmark and encodeResponseWithPackage.
 */
export function decodeRawWithPackage(buf: Buffer, secret: Buffer): PackageRequest {
  ensurePackageDictionaries();
  return radius.decode({ packet: buf, secret: asPackageSecret(secret) }) as unknown as PackageRequest;
}

/** radius.encode_response: Proxy-State copied, Message-Authenticator last and only if the request had one. */
export function encodeResponseWithPackage(
  request: PackageRequest,
  code: number,
  attributes: Array<[string | number, ...unknown[]]>,
  secret: Buffer,
): Buffer {
  ensurePackageDictionaries();
  return radius.encode_response({
    packet: request as unknown as Parameters<typeof radius.encode_response>[0]['packet'],
    code: packageCodeName(code),
    secret: asPackageSecret(secret),
    // The package appends Proxy-State and Message-Authenticator to the array it is given.
    attributes: [...attributes],
  });
}

/** The package's whole request → reply path: radius.decode then radius.encode_response. */
export function replyWithPackage(
  requestBuf: Buffer,
  code: number,
  attributes: Array<[string | number, ...unknown[]]>,
  secret: Buffer,
): { request: PackageRequest; reply: Buffer } {
  const request = decodeRawWithPackage(requestBuf, secret);
  return { request, reply: encodeResponseWithPackage(request, code, attributes, secret) };
}

// EAPOL-Key message 2/4 parsing and the WPA/WPA2 MIC check used for unbound PPSK (docs radius.md
// §3.10). This file is the straightforward reference built on node:crypto; the per-candidate hot
// loop lives in mic-check.ts and is tested against it.
//
// Frame layout, offsets from the start of the 4-byte EAPOL header (IEEE 802.1X-2004 §7.5 and
// IEEE 802.11-2020 §12.7.2, fields for the 128-bit-MIC AKMs):
//   0 protocol version (1, 2 or 3)   1 packet type (3 = EAPOL-Key)   2 body length (BE16)
//   4 descriptor type (2 = RSN, 254 = WPA)   5 Key Information (BE16)   7 Key Length
//   9 Replay Counter (8)   17 Key Nonce = SNonce (32)   49 Key IV (16)   65 Key RSC (8)
//   73 reserved (8)   81 Key MIC (16)   97 Key Data Length (BE16)   99 Key Data
import { createHmac, timingSafeEqual } from 'node:crypto';
import { aesCmac } from './cmac.js';

export const EAPOL_HEADER_BYTES = 4;
export const EAPOL_TYPE_KEY = 3;
export const DESCRIPTOR_RSN = 2;
export const DESCRIPTOR_WPA = 254;
/** Key Information bits 0-2: key descriptor version. */
export const KEY_INFO_VERSION_MASK = 0x0007;
/** Key Information bit 8: Key MIC present. */
export const KEY_INFO_MIC = 0x0100;

export const SNONCE_OFFSET = 17;
export const MIC_OFFSET = 81;
export const MIC_BYTES = 16;
export const KEY_DATA_LENGTH_OFFSET = 97;
export const KEY_DATA_OFFSET = 99;
/** Smallest EAPOL-Key frame (header + fixed fields, no key data). */
export const MIN_FRAME_BYTES = KEY_DATA_OFFSET;

export const PMK_BYTES = 32;
export const NONCE_BYTES = 32;
export const MAC_BYTES = 6;
export const KCK_BYTES = 16;

/** Key descriptor versions supported (IEEE 802.11-2020 §12.7.2 b.1). */
export const KeyDescriptorVersion = {
  /** HMAC-MD5 MIC, PRF-SHA1 (WPA1/TKIP). */
  HMAC_MD5: 1,
  /** HMAC-SHA1-128 MIC, PRF-SHA1 (WPA2-PSK, AKM 00-0F-AC:2, CCMP). */
  HMAC_SHA1: 2,
  /** AES-128-CMAC MIC, KDF-SHA256 (AKM 00-0F-AC:6 PSK-SHA256, PMF required). */
  AES_CMAC: 3,
} as const;

export interface EapolKeyFrame {
  descriptorVersion: number;
  keyInfo: number;
  snonce: Buffer;
  mic: Buffer;
  /** frame with the MIC bytes zeroed, computed once */
  zeroed: Buffer;
  /** 2 (RSN) or 254 (WPA). */
  descriptorType: number;
  /** Where the EAPOL header started in the buffer handed to the parser (bytes skipped before it). */
  headerOffset: number;
  /** First pairwise cipher suite type of the RSN element in Key Data (00-0F-AC:n), null if none. */
  pairwiseCipher: number | null;
}

export type EapolErrorCode = 'TOO_SHORT' | 'NOT_EAPOL_KEY' | 'UNSUPPORTED_DESCRIPTOR' | 'NO_MIC';

export class EapolError extends Error {
  constructor(
    readonly code: EapolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EapolError';
  }
}

interface HeaderCandidate {
  offset: number;
  length: number;
}

/**
 * The EAPOL-Key header inside `frame`. hostapd and Ruckus hand over the frame starting at the
 * EAPOL header, but some APs prepend bytes (radius.md §12: SNonce at 34 instead of 17), and
 * hostapd before 2.12 could append garbage to long frames. So every offset is tried: a header is
 * version 1-3, type 3, descriptor 2/254, a body long enough for the fixed fields and a Key Data
 * Length that fits the body. A header whose frame ends exactly at the end of the buffer wins;
 * otherwise the first one.
 */
function locateHeader(frame: Buffer): HeaderCandidate | EapolError {
  let first: HeaderCandidate | null = null;
  let sawTruncated = false;
  for (let o = 0; o + EAPOL_HEADER_BYTES < frame.length; o++) {
    const version = frame[o]!;
    if (version < 1 || version > 3 || frame[o + 1] !== EAPOL_TYPE_KEY) continue;
    const descriptor = frame[o + EAPOL_HEADER_BYTES]!;
    if (descriptor !== DESCRIPTOR_RSN && descriptor !== DESCRIPTOR_WPA) continue;
    const length = EAPOL_HEADER_BYTES + frame.readUInt16BE(o + 2);
    if (length < MIN_FRAME_BYTES) continue;
    if (o + length > frame.length) {
      sawTruncated = true;
      continue;
    }
    const keyDataLength = frame.readUInt16BE(o + KEY_DATA_LENGTH_OFFSET);
    if (KEY_DATA_OFFSET + keyDataLength > length) {
      sawTruncated = true; // Key Data cut off
      continue;
    }
    const candidate = { offset: o, length };
    if (o + length === frame.length) return candidate;
    first ??= candidate;
  }
  if (first) return first;
  // Nothing usable: explain by what the buffer starts with.
  const startsLikeEapol = frame.length >= EAPOL_HEADER_BYTES && frame[0]! >= 1 && frame[0]! <= 3;
  if (startsLikeEapol && frame[1] !== EAPOL_TYPE_KEY) {
    return new EapolError('NOT_EAPOL_KEY', `EAPOL packet type ${frame[1]} is not EAPOL-Key (3)`);
  }
  if (startsLikeEapol && frame.length > EAPOL_HEADER_BYTES) {
    const descriptor = frame[EAPOL_HEADER_BYTES]!;
    if (descriptor !== DESCRIPTOR_RSN && descriptor !== DESCRIPTOR_WPA) {
      return new EapolError(
        'UNSUPPORTED_DESCRIPTOR',
        `EAPOL-Key descriptor type ${descriptor} is neither RSN (2) nor WPA (254)`,
      );
    }
  }
  if (sawTruncated || frame.length < MIN_FRAME_BYTES) {
    return new EapolError('TOO_SHORT', `EAPOL-Key frame truncated (${frame.length} bytes)`);
  }
  return new EapolError('NOT_EAPOL_KEY', 'no EAPOL-Key header found');
}
/** First pairwise cipher suite type (00-0F-AC:n) of an RSN element in Key Data, or null. */
function rsnPairwiseCipher(keyData: Buffer): number | null {
  for (let i = 0; i + 2 <= keyData.length;) {
    const id = keyData[i]!;
    const len = keyData[i + 1]!;
    const body = keyData.subarray(i + 2, i + 2 + len);
    if (body.length < len) return null;
    // RSN element: version(2) group suite(4) pairwise count(2) pairwise suites(4 each)
    if (id === 0x30 && len >= 12 && body.readUInt16LE(6) >= 1) {
      return body[8] === 0x00 && body[9] === 0x0f && body[10] === 0xac ? body[11]! : null;
    }
    i += 2 + len;
  }
  return null;
}

/**
 * Parses an EAPOL-Key message 2/4 (as carried by hostapd `802.1X-EAPoL-Key-Msg`, Ruckus DPSK,
 * Omada FindKey). Copies the frame once, into `zeroed`; `snonce` and `mic` do not alias the input.
 */
export function parseEapolKeyMsg2(frame: Buffer): EapolKeyFrame {
  if (!Buffer.isBuffer(frame)) throw new EapolError('NOT_EAPOL_KEY', 'frame is not a Buffer');
  const found = locateHeader(frame);
  if (found instanceof EapolError) throw found;
  const { offset, length } = found;
  const zeroed = Buffer.from(frame.subarray(offset, offset + length));
  const keyInfo = zeroed.readUInt16BE(5);
  const descriptorVersion = keyInfo & KEY_INFO_VERSION_MASK;
  if (
    descriptorVersion !== KeyDescriptorVersion.HMAC_MD5 &&
    descriptorVersion !== KeyDescriptorVersion.HMAC_SHA1 &&
    descriptorVersion !== KeyDescriptorVersion.AES_CMAC
  ) {
    throw new EapolError(
      'UNSUPPORTED_DESCRIPTOR',
      `key descriptor version ${descriptorVersion} is not supported (AKM-defined: SAE, FT, OWE…)`,
    );
  }
  if ((keyInfo & KEY_INFO_MIC) === 0) throw new EapolError('NO_MIC', 'Key MIC flag not set');
  const mic = Buffer.from(zeroed.subarray(MIC_OFFSET, MIC_OFFSET + MIC_BYTES));
  zeroed.fill(0, MIC_OFFSET, MIC_OFFSET + MIC_BYTES);
  const keyDataLength = zeroed.readUInt16BE(KEY_DATA_LENGTH_OFFSET);
  return {
    descriptorVersion,
    keyInfo,
    snonce: zeroed.subarray(SNONCE_OFFSET, SNONCE_OFFSET + NONCE_BYTES),
    mic,
    zeroed,
    descriptorType: zeroed[4]!,
    headerOffset: offset,
    pairwiseCipher: rsnPairwiseCipher(zeroed.subarray(KEY_DATA_OFFSET, KEY_DATA_OFFSET + keyDataLength)),
  };
}

/**
 * PTK length in bits for the SHA-256 KDF (the length is part of the KDF input, so it changes the
 * KCK): KCK 128 + KEK 128 + TK (128 for CCMP-128/GCMP-128, 256 for TKIP, CCMP-256, GCMP-256).
 */
export function ptkBits(pairwiseCipher: number | null): number {
  return pairwiseCipher === 2 || pairwiseCipher === 9 || pairwiseCipher === 10 ? 512 : 384;
}

export const PTK_LABEL = 'Pairwise key expansion';

function checkLength(name: string, value: Buffer, length: number): void {
  if (!Buffer.isBuffer(value) || value.length !== length) {
    throw new RangeError(`${name} must be a ${length}-byte Buffer`);
  }
}

/** min(AA,SPA) ‖ max(AA,SPA) ‖ min(ANonce,SNonce) ‖ max(ANonce,SNonce): 76 bytes, into `out` at `at`. */
export function writePtkData(
  out: Buffer,
  at: number,
  apMac: Buffer,
  staMac: Buffer,
  anonce: Buffer,
  snonce: Buffer,
): void {
  checkLength('apMac', apMac, MAC_BYTES);
  checkLength('staMac', staMac, MAC_BYTES);
  checkLength('anonce', anonce, NONCE_BYTES);
  checkLength('snonce', snonce, NONCE_BYTES);
  const macFirst = Buffer.compare(apMac, staMac) < 0;
  (macFirst ? apMac : staMac).copy(out, at);
  (macFirst ? staMac : apMac).copy(out, at + 6);
  const nonceFirst = Buffer.compare(anonce, snonce) < 0;
  (nonceFirst ? anonce : snonce).copy(out, at + 12);
  (nonceFirst ? snonce : anonce).copy(out, at + 44);
}

/**
 * Input of the first HMAC-SHA1 block of PRF-512 (IEEE 802.11-2020 §12.7.1.2):
 * "Pairwise key expansion" ‖ 0x00 ‖ PTK data ‖ counter 0x00 — 100 bytes.
 */
export function prfSha1Input(apMac: Buffer, staMac: Buffer, anonce: Buffer, snonce: Buffer): Buffer {
  const out = Buffer.alloc(PTK_LABEL.length + 1 + 76 + 1);
  out.write(PTK_LABEL, 0, 'latin1');
  writePtkData(out, PTK_LABEL.length + 1, apMac, staMac, anonce, snonce);
  return out;
}

/**
 * Input of the first HMAC-SHA256 block of KDF-SHA256 (IEEE 802.11-2020 §12.7.1.6.2):
 * counter 1 (LE16) ‖ "Pairwise key expansion" ‖ PTK data ‖ length in bits (LE16) — 102 bytes.
 */
export function kdfSha256Input(
  apMac: Buffer,
  staMac: Buffer,
  anonce: Buffer,
  snonce: Buffer,
  bits: number,
): Buffer {
  const out = Buffer.alloc(2 + PTK_LABEL.length + 76 + 2);
  out.writeUInt16LE(1, 0);
  out.write(PTK_LABEL, 2, 'latin1');
  writePtkData(out, 2 + PTK_LABEL.length, apMac, staMac, anonce, snonce);
  out.writeUInt16LE(bits, out.length - 2);
  return out;
}

/**
 * The 16-byte Key Confirmation Key (first bytes of the PTK) for the given PMK and handshake.
 * v1/v2: first block of PRF-512 (HMAC-SHA1); v3: first block of KDF-SHA256-`bits` (`bits` = PTK
 * length, 384 for CCMP-128 — see ptkBits). Throws RangeError on wrong-size inputs or versions.
 */
export function deriveKck(
  pmk: Buffer,
  apMac: Buffer,
  staMac: Buffer,
  anonce: Buffer,
  snonce: Buffer,
  descriptorVersion: number,
  bits = 384,
): Buffer {
  checkLength('pmk', pmk, PMK_BYTES);
  switch (descriptorVersion) {
    case KeyDescriptorVersion.HMAC_MD5:
    case KeyDescriptorVersion.HMAC_SHA1:
      return createHmac('sha1', pmk)
        .update(prfSha1Input(apMac, staMac, anonce, snonce))
        .digest()
        .subarray(0, KCK_BYTES);
    case KeyDescriptorVersion.AES_CMAC:
      return createHmac('sha256', pmk)
        .update(kdfSha256Input(apMac, staMac, anonce, snonce, bits))
        .digest()
        .subarray(0, KCK_BYTES);
    default:
      throw new RangeError(`key descriptor version ${descriptorVersion} is not supported`);
  }
}

/** The 16-byte Key MIC of `frame.zeroed` under `kck`, per the frame's key descriptor version. */
export function computeMic(kck: Buffer, frame: EapolKeyFrame): Buffer {
  checkLength('kck', kck, KCK_BYTES);
  switch (frame.descriptorVersion) {
    case KeyDescriptorVersion.HMAC_MD5:
      return createHmac('md5', kck).update(frame.zeroed).digest();
    case KeyDescriptorVersion.HMAC_SHA1:
      return createHmac('sha1', kck).update(frame.zeroed).digest().subarray(0, MIC_BYTES);
    case KeyDescriptorVersion.AES_CMAC:
      return aesCmac(kck, frame.zeroed);
    default:
      throw new RangeError(`key descriptor version ${frame.descriptorVersion} is not supported`);
  }
}

/**
 * Whether `pmk` produced `frame`'s MIC for this handshake (AA = `apMac`/BSSID, SPA = `staMac`).
 * Compares in constant time. Throws RangeError on wrong-size inputs.
 */
export function micMatches(
  pmk: Buffer,
  apMac: Buffer,
  staMac: Buffer,
  anonce: Buffer,
  frame: EapolKeyFrame,
): boolean {
  const kck = deriveKck(
    pmk,
    apMac,
    staMac,
    anonce,
    frame.snonce,
    frame.descriptorVersion,
    ptkBits(frame.pairwiseCipher),
  );
  return timingSafeEqual(computeMic(kck, frame), frame.mic);
}

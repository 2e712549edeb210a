// Test and benchmark helper: plays the supplicant side of a WPA/WPA2-PSK 4-way handshake far
// enough to produce EAPOL-Key message 2/4 — what an AP forwards to RADIUS for unbound PPSK — so
// that tests can generate their own vectors. Not used by the worker itself.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  DESCRIPTOR_RSN,
  EAPOL_HEADER_BYTES,
  EAPOL_TYPE_KEY,
  KEY_DATA_OFFSET,
  KEY_INFO_MIC,
  MIC_BYTES,
  MIC_OFFSET,
  NONCE_BYTES,
  SNONCE_OFFSET,
  computeMic,
  deriveKck,
  parseEapolKeyMsg2,
  ptkBits,
} from './eapol.js';

/** Key Information bit 3: Pairwise key. */
const KEY_INFO_PAIRWISE = 0x0008;

/** RSN element of a WPA2-PSK station: CCMP group and pairwise, AKM 00-0F-AC:2, no capabilities. */
export const RSN_IE_WPA2_PSK = Buffer.from('30140100000fac040100000fac040100000fac020000', 'hex');
/** RSN element of a PSK-SHA256 station with PMF required: AKM 00-0F-AC:6, MFPC + MFPR. */
export const RSN_IE_PSK_SHA256 = Buffer.from('30140100000fac040100000fac040100000fac06c000', 'hex');

export type StationKey = { pmk: Buffer } | { passphrase: string; ssid: string };

export type BuildMsg2Options = StationKey & {
  apMac: Buffer;
  staMac: Buffer;
  anonce: Buffer;
  /** Random when omitted. */
  snonce?: Buffer;
  /** 2 = HMAC-SHA1 MIC (WPA2-PSK, default); 3 = AES-CMAC MIC with the SHA-256 KDF (PSK-SHA256). */
  descriptorVersion?: 2 | 3;
  /** Echoes message 1's counter; default 1. */
  replayCounter?: number | bigint;
  /** Key Data; defaults to the RSN element matching the descriptor version. */
  rsnIe?: Buffer;
  /** EAPOL protocol version in the header; default 2 (802.1X-2004). */
  eapolVersion?: 1 | 2 | 3;
  /** Key Length field; default 16 (CCMP). Stations may send 0. */
  keyLength?: number;
};

/** PMK = PBKDF2-HMAC-SHA1(passphrase, SSID, 4096, 32) (IEEE 802.11-2020 J.4). */
export function pmkFromPassphrase(passphrase: string, ssid: string): Buffer {
  return pbkdf2Sync(Buffer.from(passphrase, 'utf8'), Buffer.from(ssid, 'utf8'), 4096, 32, 'sha1');
}

/**
 * EAPOL-Key message 2/4 (4-byte EAPOL header included) whose MIC verifies with the given key,
 * AP MAC, station MAC and ANonce.
 */
export function buildMsg2(options: BuildMsg2Options): Buffer {
  const pmk = 'pmk' in options ? options.pmk : pmkFromPassphrase(options.passphrase, options.ssid);
  const descriptorVersion = options.descriptorVersion ?? 2;
  const snonce = options.snonce ?? randomBytes(NONCE_BYTES);
  if (snonce.length !== NONCE_BYTES) throw new RangeError('snonce must be 32 bytes');
  const keyData = options.rsnIe ?? (descriptorVersion === 3 ? RSN_IE_PSK_SHA256 : RSN_IE_WPA2_PSK);
  const frame = Buffer.alloc(KEY_DATA_OFFSET + keyData.length);
  frame[0] = options.eapolVersion ?? 2;
  frame[1] = EAPOL_TYPE_KEY;
  frame.writeUInt16BE(frame.length - EAPOL_HEADER_BYTES, 2);
  frame[4] = DESCRIPTOR_RSN;
  frame.writeUInt16BE(descriptorVersion | KEY_INFO_PAIRWISE | KEY_INFO_MIC, 5);
  frame.writeUInt16BE(options.keyLength ?? 16, 7);
  frame.writeBigUInt64BE(BigInt(options.replayCounter ?? 1), 9);
  snonce.copy(frame, SNONCE_OFFSET);
  frame.writeUInt16BE(keyData.length, KEY_DATA_OFFSET - 2);
  keyData.copy(frame, KEY_DATA_OFFSET);
  const parsed = parseEapolKeyMsg2(frame);
  const kck = deriveKck(
    pmk,
    options.apMac,
    options.staMac,
    options.anonce,
    snonce,
    descriptorVersion,
    ptkBits(parsed.pairwiseCipher),
  );
  computeMic(kck, parsed).copy(frame, MIC_OFFSET, 0, MIC_BYTES);
  return frame;
}

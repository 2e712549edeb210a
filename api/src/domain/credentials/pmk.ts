// WPA2-PSK Pairwise Master Key: PBKDF2-HMAC-SHA1(passphrase, SSID, 4096 iterations, 32 bytes)
// (IEEE 802.11i-2004 annex H.4). Costs a few milliseconds of CPU, so compute it in a background
// job (computePmk runs on libuv's thread pool), never in a request path.
import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { CredentialError, validatePassphraseFormat } from './passphrase.js';

export const PMK_ITERATIONS = 4096;
export const PMK_BYTES = 32;
export const SSID_MAX_BYTES = 32;

function prepare(passphrase: string, ssid: string): { password: Buffer; salt: Buffer } {
  // The WPA2 format rule only (8-63 printable ASCII); commonness is the portal's concern.
  validatePassphraseFormat(passphrase);
  if (typeof ssid !== 'string') throw new CredentialError('SSID_INVALID', 'SSID must be a string');
  const salt = Buffer.from(ssid, 'utf8');
  if (salt.length === 0 || salt.length > SSID_MAX_BYTES) {
    throw new CredentialError('SSID_INVALID', `SSID must be 1 to ${SSID_MAX_BYTES} bytes`);
  }
  return { password: Buffer.from(passphrase, 'ascii'), salt };
}

/** PMK for `passphrase` on the network named `ssid` (UTF-8 bytes), 32 bytes. */
export function computePmk(passphrase: string, ssid: string): Promise<Buffer> {
  let input: { password: Buffer; salt: Buffer };
  try {
    input = prepare(passphrase, ssid);
  } catch (error) {
    return Promise.reject(error);
  }
  const { password, salt } = input;
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, PMK_ITERATIONS, PMK_BYTES, 'sha1', (error, key) => {
      password.fill(0);
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** Synchronous variant of computePmk (blocks the event loop for a few milliseconds). */
export function computePmkSync(passphrase: string, ssid: string): Buffer {
  const { password, salt } = prepare(passphrase, ssid);
  try {
    return pbkdf2Sync(password, salt, PMK_ITERATIONS, PMK_BYTES, 'sha1');
  } finally {
    password.fill(0);
  }
}

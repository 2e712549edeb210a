// AES-128-CMAC (RFC 4493 / NIST SP 800-38B), the EAPOL-Key MIC of key descriptor version 3.
// node:crypto has no CMAC, so it is built on AES-128-CBC with a zero IV (CBC-MAC) in one cipher:
// encrypting a zero block first yields the subkey seed L = AES(K, 0¹²⁸), and XOR-ing L into the
// first message block cancels that block's chaining value, so the rest of the stream is plain
// CBC-MAC over M1..Mn with the last block masked by K1 or K2.
import { createCipheriv } from 'node:crypto';

const BLOCK = 16;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

/** Doubling in GF(2¹²⁸) (RFC 4493 §2.3 subkey generation), in place. */
function double(block: Buffer): void {
  const carry = block[0]! & 0x80;
  for (let i = 0; i < BLOCK - 1; i++) block[i] = ((block[i]! << 1) | (block[i + 1]! >>> 7)) & 0xff;
  block[BLOCK - 1] = ((block[BLOCK - 1]! << 1) & 0xff) ^ (carry ? 0x87 : 0);
}

/** AES-128-CMAC of `message` under the 16-byte `key`; returns the 16-byte tag. */
export function aesCmac(key: Buffer, message: Buffer): Buffer {
  if (key.length !== BLOCK) throw new RangeError('AES-128-CMAC needs a 16-byte key');
  const cipher = createCipheriv('aes-128-cbc', key, ZERO_BLOCK).setAutoPadding(false);
  const subkey = cipher.update(ZERO_BLOCK); // L; also the CBC chaining value from here on
  const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const buf = Buffer.alloc(blocks * BLOCK);
  message.copy(buf);
  if (!complete) buf[message.length] = 0x80;
  for (let i = 0; i < BLOCK; i++) buf[i] ^= subkey[i]!; // cancel the chaining value L
  double(subkey); // K1
  if (!complete) double(subkey); // K2
  const last = (blocks - 1) * BLOCK;
  for (let i = 0; i < BLOCK; i++) buf[last + i] ^= subkey[i]!;
  const out = cipher.update(buf);
  cipher.final();
  return out.subarray(out.length - BLOCK);
}

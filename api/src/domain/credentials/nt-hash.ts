// NT hash (MD4 over the UTF-16LE password), the secret MSCHAPv2 (PEAP) needs.
//
// Node's OpenSSL 3 refuses MD4, and js-md4's default export itself calls crypto.createHash('md4')
// under Node, so only its pure-JavaScript `create()` path is used. js-md4 is CommonJS without type
// declarations, hence createRequire and the small local type below.
import { createRequire } from 'node:module';

interface Md4Hash {
  update(message: Uint8Array): Md4Hash;
  arrayBuffer(): ArrayBuffer;
}

interface Md4Module {
  create(): Md4Hash;
}

const md4 = createRequire(import.meta.url)('js-md4') as Md4Module;

/** NT hash of `passphrase`: MD4(UTF-16LE(passphrase)), 16 bytes. */
export function ntHash(passphrase: string): Buffer {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string');
  const bytes = Buffer.from(passphrase, 'utf16le');
  try {
    return Buffer.from(md4.create().update(bytes).arrayBuffer());
  } finally {
    bytes.fill(0);
  }
}

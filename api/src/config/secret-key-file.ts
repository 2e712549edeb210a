import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Name of the key file inside the data directory (`.lanyard/` by default). */
export const SECRET_KEY_FILE_NAME = 'secret.key';

const KEY_PATTERN = /^[0-9a-fA-F]{64}$/;

/**
 * Embedded mode only: returns the 32-byte secret key (64 lowercase hex chars) kept in
 * `<baseDir>/secret.key`, generating it on first use. The directory is created with mode 0700 and
 * the file with mode 0600. The file is created atomically (written to a temporary name, then
 * hard-linked into place without overwriting), so a crash never leaves a half-written key and two
 * processes starting at once agree on one key.
 *
 * A file that exists but does not hold exactly 64 hex characters is an error, never silently
 * replaced: a new key would make every secret encrypted with the old one unreadable.
 */
export function loadOrCreateSecretKey(baseDir: string): string {
  const file = join(baseDir, SECRET_KEY_FILE_NAME);
  mkdirSync(baseDir, { recursive: true, mode: 0o700 });

  const existing = readKeyFile(file);
  if (existing !== null) return existing;

  const key = randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${key}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    publishExclusive(tmp, file);
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
    const winner = readKeyFile(file);
    if (winner === null) throw err;
    return winner;
  } finally {
    unlinkSync(tmp);
  }
  syncDirectory(baseDir);
  return key;
}

/** Puts `tmp` in place as `file`; fails with EEXIST instead of overwriting a key another process wrote. */
function publishExclusive(tmp: string, file: string): void {
  try {
    linkSync(tmp, file);
  } catch (err) {
    // some file systems (certain network or FUSE mounts) have no hard links
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errorCode(err) ?? '')) throw err;
    copyFileSync(tmp, file, constants.COPYFILE_EXCL);
  }
}

/** The key in `file`, null if there is no such file; throws when it is unreadable or malformed. */
function readKeyFile(file: string): string | null {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    if (errorCode(err) === 'EACCES') {
      throw new Error(
        `Cannot read the secret key file ${file}: permission denied. It was probably created by another ` +
          'OS user (for example when Lanyard was started as root); start Lanyard as that user or fix the ' +
          'file ownership.',
      );
    }
    throw err;
  }
  const trimmed = content.trim();
  if (!KEY_PATTERN.test(trimmed)) {
    // Never include the content: it may be (part of) a key.
    throw new Error(
      `The secret key file ${file} is malformed: it must contain exactly 64 hexadecimal characters ` +
        '(a 32-byte key). Restore it from a backup, or delete it to generate a new key (secrets already ' +
        'encrypted with the old key, such as NAS shared secrets, will then be unreadable).',
    );
  }
  return trimmed.toLowerCase();
}

/** Makes the new directory entry durable; not every file system supports fsync on a directory. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

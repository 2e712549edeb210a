import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSecretKey } from './secret-key-file.js';

describe('loadOrCreateSecretKey', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'lanyard-secret-key-'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a 64-char lowercase hex key in a new 0700 directory, file mode 0600', () => {
    const baseDir = join(root, 'fresh', '.lanyard');
    const key = loadOrCreateSecretKey(baseDir);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(statSync(baseDir).mode & 0o777, 0o700);
    const file = join(baseDir, 'secret.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8').trim(), key);
    // no temporary files left behind
    assert.deepEqual(readdirSync(baseDir), ['secret.key']);
  });

  it('reuses the stored key on later calls', () => {
    const baseDir = join(root, 'reuse');
    const first = loadOrCreateSecretKey(baseDir);
    assert.equal(loadOrCreateSecretKey(baseDir), first);
    assert.equal(loadOrCreateSecretKey(baseDir), first);
  });

  it('generates different keys for different directories', () => {
    assert.notEqual(loadOrCreateSecretKey(join(root, 'a')), loadOrCreateSecretKey(join(root, 'b')));
  });

  it('accepts an uppercase key written by hand and returns it lowercased', () => {
    const baseDir = join(root, 'upper');
    loadOrCreateSecretKey(baseDir);
    const upper = 'ABCDEF0123456789'.repeat(4);
    writeFileSync(join(baseDir, 'secret.key'), `${upper}\n`);
    assert.equal(loadOrCreateSecretKey(baseDir), upper.toLowerCase());
  });

  it('rejects a malformed file without revealing its content and leaves it untouched', () => {
    const baseDir = join(root, 'malformed');
    loadOrCreateSecretKey(baseDir);
    const file = join(baseDir, 'secret.key');
    for (const bad of ['', 'deadbeef', `${'a'.repeat(63)}z`, `${'ab'.repeat(32)}00`]) {
      writeFileSync(file, bad);
      assert.throws(
        () => loadOrCreateSecretKey(baseDir),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.match(err.message, /malformed/);
          assert.match(err.message, /64 hexadecimal characters/);
          if (bad.length > 0)
            assert.ok(!err.message.includes(bad), 'message must not contain the file content');
          return true;
        },
      );
      assert.equal(readFileSync(file, 'utf8'), bad);
    }
  });
});

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  realpathSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.js';

const isRoot = process.getuid?.() === 0;

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function serverUid(dataDir: string): number {
  const pid = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

/** uid/gid of `nobody` when we can run a child as it (root, setpriv available), else null. */
function nobody(): { uid: number; gid: number } | null {
  if (!isRoot || process.platform !== 'linux') return null;
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }));
    return Number.isInteger(uid) && Number.isInteger(gid) && uid !== 0 ? { uid, gid } : null;
  } catch {
    return null;
  }
}

describe('startEmbeddedPostgres', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'lanyard-embedded-pg-'));
    // mkdtemp makes it 0700; as root the server runs as another user, who must be able to pass
    // through the directories above each baseDir (the baseDirs themselves are opened by the code).
    chmodSync(root, 0o755);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps data across restarts, on a free 127.0.0.1 port, and stops idempotently', async (t) => {
    const baseDir = join(root, 'restart');
    const beforeExitListeners = process.listenerCount('beforeExit');
    const sigtermListeners = process.listenerCount('SIGTERM');
    const lines: string[] = [];

    const t0 = Date.now();
    const first = await startEmbeddedPostgres({ baseDir, log: (line) => lines.push(line) });
    const firstStartMs = Date.now() - t0;
    assert.notEqual(first.port, 5432);
    assert.equal(first.dataDir, join(baseDir, 'postgres'));
    const url = new URL(first.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.equal(url.port, String(first.port));
    assert.equal(url.pathname, '/lanyard');
    if (isRoot)
      assert.notEqual(serverUid(first.dataDir), 0, 'as root the server runs as an unprivileged user');

    // the package's async-exit-hook listeners are gone; ours (one per signal) is there while running
    assert.equal(process.listenerCount('beforeExit'), beforeExitListeners);
    assert.equal(process.listenerCount('SIGTERM'), sigtermListeners + 1);

    await query(first.url, 'CREATE TABLE visit (id int PRIMARY KEY, who text NOT NULL)');
    await query(first.url, "INSERT INTO visit VALUES (1, 'Zoë')");
    const [settings] = await query<{ listen: string; encoding: string }>(
      first.url,
      "SELECT current_setting('listen_addresses') AS listen, pg_encoding_to_char(encoding) AS encoding " +
        'FROM pg_database WHERE datname = current_database()',
    );
    assert.deepEqual(settings, { listen: '127.0.0.1', encoding: 'UTF8' });

    const passwordFile = join(baseDir, 'postgres.password');
    assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
    const password = readFileSync(passwordFile, 'utf8').trim();
    assert.equal(decodeURIComponent(url.password), password);
    assert.ok(
      lines.some((l) => l.includes('ready to accept connections')),
      'server output reaches opts.log',
    );
    assert.ok(!lines.some((l) => l.includes(password)), 'the password is never logged');

    await Promise.all([first.stop(), first.stop()]);
    await first.stop();
    assert.ok(existsSync(join(first.dataDir, 'PG_VERSION')));
    assert.ok(!existsSync(join(first.dataDir, 'postmaster.pid')), 'clean shutdown removes postmaster.pid');
    assert.equal(process.listenerCount('SIGTERM'), sigtermListeners);

    // Without opts.log nothing is printed.
    const originalLog = console.log;
    const originalWrite = process.stdout.write;
    const printed: string[] = [];
    console.log = (...args: unknown[]) => void printed.push(args.join(' '));
    process.stdout.write = ((chunk: string | Uint8Array) =>
      printed.push(String(chunk)) > 0) as typeof process.stdout.write;
    let second: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
    const t1 = Date.now();
    try {
      second = await startEmbeddedPostgres({ baseDir });
    } finally {
      console.log = originalLog;
      process.stdout.write = originalWrite;
    }
    const restartMs = Date.now() - t1;
    assert.deepEqual(printed, []);
    try {
      assert.equal(new URL(second.url).password, url.password, 'the stored password is reused');
      assert.deepEqual(await query(second.url, 'SELECT id, who FROM visit'), [{ id: 1, who: 'Zoë' }]);
    } finally {
      await second.stop();
      await second.stop();
    }
    t.diagnostic(`embedded postgres: first start ${firstStartMs} ms, restart ${restartMs} ms`);
  });

  it('removes a stale postmaster.pid whose process is gone', async () => {
    const baseDir = join(root, 'stale');
    const handle = await startEmbeddedPostgres({ baseDir, database: 'other' });
    assert.equal(new URL(handle.url).pathname, '/other');
    await handle.stop();
    // a pid that certainly is not running any more, as a crash would leave it
    const dead = spawnSync(process.execPath, ['-e', 'process.pid'], { stdio: 'ignore' }).pid;
    const pidFile = join(handle.dataDir, 'postmaster.pid');
    writeFileSync(
      pidFile,
      `${dead}\n${handle.dataDir}\n1700000000\n${handle.port}\n\n127.0.0.1\n  0  0\nready\n`,
    );
    const again = await startEmbeddedPostgres({ baseDir, database: 'other' });
    try {
      assert.deepEqual(await query(again.url, 'SELECT 1 AS ok'), [{ ok: 1 }]);
    } finally {
      await again.stop();
    }
    assert.ok(!existsSync(pidFile));
  });

  it('fails with a clear message when the requested port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await assert.rejects(startEmbeddedPostgres({ baseDir: join(root, 'restart'), port }), (err: Error) => {
        assert.match(err.message, new RegExp(`failed to start on 127\\.0\\.0\\.1:${port}`));
        assert.match(err.message, /already in use/);
        return true;
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  const user = nobody();
  it(
    'works for a normal (non-root) user, and root then reuses that user’s cluster',
    { skip: user === null && 'needs root, setpriv and a nobody user' },
    async () => {
      assert.ok(user);
      const baseDir = mkdtempSync(join(root, 'nonroot-'));
      chownSync(baseDir, user.uid, user.gid);
      const moduleUrl = new URL('./embedded-postgres.ts', import.meta.url).href;
      const script = `
      import pg from 'pg';
      const { startEmbeddedPostgres } = await import(${JSON.stringify(moduleUrl)});
      const run = async (sql) => {
        const h = await startEmbeddedPostgres({ baseDir: ${JSON.stringify(baseDir)} });
        const c = new pg.Client({ connectionString: h.url });
        await c.connect();
        try { return (await c.query(sql)).rows; } finally { await c.end(); await h.stop(); await h.stop(); }
      };
      await run("CREATE TABLE t AS SELECT 42 AS answer");
      const rows = await run("SELECT answer FROM t");
      console.log(JSON.stringify({ uid: process.getuid(), rows }));
    `;
      const child = spawnSync(
        'setpriv',
        [
          `--reuid=${user.uid}`,
          `--regid=${user.gid}`,
          '--clear-groups',
          '--',
          process.execPath,
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          script,
        ],
        {
          cwd: fileURLToPath(new URL('../..', import.meta.url)),
          env: { ...process.env, HOME: baseDir },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      assert.equal(child.status, 0, `child failed: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
        uid: number;
        rows: unknown[];
      };
      assert.equal(result.uid, user.uid);
      assert.deepEqual(result.rows, [{ answer: 42 }]);
      assert.equal(statSync(join(baseDir, 'postgres')).uid, user.uid);

      // Root starting the same project later runs the server as the cluster's owner.
      const asRoot = await startEmbeddedPostgres({ baseDir });
      try {
        assert.equal(serverUid(asRoot.dataDir), user.uid);
        assert.deepEqual(await query(asRoot.url, 'SELECT answer FROM t'), [{ answer: 42 }]);
      } finally {
        await asRoot.stop();
      }
    },
  );
});

describe('a data directory the postgres OS user cannot reach', () => {
  it('as root, places the cluster elsewhere, links it from the data directory and finds it again', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'lanyard-private-'));
    const fallbackRoot = mkdtempSync(join(tmpdir(), 'lanyard-fallback-'));
    try {
      chmodSync(outer, 0o700); // like /root
      chmodSync(fallbackRoot, 0o755); // like /var/lib
      const baseDir = join(outer, 'project', '.lanyard');
      const first = await startEmbeddedPostgres({ baseDir, fallbackRoot });
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query('create table marker (v text)');
      await client.query(`insert into marker values ('kept')`);
      await client.end();
      await first.stop();
      const link = lstatSync(join(baseDir, 'postgres'));
      if (process.getuid?.() === 0) {
        assert.ok(link.isSymbolicLink(), 'as root the cluster lives outside and is linked');
        assert.ok(realpathSync(join(baseDir, 'postgres')).startsWith(realpathSync(fallbackRoot)));
      } else {
        assert.ok(link.isDirectory(), 'a normal user owns the path, so the cluster stays in place');
      }
      const second = await startEmbeddedPostgres({ baseDir, fallbackRoot });
      const again = new pg.Client({ connectionString: second.url });
      await again.connect();
      assert.deepEqual((await again.query('select v from marker')).rows, [{ v: 'kept' }]);
      await again.end();
      await second.stop();
    } finally {
      rmSync(outer, { recursive: true, force: true });
      rmSync(fallbackRoot, { recursive: true, force: true });
    }
  });
});

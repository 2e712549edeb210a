import { appendFile, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Append-only files of JSON lines, fsynced before `append` resolves: where accounting records wait
 * while Postgres is unreachable, so an Accounting-Response always means "stored".
 *
 * Each process writes its own file (`<name>.<pid>.jsonl`). A replay first claims files by renaming
 * them to a unique `.claimed` name — its own current file, and files of processes that are gone —
 * and deletes a claimed file only after its records were applied; a claim that failed to apply is
 * retried first next time. Appends and claims are serialised, so no record lands in a file that is
 * being claimed.
 */
export class Journal<T> {
  private readonly file: string;
  private pending: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  /** Serialises appends and claims (a tiny mutex). */
  private lock: Promise<void> = Promise.resolve();
  private draining = false;

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    this.file = join(dir, `${name}.${process.pid}.jsonl`);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  append(record: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        void this.exclusive(() => this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length) {
        const batch = this.pending;
        this.pending = [];
        try {
          await appendFile(this.file, batch.map((b) => b.line).join(''), { mode: 0o600 });
          const fh = await open(this.file, 'r');
          try {
            await fh.sync();
          } finally {
            await fh.close();
          }
          await syncDir(this.dir);
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Applies journalled records, oldest claim first, at most `chunk` records per `apply` call. */
  async replay(apply: (records: T[]) => Promise<void>, chunk = 1000): Promise<number> {
    await this.exclusive(() => this.claim());
    let applied = 0;
    const claimed = (await readdir(this.dir))
      .filter((f) => f.startsWith(`${this.name}.`) && f.endsWith('.claimed'))
      .sort();
    for (const f of claimed) {
      const path = join(this.dir, f);
      const records = (await readFile(path, 'utf8'))
        .split('\n')
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as T];
          } catch {
            return []; // a torn last line after a crash
          }
        });
      for (let i = 0; i < records.length; i += chunk) await apply(records.slice(i, i + chunk)); // throws: kept for next time
      await rm(path, { force: true });
      applied += records.length;
    }
    return applied;
  }

  /** Renames our file and orphaned files (dead pids) to unique claimed names. */
  private async claim(): Promise<void> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    for (const f of files) {
      const m = new RegExp(`^${escapeRe(this.name)}\\.(\\d+)\\.jsonl$`).exec(f);
      if (!m) continue;
      const pid = Number(m[1]);
      if (pid !== process.pid && isAlive(pid)) continue;
      const target = join(
        this.dir,
        `${this.name}.${Date.now().toString().padStart(15, '0')}-${pid}-${Math.random().toString(36).slice(2, 8)}.claimed`,
      );
      await rename(join(this.dir, f), target).catch(() => undefined); // another process claimed it first
    }
  }

  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.lock.then(fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // some file systems refuse fsync on directories
  } finally {
    await fh.close();
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

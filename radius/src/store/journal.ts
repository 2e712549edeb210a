import { appendFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An append-only file of JSON lines, fsynced before `append` resolves: where accounting records
 * wait while Postgres is unreachable, so an Accounting-Response always means "stored".
 * Appends made while one fsync runs are grouped into the next (group commit).
 */
export class Journal<T> {
  private readonly file: string;
  private pending: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  private writing: Promise<void> | null = null;

  constructor(dir: string, name: string) {
    this.file = join(dir, `${name}.jsonl`);
    this.dir = dir;
  }
  private readonly dir: string;

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  append(record: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
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
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.writing = null;
  }

  /**
   * Hands the journalled records to `apply`; on success they are removed. New appends during the
   * call go to a fresh file and are kept.
   */
  async replay(apply: (records: T[]) => Promise<void>): Promise<number> {
    await this.writing;
    const taken = `${this.file}.replaying`;
    try {
      await rename(this.file, taken);
    } catch {
      // nothing journalled (or a previous replay file is still there)
    }
    let text: string;
    try {
      text = await readFile(taken, 'utf8');
    } catch {
      return 0;
    }
    const records = text
      .split('\n')
      .filter((l) => l.trim())
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as T];
        } catch {
          return []; // a torn last line after a crash
        }
      });
    if (records.length) await apply(records);
    await rm(taken, { force: true });
    return records.length;
  }
}

/**
 * A sync run's log: SyncLogEntry rows numbered by `seq`, each also published on the
 * `syncRunEvents(runId)` subscription through NOTIFY, so an admin watching from any API process
 * sees lines as they happen. Lines are written in order on their own connection (not the run's
 * transaction), so they stay visible even when the run rolls back.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { uuidv7 } from '../common/ids.js';
import { LogLevel, type SyncRunStatus } from '../entities/index.js';
import { notifyEvent } from '../events/notify.js';
import { Topic } from '../events/pg-pubsub.js';
import type { SyncLog } from '../integrations/connector.js';

/** Beyond this many lines a run's log says so once and keeps only errors. */
export const MAX_LOG_LINES = 2000;

export class SyncRunLog implements SyncLog {
  private seq: number;
  private chain: Promise<void> = Promise.resolve();
  private written = 0;
  /** @param em an EntityManager outside any transaction (e.g. `orm.em.fork()`): each line commits at once. */
  constructor(
    private readonly em: EntityManager,
    readonly runId: string,
    private readonly logger: Logger,
    startSeq = 0,
  ) {
    this.seq = startSeq;
  }

  /** The next seq after a run's existing lines (a confirmed run continues its log). */
  static async lastSeq(em: EntityManager, runId: string): Promise<number> {
    const [row]: Array<{ seq: number | null }> = await em.execute(
      'select max(seq) as seq from sync_log_entry where run_id = ?',
      [runId],
    );
    return row?.seq ?? 0;
  }

  info(message: string, data?: Record<string, unknown>): void {
    this.line(LogLevel.INFO, message, data);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.line(LogLevel.WARN, message, data);
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.line(LogLevel.ERROR, message, data);
  }
  /** Debug lines go to the process log only (a 10,000-member run would drown the run's log). */
  debug(message: string, data?: Record<string, unknown>): void {
    this.logger.debug({ runId: this.runId, ...data }, message);
  }

  /** A status change, published to subscribers (not a log line). */
  status(status: SyncRunStatus): void {
    this.enqueue(() =>
      notifyEvent(this.em, Topic.syncRunEvents, { runId: this.runId, status, at: new Date().toISOString() }),
    );
  }

  /** Waits until every line so far is stored and published. */
  flush(): Promise<void> {
    return this.chain;
  }

  private line(level: LogLevel, message: string, data?: Record<string, unknown>): void {
    this.logger[level === LogLevel.ERROR ? 'error' : level === LogLevel.WARN ? 'warn' : 'info'](
      { runId: this.runId, ...data },
      message,
    );
    this.written++;
    if (this.written > MAX_LOG_LINES && level !== LogLevel.ERROR) {
      if (this.written === MAX_LOG_LINES + 1)
        this.store(
          LogLevel.WARN,
          `More than ${MAX_LOG_LINES} log lines: further lines are in the server log`,
        );
      return;
    }
    this.store(level, message, data);
  }

  private store(level: LogLevel, message: string, data?: Record<string, unknown>): void {
    const seq = ++this.seq;
    const text = message.slice(0, 2000);
    this.enqueue(async () => {
      const at = new Date().toISOString();
      await this.em.execute(
        'insert into sync_log_entry (id, run_id, seq, level, message, data) values (?, ?, ?, ?, ?, ?)',
        [uuidv7(), this.runId, seq, level, text, data ? JSON.stringify(data) : null],
      );
      await notifyEvent(this.em, Topic.syncRunEvents, { runId: this.runId, seq, level, message: text, at });
    });
  }

  private enqueue(fn: () => Promise<unknown>): void {
    this.chain = this.chain.then(fn).then(
      () => undefined,
      (err: unknown) =>
        this.logger.error({ runId: this.runId, err: (err as Error).message }, 'sync log write failed'),
    );
  }
}

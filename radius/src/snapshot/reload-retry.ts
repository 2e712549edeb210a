import type { Logger } from 'pino';

export interface ReloadRetryOptions {
  /** Wait before the first retry; doubles after each further failure. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RELOAD_RETRY: ReloadRetryOptions = { initialDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * A full snapshot reload (after the LISTEN connection came back) that is retried until it succeeds:
 * the database is often still flaky right after a reconnect, and NOTIFYs missed meanwhile are only
 * picked up by a full reload. The current snapshot keeps serving in the meantime.
 */
export class ReloadRetry {
  /** Failed attempts since the last success (0: the last reload succeeded). */
  consecutiveFailures = 0;
  private delayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly attempt: () => Promise<void>,
    private readonly logger: Logger,
    private readonly options: ReloadRetryOptions = DEFAULT_RELOAD_RETRY,
  ) {
    this.delayMs = options.initialDelayMs;
  }

  /** A retry is waiting for its turn. */
  get retrying(): boolean {
    return this.timer !== null;
  }

  /** Reloads now (a waiting retry is replaced); on failure schedules the next try. */
  async run(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      await this.attempt();
      this.consecutiveFailures = 0;
      this.delayMs = this.options.initialDelayMs;
      return true;
    } catch (err) {
      this.consecutiveFailures++;
      const retryInMs = this.delayMs;
      this.delayMs = Math.min(this.options.maxDelayMs, this.delayMs * 2);
      // The message only: a pg error's other fields can carry the connection string's parts.
      this.logger.warn(
        { err: (err as Error).message, failures: this.consecutiveFailures, retryInMs },
        'snapshot reload failed; retrying',
      );
      if (!this.stopped && !this.timer) {
        this.timer = setTimeout(() => void this.run(), retryInMs);
        this.timer.unref();
      }
      return false;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

import pg from 'pg';
import type { Logger } from '../common/logger.js';

type Handler = (payload: string) => void;

export interface PgListenerOptions {
  /** First retry delay after the connection is lost; doubles per failed attempt. */
  minDelayMs?: number;
  /** Upper bound of the retry delay. */
  maxDelayMs?: number;
}

/**
 * One dedicated connection that LISTENs on a few channels. When the connection drops it enters a
 * "reconnecting" state that retries with capped exponential backoff (with jitter) until it is
 * connected again or stopped — never giving up — then LISTENs on every channel again and calls the
 * `onReconnect` handlers, so caches reload everything they may have missed meanwhile.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private stopped = false;
  private reconnecting = false;
  /** Wakes the reconnect loop from its backoff sleep (used by stop()). */
  private wake: (() => void) | null = null;
  /** Clients whose connection has ended or failed; such a client is never (again) current. */
  private readonly dead = new WeakSet<pg.Client>();
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
    options: PgListenerOptions = {},
  ) {
    this.minDelayMs = options.minDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
  }

  /** Connects and LISTENs; throws if the first connection fails. */
  async start(): Promise<void> {
    this.stopped = false;
    const client = await this.open();
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.adopt(client);
  }

  /** True while a connection is up (false while reconnecting or stopped). */
  get connected(): boolean {
    return this.client !== null;
  }

  on(channel: string, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      // While reconnecting there is no client: the next connection LISTENs on every channel.
      void this.client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    }
    set.add(handler);
    return () => set!.delete(handler);
  }

  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** A new connection with every channel LISTENed; ends it again if any step fails. */
  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'lanyard-listener',
    });
    client.on('notification', (msg) => {
      for (const h of this.handlers.get(msg.channel) ?? []) {
        try {
          h(msg.payload ?? '');
        } catch (err) {
          this.logger.error({ err, channel: msg.channel }, 'notification handler failed');
        }
      }
    });
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'listener connection error');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      // Live iteration: a channel added while these run is LISTENed too.
      for (const channel of this.handlers.keys())
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      this.dead.add(client);
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  private adopt(client: pg.Client): void {
    this.client = client;
    // The connection may have died between the last LISTEN and now.
    if (this.dead.has(client)) this.lost(client);
  }

  /** The current connection ended or failed: drop it and reconnect. Stale clients are ignored. */
  private lost(client: pg.Client): void {
    this.dead.add(client);
    if (this.stopped || this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    let attempt = 0;
    try {
      while (!this.stopped) {
        const cap = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** Math.min(attempt, 20));
        const delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
        attempt++;
        await this.sleep(delay);
        if (this.stopped) return;
        let client: pg.Client;
        try {
          client = await this.open();
        } catch (err) {
          this.logger.warn({ err: (err as Error).message, attempt, delay }, 'listener reconnect failed');
          continue;
        }
        if (this.stopped) {
          await client.end().catch(() => undefined);
          return;
        }
        if (this.dead.has(client)) continue; // lost again before we could use it
        this.client = client;
        this.logger.info({ attempts: attempt }, 'listener reconnected');
        for (const h of this.reconnectHandlers) {
          try {
            h();
          } catch (err) {
            this.logger.error({ err }, 'reconnect handler failed');
          }
        }
        return;
      }
    } finally {
      this.reconnecting = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

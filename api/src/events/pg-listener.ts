import pg from 'pg';
import type { Logger } from '../common/logger.js';

type Handler = (payload: string) => void;

/**
 * One dedicated connection that LISTENs on a few channels and reconnects with backoff when the
 * connection drops. `onReconnect` lets caches reload everything they may have missed meanwhile.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private stopped = false;
  private connecting: Promise<void> | null = null;
  private attempt = 0;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  on(channel: string, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
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
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
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
        this.scheduleReconnect(client);
      });
      client.on('end', () => this.scheduleReconnect(client));
      await client.connect();
      for (const channel of this.handlers.keys())
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      this.client = client;
      const wasReconnect = this.attempt > 0;
      this.attempt = 0;
      if (wasReconnect) for (const h of this.reconnectHandlers) h();
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private scheduleReconnect(client: pg.Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    const delay = Math.min(30_000, 250 * 2 ** this.attempt++);
    setTimeout(() => {
      if (this.stopped) return;
      this.connect().catch((err) => {
        this.logger.warn({ err: (err as Error).message, delay }, 'listener reconnect failed');
        this.attempt++;
        this.scheduleReconnect(this.client ?? client);
      });
    }, delay).unref();
  }
}

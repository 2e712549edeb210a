import pg from 'pg';
import type { Logger } from 'pino';

/**
 * One revoker across every worker and host: whoever holds a Postgres advisory lock on a dedicated
 * connection. Losing the connection loses the lock (Postgres releases it), and another takes over.
 */
export class LeaderElection {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  leader = false;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
    private readonly onChange: (leader: boolean) => void,
    private readonly key = 'lanyard:radius-revoker',
  ) {}

  async start(): Promise<void> {
    await this.attempt();
    this.timer = setInterval(() => void this.attempt(), 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.set(false);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    if (this.leader) {
      // Still holding it? A dead connection means Postgres released the lock: step down.
      const client = this.client;
      await client?.query('select 1').catch(() => client && this.lost(client));
      return;
    }
    try {
      if (!this.client) {
        const client = new pg.Client({
          connectionString: this.connectionString,
          application_name: 'lanyard-radius-leader',
          keepAlive: true,
          query_timeout: 5000,
        });
        client.on('error', () => this.lost(client));
        client.on('end', () => this.lost(client));
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtext($1)) as ok',
        [this.key],
      );
      if (rows[0]?.ok) this.set(true);
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'leader election attempt failed');
      const c = this.client;
      this.client = null;
      await c?.end().catch(() => undefined);
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.set(false);
  }

  private set(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    this.logger.info({ leader }, leader ? 'this worker sends Disconnect-Requests' : 'no longer the revoker');
    this.onChange(leader);
  }
}

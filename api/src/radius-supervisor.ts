import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/config.js';
import type { Logger } from './common/logger.js';
import { radiusWorkerExecArgv } from './common/radius-node-flags.js';

/**
 * Runs the RADIUS worker (radius/dist/main.js) next to the API, as `npm start` promises, and
 * restarts it if it dies. The worker is its own process so it can also run alone, N times.
 */
export class RadiusSupervisor {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts: number[] = [];
  private readonly entry = fileURLToPath(new URL('../../radius/dist/main.js', import.meta.url));

  constructor(
    private readonly config: Config,
    private readonly env: { databaseUrl: string; secretKeyHex: string; metricsPort: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!existsSync(this.entry)) {
      this.logger.warn({ entry: this.entry }, 'RADIUS worker is not built (npm run build): not starting it');
      return;
    }
    const child = spawn(process.execPath, [...radiusWorkerExecArgv(['--enable-source-maps']), this.entry], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: this.env.databaseUrl,
        LANYARD_SECRET_KEY: this.env.secretKeyHex,
        RADIUS_AUTH_PORT: String(this.config.radiusAuthPort),
        RADIUS_ACCT_PORT: String(this.config.radiusAcctPort),
        RADIUS_METRICS_PORT: String(this.env.metricsPort),
        LANYARD_DATA_DIR: this.config.dataDir,
        LOG_LEVEL: this.config.logLevel,
      },
    });
    this.child = child;
    child.on('exit', (code, signal) => {
      this.child = null;
      if (this.stopping) return;
      const now = Date.now();
      this.restarts = [...this.restarts.filter((t) => now - t < 60_000), now];
      if (this.restarts.length > 5) {
        this.logger.error({ code, signal }, 'RADIUS worker keeps failing: giving up (see its log above)');
        return;
      }
      this.logger.warn({ code, signal }, 'RADIUS worker exited; restarting');
      setTimeout(() => this.start(), 1000).unref();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', (code, signal) => {
        clearTimeout(force);
        // A worker that crashed while stopping may have left its own children behind.
        if (code !== 0) this.logger.warn({ code, signal }, 'RADIUS worker did not stop cleanly');
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

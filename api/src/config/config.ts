import { isIP } from 'node:net';

/**
 * The one typed configuration object. Every environment variable Lanyard reads is parsed here, and
 * every problem is reported at once so an operator can fix them all in one go.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  /** Unset: an embedded PostgreSQL under `dataDir` is started. */
  databaseUrl: string | null;
  port: number;
  host: string;
  publicUrl: string;
  /** 32-byte key as 64 hex chars; null only in embedded mode, where it is generated under `dataDir`. */
  secretKeyHex: string | null;
  /** smtp:// or smtps:// URL; null: mail is kept in the outbox as CAPTURED (admin app, log). */
  smtpUrl: string | null;
  mail: {
    /** From header of every mail. */
    from: string;
    /** Delivery attempts before a message is FAILED. */
    maxAttempts: number;
    /** First retry delay; doubles on every further attempt. */
    retryDelaySeconds: number;
  };
  radiusAuthPort: number;
  radiusAcctPort: number;
  /** Local port of the RADIUS worker's /metrics and /healthz (merged into the API's /metrics). */
  radiusMetricsPort: number;
  logLevel: LogLevel;
  production: boolean;
  dataDir: string;
  graphql: { introspection: boolean; maxDepth: number; maxCost: number; exposeInternalErrors: boolean };
  /** How long an admin session (cookie or Bearer token) lives. */
  sessionTtlHours: number;
  /** Days kept by the daily cleanup: auth events, and accounting sessions once stopped. */
  retention: { authEventDays: number; radiusSessionDays: number };
  /**
   * Express `trust proxy`: the peers whose X-Forwarded-For names the client (per-IP rate limits,
   * audit): a hop count, or addresses, CIDRs and the names loopback, linklocal, uniquelocal.
   */
  trustProxy: number | string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === null) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const production = str('NODE_ENV') === 'production';
  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const port = int('PORT', 4000, 0, 65535);
  const host = str('HOST') ?? '0.0.0.0';
  const publicUrlRaw = str('PUBLIC_URL') ?? `http://localhost:${port}`;
  let publicUrl = publicUrlRaw.replace(/\/+$/, '');
  try {
    const u = new URL(publicUrlRaw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    problems.push(`PUBLIC_URL must be an absolute http(s) URL (got "${publicUrlRaw}")`);
    publicUrl = `http://localhost:${port}`;
  }

  const secretKeyHex = str('LANYARD_SECRET_KEY');
  if (secretKeyHex !== null && !/^[0-9a-fA-F]{64}$/.test(secretKeyHex)) {
    problems.push(
      'LANYARD_SECRET_KEY must be 64 hex characters (32 bytes): create one with `openssl rand -hex 32`',
    );
  }
  if (secretKeyHex === null && databaseUrl !== null) {
    problems.push(
      'LANYARD_SECRET_KEY is required when DATABASE_URL is set (every replica must share it): `openssl rand -hex 32`',
    );
  }

  const smtpUrl = str('SMTP_URL');
  if (smtpUrl !== null && !isSmtpUrl(smtpUrl)) {
    // The value may hold a password: never echoed.
    problems.push('SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465');
  }
  const mailFrom = str('MAIL_FROM') ?? `Lanyard <no-reply@${hostnameOf(publicUrl)}>`;
  if (/[\r\n]/.test(mailFrom) || !/@/.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address like "Lanyard <wifi@example.com>" (got "${mailFrom}")`);
  }

  const logLevelRaw = (str('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevelRaw as LogLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelRaw}")`);
  }

  const trustProxy = parseTrustProxy(str('TRUST_PROXY'), problems);

  const config: Config = {
    databaseUrl,
    port,
    host,
    publicUrl,
    secretKeyHex: secretKeyHex?.toLowerCase() ?? null,
    smtpUrl,
    mail: {
      from: mailFrom,
      maxAttempts: int('MAIL_MAX_ATTEMPTS', 5, 1, 20),
      retryDelaySeconds: int('MAIL_RETRY_DELAY_SECONDS', 30, 1, 3600),
    },
    radiusAuthPort: int('RADIUS_AUTH_PORT', 1812, 0, 65535),
    radiusAcctPort: int('RADIUS_ACCT_PORT', 1813, 0, 65535),
    radiusMetricsPort: int('RADIUS_METRICS_PORT', 9812, 1, 65535),
    logLevel: LOG_LEVELS.includes(logLevelRaw as LogLevel) ? (logLevelRaw as LogLevel) : 'info',
    production,
    dataDir: str('LANYARD_DATA_DIR') ?? `${cwd}/.lanyard`,
    graphql: {
      introspection: bool('GRAPHQL_INTROSPECTION', !production),
      maxDepth: int('GRAPHQL_MAX_DEPTH', 10, 2, 100),
      maxCost: int('GRAPHQL_MAX_COST', 5000, 10, 1_000_000),
      exposeInternalErrors: bool('LANYARD_DEBUG_ERRORS', false),
    },
    sessionTtlHours: int('SESSION_TTL_HOURS', 12, 1, 24 * 90),
    retention: {
      authEventDays: int('AUTH_EVENT_RETENTION_DAYS', 90, 1, 3650),
      radiusSessionDays: int('RADIUS_SESSION_RETENTION_DAYS', 400, 1, 3650),
    },
    trustProxy,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const PROXY_SUBNET_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function parseTrustProxy(raw: string | null, problems: string[]): number | string[] {
  if (raw === null) return ['loopback'];
  if (/^\d+$/.test(raw) && Number(raw) <= 20) return Number(raw);
  if (/^(true|yes|on|all|\*)$/i.test(raw)) {
    problems.push(
      `TRUST_PROXY=${raw} would let every client choose its own address (and dodge the per-IP limits): ` +
        'give the number of proxies in front of Lanyard or their addresses',
    );
    return ['loopback'];
  }
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isProxyEntry(e));
  if (bad.length > 0) {
    problems.push(
      `TRUST_PROXY must be a hop count (0-20) or a comma list of IP addresses, CIDRs (10.0.0.0/8) and ` +
        `${PROXY_SUBNET_NAMES.join(', ')} (cannot read ${bad.map((e) => `"${e}"`).join(', ')})`,
    );
    return ['loopback'];
  }
  return entries.map((e) => (PROXY_SUBNET_NAMES.includes(e.toLowerCase()) ? e.toLowerCase() : e));
}

function isProxyEntry(entry: string): boolean {
  if (PROXY_SUBNET_NAMES.includes(entry.toLowerCase())) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

function isSmtpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

import { availableParallelism } from 'node:os';
import { readConfiguredCertificate, type EapCertificateFiles } from './eap/server-certificate.js';

export interface EapConfig {
  /** The operator's certificate files; null = generate a CA and server certificate under dataDir/eap. */
  certificate: EapCertificateFiles | null;
  /** Name in a generated server certificate (devices may pin it), and MSCHAPv2's server name. */
  serverName: string;
  /** Most TLS bytes per EAP packet (lowered to fit Framed-MTU). */
  fragmentSize: number;
  /** EAP conversations held at once per worker process. */
  maxSessions: number;
  idleSeconds: number;
}

/** The RADIUS worker's configuration, validated at start with every problem listed at once. */
export interface RadiusConfig {
  databaseUrl: string;
  secretKeyHex: string;
  host: string;
  authPort: number;
  acctPort: number;
  /** Local HTTP port serving /metrics and /healthz (0 = random, -1 = off). */
  metricsPort: number;
  logLevel: string;
  /** Where accounting records wait (durably) while Postgres is unreachable. */
  journalDir: string;
  /** Cap for Session-Timeout in replies. */
  maxSessionTimeoutSeconds: number;
  acctInterimIntervalSeconds: number;
  /** Processes answering on the shared UDP ports (default: one per core). */
  workers: number;
  /** Identical decisions within this many seconds are one auth event row with a repeat count (0: off). */
  authEventRepeatWindowSeconds: number;
  /** LANYARD_DATA_DIR (default ./.lanyard): the generated EAP certificate lives under it. */
  dataDir: string;
  eap: EapConfig;
}

export class RadiusConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid RADIUS configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadRadiusConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): RadiusConfig {
  const problems: string[] = [];
  const str = (k: string) => (env[k]?.trim() ? env[k]!.trim() : null);
  const int = (k: string, fallback: number, min: number, max: number) => {
    const raw = str(k);
    if (raw === null) return fallback;
    if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${k} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const databaseUrl = str('DATABASE_URL');
  if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl))
    problems.push('DATABASE_URL must be a postgres:// URL');
  const secretKeyHex = str('LANYARD_SECRET_KEY');
  if (!secretKeyHex || !/^[0-9a-fA-F]{64}$/.test(secretKeyHex))
    problems.push('LANYARD_SECRET_KEY must be 64 hex characters');
  const dataDir = str('LANYARD_DATA_DIR') ?? `${cwd}/.lanyard`;
  const certFile = str('RADIUS_EAP_CERT_FILE');
  const keyFile = str('RADIUS_EAP_KEY_FILE');
  const chainFile = str('RADIUS_EAP_CHAIN_FILE');
  let certificate: EapCertificateFiles | null = null;
  if (certFile || keyFile || chainFile) {
    if (!certFile || !keyFile) {
      problems.push(
        'RADIUS_EAP_CERT_FILE and RADIUS_EAP_KEY_FILE go together (RADIUS_EAP_CHAIN_FILE needs both)',
      );
    } else {
      certificate = { certFile, keyFile, chainFile };
      const read = readConfiguredCertificate(certificate);
      if ('problems' in read) problems.push(...read.problems);
    }
  }
  let serverName = str('RADIUS_EAP_SERVER_NAME');
  if (serverName === null) {
    try {
      serverName = new URL(str('PUBLIC_URL') ?? 'http://radius.lanyard.local').hostname;
    } catch {
      serverName = 'radius.lanyard.local';
    }
    if (!/[a-z]/i.test(serverName) || serverName === 'localhost') serverName = 'radius.lanyard.local';
  } else if (
    !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(
      serverName,
    )
  ) {
    problems.push(`RADIUS_EAP_SERVER_NAME must be a DNS name (got "${serverName}")`);
  }
  const config: RadiusConfig = {
    databaseUrl: databaseUrl ?? '',
    secretKeyHex: (secretKeyHex ?? '').toLowerCase(),
    host: str('RADIUS_HOST') ?? '0.0.0.0',
    authPort: int('RADIUS_AUTH_PORT', 1812, 0, 65535),
    acctPort: int('RADIUS_ACCT_PORT', 1813, 0, 65535),
    metricsPort: int('RADIUS_METRICS_PORT', 9812, -1, 65535),
    logLevel: (str('LOG_LEVEL') ?? 'info').toLowerCase(),
    journalDir: str('RADIUS_JOURNAL_DIR') ?? `${dataDir}/radius-journal`,
    maxSessionTimeoutSeconds: int('RADIUS_MAX_SESSION_TIMEOUT', 86_400, 60, 7 * 86_400),
    acctInterimIntervalSeconds: int('RADIUS_ACCT_INTERIM_INTERVAL', 600, 60, 86_400),
    workers: int('RADIUS_WORKERS', availableParallelism(), 1, 64),
    authEventRepeatWindowSeconds: int('RADIUS_AUTH_EVENT_REPEAT_WINDOW', 60, 0, 3600),
    dataDir,
    eap: {
      certificate,
      serverName,
      fragmentSize: int('RADIUS_EAP_FRAGMENT_SIZE', 1024, 256, 3000),
      maxSessions: int('RADIUS_EAP_MAX_SESSIONS', 1000, 1, 100_000),
      idleSeconds: int('RADIUS_EAP_IDLE_SECONDS', 60, 5, 600),
    },
  };
  if (problems.length) throw new RadiusConfigError(problems);
  return config;
}

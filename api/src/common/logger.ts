import { pino, type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them with "[redacted]" wherever they appear. */
const REDACT = [
  'password',
  'passphrase',
  'secret',
  'token',
  'key',
  'authorization',
  'cookie',
  '*.password',
  '*.passphrase',
  '*.secret',
  '*.token',
  '*.key',
  '*.clientSecret',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(level: string, name = 'lanyard'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}
export type { Logger };

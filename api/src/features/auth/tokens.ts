import { createHash, randomBytes } from 'node:crypto';

export const SESSION_PREFIX = 'lys_';
export const API_KEY_PREFIX = 'lyk_';

export const newToken = (prefix: string): string => prefix + randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

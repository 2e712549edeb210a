import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor.js';
import { apiKeyPermissions, ROLE_PERMISSIONS } from '../../auth/permissions.js';
import type { SecretBox } from '../../common/crypto/secret-box.js';
import { DomainError, ErrorCode, Problems } from '../../common/errors.js';
import { isEmail } from '../../common/validation.js';
import type { RateLimiter } from '../../common/rate-limiter.js';
import type { Tx } from '../../common/tx.js';
import { ActorType, AdminRole, AdminSession, AdminUser, ApiKey } from '../../entities/index.js';
import { burnPasswordCheck, hashPassword, validateAdminPassword, verifyPassword } from './password.js';
import { API_KEY_PREFIX, hashToken, newToken, SESSION_PREFIX } from './tokens.js';

/** Failed sign-ins allowed per 15 minutes, per email and per client address. */
const LOGIN_PER_EMAIL = { limit: 10, windowSeconds: 900 };
const LOGIN_PER_IP = { limit: 50, windowSeconds: 900 };

export interface IssuedSession {
  admin: AdminUser;
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export class AuthService {
  constructor(
    private readonly secrets: SecretBox,
    private readonly sessionTtlHours: number,
    private readonly limiter: RateLimiter,
  ) {}

  /** Creates the OWNER. Allowed only while no admin exists; an advisory lock closes the race. */
  async setupFirstAdmin(
    tx: Tx,
    input: { email: string; password: string },
    meta: SessionMeta,
  ): Promise<IssuedSession> {
    await tx.em.execute('select pg_advisory_xact_lock(hashtext(?))', ['lanyard:setup-first-admin']);
    if ((await tx.em.count(AdminUser, {})) > 0) {
      throw new DomainError(ErrorCode.SETUP_ALREADY_DONE, 'Lanyard is already set up: sign in instead');
    }
    validateAdminInput(input);
    const admin = tx.em.create(AdminUser, {
      email: input.email.trim(),
      emailNormalized: input.email.trim().toLowerCase(),
      passwordHash: await hashPassword(input.password),
      role: AdminRole.OWNER,
    });
    await tx.em.flush();
    return this.issueSession(tx.em, admin, meta);
  }

  async login(tx: Tx, input: { email: string; password: string }, meta: SessionMeta): Promise<IssuedSession> {
    const email = input.email.trim().toLowerCase();
    const ip = meta.ip ?? 'unknown';
    if (
      (await this.limiter.isLimited('login-email', email, LOGIN_PER_EMAIL)) ||
      (await this.limiter.isLimited('login-ip', ip, LOGIN_PER_IP))
    ) {
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        'Too many failed sign-ins: wait 15 minutes and try again',
        {
          retryAfterSeconds: LOGIN_PER_EMAIL.windowSeconds,
        },
      );
    }
    const admin = await tx.em.findOne(AdminUser, { emailNormalized: email }, { populate: ['passwordHash'] });
    const valid =
      admin && !admin.disabledAt ? await verifyPassword(admin.passwordHash, input.password) : false;
    if (!admin || admin.disabledAt) await burnPasswordCheck(input.password);
    if (!valid || !admin) {
      // Counted on the limiter's own connection: this transaction is about to roll back.
      await this.limiter.hit('login-email', email, LOGIN_PER_EMAIL);
      await this.limiter.hit('login-ip', ip, LOGIN_PER_IP);
      throw new DomainError(ErrorCode.INVALID_CREDENTIALS, 'Wrong email or password');
    }
    await this.limiter.reset('login-email', email);
    admin.lastLoginAt = new Date();
    return this.issueSession(tx.em, admin, meta);
  }

  async logout(tx: Tx): Promise<boolean> {
    if (tx.actor.type === ActorType.ADMIN && tx.actor.sessionId) {
      await tx.em.nativeDelete(AdminSession, { id: tx.actor.sessionId });
      return true;
    }
    return false;
  }

  csrfTokenFor(sessionToken: string): string {
    return this.secrets.fingerprint(sessionToken, 'csrf').slice(0, 43);
  }

  /** Bearer token or session cookie → who is calling; null when the token is unknown or expired. */
  async resolveToken(em: EntityManager, token: string): Promise<Actor | null> {
    if (token.startsWith(SESSION_PREFIX)) {
      const session = await em.findOne(
        AdminSession,
        { tokenHash: hashToken(token) },
        { populate: ['admin', 'admin.locations'] },
      );
      if (!session || session.expiresAt <= new Date() || session.admin.disabledAt) return null;
      const now = Date.now();
      if (!session.lastUsedAt || now - session.lastUsedAt.getTime() > 60_000) {
        await em.nativeUpdate(AdminSession, { id: session.id }, { lastUsedAt: new Date(now) });
      }
      const admin = session.admin;
      return {
        type: ActorType.ADMIN,
        adminId: admin.id,
        apiKeyId: null,
        role: admin.role,
        label: admin.email,
        permissions: ROLE_PERMISSIONS[admin.role],
        locationIds: scopedLocations(admin),
        sessionId: session.id,
      };
    }
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = await em.findOne(
        ApiKey,
        { keyHash: hashToken(token) },
        { populate: ['createdBy', 'createdBy.locations'] },
      );
      if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date()) || key.createdBy.disabledAt)
        return null;
      const now = Date.now();
      if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > 60_000) {
        await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: new Date(now) });
      }
      return {
        type: ActorType.API_KEY,
        adminId: key.createdBy.id,
        apiKeyId: key.id,
        role: key.createdBy.role,
        label: `api-key:${key.name}`,
        permissions: apiKeyPermissions(key.scopes, key.createdBy.role),
        locationIds: scopedLocations(key.createdBy),
        sessionId: null,
      };
    }
    return null;
  }

  private async issueSession(em: EntityManager, admin: AdminUser, meta: SessionMeta): Promise<IssuedSession> {
    const token = newToken(SESSION_PREFIX);
    const expiresAt = new Date(Date.now() + this.sessionTtlHours * 3600_000);
    em.create(AdminSession, {
      admin,
      tokenHash: hashToken(token),
      expiresAt,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await em.flush();
    return { admin, token, csrfToken: this.csrfTokenFor(token), expiresAt };
  }
}

export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
}

export function scopedLocations(admin: AdminUser): string[] | null {
  return admin.role === AdminRole.LOCATION_MANAGER ? admin.locations.getItems().map((l) => l.id) : null;
}

export function validateAdminInput(input: { email: string; password: string }): void {
  const p = new Problems();
  if (!isEmail(input.email.trim())) p.add('email', 'INVALID_EMAIL', 'is not an email address');
  const pw = validateAdminPassword(input.password);
  if (pw) p.add('password', 'WEAK_PASSWORD', pw);
  p.throwIfAny();
}

export { hashPassword };

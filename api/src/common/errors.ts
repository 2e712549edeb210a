/**
 * Domain errors carry a stable code. The GraphQL layer maps them to `extensions.code` in one place
 * (graphql/format-error.ts); clients and tests rely on codes, never on message text.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  SETUP_ALREADY_DONE: 'SETUP_ALREADY_DONE',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  CSRF_CHECK_FAILED: 'CSRF_CHECK_FAILED',
  RATE_LIMITED: 'RATE_LIMITED',
  CONFLICT: 'CONFLICT',
  PASSPHRASE_INVALID: 'PASSPHRASE_INVALID',
  PASSPHRASE_IN_USE: 'PASSPHRASE_IN_USE',
  VLAN_POOL_EXHAUSTED: 'VLAN_POOL_EXHAUSTED',
  MAGIC_LINK_INVALID: 'MAGIC_LINK_INVALID',
  MAGIC_LINK_EXPIRED: 'MAGIC_LINK_EXPIRED',
  MAGIC_LINK_USED: 'MAGIC_LINK_USED',
  DEVICE_LIMIT_REACHED: 'DEVICE_LIMIT_REACHED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { problems?: FieldProblem[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError(ErrorCode.NOT_FOUND, `${what} ${id} was not found`, { entity: what, id });

export const forbidden = (message = 'You are not allowed to do this'): DomainError =>
  new DomainError(ErrorCode.FORBIDDEN, message);

/** Collects field problems and throws them together as one VALIDATION_FAILED error. */
export class Problems {
  private readonly list: FieldProblem[] = [];
  add(field: string, code: string, message: string): this {
    this.list.push({ field, code, message });
    return this;
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const summary = this.list.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid input: ${summary}`, { problems: this.list });
  }
}

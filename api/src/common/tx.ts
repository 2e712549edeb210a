import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor.js';

/**
 * What a service method gets: the transaction's EntityManager, who is acting, and a place to put
 * work that must only happen once the transaction has committed (queueing jobs, sending mail).
 */
export interface Tx {
  em: EntityManager;
  actor: Actor;
  ip: string | null;
  afterCommit(fn: () => Promise<unknown> | unknown): void;
}

/** Runs `fn` in a transaction and then the after-commit hooks (their failures are logged, not thrown). */
export async function inTransaction<T>(
  em: EntityManager,
  actor: Actor,
  fn: (tx: Tx) => Promise<T>,
  opts: { ip?: string | null; onHookError?: (err: unknown) => void } = {},
): Promise<T> {
  const hooks: Array<() => Promise<unknown> | unknown> = [];
  const result = await em
    .fork()
    .transactional(async (tem) =>
      fn({ em: tem as EntityManager, actor, ip: opts.ip ?? null, afterCommit: (h) => hooks.push(h) }),
    );
  await runHooks(hooks, opts.onHookError);
  return result;
}

export async function runHooks(
  hooks: Array<() => Promise<unknown> | unknown>,
  onError?: (err: unknown) => void,
): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (err) {
      onError?.(err);
    }
  }
}

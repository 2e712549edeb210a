import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode } from './errors.js';
import { isUuid } from './ids.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `first must be 0–${MAX_PAGE_SIZE}`, {
      problems: [{ field: 'first', code: 'INVALID_PAGE_SIZE', message: `must be 0–${MAX_PAGE_SIZE}` }],
    });
  }
  return first;
}

/** Cursors are opaque to clients; inside they are the (time-ordered) id of the last row seen. */
export const encodeCursor = (id: string): string => Buffer.from(`c:${id}`).toString('base64url');

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (!cursor) return null;
  const raw = Buffer.from(cursor, 'base64url').toString();
  const id = raw.startsWith('c:') ? raw.slice(2) : '';
  if (!isUuid(id)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'after is not a cursor returned by this API', {
      problems: [{ field: 'after', code: 'INVALID_CURSOR', message: 'unknown cursor' }],
    });
  }
  return id;
}

/**
 * Keyset pagination over time-ordered ids: one query for the page (+1 row to know if there is
 * more) and one count, whatever the page.
 */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  opts: { first?: number | null; after?: string | null; order?: 'asc' | 'desc' },
): Promise<Page<T>> {
  const size = pageSize(opts.first);
  const cursor = decodeCursor(opts.after);
  const order = opts.order ?? 'asc';
  const keyset = cursor
    ? ({ id: order === 'asc' ? { $gt: cursor } : { $lt: cursor } } as unknown as FilterQuery<T>)
    : null;
  const [items, totalCount] = await Promise.all([
    em.find(entity, keyset ? ({ $and: [where, keyset] } as unknown as FilterQuery<T>) : where, {
      orderBy: { id: order } as never,
      limit: size + 1,
    }),
    em.count(entity, where),
  ]);
  const nodes = items.slice(0, size) as T[];
  return {
    nodes,
    totalCount,
    hasNextPage: items.length > size,
    hasPreviousPage: cursor !== null,
    startCursor: nodes[0] ? encodeCursor(nodes[0].id) : null,
    endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : null,
  };
}

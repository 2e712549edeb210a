import type { EntityManager } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';

/**
 * pg-boss's `db` option over a MikroORM EntityManager, so a job is inserted in the caller's
 * transaction (it becomes visible only on commit, and disappears on rollback). pg-boss writes `$n`
 * placeholders; the EntityManager binds `?` ones, in order of appearance.
 */
export function transactionalDb(em: EntityManager): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const bindings: unknown[] = [];
      const sql = text.replace(/\$(\d+)/g, (_m, n: string) => {
        bindings.push(bindable(values[Number(n) - 1]));
        return '?';
      });
      const rows = (await em.execute(sql, bindings)) as unknown[];
      return { rows: Array.isArray(rows) ? rows : [] };
    },
  };
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

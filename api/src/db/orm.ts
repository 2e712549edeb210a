import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { DataloaderType, defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { ALL_ENTITIES } from '../entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export function ormOptions(clientUrl: string, extra: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities: ALL_ENTITIES,
    discovery: { requireEntitiesArray: true, disableDynamicFileAccess: true },
    extensions: [Migrator],
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    forceUtcTimezone: true,
    // Collection.load() / Reference.load() calls made in the same tick are batched into one query,
    // so a page of 50 members costs a fixed number of statements, not 50 per nested field.
    dataloader: DataloaderType.ALL,
    allowGlobalContext: false,
    pool: { min: 0, max: 10 },
    debug: false,
    ...extra,
  });
}

export async function initOrm(clientUrl: string, extra: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl, extra));
}

/** Applies pending migrations (never schema auto-sync). */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

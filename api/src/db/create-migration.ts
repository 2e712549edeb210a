/**
 * Writes a new migration with the difference between the entities and the migrated schema.
 * Usage: DATABASE_URL=postgres://…/scratch npm run migration:create -w @lanyard/api [-- --initial]
 * Then add the class to migrations/index.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initOrm } from './orm.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must point at a scratch database');
  process.exit(1);
}
const here = dirname(fileURLToPath(import.meta.url));
const orm = await initOrm(url, {
  migrations: {
    path: join(here, 'migrations'),
    pathTs: join(here, 'migrations'),
    emit: 'ts',
    glob: 'migration-*.{js,ts}',
    snapshot: false,
    fileName: (ts, name) => `migration-${ts}${name ? `-${name}` : ''}`,
  },
});
const migrator = orm.getMigrator();
await migrator.up();
const initial = process.argv.includes('--initial');
const result = await migrator.createMigration(undefined, false, initial);
console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
await orm.close(true);

import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124044020 } from './migration-20261124044020.js';

/** Every migration, in order. Listed explicitly so no file system scan is needed at runtime. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'migration-20261124044020', class: Migration20261124044020 },
];

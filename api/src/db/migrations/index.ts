import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124044020 } from './migration-20261124044020.js';
import { Migration20261124050417 } from './migration-20261124050417.js';
import { Migration20261124051334 } from './migration-20261124051334.js';
import { Migration20261124052130 } from './migration-20261124052130.js';
import { Migration20261124072340 } from './migration-20261124072340.js';
import { Migration20261124072958 } from './migration-20261124072958.js';
import { Migration20261124073519 } from './migration-20261124073519.js';
import { Migration20261124083850 } from './migration-20261124083850.js';
import { Migration20261124094721 } from './migration-20261124094721.js';
import { Migration20261124094954 } from './migration-20261124094954.js';
import { Migration20261124131806 } from './migration-20261124131806.js';

/** Every migration, in order. Listed explicitly so no file system scan is needed at runtime. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'migration-20261124044020', class: Migration20261124044020 },
  { name: 'migration-20261124050417', class: Migration20261124050417 },
  { name: 'migration-20261124051334', class: Migration20261124051334 },
  { name: 'migration-20261124052130', class: Migration20261124052130 },
  { name: 'migration-20261124072340', class: Migration20261124072340 },
  { name: 'migration-20261124072958', class: Migration20261124072958 },
  { name: 'migration-20261124073519', class: Migration20261124073519 },
  { name: 'migration-20261124083850', class: Migration20261124083850 },
  { name: 'migration-20261124094721', class: Migration20261124094721 },
  { name: 'migration-20261124094954', class: Migration20261124094954 },
  { name: 'migration-20261124131806', class: Migration20261124131806 },
];

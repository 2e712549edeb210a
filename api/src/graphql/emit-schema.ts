/** Writes schema/schema.graphql from the resolvers (npm run schema:emit -w @lanyard/api). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchemaFile } from './print-schema.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '../../../schema/schema.graphql');
writeFileSync(target, await printSchemaFile());
console.log(`wrote ${target}`);

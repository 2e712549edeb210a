import 'reflect-metadata';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildLanyardSchema } from './schema.js';

const HEADER = '# Generated from the API by `npm run schema:emit -w @lanyard/api`. Do not edit.\n\n';

export async function printSchemaFile(): Promise<string> {
  return HEADER + printSchema(lexicographicSortSchema(await buildLanyardSchema())) + '\n';
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSchema, validate, type DocumentNode } from 'graphql';
import * as core from './graphql';
import * as integrations from './graphql-integrations';

const schema = buildSchema(
  readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8'),
);
const documents = Object.entries({ ...core, ...integrations }).filter(
  (e): e is [string, DocumentNode] =>
    !!e[1] && typeof e[1] === 'object' && (e[1] as { kind?: unknown }).kind === 'Document',
);

test('the app has operations to check', () => assert.ok(documents.length > 40));

for (const [name, doc] of documents)
  test(`${name} is valid against schema/schema.graphql`, () =>
    assert.deepEqual(
      validate(schema, doc).map((e) => e.message),
      [],
    ));

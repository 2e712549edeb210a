import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { printSchemaFile } from './print-schema.js';
import { buildLanyardSchema, PUBLIC_OPERATIONS } from './schema.js';

const committed = new URL('../../../schema/schema.graphql', import.meta.url);

describe('GraphQL contract', () => {
  it('schema/schema.graphql is up to date (run npm run schema:emit -w @lanyard/api)', async () => {
    assert.equal(readFileSync(committed, 'utf8'), await printSchemaFile());
  });

  it('every operation outside the public list requires authorization', async () => {
    await buildLanyardSchema();
    const storage = getMetadataStorage();
    const authorized = new Set(storage.authorizedFields.map((f) => `${f.target.name}.${f.fieldName}`));
    const operations = [...storage.queries, ...storage.mutations, ...storage.subscriptions];
    assert.ok(operations.length > 20);
    const unguarded = operations
      .filter((o) => !PUBLIC_OPERATIONS.has(o.methodName))
      .filter((o) => !authorized.has(`${o.target.name}.${o.methodName}`))
      .map((o) => o.methodName);
    assert.deepEqual(unguarded, []);
  });

  it('no field exposes a secret or its hash', () => {
    const schema = buildSchema(readFileSync(committed, 'utf8'));
    const leaks: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.keys(type.getFields())) {
        if (/Enc$|Hash$|fingerprint|password/i.test(field)) leaks.push(`${type.name}.${field}`);
      }
    }
    assert.deepEqual(leaks, []);
  });

  it('keeps the operation names of the public contract (design §4)', () => {
    const schema = buildSchema(readFileSync(committed, 'utf8'));
    const mutations = Object.keys(schema.getMutationType()!.getFields());
    const queries = Object.keys(schema.getQueryType()!.getFields());
    for (const name of [
      'setupFirstAdmin',
      'login',
      'createApiKey',
      'createLocation',
      'createNasClient',
      'createMember',
      'createAccessGrant',
      'revealMemberPassphrase',
      'rotateMemberPassphrase',
      'disableMember',
      'enableMember',
    ]) {
      assert.ok(mutations.includes(name), name);
    }
    for (const name of ['locations', 'members', 'member']) assert.ok(queries.includes(name), name);
    assert.ok(Object.keys(schema.getSubscriptionType()!.getFields()).includes('syncRunEvents'));
  });
});

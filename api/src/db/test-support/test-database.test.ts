import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from './test-database.js';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // terminated by drop()
  await client.connect();
  return client;
}

describe(`createTestDatabase (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'})`, () => {
  it('creates distinct, isolated databases and drops them', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      assert.notEqual(a.url, b.url);
      const ca = await connect(a.url);
      const cb = await connect(b.url);
      try {
        const [nameA, nameB] = await Promise.all([
          ca.query<{ db: string }>('SELECT current_database() AS db'),
          cb.query<{ db: string }>('SELECT current_database() AS db'),
        ]);
        assert.match(nameA.rows[0]!.db, /^lanyard_test_[0-9a-f]+$/);
        assert.match(nameB.rows[0]!.db, /^lanyard_test_[0-9a-f]+$/);
        assert.notEqual(nameA.rows[0]!.db, nameB.rows[0]!.db);

        await ca.query('CREATE TABLE only_in_a (n int)');
        await ca.query('INSERT INTO only_in_a VALUES (1)');
        const inB = await cb.query("SELECT to_regclass('public.only_in_a') AS t");
        assert.equal(inB.rows[0].t, null);
      } finally {
        await cb.end();
      }
      // `ca` stays connected: drop() must terminate it rather than fail.
      await a.drop();
      await a.drop();
      await assert.rejects(connect(a.url), (err: { code?: string }) => err.code === '3D000');
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
    await assert.rejects(connect(b.url), (err: { code?: string }) => err.code === '3D000');
  });
});

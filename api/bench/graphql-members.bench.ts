/**
 * GraphQL `members(first: 50)` over 10,000 members (design §6: p95 ≤ 30 ms, bounded SQL statements).
 * Anchor, measured in the same run: the same page read with one hand-written SQL query through pg,
 * the floor any API over this database can reach. Prints latency percentiles, the ratio to the
 * anchor and the SQL statements one request issues.
 *
 *   npm run bench -- graphql-members            (DATABASE_URL's server, or an embedded one)
 */
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { createTestDatabase } from '../src/db/test-support/test-database.js';
import { ok, startTestApi } from '../src/test-support/api-harness.js';
import { createLocation, setupOwner } from '../src/test-support/factories.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);

const QUERY = `query($after: String, $filter: MemberFilterInput) {
  members(first: 50, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id email fullName company status username roaming createdAt homeLocations { id name } groups { id name vlanId } } }
  }
}`;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const fmt = (n: number) => n.toFixed(2);

let statements = 0;
const db = await createTestDatabase();
const t = await startTestApi({ db });
// A second API process on the same database, with query logging on, only to count statements
// (logging costs time, so latency is measured on the first one).
let counting: Awaited<ReturnType<typeof startTestApi>> | null = null;
try {
  const owner = await setupOwner(t);
  const locA = await createLocation(t, owner);
  const locB = await createLocation(t, owner);
  const raw = new pg.Pool({ connectionString: db.url, max: 2 });
  const seedStart = performance.now();
  await raw.query(
    `insert into access_group (id, name, origin, location_id, vlan_id)
    select gen_random_uuid(), 'Team ' || g, 'TEAM', $1, 100 + g from generate_series(1, 40) g`,
    [locA.id],
  );
  await raw.query(
    `insert into member (id, email, email_normalized, full_name, company, username, status, roaming, passphrase_version)
     select gen_random_uuid(), 'm' || i || '@bench.example', 'm' || i || '@bench.example', 'Member ' || i, 'Company ' || (i % 300),
            'm' || i || '@bench.example', 'ACTIVE', false, 0
     from generate_series(1, $1::int) i`,
    [MEMBERS],
  );
  await raw.query(
    `insert into member_home_locations (member_id, location_id)
    select id, case when random() < 0.5 then $1::uuid else $2::uuid end from member`,
    [locA.id, locB.id],
  );
  await raw.query(`insert into member_groups (member_id, group_id)
    select m.id, (select id from access_group order by id offset (abs(hashtext(m.id::text)) % 40) limit 1) from member m`);
  await raw.query('analyze');
  console.log(`seeded ${MEMBERS} members in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // Cursors spread over the whole table, so pages come from everywhere, not just the first one.
  const cursors: Array<string | null> = [null];
  let after: string | null = null;
  for (let i = 0; i < 40; i++) {
    const page: any = ok(await t.gql(QUERY, { after }, { token: owner })).members;
    after = page.pageInfo.endCursor;
    if (i % 4 === 0) cursors.push(after);
  }

  counting = await startTestApi({
    db,
    secretKey: t.secretKey,
    orm: { debug: ['query'], logger: () => statements++ },
  });
  ok(await counting.gql(QUERY, { after: cursors[1] }, { token: owner }));
  statements = 0;
  ok(await counting.gql(QUERY, { after: cursors[3] }, { token: owner }));
  const perRequest = statements;
  statements = 0;
  ok(await counting.gql(QUERY, { after: cursors[5], filter: { search: 'Company 12' } }, { token: owner }));
  const perFilteredRequest = statements;
  await counting.stop();
  counting = null;

  // The measured API runs in its own process, like production; this process only generates load.
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/serve-api.ts'], {
    env: { ...process.env, DATABASE_URL: db.url, LANYARD_SECRET_KEY: t.secretKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const serverUrl: string = await new Promise((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
    createInterface({ input: server.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line).url);
    });
  });
  const post = (variables: Record<string, unknown>) =>
    fetch(`${serverUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
      body: JSON.stringify({ query: QUERY, variables }),
    }).then((r) => r.json() as Promise<{ errors?: unknown }>);
  for (let i = 0; i < 50; i++) await post({ after: cursors[i % cursors.length] });
  const api: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const r = await post({ after: cursors[i % cursors.length] });
    api.push(performance.now() - started);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
  }

  const anchor: number[] = [];
  const anchorSql = `select m.id, m.email, m.full_name, m.company, m.status, m.username, m.roaming, m.created_at,
      (select json_agg(json_build_object('id', l.id, 'name', l.name)) from member_home_locations hl join location l on l.id = hl.location_id where hl.member_id = m.id) as locations,
      (select json_agg(json_build_object('id', g.id, 'name', g.name, 'vlan', g.vlan_id)) from member_groups mg join access_group g on g.id = mg.group_id where mg.member_id = m.id) as groups,
      count(*) over () as total
    from member m where m.status <> 'DELETED' and m.id > $1 order by m.id limit 51`;
  const ids = (await raw.query('select id from member order by id')).rows.map((r) => r.id as string);
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await raw.query(anchorSql, [ids[(i * 250) % ids.length]]);
    anchor.push(performance.now() - started);
  }
  await raw.end();
  server.kill('SIGTERM');

  const a = summary(api);
  const b = summary(anchor);
  console.log(`\nmembers(first: 50) over ${MEMBERS} members, ${REQUESTS} sequential requests`);
  console.log(
    `  Lanyard GraphQL over HTTP : p50 ${fmt(a.p50)} ms  p95 ${fmt(a.p95)} ms  p99 ${fmt(a.p99)} ms`,
  );
  console.log(
    `  anchor: one SQL query (pg): p50 ${fmt(b.p50)} ms  p95 ${fmt(b.p95)} ms  p99 ${fmt(b.p99)} ms`,
  );
  console.log(
    `  ratio p95 Lanyard / anchor: ${fmt(a.p95 / b.p95)}×   target p95 ≤ 30 ms: ${a.p95 <= 30 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  SQL statements per request: ${perRequest} (with a search filter: ${perFilteredRequest}), independent of page size`,
  );
} finally {
  await counting?.stop();
  await t.stop();
  await db.drop();
}

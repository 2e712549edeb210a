/**
 * Test data for the RADIUS benchmark: a migrated Lanyard database (through the real API for the
 * location and the NAS client, bulk SQL for 10,000 members), and the same members for the
 * FreeRADIUS anchors (users-file entries and an rlm_sql database).
 *
 * Every member gets: a passphrase (encrypted with SecretBox, AAD SecretAad.passphrase, unique
 * fingerprint), a home location, an open MEMBERSHIP grant there, one device MAC (for MAC
 * authentication and the known-MAC PPSK case) and a PMK for the SSID (for unbound PPSK).
 *
 * PMKs cost one PBKDF2-HMAC-SHA1(4096) each (~2.5 ms): they are computed on libuv's thread pool
 * (both cores) and cached in the OS temp directory, keyed by the SSID and the passphrases, which are
 * derived from the member's index so that every run can reuse them.
 */
import { execFile } from 'node:child_process';
import { createHash, pbkdf2, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { SecretBox } from '@lanyard/api/secret-box';
import { SecretAad } from '@lanyard/schema';
import { createTestDatabase, type TestDatabase } from '../../../api/src/db/test-support/test-database.js';
import type { FreeRadiusUser, SqlServer } from './freeradius.js';
import { quote } from './freeradius.js';

export interface BenchMember {
  index: number;
  id: string;
  username: string;
  passphrase: string;
  /** Device MAC, lower case with colons (as Lanyard stores it). */
  mac: string;
  /** The MAC as a hostapd-style MAC-authentication User-Name: 12 lower-case hex digits. */
  macUser: string;
  pmk: Buffer;
}

export interface LanyardSeed {
  db: TestDatabase;
  secretKey: string;
  members: BenchMember[];
  vlanId: number;
  timings: { apiSeconds: number; sqlSeconds: number; pmkSeconds: number; pmkCached: boolean };
}

/** Deterministic per index, so that the PMK cache stays valid across runs. Unique by construction. */
export function benchPassphrase(i: number): string {
  const tail = createHash('sha256').update(`lanyard-bench-passphrase-${i}`).digest('hex').slice(0, 10);
  return `bench-${String(i).padStart(5, '0')}-${tail}`;
}

/** Locally administered unicast MACs 02:00:00:xx:xx:xx for seeded devices. */
export function benchMac(i: number): string {
  const h = (i + 1).toString(16).padStart(6, '0');
  return `02:00:00:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

/** PBKDF2-HMAC-SHA1(passphrase, ssid, 4096, 32) for each passphrase, on the thread pool, cached on disk. */
export async function computePmks(
  passphrases: string[],
  ssid: string,
): Promise<{ pmks: Buffer[]; cached: boolean }> {
  const key = createHash('sha256').update(ssid).update('\0').update(passphrases.join('\n')).digest('hex');
  const file = join(tmpdir(), `lanyard-bench-pmks-${key.slice(0, 24)}.bin`);
  if (existsSync(file)) {
    const data = readFileSync(file);
    if (data.length === passphrases.length * 32) {
      return { pmks: passphrases.map((_, i) => data.subarray(i * 32, i * 32 + 32)), cached: true };
    }
  }
  const pmks: Buffer[] = new Array(passphrases.length);
  let next = 0;
  const lane = async () => {
    while (next < passphrases.length) {
      const i = next++;
      pmks[i] = await new Promise<Buffer>((resolve, reject) =>
        pbkdf2(passphrases[i]!, ssid, 4096, 32, 'sha1', (err, out) => (err ? reject(err) : resolve(out))),
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(pmks));
  renameSync(tmp, file);
  return { pmks, cached: false };
}

/**
 * A migrated database with one location (SSID `ssid`, default VLAN), one hostapd NAS client at
 * 127.0.0.1 with `nasSecret`, and `count` members ready for PAP, MAC authentication and PPSK.
 */
export async function seedLanyard(opts: {
  count: number;
  ssid: string;
  nasSecret: string;
}): Promise<LanyardSeed> {
  const vlanId = 30;
  const t0 = performance.now();
  const passphrases = Array.from({ length: opts.count }, (_, i) => benchPassphrase(i));
  // Start the PBKDF2s now: they run on the thread pool while the API migrates the database.
  const pmkStart = performance.now();
  const pmkJob = computePmks(passphrases, opts.ssid).then((r) => ({
    ...r,
    seconds: (performance.now() - pmkStart) / 1000,
  }));

  // The database is created here (an embedded server lives as long as this process); the API
  // migrates it in a child process whose working directory selects the API's tsconfig.
  const db = await createTestDatabase();
  let setup: { secretKey: string; locationId: string };
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./setup-api.ts', import.meta.url))],
      {
        cwd: fileURLToPath(new URL('../../../api/', import.meta.url)),
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          BENCH_SSID: opts.ssid,
          BENCH_VLAN_ID: String(vlanId),
          BENCH_NAS_SECRET: opts.nasSecret,
        },
      },
    );
    setup = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{'))!);
  } catch (err) {
    await db.drop();
    throw err;
  }
  const { secretKey, locationId } = setup;
  const apiSeconds = (performance.now() - t0) / 1000;
  const box = SecretBox.fromHex(secretKey);

  const { pmks, cached, seconds: pmkSeconds } = await pmkJob;
  const s0 = performance.now();
  const members: BenchMember[] = passphrases.map((passphrase, index) => {
    const mac = benchMac(index);
    return {
      index,
      id: randomUUID(),
      username: `m${String(index).padStart(5, '0')}@bench.example`,
      passphrase,
      mac,
      macUser: mac.replaceAll(':', ''),
      pmk: pmks[index]!,
    };
  });
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    const col = <T>(f: (m: BenchMember) => T) => members.map(f);
    await pool.query(
      `insert into member (id, email, email_normalized, full_name, username, status, roaming,
                           passphrase_enc, passphrase_fingerprint, passphrase_version, passphrase_updated_at)
       select id, username, username, 'Bench member ' || username, username, 'ACTIVE', false, enc, fp, 0, now()
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) as u(id, username, enc, fp)`,
      [
        col((m) => m.id),
        col((m) => m.username),
        col((m) => box.encrypt(m.passphrase, SecretAad.passphrase(m.id))),
        col((m) => box.fingerprint(m.passphrase, 'member-passphrase')),
      ],
    );
    await pool.query(`insert into member_home_locations (member_id, location_id) select id, $1 from member`, [
      locationId,
    ]);
    await pool.query(
      `insert into access_grant (id, member_id, kind, location_id, starts_at, ends_at, effective_starts_at, effective_ends_at, grants_wifi)
       select gen_random_uuid(), id, 'MEMBERSHIP', $1, now() - interval '30 days', now() + interval '335 days',
              now() - interval '30 days', now() + interval '335 days', true
       from member`,
      [locationId],
    );
    await pool.query(
      `insert into device (id, member_id, mac, learned_by, first_seen_at)
       select gen_random_uuid(), member_id, mac, 'ADMIN', now() from unnest($1::uuid[], $2::text[]) as u(member_id, mac)`,
      [col((m) => m.id), col((m) => m.mac)],
    );
    await pool.query(
      `insert into member_pmk (id, member_id, ssid, pmk_enc, passphrase_version)
       select gen_random_uuid(), member_id, $1, pmk_enc, 0 from unnest($2::uuid[], $3::text[]) as u(member_id, pmk_enc)`,
      [opts.ssid, col((m) => m.id), col((m) => box.encrypt(m.pmk, SecretAad.pmk(m.id, opts.ssid)))],
    );
    await pool.query('analyze');
  } finally {
    await pool.end();
  }
  return {
    db,
    secretKey,
    members,
    vlanId,
    timings: { apiSeconds, sqlSeconds: (performance.now() - s0) / 1000, pmkSeconds, pmkCached: cached },
  };
}

/**
 * What Lanyard answers a hostapd NAS for these members, in FreeRADIUS syntax, so that both servers
 * build the same replies: Session-Timeout, Acct-Interim-Interval, Class, the VLAN tunnel
 * attributes and Message-Authenticator (Lanyard always sends it; FreeRADIUS 3.2.1 only when the
 * reply list holds one), plus Tunnel-Password with the passphrase for MAC authentication.
 */
export function freeRadiusUsers(
  members: BenchMember[],
  vlanId: number,
  sessionTimeout: number,
  interim: number,
): FreeRadiusUser[] {
  const users: FreeRadiusUser[] = [];
  for (const m of members) {
    const reply: Array<[string, string]> = [
      ['Session-Timeout', String(sessionTimeout)],
      ['Acct-Interim-Interval', String(interim)],
      ['Class', quote(`lanyard:${m.id}`)],
      ['Tunnel-Type', 'VLAN'],
      ['Tunnel-Medium-Type', 'IEEE-802'],
      ['Tunnel-Private-Group-Id', quote(String(vlanId))],
      ['Message-Authenticator', '0x00'],
    ];
    users.push({ userName: m.username, password: m.passphrase, reply });
    users.push({
      userName: m.macUser,
      password: m.macUser,
      reply: [...reply, ['Tunnel-Password', quote(m.passphrase)]],
    });
  }
  return users;
}

/** A database on the same server for rlm_sql: radcheck/radreply with the same users. */
export async function seedRadiusSql(
  users: FreeRadiusUser[],
): Promise<{ db: TestDatabase; server: SqlServer }> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    // The column layout rlm_sql's queries expect (id, username, attribute, op, value).
    for (const table of ['radcheck', 'radreply']) {
      await pool.query(
        `create table ${table} (id serial primary key, username text not null default '', attribute text not null default '',
                                 op varchar(2) not null default '==', value text not null default '')`,
      );
      await pool.query(`create index ${table}_username on ${table} (username, attribute)`);
    }
    const check = users.map((u) => [u.userName, 'Cleartext-Password', ':=', u.password]);
    const reply = users.flatMap((u) =>
      u.reply.map(([k, v]) => [u.userName, k, '=', v.startsWith('"') ? JSON.parse(v) : v]),
    );
    for (const [table, rows] of [
      ['radcheck', check],
      ['radreply', reply],
    ] as const) {
      await pool.query(
        `insert into ${table} (username, attribute, op, value) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
        [0, 1, 2, 3].map((c) => rows.map((r) => r[c])),
      );
    }
    await pool.query('analyze');
  } finally {
    await pool.end();
  }
  const url = new URL(db.url);
  return {
    db,
    server: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username || 'postgres'),
      password: decodeURIComponent(url.password),
      database: decodeURIComponent(url.pathname.slice(1)),
    },
  };
}

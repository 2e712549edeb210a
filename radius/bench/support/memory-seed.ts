/**
 * Test data for the RADIUS memory benchmark: a deployment the size design §6 names (100,000
 * members), written the way the API writes it.
 *
 * `seedSites` migrates a database through the real API and creates there, through GraphQL,
 * `locations` locations (SSID "Lanyard" everywhere, "Lanyard-IoT" on every other one, time zones in
 * turn), their NAS clients (the first location's at 127.0.0.1 for the load; two per other location,
 * one of them a /24 network) and a PLAN group each. `seedTeams` adds one TEAM group per company
 * (25 members each), every other one with a VLAN from its location's pool. `seedMembers` adds the members by bulk
 * SQL, encrypted as the API encrypts them (SecretBox, the same AADs), per member index i:
 *   - passphrase from the API's generator (unique), its fingerprint, and its NT hash;
 *   - home location of its company (5 % also a second one); 10 % roaming; 3 % DISABLED;
 *   - groups: its company's team, and the location's plan for 70 %;
 *   - grants: a membership in force for 95 % (half open-ended), a membership that ended 10 days ago
 *     for the other 5 % and for 30 % more (old, so not loaded); 20 % a desk booking today and one
 *     in three days; 10 % a check-in today; 2 % a room booking tomorrow;
 *   - devices: one for 60 %, two for 15 %;
 *   - one PMK per distinct SSID (two), for the current passphrase version. The PMKs are random
 *     bytes, not PBKDF2 of the passphrase: 200,000 PBKDF2s would take minutes and only the size
 *     matters here (the PPSK benchmarks in radius.bench.ts use real ones).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { SecretBox } from '@lanyard/api/secret-box';
import { SecretAad } from '@lanyard/schema';
import { generatePassphrase, ntHash } from '../../../api/src/domain/credentials/index.js';
import { createTestDatabase, type TestDatabase } from '../../../api/src/db/test-support/test-database.js';

export const SSIDS = ['Lanyard', 'Lanyard-IoT'] as const;
const COMPANY_SIZE = 25;
const CHUNK = 10_000;

export interface Site {
  id: string;
  timezone: string;
  planGroupId: string;
  vlanPoolStart: number | null;
}

export interface SiteSeed {
  db: TestDatabase;
  secretKey: string;
  sites: Site[];
  teamGroupIds: string[];
  seconds: number;
}

/** A member the load generator can authenticate: ACTIVE, homed at the 127.0.0.1 NAS's location, in force. */
export interface PapMember {
  username: string;
  passphrase: string;
}

export async function seedSites(opts: { locations: number; nasSecret: string }): Promise<SiteSeed> {
  const t0 = performance.now();
  const db = await createTestDatabase();
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./setup-api.ts', import.meta.url))],
      {
        cwd: fileURLToPath(new URL('../../../api/', import.meta.url)),
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          BENCH_SSID: SSIDS[0],
          BENCH_EXTRA_SSIDS: SSIDS.slice(1).join(','),
          BENCH_EXTRA_LOCATIONS: String(opts.locations - 1),
          BENCH_VLAN_ID: '30',
          BENCH_NAS_SECRET: opts.nasSecret,
        },
      },
    );
    const setup = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{'))!) as {
      secretKey: string;
      locationIds: string[];
    };
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const { rows } = await pool.query(
        `select l.id, l.timezone, l.vlan_pool_start, g.id as plan_group_id
           from location l join access_group g on g.location_id = l.id and g.origin = 'PLAN'`,
      );
      const byId = new Map(rows.map((r) => [r.id as string, r]));
      const sites = setup.locationIds.map((id): Site => {
        const r = byId.get(id)!;
        return { id, timezone: r.timezone, planGroupId: r.plan_group_id, vlanPoolStart: r.vlan_pool_start };
      });
      return {
        db,
        secretKey: setup.secretKey,
        sites,
        teamGroupIds: [],
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      await pool.end();
    }
  } catch (err) {
    await db.drop();
    throw err;
  }
}

const companyOf = (i: number) => Math.floor(i / COMPANY_SIZE);
const siteIndexOf = (i: number, sites: number) => companyOf(i) % sites;

/** One TEAM group per company of `members` members (VLAN from the location's pool). */
export async function seedTeams(seed: SiteSeed, members: number): Promise<void> {
  const companies = Math.ceil(members / COMPANY_SIZE);
  const ids: string[] = [];
  const names: string[] = [];
  const locations: string[] = [];
  const vlans: Array<number | null> = [];
  for (let k = 0; k < companies; k++) {
    const site = seed.sites[k % seed.sites.length]!;
    // Every other team has a VLAN of its own (unique per location, 200 in a pool).
    const j = Math.floor(k / seed.sites.length);
    ids.push(randomUUID());
    names.push(`Company ${k} team`);
    locations.push(site.id);
    vlans.push(j % 2 === 0 && j / 2 < 200 ? (site.vlanPoolStart ?? 100) + j / 2 : null);
  }
  const pool = new pg.Pool({ connectionString: seed.db.url, max: 1 });
  try {
    await pool.query(
      `insert into access_group (id, name, origin, location_id, vlan_id)
       select id, name, 'TEAM', location_id, vlan_id
       from unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[]) as u(id, name, location_id, vlan_id)`,
      [ids, names, locations, vlans],
    );
  } finally {
    await pool.end();
  }
  seed.teamGroupIds = ids;
}

/**
 * Inserts `count` members (see the file comment) and returns the ones a PAP request at the first
 * location gets an Access-Accept for, with their passphrases.
 */
export async function seedMembers(
  seed: SiteSeed,
  count: number,
): Promise<{ papMembers: PapMember[]; rows: Record<string, number>; seconds: number }> {
  const t0 = performance.now();
  const box = SecretBox.fromHex(seed.secretKey);
  const sites = seed.sites;
  const papMembers: PapMember[] = [];
  const seen = new Set<string>();
  const rows: Record<string, number> = { member: 0, home: 0, group: 0, grant: 0, device: 0, pmk: 0 };
  const pool = new pg.Pool({ connectionString: seed.db.url, max: 2 });
  const day = 86_400_000;
  const now = Date.now();
  const today = Math.floor(now / day) * day;
  let macCounter = 0;
  const nextMac = () => {
    const h = (++macCounter).toString(16).padStart(8, '0');
    return `02:10:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}`;
  };
  try {
    for (let from = 0; from < count; from += CHUNK) {
      const m = { id: [] as string[], email: [] as string[], name: [] as string[], status: [] as string[] };
      const m2 = { roaming: [] as boolean[], enc: [] as string[], fp: [] as string[], nt: [] as string[] };
      const home = { member: [] as string[], location: [] as string[] };
      const groups = { member: [] as string[], group: [] as string[] };
      const grants = {
        member: [] as string[],
        kind: [] as string[],
        location: [] as string[],
        starts: [] as Date[],
        ends: [] as Array<Date | null>,
      };
      const devices = { member: [] as string[], mac: [] as string[] };
      const pmks = { member: [] as string[], ssid: [] as string[], enc: [] as string[] };
      const grant = (member: string, kind: string, location: string, starts: number, ends: number | null) => {
        grants.member.push(member);
        grants.kind.push(kind);
        grants.location.push(location);
        grants.starts.push(new Date(starts));
        grants.ends.push(ends === null ? null : new Date(ends));
      };
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        const id = randomUUID();
        const k = companyOf(i);
        const site = sites[siteIndexOf(i, sites.length)]!;
        const email = `member.${String(i).padStart(6, '0')}@company-${k}.example`;
        let passphrase = generatePassphrase();
        while (seen.has(passphrase)) passphrase = generatePassphrase();
        seen.add(passphrase);
        const status = i % 33 === 7 ? 'DISABLED' : 'ACTIVE';
        m.id.push(id);
        m.email.push(email);
        m.name.push(`Member ${i} of company ${k}`);
        m.status.push(status);
        m2.roaming.push(i % 10 === 3);
        m2.enc.push(box.encrypt(passphrase, SecretAad.passphrase(id)));
        m2.fp.push(box.fingerprint(passphrase, 'member-passphrase'));
        m2.nt.push(box.encrypt(ntHash(passphrase), SecretAad.ntHash(id)));
        home.member.push(id);
        home.location.push(site.id);
        if (i % 20 === 5 && sites.length > 1) {
          home.member.push(id);
          home.location.push(sites[(siteIndexOf(i, sites.length) + 1) % sites.length]!.id);
        }
        groups.member.push(id);
        groups.group.push(seed.teamGroupIds[k]!);
        if (i % 10 < 7) {
          groups.member.push(id);
          groups.group.push(site.planGroupId);
        }
        const inForce = i % 20 !== 19;
        if (inForce)
          grant(
            id,
            'MEMBERSHIP',
            site.id,
            now - (i % 700) * day,
            i % 2 ? null : now + (30 + (i % 335)) * day,
          );
        if (!inForce || i % 10 < 3) grant(id, 'MEMBERSHIP', site.id, now - 400 * day, now - 10 * day);
        if (i % 5 === 0) {
          grant(id, 'DESK_BOOKING', site.id, today + 9 * 3_600_000, today + 18 * 3_600_000);
          grant(
            id,
            'DESK_BOOKING',
            site.id,
            today + 3 * day + 9 * 3_600_000,
            today + 3 * day + 18 * 3_600_000,
          );
        }
        if (i % 10 === 1) grant(id, 'CHECK_IN', site.id, now - 3_600_000, today + day);
        if (i % 50 === 2)
          grant(id, 'ROOM_BOOKING', site.id, today + day + 14 * 3_600_000, today + day + 16 * 3_600_000);
        const deviceCount = i % 20 < 12 ? 1 : i % 20 < 15 ? 2 : 0;
        for (let d = 0; d < deviceCount; d++) {
          devices.member.push(id);
          devices.mac.push(nextMac());
        }
        for (const ssid of SSIDS) {
          pmks.member.push(id);
          pmks.ssid.push(ssid);
          pmks.enc.push(box.encrypt(randomBytes(32), SecretAad.pmk(id, ssid)));
        }
        if (site === sites[0] && status === 'ACTIVE' && inForce)
          papMembers.push({ username: email, passphrase });
      }
      await pool.query(
        `insert into member (id, email, email_normalized, full_name, username, status, roaming,
                             passphrase_enc, passphrase_fingerprint, passphrase_version, passphrase_updated_at, nt_hash_enc)
         select id, email, email, full_name, email, status, roaming, enc, fp, 1, now(), nt
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[])
           as u(id, email, full_name, status, roaming, enc, fp, nt)`,
        [m.id, m.email, m.name, m.status, m2.roaming, m2.enc, m2.fp, m2.nt],
      );
      await pool.query(
        `insert into member_home_locations (member_id, location_id) select * from unnest($1::uuid[], $2::uuid[])`,
        [home.member, home.location],
      );
      await pool.query(
        `insert into member_groups (member_id, group_id) select * from unnest($1::uuid[], $2::uuid[])`,
        [groups.member, groups.group],
      );
      await pool.query(
        `insert into access_grant (id, member_id, kind, location_id, starts_at, ends_at, effective_starts_at, effective_ends_at, grants_wifi)
         select gen_random_uuid(), member_id, kind, location_id, starts_at, ends_at, starts_at, ends_at, true
         from unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[], $5::timestamptz[])
           as u(member_id, kind, location_id, starts_at, ends_at)`,
        [grants.member, grants.kind, grants.location, grants.starts, grants.ends],
      );
      await pool.query(
        `insert into device (id, member_id, mac, learned_by, first_seen_at)
         select gen_random_uuid(), member_id, mac, 'PORTAL', now() from unnest($1::uuid[], $2::text[]) as u(member_id, mac)`,
        [devices.member, devices.mac],
      );
      await pool.query(
        `insert into member_pmk (id, member_id, ssid, pmk_enc, passphrase_version)
         select gen_random_uuid(), member_id, ssid, pmk_enc, 1
         from unnest($1::uuid[], $2::text[], $3::text[]) as u(member_id, ssid, pmk_enc)`,
        [pmks.member, pmks.ssid, pmks.enc],
      );
      rows.member! += m.id.length;
      rows.home! += home.member.length;
      rows.group! += groups.member.length;
      rows.grant! += grants.member.length;
      rows.device! += devices.member.length;
      rows.pmk! += pmks.member.length;
    }
    await pool.query('analyze');
  } finally {
    await pool.end();
  }
  return { papMembers, rows, seconds: (performance.now() - t0) / 1000 };
}

import { SecretBox } from '@lanyard/api/secret-box';
import { parseCidr } from '@lanyard/api/net';
import {
  SecretAad,
  type GrantKind,
  type GroupOrigin,
  type MacFormat,
  type MemberStatus,
  type NasVendor,
} from '@lanyard/schema';
import type pg from 'pg';
import { Interner, NO_PMKS, PmkBlock, SecretArena, orEmpty, type MemberPmks } from './compact.js';
import type { GrantEntry, GroupEntry, LocationEntry, MemberEntry, NasEntry, Snapshot } from './snapshot.js';

/** Members read per round trip of a full load: a full (re)load holds at most this many as rows. */
export const DEFAULT_CHUNK_SIZE = 2000;

/** Which members a read covers: some ids (NOTIFY), or the next chunk in id order (full load). */
type MemberFilter = { ids: string[] } | { after: string | null; limit: number };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows as pg returns them
type Row = Record<string, any>;

/** A member's encrypted secrets: its member row (passphrase, NT hash) and PMK rows by SSID. */
interface Sealed {
  sealed: true;
  member: Row;
  pmks: Map<string, Row>;
}

/** The members of one read by position: related rows carry the position instead of the uuid text. */
const BY_POSITION = `unnest($1::uuid[]) with ordinality as c(member_id, i)`;
const epochMs = (col: string) => `floor(extract(epoch from ${col}) * 1000)::float8`;
/**
 * The rows of a read's members, each with the member's position. `where` narrows the scan: an id
 * range for a chunk (index range scans), the id list for a NOTIFY batch (index lookups).
 */
const related = (where: (col: string) => string) => [
  `select c.i::int as i, h.location_id from ${BY_POSITION} join member_home_locations h using (member_id)
    where ${where('h.member_id')} order by 1, 2`,
  `select c.i::int as i, g.group_id from ${BY_POSITION} join member_groups g using (member_id)
    where ${where('g.member_id')} order by 1, 2`,
  // Grants that ended more than a day ago can no longer allow anything.
  `select c.i::int as i, a.id, a.kind, a.location_id, ${epochMs('a.starts_at')} as starts_ms,
          ${epochMs('a.ends_at')} as ends_ms, ${epochMs('a.cancelled_at')} as cancelled_ms, a.grants_wifi
     from ${BY_POSITION} join access_grant a using (member_id)
    where ${where('a.member_id')} and (a.effective_ends_at is null or a.effective_ends_at > now() - interval '1 day')
    order by 1, a.id`,
  `select c.i::int as i, d.mac from ${BY_POSITION} join device d using (member_id)
    where ${where('d.member_id')} order by 1, 2`,
  `select c.i::int as i, p.ssid, p.passphrase_version from ${BY_POSITION} join member_pmk p using (member_id)
    where ${where('p.member_id')} order by 1, 2`,
];
const IN_RANGE = related((col) => `${col} between $2 and $3`);
const IN_LIST = related((col) => `${col} = any($1::uuid[])`);

/** Cursor over rows ordered by member position `i`. */
class ByPosition {
  private at = 0;
  constructor(private readonly rows: Row[]) {}
  /** The rows of member `i` (the cursor must be at or before them), into `out` (cleared first). */
  take(i: number, out: Row[]): Row[] {
    out.length = 0;
    while (this.at < this.rows.length && this.rows[this.at]!.i === i) out.push(this.rows[this.at++]!);
    return out;
  }
}

/**
 * Reads the tables listed in @lanyard/schema into a Snapshot. A full load at start and after a
 * reconnect; `loadMembers(ids)` for the members a NOTIFY names; `loadConfig()` for NAS clients,
 * locations and groups. Rows that fail to decrypt are skipped and counted, never fatal.
 *
 * Members are read in one REPEATABLE READ transaction per load (a full load in chunks of
 * `chunkSize`, in id order) and applied to the snapshot in place, chunk by chunk; members that are
 * gone are removed at the end. So a reload holds the snapshot plus one chunk of rows, never two
 * snapshots, and the hot path keeps answering between chunks (each member is its old or its new
 * entry). A member whose rows did not change keeps its entry. Secrets are fetched and decrypted only
 * for members whose passphrase_version changed (the API bumps it with every change of passphrase,
 * and so of NT hash and PMKs) or that have a PMK the snapshot lacks: a reload of unchanged data
 * moves no secret and decrypts nothing.
 */
export class SnapshotLoader {
  decryptFailures = 0;
  /** Members whose secrets were decrypted, and entries kept as they were, so far. */
  readonly stats = { decrypted: 0, kept: 0 };
  private readonly arena = new SecretArena();

  constructor(
    private readonly db: pg.Pool,
    private readonly secrets: SecretBox,
    private readonly snapshot: Snapshot,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
  ) {}

  async loadAll(): Promise<void> {
    await this.loadConfig();
    const intern = this.interner();
    const seen = new Set<string>();
    await this.consistently(async (client) => {
      let after: string | null = null;
      for (;;) {
        const read = await this.readMembers(client, { after, limit: this.chunkSize }, intern);
        for (const m of read.entries) {
          if (this.snapshot.members.get(m.id) !== m) this.snapshot.upsertMember(m.id, m);
          seen.add(m.id);
        }
        if (read.rows < this.chunkSize) break;
        after = read.lastId;
      }
    });
    this.snapshot.retainMembers(seen);
    this.snapshot.loadedAt = Date.now();
  }

  async loadConfig(): Promise<void> {
    const [nas, locations, groups] = await Promise.all([
      this.db.query(
        `select id, location_id, name, ip_address, secret_enc, vendor, mac_format, coa_port, require_message_authenticator from nas_client`,
      ),
      this.db.query(`select id, name, timezone, ssids, default_vlan_id from location`),
      this.db.query(
        `select id, name, origin, location_id, vlan_id, bandwidth_up_kbps, bandwidth_down_kbps, session_timeout_seconds, max_devices from access_group`,
      ),
    ]);
    const nasEntries: NasEntry[] = [];
    for (const r of nas.rows) {
      const network = parseCidr(r.ip_address);
      const secret = this.decrypt(r.secret_enc, SecretAad.nasSecret(r.id));
      if (!network || !secret) continue;
      nasEntries.push({
        id: r.id,
        locationId: r.location_id,
        name: r.name,
        ipAddress: r.ip_address,
        network,
        secret,
        vendor: r.vendor as NasVendor,
        macFormat: r.mac_format as MacFormat,
        coaPort: r.coa_port,
        requireMessageAuthenticator: r.require_message_authenticator,
      });
    }
    this.snapshot.setNasClients(nasEntries);
    this.snapshot.setLocations(
      locations.rows.map((r): LocationEntry => ({
        id: r.id,
        name: r.name,
        timezone: r.timezone,
        ssids: r.ssids ?? [],
        defaultVlanId: r.default_vlan_id,
      })),
    );
    this.snapshot.setGroups(
      groups.rows.map((r): GroupEntry => ({
        id: r.id,
        name: r.name,
        origin: r.origin as GroupOrigin,
        locationId: r.location_id,
        vlanId: r.vlan_id,
        policy: {
          bandwidthUpKbps: r.bandwidth_up_kbps,
          bandwidthDownKbps: r.bandwidth_down_kbps,
          sessionTimeoutSeconds: r.session_timeout_seconds,
          maxDevices: r.max_devices,
        },
      })),
    );
  }

  /** Reloads the named members; those gone (or deleted) leave the snapshot. Returns the new entries. */
  async loadMembers(ids: string[]): Promise<Map<string, MemberEntry | null>> {
    const { entries } = await this.consistently((client) =>
      this.readMembers(client, { ids }, this.interner()),
    );
    const result = new Map<string, MemberEntry | null>(ids.map((id) => [id, null]));
    for (const m of entries) result.set(m.id, m);
    for (const [id, entry] of result)
      if (entry === null || this.snapshot.members.get(id) !== entry) this.snapshot.upsertMember(id, entry);
    return result;
  }

  /** Seeded with the ids of the locations and groups, so members share those strings. */
  private interner(): Interner {
    return new Interner([...this.snapshot.locations.keys(), ...this.snapshot.groups.keys()]);
  }

  /** Runs `read` on one connection in a read-only REPEATABLE READ transaction (one view of the data). */
  private async consistently<T>(read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.db.connect();
    let failed = false;
    try {
      await client.query('begin transaction isolation level repeatable read read only');
      const result = await read(client);
      await client.query('commit');
      return result;
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // A failed connection (or one left in the transaction) is not given back to the pool.
      client.release(failed);
    }
  }

  private async readMembers(
    client: pg.PoolClient,
    filter: MemberFilter,
    intern: Interner,
  ): Promise<{ entries: MemberEntry[]; rows: number; lastId: string | null }> {
    const columns = `m.id, m.email, m.username, m.status, m.roaming, m.passphrase_version,
      m.passphrase_enc is not null as has_passphrase, m.nt_hash_enc is not null as has_nt_hash`;
    const { rows: members } =
      'ids' in filter
        ? await client.query<Row>(
            `select ${columns} from member m where m.status <> 'DELETED' and m.id = any($1::uuid[]) order by m.id`,
            [filter.ids],
          )
        : await client.query<Row>(
            `select ${columns} from member m where m.status <> 'DELETED' ${filter.after ? 'and m.id > $2' : ''}
              order by m.id limit $1`,
            filter.after ? [filter.limit, filter.after] : [filter.limit],
          );
    if (members.length === 0) return { entries: [], rows: 0, lastId: null };
    const ids = members.map((r) => r.id as string);
    const related: Row[][] = [];
    const [texts, params] =
      'ids' in filter ? [IN_LIST, [ids]] : [IN_RANGE, [ids, ids[0], ids[ids.length - 1]]];
    for (const text of texts) related.push((await client.query<Row>(text, params)).rows);
    const [homes, groups, grants, devices, pmks] = related.map((r) => new ByPosition(r)) as [
      ByPosition,
      ByPosition,
      ByPosition,
      ByPosition,
      ByPosition,
    ];

    // Pass 1: whose secrets must be fetched and decrypted (the others' are in the snapshot).
    const pmkRows: Row[] = [];
    const fetch: string[] = [];
    const known: Array<MemberEntry | undefined> = [];
    for (let i = 0; i < members.length; i++) {
      const r = members[i]!;
      let k = this.knownSecrets(r);
      pmks.take(i + 1, pmkRows);
      if (k && pmkRows.some((p) => p.passphrase_version === r.passphrase_version && !k!.pmks.has(p.ssid)))
        k = undefined;
      known.push(k);
      if (!k) fetch.push(r.id);
    }
    const sealed = await this.fetchSecrets(client, fetch);

    // Pass 2: entries.
    const pmksAgain = new ByPosition(related[4]!);
    const scratch = {
      homes: [] as Row[],
      groups: [] as Row[],
      grants: [] as Row[],
      macs: [] as Row[],
      pmks: pmkRows,
    };
    const entries: MemberEntry[] = [];
    for (let i = 0; i < members.length; i++) {
      const r = members[i]!;
      homes.take(i + 1, scratch.homes);
      groups.take(i + 1, scratch.groups);
      grants.take(i + 1, scratch.grants);
      devices.take(i + 1, scratch.macs);
      pmksAgain.take(i + 1, scratch.pmks);
      entries.push(this.entry(r, scratch, known[i] ?? sealed.get(r.id)!, intern));
    }
    return { entries, rows: members.length, lastId: ids[ids.length - 1]! };
  }

  /** The current entry of the member of `row` if its secrets are still those of `row`. */
  private knownSecrets(row: Row): MemberEntry | undefined {
    const prev = this.snapshot.members.get(row.id);
    return prev &&
      prev.passphraseVersion === row.passphrase_version &&
      (prev.passphrase !== null) === row.has_passphrase &&
      (prev.ntHash !== null) === row.has_nt_hash
      ? prev
      : undefined;
  }

  /** Encrypted secrets of these members, by member id. */
  private async fetchSecrets(client: pg.PoolClient, ids: string[]): Promise<Map<string, Sealed>> {
    const out = new Map<string, Sealed>();
    if (ids.length === 0) return out;
    const members = await client.query<Row>(
      `select id, passphrase_enc, nt_hash_enc, passphrase_version from member where id = any($1::uuid[])`,
      [ids],
    );
    for (const r of members.rows) out.set(r.id, { sealed: true, member: r, pmks: new Map() });
    const pmks = await client.query<Row>(
      `select member_id, ssid, pmk_enc, passphrase_version from member_pmk where member_id = any($1::uuid[])`,
      [ids],
    );
    for (const r of pmks.rows) out.get(r.member_id)?.pmks.set(r.ssid, r);
    return out;
  }

  /**
   * The member's entry: its current one if nothing changed, else a new one. `secrets` is the entry
   * whose secrets are still valid, or the encrypted secrets fetched for the member.
   */
  private entry(
    r: Row,
    rows: { homes: Row[]; groups: Row[]; grants: Row[]; macs: Row[]; pmks: Row[] },
    secrets: MemberEntry | Sealed,
    intern: Interner,
  ): MemberEntry {
    const prev = this.snapshot.members.get(r.id);
    // A PMK of an older passphrase version is stale: a job is recomputing it.
    const current = rows.pmks.filter((p) => p.passphrase_version === r.passphrase_version);
    let passphrase: string | null;
    let ntHash: Buffer | null;
    let pmks: MemberPmks = NO_PMKS;
    if ('sealed' in secrets) {
      const sealed = secrets;
      this.stats.decrypted++;
      const s = sealed.member;
      const bytes = s.passphrase_enc ? this.decrypt(s.passphrase_enc, SecretAad.passphrase(r.id)) : null;
      passphrase = bytes ? utf8(bytes) : null;
      const nt = s.nt_hash_enc ? this.decrypt(s.nt_hash_enc, SecretAad.ntHash(r.id)) : null;
      ntHash = nt ? this.arena.keep(nt) : null;
      const ssids: string[] = [];
      const parts: Buffer[] = [];
      for (const p of current) {
        const token = sealed.pmks.get(p.ssid);
        const pmk = token ? this.decrypt(token.pmk_enc, SecretAad.pmk(r.id, p.ssid)) : null;
        if (!pmk) continue;
        ssids.push(p.ssid);
        parts.push(pmk);
      }
      if (parts.length) pmks = new PmkBlock(intern.list(ssids), this.arena.keep(Buffer.concat(parts)));
      for (const part of parts) part.fill(0);
    } else {
      // Same passphrase version: the same secrets, and the same PMK for every SSID it already has.
      passphrase = secrets.passphrase;
      ntHash = secrets.ntHash;
      if (secrets.pmks.size === current.length) pmks = secrets.pmks;
      else if (current.length) {
        const ssids = current.map((p) => p.ssid as string);
        const bytes = Buffer.concat(ssids.map((ssid) => secrets.pmks.get(ssid)!));
        pmks = new PmkBlock(intern.list(ssids), this.arena.keep(bytes));
      }
    }
    // Usually the same text (the username defaults to the e-mail address): one string then.
    const email: string = r.email === r.username ? r.username : r.email;
    if (
      prev &&
      prev.passphrase === passphrase &&
      prev.ntHash === ntHash &&
      prev.pmks === pmks &&
      prev.username === r.username &&
      prev.email === email &&
      prev.status === r.status &&
      prev.roaming === r.roaming &&
      prev.passphraseVersion === r.passphrase_version &&
      sameList(prev.homeLocationIds, rows.homes, 'location_id') &&
      sameList(prev.groupIds, rows.groups, 'group_id') &&
      sameList(prev.macs, rows.macs, 'mac') &&
      this.sameGrants(prev.grants, rows.grants)
    ) {
      this.stats.kept++;
      return prev;
    }
    return {
      id: r.id,
      email,
      username: r.username,
      status: intern.string(r.status) as MemberStatus,
      roaming: r.roaming,
      passphrase,
      passphraseVersion: r.passphrase_version,
      ntHash,
      homeLocationIds: intern.list(rows.homes.map((h) => h.location_id as string)),
      groupIds: intern.list(rows.groups.map((g) => g.group_id as string)),
      grants: orEmpty(rows.grants.map((g) => this.grant(g, intern))),
      macs: orEmpty(rows.macs.map((d) => d.mac as string)),
      pmks,
    };
  }

  private grant(g: Row, intern: Interner): GrantEntry {
    const locationId = g.location_id === null ? null : intern.string(g.location_id);
    return {
      id: g.id,
      kind: intern.string(g.kind) as GrantKind,
      locationId,
      startsAt: intern.date(g.starts_ms),
      endsAt: g.ends_ms === null ? null : intern.date(g.ends_ms),
      cancelledAt: g.cancelled_ms === null ? null : intern.date(g.cancelled_ms),
      grantsWifi: g.grants_wifi,
      timezone: this.timezoneOf(locationId),
    };
  }

  private timezoneOf(locationId: string | null): string | null {
    return locationId ? (this.snapshot.locations.get(locationId)?.timezone ?? null) : null;
  }

  private sameGrants(entries: readonly GrantEntry[], rows: Row[]): boolean {
    if (entries.length !== rows.length) return false;
    for (let k = 0; k < rows.length; k++) {
      const e = entries[k]!;
      const g = rows[k]!;
      if (
        e.id !== g.id ||
        e.kind !== g.kind ||
        e.locationId !== g.location_id ||
        e.startsAt.getTime() !== g.starts_ms ||
        (e.endsAt?.getTime() ?? null) !== g.ends_ms ||
        (e.cancelledAt?.getTime() ?? null) !== g.cancelled_ms ||
        (e.grantsWifi ?? true) !== g.grants_wifi ||
        (e.timezone ?? null) !== this.timezoneOf(g.location_id)
      )
        return false;
    }
    return true;
  }

  private decrypt(token: string, aad: string): Buffer | null {
    try {
      return this.secrets.decrypt(token, aad);
    } catch {
      this.decryptFailures++;
      return null;
    }
  }
}

function sameList(list: readonly string[], rows: Row[], column: string): boolean {
  if (list.length !== rows.length) return false;
  for (let k = 0; k < rows.length; k++) if (list[k] !== rows[k]![column]) return false;
  return true;
}

/** The text of a decrypted passphrase; the bytes are zeroed (they would linger in Node's pool). */
function utf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  bytes.fill(0);
  return text;
}

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
import type { GrantEntry, GroupEntry, LocationEntry, MemberEntry, NasEntry, Snapshot } from './snapshot.js';

/**
 * Reads the tables listed in @lanyard/schema into a Snapshot. A full load at start and after a
 * reconnect; `loadMembers(ids)` for the members a NOTIFY names; `loadConfig()` for NAS clients,
 * locations and groups. Rows that fail to decrypt are skipped and counted, never fatal.
 */
export class SnapshotLoader {
  decryptFailures = 0;

  constructor(
    private readonly db: pg.Pool,
    private readonly secrets: SecretBox,
    private readonly snapshot: Snapshot,
  ) {}

  async loadAll(): Promise<void> {
    await this.loadConfig();
    const members = await this.readMembers(null);
    this.snapshot.replaceAllMembers(members);
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
    const fresh = await this.readMembers(ids);
    const result = new Map<string, MemberEntry | null>(ids.map((id) => [id, null]));
    for (const m of fresh) result.set(m.id, m);
    for (const [id, entry] of result) this.snapshot.upsertMember(id, entry);
    return result;
  }

  private async readMembers(ids: string[] | null): Promise<MemberEntry[]> {
    const filter = ids ? 'and m.id = any($1::uuid[])' : '';
    const fk = (col: string) => (ids ? `where ${col} = any($1::uuid[])` : '');
    const params = ids ? [ids] : [];
    const [members, homes, groups, grants, devices, pmks] = await Promise.all([
      this.db.query(
        `select m.id, m.email, m.username, m.status, m.roaming, m.passphrase_enc, m.passphrase_version, m.nt_hash_enc
           from member m where m.status <> 'DELETED' ${filter}`,
        params,
      ),
      this.db.query(`select member_id, location_id from member_home_locations ${fk('member_id')}`, params),
      this.db.query(`select member_id, group_id from member_groups ${fk('member_id')}`, params),
      // Grants that ended more than a day ago can no longer allow anything.
      this.db.query(
        `select id, member_id, kind, location_id, starts_at, ends_at, cancelled_at, grants_wifi from access_grant
          where (effective_ends_at is null or effective_ends_at > now() - interval '1 day') ${ids ? 'and member_id = any($1::uuid[])' : ''}`,
        params,
      ),
      this.db.query(`select member_id, mac from device ${fk('member_id')}`, params),
      this.db.query(
        `select member_id, ssid, pmk_enc, passphrase_version from member_pmk ${fk('member_id')}`,
        params,
      ),
    ]);
    const byId = new Map<string, MemberEntry>();
    for (const r of members.rows) {
      const passphrase = r.passphrase_enc ? this.decrypt(r.passphrase_enc, SecretAad.passphrase(r.id)) : null;
      byId.set(r.id, {
        id: r.id,
        email: r.email,
        username: r.username,
        status: r.status as MemberStatus,
        roaming: r.roaming,
        passphrase: passphrase ? passphrase.toString('utf8') : null,
        passphraseVersion: r.passphrase_version,
        ntHash: r.nt_hash_enc ? this.decrypt(r.nt_hash_enc, SecretAad.ntHash(r.id)) : null,
        homeLocationIds: [],
        groupIds: [],
        grants: [],
        macs: [],
        pmks: new Map(),
      });
    }
    for (const r of homes.rows) byId.get(r.member_id)?.homeLocationIds.push(r.location_id);
    for (const r of groups.rows) byId.get(r.member_id)?.groupIds.push(r.group_id);
    for (const r of grants.rows) {
      const m = byId.get(r.member_id);
      if (!m) continue;
      const grant: GrantEntry = {
        id: r.id,
        kind: r.kind as GrantKind,
        locationId: r.location_id,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        cancelledAt: r.cancelled_at,
        grantsWifi: r.grants_wifi,
        timezone: r.location_id ? (this.snapshot.locations.get(r.location_id)?.timezone ?? null) : null,
      };
      m.grants.push(grant);
    }
    for (const r of devices.rows) byId.get(r.member_id)?.macs.push(r.mac);
    for (const r of pmks.rows) {
      const m = byId.get(r.member_id);
      if (!m || r.passphrase_version !== m.passphraseVersion) continue; // stale: a job is recomputing it
      const pmk = this.decrypt(r.pmk_enc, SecretAad.pmk(r.member_id, r.ssid));
      if (pmk) m.pmks.set(r.ssid, pmk);
    }
    return [...byId.values()];
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

/**
 * Reads Lanyard's state for one integration's sync (the input of sync-diff.ts) with a fixed number
 * of set-based queries, whatever the number of members.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UpstreamSnapshot } from '../integrations/connector.js';
import type { IntegrationSettings } from '../integrations/integration-settings.js';
import type { CurrentGrant, CurrentGroup, CurrentMember, SyncState } from './sync-diff.js';
import { normalizeEmail, upstreamPassphrase, usernameFor } from './sync-diff.js';

type Row = Record<string, unknown>;

/**
 * A member's version (SQL expression over `alias`, a member row): changes when the member row or any
 * of their grants is written or removed. A held plan records it to skip members changed since.
 */
export const memberVersionSql = (alias: string) =>
  `(${alias}.updated_at::text || '|' || (select coalesce(max(g.updated_at)::text, '-') || '|' || count(*)::text
                                         from access_grant g where g.member_id = ${alias}.id))`;
const json = (v: unknown) => JSON.stringify(v);
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

export async function loadSyncState(
  em: EntityManager,
  integrationId: string,
  snapshot: UpstreamSnapshot,
  settings: IntegrationSettings,
  fingerprint: (passphrase: string) => string,
): Promise<SyncState> {
  const emails = new Set<string>();
  const usernames = new Set<string>();
  const fingerprints = new Set<string>();
  for (const m of snapshot.members) {
    const e = normalizeEmail(m.email);
    if (!e) continue;
    emails.add(e);
    usernames.add(e);
    const u = usernameFor(settings, m, e);
    if (u) usernames.add(u);
    const p = upstreamPassphrase(settings, m);
    if (p) fingerprints.add(fingerprint(p));
  }
  const macs = new Set<string>();
  if (settings.checkInAccess)
    for (const c of snapshot.checkIns) for (const mac of c.macAddresses) macs.add(mac.trim().toLowerCase());

  const mappings: Row[] = await em.execute(
    'select external_id, location_id from location_mapping where integration_id = ?',
    [integrationId],
  );
  const locations: Row[] = await em.execute(
    'select id, timezone, vlan_pool_start is not null and vlan_pool_end is not null as has_pool from location',
  );

  // FULL: members linked to this integration, or matching an upstream email. PARTIAL: only the
  // people the snapshot is about — members with a source in its scope, matching an upstream email,
  // or holding a grant it names — since the diff leaves everyone else alone; the safety hold's
  // population is then counted apart.
  const partial = snapshot.scope.kind === 'PARTIAL';
  let scope: string;
  let params: unknown[];
  let grantRefs: string[] = [];
  if (!partial) {
    scope = `(select member_id as id from member_source where integration_id = ?
              union select id from member where email_normalized in (select jsonb_array_elements_text(?::jsonb)))`;
    params = [integrationId, json([...emails])];
  } else {
    const externalIds = new Set([
      ...(snapshot.scope.kind === 'PARTIAL' ? snapshot.scope.memberExternalIds : []),
      ...snapshot.members.map((m) => m.externalId),
    ]);
    grantRefs = [
      ...snapshot.memberships.map((m) => `membership:${m.externalId}`),
      ...snapshot.bookings.map((b) => `booking:${b.externalId}`),
      ...snapshot.checkIns.map((c) => `checkin:${c.externalId}`),
    ];
    scope = `(select member_id as id from member_source
               where integration_id = ? and external_id in (select jsonb_array_elements_text(?::jsonb))
              union select id from member where email_normalized in (select jsonb_array_elements_text(?::jsonb))
              union select member_id from access_grant
               where integration_id = ? and source_ref in (select jsonb_array_elements_text(?::jsonb)))`;
    params = [integrationId, json([...externalIds]), json([...emails]), integrationId, json(grantRefs)];
  }
  const memberRows: Row[] = await em.execute(
    `select m.id, m.email, m.email_normalized, m.full_name, m.company, m.username, m.status, m.passphrase_fingerprint,
            ${memberVersionSql('m')} as version
       from member m join ${scope} s on s.id = m.id`,
    params,
  );
  const homeRows: Row[] = await em.execute(
    `select h.member_id, h.location_id from member_home_locations h join ${scope} s on s.id = h.member_id`,
    params,
  );
  const groupRows: Row[] = await em.execute(
    `select g.member_id, g.group_id from member_groups g join ${scope} s on s.id = g.member_id`,
    params,
  );
  const sourceRows: Row[] = await em.execute(
    `select ms.member_id, ms.integration_id = ? as mine, ms.external_id, ms.disabled_by_sync
       from member_source ms join ${scope} s on s.id = ms.member_id`,
    [integrationId, ...params],
  );
  const otherGrantRows: Row[] = await em.execute(
    `select distinct g.member_id from access_grant g join ${scope} s on s.id = g.member_id
      where (g.integration_id is null or g.integration_id <> ?)
        and (g.effective_ends_at is null or g.effective_ends_at > now())`,
    [...params, integrationId],
  );

  const members = new Map<string, CurrentMember>();
  for (const r of memberRows)
    members.set(r.id as string, {
      id: r.id as string,
      email: r.email as string,
      emailNormalized: r.email_normalized as string,
      fullName: r.full_name as string,
      company: (r.company as string | null) ?? null,
      username: r.username as string,
      status: r.status as CurrentMember['status'],
      passphraseFingerprint: (r.passphrase_fingerprint as string | null) ?? null,
      homeLocationIds: [],
      groupIds: [],
      sourceExternalIds: [],
      disabledBySync: false,
      otherSources: false,
      otherGrantsInForce: false,
      version: r.version as string,
    });
  for (const r of homeRows) members.get(r.member_id as string)?.homeLocationIds.push(r.location_id as string);
  for (const r of groupRows) members.get(r.member_id as string)?.groupIds.push(r.group_id as string);
  for (const r of sourceRows) {
    const m = members.get(r.member_id as string);
    if (!m) continue;
    if (r.mine) {
      m.sourceExternalIds.push(r.external_id as string);
      if (r.disabled_by_sync) m.disabledBySync = true;
    } else m.otherSources = true;
  }
  for (const r of otherGrantRows) {
    const m = members.get(r.member_id as string);
    if (m) m.otherGrantsInForce = true;
  }

  const grantColumns = `id, member_id, source_ref, kind, location_id, starts_at, ends_at, cancelled_at, grants_wifi,
                        effective_starts_at, effective_ends_at`;
  const grantRows: Row[] = partial
    ? await em.execute(
        `select ${grantColumns} from access_grant
          where integration_id = ? and source_ref is not null
            and (member_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
                 or source_ref in (select jsonb_array_elements_text(?::jsonb)))`,
        [integrationId, json([...members.keys()]), json(grantRefs)],
      )
    : await em.execute(
        `select ${grantColumns} from access_grant where integration_id = ? and source_ref is not null`,
        [integrationId],
      );
  let population: number | undefined;
  if (partial) {
    const [row]: Row[] = await em.execute(
      `select count(distinct s.member_id)::int as n from member_source s join member m on m.id = s.member_id
        where s.integration_id = ? and m.status <> 'DELETED'`,
      [integrationId],
    );
    population = row?.n as number;
  }
  const grants: CurrentGrant[] = grantRows.map((r) => ({
    id: r.id as string,
    memberId: r.member_id as string,
    sourceRef: r.source_ref as string,
    kind: r.kind as CurrentGrant['kind'],
    locationId: (r.location_id as string | null) ?? null,
    startsAt: date(r.starts_at)!,
    endsAt: date(r.ends_at),
    cancelledAt: date(r.cancelled_at),
    grantsWifi: r.grants_wifi as boolean,
    effectiveStartsAt: date(r.effective_starts_at)!,
    effectiveEndsAt: date(r.effective_ends_at),
  }));

  const planGroupIds = settings.planMappings.map((m) => m.groupId).filter((g): g is string => !!g);
  // Members per group in one aggregate: member_groups is keyed (member_id, group_id), so a
  // subquery per group scanned the whole table once per group (seconds with 1,000 teams).
  const groupList: Row[] = await em.execute(
    `with g as (select * from access_group
                 where integration_id = ? or id::text in (select jsonb_array_elements_text(?::jsonb)))
     select g.id, case when g.integration_id = ? then g.external_id end as external_id, g.name, g.location_id,
            g.vlan_id, g.vlan_auto_allocated, coalesce(m.member_ids, '{}') as member_ids
       from g left join (select mg.group_id, array_agg(mg.member_id) as member_ids
                           from member_groups mg where mg.group_id in (select id from g) group by mg.group_id) m
              on m.group_id = g.id`,
    [integrationId, json(planGroupIds), integrationId],
  );
  const groups: CurrentGroup[] = groupList.map((r) => ({
    id: r.id as string,
    externalId: (r.external_id as string | null) ?? null,
    name: r.name as string,
    locationId: (r.location_id as string | null) ?? null,
    vlanId: (r.vlan_id as number | null) ?? null,
    vlanAutoAllocated: r.vlan_auto_allocated as boolean,
    memberIds: (r.member_ids as string[]) ?? [],
  }));

  const usernameOwners: SyncState['usernameOwners'] = {};
  if (usernames.size) {
    const rows: Row[] = await em.execute(
      `select id, username, status from member where username in (select jsonb_array_elements_text(?::jsonb))`,
      [json([...usernames])],
    );
    for (const r of rows)
      usernameOwners[r.username as string] = { memberId: r.id as string, deleted: r.status === 'DELETED' };
  }
  const fingerprintOwners: Record<string, string> = {};
  if (fingerprints.size) {
    const rows: Row[] = await em.execute(
      `select id, passphrase_fingerprint from member
        where passphrase_fingerprint in (select jsonb_array_elements_text(?::jsonb))`,
      [json([...fingerprints])],
    );
    for (const r of rows) fingerprintOwners[r.passphrase_fingerprint as string] = r.id as string;
  }
  const deviceOwners: Record<string, string> = {};
  if (macs.size) {
    const rows: Row[] = await em.execute(
      `select mac, member_id from device where mac in (select jsonb_array_elements_text(?::jsonb))`,
      [json([...macs])],
    );
    for (const r of rows) deviceOwners[r.mac as string] = r.member_id as string;
  }

  return {
    integrationId,
    locationMappings: Object.fromEntries(
      mappings.map((r) => [r.external_id as string, r.location_id as string]),
    ),
    locations: locations.map((r) => ({
      id: r.id as string,
      timezone: r.timezone as string,
      hasVlanPool: r.has_pool as boolean,
    })),
    members: [...members.values()],
    ...(population !== undefined ? { population } : {}),
    grants,
    groups,
    usernameOwners,
    fingerprintOwners,
    deviceOwners,
  };
}

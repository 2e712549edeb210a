/**
 * Writes a SyncPlan in the caller's transaction with set-based SQL (one statement per kind of
 * change and per chunk, never one ORM flush per member), then NOTIFYs inside the same transaction
 * so RADIUS only ever sees committed changes. Any error propagates: the caller rolls back.
 */
import { NotifyChannel } from '@lanyard/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../common/crypto/secret-box.js';
import { DomainError } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { Group } from '../entities/index.js';
import { notifyConfigChanged } from '../events/notify.js';
import type { GroupService } from '../features/groups/group.service.js';
import type { MemberCredentials } from '../features/members/member-credentials.js';
import type { PlannedPassphrase, SyncPlan } from './sync-plan.js';
import { memberVersionSql } from './sync-state.js';

const CHUNK = 2000;
const json = (v: unknown) => JSON.stringify(v);

export interface ApplyDeps {
  credentials: MemberCredentials;
  groups: GroupService;
  warn(message: string, data?: Record<string, unknown>): void;
}

export interface ApplyResult {
  /** Members created or brought back. */
  createdMemberIds: string[];
  /** Members whose passphrase is new: their PMKs must be computed. */
  passphraseMemberIds: string[];
}

/** AAD of an upstream passphrase kept in a held run's plan. */
export const planPassphraseAad = (integrationId: string, memberId: string) =>
  `sync_run.pending_plan:${integrationId}:${memberId}`;

/** Upstream passphrases in a plan that is about to be stored (held run) are encrypted. */
export function sealPlan(plan: SyncPlan, secrets: SecretBox): SyncPlan {
  const seal = (memberId: string, p: PlannedPassphrase | null): PlannedPassphrase | null =>
    p?.kind === 'UPSTREAM'
      ? {
          kind: 'UPSTREAM_ENC',
          token: secrets.encrypt(p.value, planPassphraseAad(plan.integrationId, memberId)),
        }
      : p;
  return {
    ...plan,
    members: {
      ...plan.members,
      create: plan.members.create.map((m) => ({ ...m, passphrase: seal(m.id, m.passphrase)! })),
      update: plan.members.update.map((m) => ({ ...m, passphrase: seal(m.id, m.passphrase) })),
    },
  };
}

async function chunked<T>(rows: T[], fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await fn(rows.slice(i, i + CHUNK));
}

export async function applySyncPlan(
  em: EntityManager,
  plan: SyncPlan,
  deps: ApplyDeps,
  secrets: SecretBox,
): Promise<ApplyResult> {
  const integrationId = plan.integrationId;
  const run = (sql: string, params: unknown[] = []) => em.execute(sql, params);

  // ---- locations upstream that Lanyard did not know yet ----------------------------------
  if (plan.locations.length) {
    const rows = (await run('select slug from location')) as unknown as Array<{ slug: string }>;
    const slugs = new Set(rows.map((r) => r.slug));
    for (const loc of plan.locations) {
      const slug = uniqueSlug(loc.name, slugs);
      slugs.add(slug);
      await run('insert into location (id, name, slug, timezone) values (?, ?, ?, ?)', [
        loc.id,
        loc.name,
        slug,
        loc.timezone,
      ]);
      await run(
        'insert into location_mapping (id, integration_id, external_id, external_name, location_id) values (?, ?, ?, ?, ?)',
        [uuidv7(), integrationId, loc.externalId, loc.name, loc.id],
      );
      await notifyConfigChanged(em, 'LOCATION', loc.id, 'CREATED');
    }
  }

  // ---- groups ---------------------------------------------------------------------------
  if (plan.groups.create.length)
    await run(
      `insert into access_group (id, name, origin, location_id, integration_id, external_id)
       select x.id, x.name, x.origin, x.location_id, ?, x.external_id
         from jsonb_to_recordset(?::jsonb) as x(id uuid, name text, origin text, location_id uuid, external_id text)`,
      [
        integrationId,
        json(
          plan.groups.create.map((g) => ({
            id: g.id,
            name: g.name,
            origin: g.origin,
            location_id: g.locationId,
            external_id: g.externalId,
          })),
        ),
      ],
    );
  for (const g of plan.groups.update) {
    // a group moving location gives its pool VLAN back; wantVlan asks for one at the new place
    await run(
      `update access_group set name = ?, location_id = ?, updated_at = now(),
              vlan_id = case when location_id is distinct from ?::uuid and vlan_auto_allocated then null else vlan_id end,
              vlan_auto_allocated = case when location_id is distinct from ?::uuid then false else vlan_auto_allocated end
        where id = ?`,
      [g.name, g.locationId, g.locationId, g.locationId, g.id],
    );
  }
  if (plan.groups.freeVlan.length)
    await run(
      `update access_group set vlan_id = null, vlan_auto_allocated = false, updated_at = now()
        where vlan_auto_allocated and id::text in (select jsonb_array_elements_text(?::jsonb))`,
      [json(plan.groups.freeVlan)],
    );
  for (const id of plan.groups.wantVlan) {
    const group = await em.findOne(Group, { id }, { populate: ['location'] });
    if (!group || !group.location) continue;
    try {
      await deps.groups.assignPoolVlan(em, group);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      deps.warn(`Group "${group.name}" gets no VLAN: ${err.message}`, { groupId: id, code: err.code });
    }
  }
  await em.flush();
  for (const g of plan.groups.create) await notifyConfigChanged(em, 'GROUP', g.id, 'CREATED');
  for (const id of new Set([
    ...plan.groups.update.map((g) => g.id),
    ...plan.groups.freeVlan,
    ...plan.groups.wantVlan,
  ]))
    await notifyConfigChanged(em, 'GROUP', id, 'UPDATED');

  // ---- members deleted ------------------------------------------------------------------
  if (plan.members.delete.length) {
    const ids = json(plan.members.delete);
    const inIds = `in (select jsonb_array_elements_text(?::jsonb)::uuid)`;
    await run(
      `update member set status = 'DELETED', deleted_at = now(), username = 'deleted:' || id, passphrase_enc = null,
              passphrase_fingerprint = null, nt_hash_enc = null, passphrase_version = passphrase_version + 1,
              updated_at = now()
        where id ${inIds}`,
      [ids],
    );
    for (const table of ['device', 'member_groups', 'member_pmk', 'member_session', 'magic_link'])
      await run(`delete from ${table} where member_id ${inIds}`, [ids]);
  }

  // ---- usernames held by deleted members are freed (as MemberService does) --------------
  const usernames = [...plan.members.create, ...plan.members.update].map((m) => m.username);
  if (usernames.length)
    await run(
      `update member set username = 'deleted:' || id
        where status = 'DELETED' and username <> 'deleted:' || id
          and username in (select jsonb_array_elements_text(?::jsonb))`,
      [json(usernames)],
    );

  // ---- passphrases ----------------------------------------------------------------------
  const wanted: Array<{ memberId: string; p: PlannedPassphrase }> = [
    ...plan.members.create.map((m) => ({ memberId: m.id, p: m.passphrase })),
    ...plan.members.update.filter((m) => m.passphrase).map((m) => ({ memberId: m.id, p: m.passphrase! })),
  ];
  const values = new Map<string, string>();
  for (const { memberId, p } of wanted) {
    if (p.kind === 'UPSTREAM') values.set(memberId, p.value);
    else if (p.kind === 'UPSTREAM_ENC')
      values.set(memberId, secrets.decryptString(p.token, planPassphraseAad(integrationId, memberId)));
  }
  const toGenerate = wanted.filter((w) => w.p.kind === 'GENERATE');
  if (toGenerate.length) {
    const reserved = new Set([...values.values()].map((v) => deps.credentials.fingerprint(v)));
    const generated = await deps.credentials.generateUniqueMany(em, toGenerate.length, reserved);
    toGenerate.forEach((w, i) => values.set(w.memberId, generated[i]!));
  }
  const sealed = (memberId: string) => {
    const v = values.get(memberId);
    if (v === undefined) return { passphrase_enc: null, passphrase_fingerprint: null, nt_hash_enc: null };
    const s = deps.credentials.sealed(memberId, v);
    return {
      passphrase_enc: s.passphraseEnc,
      passphrase_fingerprint: s.passphraseFingerprint,
      nt_hash_enc: s.ntHashEnc,
    };
  };
  const memberCols = `id uuid, email text, email_normalized text, full_name text, company text, username text,
                      status text, passphrase_enc text, passphrase_fingerprint text, nt_hash_enc text`;
  const memberRow = (m: SyncPlan['members']['update'][number] | SyncPlan['members']['create'][number]) => ({
    id: m.id,
    email: m.email,
    email_normalized: m.emailNormalized,
    full_name: m.fullName,
    company: m.company,
    username: m.username,
    status: m.status,
    ...sealed(m.id),
  });

  // ---- members created or brought back --------------------------------------------------
  const fresh = plan.members.create.filter((m) => !m.revive);
  await chunked(fresh, (chunk) =>
    run(
      `insert into member (id, email, email_normalized, full_name, company, username, status, roaming,
                           passphrase_enc, passphrase_fingerprint, nt_hash_enc, passphrase_version, passphrase_updated_at)
       select x.id, x.email, x.email_normalized, x.full_name, x.company, x.username, x.status, false,
              x.passphrase_enc, x.passphrase_fingerprint, x.nt_hash_enc, 1, now()
         from jsonb_to_recordset(?::jsonb) as x(${memberCols})`,
      [json(chunk.map(memberRow))],
    ),
  );
  const revived = plan.members.create.filter((m) => m.revive);
  await chunked(revived, (chunk) =>
    run(
      `update member m set email = x.email, email_normalized = x.email_normalized, full_name = x.full_name,
              company = x.company, username = x.username, status = x.status, deleted_at = null,
              passphrase_enc = x.passphrase_enc, passphrase_fingerprint = x.passphrase_fingerprint,
              nt_hash_enc = x.nt_hash_enc, passphrase_version = m.passphrase_version + 1,
              passphrase_updated_at = now(), updated_at = now()
         from jsonb_to_recordset(?::jsonb) as x(${memberCols}) where m.id = x.id`,
      [json(chunk.map(memberRow))],
    ),
  );

  // ---- members updated ------------------------------------------------------------------
  const plain = plan.members.update;
  await chunked(plain, (chunk) =>
    run(
      `update member m set email = x.email, email_normalized = x.email_normalized, full_name = x.full_name,
              company = x.company, username = x.username, status = x.status, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as x(id uuid, email text, email_normalized text, full_name text,
                                                company text, username text, status text)
        where m.id = x.id`,
      [
        json(
          chunk.map((m) => ({
            id: m.id,
            email: m.email,
            email_normalized: m.emailNormalized,
            full_name: m.fullName,
            company: m.company,
            username: m.username,
            status: m.status,
          })),
        ),
      ],
    ),
  );
  const rekeyed = plain.filter((m) => m.passphrase);
  await chunked(rekeyed, (chunk) =>
    run(
      `update member m set passphrase_enc = x.passphrase_enc, passphrase_fingerprint = x.passphrase_fingerprint,
              nt_hash_enc = x.nt_hash_enc, passphrase_version = m.passphrase_version + 1, passphrase_updated_at = now()
         from jsonb_to_recordset(?::jsonb) as x(${memberCols}) where m.id = x.id`,
      [json(chunk.map(memberRow))],
    ),
  );
  const passphraseMemberIds = [...plan.members.create.map((m) => m.id), ...rekeyed.map((m) => m.id)];
  const oldPmks = [...revived.map((m) => m.id), ...rekeyed.map((m) => m.id)];
  if (oldPmks.length)
    await run(
      `delete from member_pmk where member_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
      [json(oldPmks)],
    );

  // ---- sources --------------------------------------------------------------------------
  if (plan.sources.remove.length)
    await run(
      `delete from member_source where integration_id = ? and external_id in (select jsonb_array_elements_text(?::jsonb))`,
      [integrationId, json(plan.sources.remove)],
    );
  await chunked(plan.sources.add, (chunk) =>
    run(
      `insert into member_source (id, member_id, integration_id, external_id, last_seen_at)
       select x.id, x.member_id, ?, x.external_id, now()
         from jsonb_to_recordset(?::jsonb) as x(id uuid, member_id uuid, external_id text)
       on conflict (integration_id, external_id) do update set member_id = excluded.member_id, updated_at = now()`,
      [
        integrationId,
        json(chunk.map((s) => ({ id: s.id, member_id: s.memberId, external_id: s.externalId }))),
      ],
    ),
  );
  await chunked(plan.sources.setDisabledBySync, (chunk) =>
    run(
      `update member_source s set disabled_by_sync = x.value, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as x(member_id uuid, value boolean)
        where s.member_id = x.member_id and s.integration_id = ?`,
      [json(chunk.map((s) => ({ member_id: s.memberId, value: s.value }))), integrationId],
    ),
  );

  // ---- home locations and groups --------------------------------------------------------
  for (const [table, col, set] of [
    ['member_home_locations', 'location_id', plan.homeLocations],
    ['member_groups', 'group_id', plan.memberGroups],
  ] as const) {
    const pairs = (list: Array<{ memberId: string; locationId?: string; groupId?: string }>) =>
      json(list.map((p) => ({ member_id: p.memberId, other: p.locationId ?? p.groupId })));
    await chunked(set.remove as Array<{ memberId: string }>, (chunk) =>
      run(
        `delete from ${table} t using jsonb_to_recordset(?::jsonb) as x(member_id uuid, other uuid)
          where t.member_id = x.member_id and t.${col} = x.other`,
        [pairs(chunk)],
      ),
    );
    await chunked(set.add as Array<{ memberId: string }>, (chunk) =>
      run(
        `insert into ${table} (member_id, ${col})
         select x.member_id, x.other from jsonb_to_recordset(?::jsonb) as x(member_id uuid, other uuid)
         on conflict do nothing`,
        [pairs(chunk)],
      ),
    );
  }

  // ---- grants ---------------------------------------------------------------------------
  if (plan.grants.delete.length)
    await chunked(plan.grants.delete, (chunk) =>
      run(`delete from access_grant where id in (select jsonb_array_elements_text(?::jsonb)::uuid)`, [
        json(chunk),
      ]),
    );
  await chunked(plan.grants.upsert, (chunk) =>
    run(
      `insert into access_grant (id, member_id, kind, location_id, starts_at, ends_at, cancelled_at,
                                 effective_starts_at, effective_ends_at, grants_wifi, integration_id, source_ref)
       select x.id, x.member_id, x.kind, x.location_id, x.starts_at, x.ends_at, x.cancelled_at,
              x.effective_starts_at, x.effective_ends_at, x.grants_wifi, ?, x.source_ref
         from jsonb_to_recordset(?::jsonb) as x(id uuid, member_id uuid, kind text, location_id uuid,
              starts_at timestamptz, ends_at timestamptz, cancelled_at timestamptz, effective_starts_at timestamptz,
              effective_ends_at timestamptz, grants_wifi boolean, source_ref text)
       on conflict (integration_id, source_ref) do update set
              member_id = excluded.member_id, kind = excluded.kind, location_id = excluded.location_id,
              starts_at = excluded.starts_at, ends_at = excluded.ends_at, cancelled_at = excluded.cancelled_at,
              effective_starts_at = excluded.effective_starts_at, effective_ends_at = excluded.effective_ends_at,
              grants_wifi = excluded.grants_wifi, updated_at = now()`,
      [
        integrationId,
        json(
          chunk.map((g) => ({
            id: g.id,
            member_id: g.memberId,
            kind: g.kind,
            location_id: g.locationId,
            starts_at: g.startsAt,
            ends_at: g.endsAt,
            cancelled_at: g.cancelledAt,
            effective_starts_at: g.effectiveStartsAt,
            effective_ends_at: g.effectiveEndsAt,
            grants_wifi: g.grantsWifi,
            source_ref: g.sourceRef,
          })),
        ),
      ],
    ),
  );

  // ---- devices seen at check-in ---------------------------------------------------------
  await chunked(plan.devices.create, (chunk) =>
    run(
      `insert into device (id, member_id, mac, learned_by)
       select x.id, x.member_id, x.mac, 'UPSTREAM_CHECK_IN' from jsonb_to_recordset(?::jsonb) as x(id uuid, member_id uuid, mac text)
       on conflict (mac) do nothing`,
      [json(chunk.map((d) => ({ id: d.id, member_id: d.memberId, mac: d.mac })))],
    ),
  );

  // ---- emptied groups go, their VLANs back to the pool ----------------------------------
  if (plan.groups.delete.length) {
    await run(`delete from access_group where id in (select jsonb_array_elements_text(?::jsonb)::uuid)`, [
      json(plan.groups.delete),
    ]);
    for (const id of plan.groups.delete) await notifyConfigChanged(em, 'GROUP', id, 'DELETED');
  }

  // ---- RADIUS reloads every member whose access may have changed ------------------------
  const at = new Date().toISOString();
  await chunked(plan.notify, (chunk) =>
    run(
      `select count(pg_notify(?, json_build_object('memberId', x.member_id, 'reason', x.reason, 'at', ?::text)::text))
         from jsonb_to_recordset(?::jsonb) as x(member_id text, reason text)`,
      [
        NotifyChannel.memberChanged,
        at,
        json(chunk.map((n) => ({ member_id: n.memberId, reason: n.reason }))),
      ],
    ),
  );

  return { createdMemberIds: plan.members.create.map((m) => m.id), passphraseMemberIds };
}

/**
 * A held plan meets the present at confirmation: operations on members that changed meanwhile
 * (deleted, an email now taken by someone else, or any change to the member or their grants since
 * the plan was computed — `SyncPlan.memberVersions`) are dropped with a warning, with everything
 * that refers to them. The next run decides for them from fresh data.
 */
export async function recheckPlan(
  em: EntityManager,
  plan: SyncPlan,
  warn: (message: string, data?: Record<string, unknown>) => void,
): Promise<SyncPlan> {
  const ids = new Set<string>([
    ...plan.members.create.filter((m) => m.revive).map((m) => m.id),
    ...plan.members.update.map((m) => m.id),
    ...plan.members.delete,
    ...plan.grants.upsert.map((g) => g.memberId),
    ...plan.memberGroups.add.map((g) => g.memberId),
    ...plan.homeLocations.add.map((g) => g.memberId),
  ]);
  const fresh = plan.members.create.filter((m) => !m.revive);
  const rows: Array<{ id: string; email_normalized: string; status: string }> = await em.execute(
    `select id, email_normalized, status from member
      where id in (select jsonb_array_elements_text(?::jsonb)::uuid)
         or email_normalized in (select jsonb_array_elements_text(?::jsonb))`,
    [json([...ids]), json(fresh.map((m) => m.emailNormalized))],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byEmail = new Map(rows.map((r) => [r.email_normalized, r]));
  const drop = new Set<string>();
  const newIds = new Set(fresh.map((m) => m.id));
  for (const m of fresh) {
    if (byEmail.has(m.emailNormalized)) drop.add(m.id);
  }
  for (const m of plan.members.create.filter((c) => c.revive))
    if (byId.get(m.id)?.status !== 'DELETED') drop.add(m.id);
  for (const id of [...plan.members.update.map((m) => m.id), ...plan.members.delete])
    if (!byId.has(id) || byId.get(id)!.status === 'DELETED') drop.add(id);
  for (const id of ids) if (!byId.has(id) && !newIds.has(id)) drop.add(id);
  const versions = plan.memberVersions ?? {};
  if (Object.keys(versions).length) {
    const now: Array<{ id: string; version: string }> = await em.execute(
      `select m.id, ${memberVersionSql('m')} as version from member m
        where m.id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
      [json(Object.keys(versions))],
    );
    const current = new Map(now.map((r) => [r.id, r.version]));
    for (const [id, v] of Object.entries(versions)) if (current.get(id) !== v) drop.add(id);
  }
  if (drop.size === 0) return plan;
  warn(`${drop.size} members changed since this run was held: their part of the plan is skipped`, {
    memberIds: [...drop].slice(0, 50),
  });
  const keep = <T extends { memberId: string }>(list: T[]) => list.filter((x) => !drop.has(x.memberId));
  // grants and sources to delete are named by their own ids: keep those of members not dropped
  const grantOwners: Array<{ id: string; member_id: string }> = plan.grants.delete.length
    ? await em.execute(
        `select id, member_id from access_grant where id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
        [json(plan.grants.delete)],
      )
    : [];
  const droppedGrants = new Set(grantOwners.filter((g) => drop.has(g.member_id)).map((g) => g.id));
  const sourceOwners: Array<{ external_id: string; member_id: string }> = plan.sources.remove.length
    ? await em.execute(
        `select external_id, member_id from member_source
          where integration_id = ? and external_id in (select jsonb_array_elements_text(?::jsonb))`,
        [plan.integrationId, json(plan.sources.remove)],
      )
    : [];
  const droppedSources = new Set(sourceOwners.filter((o) => drop.has(o.member_id)).map((o) => o.external_id));
  return {
    ...plan,
    members: {
      create: plan.members.create.filter((m) => !drop.has(m.id)),
      update: plan.members.update.filter((m) => !drop.has(m.id)),
      delete: plan.members.delete.filter((id) => !drop.has(id)),
    },
    sources: {
      add: keep(plan.sources.add),
      remove: plan.sources.remove.filter((e) => !droppedSources.has(e)),
      setDisabledBySync: keep(plan.sources.setDisabledBySync),
    },
    homeLocations: { add: keep(plan.homeLocations.add), remove: keep(plan.homeLocations.remove) },
    memberGroups: { add: keep(plan.memberGroups.add), remove: keep(plan.memberGroups.remove) },
    grants: {
      upsert: keep(plan.grants.upsert),
      delete: plan.grants.delete.filter((g) => !droppedGrants.has(g)),
    },
    devices: { create: keep(plan.devices.create) },
    notify: keep(plan.notify),
  };
}

function uniqueSlug(name: string, taken: Set<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 55)
      .replace(/-+$/g, '') || 'location';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

import { SecretAad } from '@lanyard/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../common/crypto/secret-box.js';
import { uuidv7 } from '../common/ids.js';
import { computePmk } from '../domain/credentials/index.js';
import { Location, Member, MemberPmk, MemberStatus } from '../entities/index.js';
import { notifyMemberChanged } from '../events/notify.js';

/** Every SSID of the deployment: a roaming member may join any of them, and PMKs are cheap to store. */
export async function allSsids(em: EntityManager): Promise<string[]> {
  const locations = await em.find(Location, {}, { fields: ['ssids'] });
  return [...new Set(locations.flatMap((l) => l.ssids))].sort();
}

/**
 * Computes the member's PMK for every SSID (PBKDF2, 4096 rounds: ~2 ms each, never in a request).
 * Idempotent; a PMK is written only if the passphrase it came from is still the current one, so
 * a rotation racing with the job cannot leave a stale key behind.
 */
export async function computeMemberPmks(
  em: EntityManager,
  secrets: SecretBox,
  memberId: string,
): Promise<number> {
  const member = await em.findOne(Member, { id: memberId }, { populate: ['passphraseEnc'] });
  if (!member || member.status === MemberStatus.DELETED || !member.passphraseEnc) {
    await em.nativeDelete(MemberPmk, { member: memberId });
    return 0;
  }
  const passphrase = secrets.decryptString(member.passphraseEnc, SecretAad.passphrase(member.id));
  const version = member.passphraseVersion;
  const ssids = await allSsids(em);
  const existing = await em.find(MemberPmk, { member: memberId });
  const missing = ssids.filter((s) => !existing.some((e) => e.ssid === s && e.passphraseVersion === version));
  const computed = await Promise.all(
    missing.map(async (ssid) => ({ ssid, pmk: await computePmk(passphrase, ssid) })),
  );
  let written = 0;
  await em.transactional(async (tem) => {
    const current = await tem.findOne(
      Member,
      { id: memberId },
      { fields: ['passphraseVersion'], lockMode: 4 /* PESSIMISTIC_WRITE */ },
    );
    if (!current || current.passphraseVersion !== version) return;
    await tem.nativeDelete(MemberPmk, {
      member: memberId,
      $or: [{ ssid: { $nin: ssids } }, { passphraseVersion: { $ne: version } }],
    });
    for (const { ssid, pmk } of computed) {
      await tem.execute(
        `insert into member_pmk (id, member_id, ssid, pmk_enc, passphrase_version) values (?, ?, ?, ?, ?)
         on conflict (member_id, ssid) do update
           set pmk_enc = excluded.pmk_enc, passphrase_version = excluded.passphrase_version, updated_at = now()`,
        [uuidv7(), memberId, ssid, secrets.encrypt(pmk, SecretAad.pmk(memberId, ssid)), version],
      );
      written++;
    }
    if (written > 0) await notifyMemberChanged(tem as EntityManager, memberId, 'PMK_COMPUTED');
  });
  return written;
}

/** Members whose PMKs are missing or stale for some SSID. */
export async function membersNeedingPmks(em: EntityManager, limit = 5000): Promise<string[]> {
  const rows: Array<{ id: string }> = await em.execute(
    `select m.id from member m
      cross join (select distinct unnest(ssids) as ssid from location) s
      left join member_pmk p on p.member_id = m.id and p.ssid = s.ssid and p.passphrase_version = m.passphrase_version
     where m.status <> 'DELETED' and m.passphrase_enc is not null and p.id is null
     group by m.id
     limit ?`,
    [limit],
  );
  return rows.map((r) => r.id);
}

import { SecretAad } from '@lanyard/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../../common/crypto/secret-box.js';
import { DomainError, ErrorCode } from '../../common/errors.js';
import {
  CredentialError,
  generatePassphrase,
  ntHash,
  validatePassphrase,
} from '../../domain/credentials/index.js';
import { Member, MemberPmk } from '../../entities/index.js';

const FINGERPRINT_PURPOSE = 'member-passphrase';

/**
 * A member's personal passphrase and what derives from it. The passphrase is unique across the
 * whole deployment (which implies unique per SSID, as unbound PPSK needs), enforced through a keyed
 * fingerprint column with a unique index.
 */
export class MemberCredentials {
  constructor(private readonly secrets: SecretBox) {}

  fingerprint(passphrase: string): string {
    return this.secrets.fingerprint(passphrase, FINGERPRINT_PURPOSE);
  }

  /** Validates and stores `passphrase` (or a fresh generated one) on the member; PMKs are left to the job. */
  async assign(em: EntityManager, member: Member, passphrase?: string): Promise<void> {
    let value = passphrase;
    if (value === undefined) {
      value = await this.generateUnique(em);
    } else {
      try {
        validatePassphrase(value);
      } catch (err) {
        if (err instanceof CredentialError) {
          throw new DomainError(ErrorCode.PASSPHRASE_INVALID, err.message, { reason: err.code });
        }
        throw err;
      }
      const fp = this.fingerprint(value);
      const owner = await em.findOne(Member, { passphraseFingerprint: fp }, { fields: ['id'] });
      if (owner && owner.id !== member.id) {
        throw new DomainError(
          ErrorCode.PASSPHRASE_IN_USE,
          'This passphrase cannot be used: choose another one',
        );
      }
      if (owner && owner.id === member.id) {
        throw new DomainError(ErrorCode.PASSPHRASE_IN_USE, 'This is already the current passphrase');
      }
    }
    member.passphraseEnc = this.secrets.encrypt(value, SecretAad.passphrase(member.id));
    member.passphraseFingerprint = this.fingerprint(value);
    member.ntHashEnc = this.secrets.encrypt(ntHash(value), SecretAad.ntHash(member.id));
    member.passphraseVersion += 1;
    member.passphraseUpdatedAt = new Date();
    // PMKs of the old passphrase must not authenticate anyone while the job recomputes them.
    await em.nativeDelete(MemberPmk, { member: member.id });
  }

  /**
   * The stored form of `passphrase` for member `memberId` (for set-based writes such as the sync's):
   * encrypted passphrase, fingerprint and encrypted NT hash. Validation and uniqueness are the caller's.
   */
  sealed(
    memberId: string,
    passphrase: string,
  ): { passphraseEnc: string; passphraseFingerprint: string; ntHashEnc: string } {
    return {
      passphraseEnc: this.secrets.encrypt(passphrase, SecretAad.passphrase(memberId)),
      passphraseFingerprint: this.fingerprint(passphrase),
      ntHashEnc: this.secrets.encrypt(ntHash(passphrase), SecretAad.ntHash(memberId)),
    };
  }

  /** `count` generated passphrases, unique among themselves and against every member's, in one query per round. */
  async generateUniqueMany(
    em: EntityManager,
    count: number,
    reserved: Set<string> = new Set(),
  ): Promise<string[]> {
    const out: string[] = [];
    const taken = new Set(reserved);
    for (let round = 0; round < 10 && out.length < count; round++) {
      const candidates = new Map<string, string>();
      while (candidates.size < count - out.length) {
        const p = generatePassphrase();
        const fp = this.fingerprint(p);
        if (!taken.has(fp)) candidates.set(fp, p);
      }
      const rows: Array<{ f: string }> = await em.execute(
        'select passphrase_fingerprint f from member where passphrase_fingerprint in (select jsonb_array_elements_text(?::jsonb))',
        [JSON.stringify([...candidates.keys()])],
      );
      const used = new Set(rows.map((r) => r.f));
      for (const [fp, p] of candidates) {
        if (used.has(fp)) continue;
        taken.add(fp);
        out.push(p);
      }
    }
    if (out.length < count) throw new Error('Could not generate unique passphrases in 10 rounds');
    return out;
  }

  async clear(em: EntityManager, member: Member): Promise<void> {
    member.passphraseEnc = null;
    member.passphraseFingerprint = null;
    member.ntHashEnc = null;
    member.passphraseVersion += 1;
    await em.nativeDelete(MemberPmk, { member: member.id });
  }

  reveal(member: Member): string | null {
    if (!member.passphraseEnc) return null;
    return this.secrets.decryptString(member.passphraseEnc, SecretAad.passphrase(member.id));
  }

  private async generateUnique(em: EntityManager): Promise<string> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const candidate = generatePassphrase();
      if (!(await em.count(Member, { passphraseFingerprint: this.fingerprint(candidate) }))) return candidate;
    }
    throw new Error('Could not generate a unique passphrase in 10 attempts');
  }
}

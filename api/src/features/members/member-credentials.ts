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

import { SecretAad } from '@lanyard/schema';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { SecretBox } from '../common/crypto/secret-box.js';
import type { Integration } from '../entities/index.js';
import {
  UpstreamError,
  UpstreamErrorCode,
  type CredentialStore,
  type StoredCredentials,
} from '../integrations/connector.js';

/** Encrypts connector credentials for Integration.credentialsEnc, bound to the integration's row. */
export function sealCredentials(
  secrets: SecretBox,
  integrationId: string,
  credentials: StoredCredentials,
): string {
  return secrets.encrypt(JSON.stringify(credentials), SecretAad.integrationCredentials(integrationId));
}

/**
 * Integration.credentialsEnc as a connector sees it. `save` commits at once on its own connection,
 * so a refreshed Nexudus token survives a run that fails later.
 */
export class IntegrationCredentialStore implements CredentialStore {
  private readonly em: EntityManager;

  constructor(
    orm: MikroORM,
    private readonly secrets: SecretBox,
    private readonly integration: Pick<Integration, 'id'>,
  ) {
    this.em = orm.em.fork();
  }

  async load(): Promise<StoredCredentials> {
    const [row]: Array<{ c: string | null }> = await this.em.execute(
      'select credentials_enc c from integration where id = ?',
      [this.integration.id],
    );
    if (!row?.c)
      throw new UpstreamError(
        UpstreamErrorCode.UNAUTHORIZED,
        'The integration has no stored credentials: reconnect it',
      );
    try {
      return JSON.parse(
        this.secrets.decryptString(row.c, SecretAad.integrationCredentials(this.integration.id)),
      ) as StoredCredentials;
    } catch {
      throw new UpstreamError(
        UpstreamErrorCode.UNAUTHORIZED,
        'The stored credentials cannot be read: reconnect the integration',
      );
    }
  }

  async save(credentials: StoredCredentials): Promise<void> {
    const expiresAt = credentials.kind === 'NEXUDUS' ? new Date(credentials.expiresAt) : null;
    await this.em.execute(
      'update integration set credentials_enc = ?, token_expires_at = ?, updated_at = now() where id = ?',
      [
        sealCredentials(this.secrets, this.integration.id, credentials),
        expiresAt && Number.isFinite(expiresAt.getTime()) ? expiresAt : null,
        this.integration.id,
      ],
    );
  }
}

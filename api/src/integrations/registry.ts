import type { IntegrationKind } from '../entities/enums.js';
import type { Integration } from '../entities/integration.entity.js';
import type { ConnectRequest, Connector, CredentialStore, StoredCredentials } from './connector.js';

/** Turns an integration into a working connector; injected so that tests can use fakes. */
export interface ConnectorRegistry {
  /** Exchanges what the admin typed (Nexudus email+password+TOTP, Andcards client id+secret) for storable credentials. */
  connect(kind: IntegrationKind, request: ConnectRequest): Promise<StoredCredentials>;
  create(integration: Integration, credentials: CredentialStore): Connector;
  /** The vendor's API root used when an integration does not override it. */
  defaultBaseUrl(kind: IntegrationKind): string;
}

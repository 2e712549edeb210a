import type { IntegrationKind } from '../entities/enums.js';
import type { Integration } from '../entities/integration.entity.js';
import type {
  ConnectRequest,
  Connector,
  CredentialStore,
  StoredCredentials,
  WebhookEffect,
  WebhookRequest,
} from './connector.js';

/** Turns an integration into a working connector; injected so that tests can use fakes. */
export interface ConnectorRegistry {
  /** Exchanges what the admin typed (Nexudus email+password+TOTP, Andcards client id+secret) for storable credentials. */
  connect(kind: IntegrationKind, request: ConnectRequest): Promise<StoredCredentials>;
  create(integration: Integration, credentials: CredentialStore): Connector;
  /**
   * Checks a webhook delivery's signature (when `secret` is set) and parses its body; needs no
   * connector and no credentials. Throws UpstreamError (WEBHOOK_SIGNATURE_INVALID / WEBHOOK_MALFORMED).
   */
  parseWebhook(
    kind: IntegrationKind,
    request: WebhookRequest,
    secret: string | null,
    now: Date,
  ): WebhookEffect;
  /** The vendor's API root used when an integration does not override it. */
  defaultBaseUrl(kind: IntegrationKind): string;
}

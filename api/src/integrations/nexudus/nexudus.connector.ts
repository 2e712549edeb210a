import type {
  ConnectRequest,
  Connector,
  ConnectorOptions,
  FetchOptions,
  StoredCredentials,
  UpstreamSnapshot,
  WebhookEffect,
  WebhookRequest,
} from '../connector.js';
import { UpstreamError, UpstreamErrorCode } from '../connector.js';

/** The one host of the Nexudus admin REST API (coworking-apis.md §1.1). */
export const NEXUDUS_DEFAULT_BASE_URL = 'https://spaces.nexudus.com';

export function createNexudusConnector(opts: ConnectorOptions): Connector {
  void opts;
  return {
    fetchSnapshot(options: FetchOptions): Promise<UpstreamSnapshot> {
      void options;
      return Promise.reject(new UpstreamError(UpstreamErrorCode.UNAVAILABLE, 'Nexudus: not implemented yet'));
    },
    parseWebhook(request: WebhookRequest, secret: string | null, now: Date): WebhookEffect {
      void request;
      void secret;
      void now;
      throw new UpstreamError(UpstreamErrorCode.WEBHOOK_MALFORMED, 'Nexudus: not implemented yet');
    },
  };
}

export function connectNexudus(req: ConnectRequest): Promise<StoredCredentials> {
  void req;
  return Promise.reject(new UpstreamError(UpstreamErrorCode.UNAVAILABLE, 'Nexudus: not implemented yet'));
}

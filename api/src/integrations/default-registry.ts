import { IntegrationKind } from '../entities/enums.js';
import {
  connectAndcards,
  createAndcardsConnector,
  parseAndcardsWebhook,
  ANDCARDS_DEFAULT_BASE_URL,
} from './andcards/andcards.connector.js';
import {
  connectNexudus,
  createNexudusConnector,
  NEXUDUS_DEFAULT_BASE_URL,
  NexudusReferenceCache,
} from './nexudus/nexudus.connector.js';
import { parseNexudusWebhook } from './nexudus/nexudus.webhook.js';
import type { Integration } from '../entities/index.js';
import type { ConnectorRegistry } from './registry.js';

/** The production connectors. Tests inject their own registry (test-support/fake-connector.ts). */
export function defaultConnectorRegistry(): ConnectorRegistry {
  // One per integration and API address, for the life of the process.
  const nexudusCaches = new Map<string, NexudusReferenceCache>();
  const nexudusCache = (integration: Integration) => {
    const key = `${integration.id} ${integration.baseUrl}`;
    let cache = nexudusCaches.get(key);
    if (!cache) nexudusCaches.set(key, (cache = new NexudusReferenceCache()));
    return cache;
  };
  return {
    connect: (kind, request) =>
      kind === IntegrationKind.NEXUDUS ? connectNexudus(request) : connectAndcards(request),
    create: (integration, credentials) => {
      const opts = { baseUrl: integration.baseUrl, credentials };
      return integration.kind === IntegrationKind.NEXUDUS
        ? createNexudusConnector({ ...opts, referenceCache: nexudusCache(integration) })
        : createAndcardsConnector(opts);
    },
    parseWebhook: (kind, request, secret, now) =>
      kind === IntegrationKind.NEXUDUS
        ? parseNexudusWebhook(request, secret)
        : parseAndcardsWebhook(request, secret, now),
    defaultBaseUrl: (kind) =>
      kind === IntegrationKind.NEXUDUS ? NEXUDUS_DEFAULT_BASE_URL : ANDCARDS_DEFAULT_BASE_URL,
  };
}

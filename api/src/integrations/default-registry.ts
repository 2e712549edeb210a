import { IntegrationKind } from '../entities/enums.js';
import {
  connectAndcards,
  createAndcardsConnector,
  ANDCARDS_DEFAULT_BASE_URL,
} from './andcards/andcards.connector.js';
import {
  connectNexudus,
  createNexudusConnector,
  NEXUDUS_DEFAULT_BASE_URL,
} from './nexudus/nexudus.connector.js';
import type { ConnectorRegistry } from './registry.js';

/** The production connectors. Tests inject their own registry (test-support/fake-connector.ts). */
export function defaultConnectorRegistry(): ConnectorRegistry {
  return {
    connect: (kind, request) =>
      kind === IntegrationKind.NEXUDUS ? connectNexudus(request) : connectAndcards(request),
    create: (integration, credentials) => {
      const opts = { baseUrl: integration.baseUrl, credentials };
      return integration.kind === IntegrationKind.NEXUDUS
        ? createNexudusConnector(opts)
        : createAndcardsConnector(opts);
    },
    defaultBaseUrl: (kind) =>
      kind === IntegrationKind.NEXUDUS ? NEXUDUS_DEFAULT_BASE_URL : ANDCARDS_DEFAULT_BASE_URL,
  };
}

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; /metrics serves it in Prometheus text format. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lanyard_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'lanyard_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'lanyard_graphql_operations_total',
      help: 'GraphQL operations by type and outcome',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'lanyard_webhook_deliveries_total',
      help: 'Webhook deliveries by outcome (QUEUED, DUPLICATE, SIGNATURE_INVALID, MALFORMED, …)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    webhookUnverified: new Counter({
      name: 'lanyard_webhook_unverified_deliveries_total',
      help: 'Webhook deliveries accepted without a signature check (the integration has no webhook secret)',
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'lanyard_graphql_errors_total',
      help: 'GraphQL errors by code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

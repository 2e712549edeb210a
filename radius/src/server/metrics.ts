import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createRadiusMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lanyard_radius_' });
  return {
    registry,
    packets: new Counter({
      name: 'lanyard_radius_packets_total',
      help: 'RADIUS packets received, by port and code',
      labelNames: ['port', 'code'],
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'lanyard_radius_dropped_total',
      help: 'Datagrams dropped without a reply, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'lanyard_radius_decisions_total',
      help: 'Access decisions by method, result and reason',
      labelNames: ['method', 'result', 'reason'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'lanyard_radius_duplicates_total',
      help: 'Retransmissions answered from the reply cache (RFC 5080)',
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'lanyard_radius_request_seconds',
      help: 'Time from datagram to reply',
      labelNames: ['port'],
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [registry],
    }),
    members: new Gauge({
      name: 'lanyard_radius_snapshot_members',
      help: 'Members in the in-memory snapshot',
      registers: [registry],
    }),
    nasClients: new Gauge({
      name: 'lanyard_radius_snapshot_nas_clients',
      help: 'NAS clients in the snapshot',
      registers: [registry],
    }),
    openSessions: new Gauge({
      name: 'lanyard_radius_open_sessions',
      help: 'Open accounting sessions',
      registers: [registry],
    }),
    disconnects: new Counter({
      name: 'lanyard_radius_disconnects_total',
      help: 'Disconnect-Requests by result',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
export type RadiusMetrics = ReturnType<typeof createRadiusMetrics>;

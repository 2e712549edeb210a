import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1];
const PORTS = ['auth', 'acct'] as const;
type Port = (typeof PORTS)[number];
const METHODS = ['PAP', 'MAC_AUTH', 'PPSK', 'EAP_TTLS_PAP', 'PEAP_MSCHAPV2', 'NONE'] as const;
type Method = (typeof METHODS)[number];

/**
 * Per-request counting without prom-client on the hot path: prom-client builds and hashes a label
 * string on every inc/observe (≈ 5 % of the worker's CPU at peak). Counts go into plain arrays
 * here and are handed to prom-client when it collects (a scrape, or the cluster aggregator).
 */
class PacketCounts {
  private readonly counts = { auth: new Float64Array(256), acct: new Float64Array(256) };

  inc(port: Port, code: number): void {
    this.counts[port][code & 0xff]!++;
  }

  /** Moves the counts into `counter` (called from its collect()). */
  drainInto(counter: Counter<'port' | 'code'>): void {
    for (const port of PORTS) {
      const c = this.counts[port];
      for (let code = 0; code < 256; code++) {
        if (c[code]) {
          counter.inc({ port, code: String(code) }, c[code]);
          c[code] = 0;
        }
      }
    }
  }
}

class DecisionCounts {
  // reason → [accepted, rejected] × method
  private readonly byReason = new Map<string, Float64Array>();

  inc(method: Method, accepted: boolean, reason: string): void {
    let c = this.byReason.get(reason);
    if (!c) this.byReason.set(reason, (c = new Float64Array(METHODS.length * 2)));
    c[METHODS.indexOf(method) * 2 + (accepted ? 0 : 1)]!++;
  }

  drainInto(counter: Counter<'method' | 'result' | 'reason'>): void {
    for (const [reason, c] of this.byReason) {
      for (let i = 0; i < c.length; i++) {
        if (!c[i]) continue;
        counter.inc({ method: METHODS[i >> 1]!, result: i & 1 ? 'REJECT' : 'ACCEPT', reason }, c[i]);
        c[i] = 0;
      }
    }
  }
}

/** A prom-client-compatible histogram with one label (`port`) and fixed buckets, observed without allocation. */
class LatencyHistogram {
  readonly name = 'lanyard_radius_request_seconds';
  readonly help = 'Time from datagram to reply';
  private readonly buckets = {
    auth: new Float64Array(LATENCY_BUCKETS.length + 1),
    acct: new Float64Array(LATENCY_BUCKETS.length + 1),
  };
  private readonly sums = { auth: 0, acct: 0 };

  observe(port: Port, seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    this.buckets[port][i]!++;
    this.sums[port] += seconds;
  }

  /** Registry interface (what prom-client's own Histogram returns). */
  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }>;
  }> {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const port of PORTS) {
      const b = this.buckets[port];
      let acc = 0;
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        acc += b[i]!;
        values.push({
          labels: { le: LATENCY_BUCKETS[i]!, port },
          value: acc,
          metricName: `${this.name}_bucket`,
        });
      }
      acc += b[LATENCY_BUCKETS.length]!;
      values.push({
        labels: { le: '+Inf', port },
        value: acc,
        metricName: `${this.name}_bucket`,
      });
      values.push({
        labels: { port },
        value: this.sums[port],
        metricName: `${this.name}_sum`,
      });
      values.push({ labels: { port }, value: acc, metricName: `${this.name}_count` });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: 'histogram',
      values,
      aggregator: 'sum',
    });
  }

  reset(): void {
    for (const port of PORTS) {
      this.buckets[port].fill(0);
      this.sums[port] = 0;
    }
  }
}

/** What the metrics read from the EAP session store. */
interface EapSessionsView {
  readonly size: number;
  readonly counts: Record<'CREATED' | 'FINISHED' | 'EXPIRED' | 'FULL', number>;
}

interface AuthEventStats {
  eventsWritten: number;
  eventsRepeated: number;
  eventsDropped: number;
}

export function createRadiusMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lanyard_radius_' });
  const packetCounts = new PacketCounts();
  const decisionCounts = new DecisionCounts();
  const latency = new LatencyHistogram();
  registry.registerMetric(latency as unknown as Counter);
  const authEventSource: { stats: AuthEventStats | null } = { stats: null };
  const authEventsCounted = { written: 0, repeated: 0, dropped: 0 };
  // Read when scraped, so that the cluster aggregator (which never runs a worker's /metrics
  // handler) sees them too; every worker holds the whole snapshot and session list: max, not sum.
  const stateSource: {
    members: () => number;
    nasClients: () => number;
    openSessions: () => number;
    reloadFailures: () => number;
  } = { members: () => 0, nasClients: () => 0, openSessions: () => 0, reloadFailures: () => 0 };
  return {
    /** Set by the worker: what the snapshot, reload and session gauges read when scraped. */
    stateSource,
    /** Set by the worker to its WriteStore's counters. */
    authEventSource,
    authEvents: new Counter({
      name: 'lanyard_radius_auth_events_total',
      help: 'Auth events: rows written, decisions counted on an earlier identical row, dropped over the queue cap',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        const s = authEventSource.stats;
        if (!s) return;
        const now = { written: s.eventsWritten, repeated: s.eventsRepeated, dropped: s.eventsDropped };
        for (const outcome of ['written', 'repeated', 'dropped'] as const) {
          this.inc({ outcome }, now[outcome] - authEventsCounted[outcome]);
          authEventsCounted[outcome] = now[outcome];
        }
      },
    }),
    registry,
    packets: packetCounts,
    packetsTotal: new Counter({
      name: 'lanyard_radius_packets_total',
      help: 'RADIUS packets received, by port and code',
      labelNames: ['port', 'code'],
      registers: [registry],
      collect() {
        packetCounts.drainInto(this);
      },
    }),
    dropped: new Counter({
      name: 'lanyard_radius_dropped_total',
      help: 'Datagrams dropped without a reply, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    decisions: decisionCounts,
    decisionsTotal: new Counter({
      name: 'lanyard_radius_decisions_total',
      help: 'Access decisions by method, result and reason',
      labelNames: ['method', 'result', 'reason'],
      registers: [registry],
      collect() {
        decisionCounts.drainInto(this);
      },
    }),
    duplicates: new Counter({
      name: 'lanyard_radius_duplicates_total',
      help: 'Retransmissions answered from the reply cache (RFC 5080)',
      registers: [registry],
    }),
    latency,
    members: new Gauge({
      name: 'lanyard_radius_snapshot_members',
      help: 'Members in the in-memory snapshot',
      registers: [registry],
      aggregator: 'max',
      collect() {
        this.set(stateSource.members());
      },
    }),
    nasClients: new Gauge({
      name: 'lanyard_radius_snapshot_nas_clients',
      help: 'NAS clients in the snapshot',
      registers: [registry],
      aggregator: 'max',
      collect() {
        this.set(stateSource.nasClients());
      },
    }),
    snapshotReloadFailures: new Gauge({
      name: 'lanyard_radius_snapshot_reload_failures',
      help: 'Failed full snapshot reloads since the last success (above 0: serving a stale snapshot while retrying)',
      registers: [registry],
      aggregator: 'max',
      collect() {
        this.set(stateSource.reloadFailures());
      },
    }),
    openSessions: new Gauge({
      name: 'lanyard_radius_open_sessions',
      help: 'Open accounting sessions',
      registers: [registry],
      aggregator: 'max',
      collect() {
        this.set(stateSource.openSessions());
      },
    }),
    /** Registers the EAP conversation gauge and counters (read from the store when scraped). */
    observeEapSessions(store: EapSessionsView): void {
      const reported = { CREATED: 0, FINISHED: 0, EXPIRED: 0, FULL: 0 };
      new Gauge({
        name: 'lanyard_radius_eap_sessions',
        help: 'EAP conversations in progress',
        registers: [registry],
        collect() {
          this.set(store.size);
        },
      });
      new Counter({
        name: 'lanyard_radius_eap_sessions_total',
        help: 'EAP conversations by event: CREATED, FINISHED, EXPIRED (idle), FULL (refused at the cap)',
        labelNames: ['event'],
        registers: [registry],
        collect() {
          for (const event of Object.keys(reported) as Array<keyof typeof reported>) {
            const delta = store.counts[event] - reported[event];
            if (delta > 0) this.inc({ event }, delta);
            reported[event] = store.counts[event];
          }
        },
      });
    },
    eapRouted: new Counter({
      name: 'lanyard_radius_eap_routed_total',
      help: 'EAP datagrams handed to the worker holding their conversation (RADIUS_WORKERS > 1)',
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

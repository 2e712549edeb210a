import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { uuidv7 } from '@lanyard/api/ids';
import { Journal } from './journal.js';

export interface AuthEventRecord {
  at: Date;
  nasClientId: string;
  locationId: string;
  memberId: string | null;
  username: string | null;
  mac: string | null;
  method: string;
  result: 'ACCEPT' | 'REJECT';
  reason: string;
  vlanId: number | null;
  sessionTimeoutSeconds: number | null;
}

export type AcctStatus = 'START' | 'STOP' | 'INTERIM' | 'ON' | 'OFF';

export interface AccountingRecord {
  status: AcctStatus;
  at: string; // ISO
  nasClientId: string;
  nasIpAddress: string;
  acctUniqueId: string | null;
  acctSessionId: string | null;
  memberId: string | null;
  username: string | null;
  callingStationId: string | null;
  calledStationId: string | null;
  framedIpAddress: string | null;
  sessionTimeSeconds: number;
  inputOctets: string;
  outputOctets: string;
  inputPackets: string;
  outputPackets: string;
  terminateCause: string | null;
}

export const acctUniqueId = (
  nasClientId: string,
  acctSessionId: string,
  callingStationId: string | null,
): string =>
  createHash('sha256')
    .update(`${nasClientId}\0${acctSessionId}\0${callingStationId ?? ''}`)
    .digest('hex')
    .slice(0, 32);

/**
 * Every write the RADIUS worker makes, off the hot path. Auth events and learned devices are
 * batched and retried (bounded memory; the overflow is dropped and counted). Accounting is durable
 * before it is acknowledged: committed to Postgres, or fsynced to the journal when Postgres is down.
 */
export class WriteStore {
  private events: AuthEventRecord[] = [];
  private devices = new Map<string, string>(); // mac → memberId
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private lastReplay = 0;
  readonly stats = {
    eventsWritten: 0,
    eventsDropped: 0,
    accountingDirect: 0,
    accountingJournalled: 0,
    writeErrors: 0,
  };
  static readonly MAX_BUFFERED_EVENTS = 100_000;

  constructor(
    private readonly db: pg.Pool,
    private readonly journal: Journal<AccountingRecord>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.journal.init();
    // Small, frequent batches: serialising a batch blocks the event loop (and every request
    // waiting behind it) for a time proportional to its size.
    this.timer = setInterval(() => void this.flush(), 50);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Queues one auth event (hot path: a push; the oldest are dropped in bulk once over the cap). */
  authEvent(e: AuthEventRecord): void {
    this.events.push(e);
    // Allow 10 % over the cap, then drop the oldest in one splice (shift() per event is O(n)).
    if (this.events.length > WriteStore.MAX_BUFFERED_EVENTS * 1.1) {
      const drop = this.events.length - WriteStore.MAX_BUFFERED_EVENTS;
      this.events.splice(0, drop);
      this.stats.eventsDropped += drop;
    }
  }

  bindDevice(memberId: string, mac: string): void {
    this.devices.set(mac, memberId);
  }

  /** Resolves once the record is durable. */
  async accounting(rec: AccountingRecord): Promise<void> {
    try {
      await applyAccounting(this.db, [rec]);
      this.stats.accountingDirect++;
    } catch (err) {
      this.stats.writeErrors++;
      this.logger.warn({ err: (err as Error).message }, 'accounting write failed; journalling');
      await this.journal.append(rec);
      this.stats.accountingJournalled++;
    }
  }

  private readonly nasSeenWritten = new Map<string, number>();

  /** NasClient.last_seen_at for the access points in a batch, at most once a minute each. */
  private async markNasSeen(batch: AuthEventRecord[]): Promise<void> {
    const now = Date.now();
    const due = [...new Set(batch.map((e) => e.nasClientId))].filter(
      (id) => now - (this.nasSeenWritten.get(id) ?? 0) >= NAS_SEEN_INTERVAL_MS,
    );
    if (!due.length) return;
    try {
      await this.db.query('update nas_client set last_seen_at = now() where id = any($1::uuid[])', [due]);
      for (const id of due) this.nasSeenWritten.set(id, now);
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'NAS last-seen deferred');
    }
  }

  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    // The journal is looked at every 250 ms as before (two directory reads), events every tick.
    const now = Date.now();
    if (now - this.lastReplay >= 250 || !this.timer) {
      this.lastReplay = now;
      try {
        await this.journal.replay((records) => applyAccounting(this.db, records));
      } catch (err) {
        this.logger.debug({ err: (err as Error).message }, 'journal replay deferred');
      }
    }
    if (this.devices.size) {
      const batch = [...this.devices];
      this.devices.clear();
      try {
        await this.db.query(
          `with learned as (select * from unnest($1::text[], $2::uuid[]) as t(mac, member_id)),
                upserted as (
                  insert into device (id, member_id, mac, learned_by, first_seen_at, last_seen_at)
                  select gen_random_uuid(), l.member_id, l.mac, 'PPSK_MATCH', now(), now() from learned l
                  join member m on m.id = l.member_id
                  on conflict (mac) do update set member_id = excluded.member_id, last_seen_at = now(), learned_by = 'PPSK_MATCH'
                  returning member_id)
           select pg_notify('lanyard_member_changed', json_build_object('memberId', member_id, 'reason', 'DEVICES_CHANGED', 'at', now())::text)
             from (select distinct member_id from upserted) u`,
          [batch.map(([mac]) => mac), batch.map(([, id]) => id)],
        );
      } catch (err) {
        this.stats.writeErrors++;
        for (const [mac, id] of batch) if (!this.devices.has(mac)) this.devices.set(mac, id);
        this.logger.debug({ err: (err as Error).message }, 'device bindings deferred');
      }
    }
    // Drain everything queued, 2,000 per statement (not one batch per tick: under load the queue
    // would otherwise grow past its cap and drop events). One JSON parameter: JSON.stringify is
    // native and several times cheaper than pg serialising twelve parameter arrays in JS.
    while (this.events.length) {
      const batch = this.events.splice(0, 2000);
      const ids = uuidv7s(batch.map((e) => e.at.getTime()));
      try {
        await this.db.query(
          `insert into auth_event (id, created_at, updated_at, nas_client_id, location_id, member_id, username, mac, method, result, reason, vlan_id, session_timeout_seconds)
           select t.id, t.at, t.at, n.id, l.id, m.id, t.username, t.mac, t.method, t.result, t.reason, t.vlan, t.timeout
             from json_to_recordset($1::json)
                  as t(id uuid, at timestamptz, nas uuid, loc uuid, member uuid, username text, mac text, method text, result text, reason text, vlan int, timeout int)
             -- A NAS, location or member deleted meanwhile: keep the event, drop the dangling link.
             left join nas_client n on n.id = t.nas
             left join location l on l.id = t.loc
             left join member m on m.id = t.member`,
          [
            JSON.stringify(
              batch.map((e, i) => ({
                id: ids[i],
                at: e.at,
                nas: e.nasClientId,
                loc: e.locationId,
                member: e.memberId,
                username: e.username,
                mac: e.mac,
                method: e.method,
                result: e.result,
                reason: e.reason,
                vlan: e.vlanId,
                timeout: e.sessionTimeoutSeconds,
              })),
            ),
          ],
        );
        this.stats.eventsWritten += batch.length;
        await this.markNasSeen(batch);
      } catch (err) {
        this.stats.writeErrors++;
        this.events.unshift(...batch);
        if (this.events.length > WriteStore.MAX_BUFFERED_EVENTS) {
          const drop = this.events.length - WriteStore.MAX_BUFFERED_EVENTS;
          this.events.splice(0, drop);
          this.stats.eventsDropped += drop;
        }
        this.logger.debug({ err: (err as Error).message }, 'auth events deferred');
        break;
      }
    }
  }
}

/** How often one NAS's last_seen_at is written at most (the admin app shows it to the minute). */
export const NAS_SEEN_INTERVAL_MS = 60_000;

/**
 * UUIDv7s (the same layout as @lanyard/api's uuidv7) for a batch: one randomBytes and one hex
 * conversion per batch instead of per event.
 */
export function uuidv7s(times: number[]): string[] {
  const b = randomBytes(16 * times.length);
  for (let i = 0; i < times.length; i++) {
    const o = 16 * i;
    b.writeUIntBE(times[i]!, o, 6);
    b[o + 6] = 0x70 | (b[o + 6]! & 0x0f);
    b[o + 8] = 0x80 | (b[o + 8]! & 0x3f);
  }
  const h = b.toString('hex');
  const out: string[] = [];
  for (let i = 0; i < times.length; i++) {
    const o = 32 * i;
    out.push(
      `${h.slice(o, o + 8)}-${h.slice(o + 8, o + 12)}-${h.slice(o + 12, o + 16)}-${h.slice(o + 16, o + 20)}-${h.slice(o + 20, o + 32)}`,
    );
  }
  return out;
}

/** Applies accounting records in order, idempotently (replays and retransmissions are harmless). */
export async function applyAccounting(db: pg.Pool, records: AccountingRecord[]): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('begin');
    for (const r of records) {
      if (r.status === 'ON' || r.status === 'OFF') {
        await client.query(
          `update radius_session set stopped_at = $2, terminate_cause = $3, updated_at = now()
            where nas_client_id = $1 and stopped_at is null and started_at <= $2`,
          [r.nasClientId, r.at, r.status === 'ON' ? 'NAS-Reboot' : 'NAS-Request'],
        );
        continue;
      }
      if (!r.acctUniqueId || !r.acctSessionId) continue;
      await client.query(
        `insert into radius_session (id, nas_client_id, member_id, username, calling_station_id, called_station_id, acct_session_id,
             acct_unique_id, framed_ip_address, started_at, last_update_at, stopped_at, session_time_seconds, input_octets,
             output_octets, input_packets, output_packets, terminate_cause, nas_ip_address)
         values ($1, (select id from nas_client where id = $2), (select id from member where id = $3), coalesce($4, ''), $5, $6, $7, $8, $9, $10::timestamptz - make_interval(secs => $12), $10, $11, $12, $13, $14, $15, $16, $17, $18)
         on conflict (acct_unique_id) do update set
           member_id = coalesce(radius_session.member_id, excluded.member_id),
           framed_ip_address = coalesce(excluded.framed_ip_address, radius_session.framed_ip_address),
           last_update_at = greatest(radius_session.last_update_at, excluded.last_update_at),
           stopped_at = coalesce(radius_session.stopped_at, excluded.stopped_at),
           session_time_seconds = greatest(radius_session.session_time_seconds, excluded.session_time_seconds),
           input_octets = greatest(radius_session.input_octets, excluded.input_octets),
           output_octets = greatest(radius_session.output_octets, excluded.output_octets),
           input_packets = greatest(radius_session.input_packets, excluded.input_packets),
           output_packets = greatest(radius_session.output_packets, excluded.output_packets),
           terminate_cause = coalesce(excluded.terminate_cause, radius_session.terminate_cause),
           nas_ip_address = excluded.nas_ip_address,
           updated_at = now()`,
        [
          uuidv7(Date.parse(r.at)),
          r.nasClientId,
          r.memberId,
          r.username,
          r.callingStationId,
          r.calledStationId,
          r.acctSessionId,
          r.acctUniqueId,
          r.framedIpAddress,
          r.at,
          r.status === 'STOP' ? r.at : null,
          r.sessionTimeSeconds,
          r.inputOctets,
          r.outputOctets,
          r.inputPackets,
          r.outputPackets,
          r.terminateCause,
          r.nasIpAddress,
        ],
      );
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

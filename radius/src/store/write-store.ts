import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { uuidv7 } from '@lanyard/api/ids';
import { Journal } from './journal.js';

/** What makes two decisions the same auth event row (the time aside). */
export interface AuthDecisionFields {
  nasClientId: string;
  memberId: string | null;
  username: string | null;
  mac: string | null;
  method: string;
  result: 'ACCEPT' | 'REJECT';
  reason: string;
  vlanId: number | null;
}

export interface AuthEventRecord extends AuthDecisionFields {
  at: Date;
  locationId: string;
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

/** One auth event row as queued: a decision and how many identical ones followed it. */
interface QueuedEvent {
  rec: AuthEventRecord;
  key: string | null;
  id: string | null;
  count: number;
  /** Epoch ms of the latest repeat (a number: a Date per repeat would outlive young-generation GCs). */
  lastAt: number;
  /** repeat_count already committed (0 = row not inserted yet). */
  written: number;
  /** The row takes no repeats from then on, however they keep coming (first time + row span). */
  endsAt: number;
  /** When the count of a row still taking repeats is written next (if it grew). */
  writeDueAt: number;
  /** Dropped from the queue over its cap (never inserted): nothing of it is written any more. */
  dropped?: true;
}

export interface WriteStoreOptions {
  /**
   * An identical decision (same NAS, member, user name, MAC, method, result, reason and VLAN) less
   * than this many ms after the previous one is counted on its row (repeat_count, last_at) instead
   * of being a row; the grown count is written about once per window. 0 writes every decision as
   * its own row. Default 60 s.
   */
  repeatWindowMs?: number;
  /** A row takes repeats for at most this long after its first decision, then a new row starts. Default 1 h. */
  rowSpanMs?: number;
  /**
   * Count writes are spaced between (1 − jitter) and 1 window apart, so that rows opened together
   * (a restart, an outage, a benchmark) do not all reach the database together. Default 0.25.
   */
  repeatWindowJitter?: number;
}

/**
 * Every write the RADIUS worker makes, off the hot path. Auth events and learned devices are
 * batched and retried (bounded memory; the overflow is dropped and counted). Accounting is durable
 * before it is acknowledged: committed to Postgres, or fsynced to the journal when Postgres is down.
 *
 * Auth events: an access point retrying, or a client that fails and retries every second, makes
 * the same decision many times a minute. Like the "suppress repeated authentications" of
 * enterprise RADIUS products, the first one is written at once and the repeats that follow (each
 * less than a window after the previous, for up to an hour) only raise its repeat_count, written
 * about once a window while it grows and when the row ends (or at shutdown). A client that keeps
 * re-authenticating costs one insert an hour and one small update a minute instead of a row per
 * request, which keeps the activity log readable and PostgreSQL's share of the machine small.
 */
export class WriteStore {
  private events: QueuedEvent[] = [];
  /**
   * Rows still counting repeats, by member id (or user name when there is no member): a member
   * has few distinct decisions at a time, compared field by field. No composite key string per
   * request: building and hashing one cost more than the rest of the bookkeeping.
   */
  private readonly open = new Map<string, QueuedEvent[]>();
  private openCount = 0;
  /** Rows replaced in `open` by a newer window while repeats of theirs were still unwritten. */
  private closing: QueuedEvent[] = [];
  /**
   * When each open row is looked at next (epoch second → rows), about once a window per row: the
   * sweep reads only the rows whose time has come instead of every open row every second (tens of
   * thousands after a busy hour, a multi-millisecond stall of every request behind it).
   */
  private readonly checks = new Map<number, QueuedEvent[]>();
  /** The earliest second of `checks` not swept yet. */
  private checkedUpTo = 0;
  private devices = new Map<string, string>(); // mac → memberId
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private lastReplay = 0;
  private lastRepeatFlush = 0;
  private stopping = false;
  private readonly repeatWindowMs: number;
  private readonly rowSpanMs: number;
  private readonly repeatWindowJitter: number;
  readonly stats = {
    eventsWritten: 0,
    eventsRepeated: 0,
    eventsDropped: 0,
    accountingDirect: 0,
    accountingJournalled: 0,
    writeErrors: 0,
  };
  /** Open rows the repeat sweeps have looked at (tests: a sweep reads only the rows due). */
  readonly sweepStats = { rowsChecked: 0 };
  static readonly MAX_BUFFERED_EVENTS = 100_000;
  /** Auth event rows per statement. */
  static readonly WRITE_BATCH = 500;
  /** Distinct decisions tracked for repeats at once (a spray of random user names is not). */
  static readonly MAX_OPEN_REPEATS = 50_000;
  /** Distinct decisions tracked per member (a MAC spray on one account must not make scans long). */
  static readonly MAX_OPEN_PER_KEY = 16;
  /** How often rows whose window is over are looked for (their final count written). */
  static readonly REPEAT_SWEEP_MS = 1_000;

  constructor(
    private readonly db: pg.Pool,
    private readonly journal: Journal<AccountingRecord>,
    private readonly logger: Logger,
    options: WriteStoreOptions = {},
  ) {
    this.repeatWindowMs = options.repeatWindowMs ?? 60_000;
    this.rowSpanMs = Math.max(this.repeatWindowMs, options.rowSpanMs ?? 3_600_000);
    this.repeatWindowJitter = Math.min(1, Math.max(0, options.repeatWindowJitter ?? 0.25));
  }

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
    this.stopping = true;
    await this.flushing;
    await this.flush();
  }

  /**
   * Hot path: counts a decision on the open row of an identical one within the window and returns
   * true, allocating nothing; false when it must be queued with `authEvent`. `d` is only read.
   */
  countRepeat(d: AuthDecisionFields, atMs: number): boolean {
    if (this.repeatWindowMs <= 0) return false;
    const list = this.open.get(d.memberId ?? d.username ?? '');
    if (list === undefined) return false;
    for (const o of list) {
      if (sameDecision(o.rec, d)) {
        if (atMs < o.rec.at.getTime() || atMs >= o.lastAt + this.repeatWindowMs || atMs >= o.endsAt)
          return false;
        o.count++;
        if (atMs > o.lastAt) o.lastAt = atMs;
        this.stats.eventsRepeated++;
        return true;
      }
    }
    return false;
  }

  /**
   * Queues one auth event (a repeat within the window is counted on its row instead; the oldest
   * queued rows are dropped in bulk once over the cap).
   */
  authEvent(e: AuthEventRecord): void {
    if (!this.countRepeat(e, e.at.getTime())) this.queueNew(e);
  }

  /**
   * Queues a decision `countRepeat` just declined (the handler's path: the open rows are not
   * looked through a second time for a repeat, only for the ended row this one replaces).
   */
  queueNew(e: AuthEventRecord): void {
    const t = e.at.getTime();
    let key: string | null = null;
    let list: QueuedEvent[] | undefined;
    let o: QueuedEvent | undefined;
    if (this.repeatWindowMs > 0) {
      key = e.memberId ?? e.username ?? '';
      list = this.open.get(key);
      if (list !== undefined) {
        for (const c of list) {
          if (sameDecision(c.rec, e)) {
            o = c;
            break;
          }
        }
      }
      // o, if any, is a row that has ended (or a decision older than its first): replaced.
      if (o !== undefined && o.count > o.written) this.closing.push(o);
      if (
        o === undefined &&
        (this.openCount >= WriteStore.MAX_OPEN_REPEATS ||
          (list !== undefined && list.length >= WriteStore.MAX_OPEN_PER_KEY))
      )
        key = null;
    }
    const q: QueuedEvent = {
      rec: e,
      key,
      id: null,
      count: 1,
      lastAt: t,
      written: 0,
      endsAt: t + this.rowSpanMs,
      writeDueAt: this.nextCountWrite(t),
    };
    if (key !== null) {
      if (o !== undefined) {
        list![list!.indexOf(o)] = q;
        o.key = null; // out of `open`: its wheel slot is skipped
      } else if (list !== undefined) list.push(q);
      else this.open.set(key, [q]);
      if (o === undefined) this.openCount++;
    }
    this.events.push(q);
    // Allow 10 % over the cap, then drop the oldest in one splice (shift() per event is O(n)).
    if (this.events.length > WriteStore.MAX_BUFFERED_EVENTS * 1.1) {
      const drop = this.events.length - WriteStore.MAX_BUFFERED_EVENTS;
      for (const d of this.events.splice(0, drop)) {
        this.dropEvent(d);
      }
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
  private async markNasSeen(batch: QueuedEvent[]): Promise<void> {
    const now = Date.now();
    const due = [...new Set(batch.map((q) => q.rec.nasClientId))].filter(
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
    // Drain everything queued (not one batch per tick: under load the queue would otherwise grow
    // past its cap and drop events), WRITE_BATCH rows per statement: building a statement blocks the
    // event loop, so a burst of new rows (every member's first decision after a quiet spell) is
    // written in slices the requests waiting behind it can get between. One JSON parameter:
    // JSON.stringify is native and several times cheaper than pg serialising twelve arrays in JS.
    while (this.events.length) {
      const batch = this.events.splice(0, WriteStore.WRITE_BATCH);
      const fresh = batch.filter((q) => q.id === null);
      const ids = uuidv7s(fresh.map((q) => q.rec.at.getTime()));
      fresh.forEach((q, i) => (q.id = ids[i]!));
      const counts = batch.map((q) => q.count);
      try {
        await this.db.query(
          `insert into auth_event (id, created_at, updated_at, nas_client_id, location_id, member_id, username, mac, method, result, reason, vlan_id, session_timeout_seconds, repeat_count, last_at)
           select t.id, t.at, t.at, n.id, l.id, m.id, t.username, t.mac, t.method, t.result, t.reason, t.vlan, t.timeout, t.count, t.last
             from json_to_recordset($1::json)
                  as t(id uuid, at timestamptz, nas uuid, loc uuid, member uuid, username text, mac text, method text, result text, reason text, vlan int, timeout int, count int, last timestamptz)
             -- A NAS, location or member deleted meanwhile: keep the event, drop the dangling link.
             left join nas_client n on n.id = t.nas
             left join location l on l.id = t.loc
             left join member m on m.id = t.member
           -- A retried batch whose first attempt did commit (the connection failed after it).
           on conflict (id) do nothing`,
          [
            JSON.stringify(
              batch.map(({ id, rec: e, lastAt }, i) => ({
                id,
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
                count: counts[i],
                last: counts[i]! > 1 ? new Date(lastAt) : null,
              })),
            ),
          ],
        );
        this.stats.eventsWritten += batch.length;
        for (let i = 0; i < batch.length; i++) {
          const q = batch[i]!;
          // An open row joins the sweep once inserted (until then its count rides with the insert).
          if (q.written === 0 && q.key !== null) this.scheduleCheck(q, now + WriteStore.REPEAT_SWEEP_MS);
          q.written = counts[i]!;
        }
        await this.markNasSeen(batch);
      } catch (err) {
        this.stats.writeErrors++;
        this.events.unshift(...batch);
        if (this.events.length > WriteStore.MAX_BUFFERED_EVENTS) {
          for (const d of this.events.splice(0, this.events.length - WriteStore.MAX_BUFFERED_EVENTS)) {
            this.dropEvent(d);
          }
        }
        this.logger.debug({ err: (err as Error).message }, 'auth events deferred');
        return;
      }
    }
    // (A clock stepped back sweeps at once too, rather than waiting for the old time to come again.)
    if (
      now - this.lastRepeatFlush >= WriteStore.REPEAT_SWEEP_MS ||
      now < this.lastRepeatFlush ||
      this.stopping
    ) {
      this.lastRepeatFlush = now;
      // Stopping: every open window is written as it stands.
      await this.flushRepeats(this.stopping ? Infinity : now);
    }
  }

  /** When a row's grown count is written next: about a window from `from`, spread by the jitter. */
  private nextCountWrite(from: number): number {
    return from + Math.round(this.repeatWindowMs * (1 - this.repeatWindowJitter * Math.random()));
  }

  /**
   * Writes the grown repeat counts: of rows that have ended (then forgotten), and of rows still
   * taking repeats whose count write is due. A row not inserted yet carries its count in the insert.
   */
  private async flushRepeats(now: number): Promise<void> {
    const due: QueuedEvent[] = [];
    const waiting: QueuedEvent[] = [];
    for (const q of this.closing) {
      if (q.dropped) continue;
      if (q.written === 0) waiting.push(q);
      else if (q.count > q.written) due.push(q);
    }
    this.closing = waiting;
    for (const q of this.dueChecks(now)) {
      if (q.key === null) continue; // forgotten or replaced since it was scheduled
      this.sweepStats.rowsChecked++;
      const windowEnd = Math.min(q.lastAt + this.repeatWindowMs, q.endsAt);
      if (now >= windowEnd) {
        this.forget(q);
        if (q.count > q.written) due.push(q);
        continue;
      }
      if (q.count > q.written && now >= q.writeDueAt) {
        due.push(q);
        q.writeDueAt = this.nextCountWrite(now);
      }
      // Repeats move lastAt without touching the wheel: a row is looked at again when its window
      // could end or its next count write is due, whichever is first.
      this.scheduleCheck(q, Math.min(windowEnd, q.writeDueAt > now ? q.writeDueAt : windowEnd));
    }
    for (let i = 0; i < due.length; i += WriteStore.WRITE_BATCH) {
      const batch = due.slice(i, i + WriteStore.WRITE_BATCH);
      const counts = batch.map((q) => q.count);
      try {
        await this.db.query(
          `update auth_event a set repeat_count = greatest(a.repeat_count, t.count), last_at = greatest(a.last_at, t.last)
             from json_to_recordset($1::json) as t(id uuid, count int, last timestamptz)
            where a.id = t.id`,
          [JSON.stringify(batch.map((q, j) => ({ id: q.id, count: counts[j], last: new Date(q.lastAt) })))],
        );
        batch.forEach((q, j) => (q.written = counts[j]!));
        await this.markNasSeen(batch);
      } catch (err) {
        this.stats.writeErrors++;
        this.closing.push(...due.slice(i));
        this.logger.debug({ err: (err as Error).message }, 'auth event repeat counts deferred');
        return;
      }
    }
  }

  private scheduleCheck(q: QueuedEvent, atMs: number): void {
    const second = Math.max(Math.ceil(atMs / 1000), this.checkedUpTo);
    const slot = this.checks.get(second);
    if (slot) slot.push(q);
    else this.checks.set(second, [q]);
  }

  /** Takes the rows whose check time has come (every scheduled row when `now` is Infinity). */
  private dueChecks(now: number): QueuedEvent[] {
    const last = Math.floor(now / 1000);
    const seconds: number[] = [];
    if (last + 1 < this.checkedUpTo) {
      // The clock stepped back: every row is looked at now (each is re-slotted from the new time),
      // instead of nothing until the old time comes round again.
      seconds.push(...this.checks.keys());
      this.checkedUpTo = last + 1;
    } else if (last - this.checkedUpTo > this.checks.size) {
      // Long idle, a clock jump or shutdown: go by the slots that exist, not second by second.
      for (const second of this.checks.keys()) if (second <= last) seconds.push(second);
    } else {
      for (let second = this.checkedUpTo; second <= last; second++)
        if (this.checks.has(second)) seconds.push(second);
    }
    if (Number.isFinite(last)) this.checkedUpTo = Math.max(this.checkedUpTo, last + 1);
    const out: QueuedEvent[] = [];
    for (const second of seconds) {
      for (const q of this.checks.get(second)!) out.push(q);
      this.checks.delete(second);
    }
    return out;
  }

  private dropEvent(d: QueuedEvent): void {
    this.stats.eventsDropped += d.count;
    d.dropped = true;
    this.forget(d);
  }

  /** Stops counting repeats on a row (ended, or dropped from the queue). */
  private forget(q: QueuedEvent): void {
    const key = q.key;
    if (key === null) return;
    q.key = null;
    const list = this.open.get(key);
    const i = list ? list.indexOf(q) : -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (!list!.length) this.open.delete(key);
    this.openCount--;
  }

  /** Rows being counted for repeats (for tests and metrics). */
  get openRepeats(): number {
    return this.openCount;
  }
}

/** Whether two decisions show the same on an auth event row (the time and countdown aside). */
function sameDecision(a: AuthDecisionFields, b: AuthDecisionFields): boolean {
  return (
    a.nasClientId === b.nasClientId &&
    a.memberId === b.memberId &&
    a.username === b.username &&
    a.mac === b.mac &&
    a.method === b.method &&
    a.result === b.result &&
    a.reason === b.reason &&
    a.vlanId === b.vlanId
  );
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

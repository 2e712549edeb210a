// Offline HTTP simulator of the Nexudus admin REST API, built from
// /work/shared/reference/coworking-apis.md Part 1 ("§1.x" below). Node built-ins only.
//
// Routes: POST /api/token; /api/{spaces|billing|sys}/{entity}[/{id}|/runcommand].
// Quirks that are documented are implemented and cited; behaviour the reference leaves open is
// marked [I] and kept minimal.
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import {
  DATE_FIELDS,
  DEF_BY_KEY,
  ENTITY_DEFS,
  RELATIONS,
  SIMPLE_TIME_ZONES,
  entityForAction,
  type EntityDef,
  type EntityKey,
  type NexudusState,
  type NxBase,
  type NxBooking,
  type NxCoworkerContract,
  type NxTeam,
  type NxUser,
  type NxWebhook,
  type Op,
} from './entities.js';
import { seedCommunity, type SeedOptions } from './seed.js';
import { verifyTotp } from './totp.js';

export * from './entities.js';
export { totp, generateTotpSecret } from './totp.js';
export type { SeedOptions } from './seed.js';

type Json = Record<string, unknown>;

export type AuthKind = 'none' | 'basic' | 'bearer' | 'other';

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  auth: AuthKind;
  /** Email of the authenticated user, null when authentication failed or was absent. */
  user: string | null;
  contentType: string | null;
  clientId: string | null;
  status: number;
  /** Name of the injected fault that answered this request, if any. */
  fault: string | null;
}

export type Fault =
  /** §1.5: 409 + `Retry-After` + empty body (default), or 429 with body "Wait N seconds". */
  | { kind: 'throttle'; status?: 409 | 429; retryAfter?: number; body?: string; retryAfterHeader?: boolean }
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'unauthorized' }
  /** 200-ish response whose JSON body is corrupted (Content-Length consistent). */
  | { kind: 'malformed' }
  /** Content-Length of the full body, half of it sent, then the socket is destroyed. */
  | { kind: 'truncated' }
  /** A list page answered without its records, totals unchanged: a page gone missing. */
  | { kind: 'emptyPage' }
  /** Socket destroyed without any response. */
  | { kind: 'reset' }
  /** Wait, then answer normally (or with the next matching fault). */
  | { kind: 'delay'; ms: number }
  /** §1.4: HTTP 200 with `WasSuccessful:false` for a mutation. */
  | { kind: 'businessRuleFailure'; message?: string };

export interface FaultMatch {
  method?: string;
  /** Substring of, or RegExp tested against, the request path. */
  path?: string | RegExp;
  /** Query parameters that must all be present with these values (e.g. `{ page: '2' }`). */
  query?: Record<string, string>;
}

export interface WebhookDelivery {
  webhookId: number;
  url: string;
  action: number;
  body: string;
  signature: string | null;
  status: number | null;
  error: string | null;
}

export interface NexudusSimulatorOptions {
  seed?: number;
  now?: () => Date;
  /** Access-token lifetime in seconds; the docs example shows 604799 (§1.2). */
  accessTokenSeconds?: number;
  /** Refresh-token lifetime in days; 15 per old docs (§1.2). */
  refreshTokenDays?: number;
  /** Add the old `PageNumber`/`PageSize` duplicates to list envelopes (§1.3 [C-old]). */
  legacyEnvelope?: boolean;
  /** String `Entity_Field` filters: exact (case-insensitive) or substring. Not documented [I]. */
  stringFilterMode?: 'equals' | 'contains';
  /**
   * Present every record before filtering lists (the plain reading of the API). Default off: lists
   * present only the records a filter, the sort or the page needs, with the same answers (tests
   * compare both).
   */
  eagerLists?: boolean;
  /** Enforce the guideline limits (GET 10/100 ms, writes 60/min) with 409s (§1.5). Default off. */
  enforceRateLimits?: boolean;
  /** App shared secret used to sign webhooks created through `POST /api/sys/webhooks` (§1.12). */
  appSharedSecret?: string;
  /** Consecutive failed deliveries before a webhook is disabled (§1.12; the number is [I]). */
  webhookDisableAfter?: number;
  /** The default Nexudus user (Basic / password grant). */
  admin?: { email?: string; password?: string; totpSecret?: string | null };
}

export const DEFAULT_ADMIN = { email: 'admin@example.com', password: 'nexudus-sim-password' } as const;

interface TokenInfo {
  userId: number;
  clientId: string;
  expiresAt: number;
}

interface SimResponse {
  status: number;
  statusMessage?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
  match: FaultMatch;
}

const GENERIC_400 = 'Ooops! There was a problem while running this action. Please try again later.'; // §1.4

/** ISO-8601 UTC without milliseconds, as in the reference examples (§1.3). */
export function nxDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// One formatter per zone: building an Intl.DateTimeFormat per record made list pages of 10,000
// records cost seconds (every list request presents every record).
const localFormats = new Map<string, Intl.DateTimeFormat>();
// The twins are a pure function of (instant, zone): memoized, since every list request presents
// every record (bounded: cleared when it grows past 100,000 entries).
const localTwins = new Map<string, string>();
function localTwin(isoUtc: string | null, tz: string): string | null {
  if (!isoUtc) return null;
  const memoKey = `${tz}|${isoUtc}`;
  const memo = localTwins.get(memoKey);
  if (memo !== undefined) return memo;
  if (localTwins.size >= 100_000) localTwins.clear();
  const twin = formatLocal(isoUtc, tz);
  localTwins.set(memoKey, twin);
  return twin;
}

function formatLocal(isoUtc: string, tz: string): string {
  let format = localFormats.get(tz);
  if (!format)
    localFormats.set(
      tz,
      (format = new Intl.DateTimeFormat('en-CA', {
        timeZone: tz,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })),
    );
  const parts = format.formatToParts(new Date(isoUtc));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '00';
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}:${p('second')}`;
}

/** `YYYY-MM-DDTHH:mm` (§1.3), a bare date, or full ISO; no zone means UTC [I]. */
function parseFilterDate(q: string): number {
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(q.trim());
  if (!m) return NaN;
  let s = q.trim();
  if (!m[1]) s += 'T00:00:00';
  if (!m[4]) s += 'Z';
  return Date.parse(s);
}

/** `k` equals the lower-cased name, ignoring case (lengths first: cheap on records of 60 fields). */
const sameName = (k: string, lower: string) => k.length === lower.length && k.toLowerCase() === lower;

function findKey(rec: Json, name: string): string | undefined {
  if (name in rec) return name;
  const lower = name.toLowerCase();
  return Object.keys(rec).find((k) => sameName(k, lower));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A lookup by key over a list: the first few lookups scan the list, later ones use a map built
 * once (building a map over 10,000 records costs more than a handful of scans).
 */
class LazyIndex<V> {
  private map: Map<number, V> | null = null;
  private lookups = 0;
  constructor(
    private readonly build: () => Map<number, V>,
    private readonly scan: (key: number) => V | undefined,
  ) {}
  get(key: number): V | undefined {
    if (this.map) return this.map.get(key);
    if (++this.lookups <= 16) return this.scan(key);
    this.map = this.build();
    return this.map.get(key);
  }
}

function byIdIndex(records: NxBase[]): LazyIndex<Json> {
  return new LazyIndex(
    () => {
      const map = new Map<number, Json>();
      for (const r of records) map.set(r.Id, r);
      return map;
    },
    (id) => {
      for (let i = records.length - 1; i >= 0; i--) if (records[i]!.Id === id) return records[i]; // the map's last-wins
      return undefined;
    },
  );
}

/** Groups in list order, as `build` and `scan` both give them. */
function groupIndex<T>(records: T[], keysOf: (r: T) => number[]): LazyIndex<T[]> {
  return new LazyIndex(
    () => {
      const map = new Map<number, T[]>();
      for (const r of records)
        for (const k of keysOf(r)) {
          const xs = map.get(k);
          if (xs) xs.push(r);
          else map.set(k, [r]);
        }
      return map;
    },
    (key) => {
      const xs: T[] = [];
      for (const r of records) for (const k of keysOf(r)) if (k === key) xs.push(r);
      return xs.length ? xs : undefined;
    },
  );
}

/**
 * Read-time view of the state: indexes + derived fields, one per request. Indexes are made on first
 * use and scan until used often (a request for one coworker needs no index over 10,000 records).
 */
class View {
  readonly businesses: LazyIndex<Json>;
  readonly coworkers: LazyIndex<Json>;
  readonly tariffs: LazyIndex<Json>;
  readonly resources: LazyIndex<Json>;
  readonly resourceTypes: LazyIndex<Json>;
  readonly teamsByCoworker: LazyIndex<NxTeam[]>;
  readonly contractsByCoworker: LazyIndex<NxCoworkerContract[]>;

  constructor(
    readonly state: NexudusState,
    readonly now: number,
  ) {
    this.businesses = byIdIndex(state.businesses);
    this.coworkers = byIdIndex(state.coworkers);
    this.tariffs = byIdIndex(state.tariffs);
    this.resources = byIdIndex(state.resources);
    this.resourceTypes = byIdIndex(state.resourceTypes);
    this.teamsByCoworker = groupIndex(state.teams, (t) => t.TeamMembers);
    this.contractsByCoworker = groupIndex(state.coworkerContracts, (c) => [c.CoworkerId]);
  }

  byKey(key: EntityKey, id: number): Json | undefined {
    switch (key) {
      case 'businesses':
      case 'coworkers':
      case 'tariffs':
      case 'resources':
      case 'resourceTypes':
        return this[key].get(id);
      default:
        return (this.state[key] as NxBase[]).find((r) => r.Id === id);
    }
  }

  tz(businessId: unknown): string {
    const b = typeof businessId === 'number' ? this.businesses.get(businessId) : undefined;
    return SIMPLE_TIME_ZONES[(b?.SimpleTimeZoneId as number) ?? 1] ?? 'UTC';
  }

  /** Stored Active flag, turned off once the cancellation date has passed [I]. */
  contractActive(c: NxCoworkerContract): boolean {
    return c.Active && !(c.CancellationDate && Date.parse(c.CancellationDate) <= this.now);
  }

  activeContracts(coworkerId: number): NxCoworkerContract[] {
    return (this.contractsByCoworker.get(coworkerId) ?? [])
      .filter((c) => this.contractActive(c))
      .sort((a, b) => Number(b.MainContract) - Number(a.MainContract) || a.Id - b.Id);
  }

  name(map: LazyIndex<Json>, id: unknown, field = 'Name'): unknown {
    return typeof id === 'number' ? (map.get(id)?.[field] ?? null) : null;
  }

  /** The full GET-by-id DTO: the stored fields, then the derived ones (which win). */
  present(key: EntityKey, rec: Json): Json {
    return { ...rec, ...this.derive(key, rec) };
  }

  /**
   * The read-model fields computed from the rest of the state. Each entity always derives the same
   * set of names, which lets a list evaluate filters on other fields without presenting the record.
   */
  derive(key: EntityKey, rec: Json): Json {
    switch (key) {
      case 'coworkers': {
        const id = rec.Id as number;
        const teams = this.teamsByCoworker.get(id) ?? [];
        const contracts = this.activeContracts(id);
        const main = contracts[0];
        const [first, ...rest] = String(rec.FullName ?? '').split(' ');
        return {
          GuessedFirstName: first || null,
          GuessedLastName: rest.join(' ') || null,
          InvoicingBusinessName: this.name(this.businesses, rec.InvoicingBusinessId),
          Teams: teams.map((t) => t.Id),
          TeamNames: teams.map((t) => t.Name).join(', '), // separator [I]
          // Read-model plan fields (§1.7 [C-old]) derived from the main active contract.
          TariffId: main?.TariffId ?? null,
          TariffName: main ? this.name(this.tariffs, main.TariffId) : null,
          NextTariffId: main?.NextTariffId ?? null,
          RenewalDate: main?.RenewalDate ?? null,
          CoworkerContractIds: contracts.map((c) => c.Id).join(','), // string type [I]
          ToStringText: rec.FullName,
        };
      }
      case 'teams': {
        const members = (rec.TeamMembers as number[])
          .map((m) => this.coworkers.get(m))
          .filter(Boolean) as Json[];
        return {
          BusinessName: this.name(this.businesses, rec.BusinessId),
          PayingMemberFullName: this.name(this.coworkers, rec.PayingMemberId, 'FullName'),
          PayingMemberCompanyName: this.name(this.coworkers, rec.PayingMemberId, 'CompanyName'),
          CoworkerIds: (rec.TeamMembers as number[]).join(','), // separator [I]
          CoworkerFullNames: members.map((m) => m.FullName).join(', '),
          ActiveContracts: members.reduce((n, m) => n + this.activeContracts(m.Id as number).length, 0),
        };
      }
      case 'tariffs':
      case 'resources':
      case 'checkins': {
        const out: Json = { BusinessName: this.name(this.businesses, rec.BusinessId) };
        if (key === 'resources') out.ResourceTypeName = this.name(this.resourceTypes, rec.ResourceTypeId);
        if (key === 'checkins') out.CoworkerFullName = this.name(this.coworkers, rec.CoworkerId, 'FullName');
        return out;
      }
      case 'coworkerContracts': {
        const c = rec as NxCoworkerContract;
        const cw = this.coworkers.get(c.CoworkerId);
        const tariff = this.tariffs.get(c.TariffId);
        const tz = this.tz(c.IssuedById);
        return {
          IssuedByName: this.name(this.businesses, c.IssuedById),
          CoworkerFullName: cw?.FullName ?? null,
          CoworkerEmail: cw?.Email ?? null,
          CoworkerCompanyName: cw?.CompanyName ?? null,
          CoworkerActive: cw ? cw.Active : null,
          CoworkerCoworkerType: cw ? (cw.CoworkerType === 2 ? 'Company' : 'Individual') : null,
          TariffName: tariff?.Name ?? null,
          TariffPrice: tariff?.Price ?? null,
          Active: this.contractActive(c),
          StartDateLocal: localTwin(c.StartDate, tz),
          CancellationDateLocal: localTwin(c.CancellationDate, tz),
        };
      }
      case 'bookings':
      case 'cancelledBookings': {
        const res = this.resources.get(rec.ResourceId as number);
        const teams =
          typeof rec.CoworkerId === 'number' ? (this.teamsByCoworker.get(rec.CoworkerId) ?? []) : [];
        const tz = this.tz(res?.BusinessId);
        return {
          ResourceName: res?.Name ?? null,
          ResourceResourceTypeId: res?.ResourceTypeId ?? null,
          ResourceResourceTypeName: res ? this.name(this.resourceTypes, res.ResourceTypeId) : null,
          FloorPlanDeskName: null,
          CoworkerFullName: this.name(this.coworkers, rec.CoworkerId, 'FullName'),
          CoworkerCompanyName: this.name(this.coworkers, rec.CoworkerId, 'CompanyName'),
          CoworkerTeamNames: teams.map((t) => t.Name).join(', '),
          FromTimeLocal: localTwin(rec.FromTime as string, tz),
          ToTimeLocal: localTwin(rec.ToTime as string, tz),
        };
      }
      default:
        return {};
    }
  }

  /** Business ids a record belongs to, for webhook scoping (§1.12: one business per webhook). */
  businessIdsOf(key: EntityKey, rec: Json): number[] {
    switch (key) {
      case 'businesses':
        return [rec.Id as number];
      case 'coworkers':
        return [...((rec.Businesses as number[]) ?? []), rec.InvoicingBusinessId as number].filter(
          (x) => typeof x === 'number',
        );
      case 'coworkerContracts':
        return [rec.IssuedById as number];
      case 'bookings':
      case 'cancelledBookings': {
        const res = this.resources.get(rec.ResourceId as number);
        return res ? [res.BusinessId as number] : [];
      }
      default:
        return typeof rec.BusinessId === 'number' ? [rec.BusinessId] : [];
    }
  }
}

/**
 * `findKey` on the presented record (stored fields, then derived ones winning), answered from the
 * stored record alone; undefined when the answer depends on a derived field.
 */
function findStoredKey(rec: Json, name: string, derived: Set<string>): { key: string | null } | undefined {
  if (derived.has(name)) return undefined;
  if (name in rec) return { key: name };
  const lower = name.toLowerCase();
  for (const k of Object.keys(rec)) if (sameName(k, lower)) return derived.has(k) ? undefined : { key: k };
  for (const k of derived) if (sameName(k, lower)) return undefined;
  return { key: null };
}

/**
 * What `resolve` gives for a filter on the presented record, from the stored record alone when no
 * derived field is involved (related-record filters always need the presented record): undefined
 * when the record must be presented.
 */
function resolveStored(
  rec: Json,
  parts: string[],
  derived: Set<string>,
): { known: boolean; field: string; value: unknown } | undefined {
  const direct = findStoredKey(rec, parts.join(''), derived);
  if (!direct) return undefined;
  if (direct.key !== null) return { known: true, field: direct.key, value: rec[direct.key] };
  if (parts.length !== 1) return undefined;
  const idField = findStoredKey(rec, parts[0] + 'Id', derived);
  if (!idField) return undefined;
  if (idField.key !== null) return { known: true, field: idField.key, value: rec[idField.key] };
  return { known: false, field: '', value: undefined };
}

/**
 * The same record as an object literal copy. Records built by spreading several objects (base
 * fields, defaults, the body) end up in V8's dictionary mode, where every property read is a hash
 * lookup: scanning 10,000 stored coworkers cost milliseconds per request. The copy has fast
 * properties; the data is unchanged.
 */
function fastRecord<T extends object>(rec: T): T {
  return { ...rec };
}

/** List records are partial: collections are only in GET-by-id (§1.3). */
function partial(rec: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(rec)) if (!Array.isArray(v)) out[k] = v;
  return out;
}

export class NexudusSimulator {
  readonly state: NexudusState = {
    users: [],
    businesses: [],
    coworkers: [],
    teams: [],
    tariffs: [],
    coworkerContracts: [],
    resourceTypes: [],
    resources: [],
    bookings: [],
    cancelledBookings: [],
    checkins: [],
    webhooks: [],
    webhookSecrets: new Map(),
  };
  /** Every request received, in order. */
  readonly requests: RequestLogEntry[] = [];
  /** Every webhook delivery attempted, in order. */
  readonly webhookDeliveries: WebhookDelivery[] = [];
  readonly accessTokens = new Map<string, TokenInfo>();
  readonly refreshTokens = new Map<string, TokenInfo>();
  readonly options: Required<Omit<NexudusSimulatorOptions, 'now' | 'seed' | 'admin' | 'appSharedSecret'>> & {
    appSharedSecret: string | null;
  };

  private readonly rng: () => number;
  private readonly clock: () => Date;
  private offsetMs = 0;
  private idCounter: number;
  private bookingNumber = 1000;
  private server: http.Server | null = null;
  private faults: QueuedFault[] = [];
  private readonly getTimes: number[] = [];
  private readonly writeTimes: number[] = [];
  private readonly consecutiveFailures = new Map<number, number>();
  private inFlight = 0;

  constructor(opts: NexudusSimulatorOptions = {}) {
    this.rng = mulberry32(opts.seed ?? 1);
    this.clock = opts.now ?? (() => new Date());
    this.idCounter = 1_400_000_000 + Math.floor(this.rng() * 1_000_000);
    this.options = {
      accessTokenSeconds: opts.accessTokenSeconds ?? 604_799,
      refreshTokenDays: opts.refreshTokenDays ?? 15,
      legacyEnvelope: opts.legacyEnvelope ?? false,
      stringFilterMode: opts.stringFilterMode ?? 'equals',
      enforceRateLimits: opts.enforceRateLimits ?? false,
      eagerLists: opts.eagerLists ?? false,
      appSharedSecret: opts.appSharedSecret ?? null,
      webhookDisableAfter: opts.webhookDisableAfter ?? 10,
    };
    this.addUser({
      email: opts.admin?.email ?? DEFAULT_ADMIN.email,
      password: opts.admin?.password ?? DEFAULT_ADMIN.password,
      totpSecret: opts.admin?.totpSecret ?? null,
    });
  }

  // ------------------------------------------------------------------ lifecycle

  async start(port = 0): Promise<string> {
    if (this.server) throw new Error('already started');
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        } else res.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const { port: actual } = server.address() as AddressInfo;
    return `http://127.0.0.1:${actual}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ clock, ids

  now(): Date {
    return new Date(this.clock().getTime() + this.offsetMs);
  }

  /** Moves the simulator clock (token expiry, `UpdatedOn` stamps, contract activity). */
  advanceTime(ms: number): void {
    this.offsetMs += ms;
  }

  nextId(): number {
    this.idCounter += 1 + Math.floor(this.rng() * 97);
    return this.idCounter;
  }

  uuid(): string {
    const b = Array.from({ length: 16 }, () => Math.floor(this.rng() * 256));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ------------------------------------------------------------------ data helpers

  addUser(u: {
    email: string;
    password: string;
    totpSecret?: string | null;
    apiAccess?: boolean;
    roles?: string[] | null;
  }): NxUser {
    const user: NxUser = {
      Id: this.nextId(),
      Email: u.email,
      Password: u.password,
      TotpSecret: u.totpSecret ?? null,
      ApiAccess: u.apiAccess ?? true,
      Roles: u.roles ?? null,
    };
    this.state.users.push(user);
    return user;
  }

  seedCommunity(opts: SeedOptions): void {
    seedCommunity(
      {
        state: this.state,
        rng: this.rng,
        nextId: () => this.nextId(),
        uuid: () => this.uuid(),
        now: () => this.now(),
        iso: nxDate,
        adminEmail: this.state.users[0]?.Email ?? DEFAULT_ADMIN.email,
      },
      opts,
    );
    for (const key of Object.keys(this.state) as Array<keyof NexudusState>) {
      const list = this.state[key];
      if (Array.isArray(list)) for (let i = 0; i < list.length; i++) list[i] = fastRecord(list[i]!);
    }
  }

  /** Adds a record as the admin UI would (no webhook); returns the stored record. */
  add<K extends EntityKey>(key: K, fields: Json): NexudusState[K][number] {
    const def = DEF_BY_KEY.get(key)!;
    const now = nxDate(this.now());
    const rec = fastRecord({
      ...this.baseFields(now, this.state.users[0]?.Email ?? null),
      ...(key === 'cancelledBookings' ? DEF_BY_KEY.get('bookings')!.defaults() : def.defaults()),
      ...fields,
    }) as NexudusState[K][number];
    (this.state[key] as NxBase[]).push(rec);
    return rec;
  }

  /** Patches a stored record as an admin edit would: bumps `UpdatedOn` (no webhook; see emitWebhook). */
  update<K extends EntityKey>(key: K, id: number, patch: Json): NexudusState[K][number] {
    const rec = (this.state[key] as NxBase[]).find((r) => r.Id === id);
    if (!rec) throw new Error(`${key} ${id} not found`);
    Object.assign(rec, patch, { UpdatedOn: nxDate(this.now()) });
    return rec as NexudusState[K][number];
  }

  /** Removes a record as the admin UI would (e.g. a coworker, §1.1); returns its last DTO. */
  remove(key: EntityKey, id: number): Json {
    const list = this.state[key] as NxBase[];
    const i = list.findIndex((r) => r.Id === id);
    if (i < 0) throw new Error(`${key} ${id} not found`);
    const dto = this.view().present(key, list[i]);
    list.splice(i, 1);
    if (key === 'coworkers')
      for (const t of this.state.teams) {
        t.TeamMembers = t.TeamMembers.filter((m) => m !== id);
        t.TeamAdministrators = t.TeamAdministrators.filter((m) => m !== id);
      }
    return dto;
  }

  /** The GET-by-id DTO of a record (what the API would return). */
  getRecord(key: EntityKey, id: number): Json | null {
    const view = this.view();
    const rec = view.byKey(key, id);
    return rec ? view.present(key, rec) : null;
  }

  // ------------------------------------------------------------------ test controls

  /** Queue a fault for the next `times` requests matching `match` (default: any request). */
  inject(fault: Fault, opts: { times?: number } & FaultMatch = {}): void {
    this.faults.push({
      fault,
      remaining: opts.times ?? 1,
      match: { method: opts.method, path: opts.path, query: opts.query },
    });
  }

  /** §1.5: next N requests get 409 + `Retry-After: 1` + empty body (or 429 "Wait N seconds"). */
  throttleNext(
    times = 1,
    opts: {
      status?: 409 | 429;
      retryAfter?: number;
      body?: string;
      retryAfterHeader?: boolean;
    } & FaultMatch = {},
  ): void {
    const { method, path, query, ...f } = opts;
    this.inject({ kind: 'throttle', ...f }, { times, method, path, query });
  }

  failNext(status = 500, opts: { times?: number; body?: string } & FaultMatch = {}): void {
    this.inject({ kind: 'status', status, body: opts.body }, opts);
  }

  unauthorizedNext(opts: { times?: number } & FaultMatch = {}): void {
    this.inject({ kind: 'unauthorized' }, opts);
  }

  malformedNext(opts: { times?: number } & FaultMatch = {}): void {
    this.inject({ kind: 'malformed' }, opts);
  }

  truncateNext(opts: { times?: number } & FaultMatch = {}): void {
    this.inject({ kind: 'truncated' }, opts);
  }

  resetNext(opts: { times?: number } & FaultMatch = {}): void {
    this.inject({ kind: 'reset' }, opts);
  }

  /** The next matching list page comes back with `Records: []` but the same totals. */
  emptyPageNext(opts: { times?: number } & FaultMatch = {}): void {
    this.inject({ kind: 'emptyPage' }, opts);
  }

  delayNext(ms: number, opts: { times?: number } & FaultMatch = {}): void {
    this.inject({ kind: 'delay', ms }, opts);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Every access token stops working (→ 401), as after expiry. Refresh tokens still work. */
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = 0;
  }

  revokeAllTokens(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /**
   * Resolves once every request received so far has been answered: a client that gave up on a read
   * (aborted its other requests) may leave some in progress here, which would take the next fault.
   */
  async settled(): Promise<void> {
    do await new Promise((resolve) => setImmediate(resolve));
    while (this.inFlight > 0);
  }

  /**
   * Registers a webhook as the admin UI or an App would (§1.12). With `secret`, deliveries carry
   * `X-Nexudus-Hook-Signature`; without, they are unsigned (UI-created webhooks).
   */
  registerWebhook(w: {
    url: string;
    action: number;
    businessId?: number | null;
    name?: string;
    secret?: string | null;
  }): NxWebhook {
    const hook = this.add('webhooks', {
      BusinessId: w.businessId ?? null,
      Name: w.name ?? `hook-${w.action}`,
      Action: w.action,
      URL: w.url,
    });
    if (w.secret) this.state.webhookSecrets.set(hook.Id, w.secret);
    return hook;
  }

  /**
   * Delivers `action` to every active webhook registered for it (and for the record's business).
   * `record` is an id of the action's entity (its current full DTO is sent) or a DTO to send as is.
   * Body: a JSON array with one record (§1.12).
   */
  async emitWebhook(action: number, record: number | Json): Promise<WebhookDelivery[]> {
    const key = entityForAction(action);
    const view = this.view();
    let dto: Json;
    if (typeof record === 'number') {
      if (!key) throw new Error(`no entity known for webhook action ${action}`);
      const rec = view.byKey(key, record);
      if (!rec) throw new Error(`${key} ${record} not found`);
      dto = view.present(key, rec);
    } else dto = record;
    const businesses = key ? view.businessIdsOf(key, dto) : [];
    const targets = this.state.webhooks.filter(
      (w) =>
        w.Active &&
        w.Action === action &&
        (w.BusinessId === null || businesses.length === 0 || businesses.includes(w.BusinessId)),
    );
    return Promise.all(targets.map((w) => this.deliver(w, action, dto)));
  }

  /** Uppercase hex HMAC-SHA256 of the exact body, key = shared secret as ASCII (§1.12). */
  static sign(body: string, secret: string): string {
    return createHmac('sha256', Buffer.from(secret, 'ascii'))
      .update(body, 'utf8')
      .digest('hex')
      .toUpperCase();
  }

  private async deliver(w: NxWebhook, action: number, dto: Json): Promise<WebhookDelivery> {
    const body = JSON.stringify([dto]);
    const secret = this.state.webhookSecrets.get(w.Id) ?? null;
    const signature = secret ? NexudusSimulator.sign(body, secret) : null;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (signature) headers['X-Nexudus-Hook-Signature'] = signature;
    const d: WebhookDelivery = {
      webhookId: w.Id,
      url: w.URL,
      action,
      body,
      signature,
      status: null,
      error: null,
    };
    try {
      const res = await fetch(w.URL, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      d.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) d.error = `HTTP ${res.status}`;
    } catch (err) {
      d.error = err instanceof Error ? err.message : String(err);
    }
    w.LastTrigger = nxDate(this.now());
    if (d.error) {
      w.LastError = d.error;
      w.ErrorCount += 1;
      const n = (this.consecutiveFailures.get(w.Id) ?? 0) + 1;
      this.consecutiveFailures.set(w.Id, n);
      if (n >= this.options.webhookDisableAfter) w.Active = false; // §1.12 auto-disabled
    } else this.consecutiveFailures.set(w.Id, 0);
    this.webhookDeliveries.push(d);
    return d;
  }

  // ------------------------------------------------------------------ HTTP

  private view(): View {
    return new View(this.state, this.now().getTime());
  }

  private baseFields(now: string, by: string | null): NxBase {
    return {
      Id: this.nextId(),
      UniqueId: this.uuid(),
      CreatedOn: now,
      UpdatedOn: now,
      UpdatedBy: by,
      IsNew: false,
      SystemId: null,
    };
  }

  private authenticate(headers: IncomingHttpHeaders): { kind: AuthKind; user: NxUser | null } {
    const h = headers.authorization;
    if (!h) return { kind: 'none', user: null };
    const [scheme, ...rest] = h.split(' ');
    const cred = rest.join(' ').trim();
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(cred, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const email = decoded.slice(0, i).toLowerCase();
      const user = this.state.users.find(
        (u) => u.Email.toLowerCase() === email && u.Password === decoded.slice(i + 1),
      );
      return { kind: 'basic', user: i >= 0 && user?.ApiAccess ? user : null };
    }
    if (/^bearer$/i.test(scheme)) {
      const t = this.accessTokens.get(cred);
      const user =
        t && t.expiresAt > this.now().getTime() ? this.state.users.find((u) => u.Id === t.userId) : undefined;
      return { kind: 'bearer', user: user?.ApiAccess ? user : null };
    }
    return { kind: 'other', user: null };
  }

  private takeFault(url: URL, method: string, kinds: (k: Fault['kind']) => boolean): Fault | null {
    const path = url.pathname;
    const i = this.faults.findIndex(
      (f) =>
        kinds(f.fault.kind) &&
        Object.entries(f.match.query ?? {}).every(([k, v]) => url.searchParams.get(k) === v) &&
        (!f.match.method || f.match.method.toUpperCase() === method) &&
        (!f.match.path ||
          (typeof f.match.path === 'string' ? path.includes(f.match.path) : f.match.path.test(path))),
    );
    if (i < 0) return null;
    const q = this.faults[i];
    if (--q.remaining <= 0) this.faults.splice(i, 1);
    return q.fault;
  }

  private throttled(f: Extract<Fault, { kind: 'throttle' }>): SimResponse {
    const retryAfter = f.retryAfter ?? 1;
    if ((f.status ?? 409) === 409)
      // §1.5: 409 "for legacy reasons", Retry-After seconds, empty body.
      return {
        status: 409,
        statusMessage: 'You must wait before accessing this url again.',
        headers: { 'retry-after': String(retryAfter) },
        body: f.body ?? '',
      };
    // §1.5: a 2025-26 client handles 429 with body "Wait N seconds".
    return {
      status: 429,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        ...(f.retryAfterHeader ? { 'retry-after': String(retryAfter) } : {}),
      },
      body: f.body ?? `Wait ${retryAfter} seconds`,
    };
  }

  private rateLimited(method: string): boolean {
    if (!this.options.enforceRateLimits) return false;
    const t = Date.now();
    if (method === 'GET') {
      while (this.getTimes.length && this.getTimes[0] <= t - 100) this.getTimes.shift();
      if (this.getTimes.length >= 10) return true; // §1.5 GET 10 per 100 ms
      this.getTimes.push(t);
    } else {
      while (this.writeTimes.length && this.writeTimes[0] <= t - 60_000) this.writeTimes.shift();
      if (this.writeTimes.length >= 60) return true; // §1.5 writes 60/min
      this.writeTimes.push(t);
    }
    return false;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight++;
    try {
      await this.answer(req, res);
    } finally {
      this.inFlight--;
    }
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sim');
    const auth = this.authenticate(req.headers);
    const entry: RequestLogEntry = {
      at: nxDate(this.now()),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: auth.kind,
      user: auth.user?.Email ?? null,
      contentType: req.headers['content-type'] ?? null,
      clientId: (req.headers['client_id'] as string | undefined) ?? null,
      status: 0,
      fault: null,
    };
    this.requests.push(entry);

    let delay: Fault | null;
    while ((delay = this.takeFault(url, method, (k) => k === 'delay')) && delay.kind === 'delay')
      await new Promise((r) => setTimeout(r, delay && delay.kind === 'delay' ? delay.ms : 0));
    const fault = this.takeFault(url, method, (k) => k !== 'delay');
    entry.fault = fault?.kind ?? null;

    let resp: SimResponse;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    } else if (fault?.kind === 'throttle') resp = this.throttled(fault);
    else if (this.rateLimited(method)) {
      entry.fault = 'rate-limit';
      resp = this.throttled({ kind: 'throttle' });
    } else if (fault?.kind === 'status')
      resp = {
        status: fault.status,
        headers: { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' },
        body: fault.body ?? `<html><body><h1>${fault.status}</h1></body></html>`,
      };
    else if (fault?.kind === 'unauthorized') resp = this.unauthorized();
    else resp = this.route(method, url, body, req.headers, auth.user, fault);

    if (fault?.kind === 'emptyPage' && resp.status === 200 && resp.body) {
      const env = JSON.parse(resp.body) as Json;
      if (Array.isArray(env.Records)) resp = { ...resp, body: JSON.stringify({ ...env, Records: [] }) };
    }
    entry.status = resp.status;
    let out = Buffer.from(resp.body ?? '', 'utf8');
    if (fault?.kind === 'malformed') {
      const s = resp.body ?? '';
      out = Buffer.from(
        `${s.slice(0, Math.max(1, Math.floor(s.length / 2)))}\u0000<!-- upstream error -->`,
        'utf8',
      );
    }
    const headers: Record<string, string | number> = { ...resp.headers };
    headers['content-length'] = out.length;
    if (resp.statusMessage) res.statusMessage = resp.statusMessage;
    if (fault?.kind === 'truncated') {
      res.writeHead(resp.status, headers);
      res.write(out.subarray(0, Math.floor(out.length / 2)), () => res.destroy());
      return;
    }
    res.writeHead(resp.status, headers);
    res.end(out);
  }

  private unauthorized(): SimResponse {
    // §1.2: failed auth / missing role → 401. Body text is the ASP.NET default [I].
    return json(401, { Message: 'Authorization has been denied for this request.' });
  }

  private route(
    method: string,
    url: URL,
    body: string,
    headers: IncomingHttpHeaders,
    user: NxUser | null,
    fault: Fault | null,
  ): SimResponse {
    const path = url.pathname.toLowerCase().replace(/\/+$/, ''); // ASP.NET routes are case-insensitive [I]
    if (path === '/api/token') {
      if (method !== 'POST')
        return json(405, {
          Message: "The requested resource does not support http method '" + method + "'.",
        });
      return this.token(headers, body);
    }
    const m = /^\/api\/(spaces|billing|sys)\/([a-z]+)(?:\/(\d+|runcommand))?$/.exec(path);
    const def = m ? ENTITY_DEFS.find((d) => d.module === m[1] && d.path === m[2]) : undefined;
    if (!m || !def)
      return json(404, {
        Message: `No HTTP resource was found that matches the request URI '${url.pathname}'.`,
      });
    if (!user) return this.unauthorized();
    const sub = m[3];
    const notAllowed = json(405, {
      Message: `The requested resource does not support http method '${method}'.`,
    });

    let op: Op;
    let roleOp: string;
    if (method === 'GET') {
      op = sub ? 'get' : 'list';
      roleOp = sub ? 'Read' : 'List';
      if (sub === 'runcommand') return notAllowed;
    } else if (method === 'POST') {
      op = 'create';
      roleOp = sub === 'runcommand' ? 'Edit' : 'Create';
      if (sub && sub !== 'runcommand') return notAllowed;
    } else if (method === 'PUT') {
      op = 'update';
      roleOp = 'Edit';
      if (sub) return notAllowed; // §1.1: Id goes in the body, not the URL
    } else if (method === 'DELETE') {
      op = 'delete';
      roleOp = 'Delete';
      if (!sub || sub === 'runcommand') return notAllowed;
    } else return notAllowed;
    if (!def.ops.includes(op) && sub !== 'runcommand') return notAllowed;
    if (user.Roles && !user.Roles.includes(`${def.role}-${roleOp}`)) return this.unauthorized(); // §1.2 roles

    const view = this.view();
    if (method === 'GET') {
      if (sub) {
        const rec = view.byKey(def.key, Number(sub));
        if (!rec) return json(404, { Message: `${def.name} not found.` }); // §1.4 unknown id → 404
        return json(200, view.present(def.key, rec));
      }
      return this.list(def, url, view);
    }
    if (fault?.kind === 'businessRuleFailure')
      return json(
        200,
        this.envelope(400, fault.message ?? 'This action could not be completed.', null, user, false, null),
      );
    if (sub === 'runcommand') return this.runCommand(def, body, user);
    let parsed: unknown = null;
    if (method !== 'DELETE') {
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = null;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return json(400, { Message: GENERIC_400 });
    }
    if (method === 'POST') return this.create(def, parsed as Json, user, view);
    if (method === 'PUT') return this.put(def, parsed as Json, user);
    return this.delete(def, Number(sub), user, view);
  }

  // ------------------------------------------------------------------ token endpoint (§1.2)

  private token(headers: IncomingHttpHeaders, body: string): SimResponse {
    const ct = String(headers['content-type'] ?? '');
    // §1.2: form-encoded only; JSON bodies fail with unsupported_grant_type.
    if (!/^application\/x-www-form-urlencoded\b/i.test(ct))
      return json(400, { error: 'unsupported_grant_type' });
    const p = new URLSearchParams(body);
    const headerClientId = (headers['client_id'] as string | undefined) ?? null;
    const grant = p.get('grant_type');
    const badPassword = json(400, {
      error: 'invalid_grant',
      error_description: 'The user name or password is incorrect.',
    });
    if (grant === 'password') {
      const email = (p.get('username') ?? '').toLowerCase();
      const user = this.state.users.find((u) => u.Email.toLowerCase() === email);
      if (!user || user.Password !== p.get('password')) return badPassword;
      if (user.TotpSecret) {
        const code = p.get('totp');
        // §1.2: `two_factor_auth_check` when TOTP is missing; same error for a wrong code [I].
        if (!code)
          return json(400, {
            error: 'two_factor_auth_check',
            error_description:
              'Two factor authentication is enabled for this account. Please provide a code.',
          });
        if (!verifyTotp(user.TotpSecret, code.trim(), this.now()))
          return json(400, {
            error: 'two_factor_auth_check',
            error_description: 'The two factor authentication code is not valid.',
          });
      }
      return this.issueTokens(user, headerClientId ?? user.Email); // default client_id = the email
    }
    if (grant === 'refresh_token') {
      const rt = p.get('refresh_token') ?? '';
      const info = this.refreshTokens.get(rt);
      const user = info ? this.state.users.find((u) => u.Id === info.userId) : undefined;
      const invalid = json(400, {
        error: 'invalid_grant',
        error_description: 'The refresh token is invalid or expired.',
      });
      if (!info || !user || info.expiresAt <= this.now().getTime()) return invalid;
      // §1.2: refresh with the same client_id as issuance (defaults to the email).
      if ((headerClientId ?? user.Email) !== info.clientId) return invalid;
      return this.issueTokens(user, info.clientId);
    }
    return json(400, { error: 'unsupported_grant_type' });
  }

  private issueTokens(user: NxUser, clientId: string): SimResponse {
    const now = this.now().getTime();
    // §1.2: one refresh token per client_id; a new one invalidates the older ones.
    for (const [k, v] of this.refreshTokens)
      if (v.userId === user.Id && v.clientId === clientId) this.refreshTokens.delete(k);
    const access = randomBytes(48).toString('base64url');
    const refresh = randomBytes(16).toString('hex');
    this.accessTokens.set(access, {
      userId: user.Id,
      clientId,
      expiresAt: now + this.options.accessTokenSeconds * 1000,
    });
    this.refreshTokens.set(refresh, {
      userId: user.Id,
      clientId,
      expiresAt: now + this.options.refreshTokenDays * 86_400_000,
    });
    return json(
      200,
      {
        access_token: access,
        token_type: 'bearer',
        expires_in: this.options.accessTokenSeconds,
        refresh_token: refresh,
      },
      { 'cache-control': 'no-store' },
    );
  }

  // ------------------------------------------------------------------ search (§1.3)

  private list(def: EntityDef, url: URL, view: View): SimResponse {
    const params = [...url.searchParams.entries()];
    const get = (name: string) => params.find(([k]) => k.toLowerCase() === name)?.[1];

    // Batch: GET /{entity}/?id=[1,2,3] returns a plain array (§1.1).
    const batch = params.find(([k, v]) => k.toLowerCase() === 'id' && /^\s*\[.*\]\s*$/.test(v));
    const stored = this.state[def.key] as NxBase[];
    if (batch) {
      const ids = batch[1]
        .replace(/[[\]\s]/g, '')
        .split(',')
        .filter(Boolean)
        .map(Number);
      return json(
        200,
        ids.flatMap((id) => {
          const r = view.byKey(def.key, id); // indexed for coworkers: batches over 10,000 records
          return r ? [view.present(def.key, r)] : [];
        }),
      );
    }

    // Records are presented (derived fields computed) only when something needs them: a filter or
    // the sort on a derived field, and the page returned. Same answers as presenting every record
    // first (`eagerLists`, compared in the simulator's tests), at a fraction of the cost.
    const dtos = new Map<Json, Json>();
    const dto = (r: Json): Json => {
      let d = dtos.get(r);
      if (!d) dtos.set(r, (d = view.present(def.key, r)));
      return d;
    };
    const derivedNames = new Set(stored.length ? Object.keys(view.derive(def.key, stored[0]!)) : []);
    const eager = this.options.eagerLists;
    if (eager) for (const r of stored) dto(r);

    // Filters: {Entity}_{Property}, {Entity}_{Relation}, {Entity}_{Relation}_{Field}, from_/to_ ranges,
    // plain Id=/UniqueId= (§1.3). Unknown parameters (e.g. PageNumber, status) are ignored.
    type Filter = (res: { known: boolean; field: string; value: unknown }) => boolean;
    const filters: Array<{ parts: string[]; test: Filter }> = [];
    const prefix = def.name.toLowerCase() + '_';
    for (const [k, v] of params) {
      const m = /^(from_|to_)?(.+)$/i.exec(k)!;
      const range = m[1]?.toLowerCase() as 'from_' | 'to_' | undefined;
      const rest = m[2];
      let parts: string[];
      if (!range && (rest.toLowerCase() === 'id' || rest.toLowerCase() === 'uniqueid')) parts = [rest];
      else if (rest.toLowerCase().startsWith(prefix))
        parts = rest.slice(prefix.length).split('_').filter(Boolean);
      else continue;
      if (parts.length === 0) continue;
      if (range) {
        const bound = parseFilterDate(v);
        const num = Number(v);
        filters.push({
          parts,
          test: (res) => {
            if (!res.known) return true;
            if (res.value === null || res.value === undefined) return false;
            const x = typeof res.value === 'number' ? res.value : Date.parse(String(res.value));
            const b = typeof res.value === 'number' ? num : bound;
            if (Number.isNaN(b) || Number.isNaN(x)) return true;
            return range === 'from_' ? x >= b : x <= b; // inclusive (§1.3)
          },
        });
      } else filters.push({ parts, test: (res) => !res.known || this.matches(res.field, res.value, v) });
    }
    const records: Json[] = [];
    for (const r of stored) {
      let keep = true;
      const later: typeof filters = [];
      for (const f of filters) {
        const res = eager ? undefined : resolveStored(r, f.parts, derivedNames);
        if (res === undefined) later.push(f);
        else if (!f.test(res)) {
          keep = false;
          break;
        }
      }
      if (keep) keep = later.every((f) => f.test(this.resolve(dto(r), f.parts, view)));
      if (keep) records.push(r);
    }

    // Sorting: orderBy (orderby), dir as 1/-1, 0/1 or ascending/descending (§1.3).
    const orderParam = get('orderby');
    const sample = records[0]
      ? dto(records[0])
      : view.present(def.key, { ...this.baseFields('', null), ...def.defaults() });
    const orderField = (orderParam && findKey(sample, orderParam)) || def.defaultOrder.field;
    const sortValue =
      eager || derivedNames.has(orderField) ? (r: Json) => dto(r)[orderField] : (r: Json) => r[orderField];
    const dirParam = (get('dir') ?? '').toLowerCase();
    let dir: 1 | -1 = orderParam ? 1 : def.defaultOrder.dir;
    if (['-1', 'desc', 'descending'].includes(dirParam)) dir = -1;
    else if (['1', '0', 'asc', 'ascending'].includes(dirParam)) dir = 1;
    const cmp = (a: unknown, b: unknown): number => {
      if (a === b) return 0;
      if (a === null || a === undefined) return -1;
      if (b === null || b === undefined) return 1;
      if (typeof a === 'number' && typeof b === 'number') return a - b;
      return String(a) < String(b) ? -1 : 1;
    };
    records.sort((a, b) => dir * cmp(sortValue(a), sortValue(b)) || (a.Id as number) - (b.Id as number));

    // Paging: page (1-based, default 1), size (default 25); PageNumber/PageSize are ignored (§1.3).
    const pageRaw = parseInt(get('page') ?? '', 10);
    const sizeRaw = parseInt(get('size') ?? '', 10);
    const page = Number.isFinite(pageRaw) && pageRaw >= 1 ? pageRaw : 1;
    const size = Number.isFinite(sizeRaw) && sizeRaw >= 1 ? sizeRaw : 25;
    const total = records.length;
    const totalPages = Math.ceil(total / size);
    const slice = records.slice((page - 1) * size, page * size).map((r) => partial(dto(r)));
    const envelope: Json = {
      Records: slice,
      CurrentPage: page,
      CurrentPageSize: size,
      CurrentOrderField: orderField,
      CurrentSortDirection: dir,
      FirstItem: slice.length ? (page - 1) * size + 1 : 0,
      LastItem: slice.length ? (page - 1) * size + slice.length : 0,
      TotalItems: total,
      TotalPages: totalPages,
      HasNextPage: page < totalPages,
      HasPreviousPage: page > 1,
    };
    if (this.options.legacyEnvelope) {
      envelope.PageNumber = page;
      envelope.PageSize = size;
    }
    return json(200, envelope);
  }

  /** Resolves `Email`, `Business` (→ BusinessId), `Business_Name` (→ BusinessName or the related record's Name). */
  private resolve(rec: Json, parts: string[], view: View): { known: boolean; field: string; value: unknown } {
    const direct = findKey(rec, parts.join(''));
    if (direct) return { known: true, field: direct, value: rec[direct] };
    if (parts.length === 1) {
      const idField = findKey(rec, parts[0] + 'Id');
      if (idField) return { known: true, field: idField, value: rec[idField] };
      return { known: false, field: '', value: undefined };
    }
    const relKey = RELATIONS[parts[0].toLowerCase()];
    const idField = findKey(rec, parts[0] + 'Id');
    if (!relKey || !idField) return { known: false, field: '', value: undefined };
    const id = rec[idField];
    const related = typeof id === 'number' ? view.byKey(relKey, id) : undefined;
    if (!related) return { known: true, field: parts.slice(1).join(''), value: null };
    return this.resolve(view.present(relKey, related), parts.slice(1), view);
  }

  private matches(field: string, value: unknown, q: string): boolean {
    const ql = q.trim().toLowerCase();
    if (Array.isArray(value)) return value.some((x) => String(x).toLowerCase() === ql);
    if (value === null || value === undefined) return ql === '' || ql === 'null';
    if (typeof value === 'boolean') return ql === String(value);
    if (typeof value === 'number') return Number(q) === value;
    const s = String(value).toLowerCase();
    if (DATE_FIELDS.has(field)) return Date.parse(String(value)) === parseFilterDate(q);
    // Delimited string lists (TeamNames, CoworkerIds, MacAddresses) match by pattern (§1.7 [I]).
    if (this.options.stringFilterMode === 'contains' || /(Names|Ids|Addresses)$/.test(field))
      return s.includes(ql);
    return s === ql;
  }

  // ------------------------------------------------------------------ writes (§1.4)

  private envelope(
    status: number,
    message: string,
    value: unknown,
    user: NxUser,
    ok: boolean,
    errors: unknown,
  ): Json {
    return {
      Status: status,
      Message: message,
      Value: value,
      OpenInDialog: false,
      OpenInWindow: false,
      RedirectURL: null,
      JavaScript: null,
      UpdatedOn: nxDate(this.now()),
      UpdatedBy: user.Email,
      WasSuccessful: ok,
      Errors: errors,
    };
  }

  private validate(def: EntityDef, rec: Json, user: NxUser): SimResponse | null {
    const missing = def.required.filter((f) => rec[f] === null || rec[f] === undefined || rec[f] === '');
    if (!missing.length) return null;
    const errors = missing.map((f) => ({
      AttemptedValue: rec[f] ?? null,
      Message: `${f} is a required field`,
      PropertyName: f,
    }));
    return json(400, this.envelope(400, errors.map((e) => e.Message).join('. '), null, user, false, errors));
  }

  /** Stored fields taken from a request body (derived/read-only names are ignored). */
  private pick(def: EntityDef, body: Json): Json {
    const defaults = def.defaults();
    const out: Json = {};
    for (const k of Object.keys(defaults)) {
      const bk = findKey(body, k);
      if (bk === undefined) continue;
      let v = body[bk];
      if (DATE_FIELDS.has(k) && typeof v === 'string' && v) {
        const t = parseFilterDate(v);
        if (!Number.isNaN(t)) v = nxDate(new Date(t));
      }
      out[k] = v;
    }
    return out;
  }

  private fireAndForget(action: number | undefined, dto: Json): void {
    if (!action || !this.state.webhooks.some((w) => w.Active && w.Action === action)) return;
    void this.emitWebhook(action, dto).catch(() => undefined);
  }

  private create(def: EntityDef, body: Json, user: NxUser, view: View): SimResponse {
    const now = this.now();
    const rec: Json = {
      ...this.baseFields(nxDate(now), user.Email),
      ...def.defaults(),
      ...this.pick(def, body),
    };
    const invalid = this.validate(def, rec, user);
    if (invalid) return invalid;

    if (def.key === 'coworkers') {
      // §1.7: Businesses + InvoicingBusinessId must be set explicitly, else some business of the login is used.
      const fallback = this.state.businesses[0]?.Id ?? null;
      if (!(rec.Businesses as number[])?.length) rec.Businesses = fallback === null ? [] : [fallback];
      if (rec.InvoicingBusinessId === null)
        rec.InvoicingBusinessId = (rec.Businesses as number[])[0] ?? fallback;
      if (body.CreateUser === true) rec.UserId = this.nextId(); // §1.7 (welcome email not simulated)
      rec.RegistrationDate ??= nxDate(now);
    }
    if (def.key === 'checkins' && (rec.ToTime === null || rec.ToTime === undefined)) {
      // §1.11: an open check-in must be dated today, else a generic 400.
      if (String(rec.FromTime).slice(0, 10) !== nxDate(now).slice(0, 10))
        return json(400, { Message: GENERIC_400 });
    }
    if (def.key === 'bookings') {
      rec.BookingNumber = ++this.bookingNumber;
      const cw = typeof rec.CoworkerId === 'number' ? view.coworkers.get(rec.CoworkerId) : undefined;
      if (cw) {
        const dto = view.present('coworkers', cw);
        rec.TeamsAtTheTimeOfBooking ??= dto.TeamNames || null;
        rec.TariffAtTheTimeOfBooking ??= dto.TariffName;
      }
    }
    if (def.key === 'checkins' && typeof rec.CoworkerId === 'number') {
      const cw = view.coworkers.get(rec.CoworkerId);
      if (cw) {
        const dto = view.present('coworkers', cw);
        rec.TeamsAtTheTimeOfCheckin ??= dto.TeamNames || null;
        rec.TariffAtTheTimeOfCheckin ??= dto.TariffName;
      }
    }
    if (def.key === 'coworkerContracts') rec.IssuedById ??= this.state.businesses[0]?.Id ?? null;
    (this.state[def.key] as Json[]).push(fastRecord(rec));
    if (def.key === 'webhooks' && this.options.appSharedSecret)
      this.state.webhookSecrets.set(rec.Id as number, this.options.appSharedSecret); // §1.12 API-created → signed

    if (def.key === 'coworkers') {
      this.setTeams(rec.Id as number, body.Teams);
      // §1.7: TariffId (+BillingDay/RenewalDate) on create generates a contract.
      if (typeof body.TariffId === 'number') {
        const contract: Json = {
          ...this.baseFields(nxDate(now), user.Email),
          ...DEF_BY_KEY.get('coworkerContracts')!.defaults(),
          IssuedById: rec.InvoicingBusinessId,
          CoworkerId: rec.Id,
          TariffId: body.TariffId,
          StartDate: nxDate(now),
          BillingDay: (body.BillingDay as number) ?? 1,
          RenewalDate: typeof body.RenewalDate === 'string' ? body.RenewalDate : null,
        };
        this.state.coworkerContracts.push(fastRecord(contract) as NxCoworkerContract);
      }
    }
    const fresh = this.view();
    this.fireAndForget(def.hooks.create, fresh.present(def.key, rec));
    return json(
      200,
      this.envelope(200, `${def.name} was successfully created.`, { Id: rec.Id }, user, true, null),
    );
  }

  /** Coworker.Teams is stored as team membership (Team.TeamMembers). */
  private setTeams(coworkerId: number, teams: unknown): void {
    const ids = Array.isArray(teams) ? teams.map(Number) : [];
    for (const t of this.state.teams) {
      const has = t.TeamMembers.includes(coworkerId);
      if (ids.includes(t.Id) && !has) t.TeamMembers.push(coworkerId);
      if (!ids.includes(t.Id) && has) {
        t.TeamMembers = t.TeamMembers.filter((m) => m !== coworkerId);
        t.TeamAdministrators = t.TeamAdministrators.filter((m) => m !== coworkerId);
      }
    }
  }

  private put(def: EntityDef, body: Json, user: NxUser): SimResponse {
    const idKey = findKey(body, 'Id');
    const id = idKey ? Number(body[idKey]) : NaN;
    if (!Number.isFinite(id)) return this.validate({ ...def, required: ['Id'] }, {}, user)!;
    const list = this.state[def.key] as Json[];
    const i = list.findIndex((r) => r.Id === id);
    if (i < 0) return json(404, { Message: `${def.name} not found.` });
    const old = list[i];
    // §1.1: PUT validates/replaces the whole record — fields missing from the body are reset, so a
    // body built from a partial list record loses its collections (clients must GET-merge-PUT).
    const rec: Json = {
      Id: old.Id,
      UniqueId: old.UniqueId,
      CreatedOn: old.CreatedOn,
      UpdatedOn: nxDate(this.now()),
      UpdatedBy: user.Email,
      IsNew: false,
      SystemId: body.SystemId ?? null,
      ...def.defaults(),
      ...this.pick(def, body),
    };
    const invalid = this.validate(def, rec, user);
    if (invalid) return invalid;
    list[i] = fastRecord(rec);
    if (def.key === 'coworkers') this.setTeams(id, body.Teams);
    this.fireAndForget(def.hooks.update, this.view().present(def.key, rec));
    return json(
      200,
      this.envelope(200, `${def.name} was successfully updated.`, { Id: id }, user, true, null),
    );
  }

  private delete(def: EntityDef, id: number, user: NxUser, view: View): SimResponse {
    const list = this.state[def.key] as Json[];
    const i = list.findIndex((r) => r.Id === id);
    if (i < 0) return json(404, { Message: `${def.name} not found.` });
    const dto = view.present(def.key, list[i]);
    list.splice(i, 1);
    this.fireAndForget(def.hooks.delete, dto);
    return json(
      200,
      this.envelope(200, `${def.name} was successfully deleted.`, { Id: id }, user, true, null),
    );
  }

  private runCommand(def: EntityDef, body: string, user: NxUser): SimResponse {
    let cmd: { Key?: string; Ids?: number[] };
    try {
      cmd = JSON.parse(body) as { Key?: string; Ids?: number[] };
    } catch {
      return json(400, { Message: GENERIC_400 });
    }
    if (def.key === 'bookings' && cmd.Key === 'CANCEL_BOOKING') {
      // §1.10: cancelled bookings move to /spaces/cancelledbookings (move semantics [I]).
      const view = this.view();
      for (const id of cmd.Ids ?? []) {
        const i = this.state.bookings.findIndex((b) => b.Id === id);
        if (i < 0) continue;
        const [b] = this.state.bookings.splice(i, 1);
        const cancelled: NxBooking = { ...b, UpdatedOn: nxDate(this.now()), UpdatedBy: user.Email };
        this.state.cancelledBookings.push(cancelled);
        this.fireAndForget(8, view.present('cancelledBookings', cancelled));
      }
      return json(200, this.envelope(200, 'The command was successfully executed.', null, user, true, null));
    }
    // §1.4: business-rule failures come back as HTTP 200 with WasSuccessful:false.
    return json(200, this.envelope(400, `Unknown command ${cmd.Key ?? ''}`.trim(), null, user, false, null));
  }
}

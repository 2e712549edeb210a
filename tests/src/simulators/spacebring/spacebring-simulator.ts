// An in-process HTTP simulator of the Spacebring (formerly andcards) API for Lanyard's tests and
// demo. It follows /work/shared/reference/coworking-apis.md Part 2; comments cite the section ("§2.x")
// and mark behaviour the reference only infers with [I]. Node built-ins only.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SB_RESOURCE_TYPES,
  type IsoDate,
  type SbBooking,
  type SbBookingStatus,
  type SbCompany,
  type SbLocation,
  type SbMembership,
  type SbPlan,
  type SbResource,
  type SbResourceType,
  type SbSubscription,
  type SbSubscriptionStatus,
  type SbUser,
  type SpacebringState,
} from './types.js';

export * from './types.js';

// ---------------------------------------------------------------------------------------------
// Public option / control types

export interface SpacebringSimulatorOptions {
  /** Seed for the deterministic id / name generator. */
  seed?: number;
  /** Injectable clock: rate limiter, token expiry, webhook timestamps, default dates. */
  now?: () => Date;
  clientId?: string;
  clientSecret?: string;
}

/** A fault applied to the next matching request (`failNext`). */
export type SbFault =
  /** Answer with this status (5xx, 429, ...) and a `{message,type}` body (or `body`). */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** 401 whatever the credentials. */
  | { kind: 'unauthorized' }
  /** The real response, but its body is cut and padded so it is not valid JSON (framing intact). */
  | { kind: 'malformedJson' }
  /** The real response's headers (full Content-Length), half of its body, then the socket closes. */
  | { kind: 'truncatedBody' }
  /** Hold the response this many (real) milliseconds, then answer normally. */
  | { kind: 'delay'; ms: number }
  /**
   * A lost page: the next follow-up page request (one carrying `nextPageToken`) is refused as if
   * its cursor had expired, with the documented 400 `{message,type}` (§2.2). Requests without a
   * page token are not affected.
   */
  | { kind: 'lostPage' };

export interface SbFaultOptions {
  /** Only requests whose path (without query) matches. */
  path?: string | RegExp;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

export interface SbRequestLogEntry {
  at: Date;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  auth: 'basic' | 'bearer' | 'none';
  status: number;
  fault?: SbFault['kind'];
}

export interface SbWebhookDelivery {
  url: string;
  headers: { 'svix-id': string; 'svix-timestamp': string; 'svix-signature': string };
  body: string;
  status: number | null;
  error?: string;
}

export interface SbSendWebhookOptions {
  /** Key of the entity in the body; default: the event type up to its first dot (`booking`). */
  entity?: string;
  /** Sign with this secret instead of the endpoint's (to test rejection). */
  signWithSecret?: string;
  /** Extra `v1,<sig>` entries computed with other secrets (Svix sends a space-separated list). */
  alsoSignWith?: string[];
  /** Override svix-id / svix-timestamp. */
  id?: string;
  timestamp?: number;
}

export interface SeedCommunityOptions {
  /** Locations to create (default 1). */
  locations?: number;
  /** Fields of the created locations, by index (e.g. `{ title, timezoneId }`); default: sample cities. */
  locationFields?: Array<Partial<SbLocation>>;
  /** Members with an active subscription per location (default 8). */
  membersPerLocation?: number;
  /** Members whose subscription has ended (status `canceled`) per location (default 1). */
  endedMembersPerLocation?: number;
  /** Nonmembers per location (default 3); the first ones get today's bookings. */
  nonmembersPerLocation?: number;
  /** Companies per location (default 2); active members are spread over them round-robin. */
  companiesPerLocation?: number;
  hotDesksPerLocation?: number;
  dedicatedDesksPerLocation?: number;
  meetingRoomsPerLocation?: number;
  /** Nonmembers with a hot-desk booking today (default 1) and with a room booking today (default 1). */
  deskBookingsToday?: number;
  roomBookingsToday?: number;
  networkTitle?: string;
}

export interface SbRateLimitSettings {
  enabled: boolean;
  /** §2.2: 10 requests/second for Basic and Bearer. */
  perSecond: number;
  /**
   * §2.2: whether the API sends `Retry-After` is not documented [I]; off by default, set a number
   * of seconds to have 429s carry it.
   */
  retryAfterSeconds: number | null;
}

// ---------------------------------------------------------------------------------------------
// Helpers

class SbHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

interface SbResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface AuthContext {
  kind: 'basic' | 'bearer';
  scopes: string[] | null; // null = all (Basic)
}

/** `2023-11-07T05:31:56Z` — §2.2 timestamps, no milliseconds. */
export function sbDate(d: Date): IsoDate {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = 86_400_000;
const FIRST_NAMES = [
  'Ada',
  'Charles',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Linus',
  'Frances',
];
const LAST_NAMES = [
  'Lovelace',
  'Babbage',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Torvalds',
  'Allen',
];
const COMPANY_NAMES = [
  'Analytical Ltd',
  'Difference Engines',
  'Compiler Co',
  'Enigma Works',
  'Semaphore GmbH',
];
const CITIES: Array<[string, string, string]> = [
  ['Kyiv Podil', 'Europe/Kyiv', 'UA'],
  ['Warsaw Centrum', 'Europe/Warsaw', 'PL'],
  ['Lisbon Baixa', 'Europe/Lisbon', 'PT'],
  ['Berlin Mitte', 'Europe/Berlin', 'DE'],
];

function csv(q: URLSearchParams, name: string): string[] | null {
  const v = q.get(name);
  if (v === null || v === '') return null;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function badRequest(message: string): SbHttpError {
  return new SbHttpError(400, message, 'invalid_request_error');
}

function checkEnum<T extends string>(
  values: string[] | null,
  allowed: readonly T[],
  name: string,
): T[] | null {
  if (!values) return null;
  for (const v of values) {
    if (!allowed.includes(v as T)) throw badRequest(`Invalid value "${v}" for "${name}"`);
  }
  return values as T[];
}

function parseDateParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null || v === '') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw badRequest(`Invalid date for "${name}"`);
  return t;
}

/** §2.2 bracket operators: `startDate[gte]=...`. Returns a predicate over a date-valued field. */
function dateRange(q: URLSearchParams, field: string): (value: string | null) => boolean {
  const ops = {
    gt: parseDateParam(q, `${field}[gt]`),
    gte: parseDateParam(q, `${field}[gte]`),
    lt: parseDateParam(q, `${field}[lt]`),
    lte: parseDateParam(q, `${field}[lte]`),
  };
  return (value) => {
    if (ops.gt === null && ops.gte === null && ops.lt === null && ops.lte === null) return true;
    if (value === null) return false;
    const t = Date.parse(value);
    if (ops.gt !== null && !(t > ops.gt)) return false;
    if (ops.gte !== null && !(t >= ops.gte)) return false;
    if (ops.lt !== null && !(t < ops.lt)) return false;
    if (ops.lte !== null && !(t <= ops.lte)) return false;
    return true;
  };
}

function requireUuidParam(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (!v) throw badRequest(`"${name}" is required`);
  if (!UUID_RE.test(v)) throw badRequest(`"${name}" must be a valid UUID`);
  return v;
}

function optionalUuidParam(q: URLSearchParams, name: string): string | null {
  const v = q.get(name);
  if (v === null || v === '') return null;
  if (!UUID_RE.test(v)) throw badRequest(`"${name}" must be a valid UUID`);
  return v;
}

/** `order=field:asc|desc` (§2.5, §2.6). */
function sortBy<T>(items: T[], order: string | null, allowed: string[], fallback: string): T[] {
  const [field, dir = 'asc'] = (order ?? fallback).split(':');
  if (!allowed.includes(field) || (dir !== 'asc' && dir !== 'desc')) {
    throw badRequest(`Invalid "order"; expected one of ${allowed.map((f) => `${f}:asc|desc`).join(', ')}`);
  }
  const sign = dir === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const av = String((a as Record<string, unknown>)[field] ?? '');
    const bv = String((b as Record<string, unknown>)[field] ?? '');
    if (av !== bv) return av < bv ? -sign : sign;
    const ai = String((a as Record<string, unknown>).id);
    const bi = String((b as Record<string, unknown>).id);
    return ai < bi ? -1 : ai > bi ? 1 : 0;
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// Which OAuth scope a route needs (§2.1 scopes); Basic credentials carry every scope.
function scopeFor(path: string): string | null {
  if (path.startsWith('/community/') || path.startsWith('/registrations/')) return 'community';
  if (path.startsWith('/locations/')) return 'locations';
  if (path.startsWith('/plans/')) return 'plans';
  if (path.startsWith('/resources/')) return 'resources';
  if (path.startsWith('/subscriptions/')) return 'subscriptions';
  return null;
}

// ---------------------------------------------------------------------------------------------

export class SpacebringSimulator {
  readonly state: SpacebringState;
  /** Every HTTP request received, in order. */
  readonly requests: SbRequestLogEntry[] = [];
  /** Every webhook delivery attempted. */
  readonly webhookDeliveries: SbWebhookDelivery[] = [];
  readonly rateLimit: SbRateLimitSettings = { enabled: true, perSecond: 10, retryAfterSeconds: null };
  /** Access-token lifetime, §2.1: 1 hour. */
  accessTokenTtlSeconds = 3600;

  private readonly now: () => Date;
  private readonly rand: () => number;
  private server: Server | null = null;
  private baseUrl = '';
  private readonly faults: Array<{ fault: SbFault; path?: string | RegExp; left: number }> = [];
  private rateHits: number[] = [];
  private readonly webhookEndpoints: Array<{ url: string; secret: string }> = [];
  private readonly authCodes = new Map<string, { clientId: string; scope: string[]; networkId: string }>();
  private readonly accessTokens = new Map<
    string,
    { expiresAt: number; scope: string[]; networkId: string }
  >();
  private readonly refreshTokens = new Map<string, { scope: string[]; networkId: string }>();

  constructor(opts: SpacebringSimulatorOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.rand = mulberry32(opts.seed ?? 1);
    this.state = {
      clientId: opts.clientId ?? 'sb_client_' + this.hex(8),
      clientSecret: opts.clientSecret ?? 'sb_secret_' + this.hex(16),
      networks: [],
      locations: [],
      users: [],
      memberships: [],
      companies: [],
      plans: [],
      subscriptions: [],
      resources: [],
      bookings: [],
      bookingStatus: new Map(),
      blacklistedUserIds: new Set(),
    };
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async start(port = 0): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: String(err), type: 'api_error' }));
        } else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return this.baseUrl;
  }

  /** `Authorization` header value for the simulator's Basic credentials (§2.1). */
  basicAuthHeader(): string {
    return 'Basic ' + Buffer.from(`${this.state.clientId}:${this.state.clientSecret}`).toString('base64');
  }

  /** §2.1 "Regenerate credentials" invalidates the old pair. */
  regenerateCredentials(): { clientId: string; clientSecret: string } {
    this.state.clientId = 'sb_client_' + this.hex(8);
    this.state.clientSecret = 'sb_secret_' + this.hex(16);
    return { clientId: this.state.clientId, clientSecret: this.state.clientSecret };
  }

  // ---- test controls -------------------------------------------------------------------------

  failNext(fault: SbFault, opts: SbFaultOptions = {}): void {
    this.faults.push({ fault, path: opts.path, left: opts.times ?? 1 });
  }

  delayNext(ms: number, opts: SbFaultOptions = {}): void {
    this.failNext({ kind: 'delay', ms }, opts);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Forget past requests for the rate limiter (e.g. between test phases). */
  resetRateLimit(): void {
    this.rateHits = [];
  }

  clearRequestLog(): void {
    this.requests.length = 0;
  }

  // ---- webhooks (§2.7) -----------------------------------------------------------------------

  /**
   * Registers an endpoint (the dashboard step in the real product). Returns its Svix signing
   * secret, `whsec_` + base64 of the key.
   */
  registerWebhook(url: string, secret?: string): { secret: string } {
    const s = secret ?? 'whsec_' + Buffer.from(this.bytes(24)).toString('base64');
    this.webhookEndpoints.push({ url, secret: s });
    return { secret: s };
  }

  unregisterWebhooks(): void {
    this.webhookEndpoints.length = 0;
  }

  /**
   * Sends `{"<entity>": data, "type": type}` (§2.7 body shape) to every registered endpoint with
   * Svix headers. Event names beyond `benefit.application.created` / `booking.approved` are not
   * confirmed by the reference [I]; pass whichever the test needs.
   */
  async sendWebhook(
    type: string,
    data: unknown,
    opts: SbSendWebhookOptions = {},
  ): Promise<SbWebhookDelivery[]> {
    const entity = opts.entity ?? type.split('.')[0];
    const body = JSON.stringify({ [entity]: data, type });
    const out: SbWebhookDelivery[] = [];
    for (const ep of this.webhookEndpoints) {
      const id = opts.id ?? 'msg_' + this.hex(12);
      const timestamp = String(opts.timestamp ?? Math.floor(this.now().getTime() / 1000));
      const sigs = [svixSign(opts.signWithSecret ?? ep.secret, id, timestamp, body)];
      for (const other of opts.alsoSignWith ?? []) sigs.push(svixSign(other, id, timestamp, body));
      const headers = { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': sigs.join(' ') };
      const delivery: SbWebhookDelivery = { url: ep.url, headers, body, status: null };
      try {
        const res = await fetch(ep.url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        delivery.status = res.status;
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
      }
      this.webhookDeliveries.push(delivery);
      out.push(delivery);
    }
    return out;
  }

  /** A booking webhook: booking payloads additionally include `resourceType` (§2.6). */
  sendBookingWebhook(
    type: string,
    bookingId: string,
    opts: SbSendWebhookOptions = {},
  ): Promise<SbWebhookDelivery[]> {
    const booking = this.findBooking(bookingId);
    const resource = this.state.resources.find((r) => r.id === booking.resourceRef);
    return this.sendWebhook(
      type,
      { ...booking, resourceType: resource?.type ?? null },
      { entity: 'booking', ...opts },
    );
  }

  /** A membership webhook with the serialized membership (user embedded) [I]. */
  sendMembershipWebhook(
    type: string,
    membershipId: string,
    opts: SbSendWebhookOptions = {},
  ): Promise<SbWebhookDelivery[]> {
    const m = this.state.memberships.find((x) => x.id === membershipId);
    if (!m) throw new Error(`no membership ${membershipId}`);
    return this.sendWebhook(type, this.serializeMembership(m), { entity: 'membership', ...opts });
  }

  sendSubscriptionWebhook(
    type: string,
    subscriptionId: string,
    opts: SbSendWebhookOptions = {},
  ): Promise<SbWebhookDelivery[]> {
    const s = this.state.subscriptions.find((x) => x.id === subscriptionId);
    if (!s) throw new Error(`no subscription ${subscriptionId}`);
    return this.sendWebhook(type, s, { entity: 'subscription', ...opts });
  }

  // ---- state builders ------------------------------------------------------------------------

  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Buffer.from(b).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  ensureNetwork(title = 'Acme Spaces'): string {
    if (!this.state.networks.length) this.state.networks.push({ id: this.uuid(), title });
    return this.state.networks[0].id;
  }

  addLocation(p: Partial<SbLocation> = {}): SbLocation {
    const [title, tz] = CITIES[this.state.locations.length % CITIES.length];
    const loc: SbLocation = {
      id: this.uuid(),
      networkRef: this.ensureNetwork(),
      title,
      address: `${this.state.locations.length + 1} Main St`,
      timezoneId: tz,
      currencyCode: 'EUR',
      email: 'hi@example.com',
      locale: 'en',
      description: null,
      createDate: this.stamp(),
      ...p,
    };
    this.state.locations.push(loc);
    return loc;
  }

  addUser(p: Partial<SbUser> = {}): SbUser {
    const i = this.state.users.length;
    const name = FIRST_NAMES[i % FIRST_NAMES.length];
    const surname = LAST_NAMES[Math.floor(i / FIRST_NAMES.length + i) % LAST_NAMES.length];
    const user: SbUser = {
      id: this.uuid(),
      email: `${name}.${surname}.${i + 1}@example.com`.toLowerCase(),
      name,
      surname,
      phoneNumber: null,
      photoUrl: null,
      about: null,
      deleteDate: null,
      ...p,
    };
    this.state.users.push(user);
    return user;
  }

  /** A membership (user × location). Creates the user unless `userRef` is given. */
  addMembership(
    locationRef: string,
    p: Partial<SbMembership> & { user?: Partial<SbUser> } = {},
  ): SbMembership {
    const { user: userPatch, ...rest } = p;
    const userRef = rest.userRef ?? this.addUser(userPatch).id;
    const m: SbMembership = {
      id: this.uuid(),
      locationRef,
      userRef,
      companyRef: null,
      companyRole: null,
      type: 'nonmember',
      role: 'member',
      status: 'approved',
      subscriptionRef: null,
      credits: { expiring: 0, permanent: 0 },
      dayPasses: { expiring: 0 },
      metadata: {},
      notes: null,
      invitationDate: null,
      createDate: this.stamp(),
      deleteDate: null,
      ...rest,
    };
    this.state.memberships.push(m);
    return m;
  }

  addCompany(locationRef: string, p: Partial<SbCompany> = {}): SbCompany {
    const title = COMPANY_NAMES[this.state.companies.length % COMPANY_NAMES.length];
    const c: SbCompany = {
      id: this.uuid(),
      locationRef,
      title,
      legalName: title,
      taxId: null,
      billingAddress: null,
      businessAddress: {
        line1: '1 Main St',
        line2: null,
        city: 'Kyiv',
        postalCode: '04070',
        state: null,
        countryCode: 'UA',
      },
      subscriptionRef: null,
      credits: { expiring: 0, permanent: 0 },
      dayPasses: { expiring: 0 },
      metadata: {},
      notes: null,
      createDate: this.stamp(),
      deleteDate: null,
      ...p,
    };
    this.state.companies.push(c);
    return c;
  }

  addPlan(locationRef: string, p: Partial<SbPlan> = {}): SbPlan {
    const plan: SbPlan = {
      id: this.uuid(),
      title: 'Hot Desk',
      description: null,
      locationRef,
      period: 'month',
      price: 250,
      setupFee: 0,
      credits: 0,
      dayPasses: 0,
      commitmentCycles: 0,
      selfSignup: { enabled: false, type: 'request' },
      access: { kisiGroupRef: null, saltoksAccessGroupRef: null, unifiAccessGroupRef: null },
      exclusiveAccess: { resourceRefs: [], benefitRefs: [] },
      discounts: {},
      createDate: this.stamp(),
      ...p,
    };
    this.state.plans.push(plan);
    return plan;
  }

  /**
   * A subscription for a membership (`subscriptionType: "user"`, customerRef = membership id) or a
   * company (`"company"`, customerRef = company id) [I: §2.5 infers which id customerRef holds].
   * Links it from the membership/company `subscriptionRef` and, when active, makes the membership
   * (or the company's memberships) `type: "member"`.
   */
  addSubscription(
    customer: { membershipRef: string } | { companyRef: string },
    planRef: string,
    p: Partial<SbSubscription> = {},
  ): SbSubscription {
    const plan = this.state.plans.find((x) => x.id === planRef);
    if (!plan) throw new Error(`no plan ${planRef}`);
    const loc = this.state.locations.find((l) => l.id === plan.locationRef)!;
    const now = this.now().getTime();
    const startDate = p.startDate ?? sbDate(new Date(now - 30 * DAY));
    const endDate = p.endDate === undefined ? sbDate(new Date(now + 150 * DAY)) : p.endDate;
    let sub: SbSubscription;
    const common = {
      id: this.uuid(),
      locationRef: plan.locationRef,
      networkRef: loc.networkRef,
      status: 'active' as SbSubscriptionStatus,
      startDate,
      endDate,
      timezoneId: loc.timezoneId,
      period: plan.period,
      price: plan.price,
      currentInterval: { startDate, endDate: sbDate(new Date(Date.parse(startDate) + 31 * DAY - 1000)) },
      nextInterval: null,
      items: [
        {
          id: this.uuid(),
          planRef: plan.id,
          plan: { id: plan.id, title: plan.title },
          title: plan.title,
          type: 'recurring',
          quantity: 1,
          price: plan.price,
          startDate,
          endDate: null,
          unifiAccessGroupRef: plan.access.unifiAccessGroupRef,
        },
      ],
      createDate: this.stamp(),
      deleteDate: null,
    };
    if ('membershipRef' in customer) {
      const m = this.state.memberships.find((x) => x.id === customer.membershipRef);
      if (!m) throw new Error(`no membership ${customer.membershipRef}`);
      const u = this.userOf(m);
      sub = {
        ...common,
        subscriptionType: 'user',
        customerRef: m.id,
        customer: {
          id: m.id,
          type: 'user',
          title: `${u.name} ${u.surname}`,
          user: { id: u.id, email: u.email, name: u.name, surname: u.surname },
        },
        membershipRef: m.id,
        companyRef: null,
        user: { email: u.email, name: u.name, surname: u.surname },
        ...p,
      };
      m.subscriptionRef = sub.id;
      if (sub.status === 'active') m.type = 'member';
    } else {
      const c = this.state.companies.find((x) => x.id === customer.companyRef);
      if (!c) throw new Error(`no company ${customer.companyRef}`);
      sub = {
        ...common,
        subscriptionType: 'company',
        customerRef: c.id,
        customer: { id: c.id, type: 'company', title: c.title },
        membershipRef: null,
        companyRef: c.id,
        user: null,
        ...p,
      };
      c.subscriptionRef = sub.id;
      if (sub.status === 'active') {
        for (const m of this.state.memberships) if (m.companyRef === c.id) m.type = 'member';
      }
    }
    this.state.subscriptions.push(sub);
    return sub;
  }

  /** Ends a subscription now: status `canceled`, `endDate` = now; the membership becomes a nonmember. */
  endSubscription(id: string): SbSubscription {
    const s = this.state.subscriptions.find((x) => x.id === id);
    if (!s) throw new Error(`no subscription ${id}`);
    s.status = 'canceled';
    s.endDate = this.stamp();
    if (s.membershipRef) {
      const m = this.state.memberships.find((x) => x.id === s.membershipRef);
      if (m) m.type = 'nonmember';
    }
    return s;
  }

  addResource(locationRef: string, type: SbResourceType, p: Partial<SbResource> = {}): SbResource {
    const loc = this.state.locations.find((l) => l.id === locationRef);
    const n = this.state.resources.filter((r) => r.locationRef === locationRef && r.type === type).length + 1;
    const r: SbResource = {
      id: this.uuid(),
      title: `${type} ${n}`,
      type,
      locationRef,
      networkRef: loc?.networkRef ?? this.ensureNetwork(),
      capacity: type.endsWith('Desk') ? 1 : 8,
      bookingPermission: 'members',
      parentRef: null,
      children: [],
      assignments: [],
      kisiGroupRef: null,
      ...p,
    };
    this.state.resources.push(r);
    return r;
  }

  addBooking(
    p: Partial<SbBooking> & { resourceRef: string; membershipRefOwner: string; status?: SbBookingStatus },
  ): SbBooking {
    const { status, ...rest } = p;
    const m = this.state.memberships.find((x) => x.id === p.membershipRefOwner);
    if (!m) throw new Error(`no membership ${p.membershipRefOwner}`);
    const u = this.userOf(m);
    const company = m.companyRef ? this.state.companies.find((c) => c.id === m.companyRef) : undefined;
    const day = new Date(this.now());
    day.setUTCHours(0, 0, 0, 0);
    const b: SbBooking = {
      id: this.uuid(),
      title: null,
      memo: null,
      seats: 1,
      startDate: sbDate(new Date(day.getTime() + 9 * 3_600_000)),
      endDate: sbDate(new Date(day.getTime() + 17 * 3_600_000)),
      entire: false,
      userOwner: {
        id: u.id,
        email: u.email,
        name: u.name,
        surname: u.surname,
        company: company ? { title: company.title } : null,
      },
      attendees: [],
      payment: null,
      createDate: this.stamp(),
      updateDate: this.stamp(),
      deleteDate: null,
      ...rest,
    };
    this.state.bookings.push(b);
    if (status === 'canceled') b.deleteDate = b.deleteDate ?? this.stamp();
    if (status) this.state.bookingStatus.set(b.id, status);
    return b;
  }

  /** Cancels a booking: soft delete via `deleteDate` (§2.2, §2.6 [I]). */
  cancelBooking(id: string): SbBooking {
    const b = this.findBooking(id);
    b.deleteDate = this.stamp();
    b.updateDate = b.deleteDate;
    this.state.bookingStatus.set(id, 'canceled');
    return b;
  }

  /** Soft-deletes a membership; it moves to `/community/memberships/v1/deleted` (§2.4). */
  deleteMembership(id: string): SbMembership {
    const m = this.state.memberships.find((x) => x.id === id);
    if (!m) throw new Error(`no membership ${id}`);
    m.deleteDate = this.stamp();
    return m;
  }

  /** Fills the state with a small deterministic community (see SeedCommunityOptions). */
  seedCommunity(opts: SeedCommunityOptions = {}): void {
    this.ensureNetwork(opts.networkTitle);
    for (let l = 0; l < (opts.locations ?? 1); l++) {
      const loc = this.addLocation(opts.locationFields?.[l]);
      const companies = Array.from({ length: opts.companiesPerLocation ?? 2 }, () => this.addCompany(loc.id));
      const hotDeskPlan = this.addPlan(loc.id, { title: 'Hot Desk', price: 250 });
      this.addPlan(loc.id, { title: 'Virtual Office', price: 50 });
      const desks = Array.from({ length: opts.hotDesksPerLocation ?? 4 }, () =>
        this.addResource(loc.id, 'hotDesk'),
      );
      for (let i = 0; i < (opts.dedicatedDesksPerLocation ?? 1); i++)
        this.addResource(loc.id, 'dedicatedDesk');
      const rooms = Array.from({ length: opts.meetingRoomsPerLocation ?? 2 }, () =>
        this.addResource(loc.id, 'meetingRoom'),
      );

      for (let i = 0; i < (opts.membersPerLocation ?? 8); i++) {
        const company = companies.length ? companies[i % companies.length] : null;
        const m = this.addMembership(loc.id, {
          companyRef: company?.id ?? null,
          companyRole: company ? (i < companies.length ? 'manager' : 'member') : null,
        });
        this.addSubscription({ membershipRef: m.id }, hotDeskPlan.id);
      }
      for (let i = 0; i < (opts.endedMembersPerLocation ?? 1); i++) {
        const m = this.addMembership(loc.id);
        const now = this.now().getTime();
        const s = this.addSubscription({ membershipRef: m.id }, hotDeskPlan.id, {
          startDate: sbDate(new Date(now - 90 * DAY)),
          endDate: sbDate(new Date(now - 2 * DAY)),
          status: 'canceled',
        });
        m.type = 'nonmember';
        m.subscriptionRef = s.id;
      }
      const nonmembers = Array.from({ length: opts.nonmembersPerLocation ?? 3 }, () =>
        this.addMembership(loc.id),
      );
      let n = 0;
      for (let i = 0; i < (opts.deskBookingsToday ?? 1) && n < nonmembers.length && desks.length; i++, n++) {
        this.addBooking({ resourceRef: desks[i % desks.length].id, membershipRefOwner: nonmembers[n].id });
      }
      for (let i = 0; i < (opts.roomBookingsToday ?? 1) && n < nonmembers.length && rooms.length; i++, n++) {
        this.addBooking({
          resourceRef: rooms[i % rooms.length].id,
          membershipRefOwner: nonmembers[n].id,
          title: 'Standup',
          seats: 4,
        });
      }
    }
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const auth = (headers.authorization ?? '').split(' ')[0].toLowerCase();
    const entry: SbRequestLogEntry = {
      at: this.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      auth: auth === 'basic' ? 'basic' : auth === 'bearer' ? 'bearer' : 'none',
      status: 0,
    };
    this.requests.push(entry);

    const fault = this.takeFault(url.pathname, url.searchParams.has('nextPageToken'));
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));

    let out: SbResponse;
    if (fault?.kind === 'status') {
      out = {
        status: fault.status,
        headers: fault.headers,
        body: fault.body ?? { message: `Simulated ${fault.status}`, type: 'api_error' },
      };
    } else if (fault?.kind === 'lostPage') {
      out = { status: 400, body: { message: 'Invalid "nextPageToken"', type: 'invalid_request_error' } };
    } else if (fault?.kind === 'unauthorized') {
      out = { status: 401, body: { message: 'Unauthorized', type: 'authentication_error' } };
    } else {
      try {
        out = this.route(req.method ?? 'GET', url, headers, body);
      } catch (err) {
        if (err instanceof SbHttpError)
          out = { status: err.status, body: { message: err.message, type: err.type } };
        else throw err;
      }
    }
    entry.status = out.status;
    this.write(res, out, fault);
  }

  private write(res: ServerResponse, out: SbResponse, fault: SbFault | null): void {
    const headers: Record<string, string> = { ...(out.headers ?? {}) };
    if (out.body === undefined) {
      res.writeHead(out.status, headers);
      res.end();
      return;
    }
    let text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
    if (fault?.kind === 'malformedJson') text = text.slice(0, Math.ceil(text.length / 2)) + '<<garbage';
    const buf = Buffer.from(text, 'utf8');
    headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = String(buf.length);
    res.writeHead(out.status, headers);
    if (fault?.kind === 'truncatedBody') {
      res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(buf);
  }

  private takeFault(path: string, hasPageToken: boolean): SbFault | null {
    const i = this.faults.findIndex(
      (f) =>
        (f.fault.kind !== 'lostPage' || hasPageToken) &&
        (!f.path || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
    );
    if (i < 0) return null;
    const f = this.faults[i];
    if (--f.left <= 0) this.faults.splice(i, 1);
    return f.fault;
  }

  /** §2.2: 10 requests per second (sliding one-second window on the injected clock). */
  private allow(): boolean {
    if (!this.rateLimit.enabled) return true;
    const t = this.now().getTime();
    this.rateHits = this.rateHits.filter((h) => h > t - 1000);
    if (this.rateHits.length >= this.rateLimit.perSecond) return false;
    this.rateHits.push(t);
    return true;
  }

  private route(method: string, url: URL, headers: Record<string, string>, body: string): SbResponse {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/oauth2/authorize' && method === 'GET') return this.oauthAuthorize(url.searchParams);
    if (path === '/oauth2/token' && method === 'POST') return this.oauthToken(body, headers);
    if (path === '/oauth2/revoke' && method === 'POST') return this.oauthRevoke(body);

    if (!this.allow()) {
      // §2.2: excess → 429. Body shape and Retry-After are not documented [I].
      const h: Record<string, string> = {};
      if (this.rateLimit.retryAfterSeconds !== null)
        h['retry-after'] = String(this.rateLimit.retryAfterSeconds);
      return { status: 429, headers: h, body: { message: 'Too many requests', type: 'rate_limit_error' } };
    }
    const ctx = this.authenticate(headers);
    const needed = scopeFor(path);
    if (needed && ctx.scopes) {
      const write = method !== 'GET';
      const ok = ctx.scopes.includes(needed) || (!write && ctx.scopes.includes(`${needed}.readonly`));
      if (!ok)
        throw new SbHttpError(
          403,
          `Missing scope "${needed}${write ? '' : '(.readonly)'}"`,
          'permission_error',
        );
    }
    const q = url.searchParams;
    const get = method === 'GET';
    let m: RegExpExecArray | null;

    if (get && path === '/networks/v1') return this.page(q, 'networks', this.state.networks);
    if (get && path === '/locations/v1') return this.page(q, 'locations', this.sorted(this.state.locations));
    if (get && (m = /^\/locations\/v1\/([^/]+)$/.exec(path))) {
      const loc = this.state.locations.find((l) => l.id === m![1]);
      if (!loc) throw this.notFound('Location');
      return { status: 200, body: { location: loc } };
    }
    if (get && path === '/community/memberships/v1') return this.listMemberships(q, false);
    if (get && path === '/community/memberships/v1/deleted') return this.listMemberships(q, true);
    if (get && (m = /^\/community\/memberships\/v1\/([^/]+)$/.exec(path))) {
      const mem = this.state.memberships.find((x) => x.id === m![1] && !x.deleteDate);
      if (!mem) throw this.notFound('Membership');
      return { status: 200, body: { membership: this.serializeMembership(mem) } };
    }
    if (get && path === '/community/companies/v1') return this.listCompanies(q);
    if (get && path === '/plans/v1') {
      const loc = requireUuidParam(q, 'locationRef');
      return this.page(q, 'plans', this.sorted(this.state.plans.filter((p) => p.locationRef === loc)));
    }
    if (get && path === '/subscriptions/v1') return this.listSubscriptions(q);
    if (get && path === '/resources/v1') {
      const loc = requireUuidParam(q, 'locationRef');
      const types = checkEnum(csv(q, 'types'), SB_RESOURCE_TYPES, 'types');
      const list = this.state.resources.filter(
        (r) => r.locationRef === loc && (!types || types.includes(r.type)),
      );
      return this.page(q, 'resources', list);
    }
    if (path === '/resources/bookings/v1') {
      if (get) return this.listBookings(q);
      if (method === 'POST') return this.createBooking(body);
    }
    if (method === 'DELETE' && (m = /^\/resources\/bookings\/v1\/([^/]+)$/.exec(path))) {
      const b = this.state.bookings.find((x) => x.id === m![1] && !x.deleteDate);
      if (!b) throw this.notFound('Booking');
      this.cancelBooking(b.id);
      return { status: 204 };
    }
    if (get && path === '/registrations/v1') return this.page(q, 'registrations', this.registrations());
    throw new SbHttpError(404, `Cannot ${method} ${url.pathname}`, 'not_found_error');
  }

  // ---- auth (§2.1) -----------------------------------------------------------------------------

  private authenticate(headers: Record<string, string>): AuthContext {
    const h = headers.authorization ?? '';
    const unauthorized = (msg: string) => new SbHttpError(401, msg, 'authentication_error'); // 401 shape [I] §2.2
    const [scheme, value = ''] = h.split(' ');
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) throw unauthorized('Invalid credentials');
      const id = decoded.slice(0, i);
      const secret = decoded.slice(i + 1);
      if (id !== this.state.clientId || secret !== this.state.clientSecret)
        throw unauthorized('Invalid credentials');
      return { kind: 'basic', scopes: null };
    }
    if (scheme?.toLowerCase() === 'bearer') {
      const tok = this.accessTokens.get(value);
      if (!tok || tok.expiresAt <= this.now().getTime())
        throw unauthorized('Invalid or expired access token');
      // §2.1: Bearer requests must send spacebring-network-id (not needed for Basic).
      const net = headers['spacebring-network-id'];
      if (!net) throw badRequest('"spacebring-network-id" header is required');
      if (net !== tok.networkId) throw unauthorized('Token is not valid for this network');
      return { kind: 'bearer', scopes: tok.scope };
    }
    throw unauthorized('Missing credentials');
  }

  private oauthAuthorize(q: URLSearchParams): SbResponse {
    if (q.get('client_id') !== this.state.clientId) throw badRequest('Unknown client_id');
    if (q.get('response_type') !== 'code') throw badRequest('response_type must be "code"');
    const redirect = q.get('redirect_uri');
    if (!redirect) throw badRequest('redirect_uri is required');
    const code = this.hex(16);
    const scope = (q.get('scope') ?? '').split(/[ ,]+/).filter(Boolean);
    this.authCodes.set(code, { clientId: this.state.clientId, scope, networkId: this.ensureNetwork() });
    const target = new URL(redirect);
    target.searchParams.set('code', code);
    const st = q.get('state');
    if (st) target.searchParams.set('state', st);
    return { status: 302, headers: { location: target.toString() } };
  }

  private oauthToken(body: string, headers: Record<string, string>): SbResponse {
    const f = (headers['content-type'] ?? '').includes('json')
      ? new URLSearchParams(Object.entries(JSON.parse(body || '{}') as Record<string, string>))
      : new URLSearchParams(body);
    if (f.get('client_id') !== this.state.clientId || f.get('client_secret') !== this.state.clientSecret) {
      throw new SbHttpError(401, 'Invalid client credentials', 'authentication_error');
    }
    let grant: { scope: string[]; networkId: string } | undefined;
    const type = f.get('grant_type');
    if (type === 'authorization_code') {
      grant = this.authCodes.get(f.get('code') ?? '');
      this.authCodes.delete(f.get('code') ?? '');
    } else if (type === 'refresh_token') {
      grant = this.refreshTokens.get(f.get('refresh_token') ?? '');
      this.refreshTokens.delete(f.get('refresh_token') ?? '');
    } else {
      // §2.1: no client_credentials grant in the new API.
      throw badRequest(`Unsupported grant_type "${type ?? ''}"`);
    }
    if (!grant) throw badRequest('Invalid grant');
    const access = this.hex(24);
    const refresh = this.hex(24);
    this.accessTokens.set(access, {
      expiresAt: this.now().getTime() + this.accessTokenTtlSeconds * 1000,
      scope: grant.scope,
      networkId: grant.networkId,
    });
    this.refreshTokens.set(refresh, grant);
    return {
      status: 200,
      body: {
        access_token: access,
        expires_in: this.accessTokenTtlSeconds,
        refresh_token: refresh,
        scope: grant.scope.join(' '),
        token_type: 'Bearer',
      },
    };
  }

  private oauthRevoke(body: string): SbResponse {
    const token = new URLSearchParams(body).get('token') ?? '';
    this.accessTokens.delete(token);
    this.refreshTokens.delete(token);
    return { status: 200, body: {} };
  }

  // ---- paging (§2.2) ---------------------------------------------------------------------------

  /**
   * Cursor paging: `limit` 1-100 (default 25, larger values capped at 100) and an opaque
   * `nextPageToken`, present only when more pages exist. Follow-up pages must keep the same
   * filters (§2.2); a token used with different filters is refused with 400 [I].
   */
  private page<T>(
    q: URLSearchParams,
    key: string,
    items: T[],
    map: (x: T) => unknown = (x) => x,
  ): SbResponse {
    let limit = 25;
    const rawLimit = q.get('limit');
    if (rawLimit !== null) {
      if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1)
        throw badRequest('"limit" must be an integer >= 1');
      limit = Math.min(100, Number(rawLimit));
    }
    const fingerprint = createHash('sha256')
      .update(
        [...q.entries()]
          .filter(([k]) => k !== 'limit' && k !== 'nextPageToken')
          .map(([k, v]) => `${k}=${v}`)
          .sort()
          .join('&'),
      )
      .digest('base64url')
      .slice(0, 16);
    let offset = 0;
    const token = q.get('nextPageToken');
    if (token) {
      let parsed: { o?: unknown; f?: unknown };
      try {
        parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
      } catch {
        throw badRequest('Invalid "nextPageToken"');
      }
      if (typeof parsed?.o !== 'number' || typeof parsed.f !== 'string')
        throw badRequest('Invalid "nextPageToken"');
      if (parsed.f !== fingerprint) throw badRequest('"nextPageToken" was issued for different filters');
      offset = parsed.o;
    }
    const slice = items.slice(offset, offset + limit).map(map);
    const out: Record<string, unknown> = { [key]: slice };
    if (offset + limit < items.length) {
      out.nextPageToken = Buffer.from(JSON.stringify({ o: offset + limit, f: fingerprint })).toString(
        'base64url',
      );
    }
    return { status: 200, body: out };
  }

  // ---- lists -------------------------------------------------------------------------------------

  private listMemberships(q: URLSearchParams, deleted: boolean): SbResponse {
    const loc = requireUuidParam(q, 'locationRef');
    const companyRef = optionalUuidParam(q, 'companyRef');
    const userRef = optionalUuidParam(q, 'userRef');
    const email = q.get('userEmail')?.toLowerCase() ?? null;
    // §2.4: the deleted list takes the same filters minus `types`.
    const types = deleted ? null : checkEnum(csv(q, 'types'), ['member', 'nonmember'] as const, 'types');
    const statuses = checkEnum(csv(q, 'status'), ['requested', 'approved'] as const, 'status');
    const list = this.state.memberships.filter((m) => {
      if (m.locationRef !== loc || Boolean(m.deleteDate) !== deleted) return false;
      if (companyRef && m.companyRef !== companyRef) return false;
      if (userRef && m.userRef !== userRef) return false;
      if (email && this.userOf(m).email.toLowerCase() !== email) return false;
      if (types && !types.includes(m.type)) return false;
      if (statuses && !statuses.includes(m.status)) return false;
      return true;
    });
    return this.page(q, 'memberships', this.sorted(list), (m) => this.serializeMembership(m));
  }

  private listCompanies(q: URLSearchParams): SbResponse {
    const loc = requireUuidParam(q, 'locationRef');
    const title = q.get('title')?.toLowerCase() ?? null;
    // `types` is listed without semantics (§2.4); member = has an active subscription [I].
    const types = checkEnum(csv(q, 'types'), ['member', 'nonmember'] as const, 'types');
    const list = this.state.companies.filter((c) => {
      if (c.locationRef !== loc || c.deleteDate) return false;
      if (title && !c.title.toLowerCase().includes(title)) return false;
      if (types) {
        const active = this.state.subscriptions.some((s) => s.companyRef === c.id && s.status === 'active');
        if (!types.includes(active ? 'member' : 'nonmember')) return false;
      }
      return true;
    });
    return this.page(q, 'companies', this.sorted(list));
  }

  private listSubscriptions(q: URLSearchParams): SbResponse {
    const loc = optionalUuidParam(q, 'locationRef');
    const customer = optionalUuidParam(q, 'customerRef');
    if (!loc && !customer) throw badRequest('"locationRef" or "customerRef" is required');
    const planRef = optionalUuidParam(q, 'planRef');
    // §2.5: status is a comma list, default active,scheduled,incomplete.
    const statuses = checkEnum(
      csv(q, 'status') ?? ['active', 'scheduled', 'incomplete'],
      ['active', 'scheduled', 'incomplete', 'incompleteExpired', 'canceled'] as const,
      'status',
    )!;
    const created = dateRange(q, 'createDate');
    const list = this.state.subscriptions.filter(
      (s) =>
        !s.deleteDate &&
        (!loc || s.locationRef === loc) &&
        (!customer || s.customerRef === customer) &&
        (!planRef || s.items.some((i) => i.planRef === planRef)) &&
        statuses.includes(s.status) &&
        created(s.createDate),
    );
    return this.page(
      q,
      'subscriptions',
      sortBy(list, q.get('order'), ['createDate', 'startDate', 'endDate'], 'createDate:asc'),
    );
  }

  private listBookings(q: URLSearchParams): SbResponse {
    const loc = optionalUuidParam(q, 'locationRef');
    const resourceRef = optionalUuidParam(q, 'resourceRef');
    // §2.6: needs locationRef or resourceRef.
    if (!loc && !resourceRef) throw badRequest('"locationRef" or "resourceRef" is required');
    const customer = optionalUuidParam(q, 'customerRef');
    const owner = optionalUuidParam(q, 'membershipRefOwner'); // deprecated, still accepted (§2.6)
    // `type` (current) or `types` (deprecated) — resource types (§2.6).
    const types = checkEnum(csv(q, 'type') ?? csv(q, 'types'), SB_RESOURCE_TYPES, 'type');
    let statuses = checkEnum(
      csv(q, 'status') ?? ['tentative', 'confirmed'],
      ['tentative', 'confirmed', 'canceled'] as const,
      'status',
    )!;
    if (q.get('includeDeleted') === 'true' && !statuses.includes('canceled'))
      statuses = [...statuses, 'canceled'];
    const start = dateRange(q, 'startDate');
    const end = dateRange(q, 'endDate');
    const resources = new Map(this.state.resources.map((r) => [r.id, r]));
    const list = this.state.bookings.filter((b) => {
      const r = resources.get(b.resourceRef);
      if (loc && r?.locationRef !== loc) return false;
      if (resourceRef && b.resourceRef !== resourceRef) return false;
      if (customer && b.membershipRefOwner !== customer) return false;
      if (owner && b.membershipRefOwner !== owner) return false;
      if (types && (!r || !types.includes(r.type))) return false;
      if (!statuses.includes(this.bookingStatusOf(b))) return false;
      return start(b.startDate) && end(b.endDate);
    });
    // `singleBookings=true` is accepted; the simulator has no repeating bookings to expand.
    return this.page(
      q,
      'bookings',
      sortBy(list, q.get('order'), ['startDate', 'endDate', 'createDate'], 'startDate:asc'),
    );
  }

  private createBooking(body: string): SbResponse {
    let parsed: { booking?: Record<string, unknown> };
    try {
      parsed = JSON.parse(body) as { booking?: Record<string, unknown> };
    } catch {
      throw badRequest('Body must be JSON');
    }
    const b = parsed?.booking;
    if (!b || typeof b !== 'object') throw badRequest('"booking" is required');
    for (const k of ['resourceRef', 'startDate', 'endDate', 'membershipRefOwner']) {
      if (typeof b[k] !== 'string') throw badRequest(`"booking.${k}" is required`);
    }
    const s = Date.parse(b.startDate as string);
    const e = Date.parse(b.endDate as string);
    if (Number.isNaN(s) || Number.isNaN(e) || e <= s) throw badRequest('Invalid booking dates');
    if (!this.state.resources.some((r) => r.id === b.resourceRef)) throw this.notFound('Resource');
    if (!this.state.memberships.some((m) => m.id === b.membershipRefOwner && !m.deleteDate)) {
      throw this.notFound('Membership');
    }
    const created = this.addBooking({
      resourceRef: b.resourceRef as string,
      membershipRefOwner: b.membershipRefOwner as string,
      startDate: sbDate(new Date(s)),
      endDate: sbDate(new Date(e)),
      title: typeof b.title === 'string' ? b.title : null,
      memo: typeof b.memo === 'string' ? b.memo : null,
    });
    return { status: 201, body: { booking: created } }; // response shape not documented [I]
  }

  /** §2.4: network-wide users with their per-location customers. */
  private registrations(): unknown[] {
    return this.state.users.map((u) => {
      const ms = this.state.memberships.filter((m) => m.userRef === u.id && !m.deleteDate);
      return {
        user: { ...u },
        role: ms.some((m) => m.role === 'admin') ? 'admin' : 'member',
        customers: ms.map((m) => ({ id: m.id, organizationRef: m.locationRef, membershipType: m.type })),
        blacklisted: this.state.blacklistedUserIds.has(u.id),
        lastSeenDate: null,
      };
    });
  }

  // ---- misc --------------------------------------------------------------------------------------

  serializeMembership(m: SbMembership): Record<string, unknown> {
    const u = this.userOf(m);
    return {
      id: m.id,
      locationRef: m.locationRef,
      userRef: m.userRef,
      user: {
        id: u.id,
        email: u.email,
        name: u.name,
        surname: u.surname,
        phoneNumber: u.phoneNumber,
        photoUrl: u.photoUrl,
        about: u.about,
      },
      companyRef: m.companyRef,
      companyRole: m.companyRole,
      type: m.type,
      role: m.role,
      status: m.status,
      subscriptionRef: m.subscriptionRef,
      credits: m.credits,
      dayPasses: m.dayPasses,
      metadata: m.metadata,
      notes: m.notes,
      invitationDate: m.invitationDate,
      createDate: m.createDate,
      deleteDate: m.deleteDate,
    };
  }

  bookingStatusOf(b: SbBooking): SbBookingStatus {
    if (b.deleteDate) return 'canceled';
    const s = this.state.bookingStatus.get(b.id);
    return s && s !== 'canceled' ? s : 'confirmed';
  }

  private userOf(m: SbMembership): SbUser {
    const u = this.state.users.find((x) => x.id === m.userRef);
    if (!u) throw new Error(`membership ${m.id} points at unknown user ${m.userRef}`);
    return u;
  }

  private findBooking(id: string): SbBooking {
    const b = this.state.bookings.find((x) => x.id === id);
    if (!b) throw new Error(`no booking ${id}`);
    return b;
  }

  private notFound(what: string): SbHttpError {
    return new SbHttpError(404, `${what} not found`, 'not_found_error'); // 404 shape [I] §2.2
  }

  /** Stable default order: createDate, then id. */
  private sorted<T extends { createDate: string; id: string }>(items: T[]): T[] {
    return sortBy(items, null, ['createDate'], 'createDate:asc');
  }

  /** Creation stamps come from the injected clock; ties are ordered by id. */
  private stamp(): IsoDate {
    return sbDate(this.now());
  }

  private bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.rand() * 256);
    return b;
  }

  private hex(n: number): string {
    return Buffer.from(this.bytes(n)).toString('hex');
  }
}

/** Svix signature entry `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>` (§2.7). */
export function svixSign(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** Random (non-deterministic) bytes for callers that want a fresh secret. */
export function randomWebhookSecret(): string {
  return 'whsec_' + randomBytes(24).toString('base64');
}

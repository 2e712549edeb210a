// The Andcards (Spacebring) connector: reads locations, memberships, companies, plans,
// subscriptions, resources and bookings (coworking-apis.md Part 2) into one snapshot, and parses
// Svix-signed webhooks (§2.7).
//
// Decisions the reference leaves open:
// - A member is a Spacebring user; every approved, not deleted membership counts (members and
//   nonmembers alike: access comes from subscriptions and bookings). `requested` ones do not.
// - Subscriptions `active` and `scheduled` are membership terms; `incomplete` (unpaid) is not.
//   A subscription with several plan items maps to its first known plan.
// - Invitees of a room booking whose membership is known get the booking's day too (the
//   reference says they are from the owner's company; that is not checked). Desk bookings have none.
// - INCREMENTAL runs read everything (no change filter on memberships, §2.2).
// - MEMBERS runs list each user's memberships per location by `userRef`, their own and their
//   companies' subscriptions by `customerRef`, and the locations' bookings window (to catch
//   invitees), plus companies/plans/resources so the partial snapshot is self-contained.
// - Webhooks that cannot be narrowed to user ids without a read (company events, company
//   subscriptions, invitees without a user id) ask for a full sync.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  UpstreamError,
  UpstreamErrorCode,
  type ConnectRequest,
  type Connector,
  type ConnectorOptions,
  type FetchOptions,
  type StoredCredentials,
  type UpstreamSnapshot,
  type WebhookEffect,
  type WebhookRequest,
} from '../connector.js';
import { AndcardsClient, type Query } from './andcards.client.js';
import {
  LIVE_SUBSCRIPTION_STATUSES,
  mapSnapshot,
  startOfLocalDay,
  type AndcardsData,
} from './andcards.mapper.js';
import {
  RecordError,
  readBooking,
  readCompany,
  readLocation,
  readMembership,
  readPlan,
  readResource,
  readSubscription,
  type SbLocation,
  type SbMembership,
} from './andcards.types.js';

/** The Spacebring API root (§2.0); the legacy andcards API is deprecated. */
export const ANDCARDS_DEFAULT_BASE_URL = 'https://api.spacebring.com';

/** Bookings are read from local midnight today up to this many days ahead. */
export const BOOKING_HORIZON_DAYS = 14;
/** Svix: deliveries whose timestamp is further than this from now are refused (replay). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

type AndcardsCredentials = Extract<StoredCredentials, { kind: 'ANDCARDS' }>;

/** Checks the client id and secret with one cheap call, and returns what to store. */
export async function connectAndcards(req: ConnectRequest): Promise<StoredCredentials> {
  const clientId = req.clientId?.trim() ?? '';
  const clientSecret = req.clientSecret?.trim() ?? '';
  if (!clientId || !clientSecret) {
    throw new UpstreamError(UpstreamErrorCode.REJECTED, 'Andcards needs a client id and a client secret');
  }
  const client = new AndcardsClient({
    baseUrl: req.baseUrl,
    clientId,
    clientSecret,
    fetchImpl: req.fetchImpl,
    timeoutMs: req.timeoutMs,
    throttleRetries: 2,
    transientRetries: 1,
  });
  const body = await client.get('/locations/v1', { limit: 1 });
  if (!Array.isArray(body.locations)) throw client.malformed('/locations/v1', 200, 'has no "locations" list');
  return { kind: 'ANDCARDS', clientId, clientSecret };
}

export function createAndcardsConnector(opts: ConnectorOptions): Connector {
  return {
    fetchSnapshot: (options) => fetchSnapshot(opts, options),
  };
}

async function loadCredentials(opts: ConnectorOptions): Promise<AndcardsCredentials> {
  const c = await opts.credentials.load();
  if (c.kind !== 'ANDCARDS') {
    throw new UpstreamError(
      UpstreamErrorCode.UNAUTHORIZED,
      'Stored credentials are not Andcards credentials',
    );
  }
  return c;
}

/** Lists an endpoint and checks each record; a record lacking a needed field is MALFORMED. */
async function list<T>(
  client: AndcardsClient,
  path: string,
  key: string,
  query: Query,
  read: (raw: unknown) => T,
): Promise<T[]> {
  const raw = await client.listAll(path, key, query);
  return raw.map((r) => {
    try {
      return read(r);
    } catch (err) {
      if (err instanceof RecordError) throw client.malformed(path, 200, `record invalid: ${err.message}`);
      throw err;
    }
  });
}

async function fetchSnapshot(opts: ConnectorOptions, options: FetchOptions): Promise<UpstreamSnapshot> {
  const creds = await loadCredentials(opts);
  const client = new AndcardsClient({
    baseUrl: opts.baseUrl,
    clientId: creds.clientId,
    clientSecret: creds.clientSecret,
    fetchImpl: opts.fetchImpl,
    timeoutMs: opts.timeoutMs,
    sleep: opts.sleep,
    signal: options.signal,
  });
  const { log, now } = options;
  let mode = options.mode;
  if (mode === 'INCREMENTAL') {
    // §2.2: no updatedSince filter on memberships; re-listing everything is the only complete read.
    log.info('Andcards has no change filter for people: running a full read instead of an incremental one');
    mode = 'FULL';
  }

  const locations = await list(client, '/locations/v1', 'locations', {}, readLocation);
  const data: AndcardsData = {
    locations,
    memberships: [],
    companies: [],
    plans: [],
    subscriptions: [],
    resources: [],
    bookings: [],
  };

  let userIds: string[] = [];
  if (mode === 'MEMBERS') {
    userIds = [...new Set(options.memberExternalIds ?? [])];
    log.info('Andcards: refreshing listed users', { users: userIds.length });
  }

  for (const loc of locations) {
    const locationRef = loc.id;
    data.companies.push(
      ...(await list(client, '/community/companies/v1', 'companies', { locationRef }, readCompany)),
    );
    data.plans.push(...(await list(client, '/plans/v1', 'plans', { locationRef }, readPlan)));
    data.resources.push(...(await list(client, '/resources/v1', 'resources', { locationRef }, readResource)));
    data.bookings.push(...(await listBookings(client, loc, now)));
    if (mode === 'FULL') {
      data.memberships.push(
        ...(await list(client, '/community/memberships/v1', 'memberships', { locationRef }, readMembership)),
      );
      data.subscriptions.push(
        ...(await list(
          client,
          '/subscriptions/v1',
          'subscriptions',
          { locationRef, status: LIVE_SUBSCRIPTION_STATUSES.join(',') },
          readSubscription,
        )),
      );
    } else {
      for (const userRef of userIds) {
        data.memberships.push(
          ...(await list(
            client,
            '/community/memberships/v1',
            'memberships',
            { locationRef, userRef },
            readMembership,
          )),
        );
      }
    }
  }

  if (mode === 'MEMBERS') {
    await fetchMembersExtras(client, data, userIds, log);
  }

  const { snapshot, warnings } = mapSnapshot(data, {
    scope: mode === 'FULL' ? { kind: 'FULL' } : { kind: 'PARTIAL', memberExternalIds: userIds },
    now,
  });
  for (const w of warnings) log.warn(`Andcards: ${w}`);
  log.info('Andcards snapshot read', {
    mode,
    requests: client.requestCount,
    locations: snapshot.locations.length,
    members: snapshot.members.length,
    memberships: snapshot.memberships.length,
    bookings: snapshot.bookings.length,
  });
  return snapshot;
}

/** Bookings overlapping today (local) and the next days; `singleBookings` expands repeats (§2.6). */
function listBookings(client: AndcardsClient, loc: SbLocation, now: Date) {
  const from = startOfLocalDay(now, loc);
  const until = new Date(from.getTime() + (BOOKING_HORIZON_DAYS + 1) * 86_400_000);
  return list(
    client,
    '/resources/bookings/v1',
    'bookings',
    {
      locationRef: loc.id,
      'endDate[gt]': from.toISOString(),
      'startDate[lt]': until.toISOString(),
      singleBookings: true,
      order: 'startDate:asc',
    },
    readBooking,
  );
}

/** MEMBERS mode: the listed users' subscriptions (own and their companies'), and deleted memberships for the log. */
async function fetchMembersExtras(
  client: AndcardsClient,
  data: AndcardsData,
  userIds: string[],
  log: FetchOptions['log'],
): Promise<void> {
  const live = data.memberships.filter((m) => !m.deleteDate);
  const customers = new Set<string>();
  for (const m of live) {
    customers.add(m.id);
    if (m.companyRef) customers.add(m.companyRef);
  }
  const status = LIVE_SUBSCRIPTION_STATUSES.join(',');
  for (const customerRef of customers) {
    data.subscriptions.push(
      ...(await list(
        client,
        '/subscriptions/v1',
        'subscriptions',
        { customerRef, status },
        readSubscription,
      )),
    );
  }
  const withLive = new Set(live.map((m) => m.userRef));
  for (const userRef of userIds.filter((u) => !withLive.has(u))) {
    const deleted: SbMembership[] = [];
    for (const loc of data.locations) {
      deleted.push(
        ...(await list(
          client,
          '/community/memberships/v1/deleted',
          'memberships',
          { locationRef: loc.id, userRef },
          readMembership,
        )),
      );
    }
    log.info('Andcards: user has no membership left, removed', {
      user: userRef,
      deletedMemberships: deleted.length,
    });
  }
}

// ---- webhooks (§2.7) --------------------------------------------------------------------------

/** Verifies the Svix signature (when a secret is configured) and reads which users changed. */
export function parseAndcardsWebhook(
  request: WebhookRequest,
  secret: string | null,
  now: Date,
): WebhookEffect {
  const h = request.headers;
  const id = h['svix-id'];
  if (secret) verifySvix(request, secret, now);
  const deliveryId = id || 'sha256:' + createHash('sha256').update(request.rawBody).digest('hex');

  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new UpstreamError(UpstreamErrorCode.WEBHOOK_MALFORMED, 'Andcards webhook body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new UpstreamError(UpstreamErrorCode.WEBHOOK_MALFORMED, 'Andcards webhook body is not an object');
  }
  const o = body as Record<string, unknown>;
  const event = o.type;
  if (typeof event !== 'string' || !event) {
    throw new UpstreamError(UpstreamErrorCode.WEBHOOK_MALFORMED, 'Andcards webhook has no "type"');
  }
  const entities = Object.entries(o).filter(
    ([k, v]) => k !== 'type' && v !== null && typeof v === 'object' && !Array.isArray(v),
  );
  if (entities.length !== 1) {
    throw new UpstreamError(
      UpstreamErrorCode.WEBHOOK_MALFORMED,
      `Andcards webhook "${event}" has no entity object`,
    );
  }
  const [entity, raw] = entities[0] as [string, Record<string, unknown>];
  const effect = (memberExternalIds: Array<string | null>, fullSync = false): WebhookEffect => {
    const ids = [...new Set(memberExternalIds.filter((x): x is string => typeof x === 'string' && x !== ''))];
    return { event, deliveryId, memberExternalIds: fullSync ? [] : ids, fullSync };
  };
  const s = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
  const sub = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

  switch (entity) {
    case 'booking': {
      const owner = s(sub(raw.userOwner).id);
      if (!owner) return effect([], true); // only membershipRefOwner: the user is not known without a read
      const attendees = Array.isArray(raw.attendees) ? raw.attendees.map((a) => sub(a)) : [];
      // Invitees name their membership but not their user id: only a full read can place them.
      if (attendees.some((a) => !s(sub(a.user).id))) return effect([], true);
      return effect([owner, ...attendees.map((a) => s(sub(a.user).id))]);
    }
    case 'membership': {
      const user = s(raw.userRef) ?? s(sub(raw.user).id);
      if (!user)
        throw new UpstreamError(
          UpstreamErrorCode.WEBHOOK_MALFORMED,
          `Andcards webhook "${event}" has no userRef`,
        );
      return effect([user]);
    }
    case 'subscription': {
      const type = s(raw.subscriptionType) ?? s(sub(raw.customer).type);
      const user = s(sub(sub(raw.customer).user).id);
      // Company subscriptions cover all its members; a user one without an embedded user id needs a read.
      if (type !== 'user' || !user) return effect([], true);
      return effect([user]);
    }
    case 'user':
      return s(raw.id) ? effect([s(raw.id)]) : effect([], true);
    case 'company':
      return effect([], true);
    default:
      // e.g. benefit.application.created: nothing Lanyard syncs.
      return effect([]);
  }
}

function verifySvix(request: WebhookRequest, secret: string, now: Date): void {
  const h = request.headers;
  const id = h['svix-id'];
  const ts = h['svix-timestamp'];
  const sigs = h['svix-signature'];
  const invalid = (why: string) =>
    new UpstreamError(UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID, `Andcards webhook refused: ${why}`);
  if (!id || !ts || !sigs) throw invalid('missing svix-id, svix-timestamp or svix-signature');
  if (!/^\d+$/.test(ts)) throw invalid('invalid svix-timestamp');
  if (Math.abs(now.getTime() / 1000 - Number(ts)) > WEBHOOK_TOLERANCE_SECONDS) {
    throw invalid('svix-timestamp too far from now');
  }
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const expected = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(`${id}.${ts}.`, 'utf8'), request.rawBody]))
    .digest();
  const ok = sigs.split(' ').some((entry) => {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') return false;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw invalid('signature does not match');
}

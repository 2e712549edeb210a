/**
 * The Nexudus connector: reads businesses, teams, tariffs, coworkers, contracts, bookings and
 * check-ins through the admin REST API (coworking-apis.md Part 1) into one UpstreamSnapshot.
 */
import type {
  ConnectRequest,
  Connector,
  ConnectorOptions,
  FetchOptions,
  StoredCredentials,
  UpstreamBooking,
  UpstreamCheckIn,
  UpstreamMember,
  UpstreamMembership,
  UpstreamSnapshot,
} from '../connector.js';
import { UpstreamError, UpstreamErrorCode } from '../connector.js';
import {
  NexudusClient,
  nexudusMinute,
  requestToken,
  type Json,
  type NexudusClientOptions,
} from './nexudus.client.js';
import {
  mapBooking,
  mapBusiness,
  mapCheckin,
  mapContract,
  mapCoworker,
  mapTariff,
  mapTeam,
  requireId,
  startOfTodayAnywhere,
  type ResourceInfo,
} from './nexudus.mapper.js';

/** The one host of the Nexudus admin REST API (§1.1). */
export const NEXUDUS_DEFAULT_BASE_URL = 'https://spaces.nexudus.com';

const PATHS = {
  businesses: '/api/sys/businesses',
  coworkers: '/api/spaces/coworkers',
  teams: '/api/spaces/teams',
  tariffs: '/api/billing/tariffs',
  contracts: '/api/billing/coworkercontracts',
  bookings: '/api/spaces/bookings',
  cancelledBookings: '/api/spaces/cancelledbookings',
  checkins: '/api/spaces/checkins',
  resources: '/api/spaces/resources',
} as const;

/** Coworkers asked per batch GET `?id=[…]`. */
const BATCH_SIZE = 100;
/** Up to this many members, their contracts/bookings/check-ins are asked per member; beyond, listed once. */
const PER_MEMBER_QUERY_LIMIT = 10;
/** Parallel requests; the documented guideline is 10 GETs per 100 ms (§1.5). */
const CONCURRENCY = 4;
/** Incremental runs look back a little further than `since` (clock skew, minute-precision filters). */
const INCREMENTAL_OVERLAP_MS = 2 * 60_000;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** Extra, optional knobs for tests and tuning (the registry passes plain ConnectorOptions). */
export type NexudusConnectorOptions = ConnectorOptions &
  Pick<NexudusClientOptions, 'retry' | 'pageSize' | 'refreshBeforeMs' | 'now'> & {
    /** Businesses, teams and tariffs kept between runs of one integration (see ReferenceCache). */
    referenceCache?: NexudusReferenceCache;
  };

/**
 * Businesses, teams and tariffs change rarely and each webhook names one person: re-listing them for
 * every webhook made a member's sync cost O(community). FULL and INCREMENTAL runs refresh the cache;
 * a MEMBERS run uses it while fresh, and refreshes it when a member names a team, tariff or business
 * it does not hold (a team created a minute ago). Team and tariff webhooks trigger full runs anyway.
 */
export class NexudusReferenceCache {
  entry: { at: number; businesses: Json[]; teams: Json[]; tariffs: Json[] } | null = null;
  constructor(readonly ttlMs = 10 * 60_000) {}
}

interface MemberData {
  members: UpstreamMember[];
  memberships: UpstreamMembership[];
  bookings: UpstreamBooking[];
  checkIns: UpstreamCheckIn[];
}

class NexudusConnector implements Connector {
  private readonly client: NexudusClient;

  private readonly cache: NexudusReferenceCache;

  constructor(opts: NexudusConnectorOptions) {
    this.client = new NexudusClient(opts);
    this.cache = opts.referenceCache ?? new NexudusReferenceCache(0);
  }

  private async reference(useCache: boolean, signal?: AbortSignal) {
    const cached = this.cache.entry;
    if (useCache && cached && Date.now() - cached.at < this.cache.ttlMs) return cached;
    const [businesses, teams, tariffs] = await Promise.all([
      this.client.list(PATHS.businesses, {}, signal),
      this.client.list(PATHS.teams, {}, signal),
      this.client.list(PATHS.tariffs, {}, signal),
    ]);
    this.cache.entry = { at: Date.now(), businesses, teams, tariffs };
    return this.cache.entry;
  }

  async fetchSnapshot(options: FetchOptions): Promise<UpstreamSnapshot> {
    const { signal, log, now } = options;
    const baseOf = (r: { businesses: Json[]; teams: Json[]; tariffs: Json[] }) => ({
      fetchedAt: now,
      locations: r.businesses.map(mapBusiness),
      groups: r.teams.map(mapTeam),
      plans: r.tariffs.map(mapTariff),
    });

    if (options.mode === 'MEMBERS' || (options.mode === 'INCREMENTAL' && options.since)) {
      const ids =
        options.mode === 'MEMBERS'
          ? this.requestedIds(options.memberExternalIds ?? [], log)
          : await this.changedSince(options.since!, signal);
      const [data, cachedRef] = await Promise.all([
        this.memberData(ids, now, signal),
        this.reference(options.mode === 'MEMBERS', signal),
      ]);
      let base = baseOf(cachedRef);
      if (!covers(base, data)) base = baseOf(await this.reference(false, signal));
      log.info('Nexudus: members refreshed', {
        mode: options.mode,
        asked: ids.length,
        found: data.members.length,
        requests: this.client.requestCount,
      });
      return { scope: { kind: 'PARTIAL', memberExternalIds: ids.map(String) }, ...base, ...data };
    }

    const base = baseOf(await this.reference(false, signal));
    const list = await this.client.list(PATHS.coworkers, {}, signal);
    const ids = [...new Set(list.map((r) => requireId('coworker', r)))];
    const data = await this.memberData(ids, now, signal, true);
    log.info('Nexudus: full read', {
      locations: base.locations.length,
      groups: base.groups.length,
      plans: base.plans.length,
      members: data.members.length,
      memberships: data.memberships.length,
      bookings: data.bookings.length,
      checkIns: data.checkIns.length,
      requests: this.client.requestCount,
    });
    return { scope: { kind: 'FULL' }, ...base, ...data };
  }

  private requestedIds(externalIds: string[], log: FetchOptions['log']): number[] {
    const ids: number[] = [];
    for (const x of externalIds) {
      if (/^\d{1,15}$/.test(x) && Number(x) > 0) ids.push(Number(x));
      else log.warn('Nexudus: ignoring a member id that is not a Nexudus id', { externalId: x });
    }
    return [...new Set(ids)];
  }

  /**
   * Coworkers touched since `since`: their own record (`from_Coworker_UpdatedOn`, §1.3) and, since a
   * contract, booking or check-in change does not bump the coworker, those records' changes too.
   */
  private async changedSince(since: Date, signal?: AbortSignal): Promise<number[]> {
    const from = nexudusMinute(new Date(since.getTime() - INCREMENTAL_OVERLAP_MS));
    const [coworkers, contracts, bookings, cancelled, checkins] = await Promise.all([
      this.client.list(PATHS.coworkers, { from_Coworker_UpdatedOn: from }, signal),
      this.client.list(PATHS.contracts, { from_CoworkerContract_UpdatedOn: from }, signal),
      this.client.list(PATHS.bookings, { from_Booking_UpdatedOn: from }, signal),
      this.client.list(PATHS.cancelledBookings, { from_CancelledBooking_UpdatedOn: from }, signal),
      this.client.list(PATHS.checkins, { from_Checkin_UpdatedOn: from }, signal),
    ]);
    const ids = new Set<number>(coworkers.map((r) => requireId('coworker', r)));
    for (const [entity, recs] of [
      ['contract', contracts],
      ['booking', bookings],
      ['booking', cancelled],
      ['check-in', checkins],
    ] as const)
      for (const r of recs)
        if (r.CoworkerId !== null && r.CoworkerId !== undefined) ids.add(requireId(entity, r, 'CoworkerId'));
    return [...ids].sort((a, b) => a - b);
  }

  /** Full coworker records (list records lack `Businesses` and `Teams`, §1.3); absent ones were removed upstream. */
  private async coworkersById(ids: number[], signal?: AbortSignal): Promise<Json[]> {
    const batches = await mapLimit(chunks(ids, BATCH_SIZE), CONCURRENCY, (xs) =>
      this.client.getBatch(PATHS.coworkers, xs, signal),
    );
    const found = new Map<number, Json>();
    for (const r of batches.flat()) if (Array.isArray(r.Businesses)) found.set(requireId('coworker', r), r);
    // Not in the batch answer, or only partially: ask one by one (404 = gone).
    const rest = ids.filter((id) => !found.has(id));
    const single = await mapLimit(rest, CONCURRENCY, (id) =>
      this.client.getById(PATHS.coworkers, id, signal),
    );
    single.forEach((r, i) => {
      if (!r) return;
      if (requireId('coworker', r) !== rest[i])
        throw new UpstreamError(
          UpstreamErrorCode.MALFORMED,
          `Nexudus GET ${PATHS.coworkers}/{id}: another record came back`,
        );
      found.set(rest[i], r);
    });
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  private async memberData(ids: number[], now: Date, signal?: AbortSignal, all = false): Promise<MemberData> {
    const from = startOfTodayAnywhere(now);
    // Open check-ins are dated today (§1.11); a day more covers check-ins still open since yesterday evening.
    const checkinsFrom = nexudusMinute(new Date(from.getTime() - 24 * 3_600_000));
    const bookingsFrom = nexudusMinute(from);
    const coworkers = await this.coworkersById(ids, signal);
    const present = new Set(coworkers.map((r) => requireId('coworker', r)));

    let contracts: Json[];
    let bookings: Json[];
    let checkins: Json[];
    if (!all && ids.length <= PER_MEMBER_QUERY_LIMIT) {
      const per = await mapLimit([...present], CONCURRENCY, async (id) =>
        Promise.all([
          this.client.list(
            PATHS.contracts,
            { CoworkerContract_Coworker: id, CoworkerContract_Active: true },
            signal,
          ),
          this.client.list(
            PATHS.bookings,
            { Booking_Coworker: id, from_Booking_ToTime: bookingsFrom },
            signal,
          ),
          this.client.list(
            PATHS.checkins,
            { Checkin_Coworker: id, from_Checkin_FromTime: checkinsFrom },
            signal,
          ),
        ]),
      );
      contracts = per.flatMap((p) => p[0]);
      bookings = per.flatMap((p) => p[1]);
      checkins = per.flatMap((p) => p[2]);
    } else {
      [contracts, bookings, checkins] = await Promise.all([
        this.client.list(PATHS.contracts, { CoworkerContract_Active: true }, signal),
        this.client.list(PATHS.bookings, { from_Booking_ToTime: bookingsFrom }, signal),
        this.client.list(PATHS.checkins, { from_Checkin_FromTime: checkinsFrom }, signal),
      ]);
    }

    const resources = new Map<number, ResourceInfo>();
    if (bookings.length > 0)
      for (const r of await this.client.list(PATHS.resources, {}, signal)) {
        const businessId = r.BusinessId;
        if (typeof businessId !== 'number') continue;
        resources.set(requireId('resource', r), {
          businessId,
          typeName: typeof r.ResourceTypeName === 'string' ? r.ResourceTypeName : null,
        });
      }

    const belongs = <T extends { memberExternalId: string }>(x: T | null): x is T =>
      x !== null && present.has(Number(x.memberExternalId));
    const unique = <T extends { externalId: string }>(xs: T[]) => [
      ...new Map(xs.map((x) => [x.externalId, x])).values(),
    ];
    return {
      members: coworkers.map(mapCoworker),
      memberships: unique(contracts.map((c) => mapContract(c, now)).filter(belongs)),
      bookings: unique(bookings.map((b) => mapBooking(b, resources, from)).filter(belongs)),
      checkIns: unique(checkins.map((c) => mapCheckin(c, from)).filter(belongs)),
    };
  }
}

/** Whether the reference data knows every location, team and tariff the members' data names. */
function covers(
  base: {
    locations: Array<{ externalId: string }>;
    groups: Array<{ externalId: string }>;
    plans: Array<{ externalId: string }>;
  },
  data: MemberData,
): boolean {
  const locations = new Set(base.locations.map((l) => l.externalId));
  const groups = new Set(base.groups.map((g) => g.externalId));
  const plans = new Set(base.plans.map((p) => p.externalId));
  return (
    data.members.every(
      (m) =>
        m.groupExternalIds.every((g) => groups.has(g)) &&
        m.locationExternalIds.every((l) => locations.has(l)),
    ) &&
    data.memberships.every(
      (ms) =>
        (ms.planExternalId === null || plans.has(ms.planExternalId)) &&
        (ms.locationExternalId === null || locations.has(ms.locationExternalId)),
    ) &&
    data.bookings.every((b) => locations.has(b.locationExternalId)) &&
    data.checkIns.every((c) => locations.has(c.locationExternalId))
  );
}

export function createNexudusConnector(opts: NexudusConnectorOptions): Connector {
  return new NexudusConnector(opts);
}

/**
 * Exchanges the admin's email + password (+ TOTP when 2FA is on) for tokens through the password
 * grant (§1.2), then checks that the tokens can read the API. The password is used for this one
 * request and never stored.
 */
export async function connectNexudus(
  req: ConnectRequest & { sleep?: (ms: number) => Promise<void> },
): Promise<StoredCredentials> {
  const email = req.email?.trim();
  const password = req.password ?? '';
  if (!email || !password)
    throw new UpstreamError(
      UpstreamErrorCode.REJECTED,
      'Nexudus: an email and a password are required to connect',
    );
  const form: Record<string, string> = { grant_type: 'password', username: email, password };
  const totp = req.totp?.replace(/\s+/g, '');
  if (totp) form.totp = totp;
  let credentials = await requestToken(
    { baseUrl: req.baseUrl, fetchImpl: req.fetchImpl, timeoutMs: req.timeoutMs, sleep: req.sleep },
    form,
    UpstreamErrorCode.REJECTED,
  );
  // The user may lack "API Access" (§1.2): the first read says so now rather than at the first sync.
  const probe = new NexudusClient({
    baseUrl: req.baseUrl,
    fetchImpl: req.fetchImpl,
    timeoutMs: req.timeoutMs,
    sleep: req.sleep,
    pageSize: 1,
    credentials: {
      load: () => Promise.resolve(credentials),
      save: (fresh) => {
        // a refresh during the probe invalidates the first pair: hand back the newest
        if (fresh.kind === 'NEXUDUS') credentials = fresh;
        return Promise.resolve();
      },
    },
  });
  try {
    await probe.get(PATHS.businesses, { page: 1, size: 1 });
  } catch (err) {
    if (err instanceof UpstreamError && err.code === UpstreamErrorCode.UNAUTHORIZED)
      throw new UpstreamError(
        UpstreamErrorCode.REJECTED,
        'Nexudus: the user signed in but may not read the API (API Access / roles)',
        err.details,
      );
    throw err;
  }
  return credentials;
}

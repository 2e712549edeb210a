// Deterministic community generator for NexudusSimulator.seedCommunity().
import type {
  NexudusState,
  NxBase,
  NxBooking,
  NxBusiness,
  NxCheckin,
  NxCoworker,
  NxCoworkerContract,
  NxResource,
  NxResourceType,
  NxTariff,
  NxTeam,
} from './entities.js';
import { DEF_BY_KEY } from './entities.js';

export interface SeedOptions {
  businesses: number;
  coworkersPerBusiness: number;
  /** Teams (companies) per business; default max(1, coworkersPerBusiness / 10). */
  teamsPerBusiness?: number;
  /** Share of coworkers with an active contract (members); default 0.7. */
  memberShare?: number;
  /** Share of coworkers without a portal login (`UserId: null`, contacts); default 0.1. */
  contactShare?: number;
  /** Share of coworkers linked to a second business (multi-location); default 0.1. */
  roamingShare?: number;
  /** Share of members whose contract was cancelled in the past; default 0.05. */
  cancelledShare?: number;
  /** Share of coworkers with Active=false; default 0.03. */
  inactiveShare?: number;
  /** Bookings dated today per business; default 2. */
  bookingsPerBusiness?: number;
  /** Open network check-ins (ToTime null) per business; default 1. */
  openCheckinsPerBusiness?: number;
  /** Put the locations under one network business (`RootLocationId`, §1.6); default false. */
  network?: boolean;
  /** SimpleTimeZoneId per business, cycled; default [1]. */
  timeZoneIds?: number[];
}

export interface SeedContext {
  state: NexudusState;
  rng: () => number;
  nextId: () => number;
  uuid: () => string;
  now: () => Date;
  iso: (d: Date) => string;
  adminEmail: string;
}

const PLACES = ['Soho', 'Shoreditch', 'Camden', 'Brixton', 'Clerkenwell', 'Hackney', 'Islington', 'Mayfair'];
const FIRST = [
  'Ada',
  'Charles',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Linus',
  'Radia',
  'Tim',
  'Hedy',
  'John',
  'Sophie',
];
const LAST = [
  'Lovelace',
  'Babbage',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Torvalds',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'McCarthy',
  'Wilson',
];
const COMPANY = [
  'Analytical',
  'Difference',
  'Compiler',
  'Enigma',
  'Semaphore',
  'Abstract',
  'Literate',
  'Unix',
  'Apollo',
  'Spanning',
  'Mesh',
  'Frequency',
];

export function seedCommunity(ctx: SeedContext, opts: SeedOptions): void {
  const { state, rng, nextId, uuid, iso } = ctx;
  const now = ctx.now();
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
  const base = (createdOn: Date, updatedOn: Date = createdOn): NxBase => ({
    Id: nextId(),
    UniqueId: uuid(),
    CreatedOn: iso(createdOn),
    UpdatedOn: iso(updatedOn),
    UpdatedBy: ctx.adminEmail,
    IsNew: false,
    SystemId: null,
  });
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  const startOfTodayUtc = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const tzs = opts.timeZoneIds ?? [1];
  const teamsPer = opts.teamsPerBusiness ?? Math.max(1, Math.floor(opts.coworkersPerBusiness / 10));
  const memberShare = opts.memberShare ?? 0.7;
  const contactShare = opts.contactShare ?? 0.1;
  const roamingShare = opts.roamingShare ?? 0.1;
  const cancelledShare = opts.cancelledShare ?? 0.05;
  const inactiveShare = opts.inactiveShare ?? 0.03;
  const emailCount = new Map<string, number>();
  const defaults = (key: Parameters<typeof DEF_BY_KEY.get>[0]) => DEF_BY_KEY.get(key)!.defaults();

  let root: NxBusiness | null = null;
  if (opts.network) {
    root = {
      ...base(daysAgo(1000)),
      ...defaults('businesses'),
      Name: 'Network',
      WebAddress: `network${state.businesses.length}`,
      SimpleTimeZoneId: tzs[0],
    } as NxBusiness;
    state.businesses.push(root);
  }

  // Resource types are account-wide.
  let roomType = state.resourceTypes.find((t) => t.Name === 'Meeting room');
  let deskType = state.resourceTypes.find((t) => t.Name === 'Hot desk');
  if (!roomType) {
    roomType = { ...base(daysAgo(1000)), Name: 'Meeting room' } as NxResourceType;
    state.resourceTypes.push(roomType);
  }
  if (!deskType) {
    deskType = { ...base(daysAgo(1000)), Name: 'Hot desk' } as NxResourceType;
    state.resourceTypes.push(deskType);
  }

  const newBusinesses: NxBusiness[] = [];
  for (let b = 0; b < opts.businesses; b++) {
    const n = state.businesses.length;
    const name = n < PLACES.length ? PLACES[n] : `${pick(PLACES)} ${n + 1}`;
    const biz = {
      ...base(daysAgo(900)),
      ...defaults('businesses'),
      Name: name,
      WebAddress: name.toLowerCase().replace(/[^a-z0-9]/g, ''),
      RootLocationId: root ? root.Id : null,
      SimpleTimeZoneId: tzs[b % tzs.length],
      Address: `${b + 1} Main St`,
      EmailContact: `hello@${name.toLowerCase().replace(/[^a-z0-9]/g, '')}.example.com`,
    } as NxBusiness;
    state.businesses.push(biz);
    newBusinesses.push(biz);
  }

  for (const biz of newBusinesses) {
    const tariffs: NxTariff[] = (
      [
        ['Hot Desk', 5, 250],
        ['Dedicated Desk', 3, 400],
        ['Private Office', 1, 900],
        ['Virtual Office', 10, 50],
      ] as const
    ).map(
      ([Name, SystemTariffType, Price]) =>
        ({
          ...base(daysAgo(800)),
          ...defaults('tariffs'),
          BusinessId: biz.Id,
          Name,
          SystemTariffType,
          Price,
          CurrencyCode: biz.CurrencyCode,
        }) as NxTariff,
    );
    state.tariffs.push(...tariffs);

    const resources: NxResource[] = [];
    for (let r = 0; r < 5; r++) {
      const room = r < 2;
      resources.push({
        ...base(daysAgo(800)),
        ...defaults('resources'),
        BusinessId: biz.Id,
        Name: room ? `Meeting Room ${r + 1}` : `Desk ${r - 1}`,
        ResourceTypeId: room ? roomType.Id : deskType.Id,
      } as NxResource);
    }
    state.resources.push(...resources);

    const teams: NxTeam[] = [];
    for (let t = 0; t < teamsPer; t++) {
      teams.push({
        ...base(daysAgo(700)),
        ...defaults('teams'),
        BusinessId: biz.Id,
        Name: `${COMPANY[(state.teams.length + t) % COMPANY.length]} Ltd${state.teams.length + t >= COMPANY.length ? ` ${state.teams.length + t}` : ''}`,
        CreateSingleInvoiceForTeam: true,
      } as NxTeam);
    }

    const members: NxCoworker[] = [];
    for (let c = 0; c < opts.coworkersPerBusiness; c++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const stem = `${first}.${last}`.toLowerCase();
      const k = (emailCount.get(stem) ?? 0) + 1;
      emailCount.set(stem, k);
      const email = `${stem}${k === 1 ? '' : k}@example.com`;
      const created = daysAgo(1 + rng() * 364);
      const updated = new Date(created.getTime() + rng() * (now.getTime() - created.getTime()));
      const isContact = rng() < contactShare;
      const team = teams.length > 0 && rng() < 0.6 ? pick(teams) : null;
      const businesses = [biz.Id];
      if (newBusinesses.length > 1 && rng() < roamingShare) {
        const other = pick(newBusinesses.filter((x) => x !== biz));
        businesses.push(other.Id);
      }
      const cw = {
        ...base(created, updated),
        ...defaults('coworkers'),
        CoworkerType: 1,
        FullName: `${first} ${last}`,
        Email: email,
        CompanyName: team ? team.Name : null,
        Businesses: businesses,
        InvoicingBusinessId: biz.Id,
        Active: rng() >= inactiveShare,
        UserId: isContact ? null : nextId(),
        BillingDay: 1,
        AllowNetworkCheckin: true,
        AccessPincode: String(1000 + Math.floor(rng() * 9000)),
        RegistrationDate: iso(created),
        CountryId: biz.CountryId,
        SimpleTimeZoneId: biz.SimpleTimeZoneId,
      } as NxCoworker;
      state.coworkers.push(cw);
      if (team) {
        team.TeamMembers.push(cw.Id);
        if (team.PayingMemberId === null) {
          team.PayingMemberId = cw.Id;
          team.TeamAdministrators.push(cw.Id);
        }
      }
      if (!isContact && rng() < memberShare) {
        members.push(cw);
        const tariff = rng() < 0.15 ? tariffs[3] : pick(tariffs.slice(0, 3));
        const cancelled = rng() < cancelledShare;
        const renewal = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
        const contract = {
          ...base(created, updated),
          ...defaults('coworkerContracts'),
          IssuedById: biz.Id,
          CoworkerId: cw.Id,
          TariffId: tariff.Id,
          StartDate: iso(
            new Date(Date.UTC(created.getUTCFullYear(), created.getUTCMonth(), created.getUTCDate())),
          ),
          RenewalDate: cancelled ? null : iso(renewal),
          InvoicedPeriod: cancelled ? null : iso(renewal),
          BillingDay: 1,
          Active: !cancelled,
          Cancelled: cancelled,
          CancellationDate: cancelled
            ? iso(new Date(Math.min(updated.getTime(), now.getTime() - 86_400_000)))
            : null,
        } as NxCoworkerContract;
        state.coworkerContracts.push(contract);
      }
    }
    state.teams.push(...teams);

    const bookable =
      members.length > 0 ? members : state.coworkers.filter((c) => c.InvoicingBusinessId === biz.Id);
    for (let i = 0; i < (opts.bookingsPerBusiness ?? 2) && bookable.length > 0; i++) {
      const cw = pick(bookable);
      const res = pick(resources);
      const from = new Date(startOfTodayUtc.getTime() + (9 + (i % 8)) * 3_600_000);
      const booking = {
        ...base(daysAgo(2)),
        ...defaults('bookings'),
        BookingNumber: state.bookings.length + state.cancelledBookings.length + 1000,
        ResourceId: res.Id,
        CoworkerId: cw.Id,
        FromTime: iso(from),
        ToTime: iso(new Date(from.getTime() + 2 * 3_600_000)),
        TeamsAtTheTimeOfBooking: cw.CompanyName,
      } as NxBooking;
      state.bookings.push(booking);
    }
    for (let i = 0; i < (opts.openCheckinsPerBusiness ?? 1) && bookable.length > 0; i++) {
      const cw = pick(bookable);
      const from = new Date(Math.max(startOfTodayUtc.getTime(), now.getTime() - 3_600_000));
      const mac = Array.from({ length: 6 }, () =>
        Math.floor(rng() * 256)
          .toString(16)
          .padStart(2, '0')
          .toUpperCase(),
      ).join(':');
      state.checkins.push({
        ...base(from),
        ...defaults('checkins'),
        CoworkerId: cw.Id,
        BusinessId: biz.Id,
        Source: 3,
        FromTime: iso(from),
        LastActivity: iso(now),
        MacAddresses: mac,
        TeamsAtTheTimeOfCheckin: cw.CompanyName,
      } as NxCheckin);
    }
  }
}

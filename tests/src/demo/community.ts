/**
 * The sample community of `npm run demo`: a Nexudus account with one location in London and an
 * Andcards (Spacebring) network with one location in Berlin, about 200 people in all, filled by the
 * simulators' own seedCommunity() plus the plans the demo wants to show (a day pass, a virtual
 * office without WiFi). Deterministic apart from "today".
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_ADMIN, NexudusSimulator, type NxCoworker } from '../simulators/nexudus/nexudus-simulator.js';
import {
  randomWebhookSecret,
  sbDate,
  SpacebringSimulator,
  type SbMembership,
} from '../simulators/spacebring/spacebring-simulator.js';

export const LONDON = {
  timezone: 'Europe/London',
  ssids: ['Soho Members'],
  vlans: { defaultVlanId: 10, vlanPoolStart: 100, vlanPoolEnd: 199 },
} as const;
export const BERLIN = {
  title: 'Berlin Mitte',
  timezone: 'Europe/Berlin',
  ssids: ['Mitte WiFi'],
  vlans: { defaultVlanId: 20, vlanPoolStart: 200, vlanPoolEnd: 299 },
} as const;

/** A person worth trying in the portal, with why. */
export interface SampleMember {
  email: string;
  fullName: string;
  note: string;
  /** Where they belong (the portal to try). */
  location: 'london' | 'berlin';
  /**
   * Nexudus: the Id of their one contract, when nothing else (booking, check-in) gives them access;
   * deleting it upstream is the webhook example.
   */
  contractId?: string;
}

export interface DemoCommunity {
  nexudus: NexudusSimulator;
  spacebring: SpacebringSimulator;
  nexudusLogin: { email: string; password: string };
  spacebringLogin: { clientId: string; clientSecret: string };
  /** Signing secrets the simulators use for their webhooks (given to Lanyard too). */
  webhookSecrets: { nexudus: string; spacebring: string };
  /** Upstream plan ids that carry no WiFi (Virtual Office), per platform. */
  noWifiPlanIds: { nexudus: string[]; spacebring: string[] };
  /** Candidates, best first; the launcher checks each against Lanyard before printing it. */
  samples: {
    /** London members on a desk plan (the radclient example uses one of these). */
    plan: SampleMember[];
    /** Berlin people whose only access is a desk booking today. */
    booking: SampleMember[];
    /** Berlin day-pass holders. */
    dayPass: SampleMember[];
    /** Virtual Office members: a plan, but no WiFi. */
    virtualOffice: SampleMember[];
  };
}

const DAY = 86_400_000;

/** The instant a calendar day starts in `timeZone`, for the day `at` falls on there. */
export function startOfZonedDay(at: Date, timeZone: string): Date {
  const parts = (d: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
        .formatToParts(d)
        .map((p) => [p.type, Number(p.value)]),
    ) as Record<string, number>;
  const p = parts(at);
  const wallMidnight = Date.UTC(p.year!, p.month! - 1, p.day!);
  // The zone's offset near that midnight (twice, for days that change offset after midnight).
  let guess = wallMidnight;
  for (let i = 0; i < 2; i++) {
    const q = parts(new Date(guess));
    const asUtc = Date.UTC(q.year!, q.month! - 1, q.day!, q.hour!, q.minute!, q.second!);
    guess = wallMidnight - (asUtc - guess);
  }
  return new Date(guess);
}

export function createDemoCommunity(now: Date = new Date()): DemoCommunity {
  const nexudusSecret = randomBytes(24).toString('base64url');
  const nexudus = new NexudusSimulator({ seed: 2024, appSharedSecret: nexudusSecret });
  nexudus.seedCommunity({
    businesses: 1,
    coworkersPerBusiness: 110,
    teamsPerBusiness: 8,
    bookingsPerBusiness: 6,
    openCheckinsPerBusiness: 3,
    timeZoneIds: [1], // Europe/London in the simulator's table; Lanyard is told the zone itself
  });

  const spacebring = new SpacebringSimulator({ seed: 2024 });
  spacebring.seedCommunity({
    networkTitle: 'Mitte Spaces',
    locations: 1,
    locationFields: [{ title: BERLIN.title, timezoneId: BERLIN.timezone }],
    membersPerLocation: 60,
    endedMembersPerLocation: 4,
    nonmembersPerLocation: 12,
    companiesPerLocation: 5,
    hotDesksPerLocation: 8,
    meetingRoomsPerLocation: 3,
    deskBookingsToday: 5,
    roomBookingsToday: 2,
  });
  const berlin = spacebring.state.locations[0]!;
  const virtualOffice = spacebring.state.plans.find((p) => p.title === 'Virtual Office')!;
  const dayPass = spacebring.addPlan(berlin.id, { title: 'Day Pass', period: 'day', price: 25 });
  const dayStart = startOfZonedDay(now, BERLIN.timezone);
  const dayEnd = new Date(
    startOfZonedDay(new Date(dayStart.getTime() + 1.5 * DAY), BERLIN.timezone).getTime() - 1000,
  );
  const voMembers: SbMembership[] = [];
  for (let i = 0; i < 8; i++) {
    const m = spacebring.addMembership(berlin.id);
    spacebring.addSubscription({ membershipRef: m.id }, virtualOffice.id);
    voMembers.push(m);
  }
  const dayPassMembers: SbMembership[] = [];
  for (let i = 0; i < 6; i++) {
    const m = spacebring.addMembership(berlin.id);
    spacebring.addSubscription({ membershipRef: m.id }, dayPass.id, {
      startDate: sbDate(dayStart),
      endDate: sbDate(dayEnd),
    });
    dayPassMembers.push(m);
  }

  // ---- samples -------------------------------------------------------------------------------
  const nx = nexudus.state;
  const tariffName = new Map(nx.tariffs.map((t) => [t.Id, t.Name]));
  const nxVirtual = nx.tariffs.filter((t) => t.Name === 'Virtual Office').map((t) => t.Id);
  const liveContracts = (cw: NxCoworker) =>
    nx.coworkerContracts.filter((c) => c.CoworkerId === cw.Id && c.Active && !c.Cancelled);
  const inTeam = new Set(nx.teams.flatMap((t) => t.TeamMembers));
  const busy = new Set([...nx.bookings, ...nx.checkins].map((x) => x.CoworkerId));
  const onPlan: SampleMember[] = [];
  const nxVo: SampleMember[] = [];
  for (const cw of nx.coworkers) {
    if (!cw.Active || !cw.Email) continue;
    const contracts = liveContracts(cw);
    if (!contracts.length) continue;
    const plans = contracts.map((c) => tariffName.get(c.TariffId) ?? 'a plan');
    if (contracts.every((c) => nxVirtual.includes(c.TariffId)))
      nxVo.push({
        email: cw.Email,
        fullName: cw.FullName,
        note: 'Virtual Office at Soho: a plan, but no WiFi',
        location: 'london',
      });
    else if (!contracts.some((c) => nxVirtual.includes(c.TariffId)))
      onPlan[inTeam.has(cw.Id) ? 'unshift' : 'push']({
        email: cw.Email,
        fullName: cw.FullName,
        note: `${plans[0]} at Soho${cw.CompanyName ? `, team ${cw.CompanyName}` : ''}`,
        location: 'london',
        contractId: contracts.length === 1 && !busy.has(cw.Id) ? String(contracts[0]!.Id) : undefined,
      });
  }

  const sb = spacebring.state;
  const userOf = (m: SbMembership) => sb.users.find((u) => u.id === m.userRef)!;
  const sample = (m: SbMembership, note: string): SampleMember => {
    const u = userOf(m);
    return { email: u.email, fullName: `${u.name} ${u.surname}`, note, location: 'berlin' };
  };
  const deskIds = new Set(sb.resources.filter((r) => r.type === 'hotDesk').map((r) => r.id));
  const bookingOnly: SampleMember[] = [];
  for (const b of sb.bookings) {
    if (!deskIds.has(b.resourceRef)) continue;
    const m = sb.memberships.find((x) => x.userRef === b.userOwner.id && x.type === 'nonmember');
    if (m) bookingOnly.push(sample(m, 'no plan, a hot desk booked today: WiFi until midnight Berlin time'));
  }

  return {
    nexudus,
    spacebring,
    nexudusLogin: { email: DEFAULT_ADMIN.email, password: DEFAULT_ADMIN.password },
    spacebringLogin: { clientId: sb.clientId, clientSecret: sb.clientSecret },
    webhookSecrets: { nexudus: nexudusSecret, spacebring: randomWebhookSecret() },
    noWifiPlanIds: { nexudus: nxVirtual.map(String), spacebring: [virtualOffice.id] },
    samples: {
      plan: onPlan,
      booking: bookingOnly,
      dayPass: dayPassMembers.map((m) => sample(m, 'Day Pass: WiFi until midnight Berlin time')),
      virtualOffice: [
        ...voMembers.map((m) => sample(m, 'Virtual Office in Berlin: a plan, but no WiFi')),
        ...nxVo,
      ],
    },
  };
}

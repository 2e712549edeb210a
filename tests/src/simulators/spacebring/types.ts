// Resource shapes of the Spacebring (andcards) API as documented in
// /work/shared/reference/coworking-apis.md Part 2. Field names follow the reference exactly;
// fields the reference lists without a shape are typed loosely.

/** ISO-8601 UTC without milliseconds, e.g. `2023-11-07T05:31:56Z` (§2.2). */
export type IsoDate = string;

export interface SbNetwork {
  id: string;
  title: string;
}

/** §2.3 */
export interface SbLocation {
  id: string;
  networkRef: string;
  title: string;
  address: string | null;
  timezoneId: string;
  currencyCode: string;
  email: string | null;
  locale: string;
  description: string | null;
  createDate: IsoDate;
}

/** The `user` object embedded in memberships (§2.4). */
export interface SbUser {
  id: string;
  email: string;
  name: string;
  surname: string;
  phoneNumber: string | null;
  photoUrl: string | null;
  about: string | null;
  /** Only surfaced on `/registrations/v1` (§2.4). */
  deleteDate: IsoDate | null;
}

export type SbMembershipType = 'member' | 'nonmember';
export type SbMembershipRole = 'member' | 'admin';
export type SbMembershipStatus = 'requested' | 'approved';
export type SbCompanyRole = 'manager' | 'member';

export interface SbCredits {
  expiring: number;
  permanent: number;
}

/** §2.4 — a user × location. */
export interface SbMembership {
  id: string;
  locationRef: string;
  userRef: string;
  companyRef: string | null;
  companyRole: SbCompanyRole | null;
  type: SbMembershipType;
  role: SbMembershipRole;
  status: SbMembershipStatus;
  subscriptionRef: string | null;
  credits: SbCredits;
  dayPasses: { expiring: number };
  metadata: Record<string, unknown>;
  notes: string | null;
  invitationDate: IsoDate | null;
  createDate: IsoDate;
  deleteDate: IsoDate | null;
}

export interface SbAddress {
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  state: string | null;
  countryCode: string;
}

/** §2.4 */
export interface SbCompany {
  id: string;
  locationRef: string;
  title: string;
  legalName: string | null;
  taxId: string | null;
  billingAddress: SbAddress | null;
  businessAddress: SbAddress | null;
  subscriptionRef: string | null;
  credits: SbCredits;
  dayPasses: { expiring: number };
  metadata: Record<string, unknown>;
  notes: string | null;
  createDate: IsoDate;
  deleteDate: IsoDate | null;
}

export type SbPlanPeriod = 'day' | 'week' | 'month' | 'threeMonths' | 'sixMonths' | 'year';

/** §2.5 */
export interface SbPlan {
  id: string;
  title: string;
  description: string | null;
  locationRef: string;
  period: SbPlanPeriod;
  price: number;
  setupFee: number;
  credits: number;
  dayPasses: number;
  commitmentCycles: number;
  selfSignup: { enabled: boolean; type: 'immediate' | 'request' };
  access: {
    kisiGroupRef: string | null;
    saltoksAccessGroupRef: string | null;
    unifiAccessGroupRef: string | null;
  };
  exclusiveAccess: { resourceRefs: string[]; benefitRefs: string[] };
  discounts: Record<string, unknown>;
  createDate: IsoDate;
}

export type SbSubscriptionStatus = 'active' | 'scheduled' | 'incomplete' | 'incompleteExpired' | 'canceled';

export interface SbSubscriptionItem {
  id: string;
  planRef: string;
  plan: { id: string; title: string };
  title: string;
  type: string;
  quantity: number;
  price: number;
  startDate: IsoDate;
  endDate: IsoDate | null;
  unifiAccessGroupRef: string | null;
}

export interface SbInterval {
  startDate: IsoDate;
  endDate: IsoDate;
}

/** §2.5 — belongs to a user (membership) or a company. */
export interface SbSubscription {
  id: string;
  locationRef: string;
  networkRef: string;
  status: SbSubscriptionStatus;
  subscriptionType: 'user' | 'company';
  customerRef: string;
  customer: {
    id: string;
    type: 'user' | 'company';
    title: string;
    user?: { id: string; email: string; name: string; surname: string };
  };
  membershipRef: string | null;
  companyRef: string | null;
  user: { email: string; name: string; surname: string } | null;
  startDate: IsoDate;
  /** null = open-ended [I] */
  endDate: IsoDate | null;
  timezoneId: string;
  period: SbPlanPeriod;
  price: number;
  currentInterval: SbInterval | null;
  nextInterval: SbInterval | null;
  items: SbSubscriptionItem[];
  createDate: IsoDate;
  deleteDate: IsoDate | null;
}

/** §2.6 */
export const SB_RESOURCE_TYPES = [
  'hotDesk',
  'dedicatedDesk',
  'office',
  'parkingLot',
  'room',
  'conferenceRoom',
  'eventSpace',
  'meetingRoom',
  'phoneBooth',
  'studio',
  'equipment',
  'station',
] as const;
export type SbResourceType = (typeof SB_RESOURCE_TYPES)[number];

export type SbBookingPermission = 'admins' | 'exclusiveMembers' | 'members' | 'networkMembers' | 'public';

export interface SbResource {
  id: string;
  title: string;
  type: SbResourceType;
  locationRef: string;
  networkRef: string;
  capacity: number;
  bookingPermission: SbBookingPermission;
  parentRef: string | null;
  children: string[];
  assignments: Array<{
    customer: unknown;
    company: unknown;
    user: unknown;
    subscription: { startDate: IsoDate; endDate: IsoDate | null } | null;
  }>;
  kisiGroupRef: string | null;
}

/** §2.6 — the list schema has no `status` field. */
export interface SbBooking {
  id: string;
  resourceRef: string;
  title: string | null;
  memo: string | null;
  seats: number;
  startDate: IsoDate;
  endDate: IsoDate;
  entire: boolean;
  membershipRefOwner: string;
  userOwner: {
    id: string;
    email: string;
    name: string;
    surname: string;
    company: { title: string } | null;
  };
  attendees: Array<{ membershipRef: string; user: { email: string; name: string; surname: string } }>;
  payment: {
    amount: number;
    currencyCode: string;
    status: string;
    type: string;
    transactionRef: string | null;
    invoiceItemRef: string | null;
  } | null;
  createDate: IsoDate;
  updateDate: IsoDate;
  /** Canceled bookings carry `deleteDate` [I]. */
  deleteDate: IsoDate | null;
}

export type SbBookingStatus = 'tentative' | 'confirmed' | 'canceled';

export interface SpacebringState {
  clientId: string;
  clientSecret: string;
  networks: SbNetwork[];
  locations: SbLocation[];
  /** Users by id; people appear to the API through memberships (§2.4). */
  users: SbUser[];
  memberships: SbMembership[];
  companies: SbCompany[];
  plans: SbPlan[];
  subscriptions: SbSubscription[];
  resources: SbResource[];
  bookings: SbBooking[];
  /**
   * The booking status the `status` filter works on. The documented list schema has no status
   * field (§2.6), so it is kept beside the bookings: absent = `confirmed`, or `canceled` when
   * the booking has a `deleteDate`.
   */
  bookingStatus: Map<string, SbBookingStatus>;
  /** Network-wide registrations extras (§2.4); registrations themselves are derived from users. */
  blacklistedUserIds: Set<string>;
}

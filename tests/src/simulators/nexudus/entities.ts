// Nexudus entity shapes, stored fields (defaults) and the derived read-model fields.
// Field names follow coworking-apis.md §1.6–§1.12. Records are stored with their own fields only;
// denormalised helper fields (`*Name`, `TeamNames`, `CoworkerIds`, …) are computed on read so they
// always reflect the current state, as the real API does.

export interface NxBase {
  Id: number;
  UniqueId: string;
  CreatedOn: string;
  UpdatedOn: string;
  UpdatedBy: string | null;
  IsNew: boolean;
  SystemId: string | null;
  [field: string]: unknown;
}

export interface NxBusiness extends NxBase {
  Name: string;
  WebAddress: string;
  RootLocationId: number | null;
  CountryId: number;
  CurrencyId: number;
  CurrencyCode: string;
  SimpleTimeZoneId: number;
  Address: string | null;
  EmailContact: string | null;
  Suspended: boolean;
  PassportPublished: boolean;
}

export interface NxCoworker extends NxBase {
  CoworkerType: number;
  FullName: string;
  Email: string;
  CompanyName: string | null;
  Position: string | null;
  Businesses: number[];
  InvoicingBusinessId: number | null;
  Active: boolean;
  Archived: boolean;
  UserId: number | null;
  BillingDay: number | null;
  AllowNetworkCheckin: boolean;
  AccessCardId: string | null;
  AccessPincode: string | null;
  KeyFobNumber: string | null;
  CheckinSinceLastRenewal: number;
  MinutesSinceLastRenewal: number;
  RegistrationDate: string | null;
  MobilePhone: string | null;
  CountryId: number | null;
  SimpleTimeZoneId: number | null;
  CustomFields: unknown;
}

export interface NxTeam extends NxBase {
  BusinessId: number;
  Name: string;
  Description: string | null;
  TeamMembers: number[];
  TeamAdministrators: number[];
  PayingMemberId: number | null;
  DefaultMemberTariffId: number | null;
  MaxTeamMemberCount: number | null;
  CreateSingleInvoiceForTeam: boolean;
}

export interface NxTariff extends NxBase {
  BusinessId: number;
  Name: string;
  SystemTariffType: number;
  Price: number;
  CurrencyCode: string;
  InvoiceEvery: number;
  InvoiceEveryWeeks: number | null;
  Visible: boolean;
  Archived: boolean;
  GroupName: string | null;
  CancellationLimitDays: number | null;
  CheckinMonthLimit: number | null;
}

export interface NxCoworkerContract extends NxBase {
  IssuedById: number;
  CoworkerId: number;
  TariffId: number;
  NextTariffId: number | null;
  StartDate: string;
  RenewalDate: string | null;
  InvoicedPeriod: string | null;
  ContractTerm: string | null;
  BillingDay: number | null;
  Quantity: number;
  Price: number | null;
  Desks: number[];
  FloorPlanDeskIds: string | null;
  Active: boolean;
  MainContract: boolean;
  Cancelled: boolean;
  CancellationDate: string | null;
  CancellationReason: number | null;
  CancellationNotes: string | null;
  CancelTeamContracts: boolean;
}

export interface NxResourceType extends NxBase {
  Name: string;
}

export interface NxResource extends NxBase {
  BusinessId: number;
  Name: string;
  ResourceTypeId: number;
  Visible: boolean;
  Archived: boolean;
}

export interface NxBooking extends NxBase {
  BookingNumber: number;
  ResourceId: number;
  FloorPlanDeskId: number | null;
  CoworkerId: number | null;
  FromTime: string;
  ToTime: string;
  Tentative: boolean;
  Online: boolean;
  Invoiced: boolean;
  Notes: string | null;
  RepeatSeriesUniqueId: string | null;
  TeamsAtTheTimeOfBooking: string | null;
  TariffAtTheTimeOfBooking: string | null;
}

export interface NxCheckin extends NxBase {
  CoworkerId: number | null;
  BusinessId: number;
  Source: number;
  FromTime: string;
  ToTime: string | null;
  LastActivity: string | null;
  AutoCheckout: boolean;
  CountsTowardsPlanLimits: boolean;
  CoworkerTimePassGuid: string | null;
  MacAddresses: string | null;
  TeamsAtTheTimeOfCheckin: string | null;
  TariffAtTheTimeOfCheckin: string | null;
}

export interface NxWebhook extends NxBase {
  BusinessId: number | null;
  Name: string;
  Action: number;
  URL: string;
  Active: boolean;
  Description: string | null;
  LastTrigger: string | null;
  LastError: string | null;
  ErrorCount: number;
}

/** A Nexudus *user* (Settings > Users) — the login used for Basic auth and the password grant (§1.2). */
export interface NxUser {
  Id: number;
  Email: string;
  Password: string;
  /** base32 TOTP secret when 2FA is enabled. */
  TotpSecret: string | null;
  /** "API Access" enabled (Settings > Users) §1.2. */
  ApiAccess: boolean;
  /** Role names `<Entity>-List|Read|Create|Edit|Delete`; null = every role (§1.2). */
  Roles: string[] | null;
}

export interface NexudusState {
  users: NxUser[];
  businesses: NxBusiness[];
  coworkers: NxCoworker[];
  teams: NxTeam[];
  tariffs: NxTariff[];
  coworkerContracts: NxCoworkerContract[];
  resourceTypes: NxResourceType[];
  resources: NxResource[];
  bookings: NxBooking[];
  cancelledBookings: NxBooking[];
  checkins: NxCheckin[];
  webhooks: NxWebhook[];
  /** Shared secret per webhook id; webhooks without one are delivered unsigned (§1.12). */
  webhookSecrets: Map<number, string>;
}

export type EntityKey = Exclude<keyof NexudusState, 'users' | 'webhookSecrets'>;
export type Op = 'list' | 'get' | 'create' | 'update' | 'delete';

export interface EntityDef {
  key: EntityKey;
  module: 'spaces' | 'billing' | 'sys';
  path: string;
  /** Entity name as used in filters (`Coworker_Email`) and messages. */
  name: string;
  /** Role prefix (`WebHook-Create`, §1.2). */
  role: string;
  ops: Op[];
  required: string[];
  defaultOrder: { field: string; dir: 1 | -1 };
  /** eWebhookAction values fired on create / update / delete (§1.12). */
  hooks: { create?: number; update?: number; delete?: number };
  /** Stored (writable) fields with their defaults, excluding the base fields. */
  defaults: () => Record<string, unknown>;
}

/** Simulator-internal mapping of `SimpleTimeZoneId` to IANA zones (the real id table is not in the reference). */
export const SIMPLE_TIME_ZONES: Record<number, string> = {
  1: 'Europe/London',
  2: 'Europe/Paris',
  3: 'America/New_York',
  4: 'America/Los_Angeles',
  5: 'Asia/Singapore',
  6: 'Australia/Sydney',
};

export const DATE_FIELDS = new Set([
  'CreatedOn',
  'UpdatedOn',
  'FromTime',
  'ToTime',
  'StartDate',
  'RenewalDate',
  'InvoicedPeriod',
  'ContractTerm',
  'CancellationDate',
  'RegistrationDate',
  'LastActivity',
  'LastTrigger',
]);

const custom = (): Record<string, null> => {
  const o: Record<string, null> = {};
  for (let i = 1; i <= 30; i++) o[`Custom${i}`] = null;
  return o;
};

export const ENTITY_DEFS: EntityDef[] = [
  {
    key: 'businesses',
    module: 'sys',
    path: 'businesses',
    name: 'Business',
    role: 'Business',
    ops: ['list', 'get', 'update'], // §1.6 Search/Get/Update only
    required: ['Name'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: { update: 84 },
    defaults: () => ({
      Name: null,
      WebAddress: null,
      RootLocationId: null,
      CountryId: 1220,
      CurrencyId: 1,
      CurrencyCode: 'GBP',
      SimpleTimeZoneId: 1,
      Address: null,
      EmailContact: null,
      Suspended: false,
      PassportPublished: false,
    }),
  },
  {
    key: 'coworkers',
    module: 'spaces',
    path: 'coworkers',
    name: 'Coworker',
    role: 'Coworker',
    ops: ['list', 'get', 'create', 'update'], // §1.1: no DELETE via API
    required: ['FullName', 'Email', 'CountryId', 'SimpleTimeZoneId'], // §1.7
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: { create: 3, update: 2, delete: 50 },
    defaults: () => ({
      CoworkerType: 1,
      FullName: null,
      Email: null,
      CompanyName: null,
      Position: null,
      Businesses: [],
      InvoicingBusinessId: null,
      Active: true,
      Archived: false,
      UserId: null,
      BillingDay: null,
      AllowNetworkCheckin: false,
      AccessCardId: null,
      AccessPincode: null,
      KeyFobNumber: null,
      CheckinSinceLastRenewal: 0,
      MinutesSinceLastRenewal: 0,
      RegistrationDate: null,
      MobilePhone: null,
      CountryId: null,
      SimpleTimeZoneId: null,
      ...custom(),
      CustomFields: null,
    }),
  },
  {
    key: 'teams',
    module: 'spaces',
    path: 'teams',
    name: 'Team',
    role: 'Team',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['Name', 'BusinessId'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: { create: 57, update: 58, delete: 59 },
    defaults: () => ({
      BusinessId: null,
      Name: null,
      Description: null,
      TeamMembers: [],
      TeamAdministrators: [],
      PayingMemberId: null,
      DefaultMemberTariffId: null,
      MaxTeamMemberCount: null,
      CreateSingleInvoiceForTeam: false,
    }),
  },
  {
    key: 'tariffs',
    module: 'billing',
    path: 'tariffs',
    name: 'Tariff',
    role: 'Tariff',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['Name', 'BusinessId'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: { create: 74, update: 76, delete: 75 },
    defaults: () => ({
      BusinessId: null,
      Name: null,
      SystemTariffType: 99,
      Price: 0,
      CurrencyCode: 'GBP',
      InvoiceEvery: 1,
      InvoiceEveryWeeks: null,
      Visible: true,
      Archived: false,
      GroupName: null,
      CancellationLimitDays: null,
      CheckinMonthLimit: null,
    }),
  },
  {
    key: 'coworkerContracts',
    module: 'billing',
    path: 'coworkercontracts',
    name: 'CoworkerContract',
    role: 'CoworkerContract',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['CoworkerId', 'TariffId', 'StartDate'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: { create: 62, update: 60, delete: 77 },
    defaults: () => ({
      IssuedById: null,
      CoworkerId: null,
      TariffId: null,
      NextTariffId: null,
      StartDate: null,
      RenewalDate: null,
      InvoicedPeriod: null,
      ContractTerm: null,
      BillingDay: 1,
      Quantity: 1,
      Price: null,
      Desks: [],
      FloorPlanDeskIds: null,
      Active: true,
      MainContract: true,
      Cancelled: false,
      CancellationDate: null,
      CancellationReason: null,
      CancellationNotes: null,
      CancelTeamContracts: false,
    }),
  },
  {
    key: 'resourceTypes',
    module: 'spaces',
    path: 'resourcetypes',
    name: 'ResourceType',
    role: 'ResourceType',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['Name'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: {},
    defaults: () => ({ Name: null }),
  },
  {
    key: 'resources',
    module: 'spaces',
    path: 'resources',
    name: 'Resource',
    role: 'Resource',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['Name', 'BusinessId', 'ResourceTypeId'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: {},
    defaults: () => ({ BusinessId: null, Name: null, ResourceTypeId: null, Visible: true, Archived: false }),
  },
  {
    key: 'bookings',
    module: 'spaces',
    path: 'bookings',
    name: 'Booking',
    role: 'Booking',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['ResourceId', 'FromTime', 'ToTime'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: { create: 6, update: 7, delete: 8 },
    defaults: () => ({
      BookingNumber: 0,
      ResourceId: null,
      FloorPlanDeskId: null,
      CoworkerId: null,
      FromTime: null,
      ToTime: null,
      Tentative: false,
      Online: true,
      Invoiced: false,
      Notes: null,
      RepeatSeriesUniqueId: null,
      TeamsAtTheTimeOfBooking: null,
      TariffAtTheTimeOfBooking: null,
    }),
  },
  {
    key: 'cancelledBookings',
    module: 'spaces',
    path: 'cancelledbookings',
    name: 'CancelledBooking',
    role: 'CancelledBooking',
    ops: ['list', 'get'],
    required: [],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: {},
    defaults: () => ({}),
  },
  {
    key: 'checkins',
    module: 'spaces',
    path: 'checkins',
    name: 'Checkin',
    role: 'Checkin',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['BusinessId', 'FromTime'], // §1.11
    defaultOrder: { field: 'FromTime', dir: -1 }, // §1.11 default order FromTime descending [C-old]
    hooks: { create: 47, update: 48, delete: 49 },
    defaults: () => ({
      CoworkerId: null,
      BusinessId: null,
      Source: 1,
      FromTime: null,
      ToTime: null,
      LastActivity: null,
      AutoCheckout: false,
      CountsTowardsPlanLimits: true,
      CoworkerTimePassGuid: null,
      MacAddresses: null,
      TeamsAtTheTimeOfCheckin: null,
      TariffAtTheTimeOfCheckin: null,
    }),
  },
  {
    key: 'webhooks',
    module: 'sys',
    path: 'webhooks',
    name: 'WebHook',
    role: 'WebHook',
    ops: ['list', 'get', 'create', 'update', 'delete'],
    required: ['BusinessId', 'Name', 'Action', 'URL'],
    defaultOrder: { field: 'Id', dir: 1 },
    hooks: {},
    defaults: () => ({
      BusinessId: null,
      Name: null,
      Action: 1,
      URL: null,
      Active: true,
      Description: null,
      LastTrigger: null,
      LastError: null,
      ErrorCount: 0,
    }),
  },
];

export const DEF_BY_KEY = new Map(ENTITY_DEFS.map((d) => [d.key, d]));

/** Relation name (as in `Booking_Coworker`, `Team_Business_Name`) → the entity it points at. */
export const RELATIONS: Record<string, EntityKey> = {
  business: 'businesses',
  issuedby: 'businesses',
  invoicingbusiness: 'businesses',
  coworker: 'coworkers',
  payingmember: 'coworkers',
  tariff: 'tariffs',
  nexttariff: 'tariffs',
  resource: 'resources',
  resourcetype: 'resourceTypes',
};

/** eWebhookAction names (§1.12), for reports and test readability. */
export const WEBHOOK_ACTIONS = {
  None: 1,
  CoworkerUpdate: 2,
  CoworkerCreate: 3,
  BookingCreate: 6,
  BookingUpdate: 7,
  BookingDelete: 8,
  CoworkerContractActivate: 10,
  CoworkerContractCancel: 11,
  CoworkerContractRenew: 12,
  CoworkerContractUpgradeDowngrade: 13,
  CoworkerContractActivateFirst: 14,
  CoworkerCheckout: 35,
  CoworkerCheckin: 36,
  CheckinCreated: 47,
  CheckinUpdated: 48,
  CheckinDeleted: 49,
  CoworkerDelete: 50,
  TeamCreated: 57,
  TeamUpdated: 58,
  TeamDeleted: 59,
  CoworkerContractUpdate: 60,
  AccessControlUpdate: 61,
  CoworkerContractCreate: 62,
  TariffCreate: 74,
  TariffDelete: 75,
  TariffUpdate: 76,
  CoworkerContractDelete: 77,
  BusinessUpdate: 84,
} as const;

/** Which entity's DTO a webhook action carries (§1.12; contract/check-in payloads are [I]). */
export function entityForAction(action: number): EntityKey | null {
  if ([2, 3, 9, 50, 61].includes(action)) return 'coworkers';
  if ([6, 7, 8].includes(action)) return 'bookings';
  if ([10, 11, 12, 13, 14, 60, 62, 77].includes(action)) return 'coworkerContracts';
  if ([35, 36, 37, 47, 48, 49, 63].includes(action)) return 'checkins';
  if ([57, 58, 59].includes(action)) return 'teams';
  if ([74, 75, 76].includes(action)) return 'tariffs';
  if (action === 84) return 'businesses';
  return null;
}

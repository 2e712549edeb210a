/**
 * The contract between an upstream connector (Nexudus, Andcards/Spacebring) and the sync engine.
 *
 * A connector only reads the upstream and turns it into one normalized snapshot; it never touches
 * the database. The engine diffs the snapshot against Lanyard's state and applies the result in one
 * transaction. A connector that cannot produce a complete, well-formed snapshot throws an
 * UpstreamError and the run changes nothing.
 */

/** An upstream location: a Nexudus business, a Spacebring location. */
export interface UpstreamLocation {
  externalId: string;
  name: string;
  /** IANA zone when the upstream gives one (Spacebring `timezoneId`); null when it does not. */
  timezone: string | null;
}

/** A Nexudus team or a Spacebring company: becomes a Lanyard group (origin TEAM / COMPANY). */
export interface UpstreamGroup {
  externalId: string;
  kind: 'TEAM' | 'COMPANY';
  name: string;
  /** The location whose VLAN pool serves this group; null when the upstream does not say. */
  locationExternalId: string | null;
}

/** A plan (Nexudus tariff, Spacebring plan); integration settings map plans to groups or "no access". */
export interface UpstreamPlan {
  externalId: string;
  name: string;
  locationExternalId: string | null;
  /** Upstream hint that the plan carries no desk (Nexudus SystemTariffType 10/11, "virtual office"). */
  virtual: boolean;
}

export interface UpstreamMember {
  externalId: string;
  /** Required to provision; members without a usable email are skipped with a logged warning. */
  email: string | null;
  fullName: string;
  company: string | null;
  /** Locations the person belongs to (Nexudus `Businesses`, Spacebring memberships' locations). */
  locationExternalIds: string[];
  /** Home location when the upstream names one (Nexudus `InvoicingBusinessId`). */
  homeLocationExternalId: string | null;
  groupExternalIds: string[];
  /** Upstream account flag (Nexudus `Active && !Archived`, Spacebring not deleted). */
  active: boolean;
  /** Extra upstream fields usable as username or password source (e.g. `Custom3`, `metadata.wifi`). */
  fields: Record<string, string>;
}

/** An active or scheduled contract / subscription of one member. */
export interface UpstreamMembership {
  externalId: string;
  memberExternalId: string;
  planExternalId: string | null;
  locationExternalId: string | null;
  startsAt: Date;
  /** Null: open-ended. */
  endsAt: Date | null;
  /** Set when cancelled: access ends at this instant (Nexudus `CancellationDate`). */
  cancelledAt: Date | null;
}

export interface UpstreamBooking {
  externalId: string;
  memberExternalId: string;
  locationExternalId: string;
  kind: 'DESK' | 'ROOM';
  startsAt: Date;
  endsAt: Date;
}

export interface UpstreamCheckIn {
  externalId: string;
  memberExternalId: string;
  locationExternalId: string;
  checkedInAt: Date;
  /** Null: still checked in. */
  checkedOutAt: Date | null;
  /** MAC addresses seen during a network check-in (Nexudus `MacAddresses`), normalized aa:bb:cc:dd:ee:ff. */
  macAddresses: string[];
}

/**
 * FULL: the snapshot holds every member the upstream has; members absent from it were removed.
 * PARTIAL: only the listed members were fetched (webhook, incremental run); absent ones among
 * `memberExternalIds` were removed upstream, everyone else is untouched.
 */
export type SnapshotScope = { kind: 'FULL' } | { kind: 'PARTIAL'; memberExternalIds: string[] };

export interface UpstreamSnapshot {
  scope: SnapshotScope;
  fetchedAt: Date;
  locations: UpstreamLocation[];
  groups: UpstreamGroup[];
  plans: UpstreamPlan[];
  members: UpstreamMember[];
  memberships: UpstreamMembership[];
  /** Bookings overlapping today (in each location's time zone) and later bookings already known. */
  bookings: UpstreamBooking[];
  checkIns: UpstreamCheckIn[];
}

/** Where a connector writes progress lines; the engine turns them into SyncLogEntry rows. */
export interface SyncLog {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  debug(message: string, data?: Record<string, unknown>): void;
}

/** Connector credentials as stored encrypted in Integration.credentialsEnc (never passwords). */
export type StoredCredentials =
  | { kind: 'NEXUDUS'; accessToken: string; refreshToken: string; expiresAt: string }
  | { kind: 'ANDCARDS'; clientId: string; clientSecret: string };

/** Lets a connector persist refreshed tokens without knowing about the database. */
export interface CredentialStore {
  load(): Promise<StoredCredentials>;
  save(credentials: StoredCredentials): Promise<void>;
}

export interface FetchOptions {
  /** FULL reads everything; INCREMENTAL reads what changed since `since` (falls back to FULL when unsupported). */
  mode: 'FULL' | 'INCREMENTAL' | 'MEMBERS';
  since?: Date;
  /** For MEMBERS: the upstream member ids to refresh (webhooks). */
  memberExternalIds?: string[];
  now: Date;
  log: SyncLog;
  signal?: AbortSignal;
}

/** What a verified webhook means for the engine: which members to refresh, or a full run. */
export interface WebhookEffect {
  /** Upstream event name (Nexudus action name, Svix `type`). */
  event: string;
  /** Stable id of the delivery for idempotency (Svix `svix-id`, or a hash of the Nexudus body). */
  deliveryId: string;
  memberExternalIds: string[];
  /** True when the event cannot be narrowed to members (team or tariff changed): run a full sync. */
  fullSync: boolean;
}

export interface WebhookRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** Route suffix after the integration's token, e.g. Nexudus action names use /webhooks/<token>/<action>. */
  pathSuffix: string | null;
}

export interface Connector {
  fetchSnapshot(options: FetchOptions): Promise<UpstreamSnapshot>;
}

export const UpstreamErrorCode = {
  /** 401/403 after a refresh attempt: an admin must reconnect the integration. */
  UNAUTHORIZED: 'UPSTREAM_UNAUTHORIZED',
  /** 409/429 beyond the retry budget. */
  THROTTLED: 'UPSTREAM_THROTTLED',
  /** Network error, 5xx. */
  UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** Invalid or truncated JSON, missing fields, a page that does not add up. */
  MALFORMED: 'UPSTREAM_MALFORMED',
  /** The upstream refused what we asked (4xx other than auth/throttle), e.g. wrong TOTP at connect. */
  REJECTED: 'UPSTREAM_REJECTED',
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  WEBHOOK_MALFORMED: 'WEBHOOK_MALFORMED',
} as const;
export type UpstreamErrorCode = (typeof UpstreamErrorCode)[keyof typeof UpstreamErrorCode];

/** Every upstream failure. Messages are for operators and never contain tokens or secrets. */
export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    readonly details: { status?: number; url?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** What every connector factory takes (createNexudusConnector, createAndcardsConnector). */
export interface ConnectorOptions {
  /** The vendor's API root, or a simulator's / regional host's. */
  baseUrl: string;
  credentials: CredentialStore;
  /** Injected in tests; defaults to the global fetch. */
  fetchImpl?: typeof fetch;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Injected in tests so that Retry-After waits do not slow them down; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** Credentials an admin types once when adding an integration (design §4 `credentials`). */
export interface ConnectRequest {
  baseUrl: string;
  email?: string | null;
  password?: string | null;
  totp?: string | null;
  clientId?: string | null;
  clientSecret?: string | null;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

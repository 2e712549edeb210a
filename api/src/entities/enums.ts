import { registerEnumType } from 'type-graphql';

export enum MemberStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
  DELETED = 'DELETED',
}
export enum GrantKind {
  MEMBERSHIP = 'MEMBERSHIP',
  DESK_BOOKING = 'DESK_BOOKING',
  ROOM_BOOKING = 'ROOM_BOOKING',
  CHECK_IN = 'CHECK_IN',
  MANUAL = 'MANUAL',
  VISITOR = 'VISITOR',
}
export enum GroupOrigin {
  TEAM = 'TEAM',
  COMPANY = 'COMPANY',
  PLAN = 'PLAN',
  MANUAL = 'MANUAL',
}
export enum NasVendor {
  generic = 'generic',
  hostapd = 'hostapd',
  meraki = 'meraki',
  cisco = 'cisco',
  aruba = 'aruba',
  ruckus = 'ruckus',
  mikrotik = 'mikrotik',
  unifi = 'unifi',
  omada = 'omada',
}
/** How a NAS writes MAC addresses in User-Name / Calling-Station-Id. */
export enum MacFormat {
  IETF = 'IETF', // AA-BB-CC-DD-EE-FF
  COLON_LOWER = 'COLON_LOWER', // aa:bb:cc:dd:ee:ff
  COLON_UPPER = 'COLON_UPPER',
  BARE_LOWER = 'BARE_LOWER', // aabbccddeeff
  BARE_UPPER = 'BARE_UPPER',
  CISCO_DOTTED = 'CISCO_DOTTED', // aabb.ccdd.eeff
}
export enum IntegrationKind {
  NEXUDUS = 'NEXUDUS',
  ANDCARDS = 'ANDCARDS',
}
export enum IntegrationHealth {
  NEVER_SYNCED = 'NEVER_SYNCED',
  CONNECTED = 'CONNECTED',
  NEEDS_RECONNECT = 'NEEDS_RECONNECT',
  ERROR = 'ERROR',
}
export enum DeviceLearnedBy {
  PORTAL = 'PORTAL',
  ADMIN = 'ADMIN',
  PPSK_MATCH = 'PPSK_MATCH',
  UPSTREAM_CHECK_IN = 'UPSTREAM_CHECK_IN',
}
export enum AuthMethod {
  PAP = 'PAP',
  MAC_AUTH = 'MAC_AUTH',
  PPSK = 'PPSK',
  EAP_TTLS_PAP = 'EAP_TTLS_PAP',
  PEAP_MSCHAPV2 = 'PEAP_MSCHAPV2',
}
export enum AuthResult {
  ACCEPT = 'ACCEPT',
  REJECT = 'REJECT',
}
export enum SyncTrigger {
  SCHEDULE = 'SCHEDULE',
  MANUAL = 'MANUAL',
  WEBHOOK = 'WEBHOOK',
}
export enum SyncRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  HELD = 'HELD',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  DISCARDED = 'DISCARDED',
}
export enum LogLevel {
  DEBUG = 'DEBUG',
  INFO = 'INFO',
  WARN = 'WARN',
  ERROR = 'ERROR',
}
export enum AdminRole {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  LOCATION_MANAGER = 'LOCATION_MANAGER',
  VIEWER = 'VIEWER',
}
export enum ApiScope {
  READ = 'READ',
  MEMBERS_WRITE = 'MEMBERS_WRITE',
  MEMBERS_SECRETS = 'MEMBERS_SECRETS',
  LOCATIONS_WRITE = 'LOCATIONS_WRITE',
  NAS_WRITE = 'NAS_WRITE',
  GROUPS_WRITE = 'GROUPS_WRITE',
  INTEGRATIONS_WRITE = 'INTEGRATIONS_WRITE',
  SYNC_RUN = 'SYNC_RUN',
  AUDIT_READ = 'AUDIT_READ',
}
export enum ActorType {
  ADMIN = 'ADMIN',
  API_KEY = 'API_KEY',
  MEMBER = 'MEMBER',
  SYSTEM = 'SYSTEM',
}
export enum OutboxStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  /** No SMTP_URL: kept here for operators to read. */
  CAPTURED = 'CAPTURED',
}

const enums = {
  MemberStatus,
  GrantKind,
  GroupOrigin,
  NasVendor,
  MacFormat,
  IntegrationKind,
  IntegrationHealth,
  DeviceLearnedBy,
  AuthMethod,
  AuthResult,
  SyncTrigger,
  SyncRunStatus,
  LogLevel,
  AdminRole,
  ApiScope,
  ActorType,
  OutboxStatus,
};
for (const [name, e] of Object.entries(enums)) registerEnumType(e, { name });

/** WebhookDelivery.outcome (and the label of lanyard_webhook_deliveries_total). */
export const WebhookOutcome = {
  QUEUED: 'QUEUED',
  IGNORED: 'IGNORED',
  DUPLICATE: 'DUPLICATE',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  MALFORMED: 'MALFORMED',
  UNKNOWN_ENDPOINT: 'UNKNOWN_ENDPOINT',
  DISABLED: 'DISABLED',
  /** A full sync was already queued: this delivery rides on it. */
  COALESCED: 'COALESCED',
} as const;

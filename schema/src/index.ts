/**
 * Contracts shared between Lanyard's parts.
 *
 * - `schema.graphql` (next to this package's package.json) is the GraphQL contract, emitted from the
 *   API and committed; the API's test suite fails when it is stale.
 * - This module is the contract of the Postgres tables and NOTIFY channels that processes other than
 *   the API (the RADIUS worker) read. Column names here are the real ones; the API's entity test
 *   checks them against the migrated database.
 * - `integration-settings.ts`: the integration settings and their defaults (API and admin UI).
 */

/** Postgres NOTIFY channels. Payloads are JSON (always < 8000 bytes, Postgres' NOTIFY limit). */
export const NotifyChannel = {
  /** A member's credentials, status, groups or grants changed: RADIUS reloads that member. */
  memberChanged: 'lanyard_member_changed',
  /** A NAS client, location or group changed: RADIUS reloads its NAS table / policies. */
  configChanged: 'lanyard_config_changed',
  /** GraphQL subscription events, fanned out to every API process. */
  events: 'lanyard_events',
} as const;
export type NotifyChannelName = (typeof NotifyChannel)[keyof typeof NotifyChannel];

export type MemberChangeReason =
  | 'CREATED'
  | 'UPDATED'
  | 'STATUS_CHANGED'
  | 'DELETED'
  | 'PASSPHRASE_CHANGED'
  | 'PMK_COMPUTED'
  | 'GROUPS_CHANGED'
  | 'GRANTS_CHANGED'
  | 'DEVICES_CHANGED';

export interface MemberChangedPayload {
  memberId: string;
  reason: MemberChangeReason;
  /** ISO timestamp of the change, for latency measurement. */
  at: string;
}

export type ConfigChangeEntity = 'NAS_CLIENT' | 'LOCATION' | 'GROUP' | 'INTEGRATION';
export interface ConfigChangedPayload {
  entity: ConfigChangeEntity;
  id: string;
  op: 'CREATED' | 'UPDATED' | 'DELETED';
  at: string;
}

export interface EventsPayload {
  topic: string;
  payload: unknown;
}

/** Tables the RADIUS worker reads (snake_case, as in the database). */
export const Tables = {
  location: 'location',
  nasClient: 'nas_client',
  member: 'member',
  memberHomeLocations: 'member_home_locations',
  memberGroups: 'member_groups',
  memberPmk: 'member_pmk',
  group: 'access_group',
  accessGrant: 'access_grant',
  device: 'device',
  radiusSession: 'radius_session',
  authEvent: 'auth_event',
} as const;

/** Columns the RADIUS worker reads, per table (checked against the migrated database by the API's tests). */
export const Columns = {
  location: ['id', 'name', 'timezone', 'ssids', 'default_vlan_id'],
  nas_client: [
    'id',
    'location_id',
    'name',
    'ip_address',
    'secret_enc',
    'vendor',
    'mac_format',
    'coa_port',
    'require_message_authenticator',
  ],
  member: [
    'id',
    'email',
    'username',
    'status',
    'roaming',
    'passphrase_enc',
    'passphrase_version',
    'nt_hash_enc',
  ],
  member_home_locations: ['member_id', 'location_id'],
  member_groups: ['member_id', 'group_id'],
  member_pmk: ['member_id', 'ssid', 'pmk_enc', 'passphrase_version'],
  access_group: [
    'id',
    'name',
    'origin',
    'location_id',
    'vlan_id',
    'bandwidth_up_kbps',
    'bandwidth_down_kbps',
    'session_timeout_seconds',
    'max_devices',
  ],
  access_grant: [
    'id',
    'member_id',
    'kind',
    'location_id',
    'starts_at',
    'ends_at',
    'cancelled_at',
    'grants_wifi',
    'effective_starts_at',
    'effective_ends_at',
  ],
  device: ['id', 'member_id', 'mac'],
  radius_session: [
    'id',
    'nas_client_id',
    'member_id',
    'username',
    'calling_station_id',
    'called_station_id',
    'acct_session_id',
    'acct_unique_id',
    'framed_ip_address',
    'started_at',
    'last_update_at',
    'stopped_at',
    'session_time_seconds',
    'input_octets',
    'output_octets',
    'input_packets',
    'output_packets',
    'terminate_cause',
    'nas_ip_address',
    'disconnect_requested_at',
    'disconnect_result',
  ],
  auth_event: [
    'id',
    'created_at',
    'nas_client_id',
    'location_id',
    'member_id',
    'username',
    'mac',
    'method',
    'result',
    'reason',
  ],
} as const satisfies Record<(typeof Tables)[keyof typeof Tables], readonly string[]>;

export type MemberStatus = 'ACTIVE' | 'DISABLED' | 'DELETED';
export type GrantKind = 'MEMBERSHIP' | 'DESK_BOOKING' | 'ROOM_BOOKING' | 'CHECK_IN' | 'MANUAL' | 'VISITOR';
export type GroupOrigin = 'TEAM' | 'COMPANY' | 'PLAN' | 'MANUAL';
export type NasVendor =
  'generic' | 'hostapd' | 'meraki' | 'cisco' | 'aruba' | 'ruckus' | 'mikrotik' | 'unifi' | 'omada';
export const NAS_VENDORS: readonly NasVendor[] = [
  'generic',
  'hostapd',
  'meraki',
  'cisco',
  'aruba',
  'ruckus',
  'mikrotik',
  'unifi',
  'omada',
];
export type MacFormat = 'IETF' | 'COLON_LOWER' | 'COLON_UPPER' | 'BARE_LOWER' | 'BARE_UPPER' | 'CISCO_DOTTED';

/** Row shapes (column → TS type) of the tables the RADIUS worker reads. Secrets are AES-256-GCM tokens. */
export interface NasClientRow {
  id: string;
  location_id: string;
  name: string;
  ip_address: string; // an IP or a CIDR, normalised
  secret_enc: string;
  vendor: NasVendor;
  mac_format: MacFormat;
  coa_port: number;
  require_message_authenticator: boolean;
}
export interface MemberRow {
  id: string;
  email: string;
  username: string;
  status: MemberStatus;
  roaming: boolean;
  passphrase_enc: string | null;
  passphrase_version: number;
  nt_hash_enc: string | null;
}
export interface MemberPmkRow {
  member_id: string;
  ssid: string;
  pmk_enc: string;
  passphrase_version: number;
}
export interface AccessGrantRow {
  id: string;
  effective_starts_at: Date;
  effective_ends_at: Date | null;
  member_id: string;
  kind: GrantKind;
  location_id: string | null;
  starts_at: Date;
  ends_at: Date | null;
  cancelled_at: Date | null;
  grants_wifi: boolean;
}
export interface GroupRow {
  id: string;
  name: string;
  origin: GroupOrigin;
  location_id: string | null;
  vlan_id: number | null;
  bandwidth_up_kbps: number | null;
  bandwidth_down_kbps: number | null;
  session_timeout_seconds: number | null;
  max_devices: number | null;
}

/**
 * Additional authenticated data bound to each encrypted column (AES-256-GCM), so a ciphertext copied
 * into another row or column fails to decrypt. Every process that decrypts must use these.
 */
export const SecretAad = {
  nasSecret: (nasClientId: string) => `nas_client.secret:${nasClientId}`,
  passphrase: (memberId: string) => `member.passphrase:${memberId}`,
  ntHash: (memberId: string) => `member.nt_hash:${memberId}`,
  pmk: (memberId: string, ssid: string) => `member_pmk:${memberId}:${ssid}`,
  integrationCredentials: (integrationId: string) => `integration.credentials:${integrationId}`,
  webhookSecret: (integrationId: string) => `integration.webhook_secret:${integrationId}`,
  outboxBody: (outboxMessageId: string) => `outbox_message.body:${outboxMessageId}`,
} as const;

export * from './integration-settings.js';

/**
 * Per-integration sync settings (design §3), stored as JSON on Integration.settings. Every field has
 * a default, so an integration created with `settings: {}` behaves like a mature product would.
 * Shared: the API applies the defaults, the admin UI shows them.
 */
export type UsernameFormat = 'EMAIL' | 'MEMBER_ID' | 'CUSTOM_FIELD';
export type PassphraseSource = 'GENERATED' | 'UPSTREAM_FIELD';
export type DeprovisionMode = 'DELETE' | 'DISABLE';
export type VlanMode = 'PER_TEAM' | 'NONE';

/** A plan → access rule. `noAccess` wins (e.g. Virtual Office); otherwise members join `groupId` if set. */
export interface PlanMapping {
  planExternalId: string;
  noAccess: boolean;
  groupId: string | null;
}

export interface IntegrationSettings {
  /** Create members that exist upstream but not here. Off: only members already here are updated. */
  autoProvision: boolean;
  /** What happens to members removed upstream (their open sessions are disconnected either way). */
  deprovision: DeprovisionMode;
  usernameFormat: UsernameFormat;
  /** Upstream field used when usernameFormat is CUSTOM_FIELD (e.g. `Custom3`). */
  usernameField: string | null;
  passphraseSource: PassphraseSource;
  /** Upstream field holding the passphrase when passphraseSource is UPSTREAM_FIELD. */
  passphraseField: string | null;
  planMappings: PlanMapping[];
  /** Plans without a mapping: grant access (true) or not (false). */
  unmappedPlansGrantAccess: boolean;
  vlanMode: VlanMode;
  /** Grants valid at every location ("Global Communities" / "Roaming"); off: home locations only. */
  roaming: boolean;
  /** Desk and room bookings give access for the booking's day (until local midnight). */
  bookingAccess: boolean;
  /** Nexudus check-ins give access from check-in until checkout. */
  checkInAccess: boolean;
  /** Email members their credentials when their WiFi access first begins (credential-delivery.service.ts). */
  credentialEmail: boolean;
  syncIntervalMinutes: number;
  /** A run disabling or deleting more than this share of the integration's members is held. */
  safetyThresholdPercent: number;
  /** …and at least this many people. */
  safetyMinimumPeople: number;
}

export const DEFAULT_INTEGRATION_SETTINGS: IntegrationSettings = {
  autoProvision: true,
  deprovision: 'DELETE',
  usernameFormat: 'EMAIL',
  usernameField: null,
  passphraseSource: 'GENERATED',
  passphraseField: null,
  planMappings: [],
  unmappedPlansGrantAccess: true,
  vlanMode: 'PER_TEAM',
  roaming: false,
  bookingAccess: true,
  checkInAccess: false,
  credentialEmail: false,
  syncIntervalMinutes: 15,
  safetyThresholdPercent: 20,
  safetyMinimumPeople: 5,
};

/**
 * What a sync run will change (sync-diff.ts computes it, sync-apply.ts writes it). Plain JSON:
 * a held run keeps its plan in SyncRun.pendingPlan until an admin confirms it. Instants are ISO
 * strings; every new row already has its id, so the plan refers to everything by id.
 */
import type { GrantKind } from '../domain/access/access-policy.js';

export type PlannedMemberStatus = 'ACTIVE' | 'DISABLED';

/** A passphrase to set: generated at apply time, or an upstream field's value (validated, unique). */
export type PlannedPassphrase =
  | { kind: 'GENERATE' }
  | { kind: 'UPSTREAM'; value: string }
  /** The upstream value of a held plan, encrypted at rest until confirmation. */
  | { kind: 'UPSTREAM_ENC'; token: string };

export interface PlannedLocation {
  id: string;
  externalId: string;
  name: string;
  timezone: string;
}

export interface PlannedGroup {
  id: string;
  externalId: string;
  name: string;
  origin: 'TEAM' | 'COMPANY';
  locationId: string | null;
}

export interface PlannedGroupUpdate {
  id: string;
  name: string;
  locationId: string | null;
}

export interface PlannedMemberCreate {
  id: string;
  /** The member existed but was DELETED: the same row comes back. */
  revive: boolean;
  email: string;
  emailNormalized: string;
  fullName: string;
  company: string | null;
  username: string;
  status: PlannedMemberStatus;
  passphrase: PlannedPassphrase;
}

export interface PlannedMemberUpdate {
  id: string;
  /** Target values (all of them, not only the changed ones). */
  email: string;
  emailNormalized: string;
  fullName: string;
  company: string | null;
  username: string;
  status: PlannedMemberStatus;
  passphrase: PlannedPassphrase | null;
}

export interface PlannedGrant {
  id: string;
  memberId: string;
  sourceRef: string;
  kind: GrantKind;
  locationId: string | null;
  startsAt: string;
  endsAt: string | null;
  cancelledAt: string | null;
  grantsWifi: boolean;
  effectiveStartsAt: string;
  effectiveEndsAt: string | null;
}

export interface PlanCounts {
  created: number;
  updated: number;
  enabled: number;
  disabled: number;
  deleted: number;
  unchanged: number;
  errors: number;
}

export interface PlanWarning {
  message: string;
  data?: Record<string, unknown>;
}

export type MemberChangeReason =
  | 'CREATED'
  | 'UPDATED'
  | 'STATUS_CHANGED'
  | 'DELETED'
  | 'GROUPS_CHANGED'
  | 'GRANTS_CHANGED'
  | 'DEVICES_CHANGED';

export interface SyncPlan {
  version: 1;
  integrationId: string;
  scope: 'FULL' | 'PARTIAL';
  locations: PlannedLocation[];
  groups: {
    create: PlannedGroup[];
    update: PlannedGroupUpdate[];
    delete: string[];
    /** Groups that should hold a pool VLAN (PER_TEAM) but may not have one yet. */
    wantVlan: string[];
    /** Groups whose automatic VLAN goes back to the pool (vlanMode NONE). */
    freeVlan: string[];
  };
  members: {
    create: PlannedMemberCreate[];
    update: PlannedMemberUpdate[];
    delete: string[];
  };
  sources: {
    add: Array<{ id: string; memberId: string; externalId: string }>;
    /** External ids of this integration whose source rows go. */
    remove: string[];
    /** member id → this integration's sources' `disabledBySync`. */
    setDisabledBySync: Array<{ memberId: string; value: boolean }>;
  };
  homeLocations: {
    add: Array<{ memberId: string; locationId: string }>;
    remove: Array<{ memberId: string; locationId: string }>;
  };
  memberGroups: {
    add: Array<{ memberId: string; groupId: string }>;
    remove: Array<{ memberId: string; groupId: string }>;
  };
  grants: { upsert: PlannedGrant[]; delete: string[] };
  devices: { create: Array<{ id: string; memberId: string; mac: string }> };
  /** Members whose access may have changed: RADIUS reloads them. */
  notify: Array<{ memberId: string; reason: MemberChangeReason }>;
  counts: PlanCounts;
  /**
   * Members this run takes access from: disabled or deleted because they left upstream or are
   * inactive there, or still present and active but with no WiFi grant in force any more (e.g. every
   * contract vanished from the list), each counted once.
   */
  safety: { removals: number; population: number };
  warnings: PlanWarning[];
  /**
   * Version (sync-state.ts `memberVersionSql`) of every existing member the plan touches, as read
   * when it was computed: confirming a held plan skips members whose version changed since.
   * Absent in plans stored before it existed.
   */
  memberVersions?: Record<string, string>;
}

export function emptyCounts(): PlanCounts {
  return { created: 0, updated: 0, enabled: 0, disabled: 0, deleted: 0, unchanged: 0, errors: 0 };
}

/** Whether a plan must wait for an admin (design §3 "Safety"), and why. */
export function holdReason(
  plan: SyncPlan,
  settings: { safetyThresholdPercent: number; safetyMinimumPeople: number },
): string | null {
  const { removals, population } = plan.safety;
  if (population === 0 || removals === 0) return null;
  const share = (removals * 100) / population;
  if (share <= settings.safetyThresholdPercent || removals < settings.safetyMinimumPeople) return null;
  return (
    `This run would take WiFi access from ${removals} of ${population} members (${share.toFixed(1)} %, ` +
    `more than the ${settings.safetyThresholdPercent} % safety threshold): confirm or discard it`
  );
}

/**
 * Members whose WiFi access may begin with this plan (created, enabled, given grants or a
 * passphrase): the credential delivery checks which of them really have access now.
 */
export function accessMayBegin(plan: SyncPlan): string[] {
  return plan.notify.filter((n) => n.reason !== 'DELETED').map((n) => n.memberId);
}

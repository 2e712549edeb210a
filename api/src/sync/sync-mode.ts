/**
 * Which kind of run a scheduled tick or a "Sync now" without a mode starts (design §3): changes
 * only (INCREMENTAL, the upstream's change filters) unless a full reconcile is due — none yet,
 * the last one a day old, no starting point for a change read, or something that decides what
 * everyone's access is (settings, the API address, a location mapping) changed since the last one.
 */

/** A full reconcile at least this often, whatever the incremental runs do. */
export const FULL_RECONCILE_MS = 24 * 3600_000;

export type ScheduledMode = 'FULL' | 'INCREMENTAL';

export interface ModeFacts {
  /** When the last successful full run ended (null: never). */
  lastFullEndedAt: Date | null;
  /** When it started (null: not recorded; its end stands in). */
  lastFullStartedAt: Date | null;
  /** Where the next change read would start (null: nowhere). */
  incrementalSince: Date | null;
  /** Last change that needs everyone re-evaluated (null: none recorded). */
  reconcileRequestedAt: Date | null;
}

export function chooseSyncMode(facts: ModeFacts, now: Date): ScheduledMode {
  const { lastFullEndedAt, incrementalSince, reconcileRequestedAt } = facts;
  if (!lastFullEndedAt || !incrementalSince) return 'FULL';
  if (lastFullEndedAt.getTime() + FULL_RECONCILE_MS <= now.getTime()) return 'FULL';
  const lastFullStartedAt = facts.lastFullStartedAt ?? lastFullEndedAt;
  if (reconcileRequestedAt && reconcileRequestedAt.getTime() >= lastFullStartedAt.getTime()) return 'FULL';
  return 'INCREMENTAL';
}

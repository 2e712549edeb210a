import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FULL_RECONCILE_MS, chooseSyncMode, type ModeFacts, type ScheduledMode } from './sync-mode.js';

const now = new Date('2026-05-04T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const H = 3600_000;
const recent: ModeFacts = {
  lastFullEndedAt: ago(2 * H),
  lastFullStartedAt: ago(2 * H + 10_000),
  incrementalSince: ago(H),
  reconcileRequestedAt: null,
};

describe('chooseSyncMode', () => {
  const cases: Array<[string, Partial<ModeFacts>, ScheduledMode]> = [
    ['a recent full run and a change cursor: changes only', {}, 'INCREMENTAL'],
    ['never a full run', { lastFullEndedAt: null, lastFullStartedAt: null }, 'FULL'],
    ['no change cursor', { incrementalSince: null }, 'FULL'],
    ['the last full run is a day old', { lastFullEndedAt: ago(FULL_RECONCILE_MS) }, 'FULL'],
    [
      'the last full run is just under a day old',
      { lastFullEndedAt: ago(FULL_RECONCILE_MS - 1) },
      'INCREMENTAL',
    ],
    ['settings changed after the last full run started', { reconcileRequestedAt: ago(H) }, 'FULL'],
    [
      'settings changed while the last full run was running (it read the old ones)',
      { reconcileRequestedAt: ago(2 * H + 5_000) },
      'FULL',
    ],
    [
      'settings changed before the last full run started',
      { reconcileRequestedAt: ago(3 * H) },
      'INCREMENTAL',
    ],
    [
      'no recorded start: the end stands in',
      { lastFullStartedAt: null, reconcileRequestedAt: ago(2 * H - 1) },
      'FULL',
    ],
    [
      'no recorded start, settings changed before the end',
      { lastFullStartedAt: null, reconcileRequestedAt: ago(2 * H + 1) },
      'INCREMENTAL',
    ],
  ];
  for (const [name, patch, expected] of cases)
    it(name, () => assert.equal(chooseSyncMode({ ...recent, ...patch }, now), expected));
});

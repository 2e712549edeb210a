import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_INTEGRATION_SETTINGS,
  changesAccess,
  readIntegrationSettings,
  type IntegrationSettings,
} from './integration-settings.js';

describe('changesAccess', () => {
  const base = readIntegrationSettings({
    planMappings: [{ planExternalId: 'p1', groupId: null, noAccess: true }],
  });
  const cases: Array<[string, Partial<IntegrationSettings>, boolean]> = [
    ['nothing', {}, false],
    ['roaming', { roaming: true }, true],
    ['booking access', { bookingAccess: false }, true],
    ['username format', { usernameFormat: 'MEMBER_ID' }, true],
    ['deprovision', { deprovision: 'DISABLE' }, true],
    ['a plan mapping', { planMappings: [{ planExternalId: 'p1', groupId: null, noAccess: false }] }, true],
    [
      'the same plan mapping written in another key order',
      { planMappings: [{ noAccess: true, groupId: null, planExternalId: 'p1' }] },
      false,
    ],
    ['the sync interval', { syncIntervalMinutes: 60 }, false],
    ['the safety hold', { safetyThresholdPercent: 50, safetyMinimumPeople: 20 }, false],
    ['the credential email', { credentialEmail: !DEFAULT_INTEGRATION_SETTINGS.credentialEmail }, false],
  ];
  for (const [name, patch, expected] of cases)
    it(`${name}: ${expected ? 'changes' : 'does not change'} access`, () =>
      assert.equal(changesAccess(base, { ...base, ...patch }), expected));
});

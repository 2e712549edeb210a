import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_INTEGRATION_SETTINGS } from '@lanyard/schema';
import type { LogLine } from './graphql-integrations';
import {
  credentialsFor,
  duplicatePlanIds,
  firstGapAfter,
  isFinished,
  lastSeq,
  lineOf,
  mergeLog,
  missingCredentials,
  NO_WIFI,
  planMappingsOf,
  planRowsOf,
  settingsInput,
} from './integrations';

const line = (seq: number, message = `line ${seq}`): LogLine => ({
  seq,
  level: 'INFO',
  message,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const seqs = (lines: LogLine[]) => lines.map((l) => l.seq);

describe('mergeLog: stored lines first, live lines appended without duplicates', () => {
  const cases: Array<[string, number[], number[], number[]]> = [
    ['appends new lines', [1, 2], [3, 4], [1, 2, 3, 4]],
    ['drops lines already stored (the page and the stream overlap)', [1, 2, 3], [2, 3, 4], [1, 2, 3, 4]],
    ['a late line fills a gap in order', [1, 2, 4], [3], [1, 2, 3, 4]],
    ['the same line twice in one batch is kept once', [], [1, 1, 2], [1, 2]],
    ['an out-of-order batch is sorted', [1], [3, 2], [1, 2, 3]],
  ];
  for (const [name, current, incoming, expected] of cases)
    it(name, () =>
      assert.deepEqual(
        seqs(
          mergeLog(
            current.map((s) => line(s)),
            incoming.map((s) => line(s)),
          ),
        ),
        expected,
      ),
    );

  it('returns the same array when nothing is new (no re-render)', () => {
    const current = [line(1), line(2)];
    assert.equal(mergeLog(current, [line(2)]), current);
  });
});

describe('firstGapAfter: where to read the stored log to fill a hole', () => {
  const cases: Array<[number[], number | null]> = [
    [[], null],
    [[1, 2, 3], null],
    [[2, 3], 0],
    [[1, 2, 5], 2],
    [[1, 3, 6], 1],
  ];
  for (const [lines, expected] of cases)
    it(`${JSON.stringify(lines)} → ${expected}`, () =>
      assert.equal(firstGapAfter(lines.map((s) => line(s))), expected));
  it('lastSeq', () => {
    assert.equal(lastSeq([]), 0);
    assert.equal(lastSeq([line(1), line(7)]), 7);
  });
});

describe('live events', () => {
  it('a log event becomes a line; a status event does not', () => {
    assert.deepEqual(lineOf({ runId: 'r', seq: 3, level: 'WARN', message: 'm', status: null, at: 'x' }), {
      seq: 3,
      level: 'WARN',
      message: 'm',
      createdAt: 'x',
    });
    assert.equal(
      lineOf({ runId: 'r', seq: null, level: null, message: null, status: 'SUCCEEDED', at: 'x' }),
      null,
    );
  });
  it('finished statuses', () => {
    assert.deepEqual(
      (['QUEUED', 'RUNNING', 'HELD', 'SUCCEEDED', 'FAILED', 'DISCARDED'] as const).filter(isFinished),
      ['SUCCEEDED', 'FAILED', 'DISCARDED'],
    );
  });
});

describe('credentials per platform', () => {
  const form = {
    email: ' ops@example.com ',
    password: ' pw ',
    totp: '123 456',
    clientId: ' id ',
    clientSecret: ' s ',
  };
  it('Nexudus: email, password as typed, TOTP without spaces', () =>
    assert.deepEqual(credentialsFor('NEXUDUS', form), {
      email: 'ops@example.com',
      password: ' pw ',
      totp: '123456',
    }));
  it('Nexudus without TOTP leaves it out', () =>
    assert.deepEqual(credentialsFor('NEXUDUS', { ...form, totp: ' ' }), {
      email: 'ops@example.com',
      password: ' pw ',
    }));
  it('Andcards: client id and secret, trimmed', () =>
    assert.deepEqual(credentialsFor('ANDCARDS', form), { clientId: 'id', clientSecret: 's' }));
  it('missing fields per kind', () => {
    assert.deepEqual(missingCredentials('NEXUDUS', { email: 'a@b.c' }), ['password']);
    assert.deepEqual(missingCredentials('ANDCARDS', { clientId: '', clientSecret: 'x' }), ['clientId']);
    assert.deepEqual(missingCredentials('ANDCARDS', { clientId: 'a', clientSecret: 'x' }), []);
  });
});

describe('plan table', () => {
  it('rows ↔ mappings: a group, no WiFi, or nothing', () => {
    const mappings = [
      { planExternalId: 'p1', groupId: 'g1', noAccess: false },
      { planExternalId: 'p2', groupId: null, noAccess: true },
      { planExternalId: 'p3', groupId: null, noAccess: false },
    ];
    assert.deepEqual(planMappingsOf(planRowsOf(mappings)), mappings);
    assert.equal(planRowsOf(mappings)[1]!.choice, NO_WIFI);
  });
  it('blank ids are dropped, ids trimmed, the last row of a plan wins, duplicates reported', () => {
    const rows = [
      { planExternalId: ' p1 ', choice: 'g1' },
      { planExternalId: '', choice: 'g2' },
      { planExternalId: 'p1', choice: NO_WIFI },
    ];
    assert.deepEqual(planMappingsOf(rows), [{ planExternalId: 'p1', groupId: null, noAccess: true }]);
    assert.deepEqual(duplicatePlanIds(rows), ['p1']);
  });
});

describe('settingsInput', () => {
  it('sends every setting, the custom fields only when their mode uses them', () => {
    const input = settingsInput(
      {
        ...DEFAULT_INTEGRATION_SETTINGS,
        usernameField: 'Custom3',
        passphraseSource: 'UPSTREAM_FIELD',
        passphraseField: ' Custom4 ',
      },
      [{ planExternalId: 'p', choice: '' }],
    );
    assert.equal(input.usernameField, null);
    assert.equal(input.passphraseField, 'Custom4');
    assert.deepEqual(input.planMappings, [{ planExternalId: 'p', groupId: null, noAccess: false }]);
    assert.deepEqual(Object.keys(input).sort(), Object.keys(DEFAULT_INTEGRATION_SETTINGS).sort());
  });
});

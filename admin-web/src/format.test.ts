import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatBytes,
  formatDuration,
  formatTime,
  isoToLocalInput,
  localInputToIso,
  optionalInt,
} from './format';

test('bytes and durations', () => {
  assert.equal(formatBytes('0'), '0 B');
  assert.equal(formatBytes('1500000'), '1.5 MB');
  assert.equal(formatBytes('x'), '—');
  assert.equal(formatDuration(3900), '1 h 5 min');
  assert.equal(formatDuration(59), '0 min');
});

test('datetime-local values round-trip through ISO', () => {
  const local = '2026-03-04T09:30';
  assert.equal(isoToLocalInput(localInputToIso(local)), local);
  assert.equal(localInputToIso(''), null);
  assert.equal(localInputToIso('nonsense'), null);
});

test('optional integers', () => {
  assert.equal(optionalInt(''), null);
  assert.equal(optionalInt('42'), 42);
  assert.ok(Number.isNaN(optionalInt('4.2')));
});

test('times of day', () => {
  assert.equal(formatTime(null), '—');
  assert.equal(formatTime('not a time'), '—');
  assert.match(formatTime('2026-11-24T10:15:42Z'), /\d{1,2}\D\d{2}\D\d{2}/);
});

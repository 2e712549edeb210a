import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canSee, canWrite } from './permissions';

test('viewers change nothing', () => {
  for (const area of [
    'members',
    'secrets',
    'locations',
    'accessPoints',
    'groups',
    'admins',
    'apiKeys',
  ] as const)
    assert.equal(canWrite('VIEWER', area), false, area);
  assert.equal(canSee('VIEWER', 'admins'), false);
  assert.equal(canSee('VIEWER', 'apiKeys'), false);
});

test('location managers manage members and access points, not groups or admins', () => {
  assert.equal(canWrite('LOCATION_MANAGER', 'members'), true);
  assert.equal(canWrite('LOCATION_MANAGER', 'accessPoints'), true);
  assert.equal(canWrite('LOCATION_MANAGER', 'groups'), false);
  assert.equal(canWrite('LOCATION_MANAGER', 'admins'), false);
  assert.equal(canSee('LOCATION_MANAGER', 'audit'), false);
});

test('owners and admins do everything', () => {
  for (const role of ['OWNER', 'ADMIN'] as const) {
    assert.equal(canWrite(role, 'groups'), true);
    assert.equal(canSee(role, 'audit'), true);
  }
});

test('integrations are changed and mail is seen by owners and admins only', () => {
  for (const role of ['OWNER', 'ADMIN'] as const) {
    assert.equal(canWrite(role, 'integrations'), true);
    assert.equal(canSee(role, 'emailTemplates'), true);
    assert.equal(canSee(role, 'outbox'), true);
  }
  for (const role of ['LOCATION_MANAGER', 'VIEWER'] as const) {
    assert.equal(canWrite(role, 'integrations'), false);
    assert.equal(canSee(role, 'emailTemplates'), false);
    assert.equal(canSee(role, 'outbox'), false);
  }
});

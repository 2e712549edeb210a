import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoute, pathFor, type Route } from './routes';

test('the base shows the dashboard', () => {
  assert.deepEqual(parseRoute('/admin/', '/admin/'), { name: 'dashboard' });
  assert.deepEqual(parseRoute('/admin', '/admin/'), { name: 'dashboard' });
});

test('list pages and member pages', () => {
  assert.deepEqual(parseRoute('/admin/locations/', '/admin/'), { name: 'locations' });
  assert.deepEqual(parseRoute('/admin/access-points', '/admin/'), { name: 'accessPoints' });
  assert.deepEqual(parseRoute('/admin/members/0190ABCD-0000-7000-8000-000000000001', '/admin/'), {
    name: 'member',
    id: '0190abcd-0000-7000-8000-000000000001',
  });
});

test('integration and sync run pages', () => {
  assert.deepEqual(parseRoute('/admin/integrations/ABC-1', '/admin/'), { name: 'integration', id: 'abc-1' });
  assert.deepEqual(parseRoute('/admin/sync-runs/abc-2', '/admin/'), { name: 'syncRun', id: 'abc-2' });
  assert.deepEqual(parseRoute('/admin/email-templates', '/admin/'), { name: 'emailTemplates' });
  assert.deepEqual(parseRoute('/admin/sync-runs', '/admin/'), { name: 'notFound', path: '/admin/sync-runs' });
});

test('anything else is not found', () => {
  assert.deepEqual(parseRoute('/admin/nope', '/admin/'), { name: 'notFound', path: '/admin/nope' });
  assert.deepEqual(parseRoute('/administrator', '/admin/'), { name: 'notFound', path: '/administrator' });
  assert.deepEqual(parseRoute('/admin/members/x/y', '/admin/'), {
    name: 'notFound',
    path: '/admin/members/x/y',
  });
  assert.deepEqual(parseRoute('/admin/members/<script>', '/admin/'), {
    name: 'notFound',
    path: '/admin/members/<script>',
  });
});

test('paths round-trip', () => {
  const routes: Route[] = [
    { name: 'dashboard' },
    { name: 'members' },
    { name: 'member', id: 'abc-123' },
    { name: 'accessPoints' },
    { name: 'authEvents' },
    { name: 'apiKeys' },
    { name: 'setup' },
    { name: 'integrations' },
    { name: 'integration', id: '0190abcd-0000-7000-8000-000000000002' },
    { name: 'syncRun', id: '0190abcd-0000-7000-8000-000000000003' },
    { name: 'emailTemplates' },
    { name: 'outbox' },
  ];
  for (const r of routes) assert.deepEqual(parseRoute(pathFor(r, '/admin/'), '/admin/'), r);
});

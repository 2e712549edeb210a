import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoute, pathFor } from './routes';

test('the base and /locations show the locations', () => {
  assert.deepEqual(parseRoute('/admin/', '/admin/'), { name: 'locations' });
  assert.deepEqual(parseRoute('/admin', '/admin/'), { name: 'locations' });
  assert.deepEqual(parseRoute('/admin/locations', '/admin/'), { name: 'locations' });
  assert.deepEqual(parseRoute('/admin/locations/', '/admin/'), { name: 'locations' });
});

test('anything else is not found', () => {
  assert.deepEqual(parseRoute('/admin/nope', '/admin/'), { name: 'notFound', path: '/admin/nope' });
  assert.deepEqual(parseRoute('/administrator', '/admin/'), { name: 'notFound', path: '/administrator' });
});

test('paths round-trip', () => {
  assert.equal(pathFor({ name: 'locations' }, '/admin/'), '/admin/locations');
  assert.deepEqual(parseRoute(pathFor({ name: 'locations' }, '/admin/'), '/admin/'), { name: 'locations' });
});

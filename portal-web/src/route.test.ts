import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoute } from './route';

test('the first segment after /portal/ is the slug', () => {
  assert.deepEqual(parseRoute('/portal/soho', '/portal/'), { name: 'location', slug: 'soho' });
  assert.deepEqual(parseRoute('/portal/soho/', '/portal/'), { name: 'location', slug: 'soho' });
  assert.deepEqual(parseRoute('/portal/soho/verify', '/portal/'), { name: 'location', slug: 'soho' });
  assert.deepEqual(parseRoute('/portal/SoHo-2', '/portal/'), { name: 'location', slug: 'soho-2' });
});

test('no slug: the explainer', () => {
  assert.deepEqual(parseRoute('/portal/', '/portal/'), { name: 'home' });
  assert.deepEqual(parseRoute('/portal', '/portal/'), { name: 'home' });
});

test('a segment that cannot be a slug is a bad link', () => {
  assert.deepEqual(parseRoute('/portal/so%20ho', '/portal/'), { name: 'badLink' });
  assert.deepEqual(parseRoute('/portal/-soho', '/portal/'), { name: 'badLink' });
  assert.deepEqual(parseRoute('/portal/%E0%A4%A', '/portal/'), { name: 'badLink' });
});

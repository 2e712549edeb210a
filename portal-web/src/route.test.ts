import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoute, pathOf, tokenFromHash } from './route';

test('the first segment after /portal/ is the slug, the second the page', () => {
  assert.deepEqual(parseRoute('/portal/soho', '/portal/'), { name: 'location', slug: 'soho', page: 'home' });
  assert.deepEqual(parseRoute('/portal/soho/', '/portal/'), { name: 'location', slug: 'soho', page: 'home' });
  assert.deepEqual(parseRoute('/portal/SoHo-2/devices', '/portal/'), {
    name: 'location',
    slug: 'soho-2',
    page: 'devices',
  });
  assert.deepEqual(parseRoute('/portal/soho/signin', '/portal/'), {
    name: 'location',
    slug: 'soho',
    page: 'signin',
  });
  assert.deepEqual(parseRoute('/portal/soho/nonsense', '/portal/'), {
    name: 'location',
    slug: 'soho',
    page: 'home',
  });
});

test('no slug: the explainer', () => {
  assert.deepEqual(parseRoute('/portal/', '/portal/'), { name: 'noSlug' });
  assert.deepEqual(parseRoute('/portal', '/portal/'), { name: 'noSlug' });
  assert.deepEqual(parseRoute('/elsewhere', '/portal/'), { name: 'noSlug' });
});

test('a segment that cannot be a slug is a bad link', () => {
  assert.deepEqual(parseRoute('/portal/so%20ho', '/portal/'), { name: 'badLink' });
  assert.deepEqual(parseRoute('/portal/-soho', '/portal/'), { name: 'badLink' });
  assert.deepEqual(parseRoute('/portal/%E0%A4%A', '/portal/'), { name: 'badLink' });
});

test('paths of pages round-trip through parseRoute', () => {
  for (const page of ['home', 'signin', 'passphrase', 'setup', 'devices'] as const) {
    assert.deepEqual(parseRoute(pathOf('/portal/', 'soho', page), '/portal/'), {
      name: 'location',
      slug: 'soho',
      page,
    });
  }
  assert.equal(pathOf('/portal/', 'soho', 'home'), '/portal/soho');
});

test('the token comes from the fragment', () => {
  assert.equal(tokenFromHash('#token=abc_DEF-123'), 'abc_DEF-123');
  assert.equal(tokenFromHash('#foo=1&token=x%2By'), 'x+y');
  assert.equal(tokenFromHash(''), null);
  assert.equal(tokenFromHash('#token='), null);
});

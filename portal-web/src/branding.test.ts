import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brandTheme, contrast, parseHex, SURFACE_DARK, SURFACE_LIGHT } from './branding';

test('parses #rgb and #rrggbb, refuses the rest', () => {
  assert.deepEqual(parseHex('#fff'), [255, 255, 255]);
  assert.deepEqual(parseHex('2453C7'), [0x24, 0x53, 0xc7]);
  assert.equal(parseHex('red'), null);
  assert.equal(parseHex(null), null);
});

test('button text and text colours reach 4.5:1 for any brand colour', () => {
  for (const color of ['#ffeb3b', '#777777', '#2453c7', '#000000', '#ffffff', '#00ff00', '#e91e63']) {
    const { vars } = brandTheme(color);
    const brand = parseHex(vars['--brand'])!;
    assert.ok(contrast(brand, parseHex(vars['--brand-text'])!) >= 4.5, `${color} button`);
    assert.ok(contrast(parseHex(vars['--brand-ink-light'])!, SURFACE_LIGHT) >= 4.5, `${color} on light`);
    assert.ok(contrast(parseHex(vars['--brand-ink-dark'])!, SURFACE_DARK) >= 4.5, `${color} on dark`);
  }
});

test('a yellow brand gets dark button text; a dark blue one white', () => {
  assert.equal(brandTheme('#ffeb3b').vars['--brand-text'], '#111111');
  assert.equal(brandTheme('#1a237e').vars['--brand-text'], '#ffffff');
});

test('no or invalid colours: no variables (the default theme applies)', () => {
  assert.deepEqual(brandTheme(null, undefined).vars, {});
  assert.deepEqual(brandTheme('javascript:alert(1)', 'url(x)').vars, {});
});

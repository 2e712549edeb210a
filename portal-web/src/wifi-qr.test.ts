import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeWifiValue, wifiQrPayload } from './wifi-qr';

test('plain values are used as they are', () => {
  assert.equal(
    wifiQrPayload('Lanyard', 'plum-violin-stone-42'),
    'WIFI:T:WPA;S:Lanyard;P:plum-violin-stone-42;;',
  );
});

test('backslash, semicolon, comma, colon and double quote are escaped with a backslash', () => {
  assert.equal(escapeWifiValue('a\\b;c,d:e"f'), 'a\\\\b\\;c\\,d\\:e\\"f');
  assert.equal(wifiQrPayload('Cafe;Guest', 'p:a,s"s\\'), 'WIFI:T:WPA;S:Cafe\\;Guest;P:p\\:a\\,s\\"s\\\\;;');
});

test('other characters, spaces and non-ASCII are untouched', () => {
  assert.equal(escapeWifiValue("it's a café! #1 'x' $&"), "it's a café! #1 'x' $&");
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appleMobileconfig, profileIdentifier, windowsWlanProfile, xmlEscape } from './profiles.js';

const input = {
  ssid: `Café & <"Guest"> 'n'`,
  passphrase: `a&b<c>d"e'f g`,
  displayName: 'Harbour & Co',
  identifier: 'test.lanyard.member.ssid',
};

describe('WiFi profiles', () => {
  it('escapes the five XML special characters and drops characters XML cannot carry', () => {
    assert.equal(xmlEscape(`& < > " '`), '&amp; &lt; &gt; &quot; &apos;');
    assert.equal(xmlEscape('a\u0000b\u0008c\td'), 'abc\td');
  });

  it('writes no unescaped value into either profile', () => {
    for (const body of [appleMobileconfig(input), windowsWlanProfile(input)]) {
      assert.ok(!body.includes(input.passphrase));
      assert.ok(!body.includes(input.ssid));
      assert.ok(body.includes('a&amp;b&lt;c&gt;d&quot;e&apos;f g'));
      assert.ok(body.includes('Café &amp; &lt;&quot;Guest&quot;&gt; &apos;n&apos;'));
    }
  });

  it('gives each Apple profile fresh payload UUIDs and a stable identifier', () => {
    const uuids = (s: string) =>
      [...s.matchAll(/<key>PayloadUUID<\/key>\s*<string>([^<]+)</g)].map((m) => m[1]);
    const a = uuids(appleMobileconfig(input));
    const b = uuids(appleMobileconfig(input));
    assert.equal(a.length, 2);
    assert.notDeepEqual(a, b);
    assert.equal(
      profileIdentifier('https://wifi.example.com', 'm1', 'x'),
      profileIdentifier('https://wifi.example.com', 'm1', 'x'),
    );
    assert.match(
      profileIdentifier('https://wifi.example.com', 'm1', 'x'),
      /^com\.example\.wifi\.lanyard\.m1\./,
    );
  });

  it('names the SSID in hex (UTF-8) in the Windows profile', () => {
    const body = windowsWlanProfile(input);
    assert.ok(body.includes(`<hex>${Buffer.from(input.ssid, 'utf8').toString('hex').toUpperCase()}</hex>`));
  });
});

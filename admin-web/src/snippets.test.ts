import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSnippet, radiusServerFrom, VENDORS, type Vendor } from './snippets';

const base = { server: 'radius.example.net', secret: 'S3cr3t-"quoted"', coaPort: 3799, ssid: 'Members' };

test('every vendor snippet names the server, both ports, the secret and the CoA port', () => {
  for (const vendor of VENDORS) {
    const { body } = configSnippet({ ...base, vendor, coaPort: 1700 });
    assert.ok(body.includes('radius.example.net'), vendor);
    assert.ok(body.includes('1812'), `${vendor}: auth port`);
    assert.ok(body.includes('1813'), `${vendor}: acct port`);
    assert.ok(body.includes('1700'), `${vendor}: CoA port`);
    assert.ok(body.includes('S3cr3t'), `${vendor}: secret`);
  }
});

test('the vendor’s per-user PSK setting is in its snippet', () => {
  const expect: Record<Vendor, string> = {
    hostapd: 'wpa_psk_radius=3',
    mikrotik: 'Mikrotik-Wireless-PSK',
    unifi: 'RADIUS MAC Authentication',
    meraki: 'Identity PSK with RADIUS',
    aruba: 'mpsk',
    ruckus: 'External DPSK',
    cisco: 'mac-filtering',
    omada: 'PPSK with RADIUS',
    generic: 'Message-Authenticator',
  };
  for (const vendor of VENDORS)
    assert.ok(configSnippet({ ...base, vendor }).body.includes(expect[vendor]), vendor);
});

test('custom ports and quoting for command lines', () => {
  const m = configSnippet({ ...base, vendor: 'mikrotik', authPort: 11812, acctPort: 11813 }).body;
  assert.ok(m.includes('authentication-port=11812 accounting-port=11813'));
  assert.ok(m.includes('secret="S3cr3t-\\"quoted\\""'), m);
  const h = configSnippet({ ...base, vendor: 'hostapd' }).body;
  assert.ok(h.includes('auth_server_shared_secret=S3cr3t-"quoted"'));
  assert.ok(h.includes('radius_das_port=3799'));
});

test('server address from PUBLIC_URL, else the page', () => {
  assert.equal(
    radiusServerFrom({ hostname: 'localhost' }, 'https://wifi.example.com:8443/x'),
    'wifi.example.com',
  );
  assert.equal(radiusServerFrom({ hostname: 'admin.local' }, null), 'admin.local');
  assert.equal(radiusServerFrom({ hostname: 'admin.local' }, 'not a url'), 'admin.local');
});

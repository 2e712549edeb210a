import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attr, Code, parsePacket, Vendor, VendorAttr } from './packet.js';
import { PacketBuilder, encodeRequest, encodeResponse } from './builder.js';
import { describe as describePacket, Dictionary, loadDictionary, parseDictionaryText } from './dictionary.js';
import { RFC2865_REQUEST, assemble, hex } from './test-support/vectors.js';

/**
 * What the dictionaries must say, typed in from docs (reference/radius.md §2, §3.5, §3.7–§3.9,
 * §4; RFCs for the standard space), not generated from the files. Format:
 * name, vendor (0 = standard), number path, type, flags.
 */
const EXPECTED: Array<[string, number, string, string, string?]> = [
  // RFC 2865 / 2866 / 2868 / 2869 / 3162 / 3579 / 4372 / 5176 / 6929 / 7268
  ['User-Name', 0, '1', 'string'],
  ['User-Password', 0, '2', 'string', 'encrypt=1'],
  ['CHAP-Password', 0, '3', 'octets'],
  ['NAS-IP-Address', 0, '4', 'ipaddr'],
  ['NAS-Port', 0, '5', 'integer'],
  ['Service-Type', 0, '6', 'integer'],
  ['Framed-Protocol', 0, '7', 'integer'],
  ['Framed-IP-Address', 0, '8', 'ipaddr'],
  ['Filter-Id', 0, '11', 'string'],
  ['Framed-MTU', 0, '12', 'integer'],
  ['Reply-Message', 0, '18', 'string'],
  ['State', 0, '24', 'octets'],
  ['Class', 0, '25', 'octets'],
  ['Vendor-Specific', 0, '26', 'octets'],
  ['Session-Timeout', 0, '27', 'integer'],
  ['Idle-Timeout', 0, '28', 'integer'],
  ['Termination-Action', 0, '29', 'integer'],
  ['Called-Station-Id', 0, '30', 'string'],
  ['Calling-Station-Id', 0, '31', 'string'],
  ['NAS-Identifier', 0, '32', 'string'],
  ['Proxy-State', 0, '33', 'octets'],
  ['Acct-Status-Type', 0, '40', 'integer'],
  ['Acct-Delay-Time', 0, '41', 'integer'],
  ['Acct-Input-Octets', 0, '42', 'integer'],
  ['Acct-Output-Octets', 0, '43', 'integer'],
  ['Acct-Session-Id', 0, '44', 'string'],
  ['Acct-Authentic', 0, '45', 'integer'],
  ['Acct-Session-Time', 0, '46', 'integer'],
  ['Acct-Input-Packets', 0, '47', 'integer'],
  ['Acct-Output-Packets', 0, '48', 'integer'],
  ['Acct-Terminate-Cause', 0, '49', 'integer'],
  ['Acct-Multi-Session-Id', 0, '50', 'string'],
  ['Acct-Input-Gigawords', 0, '52', 'integer'],
  ['Acct-Output-Gigawords', 0, '53', 'integer'],
  ['Event-Timestamp', 0, '55', 'date'],
  ['CHAP-Challenge', 0, '60', 'octets'],
  ['NAS-Port-Type', 0, '61', 'integer'],
  ['Tunnel-Type', 0, '64', 'integer', 'has_tag'],
  ['Tunnel-Medium-Type', 0, '65', 'integer', 'has_tag'],
  ['Tunnel-Password', 0, '69', 'string', 'has_tag,encrypt=2'],
  ['Connect-Info', 0, '77', 'string'],
  ['EAP-Message', 0, '79', 'octets'],
  ['Message-Authenticator', 0, '80', 'octets'],
  ['Tunnel-Private-Group-Id', 0, '81', 'string', 'has_tag'],
  ['Acct-Interim-Interval', 0, '85', 'integer'],
  ['NAS-Port-Id', 0, '87', 'string'],
  ['Chargeable-User-Identity', 0, '89', 'octets'],
  ['NAS-IPv6-Address', 0, '95', 'ipv6addr'],
  ['Error-Cause', 0, '101', 'integer'],
  ['WLAN-AKM-Suite', 0, '188', 'integer'],
  ['Extended-Attribute-1', 0, '241', 'extended'],
  ['Extended-Attribute-2', 0, '242', 'extended'],
  ['Extended-Attribute-3', 0, '243', 'extended'],
  ['Extended-Attribute-4', 0, '244', 'extended'],
  ['Extended-Attribute-5', 0, '245', 'long-extended'],
  ['Extended-Attribute-6', 0, '246', 'long-extended'],
  ['Extended-Vendor-Specific-1', 0, '241.26', 'evs'],
  ['Extended-Vendor-Specific-2', 0, '242.26', 'evs'],
  ['Extended-Vendor-Specific-3', 0, '243.26', 'evs'],
  ['Extended-Vendor-Specific-4', 0, '244.26', 'evs'],
  ['Extended-Vendor-Specific-5', 0, '245.26', 'evs'],
  ['Extended-Vendor-Specific-6', 0, '246.26', 'evs'],
  // Cisco 9
  ['Cisco-AVPair', 9, '1', 'string'],
  // Microsoft 311 (RFC 2548)
  ['MS-CHAP-Error', 311, '2', 'string'],
  ['MS-CHAP-Challenge', 311, '11', 'octets'],
  ['MS-MPPE-Send-Key', 311, '16', 'octets', 'encrypt=2'],
  ['MS-MPPE-Recv-Key', 311, '17', 'octets', 'encrypt=2'],
  ['MS-CHAP2-Response', 311, '25', 'octets'],
  ['MS-CHAP2-Success', 311, '26', 'octets'],
  // Aruba 14823
  ['Aruba-User-Role', 14823, '1', 'string'],
  ['Aruba-User-Vlan', 14823, '2', 'integer'],
  ['Aruba-Named-User-Vlan', 14823, '9', 'string'],
  ['Aruba-MPSK-Passphrase', 14823, '44', 'octets', 'encrypt=2'],
  ['Aruba-MPSK-Key-Name', 14823, '62', 'string'],
  ['Aruba-MPSK-Lookup-Info', 14823, '66', 'string', 'encrypt=1'],
  // WISPr 14122
  ['WISPr-Bandwidth-Min-Up', 14122, '5', 'integer'],
  ['WISPr-Bandwidth-Min-Down', 14122, '6', 'integer'],
  ['WISPr-Bandwidth-Max-Up', 14122, '7', 'integer'],
  ['WISPr-Bandwidth-Max-Down', 14122, '8', 'integer'],
  ['WISPr-Session-Terminate-Time', 14122, '9', 'string'],
  // MikroTik 14988
  ['Mikrotik-Rate-Limit', 14988, '8', 'string'],
  ['Mikrotik-Wireless-PSK', 14988, '16', 'string'],
  ['Mikrotik-Address-List', 14988, '19', 'string'],
  ['Mikrotik-Wireless-VLANID', 14988, '26', 'integer'],
  ['Mikrotik-Wireless-VLANID-Type', 14988, '27', 'integer'],
  // Ruckus 25053
  ['Ruckus-SSID', 25053, '3', 'string'],
  ['Ruckus-VLAN-ID', 25053, '9', 'integer'],
  ['Ruckus-BSSID', 25053, '14', 'octets'],
  ['Ruckus-Wlan-Name', 25053, '135', 'string'],
  ['Ruckus-Dpsk', 25053, '142', 'octets'],
  ['Ruckus-DPSK-Params', 25053, '153', 'tlv'],
  ['Ruckus-DPSK-AKM-Suite', 25053, '153.1', 'octets'],
  ['Ruckus-DPSK-Cipher', 25053, '153.2', 'byte'],
  ['Ruckus-DPSK-Anonce', 25053, '153.3', 'octets'],
  ['Ruckus-DPSK-EAPOL-Key-Frame', 25053, '153.4', 'octets'],
  ['Ruckus-Vlan-Name', 25053, '157', 'string'],
  // Meraki 29671
  ['Meraki-Device-Name', 29671, '1', 'string'],
  ['Meraki-Network-Name', 29671, '2', 'string'],
  ['Meraki-Ap-Name', 29671, '3', 'string'],
  ['Meraki-Ap-Tags', 29671, '4', 'string'],
  // Ubiquiti 41112
  ['UBNT-Data-Rate-DL', 41112, '1', 'integer64'],
  ['UBNT-Data-Rate-DL-Burst', 41112, '2', 'integer64'],
  ['UBNT-Data-Rate-UL', 41112, '3', 'integer64'],
  ['UBNT-Data-Rate-UL-Burst', 41112, '4', 'integer64'],
  ['UBNT-Tunnel-Password-Entry', 41112, '5', 'tlv'],
  ['UBNT-Tunnel-Password-Entry-Password', 41112, '5.2', 'string', 'encrypt=2'],
  ['UBNT-Tunnel-Password-Entry-Keyid', 41112, '5.3', 'string', 'encrypt=2'],
  ['UBNT-Station-Keyid', 41112, '6', 'string', 'encrypt=2'],
  // TP-Link 11863
  ['TPLink-Recv-Limit', 11863, '1', 'integer'],
  ['TPLink-Xmit-Limit', 11863, '2', 'integer'],
  ['TPLink-Authentication-FindKey', 11863, '3', 'tlv'],
  ['TPLink-FindKey-EAPOL-Frame', 11863, '3.1', 'octets'],
  ['TPLink-FindKey-Anonce', 11863, '3.2', 'octets'],
  ['TPLink-FindKey-SSID', 11863, '3.3', 'string'],
  ['TPLink-FindKey-AP-MAC', 11863, '3.4', 'octets'],
  ['TPLink-FindKey-BSSID', 11863, '3.6', 'octets'],
  ['TPLink-Authentication-FoundKey', 11863, '4', 'octets'],
  // FreeRADIUS 11344 in Extended-Vendor-Specific-5
  ['FreeRADIUS-802_1X-Anonce', 11344, '1', 'octets', 'evs=245'],
  ['FreeRADIUS-802_1X-EAPoL-Key-Msg', 11344, '2', 'octets', 'evs=245'],
];

describe('shipped dictionaries', () => {
  const dict = loadDictionary();

  for (const [name, vendorId, path, type, flags = ''] of EXPECTED) {
    it(`${name} = ${vendorId ? `${vendorId}/` : ''}${path} ${type} ${flags}`.trim(), () => {
      const a = dict.get(name);
      assert.ok(a, `${name} missing`);
      assert.equal(a.vendorId, vendorId);
      assert.equal(a.path.join('.'), path);
      assert.equal(a.dataType, type);
      const f = new Set(flags.split(',').filter(Boolean));
      assert.equal(a.hasTag, f.has('has_tag'));
      assert.equal(a.encrypt, f.has('encrypt=2') ? 2 : f.has('encrypt=1') ? 1 : 0);
      assert.equal(a.evs, f.has('evs=245') ? 245 : undefined);
    });
  }

  it('contains nothing the table above does not list', () => {
    const listed = new Set(EXPECTED.map((e) => e[0]));
    const extra = [...dict.attributes()].map((a) => a.name).filter((n) => !listed.has(n));
    assert.deepEqual(extra, []);
  });

  it('the brief’s key numbers', () => {
    const n = (name: string): string => {
      const a = dict.get(name)!;
      return `${a.vendorId}/${a.path.join('.')}`;
    };
    assert.equal(n('Aruba-MPSK-Passphrase'), '14823/44');
    assert.equal(n('Mikrotik-Wireless-PSK'), '14988/16');
    assert.equal(n('Mikrotik-Rate-Limit'), '14988/8');
    assert.equal(n('Ruckus-DPSK-Params'), '25053/153');
    assert.deepEqual(
      [
        'Ruckus-DPSK-AKM-Suite',
        'Ruckus-DPSK-Cipher',
        'Ruckus-DPSK-Anonce',
        'Ruckus-DPSK-EAPOL-Key-Frame',
      ].map(n),
      ['25053/153.1', '25053/153.2', '25053/153.3', '25053/153.4'],
    );
    assert.equal(n('MS-MPPE-Recv-Key'), '311/17');
    assert.equal(n('WISPr-Bandwidth-Max-Up'), '14122/7');
    assert.equal(n('WISPr-Bandwidth-Max-Down'), '14122/8');
    assert.equal(n('Cisco-AVPair'), '9/1');
    assert.equal(n('UBNT-Tunnel-Password-Entry'), '41112/5');
    assert.equal(n('FreeRADIUS-802_1X-Anonce'), '11344/1');
    assert.equal(n('FreeRADIUS-802_1X-EAPoL-Key-Msg'), '11344/2');
  });

  it('vendors match the Vendor constants', () => {
    const names: Record<keyof typeof Vendor, string> = {
      Cisco: 'Cisco',
      Microsoft: 'Microsoft',
      Aruba: 'Aruba',
      Wispr: 'WISPr',
      Mikrotik: 'Mikrotik',
      FreeRadius: 'FreeRADIUS',
      Ruckus: 'Ruckus',
      Meraki: 'Meraki',
      Ubnt: 'UBNT',
      TpLink: 'TPLink',
    };
    for (const [k, name] of Object.entries(names)) {
      assert.equal(dict.vendorsByName.get(name), Vendor[k as keyof typeof Vendor], name);
    }
  });

  it('every Attr constant has the number of its dictionary attribute', () => {
    const toName = (k: string): string =>
      ({
        NasIpAddress: 'NAS-IP-Address',
        NasPort: 'NAS-Port',
        NasIdentifier: 'NAS-Identifier',
        NasPortType: 'NAS-Port-Type',
        NasPortId: 'NAS-Port-Id',
        NasIpv6Address: 'NAS-IPv6-Address',
        FramedIpAddress: 'Framed-IP-Address',
        FramedMtu: 'Framed-MTU',
        ChapPassword: 'CHAP-Password',
        ChapChallenge: 'CHAP-Challenge',
        EapMessage: 'EAP-Message',
        WlanAkmSuite: 'WLAN-AKM-Suite',
        TunnelPrivateGroupId: 'Tunnel-Private-Group-Id',
      })[k] ?? k.replace(/([a-z])([A-Z0-9])/g, '$1-$2');
    for (const [k, num] of Object.entries(Attr)) {
      const a = dict.get(toName(k));
      assert.ok(a, `no dictionary attribute for Attr.${k} (${toName(k)})`);
      assert.deepEqual(a.path, [num], k);
    }
  });

  it('has every vendor attribute the worker uses, under the same numbers', () => {
    for (const [name, [vendorId, type]] of Object.entries(VendorAttr)) {
      const attr = dict.get(name);
      assert.ok(attr, `no dictionary attribute ${name}`);
      assert.equal(attr.vendorId, vendorId, name);
      assert.deepEqual(attr.path, [type], name);
    }
  });

  it('has the VALUE names the worker logs', () => {
    assert.equal(dict.get('Tunnel-Type')!.values.get(13), 'VLAN');
    assert.equal(dict.get('Tunnel-Medium-Type')!.values.get(6), 'IEEE-802');
    assert.equal(dict.get('Acct-Status-Type')!.values.get(3), 'Interim-Update');
    assert.equal(dict.get('Error-Cause')!.values.get(503), 'Session-Context-Not-Found');
    assert.equal(dict.get('Ruckus-DPSK-Cipher')!.values.get(4), 'CCMP');
  });

  it('is cached per path', () => assert.equal(loadDictionary(), dict));
});

describe('dictionary parser', () => {
  it('reads vendors, TLVs (absolute and relative numbers), flags, EVS blocks, VALUEs and $INCLUDE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanyard-dict-'));
    writeFileSync(
      join(dir, 'dictionary.acme'),
      [
        'VENDOR Acme 4242',
        'BEGIN-VENDOR Acme',
        'ATTRIBUTE Acme-Box 7 tlv',
        'ATTRIBUTE Acme-Box-A .1 string encrypt=2',
        'ATTRIBUTE Acme-Box-B 7.2 integer',
        'ATTRIBUTE Acme-Tagged 8 integer has_tag',
        'VALUE Acme-Box-B Big 2',
        'END-VENDOR Acme',
        'BEGIN-VENDOR Acme format=Extended-Vendor-Specific-5',
        'ATTRIBUTE Acme-Evs 1 octets[32]',
        'END-VENDOR Acme',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'dictionary'),
      '# index\n$INCLUDE dictionary.acme\n$INCLUDE- dictionary.missing\n',
    );
    const d = loadDictionary(join(dir, 'dictionary'));
    assert.deepEqual(d.get('Acme-Box-A')!.path, [7, 1]);
    assert.equal(d.get('Acme-Box-A')!.encrypt, 2);
    assert.deepEqual(d.find(4242, [7, 2])!.name, 'Acme-Box-B');
    assert.equal(d.get('Acme-Box-B')!.values.get(2), 'Big');
    assert.equal(d.get('Acme-Tagged')!.hasTag, true);
    assert.equal(d.get('Acme-Evs')!.evs, 245);
    assert.equal(d.get('Acme-Evs')!.dataType, 'octets');
    assert.equal(d.find(4242, [1], 245)!.name, 'Acme-Evs');
    assert.equal(d.find(4242, [1]), undefined);
  });

  const bad: Array<[string, string]> = [
    ['unknown keyword', 'FOO bar'],
    ['attribute without type', 'ATTRIBUTE X 1'],
    ['number out of range', 'ATTRIBUTE X 300 string'],
    ['relative number without tlv parent', 'ATTRIBUTE X .1 string'],
    ['BEGIN-VENDOR of unknown vendor', 'BEGIN-VENDOR Nope'],
    ['VALUE of unknown attribute', 'VALUE Nope Foo 1'],
    ['duplicate name', 'ATTRIBUTE X 1 string\nATTRIBUTE X 2 string'],
    ['duplicate number', 'ATTRIBUTE X 1 string\nATTRIBUTE Y 1 string'],
    ['bad encrypt flag', 'ATTRIBUTE X 1 string encrypt=9'],
  ];
  for (const [name, text] of bad) {
    it(`rejects ${name} with file:line`, () => {
      assert.throws(() => parseDictionaryText(text, 'test.dict', new Dictionary()), /test\.dict:\d+/);
    });
  }
});

describe('describe()', () => {
  const secret = Buffer.from('s3cret');

  it('names standard attributes, formats types, hides User-Password', () => {
    const lines = describePacket(parsePacket(RFC2865_REQUEST));
    assert.deepEqual(lines, [
      { name: 'User-Name', value: 'nemo' },
      { name: 'User-Password', value: '[encrypted]' },
      { name: 'NAS-IP-Address', value: '192.168.1.16' },
      { name: 'NAS-Port', value: '3' },
    ]);
  });

  it('expands a typical Accept: tags, VALUE names, VSAs, TLVs, salted values hidden', () => {
    const req = parsePacket(
      encodeRequest(Code.AccessRequest, 1, new PacketBuilder().add(Attr.UserName, 'u'), secret),
    );
    const b = new PacketBuilder()
      .addTagged(Attr.TunnelType, 0, 13)
      .addTagged(Attr.TunnelMediumType, 0, 6)
      .addTagged(Attr.TunnelPrivateGroupId, 0, '120')
      .addTunnelPassword(0, 'secret passphrase', secret, req.authenticator)
      .add(Attr.SessionTimeout, 3600)
      .add(Attr.EventTimestamp, 1_700_000_000)
      .addVsa(Vendor.Mikrotik, 8, '10M/20M')
      .addSaltedVsa(Vendor.Microsoft, 17, Buffer.alloc(32), secret, req.authenticator)
      .addVsaTlv(Vendor.Ruckus, 153, [
        [2, Buffer.from([4])],
        [3, Buffer.alloc(2, 0xaa)],
      ])
      .addVsaTlv(Vendor.Ubnt, 5, [[2, 'pw']], { secret, requestAuthenticator: req.authenticator, types: [2] })
      .addVsa(Vendor.Ubnt, 1, Buffer.from('0000000000002710', 'hex'))
      .addVsa(4321, 9, 'x')
      .add(200, hex('0102'));
    const lines = describePacket(parsePacket(encodeResponse(req, Code.AccessAccept, b, secret)));
    assert.equal(lines[0]!.name, 'Message-Authenticator');
    assert.deepEqual(lines.slice(1), [
      { name: 'Tunnel-Type:0', value: 'VLAN' },
      { name: 'Tunnel-Medium-Type:0', value: 'IEEE-802' },
      { name: 'Tunnel-Private-Group-Id:0', value: '120' },
      { name: 'Tunnel-Password:0', value: '[encrypted]' },
      { name: 'Session-Timeout', value: '3600' },
      { name: 'Event-Timestamp', value: '2023-11-14T22:13:20.000Z' },
      { name: 'Mikrotik-Rate-Limit', value: '10M/20M' },
      { name: 'MS-MPPE-Recv-Key', value: '[encrypted]' },
      { name: 'Ruckus-DPSK-Cipher', value: 'CCMP' },
      { name: 'Ruckus-DPSK-Anonce', value: '0xaaaa' },
      { name: 'UBNT-Tunnel-Password-Entry-Password', value: '[encrypted]' },
      { name: 'UBNT-Data-Rate-DL', value: '10000' },
      { name: 'Attr-26.4321.9', value: '0x78' },
      { name: 'Attr-200', value: '0x0102' },
    ]);
  });

  it('joins long-extended fragments and names EVS5 attributes', () => {
    const b = new PacketBuilder()
      .addEvs(245, Vendor.FreeRadius, 1, Buffer.alloc(32, 0xaa))
      .addEvs(245, Vendor.FreeRadius, 2, Buffer.alloc(300, 0x01))
      .addExtended(241, 1, Buffer.from('x'));
    const lines = describePacket(
      parsePacket(encodeRequest(Code.AccessRequest, 1, b, secret, { messageAuthenticator: false })),
    );
    assert.deepEqual(lines, [
      { name: 'FreeRADIUS-802_1X-Anonce', value: '0x' + 'aa'.repeat(32) },
      { name: 'FreeRADIUS-802_1X-EAPoL-Key-Msg', value: '0x' + '01'.repeat(300) },
      { name: 'Attr-241.1', value: '0x78' },
    ]);
  });

  it('shows malformed VSAs, TLVs and odd lengths as hex instead of throwing', () => {
    const attrs = hex(`
      1a07 0000000901
      1a0c 000061dd 9906 0109 6162
      1b03 01
      0403 01
      f503 1a
    `);
    const lines = describePacket(parsePacket(assemble(Code.AccessRequest, 1, Buffer.alloc(16), attrs)));
    assert.deepEqual(lines, [
      { name: 'Vendor-Specific(9)', value: '0x01' },
      { name: 'Ruckus-DPSK-Params', value: '0x01096162' },
      { name: 'Session-Timeout', value: '0x01' },
      { name: 'NAS-IP-Address', value: '0x01' },
      { name: 'Attr-245', value: '0x1a' },
    ]);
  });
});

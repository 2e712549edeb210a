import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attr,
  Code,
  CodecError,
  getAllExtended,
  getAllVsas,
  getAttr,
  getAttrs,
  getEapMessage,
  getExtended,
  getInt,
  getString,
  getVsas,
  macFromAttribute,
  malformedCounts,
  parseCalledStationId,
  parsePacket,
  parseTlvs,
  Vendor,
  type CodecErrorCode,
} from './packet.js';
import { PacketBuilder, encodeRequest } from './builder.js';
import { verifyMessageAuthenticator } from './crypto.js';
import { RFC2865_REQUEST, assemble, hex, hostapdBuggyLongExtended } from './test-support/vectors.js';

const AUTH = hex('0f403f9473978057bd83d5cb98f4227a');
const SECRET = Buffer.from('testing123');

const throwsCodec = (fn: () => unknown, code: CodecErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof CodecError && e.code === code);

describe('parsePacket: well-formed packets', () => {
  it('reads the RFC 2865 §7.1 Access-Request', () => {
    const p = parsePacket(RFC2865_REQUEST);
    assert.equal(p.code, Code.AccessRequest);
    assert.equal(p.identifier, 0);
    assert.deepEqual(p.authenticator, AUTH);
    assert.deepEqual(
      p.attributes.map((a) => [a.type, a.value.toString('hex')]),
      [
        [1, '6e656d6f'],
        [2, '0dbe708d93d413ce3196e43f782a0aee'],
        [4, 'c0a80110'],
        [5, '00000003'],
      ],
    );
    assert.equal(getString(p, Attr.UserName), 'nemo');
    assert.equal(getInt(p, Attr.NasPort), 3);
    assert.equal(p.raw.length, 56);
  });

  const table: Array<{ name: string; bytes: Buffer; code: number; attrs: Array<[number, string]> }> = [
    {
      name: 'no attributes',
      bytes: assemble(Code.StatusServer, 9, AUTH, Buffer.alloc(0)),
      code: 12,
      attrs: [],
    },
    {
      name: 'empty attribute (length 2)',
      bytes: assemble(Code.AccessRequest, 1, AUTH, hex('1e02 0105616263')),
      code: 1,
      attrs: [
        [30, ''],
        [1, '616263'],
      ],
    },
    {
      name: 'attribute of 253 bytes',
      bytes: assemble(Code.AccessRequest, 1, AUTH, Buffer.concat([hex('19ff'), Buffer.alloc(253, 7)])),
      code: 1,
      attrs: [[25, '07'.repeat(253)]],
    },
    {
      name: 'accounting request with repeated Class',
      bytes: assemble(Code.AccountingRequest, 200, AUTH, hex('2806 00000003 1903 aa 1904 bbcc')),
      code: 4,
      attrs: [
        [40, '00000003'],
        [25, 'aa'],
        [25, 'bbcc'],
      ],
    },
  ];
  for (const t of table) {
    it(`parses ${t.name}`, () => {
      const p = parsePacket(t.bytes);
      assert.equal(p.code, t.code);
      assert.deepEqual(
        p.attributes.map((a) => [a.type, a.value.toString('hex')]),
        t.attrs,
      );
    });
  }

  it('ignores bytes after the length field (RFC 2865 §3 padding)', () => {
    const padded = Buffer.concat([RFC2865_REQUEST, Buffer.from([1, 2, 3, 0xff, 0])]);
    const p = parsePacket(padded);
    assert.equal(p.raw.length, 56);
    assert.equal(p.attributes.length, 4);
  });

  it('accepts exactly 4096 bytes', () => {
    const attrs: Buffer[] = [];
    let left = 4096 - 20;
    while (left > 0) {
      const n = Math.min(255, left);
      attrs.push(Buffer.concat([Buffer.from([25, n]), Buffer.alloc(n - 2)]));
      left -= n;
    }
    const p = parsePacket(assemble(Code.AccessRequest, 1, AUTH, Buffer.concat(attrs)));
    assert.equal(p.raw.length, 4096);
  });

  it('values are views into the packet, not copies', () => {
    const p = parsePacket(RFC2865_REQUEST);
    assert.equal(p.attributes[0]!.value.buffer, RFC2865_REQUEST.buffer);
  });
});

describe('parsePacket: malformed packets throw CodecError', () => {
  const cases: Array<{ name: string; bytes: Buffer; code: CodecErrorCode }> = [
    { name: 'empty datagram', bytes: Buffer.alloc(0), code: 'TOO_SHORT' },
    { name: 'truncated header (19 bytes)', bytes: RFC2865_REQUEST.subarray(0, 19), code: 'TOO_SHORT' },
    { name: 'datagram over 4096 bytes', bytes: Buffer.alloc(4097, 1), code: 'TOO_LONG' },
    {
      name: 'length field > datagram',
      bytes: (() => {
        const b = Buffer.from(RFC2865_REQUEST);
        b.writeUInt16BE(57, 2);
        return b;
      })(),
      code: 'BAD_LENGTH',
    },
    {
      name: 'length field < 20',
      bytes: (() => {
        const b = Buffer.from(RFC2865_REQUEST);
        b.writeUInt16BE(19, 2);
        return b;
      })(),
      code: 'BAD_LENGTH',
    },
    {
      name: 'length field cuts the datagram mid-attribute',
      bytes: (() => {
        const b = Buffer.from(RFC2865_REQUEST);
        b.writeUInt16BE(48, 2);
        return b;
      })(),
      code: 'BAD_ATTRIBUTE',
    },
    { name: 'unknown code 99', bytes: assemble(99, 1, AUTH, Buffer.alloc(0)), code: 'UNKNOWN_CODE' },
    { name: 'code 0', bytes: assemble(0, 1, AUTH, Buffer.alloc(0)), code: 'UNKNOWN_CODE' },
    { name: 'attribute length 0', bytes: assemble(1, 1, AUTH, hex('0100 0000')), code: 'BAD_ATTRIBUTE' },
    { name: 'attribute length 1', bytes: assemble(1, 1, AUTH, hex('0101 0000')), code: 'BAD_ATTRIBUTE' },
    {
      name: 'attribute overflowing the packet',
      bytes: assemble(1, 1, AUTH, hex('0108 616263')),
      code: 'BAD_ATTRIBUTE',
    },
    {
      name: 'single trailing byte',
      bytes: assemble(1, 1, AUTH, hex('0105 616263 01')),
      code: 'BAD_ATTRIBUTE',
    },
  ];
  for (const c of cases) {
    it(c.name, () => throwsCodec(() => parsePacket(c.bytes), c.code));
  }

  it('a non-buffer is TOO_SHORT, not a TypeError', () => {
    throwsCodec(() => parsePacket('abc' as unknown as Buffer), 'TOO_SHORT');
  });
});

describe('attribute getters', () => {
  const bytes = assemble(
    Code.AccountingRequest,
    1,
    AUTH,
    hex(`
      0107 626f623132
      2806 00000002
      2c05 616263
      2c05 646566
      1b05 010203
      4f05 010203
      4f04 0405`),
  );
  const p = parsePacket(bytes);

  it('getAttr returns the first, getAttrs all in order', () => {
    assert.equal(getAttr(p, Attr.AcctSessionId)!.toString(), 'abc');
    assert.deepEqual(
      getAttrs(p, Attr.AcctSessionId).map((b) => b.toString()),
      ['abc', 'def'],
    );
    assert.equal(getAttr(p, Attr.Class), undefined);
    assert.deepEqual(getAttrs(p, Attr.Class), []);
  });

  it('getInt reads uint32 and refuses other lengths', () => {
    assert.equal(getInt(p, Attr.AcctStatusType), 2);
    assert.equal(getInt(p, Attr.SessionTimeout), undefined); // 3 bytes
    assert.equal(getInt(p, Attr.IdleTimeout), undefined); // absent
  });

  it('getString decodes UTF-8', () => {
    assert.equal(getString(p, Attr.UserName), 'bob12');
    const cafe = Buffer.from('café!', 'utf8');
    const q = parsePacket(assemble(1, 1, AUTH, Buffer.concat([Buffer.from([1, 2 + cafe.length]), cafe])));
    assert.equal(getString(q, Attr.UserName), 'café!');
  });

  it('getEapMessage concatenates EAP-Message fragments', () => {
    assert.deepEqual(getEapMessage(p), hex('0102030405'));
    assert.equal(getEapMessage(parsePacket(RFC2865_REQUEST)), undefined);
  });
});

describe('vendor-specific attributes', () => {
  const vsas = hex(`
    1a0c 00003a8c 1006 70736b31
    1a10 00003a8c 0806 31304d2f 1a04 6162
    1a0c 00000009 0106 61626364
    1a0c 00003a8c 1006 70736b32`);
  const p = parsePacket(assemble(Code.AccessAccept, 1, AUTH, vsas));

  it('getVsas collects one vendor type from every Vendor-Specific attribute', () => {
    assert.deepEqual(
      getVsas(p, Vendor.Mikrotik, 16).map((b) => b.toString()),
      ['psk1', 'psk2'],
    );
    assert.deepEqual(
      getVsas(p, Vendor.Mikrotik, 8).map((b) => b.toString()),
      ['10M/'],
    );
    assert.deepEqual(
      getVsas(p, Vendor.Mikrotik, 26).map((b) => b.toString()),
      ['ab'],
    );
    assert.deepEqual(
      getVsas(p, Vendor.Cisco, 1).map((b) => b.toString()),
      ['abcd'],
    );
    assert.deepEqual(getVsas(p, Vendor.Aruba, 44), []);
  });

  it('getAllVsas lists every sub-attribute in order', () => {
    assert.deepEqual(
      getAllVsas(p).map((v) => [v.vendorId, v.vendorType, v.value.toString()]),
      [
        [14988, 16, 'psk1'],
        [14988, 8, '10M/'],
        [14988, 26, 'ab'],
        [9, 1, 'abcd'],
        [14988, 16, 'psk2'],
      ],
    );
  });

  it('skips malformed VSAs and counts them, keeping well-formed ones', () => {
    const bad = hex(`
      1a05 000000
      1a09 00003a8c 1000 61
      1a0b 00003a8c 1003 61 1009
      1a0c 00003a8c 1006 676f6f64`);
    const q = parsePacket(assemble(Code.AccessRequest, 1, AUTH, bad));
    const before = malformedCounts.vsa;
    assert.deepEqual(
      getVsas(q, Vendor.Mikrotik, 16).map((b) => b.toString()),
      ['a', 'good'],
    );
    assert.equal(malformedCounts.vsa - before, 3);
  });
});

describe('extended attributes (RFC 6929)', () => {
  const anonce = Buffer.alloc(32, 0xaa);

  it('decodes the hostapd/FreeRADIUS EVS5 Anonce example f5 29 1a 00 00 00 2c 50 01 <32 bytes>', () => {
    const attr = Buffer.concat([hex('f5 29 1a 00 00 00 2c 50 01'), anonce]);
    const p = parsePacket(assemble(Code.AccessRequest, 3, AUTH, attr));
    assert.deepEqual(getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 1 }), anonce);
    assert.equal(getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 2 }), undefined);
    assert.equal(getExtended(p, 245, 26, { vendorId: Vendor.Ruckus, vendorType: 1 }), undefined);
    assert.deepEqual(getExtended(p, 245, 26), Buffer.concat([hex('00002c5001'), anonce]));
    assert.equal(getExtended(p, 246, 26), undefined);
  });

  it('reassembles long-extended fragments (M flag) in the FreeRADIUS layout', () => {
    // 5-byte EVS header + 250 bytes → fragments of 251 and 4 data bytes.
    const msg = Buffer.concat([Buffer.alloc(205, 0xbb), Buffer.alloc(45, 0xaa)]);
    const wire = Buffer.concat([
      hex('f5 ff 1a 80 00 00 2c 50 02'),
      msg.subarray(0, 246),
      hex('f5 08 1a 00'),
      msg.subarray(246),
    ]);
    assert.equal(wire.length, 255 + 8);
    const p = parsePacket(assemble(Code.AccessRequest, 3, AUTH, wire));
    assert.deepEqual(getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 2 }), msg);
    // Our builder produces exactly those bytes.
    const b = new PacketBuilder().addEvs(245, Vendor.FreeRadius, 2, msg);
    const encoded = Buffer.concat(
      b.attributes.map((a) => Buffer.concat([Buffer.from([a.type, a.value.length + 2]), a.value])),
    );
    assert.deepEqual(encoded, wire);
  });

  it('reassembles three fragments and keeps other attributes around them', () => {
    const eapol = Buffer.from(Array.from({ length: 600 }, (_, i) => i & 0xff));
    const b = new PacketBuilder()
      .add(Attr.UserName, 'aabbccddeeff')
      .addEvs(245, Vendor.FreeRadius, 1, anonce)
      .addEvs(245, Vendor.FreeRadius, 2, eapol)
      .add(Attr.WlanAkmSuite, 0x000fac02);
    const p = parsePacket(encodeRequest(Code.AccessRequest, 1, b, SECRET));
    assert.deepEqual(getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 2 }), eapol);
    assert.deepEqual(getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 1 }), anonce);
    assert.equal(getInt(p, Attr.WlanAkmSuite), 0x000fac02);
    assert.equal(p.attributes.filter((a) => a.type === 245).length, 1 + 3);
  });

  it('241–244 carry Extended-Type and data without flags', () => {
    const p = parsePacket(
      assemble(Code.AccessRequest, 1, AUTH, hex('f1 06 01 62 6f 62  f2 07 02 01 04 23 45')),
    );
    assert.deepEqual(getExtended(p, 241, 1), Buffer.from('bob'));
    assert.deepEqual(getExtended(p, 242, 2), hex('01042345'));
    assert.deepEqual(
      getAllExtended(p).map((e) => [e.type, e.extType, e.value.toString('hex')]),
      [
        [241, 1, '626f62'],
        [242, 2, '01042345'],
      ],
    );
  });

  it('drops (and counts) a chain whose last fragment is missing', () => {
    const before = malformedCounts.extended;
    const p = parsePacket(
      assemble(Code.AccessRequest, 1, AUTH, hex('f5 08 1a 80 00 00 2c 50   0105 616263')),
    );
    assert.equal(getExtended(p, 245, 26), undefined);
    assert.equal(malformedCounts.extended - before, 1);
  });

  it('a too-short EVS value is skipped', () => {
    const p = parsePacket(assemble(Code.AccessRequest, 1, AUTH, hex('f5 06 1a 00 00 00')));
    assert.equal(getExtended(p, 245, 26, { vendorId: 0, vendorType: 0 }), undefined);
  });

  for (const eapolLength of [247, 300, 600]) {
    it(`repairs hostapd's pre-2.12 long-extended fragments (EAPOL of ${eapolLength} bytes) and the MA still verifies`, () => {
      const eapol = Buffer.from(Array.from({ length: eapolLength }, (_, i) => (i * 7 + 3) & 0xff));
      const evs = Buffer.concat([hex('00002c50 02'), eapol]);
      const attrs = Buffer.concat([
        Buffer.concat([hex('010e'), Buffer.from('aabbccddeeff')]),
        Buffer.concat([hex('f529 1a00 00002c50 01'), anonce]),
        hostapdBuggyLongExtended(245, 26, evs),
        hex('5012'),
        Buffer.alloc(16),
      ]);
      const maAt = attrs.length - 18;
      const bytes = assemble(Code.AccessRequest, 5, AUTH, attrs, SECRET, maAt);
      const before = malformedCounts.hostapdFragmentRepaired;
      const p = parsePacket(bytes);
      assert.equal(malformedCounts.hostapdFragmentRepaired - before, eapolLength + 5 > 502 ? 2 : 1);
      assert.deepEqual(getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 2 }), eapol);
      assert.deepEqual(getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 1 }), anonce);
      assert.equal(getString(p, Attr.UserName), 'aabbccddeeff');
      assert.equal(verifyMessageAuthenticator(p, SECRET), 'VALID');
    });
  }

  it('hostapd with a short EAPOL frame (one fragment) was never affected', () => {
    const evs = Buffer.concat([hex('00002c50 02'), Buffer.alloc(121, 1)]);
    const p = parsePacket(assemble(Code.AccessRequest, 5, AUTH, hostapdBuggyLongExtended(245, 26, evs)));
    assert.deepEqual(
      getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 2 }),
      Buffer.alloc(121, 1),
    );
  });
});

describe('parseTlvs', () => {
  it('reads Ruckus-DPSK-Params children', () => {
    const frame = Buffer.alloc(121, 0x02);
    const value = Buffer.concat([
      hex('0106 000fac02 0203 04 0322'),
      Buffer.alloc(32, 0xaa),
      hex('047b'),
      frame,
    ]);
    const t = parseTlvs(value);
    assert.deepEqual(t.get(1), [hex('000fac02')]);
    assert.deepEqual(t.get(2), [hex('04')]);
    assert.deepEqual(t.get(3), [Buffer.alloc(32, 0xaa)]);
    assert.deepEqual(t.get(4), [frame]);
  });

  it('keeps repeated types in order and accepts empty values', () => {
    const t = parseTlvs(hex('0203 61 0203 62 0502'));
    assert.deepEqual(t.get(2), [Buffer.from('a'), Buffer.from('b')]);
    assert.deepEqual(t.get(5), [Buffer.alloc(0)]);
    assert.equal(parseTlvs(Buffer.alloc(0)).size, 0);
  });

  for (const [name, bytes] of [
    ['overflowing TLV', '0105 6162'],
    ['length 0', '0100'],
    ['length 1', '0101 00'],
    ['dangling type byte', '0103 61 02'],
  ] as const) {
    it(`BAD_TLV on ${name}`, () => throwsCodec(() => parseTlvs(hex(bytes)), 'BAD_TLV'));
  }
});

describe('macFromAttribute', () => {
  const good: Array<[string, string]> = [
    ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'],
    ['aabbccddeeff', 'aa:bb:cc:dd:ee:ff'],
    ['AABBCCDDEEFF', 'aa:bb:cc:dd:ee:ff'],
    ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'],
    ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'],
    ['aabbcc-ddeeff', 'aa:bb:cc:dd:ee:ff'],
    [' 96 1b 74 ac 43 ae ', '96:1b:74:ac:43:ae'],
    ['\taa-bb-cc-dd-ee-ff\r\n', 'aa:bb:cc:dd:ee:ff'],
    ['\u00a0AA-BB-CC-DD-EE-FF\u3000', 'aa:bb:cc:dd:ee:ff'], // non-ASCII whitespace: the regex path
  ];
  for (const [input, out] of good)
    it(`${JSON.stringify(input)} → ${out}`, () => assert.equal(macFromAttribute(input), out));

  for (const input of [
    '',
    'bob',
    'aabbccddeef',
    'aabbccddeeff00',
    'gg-bb-cc-dd-ee-ff',
    'aa_bb_cc_dd_ee_ff',
    'x'.repeat(1000),
    'aa-bb-cc-dd-ee-f\u212a',
    'aa-bb-cc-dd-ee-ff-0',
  ]) {
    it(`${JSON.stringify(input.slice(0, 20))} → null`, () => assert.equal(macFromAttribute(input), null));
  }

  it('agrees with the reference definition (strip [-:.\\s], 12 hex digits) on 20,000 random strings', () => {
    const reference = (s: string): string | null => {
      if (s.length > 64) return null;
      const hex = s.replace(/[-:.\s]/g, '').toLowerCase();
      return /^[0-9a-f]{12}$/.test(hex) ? hex.match(/../g)!.join(':') : null;
    };
    const alphabet = ['a', 'F', '0', '9', 'g', '-', ':', '.', ' ', '\t', '_', '\u00a0', '\u212a', 'é'];
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let i = 0; i < 20_000; i++) {
      // Mostly hex digits with separators, so that many inputs are valid MACs.
      let s = '';
      const len = 10 + rand(10);
      for (let j = 0; j < len; j++)
        s += rand(3) ? '0123456789abcdefABCDEF'[rand(22)] : alphabet[rand(alphabet.length)];
      assert.equal(macFromAttribute(s), reference(s), JSON.stringify(s));
    }
  });
});

describe('parseCalledStationId', () => {
  const cases: Array<[string, string | null, string | null]> = [
    ['00-11-22-33-44-55:Cowork Guest', '00:11:22:33:44:55', 'Cowork Guest'],
    ['00:11:22:33:44:55:ssid:with:colons', '00:11:22:33:44:55', 'ssid:with:colons'],
    ['001122334455', '00:11:22:33:44:55', null],
    ['0011.2233.4455:x', '00:11:22:33:44:55', 'x'],
    ['00-11-22-33-44-55:', '00:11:22:33:44:55', ''],
    ['not a mac', null, null],
  ];
  for (const [input, mac, ssid] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseCalledStationId(input), { mac, ssid }));
  }
});

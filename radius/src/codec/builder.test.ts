import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attr,
  Code,
  CodecError,
  getAttrs,
  getEapMessage,
  getVsas,
  parsePacket,
  parseTlvs,
  Vendor,
  type CodecErrorCode,
  type RawAttribute,
} from './packet.js';
import { PacketBuilder, encodeRequest, encodeResponse, u64 } from './builder.js';
import {
  decryptSalted,
  decryptUserPassword,
  verifyMessageAuthenticator,
  verifyRequestAuthenticator,
  verifyResponse,
} from './crypto.js';
import { RFC2865_REQUEST, RFC2865_SECRET, assemble, hex } from './test-support/vectors.js';

const SECRET = Buffer.from('a-long-random-shared-secret');
const AUTH = hex('0f403f9473978057bd83d5cb98f4227a');

const throwsCodec = (fn: () => unknown, code: CodecErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof CodecError && e.code === code);

const wire = (attrs: readonly RawAttribute[]): string =>
  Buffer.concat(
    attrs.map((a) => Buffer.concat([Buffer.from([a.type, a.value.length + 2]), a.value])),
  ).toString('hex');

describe('PacketBuilder: input → bytes', () => {
  const table: Array<{ name: string; build: (b: PacketBuilder) => PacketBuilder; bytes: string }> = [
    { name: 'string', build: (b) => b.add(Attr.UserName, 'bob'), bytes: '0105626f62' },
    { name: 'UTF-8 string', build: (b) => b.add(Attr.UserName, 'zoë'), bytes: '01067a6fc3ab' },
    {
      name: 'tagged UTF-8 string',
      build: (b) => b.addTagged(Attr.TunnelPrivateGroupId, 2, 'é'),
      bytes: '510502c3a9',
    },
    { name: 'VSA with a number', build: (b) => b.addVsa(14823, 2, 120), bytes: '1a0c000039e7020600000078' },
    { name: 'VSA with UTF-8', build: (b) => b.addVsa(9, 1, 'ü'), bytes: '1a0a000000090104c3bc' },
    { name: 'uint32', build: (b) => b.add(Attr.SessionTimeout, 3600), bytes: '1b0600000e10' },
    { name: 'uint32 max', build: (b) => b.add(Attr.AcctInterimInterval, 0xffffffff), bytes: '5506ffffffff' },
    { name: 'octets', build: (b) => b.add(Attr.Class, hex('00ff10')), bytes: '190500ff10' },
    {
      name: 'Tunnel-Type VLAN, tag 0',
      build: (b) => b.addTagged(Attr.TunnelType, 0, 13),
      bytes: '40060000000d',
    },
    {
      name: 'Tunnel-Medium-Type 802, tag 0',
      build: (b) => b.addTagged(Attr.TunnelMediumType, 0, 6),
      bytes: '410600000006',
    },
    {
      name: 'Tunnel-Private-Group-Id "120"',
      build: (b) => b.addTagged(Attr.TunnelPrivateGroupId, 0, '120'),
      bytes: '510600313230',
    },
    { name: 'Tunnel-Type tag 1', build: (b) => b.addTagged(Attr.TunnelType, 1, 13), bytes: '40060100000d' },
    {
      name: 'Mikrotik-Wireless-PSK',
      build: (b) => b.addVsa(Vendor.Mikrotik, 16, 'pw'),
      bytes: '1a0a00003a8c10047077',
    },
    {
      name: 'Aruba-User-Vlan 120',
      build: (b) => b.addVsa(Vendor.Aruba, 2, 120),
      bytes: '1a0c000039e7020600000078',
    },
    {
      name: 'Cisco-AVPair psk-mode=ascii',
      build: (b) => b.addVsa(Vendor.Cisco, 1, 'psk-mode=ascii'),
      bytes: '1a1600000009011070736b2d6d6f64653d6173636969',
    },
    {
      name: 'UBNT-Data-Rate-DL as uint64',
      build: (b) => b.addVsa(Vendor.Ubnt, 1, u64(10_000)),
      bytes: '1a100000a098010a0000000000002710',
    },
    {
      name: 'TLV in a VSA (UBNT Tunnel-Password-Entry key id, unencrypted)',
      build: (b) => b.addVsaTlv(Vendor.Ubnt, 5, [[3, 'k1']]),
      bytes: '1a0c0000a0980506' + '03046b31',
    },
    {
      name: 'RFC 6929 241.1 "bob"',
      build: (b) => b.addExtended(241, 1, Buffer.from('bob')),
      bytes: 'f10601626f62',
    },
    {
      name: 'EVS5 Anonce',
      build: (b) => b.addEvs(245, Vendor.FreeRadius, 1, Buffer.alloc(32, 0xaa)),
      bytes: 'f5291a0000002c5001' + 'aa'.repeat(32),
    },
  ];
  for (const t of table) {
    it(t.name, () => assert.equal(wire(t.build(new PacketBuilder()).attributes), t.bytes));
  }

  it('keeps insertion order and counts attributes', () => {
    const b = new PacketBuilder().add(Attr.UserName, 'a').add(Attr.Class, 'b').addVsa(Vendor.Cisco, 1, 'c');
    assert.equal(b.attributeCount, 3);
    assert.deepEqual(
      b.attributes.map((a) => a.type),
      [1, 25, 26],
    );
  });

  const errors: Array<[string, () => unknown, CodecErrorCode]> = [
    ['type 0', () => new PacketBuilder().add(0, 'x'), 'BAD_ATTRIBUTE'],
    ['type 256', () => new PacketBuilder().add(256, 'x'), 'BAD_ATTRIBUTE'],
    ['negative number', () => new PacketBuilder().add(27, -1), 'BAD_ATTRIBUTE'],
    ['fraction', () => new PacketBuilder().add(27, 1.5), 'BAD_ATTRIBUTE'],
    ['2^32', () => new PacketBuilder().add(27, 2 ** 32), 'BAD_ATTRIBUTE'],
    ['tag 32', () => new PacketBuilder().addTagged(64, 32, 13), 'BAD_ATTRIBUTE'],
    ['tagged integer over 24 bits', () => new PacketBuilder().addTagged(64, 0, 0x1000000), 'BAD_ATTRIBUTE'],
    ['vendor type 256', () => new PacketBuilder().addVsa(9, 256, 'x'), 'BAD_VSA'],
    ['vendor id -1', () => new PacketBuilder().addVsa(-1, 1, 'x'), 'BAD_VSA'],
    ['TLV over 253 bytes', () => new PacketBuilder().addVsaTlv(9, 1, [[1, Buffer.alloc(254)]]), 'BAD_TLV'],
    [
      'extended 241 over 252 bytes',
      () => new PacketBuilder().addExtended(241, 1, Buffer.alloc(253)),
      'BAD_EXTENDED',
    ],
    ['u64 negative', () => u64(-1), 'BAD_ATTRIBUTE'],
  ];
  for (const [name, fn, code] of errors) it(`rejects ${name}`, () => throwsCodec(fn, code));
});

describe('PacketBuilder: storage', () => {
  it('keeps every value intact past its first 256 bytes (the store grows)', () => {
    const b = new PacketBuilder();
    const values = Array.from({ length: 40 }, (_, i) => Buffer.alloc(i * 3, i));
    for (const v of values) b.add(Attr.Class, v);
    b.add(Attr.UserName, 'x'.repeat(200)).add(Attr.SessionTimeout, 7);
    assert.equal(b.attributeCount, 42);
    assert.deepEqual(
      b.attributes.map((a) => a.value.toString('hex')),
      [...values.map((v) => v.toString('hex')), Buffer.from('x'.repeat(200)).toString('hex'), '00000007'],
    );
  });

  it('a string of 254 ASCII characters is stored whole and refused by the encoder', () => {
    const b = new PacketBuilder().add(Attr.Class, 'a'.repeat(254));
    assert.equal(b.attributes[0]!.value.length, 254);
    const request = parsePacket(RFC2865_REQUEST);
    throwsCodec(() => encodeResponse(request, Code.AccessAccept, b, SECRET), 'BAD_ATTRIBUTE');
  });

  for (const [name, add] of [
    ['a negative number', (b: PacketBuilder) => b.add(Attr.SessionTimeout, -1)],
    ['a fraction', (b: PacketBuilder) => b.add(Attr.SessionTimeout, 1.5)],
    ['a VSA with a bad vendor id', (b: PacketBuilder) => b.addVsa(-1, 1, 'x')],
    ['a VSA with a bad vendor type', (b: PacketBuilder) => b.addVsa(9, 256, 'x')],
    ['an object', (b: PacketBuilder) => b.add(Attr.Class, {} as unknown as string)],
  ] as const) {
    it(`${name}: CodecError, nothing stored`, () => {
      const b = new PacketBuilder();
      assert.throws(() => add(b), CodecError);
      assert.equal(b.attributeCount, 0);
    });
  }
});

describe('PacketBuilder: salted attributes', () => {
  it('Tunnel-Password = tag | salt | ciphertext, decryptable with the request authenticator', () => {
    const b = new PacketBuilder().addTunnelPassword(0, 'correct horse battery staple', SECRET, AUTH);
    const v = b.attributes[0]!.value;
    assert.equal(b.attributes[0]!.type, Attr.TunnelPassword);
    assert.equal(v[0], 0);
    assert.ok((v[1]! & 0x80) !== 0);
    assert.equal((v.length - 3) % 16, 0);
    assert.equal(decryptSalted(v.subarray(1), SECRET, AUTH).toString(), 'correct horse battery staple');
  });

  it('gives every salted attribute of a packet its own salt', () => {
    const b = new PacketBuilder();
    for (let i = 0; i < 64; i++) b.addTunnelPassword(0, `pass${i}word`, SECRET, AUTH);
    b.addSaltedVsa(Vendor.Microsoft, 17, Buffer.alloc(32, 1), SECRET, AUTH);
    const salts = new Set(
      b.attributes.map((a) =>
        a.type === Attr.TunnelPassword ? a.value.readUInt16BE(1) : a.value.readUInt16BE(6),
      ),
    );
    assert.equal(salts.size, 65);
  });

  it('MS-MPPE-Recv-Key / Aruba-MPSK-Passphrase: salt | ciphertext in the VSA, no tag', () => {
    const pmk = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const b = new PacketBuilder()
      .addSaltedVsa(Vendor.Microsoft, 17, pmk, SECRET, AUTH)
      .addSaltedVsa(Vendor.Aruba, 44, Buffer.from('member passphrase'), SECRET, AUTH);
    const p = parsePacket(assemble(Code.AccessAccept, 1, AUTH, Buffer.from(wire(b.attributes), 'hex')));
    const mppe = getVsas(p, Vendor.Microsoft, 17);
    assert.equal(mppe.length, 1);
    assert.equal(mppe[0]!.length, 50);
    assert.deepEqual(decryptSalted(mppe[0]!, SECRET, AUTH), pmk);
    assert.equal(
      decryptSalted(getVsas(p, Vendor.Aruba, 44)[0]!, SECRET, AUTH).toString(),
      'member passphrase',
    );
  });

  it('UBNT Tunnel-Password-Entry with both children salted', () => {
    const b = new PacketBuilder().addVsaTlv(
      Vendor.Ubnt,
      5,
      [
        [2, 'member passphrase'],
        [3, 'key-17'],
      ],
      { secret: SECRET, requestAuthenticator: AUTH, types: [2, 3] },
    );
    const p = parsePacket(assemble(Code.AccessAccept, 1, AUTH, Buffer.from(wire(b.attributes), 'hex')));
    const tlvs = parseTlvs(getVsas(p, Vendor.Ubnt, 5)[0]!);
    assert.equal(decryptSalted(tlvs.get(2)![0]!, SECRET, AUTH).toString(), 'member passphrase');
    assert.equal(decryptSalted(tlvs.get(3)![0]!, SECRET, AUTH).toString(), 'key-17');
    assert.notEqual(tlvs.get(2)![0]!.readUInt16BE(0), tlvs.get(3)![0]!.readUInt16BE(0));
  });
});

describe('encodeResponse', () => {
  const request = parsePacket(
    encodeRequest(
      Code.AccessRequest,
      42,
      new PacketBuilder()
        .add(Attr.UserName, 'aabbccddeeff')
        .add(Attr.ProxyState, 'first')
        .add(Attr.CallingStationId, 'AA-BB-CC-DD-EE-FF')
        .add(Attr.ProxyState, hex('0002')),
      SECRET,
      { userPassword: 'aabbccddeeff' },
    ),
  );

  it('puts Message-Authenticator first and signs the reply (MA, then Response Authenticator)', () => {
    const b = new PacketBuilder()
      .addTagged(Attr.TunnelType, 0, 13)
      .addTagged(Attr.TunnelMediumType, 0, 6)
      .addTagged(Attr.TunnelPrivateGroupId, 0, '120')
      .addTunnelPassword(0, 'member passphrase', SECRET, request.authenticator)
      .add(Attr.SessionTimeout, 3600);
    const reply = parsePacket(encodeResponse(request, Code.AccessAccept, b, SECRET));
    assert.equal(reply.code, Code.AccessAccept);
    assert.equal(reply.identifier, 42);
    assert.equal(reply.attributes[0]!.type, Attr.MessageAuthenticator);
    assert.equal(reply.attributes[0]!.value.length, 16);
    assert.equal(verifyMessageAuthenticator(reply, SECRET, request.authenticator), 'VALID');
    assert.equal(verifyResponse(reply, request.authenticator, SECRET), true);
    assert.equal(verifyResponse(reply, request.authenticator, Buffer.from('wrong')), false);
    assert.deepEqual(
      reply.attributes.map((a) => a.type),
      [80, 64, 65, 81, 69, 27, 33, 33],
    );
    const tp = getAttrs(reply, Attr.TunnelPassword)[0]!;
    assert.equal(
      decryptSalted(tp.subarray(1), SECRET, request.authenticator).toString(),
      'member passphrase',
    );
  });

  it('copies every Proxy-State of the request, in order, at the end', () => {
    const reply = parsePacket(encodeResponse(request, Code.AccessReject, new PacketBuilder(), SECRET));
    assert.deepEqual(
      reply.attributes.map((a) => [a.type, a.value.toString('hex')]),
      [
        [80, reply.attributes[0]!.value.toString('hex')],
        [33, Buffer.from('first').toString('hex')],
        [33, '0002'],
      ],
    );
    assert.equal(verifyResponse(reply, request.authenticator, SECRET), true);
  });

  it('ignores a Message-Authenticator given in the builder', () => {
    const b = new PacketBuilder()
      .add(Attr.MessageAuthenticator, Buffer.alloc(16, 0xee))
      .add(Attr.ReplyMessage, 'hi');
    const reply = parsePacket(encodeResponse(request, Code.AccessAccept, b, SECRET));
    assert.equal(getAttrs(reply, Attr.MessageAuthenticator).length, 1);
    assert.equal(verifyMessageAuthenticator(reply, SECRET, request.authenticator), 'VALID');
  });

  it('splits a long EAP-Message into 253-byte attributes', () => {
    const eap = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const reply = parsePacket(
      encodeResponse(
        request,
        Code.AccessChallenge,
        new PacketBuilder().add(Attr.EapMessage, eap).add(Attr.State, 'st'),
        SECRET,
      ),
    );
    assert.deepEqual(
      getAttrs(reply, Attr.EapMessage).map((v) => v.length),
      [253, 253, 253, 241],
    );
    assert.deepEqual(getEapMessage(reply), eap);
    assert.equal(verifyResponse(reply, request.authenticator, SECRET), true);
  });

  it('rejects any other attribute over 253 bytes', () => {
    throwsCodec(
      () =>
        encodeResponse(
          request,
          Code.AccessAccept,
          new PacketBuilder().add(Attr.Class, Buffer.alloc(254)),
          SECRET,
        ),
      'BAD_ATTRIBUTE',
    );
    throwsCodec(
      () =>
        encodeResponse(
          request,
          Code.AccessAccept,
          new PacketBuilder().addVsa(9, 1, Buffer.alloc(248)),
          SECRET,
        ),
      'BAD_ATTRIBUTE',
    );
  });

  it('accepts exactly 4096 bytes and throws TOO_LONG beyond', () => {
    // Request overhead: header 20 + MA 18 + Proxy-States (7 + 4) = 49 → 4047 bytes for attributes.
    const fill = (n: number): PacketBuilder => {
      const b = new PacketBuilder();
      while (n > 0) {
        const len = Math.min(255, n);
        b.add(Attr.Class, Buffer.alloc(len - 2));
        n -= len;
      }
      return b;
    };
    assert.equal(encodeResponse(request, Code.AccessAccept, fill(4047), SECRET).length, 4096);
    throwsCodec(() => encodeResponse(request, Code.AccessAccept, fill(4048), SECRET), 'TOO_LONG');
  });

  it('only encodes response codes', () => {
    throwsCodec(
      () => encodeResponse(request, Code.AccessRequest, new PacketBuilder(), SECRET),
      'UNKNOWN_CODE',
    );
  });

  it('answers the RFC 2865 §7.1 request so that the RFC secret verifies it', () => {
    const rfcReq = parsePacket(RFC2865_REQUEST);
    const b = new PacketBuilder().add(Attr.ServiceType, 1).add(15, 0).add(14, hex('c0a80103'));
    const reply = parsePacket(encodeResponse(rfcReq, Code.AccessAccept, b, RFC2865_SECRET));
    assert.equal(verifyResponse(reply, rfcReq.authenticator, RFC2865_SECRET), true);
    assert.deepEqual(
      reply.raw.subarray(38).toString('hex'),
      '060600000001' + '0f0600000000' + '0e06c0a80103', // the RFC's attributes, after our MA
    );
  });

  it('Accounting-Response and CoA/DM answers are signed the same way', () => {
    const acct = parsePacket(
      encodeRequest(Code.AccountingRequest, 7, new PacketBuilder().add(Attr.AcctStatusType, 1), SECRET),
    );
    const resp = parsePacket(encodeResponse(acct, Code.AccountingResponse, new PacketBuilder(), SECRET));
    assert.equal(verifyResponse(resp, acct.authenticator, SECRET), true);
    const dm = parsePacket(
      encodeRequest(Code.DisconnectRequest, 8, new PacketBuilder().add(Attr.UserName, 'u'), SECRET),
    );
    const nak = parsePacket(
      encodeResponse(dm, Code.DisconnectNak, new PacketBuilder().add(Attr.ErrorCause, 503), SECRET),
    );
    assert.equal(verifyResponse(nak, dm.authenticator, SECRET), true);
  });
});

describe('encodeRequest', () => {
  it('reproduces the RFC 2865 §7.1 Access-Request byte for byte', () => {
    const b = new PacketBuilder()
      .add(Attr.UserName, 'nemo')
      .add(Attr.NasIpAddress, hex('c0a80110'))
      .add(Attr.NasPort, 3);
    const buf = encodeRequest(Code.AccessRequest, 0, b, RFC2865_SECRET, {
      authenticator: AUTH,
      userPassword: 'arctangent',
      messageAuthenticator: false,
    });
    assert.deepEqual(buf, RFC2865_REQUEST);
  });

  it('Access-Request: random authenticator, Message-Authenticator first by default, or last', () => {
    const b = new PacketBuilder()
      .add(Attr.UserName, 'aabbccddeeff')
      .add(Attr.CallingStationId, 'AA-BB-CC-DD-EE-FF');
    const first = parsePacket(
      encodeRequest(Code.AccessRequest, 1, b, SECRET, { userPassword: 'aabbccddeeff' }),
    );
    const again = parsePacket(
      encodeRequest(Code.AccessRequest, 1, b, SECRET, { userPassword: 'aabbccddeeff' }),
    );
    assert.notDeepEqual(first.authenticator, again.authenticator);
    assert.deepEqual(
      first.attributes.map((a) => a.type),
      [80, 1, 2, 31],
    );
    assert.equal(verifyMessageAuthenticator(first, SECRET), 'VALID');
    assert.equal(
      decryptUserPassword(first.attributes[2]!.value, first.authenticator, SECRET).toString(),
      'aabbccddeeff',
    );
    const last = parsePacket(
      encodeRequest(Code.AccessRequest, 1, b, SECRET, { messageAuthenticatorPosition: 'last' }),
    );
    assert.deepEqual(
      last.attributes.map((a) => a.type),
      [1, 31, 80],
    );
    assert.equal(verifyMessageAuthenticator(last, SECRET), 'VALID');
  });

  it('puts User-Password first when there is no User-Name', () => {
    const p = parsePacket(
      encodeRequest(Code.AccessRequest, 1, new PacketBuilder().add(Attr.NasPort, 1), SECRET, {
        userPassword: 'x',
        messageAuthenticator: false,
      }),
    );
    assert.deepEqual(
      p.attributes.map((a) => a.type),
      [2, 5],
    );
  });

  for (const code of [Code.AccountingRequest, Code.DisconnectRequest, Code.CoaRequest]) {
    it(`code ${code}: MA over a zero authenticator, then the Request Authenticator`, () => {
      const b = new PacketBuilder()
        .add(Attr.UserName, 'bob')
        .add(Attr.AcctSessionId, 'S1')
        .add(Attr.EventTimestamp, 1_700_000_000);
      const p = parsePacket(encodeRequest(code, 200, b, SECRET, { messageAuthenticator: true }));
      assert.equal(verifyRequestAuthenticator(p, SECRET), true);
      assert.equal(verifyMessageAuthenticator(p, SECRET), 'VALID');
      assert.equal(p.attributes[0]!.type, Attr.MessageAuthenticator);
      const without = parsePacket(encodeRequest(code, 200, b, SECRET, { messageAuthenticator: false }));
      assert.equal(verifyRequestAuthenticator(without, SECRET), true);
      assert.equal(verifyMessageAuthenticator(without, SECRET), 'ABSENT');
    });
  }

  it('defaults: Message-Authenticator on Status-Server, Disconnect and CoA; none on Accounting-Request', () => {
    const ma = (code: number): string =>
      verifyMessageAuthenticator(parsePacket(encodeRequest(code, 1, new PacketBuilder(), SECRET)), SECRET);
    assert.equal(ma(Code.StatusServer), 'VALID');
    assert.equal(ma(Code.AccessRequest), 'VALID');
    assert.equal(ma(Code.DisconnectRequest), 'VALID');
    assert.equal(ma(Code.CoaRequest), 'VALID');
    assert.equal(ma(Code.AccountingRequest), 'ABSENT');
  });

  it('sends a builder-provided Message-Authenticator verbatim when asked not to compute one', () => {
    const b = new PacketBuilder().add(Attr.UserName, 'x').add(Attr.MessageAuthenticator, Buffer.alloc(16, 1));
    const p = parsePacket(encodeRequest(Code.AccessRequest, 1, b, SECRET, { messageAuthenticator: false }));
    assert.equal(verifyMessageAuthenticator(p, SECRET), 'INVALID');
  });

  it('rejects misuse', () => {
    const b = new PacketBuilder();
    throwsCodec(() => encodeRequest(Code.AccessAccept, 1, b, SECRET), 'UNKNOWN_CODE');
    throwsCodec(
      () => encodeRequest(Code.AccountingRequest, 1, b, SECRET, { userPassword: 'x' }),
      'BAD_ATTRIBUTE',
    );
    throwsCodec(
      () => encodeRequest(Code.AccountingRequest, 1, b, SECRET, { authenticator: AUTH }),
      'BAD_ATTRIBUTE',
    );
    throwsCodec(
      () => encodeRequest(Code.AccessRequest, 1, b, SECRET, { authenticator: Buffer.alloc(8) }),
      'BAD_ATTRIBUTE',
    );
    assert.throws(() => encodeRequest(Code.AccessRequest, 256, b, SECRET), RangeError);
    const big = new PacketBuilder();
    for (let i = 0; i < 17; i++) big.add(Attr.Class, Buffer.alloc(253));
    throwsCodec(() => encodeRequest(Code.AccessRequest, 1, big, SECRET), 'TOO_LONG');
  });

  it('builds the hostapd wpa_psk_radius=3 request shape', () => {
    const anonce = Buffer.alloc(32, 0x4d);
    const eapol = Buffer.alloc(121, 0x02);
    const b = new PacketBuilder()
      .add(Attr.UserName, '8ab3a0ebd5e5')
      .add(Attr.CalledStationId, '34-EF-B6-AF-48-9E:Andrena_39_Lincoln')
      .add(Attr.CallingStationId, '8A-B3-A0-EB-D5-E5')
      .add(Attr.WlanAkmSuite, 0x000fac02)
      .addEvs(245, Vendor.FreeRadius, 1, anonce)
      .addEvs(245, Vendor.FreeRadius, 2, eapol);
    const p = parsePacket(
      encodeRequest(Code.AccessRequest, 3, b, SECRET, {
        userPassword: '8ab3a0ebd5e5',
        messageAuthenticatorPosition: 'last',
      }),
    );
    assert.equal(verifyMessageAuthenticator(p, SECRET), 'VALID');
    assert.equal(p.attributes.at(-1)!.type, Attr.MessageAuthenticator);
  });
});

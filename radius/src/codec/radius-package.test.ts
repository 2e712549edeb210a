/**
 * Cross-checks of our codec against an independent implementation, the npm `radius` package,
 * and tests that pin the package's limits documented in docs/radius-codec.md.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Code, getAttrs, parsePacket, Vendor } from './packet.js';
import { PacketBuilder, encodeRequest, encodeResponse } from './builder.js';
import {
  decryptSalted,
  decryptUserPassword,
  verifyMessageAuthenticator,
  verifyRequestAuthenticator,
  verifyResponse,
} from './crypto.js';
import {
  decodeWithPackage,
  encodeWithPackage,
  ensurePackageDictionaries,
  replyWithPackage,
  verifyResponseWithPackage,
} from './radius-package.js';
import { RFC2865_REQUEST, RFC2865_SECRET } from './test-support/vectors.js';

const SECRET = Buffer.from('a-long-random-shared-secret');

function macAuthRequest(extra?: (b: PacketBuilder) => PacketBuilder): Buffer {
  let b = new PacketBuilder()
    .add(Attr.UserName, 'aabbccddeeff')
    .add(Attr.NasIpAddress, Buffer.from([10, 0, 0, 2]))
    .add(Attr.CalledStationId, '00-11-22-33-44-55:Cowork')
    .add(Attr.CallingStationId, 'AA-BB-CC-DD-EE-FF')
    .add(Attr.NasPortType, 19);
  if (extra) b = extra(b);
  return encodeRequest(Code.AccessRequest, 17, b, SECRET, { userPassword: 'aabbccddeeff' });
}

describe('our requests decoded by the package', () => {
  it('Access-Request: the package verifies our Message-Authenticator and decrypts User-Password', () => {
    const d = decodeWithPackage(macAuthRequest(), SECRET);
    assert.equal(d.code, Code.AccessRequest);
    assert.equal(d.identifier, 17);
    assert.equal(d.attributes['User-Name'], 'aabbccddeeff');
    assert.equal(d.attributes['User-Password'], 'aabbccddeeff');
    assert.equal(d.attributes['Called-Station-Id'], '00-11-22-33-44-55:Cowork');
    assert.equal(d.attributes['NAS-Port-Type'], 'Wireless-802.11');
    assert.equal(d.rawAttributes[0]![0], Attr.MessageAuthenticator);
  });

  it('the package rejects our Message-Authenticator under another secret', () => {
    assert.throws(
      () => decodeWithPackage(macAuthRequest(), Buffer.from('other')),
      /Message-Authenticator mismatch/,
    );
  });

  it('RFC 2865 §7.1 request: the package and we decrypt the same password', () => {
    const d = decodeWithPackage(RFC2865_REQUEST, RFC2865_SECRET);
    const p = parsePacket(RFC2865_REQUEST);
    assert.equal(d.attributes['User-Password'], 'arctangent');
    assert.equal(
      decryptUserPassword(p.attributes[1]!.value, p.authenticator, RFC2865_SECRET).toString(),
      'arctangent',
    );
  });

  it('Accounting-Request without Message-Authenticator: the package verifies our Request Authenticator', () => {
    const b = new PacketBuilder()
      .add(Attr.AcctStatusType, 1)
      .add(Attr.AcctSessionId, 'S-1')
      .add(Attr.UserName, 'bob');
    const ours = encodeRequest(Code.AccountingRequest, 5, b, SECRET);
    assert.equal(decodeWithPackage(ours, SECRET).attributes['Acct-Status-Type'], 'Start');
    assert.throws(() => decodeWithPackage(ours, Buffer.from('other')), /authenticator mismatch/);
  });
});

describe('package requests parsed by us', () => {
  it('Access-Request with Message-Authenticator (last) and User-Password', () => {
    const buf = encodeWithPackage(
      Code.AccessRequest,
      9,
      [
        ['User-Name', 'aabbccddeeff'],
        ['User-Password', 'aabbccddeeff'],
        ['Calling-Station-Id', 'AA-BB-CC-DD-EE-FF'],
      ],
      SECRET,
    );
    const p = parsePacket(buf);
    assert.equal(p.attributes.at(-1)!.type, Attr.MessageAuthenticator);
    assert.equal(verifyMessageAuthenticator(p, SECRET), 'VALID');
    const pw = p.attributes.find((a) => a.type === Attr.UserPassword)!.value;
    assert.equal(decryptUserPassword(pw, p.authenticator, SECRET).toString(), 'aabbccddeeff');
  });

  it('Accounting-Request without Message-Authenticator', () => {
    const buf = encodeWithPackage(Code.AccountingRequest, 3, [['Acct-Status-Type', 'Stop']], SECRET, false);
    assert.equal(verifyRequestAuthenticator(parsePacket(buf), SECRET), true);
  });
});

describe('our replies checked by the package', () => {
  const reqBuf = macAuthRequest((b) => b.add(Attr.ProxyState, 'ps-1').add(Attr.ProxyState, 'ps-2'));
  const req = parsePacket(reqBuf);

  function accept(): Buffer {
    const b = new PacketBuilder()
      .addTagged(Attr.TunnelType, 0, 13)
      .addTagged(Attr.TunnelMediumType, 0, 6)
      .addTagged(Attr.TunnelPrivateGroupId, 0, '120')
      .addTunnelPassword(0, 'member passphrase', SECRET, req.authenticator)
      .add(Attr.SessionTimeout, 7200)
      .add(Attr.AcctInterimInterval, 600)
      .add(Attr.Class, 'lanyard:s:123')
      .addVsa(Vendor.Mikrotik, 16, 'member passphrase')
      .addVsa(Vendor.Wispr, 7, 5_000_000)
      .addVsa(Vendor.Cisco, 1, 'psk-mode=ascii')
      .addSaltedVsa(Vendor.Aruba, 44, Buffer.from('member passphrase'), SECRET, req.authenticator);
    return encodeResponse(req, Code.AccessAccept, b, SECRET);
  }

  it('verify_response accepts our Access-Accept (Message-Authenticator first)', () => {
    const reply = accept();
    assert.equal(verifyResponseWithPackage(reqBuf, reply, SECRET), true);
    assert.equal(verifyResponseWithPackage(reqBuf, reply, Buffer.from('other')), false);
    const tampered = Buffer.from(reply);
    tampered[tampered.length - 3] ^= 1;
    assert.equal(verifyResponseWithPackage(reqBuf, tampered, SECRET), false);
  });

  it('the package reads our attributes with our vendor dictionaries', () => {
    const d = decodeWithPackage(accept(), SECRET);
    assert.equal(d.code, Code.AccessAccept);
    assert.equal(d.rawAttributes[0]![0], Attr.MessageAuthenticator);
    assert.deepEqual(d.attributes['Tunnel-Type'], [0, 'VLAN']);
    assert.deepEqual(d.attributes['Tunnel-Medium-Type'], [0, 'IEEE-802']);
    assert.deepEqual(d.attributes['Tunnel-Private-Group-Id'], [0, '120']);
    assert.equal(d.attributes['Session-Timeout'], 7200);
    assert.deepEqual(d.attributes['Proxy-State'], [Buffer.from('ps-1'), Buffer.from('ps-2')]);
    const vsa = d.attributes['Vendor-Specific'] as Record<string, unknown>;
    assert.equal(vsa['Mikrotik-Wireless-PSK'], 'member passphrase');
    assert.equal(vsa['WISPr-Bandwidth-Max-Up'], 5_000_000);
    assert.equal(vsa['Cisco-AVPair'], 'psk-mode=ascii');
    // The package frames the Aruba VSA like we do but cannot decrypt it (no encrypt=2): we can.
    const mpsk = vsa['Aruba-MPSK-Passphrase'] as Buffer;
    assert.equal(decryptSalted(mpsk, SECRET, req.authenticator).toString(), 'member passphrase');
  });

  it('Access-Reject and Access-Challenge with a split EAP-Message verify too', () => {
    const reject = encodeResponse(
      req,
      Code.AccessReject,
      new PacketBuilder().add(Attr.ReplyMessage, 'no'),
      SECRET,
    );
    assert.equal(verifyResponseWithPackage(reqBuf, reject, SECRET), true);
    const eap = Buffer.alloc(1100, 0x16);
    const challenge = encodeResponse(
      req,
      Code.AccessChallenge,
      new PacketBuilder().add(Attr.EapMessage, eap).add(Attr.State, 'state-1'),
      SECRET,
    );
    assert.equal(verifyResponseWithPackage(reqBuf, challenge, SECRET), true);
    const d = decodeWithPackage(challenge, SECRET);
    assert.equal((d.attributes['EAP-Message'] as Buffer[]).length, 5);
  });

  it('Accounting-Response to our Accounting-Request', () => {
    const acctBuf = encodeRequest(
      Code.AccountingRequest,
      1,
      new PacketBuilder().add(Attr.AcctStatusType, 3),
      SECRET,
      {
        messageAuthenticator: false,
      },
    );
    const resp = encodeResponse(parsePacket(acctBuf), Code.AccountingResponse, new PacketBuilder(), SECRET);
    assert.equal(verifyResponseWithPackage(acctBuf, resp, SECRET), true);
  });
});

describe('package replies checked by us', () => {
  it('encode_response: our verifyResponse accepts it (its Message-Authenticator comes last)', () => {
    const reqBuf = macAuthRequest();
    const { request, reply } = replyWithPackage(
      reqBuf,
      Code.AccessAccept,
      [
        ['Tunnel-Type', 0, 13],
        ['Tunnel-Private-Group-Id', 0, '120'],
        ['Session-Timeout', 3600],
      ],
      SECRET,
    );
    assert.equal(request.attributes['User-Password'], 'aabbccddeeff');
    const p = parsePacket(reply);
    assert.equal(p.attributes.at(-1)!.type, Attr.MessageAuthenticator);
    assert.equal(verifyResponse(p, parsePacket(reqBuf).authenticator, SECRET), true);
    assert.equal(verifyMessageAuthenticator(p, SECRET, parsePacket(reqBuf).authenticator), 'VALID');
  });
});

describe('package limits pinned (see docs/radius-codec.md)', () => {
  it('its Message-Authenticator on Accounting/CoA/DM requests is not RFC 5176 §3.4: each side rejects the other', () => {
    const b = new PacketBuilder().add(Attr.AcctStatusType, 1).add(Attr.AcctSessionId, 'S-1');
    const ours = encodeRequest(Code.AccountingRequest, 5, b, SECRET, { messageAuthenticator: true });
    assert.throws(() => decodeWithPackage(ours, SECRET), /Message-Authenticator mismatch/);
    for (const code of [Code.AccountingRequest, Code.DisconnectRequest, Code.CoaRequest]) {
      const theirs = parsePacket(encodeWithPackage(code, 6, [['User-Name', 'bob']], SECRET, true));
      // It computes the Request Authenticator before the Message-Authenticator, and the MA over
      // the final authenticator: neither survives an RFC check (nor hostapd's radius_das).
      assert.equal(verifyRequestAuthenticator(theirs, SECRET), false);
      assert.equal(verifyMessageAuthenticator(theirs, SECRET), 'INVALID');
    }
  });

  it('no salted decryption, no TLVs, no extended attributes', () => {
    const reqBuf = macAuthRequest((b) =>
      b
        .addVsaTlv(Vendor.Ruckus, 153, [
          [2, Buffer.from([4])],
          [3, Buffer.alloc(32, 0xaa)],
        ])
        .addEvs(245, Vendor.FreeRadius, 1, Buffer.alloc(32, 0xaa)),
    );
    const d = decodeWithPackage(reqBuf, SECRET);
    const vsa = d.attributes['Vendor-Specific'] as Record<string, unknown>;
    assert.ok(Buffer.isBuffer(vsa['Ruckus-DPSK-Params'])); // children not decoded
    assert.equal(
      Object.keys(d.attributes).some((k) => k.includes('Anonce')),
      false,
    );
    const req = parsePacket(reqBuf);
    const reply = encodeResponse(
      req,
      Code.AccessAccept,
      new PacketBuilder().addTunnelPassword(0, 'member passphrase', SECRET, req.authenticator),
      SECRET,
    );
    const [tag, value] = decodeWithPackage(reply, SECRET).attributes['Tunnel-Password'] as [number, string];
    assert.equal(tag, 0);
    assert.notEqual(value, 'member passphrase'); // ciphertext as a UTF-8 string
    assert.equal(
      decryptSalted(
        getAttrs(parsePacket(reply), Attr.TunnelPassword)[0]!.subarray(1),
        SECRET,
        req.authenticator,
      ).toString(),
      'member passphrase',
    );
  });

  it('loads our vendor dictionary files without complaint', () => {
    assert.doesNotThrow(() => ensurePackageDictionaries());
  });
});

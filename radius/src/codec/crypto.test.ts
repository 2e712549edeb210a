import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { Attr, Code, CodecError, parsePacket, type CodecErrorCode } from './packet.js';
import {
  decryptSalted,
  decryptUserPassword,
  encryptSalted,
  encryptUserPassword,
  MAX_SALTED_PLAINTEXT,
  randomSalt,
  verifyMessageAuthenticator,
  verifyRequestAuthenticator,
  verifyResponse,
} from './crypto.js';
import { PacketBuilder, encodeRequest } from './builder.js';
import { RFC2865_ACCEPT, RFC2865_REQUEST, RFC2865_SECRET, assemble, hex } from './test-support/vectors.js';

const AUTH = hex('0f403f9473978057bd83d5cb98f4227a');
const SECRET = Buffer.from('testing123');

const throwsCodec = (fn: () => unknown, code: CodecErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof CodecError && e.code === code);

/** RFC 2868 §3.5 written out independently of crypto.ts (forward chain, one block at a time). */
function referenceSalted(secret: Buffer, ra: Buffer, salt: Buffer, plaintext: Buffer): Buffer {
  const p = Buffer.alloc(Math.ceil((plaintext.length + 1) / 16) * 16);
  p[0] = plaintext.length;
  plaintext.copy(p, 1);
  const blocks: Buffer[] = [salt];
  let prev = Buffer.concat([ra, salt]);
  for (let i = 0; i < p.length; i += 16) {
    const b = createHash('md5')
      .update(Buffer.concat([secret, prev]))
      .digest();
    const c = Buffer.alloc(16);
    for (let j = 0; j < 16; j++) c[j] = p[i + j]! ^ b[j]!;
    blocks.push(c);
    prev = c;
  }
  return Buffer.concat(blocks);
}

describe('User-Password (RFC 2865 §5.2)', () => {
  it('RFC 2865 §7.1 vector: "arctangent" ↔ 0dbe708d93d413ce3196e43f782a0aee', () => {
    const cipher = hex('0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee');
    assert.deepEqual(encryptUserPassword('arctangent', AUTH, RFC2865_SECRET), cipher);
    assert.equal(decryptUserPassword(cipher, AUTH, RFC2865_SECRET).toString(), 'arctangent');
    const p = parsePacket(RFC2865_REQUEST);
    assert.equal(
      decryptUserPassword(p.attributes[1]!.value, p.authenticator, RFC2865_SECRET).toString(),
      'arctangent',
    );
  });

  for (const len of [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 127, 128]) {
    it(`round-trips a ${len}-byte password`, () => {
      const pw = Buffer.from(Array.from({ length: len }, (_, i) => 0x21 + (i % 90)));
      const c = encryptUserPassword(pw, AUTH, SECRET);
      assert.equal(c.length, Math.max(16, Math.ceil(len / 16) * 16));
      assert.deepEqual(decryptUserPassword(c, AUTH, SECRET), pw);
    });
  }

  it('strips only trailing NULs', () => {
    const pw = Buffer.from('ab\0cd');
    assert.deepEqual(decryptUserPassword(encryptUserPassword(pw, AUTH, SECRET), AUTH, SECRET), pw);
  });

  for (const len of [0, 1, 15, 17, 48 + 1, 144]) {
    it(`rejects a ${len}-byte value`, () =>
      throwsCodec(() => decryptUserPassword(Buffer.alloc(len), AUTH, SECRET), 'BAD_ATTRIBUTE'));
  }

  it('refuses to hide more than 128 bytes', () =>
    throwsCodec(() => encryptUserPassword(Buffer.alloc(129, 0x41), AUTH, SECRET), 'BAD_ATTRIBUTE'));
});

describe('salted encryption (RFC 2868 §3.5 / RFC 2548 §2.4)', () => {
  const ra = AUTH;
  const vectors: Array<{ salt: string; plaintext: Buffer; expected: string }> = [
    {
      salt: '8001',
      plaintext: Buffer.from('correct horse battery'),
      expected: '8001d22cb90a1774fc83e76e407b95e6a7417177709dcc88216606f605ec360f508c',
    },
    {
      salt: '9a5c',
      plaintext: Buffer.alloc(32, 0x11), // a PMK / MS-MPPE key
      expected:
        '9a5ca8f04412b60c4ba91d29b11a42a5404e80b78ce6a2f5c83373345385c5f20ba9cb4d30455cd8cc9b93d6b82399500daf',
    },
  ];
  for (const v of vectors) {
    it(`known bytes with salt ${v.salt} (${v.plaintext.length}-byte plaintext)`, () => {
      const enc = encryptSalted(v.plaintext, RFC2865_SECRET, ra, hex(v.salt));
      assert.equal(enc.toString('hex'), v.expected);
      assert.deepEqual(enc, referenceSalted(RFC2865_SECRET, ra, hex(v.salt), v.plaintext));
      assert.deepEqual(decryptSalted(enc, RFC2865_SECRET, ra), v.plaintext);
    });
  }

  it('round-trips every length up to the maximum, with a random salt whose MSB is set', () => {
    for (let len = 0; len <= MAX_SALTED_PLAINTEXT; len++) {
      const pt = Buffer.alloc(len, len & 0xff);
      const enc = encryptSalted(pt, SECRET, ra);
      assert.ok((enc[0]! & 0x80) !== 0);
      assert.equal(enc.length, 2 + Math.ceil((len + 1) / 16) * 16);
      assert.deepEqual(enc, referenceSalted(SECRET, ra, enc.subarray(0, 2), pt));
      assert.deepEqual(decryptSalted(enc, SECRET, ra), pt);
    }
  });

  it('an MS-MPPE key of 32 bytes takes 2 + 48 bytes', () => {
    assert.equal(encryptSalted(Buffer.alloc(32), SECRET, ra).length, 50);
  });

  it('rejects oversized plaintext and a salt without the MSB', () => {
    throwsCodec(() => encryptSalted(Buffer.alloc(MAX_SALTED_PLAINTEXT + 1), SECRET, ra), 'BAD_ATTRIBUTE');
    throwsCodec(() => encryptSalted(Buffer.from('x'), SECRET, ra, hex('7fff')), 'BAD_ATTRIBUTE');
    throwsCodec(() => encryptSalted(Buffer.from('x'), SECRET, ra, hex('80')), 'BAD_ATTRIBUTE');
  });

  it('rejects malformed ciphertext', () => {
    for (const len of [0, 2, 17, 19, 33]) {
      throwsCodec(() => decryptSalted(Buffer.alloc(len), SECRET, ra), 'BAD_ATTRIBUTE');
    }
  });

  it('the wrong secret does not give the plaintext back', () => {
    const enc = encryptSalted(Buffer.from('passphrase!'), SECRET, ra, hex('8123'));
    let out: Buffer | undefined;
    try {
      out = decryptSalted(enc, Buffer.from('other'), ra);
    } catch (e) {
      assert.ok(e instanceof CodecError);
    }
    assert.notDeepEqual(out, Buffer.from('passphrase!'));
  });

  it('randomSalt sets the most significant bit', () => {
    for (let i = 0; i < 200; i++) assert.ok((randomSalt()[0]! & 0x80) !== 0);
  });
});

describe('Response Authenticator', () => {
  it('verifies the RFC 2865 §7.1 Access-Accept', () => {
    assert.equal(verifyResponse(parsePacket(RFC2865_ACCEPT), AUTH, RFC2865_SECRET), true);
  });
  it('fails with the wrong secret, request authenticator or a changed byte', () => {
    const accept = parsePacket(RFC2865_ACCEPT);
    assert.equal(verifyResponse(accept, AUTH, Buffer.from('xyzzy5462')), false);
    assert.equal(verifyResponse(accept, Buffer.alloc(16), RFC2865_SECRET), false);
    assert.equal(verifyResponse(accept, Buffer.alloc(15), RFC2865_SECRET), false);
    const tampered = Buffer.from(RFC2865_ACCEPT);
    tampered[tampered.length - 1] ^= 1;
    assert.equal(verifyResponse(parsePacket(tampered), AUTH, RFC2865_SECRET), false);
  });
});

/** Accounting-Request authenticator computed by hand (RFC 2866 §3). */
function handAccounting(attrs: Buffer, secret: Buffer, code: number = Code.AccountingRequest): Buffer {
  const buf = assemble(code, 77, Buffer.alloc(16), attrs);
  createHash('md5').update(buf).update(secret).digest().copy(buf, 4);
  return buf;
}

describe('Request Authenticator (Accounting, Disconnect, CoA)', () => {
  const attrs = hex('2806 00000001 2c07 3132333435 0107 626f623132');
  for (const code of [Code.AccountingRequest, Code.DisconnectRequest, Code.CoaRequest]) {
    it(`code ${code}: hand-computed authenticator verifies; tampering or wrong secret does not`, () => {
      const buf = handAccounting(attrs, SECRET, code);
      assert.equal(verifyRequestAuthenticator(parsePacket(buf), SECRET), true);
      assert.equal(verifyRequestAuthenticator(parsePacket(buf), Buffer.from('nope')), false);
      const t = Buffer.from(buf);
      t[30] ^= 0x40;
      assert.equal(verifyRequestAuthenticator(parsePacket(t), SECRET), false);
    });
  }
  it('is false for Access-Request (random authenticator)', () => {
    assert.equal(verifyRequestAuthenticator(parsePacket(RFC2865_REQUEST), RFC2865_SECRET), false);
  });
});

describe('Message-Authenticator (RFC 3579 §3.2, RFC 5176 §3.4)', () => {
  /** Access-Request with MA computed by hand: HMAC-MD5 over the packet with MA zeroed. */
  function handAccessRequest(secret: Buffer, extra = Buffer.alloc(0)): Buffer {
    const attrs = Buffer.concat([hex('0107 626f623132 5012'), Buffer.alloc(16), extra]);
    const buf = assemble(Code.AccessRequest, 1, AUTH, attrs);
    createHmac('md5', secret)
      .update(buf)
      .digest()
      .copy(buf, 20 + 7 + 2);
    return buf;
  }

  it('ABSENT without the attribute', () => {
    assert.equal(verifyMessageAuthenticator(parsePacket(RFC2865_REQUEST), RFC2865_SECRET), 'ABSENT');
  });

  it('VALID for a hand-computed Access-Request MA; INVALID when tampered or with another secret', () => {
    const buf = handAccessRequest(SECRET);
    assert.equal(verifyMessageAuthenticator(parsePacket(buf), SECRET), 'VALID');
    assert.equal(verifyMessageAuthenticator(parsePacket(buf), Buffer.from('x')), 'INVALID');
    const t = Buffer.from(buf);
    t[23] ^= 1; // inside User-Name
    assert.equal(verifyMessageAuthenticator(parsePacket(t), SECRET), 'INVALID');
    const t2 = Buffer.from(buf);
    t2[5] ^= 1; // Request Authenticator is covered too
    assert.equal(verifyMessageAuthenticator(parsePacket(t2), SECRET), 'INVALID');
  });

  it('INVALID with two Message-Authenticators or one of the wrong size', () => {
    const two = handAccessRequest(SECRET, Buffer.concat([hex('5012'), Buffer.alloc(16)]));
    assert.equal(verifyMessageAuthenticator(parsePacket(two), SECRET), 'INVALID');
    const short = assemble(Code.AccessRequest, 1, AUTH, Buffer.concat([hex('5011'), Buffer.alloc(15)]));
    assert.equal(verifyMessageAuthenticator(parsePacket(short), SECRET), 'INVALID');
  });

  it('Accounting/CoA/DM requests: computed with a zero authenticator, before the Request Authenticator', () => {
    for (const code of [Code.AccountingRequest, Code.DisconnectRequest, Code.CoaRequest]) {
      const attrs = Buffer.concat([hex('5012'), Buffer.alloc(16), hex('0107 626f623132')]);
      const buf = assemble(code, 9, Buffer.alloc(16), attrs);
      createHmac('md5', SECRET).update(buf).digest().copy(buf, 22);
      createHash('md5').update(buf).update(SECRET).digest().copy(buf, 4);
      const p = parsePacket(buf);
      assert.equal(verifyRequestAuthenticator(p, SECRET), true);
      assert.equal(verifyMessageAuthenticator(p, SECRET), 'VALID');
    }
  });

  it('responses need the request authenticator', () => {
    const req = parsePacket(
      encodeRequest(Code.AccessRequest, 3, new PacketBuilder().add(Attr.UserName, 'x'), SECRET),
    );
    const attrs = Buffer.concat([hex('5012'), Buffer.alloc(16)]);
    const reply = assemble(Code.AccessAccept, 3, req.authenticator, attrs);
    createHmac('md5', SECRET).update(reply).digest().copy(reply, 22);
    createHash('md5').update(reply).update(SECRET).digest().copy(reply, 4);
    const p = parsePacket(reply);
    assert.equal(verifyMessageAuthenticator(p, SECRET, req.authenticator), 'VALID');
    assert.equal(verifyMessageAuthenticator(p, SECRET), 'INVALID');
    assert.equal(verifyResponse(p, req.authenticator, SECRET), true);
    // A reply whose MA is wrong fails verifyResponse even with a correct Response Authenticator.
    const bad = Buffer.from(reply);
    bad[30] ^= 1;
    createHash('md5')
      .update(Buffer.concat([bad.subarray(0, 4), req.authenticator, bad.subarray(20), SECRET]))
      .digest()
      .copy(bad, 4);
    assert.equal(verifyResponse(parsePacket(bad), req.authenticator, SECRET), false);
  });
});

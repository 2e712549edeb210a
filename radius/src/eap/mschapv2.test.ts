import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { desEncryptBlock, expandDesKey } from './des.js';
import {
  challengeHash,
  challengeResponse,
  challengeUserName,
  generateAuthenticatorResponse,
  generateNtResponse,
  md4,
  ntPasswordHash,
  verifyNtResponse,
} from './mschapv2.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('DES', () => {
  // Known-answer tests: the classic FIPS 81 example, and entries of the NBS/NIST validation
  // tables (SP 800-17 variable-plaintext and variable-key tests, key 0101…01 = all-zero key bits).
  const rows: Array<[string, string, string, string]> = [
    ['FIPS 81 example', '0123456789abcdef', '4e6f772069732074', '3fa40e8a984d4815'],
    ['variable plaintext, round 1', '0101010101010101', '8000000000000000', '95f8a5e5dd31d900'],
    ['variable plaintext, round 2', '0101010101010101', '4000000000000000', 'dd7f121ca5015619'],
    ['variable plaintext, last', '0101010101010101', '0000000000000001', '166b40b44aba4bd6'],
    ['variable key, round 1', '8001010101010101', '0000000000000000', '95a8d72813daa94d'],
    ['variable key, last', '0101010101010102', '0000000000000000', '869efd7f9f265a09'],
    ['parity bits do not matter', '0000000000000000', '0000000000000000', '8ca64de9c1b123a7'],
    ['all ones', 'ffffffffffffffff', 'ffffffffffffffff', '7359b2163e4edc58'],
  ];
  for (const [name, key, plain, cipher] of rows) {
    it(name, () => assert.equal(desEncryptBlock(hex(key), hex(plain)).toString('hex'), cipher));
  }

  it('spreads 7 key bytes over 8 with odd parity', () => {
    assert.equal(expandDesKey(hex('00000000000000')).toString('hex'), '0101010101010101');
    assert.equal(expandDesKey(hex('ffffffffffffff')).toString('hex'), 'fefefefefefefefe');
    // 0x80 then zeros: the first key byte gets the top bit, parity makes it odd already.
    assert.equal(expandDesKey(hex('80000000000000')).toString('hex'), '8001010101010101');
  });

  it('refuses wrong lengths', () => {
    assert.throws(() => desEncryptBlock(Buffer.alloc(7), Buffer.alloc(8)), RangeError);
    assert.throws(() => desEncryptBlock(Buffer.alloc(8), Buffer.alloc(9)), RangeError);
    assert.throws(() => expandDesKey(Buffer.alloc(8)), RangeError);
  });
});

describe('MD4 (RFC 1320 §A.5)', () => {
  const rows: Array<[string, string]> = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      'e33b4ddc9c38f2199c3e7b164fcc0536',
    ],
  ];
  for (const [input, digest] of rows) {
    it(JSON.stringify(input), () => assert.equal(md4(Buffer.from(input)).toString('hex'), digest));
  }
});

describe('MS-CHAP-V2, RFC 2759 §9.2 test vectors', () => {
  const userName = 'User';
  const password = 'clientPass';
  const authenticatorChallenge = hex('5B5D7C7D7B3F2F3E3C2C602132262628');
  const peerChallenge = hex('21402324255E262A28295F2B3A337C7E');
  const passwordHash = hex('44EBBA8D5312B8D611474411F56989AE');
  const ntResponse = hex('82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF');

  it('ChallengeHash', () => {
    assert.equal(
      challengeHash(peerChallenge, authenticatorChallenge, userName).toString('hex'),
      'd02e4386bce91226',
    );
  });

  it('NtPasswordHash and its hash', () => {
    assert.deepEqual(ntPasswordHash(password), passwordHash);
    assert.equal(md4(passwordHash).toString('hex'), '41c00c584bd2d91c4017a2a12fa59f3f');
  });

  it('ChallengeResponse / GenerateNTResponse', () => {
    assert.deepEqual(challengeResponse(hex('D02E4386BCE91226'), passwordHash), ntResponse);
    assert.deepEqual(
      generateNtResponse(authenticatorChallenge, peerChallenge, userName, passwordHash),
      ntResponse,
    );
  });

  it('GenerateAuthenticatorResponse', () => {
    assert.equal(
      generateAuthenticatorResponse(
        passwordHash,
        ntResponse,
        peerChallenge,
        authenticatorChallenge,
        userName,
      ),
      'S=407A5589115FD0D6209F510FE9C04566932CDA56',
    );
  });

  const verifyRows: Array<{ name: string; user: string; hash: Buffer; response: Buffer; ok: boolean }> = [
    { name: 'the RFC response', user: userName, hash: passwordHash, response: ntResponse, ok: true },
    {
      name: 'a DOMAIN\\ prefix is not hashed',
      user: 'CORP\\User',
      hash: passwordHash,
      response: ntResponse,
      ok: true,
    },
    { name: 'another user name', user: 'user', hash: passwordHash, response: ntResponse, ok: false },
    {
      name: 'another password',
      user: userName,
      hash: ntPasswordHash('clientpass'),
      response: ntResponse,
      ok: false,
    },
    {
      name: 'one flipped bit',
      user: userName,
      hash: passwordHash,
      response: Buffer.from(ntResponse.map((b, i) => (i === 23 ? b ^ 1 : b))),
      ok: false,
    },
    {
      name: 'a short response',
      user: userName,
      hash: passwordHash,
      response: ntResponse.subarray(0, 23),
      ok: false,
    },
  ];
  for (const row of verifyRows) {
    it(`verifyNtResponse: ${row.name}`, () => {
      assert.equal(
        verifyNtResponse(authenticatorChallenge, peerChallenge, row.user, row.hash, row.response),
        row.ok,
      );
    });
  }

  it('challengeUserName strips only the domain part', () => {
    assert.equal(challengeUserName('ada@example.com'), 'ada@example.com');
    assert.equal(challengeUserName('CORP\\ada'), 'ada');
    assert.equal(challengeUserName('a\\b\\c'), 'c');
  });
});

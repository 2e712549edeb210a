import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { EapolError, micMatches, parseEapolKeyMsg2, type EapolErrorCode } from './eapol.js';
import { MicChecker } from './mic-check.js';
import { RSN_IE_PSK_SHA256, buildMsg2, pmkFromPassphrase } from './station.js';
import { FREERADIUS_DPSK as FR, IWD_PTK as IWD, hex } from './test-support/vectors.js';

interface Handshake {
  pmk: Buffer;
  apMac: Buffer;
  staMac: Buffer;
  anonce: Buffer;
}

/** Both implementations (reference micMatches and the scan's MicChecker) must agree. */
function verifies(frameBytes: Buffer, h: Handshake): boolean {
  const frame = parseEapolKeyMsg2(frameBytes);
  const reference = micMatches(h.pmk, h.apMac, h.staMac, h.anonce, frame);
  const fast = new MicChecker(h.apMac, h.staMac, h.anonce, frame).check(h.pmk);
  assert.equal(fast, reference, 'MicChecker disagrees with micMatches');
  return reference;
}

function isCode(code: EapolErrorCode) {
  return (error: unknown) => error instanceof EapolError && error.code === code;
}

function randomHandshake(): Handshake {
  return { pmk: randomBytes(32), apMac: randomBytes(6), staMac: randomBytes(6), anonce: randomBytes(32) };
}

describe('FreeRADIUS dpsk vector', () => {
  const h: Handshake = {
    pmk: pbkdf2Sync(FR.passphrase, FR.ssid, 4096, 32, 'sha1'),
    apMac: hex(FR.apMac),
    staMac: hex(FR.staMac),
    anonce: hex(FR.anonce),
  };

  it('validates the captured frame with PMK = PBKDF2(Pancakes1124, Andrena_39_Lincoln)', () => {
    assert.equal(h.pmk.toString('hex'), FR.pmk);
    assert.equal(verifies(hex(FR.frame), h), true);
  });

  it('is reproduced byte for byte by the station', () => {
    const frame = buildMsg2({
      passphrase: FR.passphrase,
      ssid: FR.ssid,
      apMac: h.apMac,
      staMac: h.staMac,
      anonce: h.anonce,
      snonce: hex(FR.snonce),
      rsnIe: hex(FR.rsnIe),
      replayCounter: 1,
    });
    assert.equal(frame.toString('hex'), FR.frame);
  });

  it('does not validate with a neighbouring passphrase', () => {
    assert.equal(verifies(hex(FR.frame), { ...h, pmk: pmkFromPassphrase('Pancakes1125', FR.ssid) }), false);
  });
});

describe('iwd vector (EAPOL version 1, Key Length 0)', () => {
  const h: Handshake = {
    pmk: hex(IWD.pmk),
    apMac: hex(IWD.apMac),
    staMac: hex(IWD.staMac),
    anonce: hex(IWD.anonce),
  };

  it('validates the frame and is reproduced by the station', () => {
    assert.equal(verifies(hex(IWD.frame), h), true);
    const frame = buildMsg2({
      ...h,
      snonce: hex(IWD.snonce),
      rsnIe: hex(IWD.rsnIe),
      replayCounter: 0,
      eapolVersion: 1,
      keyLength: 0,
    });
    assert.equal(frame.toString('hex'), IWD.frame);
  });
});

for (const descriptorVersion of [2, 3] as const) {
  describe(`station round trip, key descriptor version ${descriptorVersion}`, () => {
    it('builds a message 2/4 that verifies', () => {
      for (let i = 0; i < 20; i++) {
        const h = randomHandshake();
        const bytes = buildMsg2({ ...h, descriptorVersion });
        const frame = parseEapolKeyMsg2(bytes);
        assert.equal(frame.descriptorVersion, descriptorVersion);
        assert.equal(frame.keyInfo & 0x0108, 0x0108); // MIC | Pairwise
        assert.equal(verifies(bytes, h), true);
      }
    });

    it('derives the PMK from passphrase and SSID', () => {
      const h = { ...randomHandshake(), pmk: pmkFromPassphrase('correct horse battery', 'Lanyard Guest') };
      const bytes = buildMsg2({
        ...h,
        passphrase: 'correct horse battery',
        ssid: 'Lanyard Guest',
        descriptorVersion,
      });
      assert.equal(verifies(bytes, h), true);
      assert.equal(
        verifies(bytes, { ...h, pmk: pmkFromPassphrase('correct horse battery', 'Lanyard') }),
        false,
      );
    });

    it('fails for a wrong PSK', () => {
      const h = randomHandshake();
      const bytes = buildMsg2({ ...h, descriptorVersion });
      assert.equal(verifies(bytes, { ...h, pmk: randomBytes(32) }), false);
      const flipped = Buffer.from(h.pmk);
      flipped[0]! ^= 0x80;
      assert.equal(verifies(bytes, { ...h, pmk: flipped }), false);
    });

    it('fails for a wrong ANonce', () => {
      const h = randomHandshake();
      const bytes = buildMsg2({ ...h, descriptorVersion });
      const anonce = Buffer.from(h.anonce);
      anonce[17]! ^= 1;
      assert.equal(verifies(bytes, { ...h, anonce }), false);
      assert.equal(verifies(bytes, { ...h, anonce: randomBytes(32) }), false);
    });

    it('fails for a wrong station or AP MAC; swapping AA and SPA does not change the PTK', () => {
      const h = randomHandshake();
      const bytes = buildMsg2({ ...h, descriptorVersion });
      assert.equal(verifies(bytes, { ...h, staMac: randomBytes(6) }), false);
      assert.equal(verifies(bytes, { ...h, apMac: randomBytes(6) }), false);
      assert.equal(verifies(bytes, { ...h, apMac: h.staMac, staMac: h.staMac }), false);
      // The PTK input is min(AA,SPA) ‖ max(AA,SPA): the MIC cannot tell which address is which.
      assert.equal(verifies(bytes, { ...h, apMac: h.staMac, staMac: h.apMac }), true);
    });

    it('fails when any byte of the frame is tampered with', () => {
      const h = randomHandshake();
      const bytes = buildMsg2({ ...h, descriptorVersion });
      // replay counter, SNonce, Key IV, RSC, MIC, Key Data
      for (const offset of [16, 17, 48, 60, 70, 81, 96, 100, bytes.length - 1]) {
        const tampered = Buffer.from(bytes);
        tampered[offset]! ^= 0x01;
        assert.equal(verifies(tampered, h), false, `byte ${offset}`);
      }
    });

    it('cannot parse a truncated frame or a non-key EAPOL packet', () => {
      const bytes = buildMsg2({ ...randomHandshake(), descriptorVersion });
      assert.throws(() => parseEapolKeyMsg2(bytes.subarray(0, bytes.length - 1)), isCode('TOO_SHORT'));
      assert.throws(() => parseEapolKeyMsg2(bytes.subarray(0, 50)), isCode('TOO_SHORT'));
      const eap = Buffer.from(bytes);
      eap[1] = 0; // EAPOL packet type 0: EAP-Packet
      assert.throws(() => parseEapolKeyMsg2(eap), isCode('NOT_EAPOL_KEY'));
    });
  });
}

describe('station options', () => {
  it('uses a 512-bit PTK length in the v3 KDF when the RSN element says GCMP-256', () => {
    const h = randomHandshake();
    const gcmp256 = Buffer.from(RSN_IE_PSK_SHA256);
    gcmp256[13] = 9; // pairwise suite 00-0F-AC:9
    const bytes = buildMsg2({ ...h, descriptorVersion: 3, rsnIe: gcmp256 });
    assert.equal(parseEapolKeyMsg2(bytes).pairwiseCipher, 9);
    assert.equal(verifies(bytes, h), true);
  });

  it('writes the replay counter and a random SNonce by default', () => {
    const h = randomHandshake();
    const a = parseEapolKeyMsg2(buildMsg2({ ...h, replayCounter: 0x0102030405060708n }));
    const b = parseEapolKeyMsg2(buildMsg2(h));
    assert.equal(a.zeroed.subarray(9, 17).toString('hex'), '0102030405060708');
    assert.equal(b.zeroed.subarray(9, 17).toString('hex'), '0000000000000001');
    assert.notDeepEqual(a.snonce, b.snonce);
  });

  it('rejects a wrong-size SNonce', () => {
    assert.throws(() => buildMsg2({ ...randomHandshake(), snonce: Buffer.alloc(31) }), RangeError);
  });
});

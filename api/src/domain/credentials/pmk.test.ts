import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { computePmk, computePmkSync } from './pmk.js';
import { CredentialError } from './passphrase.js';

// IEEE 802.11i-2004 annex H.4 (802.11-2016 J.4) passphrase-to-PSK vectors.
const IEEE_VECTORS = [
  ['password', 'IEEE', 'f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e'],
  ['ThisIsAPassword', 'ThisIsASSID', '0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af'],
  ['a'.repeat(32), 'Z'.repeat(32), 'becb93866bb8c3832cb777c2f559807c8c59afcb6eae734885001300a981cc62'],
] as const;

// docs radius.md §3.10: FreeRADIUS dpsk test (src/tests/modules/dpsk/data.attrs).
const DPSK = {
  passphrase: 'Pancakes1124',
  ssid: 'Andrena_39_Lincoln',
  // Our derivation; its correctness is proven below by reproducing the captured frame's MIC.
  pmk: '44a4f34b6270fccb7dffa8c9e610e3b80f021c8165bcf53c99c3f818167982ab',
  ap: '34efb6af489e',
  sta: '8ab3a0ebd5e5',
  anonce: '4df70a4285c5c61f177cdbfc29d7e3cac94167f6101f1bcab420dd50c4f8809d',
  eapolMsg2:
    '0203007502010a00100000000000000001c3bb319516614aacfb44e933bf1671131fb1856e5b2721952d414ce3f5aa312b' +
    '000000000000000000000000000000000000000000000000000000000000000035cddcedad0dfb6a12a2eca55c17c323' +
    '001630140100000fac040100000fac040100000fac028c00',
  mic: '35cddcedad0dfb6a12a2eca55c17c323',
};

/** WPA2 key descriptor v2 MIC of an EAPOL-Key frame (as in radius.md §3.10). */
function eapolMic(pmk: Buffer, ap: Buffer, sta: Buffer, anonce: Buffer, frame: Buffer): string {
  const snonce = frame.subarray(17, 49);
  const [mac1, mac2] = Buffer.compare(ap, sta) < 0 ? [ap, sta] : [sta, ap];
  const [n1, n2] = Buffer.compare(anonce, snonce) < 0 ? [anonce, snonce] : [snonce, anonce];
  const data = Buffer.concat([Buffer.from('Pairwise key expansion\0'), mac1, mac2, n1, n2, Buffer.from([0])]);
  const kck = createHmac('sha1', pmk).update(data).digest().subarray(0, 16);
  const zeroed = Buffer.from(frame);
  zeroed.fill(0, 81, 97);
  return createHmac('sha1', kck).update(zeroed).digest().subarray(0, 16).toString('hex');
}

function isCode(code: string) {
  return (error: unknown) => error instanceof CredentialError && error.code === code;
}

describe('computePmk', () => {
  for (const [passphrase, ssid, expected] of IEEE_VECTORS) {
    it(`reproduces the IEEE vector for SSID ${ssid.slice(0, 12)}`, async () => {
      const pmk = await computePmk(passphrase, ssid);
      assert.equal(pmk.length, 32);
      assert.equal(pmk.toString('hex'), expected);
      assert.equal(computePmkSync(passphrase, ssid).toString('hex'), expected);
    });
  }

  it('gives the PMK that validates the FreeRADIUS dpsk EAPOL frame (radius.md §3.10)', async () => {
    const pmk = await computePmk(DPSK.passphrase, DPSK.ssid);
    assert.equal(pmk.toString('hex'), DPSK.pmk);
    const args = [
      Buffer.from(DPSK.ap, 'hex'),
      Buffer.from(DPSK.sta, 'hex'),
      Buffer.from(DPSK.anonce, 'hex'),
    ] as const;
    const frame = Buffer.from(DPSK.eapolMsg2, 'hex');
    assert.equal(frame.length, 121);
    assert.equal(frame.subarray(81, 97).toString('hex'), DPSK.mic);
    assert.equal(eapolMic(pmk, ...args, frame), DPSK.mic);
    // The check discriminates: a neighbouring passphrase does not validate the frame.
    assert.notEqual(eapolMic(computePmkSync('Pancakes1125', DPSK.ssid), ...args, frame), DPSK.mic);
  });

  it('uses the UTF-8 bytes of the SSID and counts its length in bytes', () => {
    const a = computePmkSync('ThisIsAPassword', 'café');
    assert.notDeepEqual(a, computePmkSync('ThisIsAPassword', 'cafe'));
    assert.equal(computePmkSync('ThisIsAPassword', 'é'.repeat(16)).length, 32); // 32 bytes: allowed
    assert.throws(() => computePmkSync('ThisIsAPassword', 'é'.repeat(16) + 'x'), isCode('SSID_INVALID')); // 33
  });

  it('accepts the passphrase and SSID length boundaries', async () => {
    assert.equal((await computePmk('abcdefgh', 'Z')).length, 32);
    assert.equal((await computePmk('k'.repeat(63), 'Z'.repeat(32))).length, 32);
  });

  it('rejects passphrases outside the WPA2 format, asynchronously and synchronously', async () => {
    const cases = [
      ['short77', 'PASSPHRASE_TOO_SHORT'],
      ['k'.repeat(64), 'PASSPHRASE_TOO_LONG'],
      ['pâté-maison', 'PASSPHRASE_NOT_PRINTABLE_ASCII'],
      ['tab\tinside', 'PASSPHRASE_NOT_PRINTABLE_ASCII'],
    ] as const;
    for (const [passphrase, code] of cases) {
      await assert.rejects(computePmk(passphrase, 'IEEE'), isCode(code));
      assert.throws(() => computePmkSync(passphrase, 'IEEE'), isCode(code));
    }
  });

  it('rejects an empty or too long SSID', async () => {
    await assert.rejects(computePmk('ThisIsAPassword', ''), isCode('SSID_INVALID'));
    await assert.rejects(computePmk('ThisIsAPassword', 'Z'.repeat(33)), isCode('SSID_INVALID'));
    assert.throws(() => computePmkSync('ThisIsAPassword', ''), isCode('SSID_INVALID'));
    assert.throws(() => computePmkSync('ThisIsAPassword', 42 as unknown as string), isCode('SSID_INVALID'));
  });

  it('does not check commonness (the IEEE vector uses "password")', () => {
    assert.doesNotThrow(() => computePmkSync('password', 'IEEE'));
  });
});

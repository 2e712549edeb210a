import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, pbkdf2Sync } from 'node:crypto';
import {
  EapolError,
  computeMic,
  deriveKck,
  micMatches,
  parseEapolKeyMsg2,
  ptkBits,
  type EapolErrorCode,
  type EapolKeyFrame,
} from './eapol.js';
import { FREERADIUS_DPSK as FR, IWD_PTK as IWD, hex } from './test-support/vectors.js';

const frAp = hex(FR.apMac);
const frSta = hex(FR.staMac);
const frAnonce = hex(FR.anonce);
const frPmk = hex(FR.pmk);

function isCode(code: EapolErrorCode) {
  return (error: unknown) => error instanceof EapolError && error.code === code;
}

/** 802.11 PTK data, written out independently of eapol.ts for cross-checking. */
function ptkData(ap: Buffer, sta: Buffer, anonce: Buffer, snonce: Buffer): Buffer {
  const macs = [ap, sta].sort(Buffer.compare);
  const nonces = [anonce, snonce].sort(Buffer.compare);
  return Buffer.concat([...macs, ...nonces]);
}

/** IEEE 802.11 KDF-SHA256 producing `bits` bits (counter from 1, LE16 fields), the whole PTK. */
function kdfSha256(key: Buffer, label: string, context: Buffer, bits: number): Buffer {
  const out: Buffer[] = [];
  const length = Buffer.from([bits & 0xff, bits >> 8]);
  for (let i = 1; out.length * 256 < bits; i++) {
    const counter = Buffer.from([i & 0xff, i >> 8]);
    out.push(createHmac('sha256', key).update(counter).update(label).update(context).update(length).digest());
  }
  return Buffer.concat(out).subarray(0, bits / 8);
}

function withByte(frame: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(frame);
  copy[offset] = value;
  return copy;
}

describe('parseEapolKeyMsg2', () => {
  it('reads the FreeRADIUS dpsk frame', () => {
    const input = hex(FR.frame);
    const frame = parseEapolKeyMsg2(input);
    assert.equal(frame.descriptorVersion, 2);
    assert.equal(frame.keyInfo, 0x010a);
    assert.equal(frame.descriptorType, 2);
    assert.equal(frame.headerOffset, 0);
    assert.equal(frame.pairwiseCipher, 4);
    assert.equal(frame.snonce.toString('hex'), FR.snonce);
    assert.equal(frame.mic.toString('hex'), FR.mic);
    assert.equal(frame.zeroed.length, 121);
    assert.ok(frame.zeroed.subarray(81, 97).equals(Buffer.alloc(16)));
    assert.ok(frame.zeroed.subarray(0, 81).equals(input.subarray(0, 81)));
    assert.ok(frame.zeroed.subarray(97).equals(input.subarray(97)));
  });

  it('copies: later changes to the input do not reach the parsed frame', () => {
    const input = hex(FR.frame);
    const frame = parseEapolKeyMsg2(input);
    input.fill(0xee);
    assert.equal(frame.snonce.toString('hex'), FR.snonce);
    assert.equal(frame.mic.toString('hex'), FR.mic);
  });

  it('finds the header behind prepended bytes (SNonce at 34, radius.md §12)', () => {
    const prefix = Buffer.alloc(17, 0xaa);
    const frame = parseEapolKeyMsg2(Buffer.concat([prefix, hex(FR.frame)]));
    assert.equal(frame.headerOffset, 17);
    assert.equal(frame.snonce.toString('hex'), FR.snonce);
    assert.ok(micMatches(frPmk, frAp, frSta, frAnonce, frame));
  });

  it('skips a header-looking prefix whose length does not fit', () => {
    const prefix = hex('0203ffff02000000');
    const frame = parseEapolKeyMsg2(Buffer.concat([prefix, hex(FR.frame)]));
    assert.equal(frame.headerOffset, prefix.length);
    assert.ok(micMatches(frPmk, frAp, frSta, frAnonce, frame));
  });

  it('ignores trailing bytes after the EAPOL body', () => {
    const frame = parseEapolKeyMsg2(Buffer.concat([hex(FR.frame), hex('00000000deadbeef')]));
    assert.equal(frame.zeroed.length, 121);
    assert.ok(micMatches(frPmk, frAp, frSta, frAnonce, frame));
  });

  it('accepts EAPOL protocol versions 1 and 3 and Key Length 0 (iwd vector)', () => {
    const v1 = parseEapolKeyMsg2(hex(IWD.frame));
    assert.equal(v1.descriptorVersion, 2);
    assert.ok(micMatches(hex(IWD.pmk), hex(IWD.apMac), hex(IWD.staMac), hex(IWD.anonce), v1));
    const v3 = parseEapolKeyMsg2(withByte(hex(FR.frame), 0, 3));
    assert.equal(v3.zeroed[0], 3);
  });

  it('rejects truncated frames', () => {
    const frame = hex(FR.frame);
    assert.throws(() => parseEapolKeyMsg2(frame.subarray(0, 60)), isCode('TOO_SHORT'));
    assert.throws(() => parseEapolKeyMsg2(frame.subarray(0, 110)), isCode('TOO_SHORT'));
    assert.throws(() => parseEapolKeyMsg2(frame.subarray(0, 120)), isCode('TOO_SHORT'));
    assert.throws(() => parseEapolKeyMsg2(Buffer.alloc(0)), isCode('TOO_SHORT'));
  });

  it('rejects a Key Data Length larger than the body', () => {
    const frame = hex(FR.frame);
    frame.writeUInt16BE(23, 97);
    assert.throws(() => parseEapolKeyMsg2(frame), isCode('TOO_SHORT'));
  });

  it('rejects EAPOL packets that are not EAPOL-Key', () => {
    assert.throws(() => parseEapolKeyMsg2(hex('020000050101000501')), isCode('NOT_EAPOL_KEY')); // EAP Request
    assert.throws(() => parseEapolKeyMsg2(hex('01010000')), isCode('NOT_EAPOL_KEY')); // EAPOL-Start
    const eapInKeySizedPacket = withByte(hex(FR.frame), 1, 0);
    assert.throws(() => parseEapolKeyMsg2(eapInKeySizedPacket), isCode('NOT_EAPOL_KEY'));
    assert.throws(() => parseEapolKeyMsg2(Buffer.alloc(121)), isCode('NOT_EAPOL_KEY'));
    assert.throws(() => parseEapolKeyMsg2('0203' as unknown as Buffer), isCode('NOT_EAPOL_KEY'));
  });

  it('rejects descriptor types and key descriptor versions it cannot check', () => {
    const frame = hex(FR.frame);
    assert.throws(() => parseEapolKeyMsg2(withByte(frame, 4, 1)), isCode('UNSUPPORTED_DESCRIPTOR')); // RC4
    const keyInfo = (version: number) => {
      const copy = Buffer.from(frame);
      copy.writeUInt16BE((0x010a & ~7) | version, 5);
      return copy;
    };
    assert.throws(() => parseEapolKeyMsg2(keyInfo(0)), isCode('UNSUPPORTED_DESCRIPTOR')); // AKM-defined
    assert.throws(() => parseEapolKeyMsg2(keyInfo(4)), isCode('UNSUPPORTED_DESCRIPTOR'));
    assert.equal(parseEapolKeyMsg2(withByte(frame, 4, 254)).descriptorType, 254); // WPA
  });

  it('rejects a frame without the Key MIC flag (message 1/4)', () => {
    const frame = hex(FR.frame);
    frame.writeUInt16BE(0x008a, 5); // Pairwise | Ack, v2
    assert.throws(() => parseEapolKeyMsg2(frame), isCode('NO_MIC'));
  });

  it('finds the pairwise cipher only in an RSN element', () => {
    assert.equal(parseEapolKeyMsg2(hex(FR.frame)).pairwiseCipher, 4);
    const noKeyData = hex(FR.frame).subarray(0, 99);
    noKeyData.writeUInt16BE(95, 2);
    noKeyData.writeUInt16BE(0, 97);
    assert.equal(parseEapolKeyMsg2(noKeyData).pairwiseCipher, null);
  });
});

describe('deriveKck / computeMic / micMatches', () => {
  const frame = parseEapolKeyMsg2(hex(FR.frame));

  it('derives the PMK from the passphrase and validates the FreeRADIUS frame', () => {
    const pmk = pbkdf2Sync(FR.passphrase, FR.ssid, 4096, 32, 'sha1');
    assert.equal(pmk.toString('hex'), FR.pmk);
    assert.equal(micMatches(pmk, frAp, frSta, frAnonce, frame), true);
    const kck = deriveKck(pmk, frAp, frSta, frAnonce, frame.snonce, 2);
    assert.equal(computeMic(kck, frame).toString('hex'), FR.mic);
  });

  it('computes the v1/v2 KCK as the first PRF-512 block', () => {
    const data = Buffer.concat([
      Buffer.from('Pairwise key expansion\0', 'latin1'),
      ptkData(frAp, frSta, frAnonce, frame.snonce),
      Buffer.from([0]),
    ]);
    const expected = createHmac('sha1', frPmk).update(data).digest().subarray(0, 16);
    assert.deepEqual(deriveKck(frPmk, frAp, frSta, frAnonce, frame.snonce, 2), expected);
    assert.deepEqual(deriveKck(frPmk, frAp, frSta, frAnonce, frame.snonce, 1), expected);
  });

  it('computes the v3 KCK as the first 128 bits of KDF-SHA256 over the whole PTK length', () => {
    const context = ptkData(frAp, frSta, frAnonce, frame.snonce);
    for (const bits of [384, 512]) {
      const ptk = kdfSha256(frPmk, 'Pairwise key expansion', context, bits);
      assert.deepEqual(deriveKck(frPmk, frAp, frSta, frAnonce, frame.snonce, 3, bits), ptk.subarray(0, 16));
    }
    assert.notDeepEqual(
      deriveKck(frPmk, frAp, frSta, frAnonce, frame.snonce, 3, 384),
      deriveKck(frPmk, frAp, frSta, frAnonce, frame.snonce, 3, 512),
    );
  });

  it('maps the pairwise cipher to the PTK length', () => {
    assert.equal(ptkBits(4), 384); // CCMP-128
    assert.equal(ptkBits(8), 384); // GCMP-128
    assert.equal(ptkBits(null), 384);
    assert.equal(ptkBits(2), 512); // TKIP
    assert.equal(ptkBits(9), 512); // GCMP-256
    assert.equal(ptkBits(10), 512); // CCMP-256
  });

  it('computes an HMAC-MD5 MIC for key descriptor version 1 (WPA1/TKIP)', () => {
    const raw = hex(FR.frame);
    raw[4] = 254;
    raw.writeUInt16BE(0x0109, 5); // MIC | Pairwise | v1
    raw.fill(0, 81, 97);
    const kck = createHmac('sha1', frPmk)
      .update(
        Buffer.concat([
          Buffer.from('Pairwise key expansion\0', 'latin1'),
          ptkData(frAp, frSta, frAnonce, frame.snonce),
          Buffer.from([0]),
        ]),
      )
      .digest()
      .subarray(0, 16);
    createHmac('md5', kck).update(raw).digest().copy(raw, 81);
    const wpa1: EapolKeyFrame = parseEapolKeyMsg2(raw);
    assert.equal(wpa1.descriptorVersion, 1);
    assert.equal(micMatches(frPmk, frAp, frSta, frAnonce, wpa1), true);
    assert.equal(micMatches(hex(IWD.pmk), frAp, frSta, frAnonce, wpa1), false);
  });

  it('fails for a wrong PMK, ANonce or station MAC', () => {
    const other = pbkdf2Sync('Pancakes1125', FR.ssid, 4096, 32, 'sha1');
    assert.equal(micMatches(other, frAp, frSta, frAnonce, frame), false);
    const anonce = Buffer.from(frAnonce);
    anonce[31]! ^= 1;
    assert.equal(micMatches(frPmk, frAp, frSta, anonce, frame), false);
    assert.equal(micMatches(frPmk, frAp, hex('8ab3a0ebd5e6'), frAnonce, frame), false);
  });

  it('rejects wrong-size inputs with RangeError', () => {
    assert.throws(() => deriveKck(frPmk.subarray(0, 16), frAp, frSta, frAnonce, frame.snonce, 2), RangeError);
    assert.throws(() => deriveKck(frPmk, frAp.subarray(0, 5), frSta, frAnonce, frame.snonce, 2), RangeError);
    assert.throws(() => deriveKck(frPmk, frAp, frSta, frAnonce.subarray(1), frame.snonce, 2), RangeError);
    assert.throws(() => deriveKck(frPmk, frAp, frSta, frAnonce, frame.snonce, 0), RangeError);
    assert.throws(() => computeMic(Buffer.alloc(20), frame), RangeError);
  });
});

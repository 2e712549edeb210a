/**
 * Seeded fuzzing: whatever bytes arrive, the codec throws CodecError or returns — nothing else
 * (no RangeError from a Buffer read, no TypeError, no hang).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attr,
  Code,
  CodecError,
  getAllExtended,
  getAllVsas,
  getAttr,
  getEapMessage,
  getExtended,
  getInt,
  getString,
  getVsas,
  macFromAttribute,
  parseCalledStationId,
  parsePacket,
  parseTlvs,
  Vendor,
  type RadiusPacket,
} from './packet.js';
import { PacketBuilder, encodeRequest, encodeResponse } from './builder.js';
import {
  decryptSalted,
  decryptUserPassword,
  verifyMessageAuthenticator,
  verifyRequestAuthenticator,
  verifyResponse,
} from './crypto.js';
import { describe as describePacket } from './dictionary.js';
import { prng } from './test-support/vectors.js';

const SECRET = Buffer.from('fuzz-secret');
const CODES = Object.values(Code);

/** Everything the worker might run on a request it received; only CodecError may escape. */
function exercise(p: RadiusPacket): void {
  const soft = (fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
    }
  };
  getAttr(p, Attr.UserName);
  getString(p, Attr.CalledStationId);
  getInt(p, Attr.AcctStatusType);
  getEapMessage(p);
  for (const v of getAllVsas(p)) soft(() => parseTlvs(v.value));
  getVsas(p, Vendor.Ruckus, 153).forEach((v) => soft(() => parseTlvs(v)));
  getAllExtended(p);
  getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: 2 });
  getExtended(p, 241, 1);
  describePacket(p);
  verifyMessageAuthenticator(p, SECRET);
  verifyMessageAuthenticator(p, SECRET, Buffer.alloc(16));
  verifyRequestAuthenticator(p, SECRET);
  verifyResponse(p, Buffer.alloc(16), SECRET);
  const name = getString(p, Attr.UserName);
  if (name !== undefined) macFromAttribute(name);
  const called = getString(p, Attr.CalledStationId);
  if (called !== undefined) parseCalledStationId(called);
  const pw = getAttr(p, Attr.UserPassword);
  if (pw) soft(() => decryptUserPassword(pw, p.authenticator, SECRET));
  const tp = getAttr(p, Attr.TunnelPassword);
  if (tp) soft(() => decryptSalted(tp.subarray(1), SECRET, p.authenticator));
  if (p.code === Code.AccessRequest || p.code === Code.AccountingRequest) {
    soft(() =>
      encodeResponse(
        p,
        p.code === Code.AccessRequest ? Code.AccessReject : Code.AccountingResponse,
        new PacketBuilder(),
        SECRET,
      ),
    );
  }
}

function check(buf: Buffer): 'parsed' | 'rejected' {
  let p: RadiusPacket;
  try {
    p = parsePacket(buf);
  } catch (e) {
    if (e instanceof CodecError) return 'rejected';
    throw e;
  }
  exercise(p);
  return 'parsed';
}

/** A realistic packet to mutate: hostapd-style MAC auth with VSAs, TLVs and EVS5 fragments. */
function seedPackets(): Buffer[] {
  const b = new PacketBuilder()
    .add(Attr.UserName, 'aabbccddeeff')
    .add(Attr.CalledStationId, '00-11-22-33-44-55:Cowork')
    .add(Attr.CallingStationId, 'AA-BB-CC-DD-EE-FF')
    .addVsa(Vendor.Ruckus, 3, 'Cowork')
    .addVsaTlv(Vendor.Ruckus, 153, [
      [1, Buffer.from([0, 0x0f, 0xac, 2])],
      [2, Buffer.from([4])],
      [3, Buffer.alloc(32, 7)],
      [4, Buffer.alloc(121, 2)],
    ])
    .addEvs(245, Vendor.FreeRadius, 1, Buffer.alloc(32, 0xaa))
    .addEvs(245, Vendor.FreeRadius, 2, Buffer.alloc(400, 0x5a))
    .add(Attr.EapMessage, Buffer.alloc(300, 1));
  return [
    encodeRequest(Code.AccessRequest, 1, b, SECRET, { userPassword: 'aabbccddeeff' }),
    encodeRequest(
      Code.AccountingRequest,
      2,
      new PacketBuilder().add(Attr.AcctStatusType, 3).add(Attr.Class, 'x'),
      SECRET,
    ),
    encodeRequest(
      Code.DisconnectRequest,
      3,
      new PacketBuilder().add(Attr.UserName, 'u').add(Attr.TunnelPassword, Buffer.alloc(19)),
      SECRET,
    ),
  ];
}

describe('fuzz (seeded)', () => {
  it('random datagrams: only CodecError', () => {
    const rnd = prng(0x1a2b3c4d);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(rnd() * 4200);
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = Math.floor(rnd() * 256);
      if (check(buf) === 'parsed') parsed++;
    }
    assert.ok(parsed >= 0);
  });

  it('random attribute bytes behind a valid header: only CodecError, and many parse', () => {
    const rnd = prng(42);
    let parsed = 0;
    for (let i = 0; i < 4000; i++) {
      const n = Math.floor(rnd() * 600);
      const attrs = Buffer.alloc(n);
      // Mostly well-formed TLVs with random types (biased to 26 and 241–246) and lengths.
      let pos = 0;
      while (pos < n) {
        const r = rnd();
        const type = r < 0.25 ? 26 : r < 0.45 ? 241 + Math.floor(rnd() * 6) : Math.floor(rnd() * 256);
        const len = rnd() < 0.9 ? Math.min(n - pos, 2 + Math.floor(rnd() * 60)) : Math.floor(rnd() * 256);
        attrs[pos] = type;
        if (pos + 1 < n) attrs[pos + 1] = len;
        for (let j = pos + 2; j < Math.min(n, pos + len); j++) attrs[j] = Math.floor(rnd() * 256);
        if (type === 26 && pos + 6 < n && rnd() < 0.7) {
          attrs.writeUInt32BE([9, 311, 14823, 25053, 41112, 11344][Math.floor(rnd() * 6)]!, pos + 2);
        }
        pos += Math.max(2, len);
      }
      const header = Buffer.alloc(20);
      header[0] = CODES[Math.floor(rnd() * CODES.length)]!;
      header[1] = i & 0xff;
      header.writeUInt16BE(20 + n, 2);
      for (let j = 4; j < 20; j++) header[j] = Math.floor(rnd() * 256);
      if (check(Buffer.concat([header, attrs])) === 'parsed') parsed++;
    }
    assert.ok(parsed > 400, `only ${parsed} parsed`);
  });

  it('mutations of real packets (bit flips, truncation, length fields): only CodecError', () => {
    const rnd = prng(7);
    const seeds = seedPackets();
    let parsed = 0;
    for (let i = 0; i < 6000; i++) {
      const buf = Buffer.from(seeds[i % seeds.length]!);
      const kind = Math.floor(rnd() * 5);
      if (kind === 0) {
        for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++)
          buf[Math.floor(rnd() * buf.length)] ^= 1 << Math.floor(rnd() * 8);
      } else if (kind === 1) {
        // Corrupt a length byte somewhere after the header.
        buf[20 + Math.floor(rnd() * (buf.length - 20))] = Math.floor(rnd() * 256);
      } else if (kind === 2) {
        buf.writeUInt16BE(Math.floor(rnd() * 0x10000), 2);
      } else if (kind === 3) {
        const cut = Math.floor(rnd() * buf.length);
        const t = buf.subarray(0, cut);
        if (check(t) === 'parsed') parsed++;
        continue;
      } else {
        // Flip the M flag of a long-extended fragment or an EVS header byte.
        const idx = buf.indexOf(0xf5, 20);
        if (idx > 0 && idx + 3 < buf.length) buf[idx + 3 + Math.floor(rnd() * 3)] ^= 0x80;
      }
      if (check(buf) === 'parsed') parsed++;
    }
    assert.ok(parsed > 1000, `only ${parsed} parsed`);
  });
});

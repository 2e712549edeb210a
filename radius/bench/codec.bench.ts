/**
 * RADIUS codec micro-benchmark (docs/radius-codec.md). One MAC-authentication Access-Request as
 * hostapd sends it (User-Name = User-Password = MAC, NAS-IP, Called/Calling-Station-Id,
 * NAS-Port-Type, Connect-Info, Message-Authenticator) in; one Access-Accept (VLAN tunnel
 * attributes, Session-Timeout, Acct-Interim-Interval, Class, Message-Authenticator) out.
 * Anchor, measured in the same run: the npm `radius` package doing the same work
 * (radius.decode + radius.encode_response), so the ratio holds across machines.
 *
 *   cd radius && node --import tsx bench/codec.bench.ts        (or: npm run bench -- codec)
 *   BENCH_OPS=50000 BENCH_ROUNDS=9 … to measure longer.
 */
import { performance } from 'node:perf_hooks';
import { Attr, Code, getAttr, getString, macFromAttribute, parsePacket } from '../src/codec/packet.js';
import { PacketBuilder, encodeRequest, encodeResponse } from '../src/codec/builder.js';
import { decryptUserPassword, verifyMessageAuthenticator, verifyResponse } from '../src/codec/crypto.js';
import {
  decodeRawWithPackage,
  encodeResponseWithPackage,
  verifyResponseWithPackage,
} from '../src/codec/radius-package.js';

const OPS = Number(process.env.BENCH_OPS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECRET = Buffer.from('kV3q8Jw1Zr5Tn0Yp2Lm7Xc4B'); // 24 random characters, as the design asks

const request = encodeRequest(
  Code.AccessRequest,
  42,
  new PacketBuilder()
    .add(Attr.UserName, '961b74ac43ae')
    .add(Attr.NasIpAddress, Buffer.from([10, 20, 0, 5]))
    .add(Attr.CalledStationId, '34-EF-B6-AF-48-9E:Cowork Members')
    .add(Attr.CallingStationId, '96-1B-74-AC-43-AE')
    .add(Attr.NasPortType, 19)
    .add(Attr.ConnectInfo, 'CONNECT 11Mbps 802.11b'),
  SECRET,
  { userPassword: '961b74ac43ae', messageAuthenticatorPosition: 'last' },
);
const CLASS = Buffer.from('lanyard:4f1c2a9e-7d3b-4c55-9a61-0e2f8b7c6d5a');

function ours(withTunnelPassword: boolean): Buffer {
  const p = parsePacket(request);
  if (verifyMessageAuthenticator(p, SECRET) !== 'VALID') throw new Error('MA');
  const user = macFromAttribute(getString(p, Attr.UserName)!);
  const pw = decryptUserPassword(getAttr(p, Attr.UserPassword)!, p.authenticator, SECRET);
  if (!user || pw.length !== 12) throw new Error('request');
  getString(p, Attr.CalledStationId);
  getString(p, Attr.CallingStationId);
  const b = new PacketBuilder()
    .addTagged(Attr.TunnelType, 0, 13)
    .addTagged(Attr.TunnelMediumType, 0, 6)
    .addTagged(Attr.TunnelPrivateGroupId, 0, '120')
    .add(Attr.SessionTimeout, 28_800)
    .add(Attr.AcctInterimInterval, 600)
    .add(Attr.Class, CLASS);
  if (withTunnelPassword) b.addTunnelPassword(0, 'correct horse battery staple', SECRET, p.authenticator);
  return encodeResponse(p, Code.AccessAccept, b, SECRET);
}

const PACKAGE_ATTRS: Array<[string, ...unknown[]]> = [
  ['Tunnel-Type', 0, 13],
  ['Tunnel-Medium-Type', 0, 6],
  ['Tunnel-Private-Group-Id', 0, '120'],
  ['Session-Timeout', 28_800],
  ['Acct-Interim-Interval', 600],
  ['Class', CLASS],
];

function theirs(): Buffer {
  const req = decodeRawWithPackage(request, SECRET); // verifies MA, decrypts User-Password
  const user = macFromAttribute(req.attributes['User-Name'] as string);
  if (!user || (req.attributes['User-Password'] as string).length !== 12) throw new Error('request');
  return encodeResponseWithPackage(req, Code.AccessAccept, PACKAGE_ATTRS, SECRET);
}

// Decode-only and encode-only splits.
const oursDecode = (): void => {
  const p = parsePacket(request);
  if (verifyMessageAuthenticator(p, SECRET) !== 'VALID') throw new Error('MA');
  decryptUserPassword(getAttr(p, Attr.UserPassword)!, p.authenticator, SECRET);
  getString(p, Attr.UserName);
  getString(p, Attr.CalledStationId);
  getString(p, Attr.CallingStationId);
};
const theirsDecode = (): void => {
  decodeRawWithPackage(request, SECRET);
};
const parsedOnce = parsePacket(request);
const decodedOnce = decodeRawWithPackage(request, SECRET);
const oursEncode = (): void => {
  const b = new PacketBuilder()
    .addTagged(Attr.TunnelType, 0, 13)
    .addTagged(Attr.TunnelMediumType, 0, 6)
    .addTagged(Attr.TunnelPrivateGroupId, 0, '120')
    .add(Attr.SessionTimeout, 28_800)
    .add(Attr.AcctInterimInterval, 600)
    .add(Attr.Class, CLASS);
  encodeResponse(parsedOnce, Code.AccessAccept, b, SECRET);
};
const theirsEncode = (): void => {
  encodeResponseWithPackage(decodedOnce, Code.AccessAccept, PACKAGE_ATTRS, SECRET);
};

// Both replies must be valid before anything is timed.
for (const [name, reply] of [
  ['ours', ours(false)],
  ['ours+TP', ours(true)],
  ['package', theirs()],
] as const) {
  if (!verifyResponse(parsePacket(reply), parsedOnce.authenticator, SECRET))
    throw new Error(`${name}: bad reply`);
  if (!verifyResponseWithPackage(request, reply, SECRET)) throw new Error(`${name}: package rejects reply`);
}

function opsPerSecond(fn: () => unknown): number {
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < OPS; i++) fn();
    rates.push(OPS / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

const cases: Array<[string, () => unknown, () => unknown]> = [
  ['request → Access-Accept (decode, verify MA, decrypt, encode with MA)', () => ours(false), theirs],
  ['decode only (parse, verify MA, decrypt User-Password)', oursDecode, theirsDecode],
  ['encode only (build Accept, MA + Response Authenticator)', oursEncode, theirsEncode],
];

// Warm-up: JIT both paths before measuring.
for (const [, a, b] of cases) {
  for (let i = 0; i < 5_000; i++) {
    a();
    b();
  }
}

console.log(
  `node ${process.version}, ${OPS} ops × ${ROUNDS} rounds (median), request ${request.length} bytes`,
);
console.log('| case | ours (ops/s) | npm radius (ops/s) | ours / radius |');
console.log('|---|---:|---:|---:|');
for (const [name, a, b] of cases) {
  const ra = opsPerSecond(a);
  const rb = opsPerSecond(b);
  console.log(
    `| ${name} | ${Math.round(ra).toLocaleString('en')} | ${Math.round(rb).toLocaleString('en')} | ${(ra / rb).toFixed(2)}× |`,
  );
}
const tp = opsPerSecond(() => ours(true));
console.log(
  `| request → Accept + Tunnel-Password (bound PPSK) | ${Math.round(tp).toLocaleString('en')} | n/a (no salted encryption) | |`,
);

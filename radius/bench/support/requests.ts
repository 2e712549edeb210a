/**
 * What the RADIUS benchmarks send: hostapd-style PAP, MAC authentication and unbound-PPSK
 * requests for the seeded members, each with Message-Authenticator.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { PacketBuilder, encodeRequest } from '../../src/codec/builder.js';
import { Attr, Code, Vendor } from '../../src/codec/packet.js';
import { buildMsg2 } from '../../src/ppsk/station.js';
import type { RequestFactory } from './load.js';
import type { BenchMember } from './seed.js';

export const SSID = 'Lanyard';
export const AP_MAC = Buffer.from('02aabbccdd01', 'hex');
export const CALLED_STATION = `02-AA-BB-CC-DD-01:${SSID}`;
export const SECRET = 'bench-radius-secret-0123456789';
export const SECRET_BYTES = Buffer.from(SECRET);

// Requests (what a hostapd access point sends)

export const nasIp = Buffer.from([127, 0, 0, 1]);

// Request Authenticators from a pool of CSPRNG bytes: one randomBytes(16) call per request cost
// the generator more than encoding the request (the generator's CPU caps every server's figure).
let authPool = randomBytes(16 * 4096);
let authPos = 0;
export function nextAuthenticator(): Buffer {
  if (authPos === authPool.length) {
    authPool = randomBytes(authPool.length);
    authPos = 0;
  }
  authPos += 16;
  return authPool.subarray(authPos - 16, authPos);
}
export const ietfMac = (mac: string) => mac.replaceAll(':', '-').toUpperCase();
export const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;

export function papFactory(members: BenchMember[]): RequestFactory {
  const builders = members.map((m) =>
    new PacketBuilder()
      .add(Attr.UserName, m.username)
      .add(Attr.NasIpAddress, nasIp)
      .add(Attr.NasPortType, 19) // Wireless-802.11
      .add(Attr.CalledStationId, CALLED_STATION)
      .add(Attr.CallingStationId, ietfMac(m.mac)),
  );
  return (id) => {
    const i = Math.floor(Math.random() * members.length);
    return encodeRequest(Code.AccessRequest, id, builders[i]!, SECRET_BYTES, {
      userPassword: members[i]!.passphrase,
      authenticator: nextAuthenticator(),
    });
  };
}

export function macAuthFactory(members: BenchMember[]): RequestFactory {
  const builders = members.map((m) =>
    new PacketBuilder()
      .add(Attr.UserName, m.macUser)
      .add(Attr.NasIpAddress, nasIp)
      .add(Attr.NasPortType, 19)
      .add(Attr.CalledStationId, CALLED_STATION)
      .add(Attr.CallingStationId, ietfMac(m.mac)),
  );
  return (id) => {
    const i = Math.floor(Math.random() * members.length);
    return encodeRequest(Code.AccessRequest, id, builders[i]!, SECRET_BYTES, {
      userPassword: members[i]!.macUser,
      authenticator: nextAuthenticator(),
    });
  };
}

/** hostapd `wpa_psk_radius` style: MAC as User-Name plus the ANonce and EAPOL-Key msg 2/4 as EVS. */
export function ppskRequest(id: number, staMac: Buffer, pmk: Buffer): Buffer {
  const anonce = randomBytes(32);
  const frame = buildMsg2({ pmk, apMac: AP_MAC, staMac, anonce });
  const macUser = staMac.toString('hex');
  const b = new PacketBuilder()
    .add(Attr.UserName, macUser)
    .add(Attr.NasIpAddress, nasIp)
    .add(Attr.NasPortType, 19)
    .add(Attr.CalledStationId, CALLED_STATION)
    .add(Attr.CallingStationId, ietfMac(macUser.replace(/(..)(?!$)/g, '$1:')))
    .addEvs(245, Vendor.FreeRadius, 1, anonce) // FreeRADIUS-802.1X-Anonce
    .addEvs(245, Vendor.FreeRadius, 2, frame); // FreeRADIUS-802.1X-EAPoL-Key-Msg
  return encodeRequest(Code.AccessRequest, id, b, SECRET_BYTES, { userPassword: macUser });
}

/** Distinct random station MACs (locally administered, never one of the seeded 02:00:00:… ones). */
/** Unbound PPSK from stations already bound to their member (the matcher tries that PMK first). */
export function knownPpskFactory(members: BenchMember[]): RequestFactory {
  return (id) => {
    const m = pick(members);
    return ppskRequest(id, Buffer.from(m.macUser, 'hex'), m.pmk);
  };
}

export function unknownMacs(): () => Buffer {
  const seen = new Set<string>();
  return () => {
    for (;;) {
      const mac = randomBytes(6);
      mac[0] = 0x06 | (mac[0]! & 0xf0);
      const key = mac.toString('hex');
      if (!seen.has(key)) {
        seen.add(key);
        return mac;
      }
    }
  };
}

export const ATTRIBUTE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Attr).map(([name, type]) => [type, name]),
);

/** One request, one reply (for the reply comparison). */
export async function exchange(port: number, packet: Buffer): Promise<Buffer> {
  const s = createSocket('udp4');
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply from port ${port}`)), 3000);
      s.once('message', (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      s.send(packet, port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

/**
 * Shared fixtures for the handler tests (not imported by production code): one location, one group,
 * a NAS per vendor profile, four members, and a fake WriteStore that records what it is given.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { parseCidr } from '@lanyard/api/net';
import { NAS_VENDORS, type NasVendor } from '@lanyard/schema';
import { PacketBuilder, encodeRequest } from '../../codec/builder.js';
import { Attr, Code, Vendor, parsePacket, type RadiusPacket } from '../../codec/packet.js';
import { ntPasswordHash } from '../../eap/mschapv2.js';
import { buildMsg2 } from '../../ppsk/station.js';
import {
  Snapshot,
  type GroupEntry,
  type LocationEntry,
  type MemberEntry,
  type NasEntry,
} from '../../snapshot/snapshot.js';
import type { AccountingRecord, AuthEventRecord, WriteStore } from '../../store/write-store.js';

export const SSID = 'Lanyard';
export const TIMEZONE = 'Europe/London';
export const DEFAULT_VLAN = 30;

/**
 * The handlers' clock: 21:15 British Summer Time (UTC+1) on 15 July 2025, so local midnight is
 * 2025-07-15T23:00:00Z, 2 h 45 min = 9,900 s away (13,500 s if the zone were ignored).
 */
export const NOW = new Date('2025-07-15T20:15:00Z');
export const SECONDS_TO_LOCAL_MIDNIGHT = 9_900;

export const MAX_SESSION_TIMEOUT = 86_400;
export const ACCT_INTERIM_INTERVAL = 600;

export const LOCATION_ID = '0190a000-0000-7000-8000-00000000a001';
export const GROUP_ID = '0190a000-0000-7000-8000-00000000b001';
export const GROUP_NAME = 'Acme Team';
export const GROUP_VLAN = 120;
export const GROUP_UP_KBPS = 5_000;
export const GROUP_DOWN_KBPS = 20_000;

/** The AP's radio (BSSID) in every handshake. */
export const AP_MAC = '02:00:5e:10:0a:01';

export const pmkFor = (passphrase: string, ssid = SSID): Buffer =>
  pbkdf2Sync(Buffer.from(passphrase, 'utf8'), Buffer.from(ssid, 'utf8'), 4096, 32, 'sha1');

export interface MemberFixture {
  id: string;
  username: string;
  email: string;
  passphrase: string;
  /** Bound device, or null. */
  mac: string | null;
  /** PBKDF2(passphrase, "Lanyard"), computed once. */
  pmk: Buffer;
}

function member(n: number, username: string, passphrase: string, mac: string | null): MemberFixture {
  return {
    id: `0190a000-0000-7000-8000-00000000c00${n}`,
    username,
    email: `${username}@example.test`,
    passphrase,
    mac,
    pmk: pmkFor(passphrase),
  };
}

/** Active, member of the group, open-ended membership, one bound device. */
export const ALICE = member(1, 'alice', 'correct horse battery staple', 'aa:bb:cc:00:00:01');
/** Disabled, otherwise like Alice (membership in force, bound device). */
export const BOB = member(2, 'bob', 'tr0ub4dor&3-bob', 'aa:bb:cc:00:00:02');
/** Active, but the membership ended on 1 July 2025. */
export const CAROL = member(3, 'carol', 'carol-ended-in-july', null);
/** Active, no membership: a desk booking today (09:00–18:00 local) only, no group. */
export const DAVE = member(4, 'dave', 'dave-has-a-desk-today', null);

export const MEMBERS = [ALICE, BOB, CAROL, DAVE] as const;

/** Station MAC that no member has bound. */
export const UNKNOWN_MAC = '02:11:22:33:44:55';

export const nasSecret = (vendor: NasVendor): Buffer => Buffer.from(`s3cret-for-${vendor}`, 'utf8');

export function nasEntries(): NasEntry[] {
  return NAS_VENDORS.map((vendor, i) => {
    const ipAddress = `10.20.0.${i + 1}`;
    return {
      id: `0190a000-0000-7000-8000-0000000d00${String(i + 1).padStart(2, '0')}`,
      locationId: LOCATION_ID,
      name: `${vendor} AP`,
      ipAddress,
      network: parseCidr(ipAddress)!,
      secret: nasSecret(vendor),
      vendor,
      macFormat: 'IETF',
      coaPort: 3799,
      requireMessageAuthenticator: true,
    };
  });
}

export const location = (): LocationEntry => ({
  id: LOCATION_ID,
  name: 'Shoreditch',
  timezone: TIMEZONE,
  ssids: [SSID],
  defaultVlanId: DEFAULT_VLAN,
});

export const group = (): GroupEntry => ({
  id: GROUP_ID,
  name: GROUP_NAME,
  origin: 'TEAM',
  locationId: LOCATION_ID,
  vlanId: GROUP_VLAN,
  policy: {
    bandwidthUpKbps: GROUP_UP_KBPS,
    bandwidthDownKbps: GROUP_DOWN_KBPS,
    sessionTimeoutSeconds: null,
    maxDevices: null,
  },
});

function entry(m: MemberFixture, overrides: Partial<MemberEntry>): MemberEntry {
  return {
    id: m.id,
    email: m.email,
    username: m.username,
    status: 'ACTIVE',
    roaming: false,
    passphrase: m.passphrase,
    passphraseVersion: 1,
    ntHash: ntPasswordHash(m.passphrase),
    homeLocationIds: [LOCATION_ID],
    groupIds: [],
    grants: [],
    macs: m.mac ? [m.mac] : [],
    pmks: new Map([[SSID, m.pmk]]),
    ...overrides,
  };
}

const membership = (id: string, startsAt: string, endsAt: string | null) => ({
  id,
  kind: 'MEMBERSHIP' as const,
  locationId: LOCATION_ID,
  startsAt: new Date(startsAt),
  endsAt: endsAt ? new Date(endsAt) : null,
});

/** Fresh member entries (the handler mutates `macs` when it binds a device). */
export function memberEntries(): MemberEntry[] {
  return [
    entry(ALICE, {
      groupIds: [GROUP_ID],
      grants: [membership('0190a000-0000-7000-8000-00000000e001', '2025-01-01T00:00:00Z', null)],
    }),
    entry(BOB, {
      status: 'DISABLED',
      groupIds: [GROUP_ID],
      grants: [membership('0190a000-0000-7000-8000-00000000e002', '2025-01-01T00:00:00Z', null)],
    }),
    entry(CAROL, {
      groupIds: [GROUP_ID],
      grants: [
        membership('0190a000-0000-7000-8000-00000000e003', '2025-01-01T00:00:00Z', '2025-07-01T00:00:00Z'),
      ],
    }),
    entry(DAVE, {
      homeLocationIds: [],
      grants: [
        {
          id: '0190a000-0000-7000-8000-00000000e004',
          kind: 'DESK_BOOKING',
          locationId: LOCATION_ID,
          // 09:00–18:00 BST: a booking covers the whole local day, so it still holds at 21:15.
          startsAt: new Date('2025-07-15T08:00:00Z'),
          endsAt: new Date('2025-07-15T17:00:00Z'),
        },
      ],
    }),
  ];
}

/** A snapshot holding every fixture above (fresh objects each call). */
export function buildSnapshot(): Snapshot {
  const s = new Snapshot();
  s.setLocations([location()]);
  s.setGroups([group()]);
  s.setNasClients(nasEntries());
  s.replaceAllMembers(memberEntries());
  return s;
}

export function nasFor(snapshot: Snapshot, vendor: NasVendor): NasEntry {
  for (const nas of snapshot.nasById.values()) if (nas.vendor === vendor) return nas;
  throw new Error(`no NAS for ${vendor}`);
}

/**
 * Stands in for WriteStore: records every call. `accounting` resolves at once unless
 * `accountingGate` is set (then it waits for it), and rejects when `failAccounting` is set.
 */
export class FakeWriteStore {
  readonly events: AuthEventRecord[] = [];
  readonly bindings: Array<{ memberId: string; mac: string }> = [];
  readonly records: AccountingRecord[] = [];
  accountingGate: Promise<void> | null = null;
  failAccounting: Error | null = null;

  /** Every decision is recorded as an event here (no repeat counting). */
  countRepeat(): boolean {
    return false;
  }

  queueNew(e: AuthEventRecord): void {
    this.events.push(e);
  }

  bindDevice(memberId: string, mac: string): void {
    this.bindings.push({ memberId, mac });
  }

  async accounting(rec: AccountingRecord): Promise<void> {
    if (this.accountingGate) await this.accountingGate;
    if (this.failAccounting) throw this.failAccounting;
    this.records.push(rec);
  }

  /** The handlers take a WriteStore; only the methods above are used. */
  asWriteStore(): WriteStore {
    return this as unknown as WriteStore;
  }
}

// ---------------------------------------------------------------------------------------------
// Requests, as each vendor's access point sends them (reference/radius.md §3).

/** Builds a request for the NAS it is sent by (secret, vendor's MAC format). */
export type RequestBuilder = (nas: NasEntry) => RadiusPacket;

let nextIdentifier = 0;
const identifier = (): number => (nextIdentifier = (nextIdentifier + 1) & 0xff);

export const macBytes = (mac: string): Buffer => Buffer.from(mac.replaceAll(':', ''), 'hex');
const bare = (mac: string): string => mac.replaceAll(':', '').toLowerCase();
const ietf = (mac: string): string => mac.replaceAll(':', '-').toUpperCase();
const dotted = (mac: string): string => {
  const h = bare(mac);
  return `${h.slice(0, 4)}.${h.slice(4, 8)}.${h.slice(8, 12)}`;
};

/** How each vendor spells the station MAC in MAC-auth User-Name and in Calling-Station-Id. */
export const MAC_FORMATS: Record<
  NasVendor,
  { userName: (mac: string) => string; calling: (mac: string) => string }
> = {
  generic: { userName: ietf, calling: ietf }, // AA-BB-CC-DD-EE-FF (RFC 3580)
  hostapd: { userName: bare, calling: ietf }, // ieee802_11_auth.c: %02x… / %02X-%02X-…
  meraki: { userName: bare, calling: ietf }, // 961b74ac43ae
  cisco: { userName: dotted, calling: (m) => m.replaceAll(':', '-').toLowerCase() }, // aabb.ccdd.eeff
  aruba: { userName: bare, calling: (m) => bare(m).toUpperCase() },
  ruckus: { userName: bare, calling: ietf }, // 8ab3a0ebd5e5
  mikrotik: { userName: (m) => m.toUpperCase(), calling: (m) => m.toUpperCase() }, // AA:BB:CC:DD:EE:FF
  unifi: { userName: bare, calling: ietf },
  omada: { userName: ietf, calling: ietf },
};

/** Called-Station-Id "AP-MAC:SSID" (MikroTik `II-II-II-II-II-II:S`, hostapd `%02X-…:%s`). */
export const calledStationId = (apMac = AP_MAC, ssid = SSID): string => `${ietf(apMac)}:${ssid}`;

export function send(nas: NasEntry, b: PacketBuilder, userPassword?: string): RadiusPacket {
  const raw = encodeRequest(Code.AccessRequest, identifier(), b, nas.secret, {
    userPassword,
    // hostapd appends Message-Authenticator; everybody else here puts it first.
    messageAuthenticatorPosition: nas.vendor === 'hostapd' ? 'last' : 'first',
  });
  return parsePacket(raw);
}

export function nasHeader(b: PacketBuilder, nas: NasEntry): PacketBuilder {
  return b
    .add(Attr.NasIdentifier, nas.name)
    .add(Attr.NasIpAddress, Buffer.from(nas.ipAddress.split('.').map(Number)));
}

/** PAP: User-Name + User-Password (RFC 2865 §5.2 hidden) + Message-Authenticator. */
export function papRequest(
  username: string,
  password: string,
  callingMac: string | null = null,
): RequestBuilder {
  return (nas) => {
    const b = new PacketBuilder().add(Attr.UserName, username);
    nasHeader(b, nas).add(Attr.CalledStationId, calledStationId());
    if (callingMac) b.add(Attr.CallingStationId, MAC_FORMATS[nas.vendor].calling(callingMac));
    return send(nas, b, password);
  };
}

/** MAC authentication: User-Name = User-Password = the MAC in the vendor's format. */
export function macAuthRequest(mac: string): RequestBuilder {
  return (nas) => {
    const fmt = MAC_FORMATS[nas.vendor];
    const b = new PacketBuilder().add(Attr.UserName, fmt.userName(mac));
    nasHeader(b, nas)
      .add(Attr.CallingStationId, fmt.calling(mac))
      .add(Attr.CalledStationId, calledStationId());
    if (nas.vendor === 'hostapd') b.add(Attr.ConnectInfo, 'CONNECT 11Mbps 802.11b');
    return send(nas, b, fmt.userName(mac));
  };
}

/** A station's handshake: ANonce from the AP, EAPOL-Key msg 2/4 built from `passphrase`. */
export interface Handshake {
  staMac: string;
  passphrase: string;
  /** The SSID the station derives its PMK from (default "Lanyard"). */
  ssid?: string;
  /** 2 = WPA2-PSK HMAC-SHA1 MIC (default), 3 = PSK-SHA256 AES-CMAC MIC (PMF required). */
  descriptorVersion?: 2 | 3;
  /** Key Data of msg 2/4 (default: the RSN element for the descriptor version). */
  keyData?: Buffer;
}

function handshake(h: Handshake): { anonce: Buffer; frame: Buffer } {
  const anonce = randomBytes(32);
  const frame = buildMsg2({
    passphrase: h.passphrase,
    ssid: h.ssid ?? SSID,
    apMac: macBytes(AP_MAC),
    staMac: macBytes(h.staMac),
    anonce,
    descriptorVersion: h.descriptorVersion,
    rsnIe: h.keyData,
  });
  return { anonce, frame };
}

/** AKM 00-0F-AC:2 (WPA2-PSK). */
const AKM_PSK = Buffer.from('000fac02', 'hex');

/**
 * hostapd `wpa_psk_radius=3`: MAC-ACL request plus WLAN-AKM-Suite and FreeRADIUS EVS5
 * 802.1X-Anonce (245.26/11344/1) and 802.1X-EAPoL-Key-Msg (245.26/11344/2).
 */
export function hostapdUnboundRequest(h: Handshake): RequestBuilder {
  return (nas) => {
    const { anonce, frame } = handshake(h);
    const b = new PacketBuilder().add(Attr.UserName, bare(h.staMac));
    nasHeader(b, nas)
      .add(Attr.CallingStationId, ietf(h.staMac))
      .add(Attr.CalledStationId, calledStationId())
      .add(Attr.WlanAkmSuite, AKM_PSK)
      .addEvs(245, Vendor.FreeRadius, 1, anonce)
      .addEvs(245, Vendor.FreeRadius, 2, frame);
    return send(nas, b, bare(h.staMac));
  };
}

const RUCKUS_SSID = 3;
const RUCKUS_BSSID = 14;
const RUCKUS_DPSK_PARAMS = 153;

/** Ruckus external DPSK: Ruckus-SSID, Ruckus-BSSID and Ruckus-DPSK-Params {.1 AKM, .2 cipher, .3 ANonce, .4 EAPOL}. */
export function ruckusUnboundRequest(h: Handshake): RequestBuilder {
  return (nas) => {
    const { anonce, frame } = handshake(h);
    const b = new PacketBuilder().add(Attr.UserName, bare(h.staMac));
    nasHeader(b, nas)
      .add(Attr.CallingStationId, ietf(h.staMac))
      .add(Attr.CalledStationId, calledStationId())
      .addVsa(Vendor.Ruckus, RUCKUS_SSID, SSID)
      .addVsa(Vendor.Ruckus, RUCKUS_BSSID, macBytes(AP_MAC))
      .addVsaTlv(Vendor.Ruckus, RUCKUS_DPSK_PARAMS, [
        [1, AKM_PSK],
        [2, Buffer.from([4])], // CCMP
        [3, anonce],
        [4, frame],
      ]);
    return send(nas, b, bare(h.staMac));
  };
}

const TPLINK_FIND_KEY = 3;
/** The Omada AP's own (wired) MAC; its radio, AP_MAC, is the BSSID the handshake uses. */
export const OMADA_AP_BASE_MAC = '02:00:5e:10:0a:00';

/** TP-Link Omada key lookup: TPLink-Authentication-FindKey {1 EAPOL, 2 ANonce, 3 SSID, 4 AP MAC, 6 BSSID}. */
export function omadaUnboundRequest(h: Handshake): RequestBuilder {
  return (nas) => {
    const { anonce, frame } = handshake(h);
    const b = new PacketBuilder().add(Attr.UserName, ietf(h.staMac));
    nasHeader(b, nas)
      .add(Attr.CallingStationId, ietf(h.staMac))
      .add(Attr.CalledStationId, calledStationId())
      .addVsaTlv(Vendor.TpLink, TPLINK_FIND_KEY, [
        [1, frame],
        [2, anonce],
        [3, SSID],
        [4, macBytes(OMADA_AP_BASE_MAC)],
        [6, macBytes(AP_MAC)],
      ]);
    return send(nas, b, ietf(h.staMac));
  };
}

/** 802.1X: EAP-Response/Identity in EAP-Message (+ Message-Authenticator, RFC 3579). */
export function eapIdentityRequest(identity: string): RequestBuilder {
  return (nas) => {
    const id = Buffer.from(identity, 'utf8');
    const eap = Buffer.concat([Buffer.from([2, 1, 0, 5 + id.length, 1]), id]);
    const b = new PacketBuilder().add(Attr.UserName, identity);
    nasHeader(b, nas)
      .add(Attr.CallingStationId, ietf(ALICE.mac!))
      .add(Attr.CalledStationId, calledStationId())
      .add(Attr.EapMessage, eap);
    return send(nas, b);
  };
}

/** Accounting-Request (RFC 2866 Request Authenticator, no Message-Authenticator). */
export function accountingRequest(nas: NasEntry, fill: (b: PacketBuilder) => void): RadiusPacket {
  const b = nasHeader(new PacketBuilder(), nas);
  fill(b);
  return parsePacket(encodeRequest(Code.AccountingRequest, identifier(), b, nas.secret));
}

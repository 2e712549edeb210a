import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NasVendor } from '@lanyard/schema';
import { PacketBuilder, encodeRequest } from '../codec/builder.js';
import {
  Attr,
  Code,
  CodecError,
  Vendor,
  getString,
  parsePacket,
  type RadiusPacket,
} from '../codec/packet.js';
import { UnboundMatcher, type UnboundMatcherOptions } from '../ppsk/matcher.js';
import { RSN_IE_WPA2_PSK } from '../ppsk/station.js';
import { AccessHandler, type AuthMethod } from './access.handler.js';
import { checkReplyIntegrity, decodeReply, sorted, type Decoded } from './test-support/decode.js';
import {
  ACCT_INTERIM_INTERVAL,
  ALICE,
  BOB,
  CAROL,
  DAVE,
  DEFAULT_VLAN,
  FakeWriteStore,
  GROUP_NAME,
  GROUP_VLAN,
  LOCATION_ID,
  MAX_SESSION_TIMEOUT,
  NOW,
  SECONDS_TO_LOCAL_MIDNIGHT,
  UNKNOWN_MAC,
  buildSnapshot,
  eapIdentityRequest,
  group,
  hostapdUnboundRequest,
  macAuthRequest,
  nasFor,
  omadaUnboundRequest,
  papRequest,
  ruckusUnboundRequest,
  type RequestBuilder,
} from './test-support/fixtures.js';

// ---------------------------------------------------------------------------------------------
// Expected attributes (reference/radius.md §2–§5, design.md §3 "RADIUS behaviour").

/** What every Access-Accept for a member carries: Session-Timeout, interim interval, Class, VLAN. */
function memberAccept(memberId: string, opts: { sessionTimeout?: number; vlan?: number } = {}): Decoded[] {
  return [
    { name: 'Session-Timeout', value: opts.sessionTimeout ?? MAX_SESSION_TIMEOUT },
    { name: 'Acct-Interim-Interval', value: ACCT_INTERIM_INTERVAL },
    { name: 'Class', value: `lanyard:${memberId}` },
    { name: 'Tunnel-Type:0', value: 13 }, // VLAN
    { name: 'Tunnel-Medium-Type:0', value: 6 }, // IEEE-802
    { name: 'Tunnel-Private-Group-Id:0', value: String(opts.vlan ?? GROUP_VLAN) },
  ];
}

/** The group's 5,000 / 20,000 kbit/s in bit/s. */
const WISPR: Decoded[] = [
  { name: 'WISPr-Bandwidth-Max-Up', value: 5_000_000 },
  { name: 'WISPr-Bandwidth-Max-Down', value: 20_000_000 },
];

/** The group's policy (VLAN 120, bandwidth, name) in each vendor's own attributes. */
const GROUP_POLICY: Record<NasVendor, Decoded[]> = {
  generic: WISPR,
  hostapd: WISPR,
  meraki: [...WISPR, { name: 'Filter-Id', value: GROUP_NAME }],
  cisco: WISPR,
  aruba: [
    ...WISPR,
    { name: 'Aruba-User-Vlan', value: GROUP_VLAN },
    { name: 'Aruba-User-Role', value: GROUP_NAME },
  ],
  ruckus: [...WISPR, { name: 'Ruckus-VLAN-ID', value: GROUP_VLAN }],
  // Router's point of view: rx (the client's upload) first.
  mikrotik: [
    { name: 'Mikrotik-Wireless-VLANID', value: GROUP_VLAN },
    { name: 'Mikrotik-Rate-Limit', value: '5M/20M' },
  ],
  unifi: [
    { name: 'UBNT-Data-Rate-DL', value: 20_000 },
    { name: 'UBNT-Data-Rate-UL', value: 5_000 },
  ],
  omada: WISPR,
};

const tunnelPassword = (p: string): Decoded[] => [{ name: 'Tunnel-Password:0', value: p }];

/** Bound PPSK: the passphrase in each vendor's attribute (decrypted where it is hidden). */
const PASSPHRASE: Record<NasVendor, (p: string) => Decoded[]> = {
  generic: tunnelPassword,
  hostapd: tunnelPassword,
  meraki: tunnelPassword,
  unifi: tunnelPassword,
  ruckus: tunnelPassword,
  omada: tunnelPassword,
  cisco: (p) => [
    { name: 'Cisco-AVPair', value: 'psk-mode=ascii' },
    { name: 'Cisco-AVPair', value: `psk=${p}` },
  ],
  aruba: (p) => [{ name: 'Aruba-MPSK-Passphrase', value: p }],
  mikrotik: (p) => [{ name: 'Mikrotik-Wireless-PSK', value: p }],
};

const VENDORS = Object.keys(GROUP_POLICY) as NasVendor[];

/** A device of Alice's that is not bound (PAP rows send it as Calling-Station-Id). */
const ALICE_LAPTOP = '0a:1b:2c:3d:4e:5f';

interface Row {
  name: string;
  vendor: NasVendor;
  request: RequestBuilder;
  expect: {
    code: typeof Code.AccessAccept | typeof Code.AccessReject;
    reason: string;
    method: AuthMethod | null;
    /** Every attribute of the reply but Message-Authenticator, in any order. */
    attributes: Decoded[];
    /** Auth event handed to the store. */
    memberId: string | null;
    mac: string | null;
    /** Device bindings handed to the store (none unless listed). */
    bindings?: Array<{ memberId: string; mac: string }>;
    /** After the request: which member `mac` belongs to in the snapshot (checked when present). */
    macOwner?: string | null;
  };
}

const ACCEPT = Code.AccessAccept;
const REJECT = Code.AccessReject;

const ROWS: Row[] = [
  // --- PAP ---------------------------------------------------------------------------------
  ...VENDORS.map((vendor): Row => ({
    name: `PAP accept on ${vendor}: VLAN 120, Session-Timeout, Class, bandwidth`,
    vendor,
    request: papRequest(ALICE.username, ALICE.passphrase, ALICE_LAPTOP),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PAP',
      attributes: [...memberAccept(ALICE.id), ...GROUP_POLICY[vendor]],
      memberId: ALICE.id,
      mac: ALICE_LAPTOP,
    },
  })),
  {
    name: 'PAP reject: wrong password (the passphrase minus its last character)',
    vendor: 'generic',
    request: papRequest(ALICE.username, ALICE.passphrase.slice(0, -1)),
    expect: {
      code: REJECT,
      reason: 'BAD_PASSWORD',
      method: 'PAP',
      attributes: [],
      memberId: ALICE.id,
      mac: null,
    },
  },
  {
    name: "PAP reject: another member's passphrase",
    vendor: 'hostapd',
    request: papRequest(ALICE.username, BOB.passphrase),
    expect: {
      code: REJECT,
      reason: 'BAD_PASSWORD',
      method: 'PAP',
      attributes: [],
      memberId: ALICE.id,
      mac: null,
    },
  },
  {
    name: 'PAP reject: unknown user',
    vendor: 'generic',
    request: papRequest('mallory', ALICE.passphrase, ALICE_LAPTOP),
    expect: {
      code: REJECT,
      reason: 'UNKNOWN_USER',
      method: 'PAP',
      attributes: [],
      memberId: null,
      mac: ALICE_LAPTOP,
    },
  },
  {
    name: 'PAP reject: disabled member with the right passphrase',
    vendor: 'generic',
    request: papRequest(BOB.username, BOB.passphrase),
    expect: {
      code: REJECT,
      reason: 'MEMBER_DISABLED',
      method: 'PAP',
      attributes: [],
      memberId: BOB.id,
      mac: null,
    },
  },
  {
    name: 'PAP reject: membership ended',
    vendor: 'cisco',
    request: papRequest(CAROL.username, CAROL.passphrase),
    expect: {
      code: REJECT,
      reason: 'GRANT_ENDED',
      method: 'PAP',
      attributes: [],
      memberId: CAROL.id,
      mac: null,
    },
  },
  {
    name: 'PAP accept: desk booking only → Session-Timeout to local midnight, location VLAN 30, no bandwidth',
    vendor: 'generic',
    request: papRequest(DAVE.username, DAVE.passphrase),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PAP',
      attributes: memberAccept(DAVE.id, { sessionTimeout: SECONDS_TO_LOCAL_MIDNIGHT, vlan: DEFAULT_VLAN }),
      memberId: DAVE.id,
      mac: null,
    },
  },

  // --- MAC authentication, bound PPSK ---------------------------------------------------------
  ...VENDORS.map((vendor): Row => ({
    name: `MAC auth (bound PPSK) on ${vendor}: passphrase in the vendor's attribute`,
    vendor,
    request: macAuthRequest(ALICE.mac!),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'MAC_AUTH',
      attributes: [
        ...memberAccept(ALICE.id),
        ...GROUP_POLICY[vendor],
        ...PASSPHRASE[vendor](ALICE.passphrase),
      ],
      memberId: ALICE.id,
      mac: ALICE.mac,
      macOwner: ALICE.id,
    },
  })),
  ...(['generic', 'mikrotik', 'cisco'] as const).map((vendor): Row => ({
    name: `MAC auth reject on ${vendor}: unknown MAC`,
    vendor,
    request: macAuthRequest(UNKNOWN_MAC),
    expect: {
      code: REJECT,
      reason: 'UNKNOWN_MAC',
      method: 'MAC_AUTH',
      attributes: [],
      memberId: null,
      mac: UNKNOWN_MAC,
      macOwner: null,
    },
  })),
  {
    name: 'MAC auth on omada: unknown MAC → accept without a key (OMADA_PRE_AUTH)',
    vendor: 'omada',
    request: macAuthRequest(UNKNOWN_MAC),
    expect: {
      code: ACCEPT,
      reason: 'OMADA_PRE_AUTH',
      method: 'MAC_AUTH',
      attributes: [
        { name: 'Acct-Interim-Interval', value: ACCT_INTERIM_INTERVAL },
        { name: 'Class', value: 'lanyard:-' },
      ],
      memberId: null,
      mac: UNKNOWN_MAC,
      macOwner: null,
    },
  },
  {
    name: "MAC auth reject on meraki: a disabled member's bound device (no key sent)",
    vendor: 'meraki',
    request: macAuthRequest(BOB.mac!),
    expect: {
      code: REJECT,
      reason: 'MEMBER_DISABLED',
      method: 'MAC_AUTH',
      attributes: [],
      memberId: BOB.id,
      mac: BOB.mac,
    },
  },

  // --- Unbound PPSK -------------------------------------------------------------------------
  {
    name: 'unbound PPSK on hostapd (wpa_psk_radius=3): unknown MAC matched → Tunnel-Password, MAC bound',
    vendor: 'hostapd',
    request: hostapdUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: ALICE.passphrase }),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PPSK',
      attributes: [...memberAccept(ALICE.id), ...WISPR, ...tunnelPassword(ALICE.passphrase)],
      memberId: ALICE.id,
      mac: UNKNOWN_MAC,
      bindings: [{ memberId: ALICE.id, mac: UNKNOWN_MAC }],
      macOwner: ALICE.id,
    },
  },
  {
    name: 'unbound PPSK on hostapd: PSK-SHA256 handshake (descriptor v3, AES-CMAC MIC) matched',
    vendor: 'hostapd',
    request: hostapdUnboundRequest({
      staMac: UNKNOWN_MAC,
      passphrase: ALICE.passphrase,
      descriptorVersion: 3,
    }),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PPSK',
      attributes: [...memberAccept(ALICE.id), ...WISPR, ...tunnelPassword(ALICE.passphrase)],
      memberId: ALICE.id,
      mac: UNKNOWN_MAC,
      bindings: [{ memberId: ALICE.id, mac: UNKNOWN_MAC }],
      macOwner: ALICE.id,
    },
  },
  {
    name: 'unbound PPSK on hostapd: already-bound MAC matched → accept, no new binding',
    vendor: 'hostapd',
    request: hostapdUnboundRequest({ staMac: ALICE.mac!, passphrase: ALICE.passphrase }),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PPSK',
      attributes: [...memberAccept(ALICE.id), ...WISPR, ...tunnelPassword(ALICE.passphrase)],
      memberId: ALICE.id,
      mac: ALICE.mac,
      macOwner: ALICE.id,
    },
  },
  {
    name: 'unbound PPSK on hostapd: booking-only member → Session-Timeout to local midnight, VLAN 30',
    vendor: 'hostapd',
    request: hostapdUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: DAVE.passphrase }),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PPSK',
      attributes: [
        ...memberAccept(DAVE.id, { sessionTimeout: SECONDS_TO_LOCAL_MIDNIGHT, vlan: DEFAULT_VLAN }),
        ...tunnelPassword(DAVE.passphrase),
      ],
      memberId: DAVE.id,
      mac: UNKNOWN_MAC,
      bindings: [{ memberId: DAVE.id, mac: UNKNOWN_MAC }],
      macOwner: DAVE.id,
    },
  },
  {
    name: 'unbound PPSK on ruckus (DPSK params) → MS-MPPE-Recv-Key = PMK, MAC bound',
    vendor: 'ruckus',
    request: ruckusUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: ALICE.passphrase }),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PPSK',
      attributes: [
        ...memberAccept(ALICE.id),
        ...GROUP_POLICY.ruckus,
        { name: 'MS-MPPE-Recv-Key', value: ALICE.pmk.toString('hex') },
      ],
      memberId: ALICE.id,
      mac: UNKNOWN_MAC,
      bindings: [{ memberId: ALICE.id, mac: UNKNOWN_MAC }],
      macOwner: ALICE.id,
    },
  },
  {
    name: 'unbound PPSK on omada (FindKey) → FoundKey = PMK + Tunnel-Password, MAC bound',
    vendor: 'omada',
    request: omadaUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: ALICE.passphrase }),
    expect: {
      code: ACCEPT,
      reason: 'ALLOWED',
      method: 'PPSK',
      attributes: [
        ...memberAccept(ALICE.id),
        ...GROUP_POLICY.omada,
        { name: 'TPLink-Authentication-FoundKey', value: ALICE.pmk.toString('hex') },
        ...tunnelPassword(ALICE.passphrase),
      ],
      memberId: ALICE.id,
      mac: UNKNOWN_MAC,
      bindings: [{ memberId: ALICE.id, mac: UNKNOWN_MAC }],
      macOwner: ALICE.id,
    },
  },
  ...(
    [
      ['hostapd', hostapdUnboundRequest],
      ['ruckus', ruckusUnboundRequest],
      ['omada', omadaUnboundRequest],
    ] as const
  ).map(([vendor, build]): Row => ({
    name: `unbound PPSK on ${vendor}: frame from a passphrase nobody has → PPSK_NO_MATCH, nothing bound`,
    vendor,
    request: build({ staMac: UNKNOWN_MAC, passphrase: 'not-anybodys-passphrase' }),
    expect: {
      code: REJECT,
      reason: 'PPSK_NO_MATCH',
      method: 'PPSK',
      attributes: [],
      memberId: null,
      mac: UNKNOWN_MAC,
      macOwner: null,
    },
  })),
  {
    name: 'unbound PPSK on hostapd: right passphrase, PMK of another SSID → PPSK_NO_MATCH',
    vendor: 'hostapd',
    request: hostapdUnboundRequest({
      staMac: UNKNOWN_MAC,
      passphrase: ALICE.passphrase,
      ssid: 'Lanyard-Guest',
    }),
    expect: {
      code: REJECT,
      reason: 'PPSK_NO_MATCH',
      method: 'PPSK',
      attributes: [],
      memberId: null,
      mac: UNKNOWN_MAC,
      macOwner: null,
    },
  },

  // --- 802.1X --------------------------------------------------------------------------------
  {
    name: 'EAP-Message present → reject EAP_NOT_SUPPORTED',
    vendor: 'generic',
    request: eapIdentityRequest(ALICE.username),
    expect: {
      code: REJECT,
      reason: 'EAP_NOT_SUPPORTED',
      method: null,
      attributes: [],
      memberId: null,
      mac: ALICE.mac,
    },
  },
];

function setup(matcherOptions: UnboundMatcherOptions = {}) {
  const snapshot = buildSnapshot();
  const store = new FakeWriteStore();
  const handler = new AccessHandler(snapshot, new UnboundMatcher(matcherOptions), store.asWriteStore(), {
    maxSessionTimeoutSeconds: MAX_SESSION_TIMEOUT,
    acctInterimIntervalSeconds: ACCT_INTERIM_INTERVAL,
    now: () => NOW,
  });
  return { snapshot, store, handler };
}

const attr = (list: readonly Decoded[], name: string) => list.find((d) => d.name === name)?.value;

describe('AccessHandler: request → reply table', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const { snapshot, store, handler } = setup();
      const nas = nasFor(snapshot, row.vendor);
      const req = row.request(nas);
      const outcome = handler.handle(req, nas);

      const reply = checkReplyIntegrity(outcome.reply, req, nas.secret);
      assert.equal(reply.code, row.expect.code, 'reply code');
      assert.equal(outcome.accepted, row.expect.code === ACCEPT, 'accepted');
      assert.equal(outcome.reason, row.expect.reason, 'reason');
      assert.equal(outcome.method, row.expect.method, 'method');
      assert.deepEqual(
        sorted(decodeReply(reply, nas.secret, req.authenticator)),
        sorted(row.expect.attributes),
        'reply attributes',
      );

      const vlan = attr(row.expect.attributes, 'Tunnel-Private-Group-Id:0');
      assert.deepEqual(store.events, [
        {
          at: NOW,
          nasClientId: nas.id,
          locationId: LOCATION_ID,
          memberId: row.expect.memberId,
          username: getString(req, Attr.UserName) ?? null,
          mac: row.expect.mac,
          method: row.expect.method ?? 'PAP',
          result: row.expect.code === ACCEPT ? 'ACCEPT' : 'REJECT',
          reason: row.expect.reason,
          vlanId: vlan === undefined ? null : Number(vlan),
          sessionTimeoutSeconds: attr(row.expect.attributes, 'Session-Timeout') ?? null,
        },
      ]);
      assert.deepEqual(store.bindings, row.expect.bindings ?? [], 'device bindings');
      if (row.expect.macOwner !== undefined) {
        assert.equal(snapshot.memberByMac(row.expect.mac!)?.id ?? null, row.expect.macOwner, 'MAC owner');
      }
    });
  }
});

describe('AccessHandler: sequences', () => {
  it('a device bound by an unbound-PPSK match gets the bound passphrase on its next MAC auth', () => {
    const { snapshot, store, handler } = setup();
    const hostapd = nasFor(snapshot, 'hostapd');
    const before = handler.handle(macAuthRequest(UNKNOWN_MAC)(hostapd), hostapd);
    assert.equal(before.reason, 'UNKNOWN_MAC');

    const matched = handler.handle(
      hostapdUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: ALICE.passphrase })(hostapd),
      hostapd,
    );
    assert.equal(matched.accepted, true);
    assert.equal(snapshot.members.get(ALICE.id)!.macs.includes(UNKNOWN_MAC), true, 'MAC added to the member');

    const mikrotik = nasFor(snapshot, 'mikrotik');
    const req = macAuthRequest(UNKNOWN_MAC)(mikrotik);
    const after = handler.handle(req, mikrotik);
    assert.equal(after.reason, 'ALLOWED');
    const decoded = decodeReply(
      checkReplyIntegrity(after.reply, req, mikrotik.secret),
      mikrotik.secret,
      req.authenticator,
    );
    assert.equal(attr(decoded, 'Mikrotik-Wireless-PSK'), ALICE.passphrase);
    assert.deepEqual(store.bindings, [{ memberId: ALICE.id, mac: UNKNOWN_MAC }]);
  });

  it('repeated failed unbound lookups from one MAC are rate limited', () => {
    const { snapshot, handler } = setup({ scansPerMacPerMinute: 1 });
    const nas = nasFor(snapshot, 'hostapd');
    const wrong = hostapdUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: 'not-anybodys-passphrase' });
    assert.equal(handler.handle(wrong(nas), nas).reason, 'PPSK_NO_MATCH');
    const limited = handler.handle(wrong(nas), nas);
    assert.equal(limited.reason, 'PPSK_RATE_LIMITED_MAC');
    assert.equal(parsePacket(limited.reply).code, REJECT);
    // The right passphrase is refused too while the MAC's bucket is empty (it is not bound yet).
    const right = handler.handle(
      hostapdUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: ALICE.passphrase })(nas),
      nas,
    );
    assert.equal(right.reason, 'PPSK_RATE_LIMITED_MAC');
  });

  it('hostapd: an EAPoL-Key-Msg longer than one attribute (two 245.26 fragments) is reassembled and matched', () => {
    const { snapshot, handler } = setup();
    const nas = nasFor(snapshot, 'hostapd');
    // RSN element + a 200-byte vendor element: a 323-byte frame, more than the 251 a fragment holds.
    const vendorElement = Buffer.concat([
      Buffer.from([0xdd, 200, 0x00, 0x50, 0xf2]),
      Buffer.alloc(197, 0x42),
    ]);
    const keyData = Buffer.concat([RSN_IE_WPA2_PSK, vendorElement]);
    const req = hostapdUnboundRequest({ staMac: UNKNOWN_MAC, passphrase: ALICE.passphrase, keyData })(nas);
    assert.equal(req.attributes.filter((a) => a.type === 245).length, 3, 'ANonce + two EAPoL fragments');
    const outcome = handler.handle(req, nas);
    assert.equal(outcome.reason, 'ALLOWED');
    const decoded = decodeReply(
      checkReplyIntegrity(outcome.reply, req, nas.secret),
      nas.secret,
      req.authenticator,
    );
    assert.equal(attr(decoded, 'Tunnel-Password:0'), ALICE.passphrase);
  });

  it('a group rate above 4.29 Gbit/s saturates the 32-bit WISPr attribute instead of failing the reply', () => {
    const { snapshot, handler } = setup();
    const tenGig = group();
    tenGig.policy.bandwidthDownKbps = 10_000_000;
    snapshot.setGroups([tenGig]);
    const nas = nasFor(snapshot, 'generic');
    const req = papRequest(ALICE.username, ALICE.passphrase)(nas);
    const outcome = handler.handle(req, nas);
    assert.equal(outcome.reason, 'ALLOWED');
    const decoded = decodeReply(
      checkReplyIntegrity(outcome.reply, req, nas.secret),
      nas.secret,
      req.authenticator,
    );
    assert.equal(attr(decoded, 'WISPr-Bandwidth-Max-Down'), 0xffffffff);
    assert.equal(attr(decoded, 'WISPr-Bandwidth-Max-Up'), 5_000_000);
  });

  it('hidden values are keyed with the request authenticator: two requests, two ciphertexts', () => {
    const { snapshot, handler } = setup();
    const nas = nasFor(snapshot, 'generic');
    const tunnelPasswords = [0, 1].map(() => {
      const req = macAuthRequest(ALICE.mac!)(nas);
      const reply = parsePacket(handler.handle(req, nas).reply);
      return reply.attributes.find((a) => a.type === Attr.TunnelPassword)!.value.toString('hex');
    });
    assert.notEqual(tunnelPasswords[0], tunnelPasswords[1]);
  });

  it('a truncated Ruckus-DPSK-Params TLV throws CodecError (the server drops it as MALFORMED_BAD_TLV)', () => {
    const { snapshot, handler } = setup();
    const nas = nasFor(snapshot, 'ruckus');
    // Sub-TLV .3 claims 34 bytes but only 4 follow.
    const bad = Buffer.from([3, 34, 1, 2, 3, 4]);
    const b = new PacketBuilder()
      .add(Attr.UserName, '021122334455')
      .add(Attr.CallingStationId, '02-11-22-33-44-55')
      .addVsa(Vendor.Ruckus, 153, bad);
    const req: RadiusPacket = parsePacket(
      encodeRequest(Code.AccessRequest, 7, b, nas.secret, { userPassword: 'x' }),
    );
    assert.throws(
      () => handler.handle(req, nas),
      (e: unknown) => e instanceof CodecError && e.code === 'BAD_TLV',
    );
  });
});

describe('AccessHandler: work per request', () => {
  // groupsOf feeds the decision (VLAN, policy) and the reply (policy name): once per request.
  const rows: Array<[string, NasVendor, RequestBuilder, number, number]> = [
    [
      'PAP accept (Meraki: Filter-Id from the group)',
      'meraki',
      papRequest(ALICE.username, ALICE.passphrase),
      ACCEPT,
      1,
    ],
    ['MAC-auth accept (Aruba: role from the group)', 'aruba', macAuthRequest(ALICE.mac!), ACCEPT, 1],
    ['PAP reject, disabled member', 'generic', papRequest(BOB.username, BOB.passphrase), REJECT, 1],
    ['PAP reject, wrong password (no decision)', 'generic', papRequest(ALICE.username, 'nope'), REJECT, 0],
  ];
  for (const [name, vendor, request, code, calls] of rows) {
    it(`${name}: groups resolved ${calls} time(s)`, () => {
      const { snapshot, handler } = setup();
      const nas = nasFor(snapshot, vendor);
      let n = 0;
      const groupsOf = snapshot.groupsOf.bind(snapshot);
      snapshot.groupsOf = (m) => {
        n++;
        return groupsOf(m);
      };
      const reply = parsePacket(handler.handle(request(nas), nas).reply);
      assert.equal(reply.code, code);
      assert.equal(n, calls);
    });
  }

  it('an auth event carries the time of its request and a User-Name without NUL bytes', () => {
    const { snapshot, store, handler } = setup();
    const nas = nasFor(snapshot, 'generic');
    handler.handle(papRequest('ali\0ce', 'x')(nas), nas);
    assert.equal(store.events[0]!.username, 'alice');
    assert.equal(store.events[0]!.at.getTime(), NOW.getTime());
  });
});

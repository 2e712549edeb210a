import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { NasVendor } from '@lanyard/schema';
import type { PacketBuilder } from '../codec/builder.js';
import { verifyResponse } from '../codec/crypto.js';
import { Attr, Code, parsePacket, type RadiusPacket } from '../codec/packet.js';
import { SessionTracker } from '../coa/session-tracker.js';
import type { NasEntry } from '../snapshot/snapshot.js';
import type { AccountingRecord } from '../store/write-store.js';
import { AccountingHandler } from './accounting.handler.js';
import {
  ALICE,
  BOB,
  FakeWriteStore,
  UNKNOWN_MAC,
  accountingRequest,
  buildSnapshot,
  calledStationId,
  nasFor,
} from './test-support/fixtures.js';

const Status = { Start: 1, Stop: 2, Interim: 3, On: 7, Off: 8, Failed: 15 } as const;

type Fill = (b: PacketBuilder) => void;
type Build = (nas: NasEntry) => RadiusPacket;

/** Accounting-Request with Acct-Status-Type (unless `status` is null) and the given attributes. */
const acct =
  (status: number | null, fill: Fill = () => {}): Build =>
  (nas) =>
    accountingRequest(nas, (b) => {
      if (status !== null) b.add(Attr.AcctStatusType, status);
      fill(b);
    });

/** Acct-Unique-Id as the store keys sessions: sha256(nas \0 session \0 station)[0..32]. */
const uniqueId = (nas: NasEntry, sessionId: string, station: string): string =>
  createHash('sha256').update(`${nas.id}\0${sessionId}\0${station}`).digest('hex').slice(0, 32);

const ipv4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number));

type Expected = Omit<AccountingRecord, 'at'>;

/** Every field of a record, defaults for an attribute-less request from `nas`. */
function record(nas: NasEntry, fields: Partial<Expected> & Pick<Expected, 'status'>): Expected {
  return {
    nasClientId: nas.id,
    nasIpAddress: nas.ipAddress,
    acctSessionId: null,
    acctUniqueId: null,
    memberId: null,
    username: null,
    callingStationId: null,
    calledStationId: null,
    framedIpAddress: null,
    sessionTimeSeconds: 0,
    inputOctets: '0',
    outputOctets: '0',
    inputPackets: '0',
    outputPackets: '0',
    terminateCause: null,
    ...fields,
  };
}

/** A Start from Bob's phone on `nas` (for rows that need an open session first). */
const startFor = (sessionId: string, mac = BOB.mac!): Build =>
  acct(Status.Start, (b) => {
    b.add(Attr.AcctSessionId, sessionId).add(Attr.CallingStationId, mac.replaceAll(':', '-').toUpperCase());
  });

interface Row {
  name: string;
  vendor: NasVendor;
  /** Sent (and acknowledged) before the request under test, on the same NAS unless `other`. */
  before?: Array<{ build: Build; other?: NasVendor }>;
  request: Build;
  expect: {
    /** Whether an Accounting-Response comes back. */
    reply: boolean;
    /** The record handed to the store (null: nothing stored). `at` is checked separately. */
    record: ((nas: NasEntry) => Expected) | null;
    /** Acct-Delay-Time the request carries: `at` must be that much before the handling time. */
    delaySeconds?: number;
    /** Sessions the tracker holds afterwards. */
    openSessions: number;
    /** Requests counted as unusable. */
    unusable?: number;
  };
}

const ROWS: Row[] = [
  {
    name: 'Start: member from Class, station MAC normalised, Framed-IP, session opened',
    vendor: 'hostapd',
    request: acct(Status.Start, (b) => {
      b.add(Attr.AcctSessionId, '5F3A00C1-00000001')
        .add(Attr.UserName, '021122334455')
        .add(Attr.CallingStationId, '02-11-22-33-44-55')
        .add(Attr.CalledStationId, calledStationId())
        .add(Attr.FramedIpAddress, ipv4('10.120.0.17'))
        .add(Attr.Class, `lanyard:${ALICE.id}`);
    }),
    expect: {
      reply: true,
      record: (nas) =>
        record(nas, {
          status: 'START',
          acctSessionId: '5F3A00C1-00000001',
          acctUniqueId: uniqueId(nas, '5F3A00C1-00000001', UNKNOWN_MAC),
          memberId: ALICE.id,
          username: '021122334455',
          callingStationId: UNKNOWN_MAC,
          calledStationId: calledStationId(),
          framedIpAddress: '10.120.0.17',
        }),
      openSessions: 1,
    },
  },
  {
    name: 'Interim-Update: 64-bit counters from Gigawords, member from User-Name',
    vendor: 'generic',
    request: acct(Status.Interim, (b) => {
      b.add(Attr.AcctSessionId, 'interim-1')
        .add(Attr.UserName, 'Alice')
        .add(Attr.CallingStationId, '0A-1B-2C-3D-4E-5F')
        .add(Attr.AcctSessionTime, 3600)
        .add(Attr.AcctInputOctets, 1000)
        .add(Attr.AcctInputGigawords, 2)
        .add(Attr.AcctOutputOctets, 0xffffffff)
        .add(Attr.AcctOutputGigawords, 1)
        .add(Attr.AcctInputPackets, 12345)
        .add(Attr.AcctOutputPackets, 54321);
    }),
    expect: {
      reply: true,
      record: (nas) =>
        record(nas, {
          status: 'INTERIM',
          acctSessionId: 'interim-1',
          acctUniqueId: uniqueId(nas, 'interim-1', '0a:1b:2c:3d:4e:5f'),
          memberId: ALICE.id,
          username: 'Alice',
          callingStationId: '0a:1b:2c:3d:4e:5f',
          sessionTimeSeconds: 3600,
          inputOctets: '8589935592', // 2 × 2^32 + 1000
          outputOctets: '8589934591', // 1 × 2^32 + 4294967295
          inputPackets: '12345',
          outputPackets: '54321',
        }),
      openSessions: 1,
    },
  },
  {
    name: 'Stop: terminate cause User-Request, member from the MikroTik-style MAC, session closed',
    vendor: 'mikrotik',
    before: [{ build: startFor('mt-77') }],
    request: acct(Status.Stop, (b) => {
      b.add(Attr.AcctSessionId, 'mt-77')
        .add(Attr.UserName, 'AA:BB:CC:00:00:02')
        .add(Attr.CallingStationId, 'AA:BB:CC:00:00:02')
        .add(Attr.AcctSessionTime, 125)
        .add(Attr.AcctInputOctets, 4096)
        .add(Attr.AcctOutputOctets, 8192)
        .add(Attr.AcctTerminateCause, 1);
    }),
    expect: {
      reply: true,
      record: (nas) =>
        record(nas, {
          status: 'STOP',
          acctSessionId: 'mt-77',
          acctUniqueId: uniqueId(nas, 'mt-77', BOB.mac!),
          memberId: BOB.id,
          username: 'AA:BB:CC:00:00:02',
          callingStationId: BOB.mac,
          sessionTimeSeconds: 125,
          inputOctets: '4096',
          outputOctets: '8192',
          terminateCause: 'User-Request',
        }),
      openSessions: 0,
    },
  },
  {
    name: 'Stop: terminate cause Session-Timeout (5)',
    vendor: 'aruba',
    request: acct(Status.Stop, (b) => {
      b.add(Attr.AcctSessionId, 'ar-5').add(Attr.AcctTerminateCause, 5);
    }),
    expect: {
      reply: true,
      record: (nas) =>
        record(nas, {
          status: 'STOP',
          acctSessionId: 'ar-5',
          acctUniqueId: uniqueId(nas, 'ar-5', ''),
          terminateCause: 'Session-Timeout',
        }),
      openSessions: 0,
    },
  },
  {
    name: 'Stop: unknown terminate cause kept as its number',
    vendor: 'generic',
    request: acct(Status.Stop, (b) => {
      b.add(Attr.AcctSessionId, 'x-99').add(Attr.AcctTerminateCause, 99);
    }),
    expect: {
      reply: true,
      record: (nas) =>
        record(nas, {
          status: 'STOP',
          acctSessionId: 'x-99',
          acctUniqueId: uniqueId(nas, 'x-99', ''),
          terminateCause: '99',
        }),
      openSessions: 0,
    },
  },
  {
    name: 'Start: Class that is not ours falls back to User-Name',
    vendor: 'meraki',
    request: acct(Status.Start, (b) => {
      b.add(Attr.AcctSessionId, 'mk-1').add(Attr.UserName, 'alice').add(Attr.Class, 'lanyard:not-a-uuid');
    }),
    expect: {
      reply: true,
      record: (nas) =>
        record(nas, {
          status: 'START',
          acctSessionId: 'mk-1',
          acctUniqueId: uniqueId(nas, 'mk-1', ''),
          memberId: ALICE.id,
          username: 'alice',
        }),
      openSessions: 1,
    },
  },
  {
    name: 'Start with Acct-Delay-Time 30: the event time is 30 s before receipt',
    vendor: 'generic',
    request: acct(Status.Start, (b) => {
      b.add(Attr.AcctSessionId, 'late-1').add(Attr.AcctDelayTime, 30);
    }),
    expect: {
      reply: true,
      record: (nas) =>
        record(nas, { status: 'START', acctSessionId: 'late-1', acctUniqueId: uniqueId(nas, 'late-1', '') }),
      delaySeconds: 30,
      openSessions: 1,
    },
  },
  {
    name: "Accounting-On: recorded, closes this NAS's open sessions only",
    vendor: 'ruckus',
    before: [
      { build: startFor('r-1') },
      { build: startFor('r-2', ALICE.mac!) },
      { build: startFor('u-1'), other: 'unifi' },
    ],
    request: acct(Status.On),
    expect: { reply: true, record: (nas) => record(nas, { status: 'ON' }), openSessions: 1 },
  },
  {
    name: "Accounting-Off: recorded, closes this NAS's open sessions only",
    vendor: 'unifi',
    before: [{ build: startFor('u-1') }, { build: startFor('r-1'), other: 'ruckus' }],
    request: acct(Status.Off),
    expect: { reply: true, record: (nas) => record(nas, { status: 'OFF' }), openSessions: 1 },
  },
  ...(
    [
      ['Start', Status.Start],
      ['Interim-Update', Status.Interim],
      ['Stop', Status.Stop],
    ] as const
  ).map(([label, status]): Row => ({
    name: `${label} without Acct-Session-Id: nothing stored, no reply`,
    vendor: 'generic',
    request: acct(status, (b) => {
      b.add(Attr.UserName, 'alice');
    }),
    expect: { reply: false, record: null, openSessions: 0, unusable: 1 },
  })),
  {
    name: 'unknown Acct-Status-Type (15 Failed): acknowledged, nothing stored',
    vendor: 'generic',
    request: acct(Status.Failed, (b) => {
      b.add(Attr.AcctSessionId, 'f-1');
    }),
    expect: { reply: true, record: null, openSessions: 0 },
  },
  {
    name: 'no Acct-Status-Type at all: acknowledged, nothing stored',
    vendor: 'omada',
    request: acct(null, (b) => {
      b.add(Attr.AcctSessionId, 'n-1');
    }),
    expect: { reply: true, record: null, openSessions: 0 },
  },
];

function setup() {
  const snapshot = buildSnapshot();
  const store = new FakeWriteStore();
  const sessions = new SessionTracker();
  const handler = new AccountingHandler(snapshot, store.asWriteStore(), sessions);
  return { snapshot, store, sessions, handler };
}

/** An Accounting-Response to `req`: code 5, same id, no attributes, authenticator verifies. */
function checkResponse(reply: Buffer, req: RadiusPacket, secret: Buffer): void {
  const p = parsePacket(reply);
  assert.equal(p.code, Code.AccountingResponse);
  assert.equal(p.identifier, req.identifier);
  assert.deepEqual(p.attributes, []);
  assert.equal(verifyResponse(p, req.authenticator, secret), true, 'Response Authenticator');
  assert.equal(verifyResponse(p, req.authenticator, Buffer.from('not-the-secret')), false);
}

describe('AccountingHandler: request → record table', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const { snapshot, store, sessions, handler } = setup();
      const nas = nasFor(snapshot, row.vendor);
      for (const step of row.before ?? []) {
        const target = step.other ? nasFor(snapshot, step.other) : nas;
        const pre = step.build(target);
        checkResponse((await handler.handle(pre, target, target.ipAddress))!, pre, target.secret);
      }
      const stored = store.records.length;

      const req = row.request(nas);
      const t0 = Date.now();
      const reply = await handler.handle(req, nas, nas.ipAddress);
      const t1 = Date.now();

      if (row.expect.reply) checkResponse(reply!, req, nas.secret);
      else assert.equal(reply, null, 'no Accounting-Response');

      const added = store.records.slice(stored);
      if (!row.expect.record) {
        assert.deepEqual(added, [], 'nothing stored');
      } else {
        assert.equal(added.length, 1, 'one record stored');
        const { at, ...rest } = added[0]!;
        assert.deepEqual(rest, row.expect.record(nas));
        const delay = (row.expect.delaySeconds ?? 0) * 1000;
        const atMs = Date.parse(at);
        assert.ok(atMs >= t0 - delay && atMs <= t1 - delay, `at ${at} not ${delay} ms before handling`);
      }
      assert.equal(sessions.size, row.expect.openSessions, 'open sessions');
      assert.equal(handler.stats.unusable, row.expect.unusable ?? 0, 'unusable count');
    });
  }
});

describe('AccountingHandler: durability', () => {
  it('answers only once the store has the record (RFC 2866 §4.1)', async () => {
    const { snapshot, store, handler } = setup();
    const nas = nasFor(snapshot, 'generic');
    let release!: () => void;
    store.accountingGate = new Promise<void>((resolve) => (release = resolve));
    const req = acct(Status.Start, (b) => {
      b.add(Attr.AcctSessionId, 'slow-1');
    })(nas);
    let settled = false;
    const pending = handler.handle(req, nas, nas.ipAddress).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, 'replied before the record was durable');
    release();
    checkResponse((await pending)!, req, nas.secret);
    assert.equal(store.records.length, 1);
  });

  it('a failed write propagates (no Accounting-Response, the NAS retries) and opens no session', async () => {
    const { snapshot, store, sessions, handler } = setup();
    const nas = nasFor(snapshot, 'generic');
    store.failAccounting = new Error('disk full');
    const req = acct(Status.Start, (b) => {
      b.add(Attr.AcctSessionId, 'fail-1');
    })(nas);
    await assert.rejects(handler.handle(req, nas, nas.ipAddress), /disk full/);
    assert.equal(sessions.size, 0);
  });
});

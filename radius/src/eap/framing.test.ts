import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AvpFlag, buildAvp, parseAvps } from './diameter-avp.js';
import { EapCode, EapError, EapType, buildEap, eapFailure, eapSuccess, parseEap } from './eap-packet.js';
import { EapSessionStore } from './eap-session-store.js';
import { TlsReassembler, emptyPayload, fragmentTls, parseTlsPayload } from './tls-framing.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const isEapError = (code: string) => (e: unknown) => e instanceof EapError && e.code === code;

describe('EAP packets (RFC 3748 §4)', () => {
  const rows: Array<{
    name: string;
    bytes: string;
    code?: number;
    id?: number;
    type?: number | null;
    data?: string;
    error?: string;
  }> = [
    { name: 'Response/Identity', bytes: '02 07 0009 01 616c6963', code: 2, id: 7, type: 1, data: '616c6963' },
    {
      name: 'bytes past Length are ignored',
      bytes: '02 07 0006 19 20 ffff',
      code: 2,
      id: 7,
      type: 25,
      data: '20',
    },
    { name: 'Success', bytes: '03 09 0004', code: 3, id: 9, type: null, data: '' },
    { name: 'Failure', bytes: '04 09 0004', code: 4, id: 9, type: null, data: '' },
    { name: 'too short', bytes: '02 07 00', error: 'EAP_TOO_SHORT' },
    { name: 'Length past the data', bytes: '02 07 0010 01 61', error: 'EAP_BAD_LENGTH' },
    { name: 'Length under 4', bytes: '02 07 0003 01', error: 'EAP_BAD_LENGTH' },
    { name: 'Response without a type', bytes: '02 07 0004', error: 'EAP_BAD_LENGTH' },
    { name: 'Success with data', bytes: '03 07 0005 00', error: 'EAP_BAD_LENGTH' },
    { name: 'unknown code', bytes: '05 07 0005 01', error: 'EAP_BAD_CODE' },
  ];
  for (const r of rows) {
    it(r.name, () => {
      if (r.error) return assert.throws(() => parseEap(hex(r.bytes)), isEapError(r.error));
      const p = parseEap(hex(r.bytes));
      assert.deepEqual(
        [p.code, p.identifier, p.type, p.data.toString('hex')],
        [r.code, r.id, r.type, r.data],
      );
    });
  }

  it('builds what it parses', () => {
    assert.equal(
      buildEap(EapCode.Request, 3, EapType.Peap, Buffer.from([0x20])).toString('hex'),
      '010300061920',
    );
    assert.equal(eapSuccess(0x42).toString('hex'), '03420004');
    assert.equal(eapFailure(0x42).toString('hex'), '04420004');
    assert.throws(() => buildEap(1, 1, 1, Buffer.alloc(70_000)), isEapError('EAP_TOO_BIG'));
  });
});

describe('EAP-TLS framing (RFC 5216 §3.1, RFC 5281 §9.1)', () => {
  it('parses flags, version and the TLS Message Length', () => {
    const p = parseTlsPayload(hex('c0 00000400 aabb'));
    assert.deepEqual(
      [p.more, p.start, p.totalLength, p.version, p.data.toString('hex')],
      [true, false, 1024, 0, 'aabb'],
    );
    const s = parseTlsPayload(hex('21'));
    assert.deepEqual([s.start, s.version, s.totalLength, s.data.length], [true, 1, null, 0]);
    assert.throws(() => parseTlsPayload(Buffer.alloc(0)), isEapError('EAP_BAD_TLS'));
    assert.throws(() => parseTlsPayload(hex('80 0000')), isEapError('EAP_BAD_TLS'));
  });

  it('Start and ACK payloads', () => {
    assert.equal(emptyPayload(0, true).toString('hex'), '20');
    assert.equal(emptyPayload(0).toString('hex'), '00');
  });

  const sizes: Array<[number, number, string[]]> = [
    // [message length, fragment size, expected flags of each fragment]
    [10, 10, ['00']],
    [11, 10, ['c0', '00']],
    [30, 10, ['c0', '40', '00']],
    [31, 10, ['c0', '40', '40', '00']],
    [1, 1024, ['00']],
  ];
  for (const [len, size, flags] of sizes) {
    it(`fragments ${len} bytes at ${size}: ${flags.join(' ')}, reassembled whole`, () => {
      const msg = Buffer.from(Array.from({ length: len }, (_, i) => i & 0xff));
      const frags = fragmentTls(msg, size, 0);
      assert.deepEqual(
        frags.map((f) => f.subarray(0, 1).toString('hex')),
        flags,
      );
      if (frags.length > 1) assert.equal(frags[0]!.readUInt32BE(1), len, 'L carries the total');
      for (const f of frags) assert.ok(parseTlsPayload(f).data.length <= size);
      const r = new TlsReassembler(1 << 16);
      let whole: Buffer | null = null;
      for (const f of frags) whole = r.add(parseTlsPayload(f));
      assert.deepEqual(whole, msg);
      assert.equal(r.inProgress, false);
    });
  }

  it('reassembly refuses more than the cap, more than announced, or less than announced', () => {
    const capped = new TlsReassembler(100);
    assert.throws(() => capped.add(parseTlsPayload(hex('c0 00000065 00'))), isEapError('EAP_TOO_BIG'));
    const unannounced = new TlsReassembler(100);
    assert.throws(() => {
      for (let i = 0; i < 3; i++)
        unannounced.add(parseTlsPayload(Buffer.concat([hex('40'), Buffer.alloc(40)])));
    }, isEapError('EAP_TOO_BIG'));
    const over = new TlsReassembler(100);
    over.add(parseTlsPayload(hex('c0 00000004 0102')));
    assert.throws(() => over.add(parseTlsPayload(hex('00 030405'))), isEapError('EAP_BAD_TLS'));
    const under = new TlsReassembler(100);
    under.add(parseTlsPayload(hex('c0 00000006 0102')));
    assert.throws(() => under.add(parseTlsPayload(hex('00 03'))), isEapError('EAP_BAD_TLS'));
  });
});

describe('Diameter AVPs in EAP-TTLS (RFC 5281 §10)', () => {
  it('round-trips, pads to 4 bytes, and reads vendor AVPs', () => {
    const buf = Buffer.concat([
      buildAvp(1, Buffer.from('alice')),
      buildAvp(2, Buffer.alloc(16, 0x61)),
      buildAvp(26, Buffer.from([1, 2]), AvpFlag.Mandatory, 311),
    ]);
    // User-Name: 8-byte header + 5 bytes = 13, padded to 16.
    assert.equal(buf.subarray(0, 16).toString('hex'), '0000000140' + '00000d' + '616c696365' + '000000');
    const avps = parseAvps(buf);
    assert.deepEqual(
      avps.map((a) => [a.code, a.flags, a.vendorId, a.data.toString('hex')]),
      [
        [1, 0x40, null, '616c696365'],
        [2, 0x40, null, '61'.repeat(16)],
        [26, 0xc0, 311, '0102'],
      ],
    );
  });

  it('throws on a truncated header or a length past the data', () => {
    assert.throws(() => parseAvps(hex('00000001 40 0000')), isEapError('EAP_BAD_TLS'));
    assert.throws(() => parseAvps(hex('00000001 40 000020 61')), isEapError('EAP_BAD_TLS'));
    assert.throws(() => parseAvps(hex('00000001 40 000004 61616161')), isEapError('EAP_BAD_TLS'));
  });
});

describe('EapSessionStore', () => {
  class S {
    closed = false;
    close() {
      this.closed = true;
    }
  }
  const make = (o: Partial<ConstructorParameters<typeof EapSessionStore>[0]> = {}) => {
    let clock = 0;
    const store = new EapSessionStore<S>({
      maxSessions: 3,
      idleMs: 1000,
      ownerTag: 9,
      now: () => clock,
      ...o,
    });
    return { store, tick: (ms: number) => (clock += ms) };
  };

  it('hands out 16-byte States tagged with the owner, bound to NAS and station', () => {
    const { store } = make();
    const s = new S();
    const state = store.create(s, 'nas-1', 'AA-BB')!;
    assert.equal(state.length, 16);
    assert.equal(state[0], 9);
    assert.equal(store.get(state, 'nas-1', 'AA-BB'), s);
    assert.equal(store.get(state, 'nas-1', null), s, 'a request without Calling-Station-Id');
    assert.equal(store.get(state, 'nas-2', 'AA-BB'), undefined);
    assert.equal(store.get(state, 'nas-1', 'CC-DD'), undefined);
    assert.equal(store.get(Buffer.alloc(16), 'nas-1', 'AA-BB'), undefined);
  });

  it('caps live sessions and counts the refusals', () => {
    const { store } = make();
    for (let i = 0; i < 3; i++) assert.ok(store.create(new S(), 'n', null));
    assert.equal(store.create(new S(), 'n', null), null);
    assert.deepEqual(store.counts, { CREATED: 3, FINISHED: 0, EXPIRED: 0, FULL: 1 });
  });

  it('expires idle sessions (use keeps them alive) and closes them', () => {
    const { store, tick } = make();
    const a = new S();
    const b = new S();
    const sa = store.create(a, 'n', null)!;
    const sb = store.create(b, 'n', null)!;
    tick(600);
    assert.equal(store.get(sa, 'n', null), a);
    tick(600); // b idle 1200 ms, a 600 ms
    assert.equal(store.get(sb, 'n', null), undefined);
    assert.equal(b.closed, true);
    assert.equal(store.get(sa, 'n', null), a);
    assert.equal(store.counts.EXPIRED, 1);
    assert.equal(store.size, 1);
  });

  it('finish closes and forgets; a full store has room again', () => {
    const { store } = make({ maxSessions: 1 });
    const s = new S();
    const state = store.create(s, 'n', null)!;
    store.finish(state);
    assert.equal(s.closed, true);
    assert.equal(store.size, 0);
    assert.ok(store.create(new S(), 'n', null));
  });
});

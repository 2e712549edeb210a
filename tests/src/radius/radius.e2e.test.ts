/**
 * The RADIUS worker against the real API and database, driven by FreeRADIUS' radclient: PAP, MAC
 * authentication with a bound per-user PSK, accounting, revocation with a Disconnect-Request to a
 * real UDP listener, and hostile datagrams.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ok, startTestApi, waitFor, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { createGrant, createLocation, setupOwner } from '../../../api/src/test-support/factories.js';
import { PacketBuilder, encodeResponse } from '../../../radius/src/codec/builder.js';
import { Attr, Code, getInt, getString, parsePacket } from '../../../radius/src/codec/packet.js';
import { verifyMessageAuthenticator } from '../../../radius/src/codec/crypto.js';
import { loadRadiusConfig } from '../../../radius/src/config.js';
import { startRadiusWorker, type RadiusWorker } from '../../../radius/src/worker.js';
import { radclient } from '../support/radclient.js';

const SECRET = 'e2e-shared-secret-0123456789';
const PASSPHRASE = 'plum-violin-stone-42';

let t: TestApi;
let owner: string;
let worker: RadiusWorker;
let coa: Socket;
let coaPort: number;
const disconnects: Array<{
  sessionId: string | undefined;
  hasMa: boolean;
  eventTimestamp: number | undefined;
}> = [];
let member: { id: string; username: string };
let journalDir: string;

before(async () => {
  t = await startTestApi();
  owner = await setupOwner(t);
  // A real UDP listener playing the access point's DAS/CoA server.
  coa = createSocket('udp4');
  await new Promise<void>((resolve) => coa.bind(0, '127.0.0.1', () => resolve()));
  coaPort = coa.address().port;
  coa.on('message', (msg, rinfo) => {
    const req = parsePacket(msg);
    disconnects.push({
      sessionId: getString(req, Attr.AcctSessionId),
      hasMa: verifyMessageAuthenticator(req, Buffer.from(SECRET)) === 'VALID',
      eventTimestamp: getInt(req, Attr.EventTimestamp),
    });
    coa.send(
      encodeResponse(req, Code.DisconnectAck, new PacketBuilder(), Buffer.from(SECRET)),
      rinfo.port,
      rinfo.address,
    );
  });

  const loc = await createLocation(t, owner, { ssids: ['Lanyard'], defaultVlanId: 30 });
  ok(
    await t.gql(
      `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`,
      {
        i: {
          locationId: loc.id,
          name: 'lab AP',
          ipAddress: '127.0.0.1',
          vendor: 'hostapd',
          secret: SECRET,
          coaPort,
        },
      },
      { token: owner },
    ),
  );
  const created = ok(
    await t.gql(
      `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id username } } }`,
      {
        i: { email: 'ada@example.com', fullName: 'Ada', locationIds: [loc.id] },
      },
      { token: owner },
    ),
  ).createMember.member;
  member = created;
  ok(
    await t.gql(
      `mutation($i: SetMemberPassphraseInput!) { setMemberPassphrase(input: $i) { member { id } } }`,
      { i: { memberId: member.id, passphrase: PASSPHRASE } },
      { token: owner },
    ),
  );
  await createGrant(t, owner, {
    memberId: member.id,
    kind: 'MEMBERSHIP',
    locationId: loc.id,
    startsAt: new Date(Date.now() - 3600_000).toISOString(),
  });
  await t.api.orm.em
    .fork()
    .execute(
      `insert into device (id, member_id, mac, learned_by, first_seen_at) values (gen_random_uuid(), ?, 'aa:bb:cc:dd:ee:01', 'ADMIN', now())`,
      [member.id],
    );

  journalDir = mkdtempSync(join(tmpdir(), 'lanyard-journal-'));
  const config = loadRadiusConfig({
    DATABASE_URL: t.db.url,
    LANYARD_SECRET_KEY: t.secretKey,
    RADIUS_HOST: '127.0.0.1',
    RADIUS_AUTH_PORT: '0',
    RADIUS_ACCT_PORT: '0',
    RADIUS_METRICS_PORT: '0',
    RADIUS_JOURNAL_DIR: journalDir,
    // Short, so that a repeat count is written (when the window closes) within the test.
    RADIUS_AUTH_EVENT_REPEAT_WINDOW: '2',
  });
  worker = await startRadiusWorker(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
});

after(async () => {
  await worker?.stop();
  coa?.close();
  await t?.stop();
  rmSync(journalDir, { recursive: true, force: true });
});

const auth = (attrs: Record<string, string | number>) =>
  radclient(worker.authPort, 'auth', SECRET, { 'Message-Authenticator': '0x00', ...attrs });
const acct = (attrs: Record<string, string | number>) => radclient(worker.acctPort, 'acct', SECRET, attrs);

describe('RADIUS worker with radclient', () => {
  it('accepts PAP with the member passphrase, with VLAN, Session-Timeout and interim interval', async () => {
    const r = await auth({ 'User-Name': member.username, 'User-Password': PASSPHRASE });
    assert.equal(r.code, 'Access-Accept', r.output);
    assert.deepEqual(r.attributes.get('Tunnel-Private-Group-Id'), ['30']);
    assert.ok(r.attributes.has('Acct-Interim-Interval'));
    assert.ok(r.attributes.has('Message-Authenticator'));
  });

  it('rejects a wrong passphrase and an unknown user', async () => {
    assert.equal(
      (await auth({ 'User-Name': member.username, 'User-Password': 'wrong-passphrase' })).code,
      'Access-Reject',
    );
    assert.equal(
      (await auth({ 'User-Name': 'nobody@example.com', 'User-Password': PASSPHRASE })).code,
      'Access-Reject',
    );
  });

  it('MAC authentication returns the bound passphrase as Tunnel-Password', async () => {
    const r = await auth({
      'User-Name': 'aabbccddee01',
      'User-Password': 'aabbccddee01',
      'Calling-Station-Id': 'AA-BB-CC-DD-EE-01',
    });
    assert.equal(r.code, 'Access-Accept', r.output);
    assert.ok(r.attributes.has('Tunnel-Password'), r.output);
    const unknown = await auth({
      'User-Name': 'aabbccddee99',
      'User-Password': 'aabbccddee99',
      'Calling-Station-Id': 'AA-BB-CC-DD-EE-99',
    });
    assert.equal(unknown.code, 'Access-Reject');
    // A bound MAC typed as a username with some password is a password login, and fails as one.
    const typed = await auth({
      'User-Name': 'aabbccddee01',
      'User-Password': 'any-password',
      'Calling-Station-Id': 'AA-BB-CC-DD-EE-01',
    });
    assert.equal(typed.code, 'Access-Reject', typed.output);
    const noStation = await auth({ 'User-Name': 'aabbccddee01', 'User-Password': 'aabbccddee01' });
    assert.equal(noStation.code, 'Access-Reject', noStation.output);
  });

  it('answers Status-Server', async () => {
    const r = await radclient(worker.authPort, 'status', SECRET, { 'Message-Authenticator': '0x00' });
    assert.equal(r.code, 'Access-Accept', r.output);
  });

  it('records accounting Start, Interim-Update and Stop with 64-bit counters', async () => {
    const base = {
      'User-Name': member.username,
      'Acct-Session-Id': 'sess-acct-1',
      'Calling-Station-Id': 'AA-BB-CC-DD-EE-01',
    };
    const started = await acct({ ...base, 'Acct-Status-Type': 'Start' });
    assert.equal(
      started.code,
      'Accounting-Response',
      started.output +
        (await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text())
          .split('\n')
          .filter((l) => l.includes('dropped'))
          .join('\n'),
    );
    assert.equal(
      (
        await acct({
          ...base,
          'Acct-Status-Type': 'Interim-Update',
          'Acct-Input-Octets': 5,
          'Acct-Input-Gigawords': 2,
          'Acct-Session-Time': 60,
        })
      ).code,
      'Accounting-Response',
    );
    assert.equal(
      (
        await acct({
          ...base,
          'Acct-Status-Type': 'Stop',
          'Acct-Input-Octets': 7,
          'Acct-Input-Gigawords': 2,
          'Acct-Session-Time': 90,
          'Acct-Terminate-Cause': 'User-Request',
        })
      ).code,
      'Accounting-Response',
    );
    const [row] = await t.api.orm.em
      .fork()
      .execute(
        `select member_id, input_octets, stopped_at, terminate_cause, session_time_seconds from radius_session where acct_session_id = 'sess-acct-1'`,
      );
    assert.equal(row.member_id, member.id);
    assert.equal(String(row.input_octets), String(2n * 2n ** 32n + 7n));
    assert.ok(row.stopped_at);
    assert.equal(row.terminate_cause, 'User-Request');
    assert.equal(row.session_time_seconds, 90);
  });

  it('revocation: the next request is rejected and the open session gets a Disconnect-Request', async () => {
    const base = {
      'User-Name': member.username,
      'Acct-Session-Id': 'sess-live-1',
      'Calling-Station-Id': 'AA-BB-CC-DD-EE-01',
    };
    assert.equal((await acct({ ...base, 'Acct-Status-Type': 'Start' })).code, 'Accounting-Response');
    ok(
      await t.gql(
        `mutation($id: ID!) { disableMember(memberId: $id) { member { status } } }`,
        { id: member.id },
        { token: owner },
      ),
    );
    await waitFor(
      async () =>
        (await auth({ 'User-Name': member.username, 'User-Password': PASSPHRASE })).code === 'Access-Reject',
      5000,
      'reject after disable',
    );
    await waitFor(
      async () => disconnects.some((d) => d.sessionId === 'sess-live-1'),
      5000,
      'Disconnect-Request',
    );
    const dm = disconnects.find((d) => d.sessionId === 'sess-live-1')!;
    assert.equal(dm.hasMa, true);
    assert.ok(dm.eventTimestamp && Math.abs(dm.eventTimestamp - Date.now() / 1000) < 60);
    await waitFor(
      async () => {
        const [row] = await t.api.orm.em
          .fork()
          .execute(`select disconnect_result from radius_session where acct_session_id = 'sess-live-1'`);
        return row?.disconnect_result === 'ACK';
      },
      5000,
      'ACK recorded',
    );
    ok(
      await t.gql(
        `mutation($id: ID!) { enableMember(memberId: $id) { member { status } } }`,
        { id: member.id },
        { token: owner },
      ),
    );
    await waitFor(
      async () =>
        (await auth({ 'User-Name': member.username, 'User-Password': PASSPHRASE })).code === 'Access-Accept',
      5000,
      'accept after enable',
    );
  });

  it('disconnectMember: the open session of a member who keeps access gets a Disconnect-Request', async () => {
    const base = {
      'User-Name': member.username,
      'Acct-Session-Id': 'sess-admin-1',
      'Calling-Station-Id': 'AA-BB-CC-DD-EE-01',
    };
    assert.equal((await acct({ ...base, 'Acct-Status-Type': 'Start' })).code, 'Accounting-Response');
    await waitFor(
      async () => {
        const [row] = await t.api.orm.em
          .fork()
          .execute(
            `select 1 from radius_session where acct_session_id = 'sess-admin-1' and stopped_at is null`,
          );
        return !!row;
      },
      5000,
      'session recorded',
    );
    const asked = ok(
      await t.gql(
        `mutation($id: ID!) { disconnectMember(memberId: $id) { sessionsRequested } }`,
        { id: member.id },
        { token: owner },
      ),
    ).disconnectMember;
    assert.ok(asked.sessionsRequested >= 1);
    await waitFor(
      async () => disconnects.some((d) => d.sessionId === 'sess-admin-1'),
      5000,
      'Disconnect-Request after disconnectMember',
    );
    await waitFor(
      async () => {
        const [row] = await t.api.orm.em
          .fork()
          .execute(`select disconnect_result from radius_session where acct_session_id = 'sess-admin-1'`);
        return row?.disconnect_result === 'ACK';
      },
      5000,
      'ACK recorded',
    );
    // The member still has access: only the session ended.
    assert.equal(
      (await auth({ 'User-Name': member.username, 'User-Password': PASSPHRASE })).code,
      'Access-Accept',
    );
    assert.equal(disconnects.filter((d) => d.sessionId === 'sess-admin-1').length, 1);
    await acct({ ...base, 'Acct-Status-Type': 'Stop' });
  });

  it('survives hostile datagrams and counts them', async () => {
    const sock = createSocket('udp4');
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rand() * 300);
      const buf = Buffer.from(Array.from({ length: len }, () => Math.floor(rand() * 256)));
      if (i % 3 === 0 && len >= 20) buf[0] = 1; // looks like an Access-Request
      if (i % 5 === 0 && len >= 20) buf.writeUInt16BE(4000, 2); // lies about its length
      sock.send(buf, worker.authPort, '127.0.0.1');
      sock.send(buf, worker.acctPort, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 300));
    sock.close();
    assert.equal(
      (await auth({ 'User-Name': member.username, 'User-Password': PASSPHRASE })).code,
      'Access-Accept',
    );
    const text = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
    const dropped = [...text.matchAll(/^lanyard_radius_dropped_total\{reason="([^"]+)"\} (\d+)/gm)].reduce(
      (n, m) => n + Number(m[2]),
      0,
    );
    assert.ok(dropped >= 300, `dropped ${dropped}`);
  });

  it('identical decisions are one auth event counting the repeats, visible in the API and /metrics', async () => {
    const probe = 'repeat-probe@example.com';
    for (let i = 0; i < 4; i++) {
      assert.equal((await auth({ 'User-Name': probe, 'User-Password': 'nope-nope' })).code, 'Access-Reject');
    }
    const rows = async () =>
      (
        ok(
          await t.gql(
            `{ authEvents(first: 50, filter: { result: REJECT }) { nodes { username reason repeatCount lastAt createdAt } } }`,
            {},
            { token: owner },
          ),
        ).authEvents.nodes as Array<Record<string, any>>
      ).filter((n) => n.username === probe);
    // The row is written at once; its final count once no repeat came for the 2-second window.
    await waitFor(async () => (await rows())[0]?.repeatCount === 4, 15_000, 'repeat count written');
    const [row] = await rows();
    assert.equal((await rows()).length, 1);
    assert.equal(row!.reason, 'UNKNOWN_USER');
    assert.ok(Date.parse(row!.lastAt) >= Date.parse(row!.createdAt));
    const text = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
    const repeated = Number(
      /^lanyard_radius_auth_events_total\{outcome="repeated"\} (\d+)/m.exec(text)?.[1] ?? 0,
    );
    assert.ok(repeated >= 3, `repeated ${repeated}`);
  });

  it('drops and counts a request from an unknown source address', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.2', () => resolve()));
    const before = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
    const count = (text: string) =>
      Number(/lanyard_radius_dropped_total\{reason="UNKNOWN_SOURCE"\} (\d+)/.exec(text)?.[1] ?? 0);
    for (let i = 0; i < 20; i++) sock.send(Buffer.alloc(40, 1), worker.authPort, '127.0.0.1');
    await waitFor(
      async () =>
        count(await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text()) >=
        count(before) + 20,
      3000,
      'counted',
    );
    sock.close();
  });
});

/**
 * Shared pieces of the lifecycle tests: the real RADIUS worker on the test API's database, a UDP
 * listener playing the access points' Disconnect (DAS) server, radclient PAP and accounting from a
 * chosen source address (one per NAS), and small GraphQL/SQL helpers.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import assert from 'node:assert/strict';
import { ok, waitFor, type TestApi } from '../../../api/src/test-support/api-harness.js';
import { endedRun, runSyncToEnd } from '../../../api/src/test-support/factories.js';
import { PacketBuilder, encodeResponse } from '../../../radius/src/codec/builder.js';
import { Attr, Code, getString, parsePacket } from '../../../radius/src/codec/packet.js';
import { loadRadiusConfig } from '../../../radius/src/config.js';
import { startRadiusWorker, type RadiusWorker } from '../../../radius/src/worker.js';
import { radclient, type RadclientResult } from '../support/radclient.js';

export const NAS_SECRET = 'lifecycle-shared-secret-0123456789';

export interface Radius {
  worker: RadiusWorker;
  /** PAP Access-Request sent from `source` (the NAS's address). */
  pap(username: string, password: string, source?: string): Promise<RadclientResult>;
  acctStart(username: string, sessionId: string, source?: string): Promise<RadclientResult>;
  stop(): Promise<void>;
}

export async function startRadius(t: TestApi, opts: { logLevel?: string } = {}): Promise<Radius> {
  const journalDir = mkdtempSync(join(tmpdir(), 'lanyard-lifecycle-'));
  const config = loadRadiusConfig({
    DATABASE_URL: t.db.url,
    LANYARD_SECRET_KEY: t.secretKey,
    RADIUS_HOST: '127.0.0.1',
    RADIUS_AUTH_PORT: '0',
    RADIUS_ACCT_PORT: '0',
    RADIUS_METRICS_PORT: '0',
    RADIUS_JOURNAL_DIR: journalDir,
  });
  const worker = await startRadiusWorker(
    config,
    pino({ level: opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );
  const src = (source: string | undefined): Record<string, string> =>
    source ? { 'Packet-Src-IP-Address': source } : {};
  return {
    worker,
    pap: (username, password, source) =>
      radclient(worker.authPort, 'auth', NAS_SECRET, {
        'Message-Authenticator': '0x00',
        'User-Name': username,
        'User-Password': password,
        ...src(source),
      }),
    acctStart: (username, sessionId, source) =>
      radclient(worker.acctPort, 'acct', NAS_SECRET, {
        'User-Name': username,
        'Acct-Session-Id': sessionId,
        'Acct-Status-Type': 'Start',
        'Calling-Station-Id': '02-00-00-00-00-01',
        ...src(source),
      }),
    async stop() {
      await worker.stop();
      rmSync(journalDir, { recursive: true, force: true });
    },
  };
}

export interface DisconnectRecord {
  sessionId: string | undefined;
  userName: string | undefined;
  receivedAt: number;
}

/** A NAS's Disconnect/CoA server: records every Disconnect-Request and ACKs it. */
export async function startDasListener(
  secret = NAS_SECRET,
): Promise<{ port: number; received: DisconnectRecord[]; close(): void }> {
  const sock: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  const received: DisconnectRecord[] = [];
  sock.on('message', (msg, rinfo) => {
    const req = parsePacket(msg);
    received.push({
      sessionId: getString(req, Attr.AcctSessionId),
      userName: getString(req, Attr.UserName),
      receivedAt: Date.now(),
    });
    sock.send(
      encodeResponse(req, Code.DisconnectAck, new PacketBuilder(), Buffer.from(secret)),
      rinfo.port,
      rinfo.address,
    );
  });
  return { port: sock.address().port, received, close: () => sock.close() };
}

export const sqlOf =
  (t: TestApi) =>
  <T = any>(q: string, p: unknown[] = []): Promise<T[]> =>
    t.api.orm.em.fork().execute(q, p);

const RUN = {
  fields: 'id status error created updated deleted disabled enabled unchanged',
  timeoutMs: 60_000,
};

function succeeded(run: Record<string, any>) {
  if (run.status !== 'SUCCEEDED') throw new Error(`sync run ${run.status}: ${JSON.stringify(run)}`);
  return run;
}

/** Waits for a sync run to end and returns it (fails on FAILED or HELD). */
export async function finishedRun(t: TestApi, token: string, runId: string) {
  return succeeded(await endedRun(t, token, runId, RUN));
}

/** "Sync now" and wait for the run. */
export async function syncNow(t: TestApi, token: string, integrationId: string) {
  return succeeded(await runSyncToEnd(t, token, integrationId, RUN));
}

async function revealPassphrase(t: TestApi, token: string, memberId: string): Promise<string> {
  return ok(
    await t.gql(`mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`, { id: memberId }, { token }),
  ).revealMemberPassphrase as string;
}

interface ProvisionedMember {
  id: string;
  status: string;
  username: string;
}

/**
 * The member an upstream person was synced to (found by email), and PAP as that member with the
 * passphrase an admin reveals (revealed once, then cached). `env` is read at call time: the test
 * API and the worker start in `before`.
 */
export function memberProbe<P>(opts: {
  env: () => { t: TestApi; token: string; radius: Radius };
  emailOf: (person: P) => string;
  /** How long `until` waits for the expected answer. */
  timeoutMs: number;
  /** The NAS address PAP comes from unless given (the worker's default source otherwise). */
  defaultNas?: string;
}) {
  const passphrases = new Map<string, string>();
  const emailOf = (p: P) => opts.emailOf(p).toLowerCase();
  const member = async (p: P): Promise<ProvisionedMember | undefined> =>
    (
      await sqlOf(opts.env().t)<ProvisionedMember>(
        `select id, status, username from member where email_normalized = ?`,
        [emailOf(p)],
      )
    )[0];
  const pap = async (p: P, nas = opts.defaultNas): Promise<RadclientResult> => {
    const { t, token, radius } = opts.env();
    const m = await member(p);
    assert.ok(m, `${emailOf(p)} was never provisioned`);
    let pass = passphrases.get(m.id);
    if (!pass) passphrases.set(m.id, (pass = await revealPassphrase(t, token, m.id)));
    return radius.pap(m.username, pass, nas);
  };
  const answer = async (p: P, nas?: string): Promise<string | null> => (await pap(p, nas)).code;
  return {
    member,
    pap,
    answer,
    /** The passphrase `pap` last used for the member (still known once the member is gone). */
    passphraseOf: (memberId: string): string | undefined => passphrases.get(memberId),
    /** Waits until PAP as the person gets `code`. */
    until: (p: P, code: string, what: string, nas?: string) =>
      waitFor(
        async () => (await answer(p, nas)) === code,
        opts.timeoutMs,
        `${what}: ${code} for ${emailOf(p)}`,
      ),
    /** The VLAN an Access-Accept puts the person on. */
    vlanOf: async (p: P, nas?: string): Promise<string | undefined> =>
      (await pap(p, nas)).attributes.get('Tunnel-Private-Group-Id')?.[0],
  };
}

export async function createNas(
  t: TestApi,
  token: string,
  input: { locationId: string; ipAddress: string; coaPort: number; name: string },
): Promise<string> {
  return ok(
    await t.gql(
      `mutation($i: CreateNasClientInput!) { createNasClient(input: $i) { nasClient { id } } }`,
      { i: { ...input, vendor: 'hostapd', secret: NAS_SECRET } },
      { token },
    ),
  ).createNasClient.nasClient.id;
}

/**
 * A fixed-offset IANA zone (Etc/GMT±h) in which the local time now is between 01:00 and 02:00, so
 * "yesterday" there ended one to two hours ago (booking days end at local midnight).
 */
export function zoneJustPastMidnight(now = new Date()): { zone: string; localMidnight: Date } {
  let offset = (1 - now.getUTCHours()) % 24; // local = UTC + offset hours
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const local = new Date(now.getTime() + offset * 3_600_000);
  const localMidnight = new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offset * 3_600_000,
  );
  return { zone, localMidnight };
}

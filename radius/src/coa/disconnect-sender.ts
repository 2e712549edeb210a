import { createSocket, type Socket } from 'node:dgram';
import type pg from 'pg';
import type { Logger } from 'pino';
import { PacketBuilder, encodeRequest } from '../codec/builder.js';
import { verifyResponse } from '../codec/crypto.js';
import { Attr, Code, getInt, parsePacket } from '../codec/packet.js';
import type { NasEntry } from '../snapshot/snapshot.js';
import type { OpenSession } from './session-tracker.js';

export type DisconnectResult = 'ACK' | `NAK${string}` | 'TIMEOUT';

interface Pending {
  authenticator: Buffer;
  secret: Buffer;
  resolve: (r: DisconnectResult) => void;
}

/**
 * RFC 5176 Disconnect-Request client: one UDP socket, identifiers per destination, Event-Timestamp
 * and Message-Authenticator on every request (hostapd's DAS requires both), retries, and the
 * result (ACK / NAK with Error-Cause / TIMEOUT) written to the session row.
 */
export class DisconnectSender {
  private socket: Socket | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly nextId = new Map<string, number>();
  readonly stats = { sent: 0, acked: 0, nakked: 0, timedOut: 0 };

  constructor(
    private readonly db: pg.Pool,
    private readonly logger: Logger,
    private readonly opts: { timeoutMs?: number; retries?: number } = {},
  ) {}

  async start(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => this.onReply(msg, `${rinfo.address}:${rinfo.port}`));
    socket.on('error', (err) => this.logger.warn({ err: err.message }, 'CoA socket error'));
    await new Promise<void>((resolve) => socket.bind(0, () => resolve()));
    this.socket = socket;
  }

  async stop(): Promise<void> {
    for (const p of this.pending.values()) p.resolve('TIMEOUT');
    this.pending.clear();
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
    this.socket = null;
  }

  async disconnect(session: OpenSession, nas: NasEntry): Promise<DisconnectResult> {
    const b = new PacketBuilder();
    if (session.username) b.add(Attr.UserName, session.username);
    b.add(Attr.AcctSessionId, session.acctSessionId);
    if (session.callingStationId) b.add(Attr.CallingStationId, formatMacIetf(session.callingStationId));
    b.add(Attr.EventTimestamp, Math.floor(Date.now() / 1000));
    const dest = `${session.nasIpAddress}:${nas.coaPort}`;
    const retries = this.opts.retries ?? 3;
    let result: DisconnectResult = 'TIMEOUT';
    const id = this.allocateId(dest);
    if (id === null) {
      // 256 requests already in flight to this NAS: this one waits for the revoker's retry.
      this.stats.timedOut++;
      return 'TIMEOUT';
    }
    // Retransmissions reuse the identifier and bytes (RFC 5080), with a fresh Event-Timestamp only on a new request.
    const packet = encodeRequest(Code.DisconnectRequest, id, b, nas.secret, { messageAuthenticator: true });
    for (let attempt = 0; attempt <= retries; attempt++) {
      result = await this.sendOnce(packet, id, dest, session.nasIpAddress, nas);
      if (result !== 'TIMEOUT') break;
    }
    if (result === 'ACK') this.stats.acked++;
    else if (result === 'TIMEOUT') this.stats.timedOut++;
    else this.stats.nakked++;
    await this.db
      .query(
        `update radius_session set disconnect_requested_at = now(), disconnect_result = $2 where acct_unique_id = $1`,
        [session.acctUniqueId, result],
      )
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'could not record disconnect result'));
    return result;
  }

  private sendOnce(
    packet: Buffer,
    id: number,
    dest: string,
    host: string,
    nas: NasEntry,
  ): Promise<DisconnectResult> {
    return new Promise((resolve) => {
      const key = `${dest}#${id}`;
      const entry: Pending = {
        authenticator: packet.subarray(4, 20),
        secret: nas.secret,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        if (this.pending.get(key) === entry) this.pending.delete(key);
        resolve('TIMEOUT');
      }, this.opts.timeoutMs ?? 1000);
      this.pending.set(key, entry);
      this.stats.sent++;
      this.socket?.send(packet, nas.coaPort, host);
    });
  }

  private onReply(msg: Buffer, from: string): void {
    let reply;
    try {
      reply = parsePacket(msg);
    } catch {
      return;
    }
    const key = `${from}#${reply.identifier}`;
    const p = this.pending.get(key);
    if (!p || !verifyResponse(reply, p.authenticator, p.secret)) return;
    this.pending.delete(key);
    if (reply.code === Code.DisconnectAck) p.resolve('ACK');
    else if (reply.code === Code.DisconnectNak) {
      const cause = getInt(reply, Attr.ErrorCause);
      p.resolve(cause === undefined ? 'NAK' : `NAK:${cause}`);
    }
  }

  /** The next identifier not in flight to `dest`, or null when all 256 are (RFC 5080: ids are per destination). */
  private allocateId(dest: string): number | null {
    const start = this.nextId.get(dest) ?? Math.floor(Math.random() * 256);
    for (let step = 1; step <= 256; step++) {
      const id = (start + step) & 0xff;
      if (!this.pending.has(`${dest}#${id}`)) {
        this.nextId.set(dest, id);
        return id;
      }
    }
    return null;
  }
}

const formatMacIetf = (mac: string): string =>
  /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) ? mac.toUpperCase().replaceAll(':', '-') : mac;

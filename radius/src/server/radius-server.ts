import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { PacketBuilder, encodeResponse } from '../codec/builder.js';
import { verifyMessageAuthenticator, verifyRequestAuthenticator } from '../codec/crypto.js';
import { Attr, Code, CodecError, getAttr, parsePacket, type RadiusPacket } from '../codec/packet.js';
import type { AccessHandler } from '../handlers/access.handler.js';
import type { AccountingHandler } from '../handlers/accounting.handler.js';
import type { EapHandler } from '../handlers/eap.handler.js';
import type { NasEntry, Snapshot } from '../snapshot/snapshot.js';
import type { RadiusMetrics } from './metrics.js';
import { ReplyCache } from './reply-cache.js';
import { stateOwner } from './eap-routing.js';

export interface EapRouting {
  ownTag: number;
  /** Hands a datagram to the worker owning `tag`; false when it must be handled here. */
  forward(tag: number, msg: Buffer, rinfo: RemoteInfo): boolean;
}

type Port = 'auth' | 'acct';

/**
 * dgram `lookup`: replies go to rinfo.address, an IP literal, which is answered synchronously
 * (dns.lookup defers even a literal with process.nextTick, once per reply). Names (a RADIUS_HOST
 * to bind) still go through dns.lookup.
 */
function literalLookup(
  address: string,
  options: LookupOneOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(address);
  if (family) callback(null, address, family);
  else dnsLookup(address, options, callback);
}

/**
 * The two UDP sockets and everything before and after a handler: NAS lookup by source address,
 * parsing, authenticator checks, duplicate detection, metrics. A datagram that fails any check is
 * dropped and counted — a RADIUS server never answers what it cannot authenticate.
 */
export class RadiusServer {
  private readonly sockets: Partial<Record<Port, Socket>> = {};
  private readonly caches: Record<Port, ReplyCache> = { auth: new ReplyCache(), acct: new ReplyCache() };
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly snapshot: Snapshot,
    private readonly access: AccessHandler,
    private readonly accounting: AccountingHandler,
    private readonly metrics: RadiusMetrics,
    private readonly logger: Logger,
    private readonly eap: EapHandler | null = null,
    private readonly routing: EapRouting | null = null,
  ) {}

  async listen(
    host: string,
    authPort: number,
    acctPort: number,
  ): Promise<{ authPort: number; acctPort: number }> {
    const bind = (port: number, kind: Port) =>
      new Promise<number>((resolve, reject) => {
        const socket = createSocket({
          type: 'udp4',
          recvBufferSize: 4 << 20,
          sendBufferSize: 4 << 20,
          // Replies go to rinfo.address, always an IP literal: skip dns.lookup (and the
          // process.nextTick it costs for every send even for a literal).
          lookup: literalLookup,
        });
        socket.once('error', reject);
        socket.on('message', (msg, rinfo) => this.onDatagram(socket, kind, msg, rinfo));
        socket.bind(port, host, () => {
          socket.off('error', reject);
          socket.on('error', (err) => this.logger.error({ err: err.message, kind }, 'socket error'));
          this.sockets[kind] = socket;
          resolve(socket.address().port);
        });
      });
    const result = { authPort: await bind(authPort, 'auth'), acctPort: await bind(acctPort, 'acct') };
    this.sweepTimer = setInterval(() => {
      this.caches.auth.sweep();
      this.caches.acct.sweep();
    }, 5000);
    this.sweepTimer.unref();
    return result;
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.all(
      Object.values(this.sockets).map((s) => new Promise<void>((resolve) => s!.close(() => resolve()))),
    );
  }

  /** A datagram another worker received for one of our EAP conversations (cluster routing). */
  injectAuth(msg: Buffer, rinfo: RemoteInfo): void {
    const socket = this.sockets.auth;
    if (socket) this.onDatagram(socket, 'auth', msg, rinfo, false);
  }

  /** One datagram from `rinfo` on the `kind` port; the reply, if any, goes out through `socket`. */
  onDatagram(socket: Pick<Socket, 'send'>, kind: Port, msg: Buffer, rinfo: RemoteInfo, route = true): void {
    const started = performance.now();
    const nas = this.snapshot.nasFor(rinfo.address);
    if (!nas) {
      this.drop('UNKNOWN_SOURCE');
      return;
    }
    let req: RadiusPacket;
    try {
      req = parsePacket(msg);
    } catch (err) {
      this.drop(err instanceof CodecError ? `MALFORMED_${err.code}` : 'MALFORMED');
      return;
    }
    if (route && kind === 'auth' && this.routing) {
      const owner = stateOwner(req);
      if (owner !== null && owner !== this.routing.ownTag && this.routing.forward(owner, msg, rinfo)) {
        this.metrics.eapRouted.inc();
        return;
      }
    }
    this.metrics.packets.inc(kind, req.code);
    const cache = this.caches[kind];
    const now = Date.now();
    const cached = cache.lookup(rinfo.address, rinfo.port, req.identifier, req.authenticator, now);
    if (cached !== undefined) {
      this.metrics.duplicates.inc();
      if (cached) socket.send(cached, rinfo.port, rinfo.address);
      return;
    }
    // dispatch authenticates the request before anything is cached: null = dropped.
    let outcome: Buffer | null | Promise<Buffer | null>;
    try {
      outcome = this.dispatch(kind, req, nas, rinfo);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (outcome === null) return;
    if (Buffer.isBuffer(outcome)) {
      // PAP/MAC/PPSK Access-Requests are answered synchronously: no promise, no in-flight mark.
      cache.store(rinfo.address, rinfo.port, req.identifier, req.authenticator, outcome, now);
      socket.send(outcome, rinfo.port, rinfo.address);
      this.metrics.latency.observe(kind, (performance.now() - started) / 1000);
      return;
    }
    // Accounting waits for the database, EAP for its TLS session: retransmissions meanwhile are
    // ignored, not processed twice.
    const authenticator = Buffer.from(req.authenticator);
    cache.begin(rinfo.address, rinfo.port, req.identifier, authenticator, now);
    outcome
      .then((reply) => {
        if (!reply) {
          cache.forget(rinfo.address, rinfo.port, req.identifier, authenticator);
          return;
        }
        cache.store(rinfo.address, rinfo.port, req.identifier, authenticator, reply);
        socket.send(reply, rinfo.port, rinfo.address);
        this.metrics.latency.observe(kind, (performance.now() - started) / 1000);
      })
      .catch((err: unknown) => {
        cache.forget(rinfo.address, rinfo.port, req.identifier, authenticator);
        this.failed(err);
      });
  }

  private failed(err: unknown): void {
    this.drop(err instanceof CodecError ? `MALFORMED_${err.code}` : 'HANDLER_ERROR');
    if (!(err instanceof CodecError)) this.logger.error({ err }, 'handler failed');
  }

  private dispatch(
    kind: Port,
    req: RadiusPacket,
    nas: NasEntry,
    rinfo: RemoteInfo,
  ): Buffer | null | Promise<Buffer | null> {
    if (kind === 'auth') {
      if (req.code === Code.StatusServer) {
        // RFC 5997: Status-Server must carry a valid Message-Authenticator.
        if (verifyMessageAuthenticator(req, nas.secret) !== 'VALID')
          return this.drop('BAD_MESSAGE_AUTHENTICATOR');
        return encodeResponse(req, Code.AccessAccept, new PacketBuilder(), nas.secret);
      }
      if (req.code !== Code.AccessRequest) return this.drop('UNEXPECTED_CODE');
      const ma = verifyMessageAuthenticator(req, nas.secret);
      if (ma === 'INVALID') return this.drop('BAD_MESSAGE_AUTHENTICATOR');
      if (ma === 'ABSENT') {
        if (nas.requireMessageAuthenticator) return this.drop('MISSING_MESSAGE_AUTHENTICATOR');
        // RFC 3579 §3.2: EAP-Message without Message-Authenticator is discarded, whatever the NAS setting.
        if (getAttr(req, Attr.EapMessage) !== undefined)
          return this.drop('EAP_WITHOUT_MESSAGE_AUTHENTICATOR');
        // FreeRADIUS `limit_proxy_state`: Proxy-State is echoed verbatim, which hands a Blast-RADIUS
        // attacker chosen bytes in the reply; without a Message-Authenticator it is not accepted.
        if (getAttr(req, Attr.ProxyState) !== undefined)
          return this.drop('PROXY_STATE_WITHOUT_MESSAGE_AUTHENTICATOR');
      }
      if (this.eap && getAttr(req, Attr.EapMessage) !== undefined) {
        return this.eap.handle(req, nas).then((o) => {
          if (o.final) this.metrics.decisions.inc(o.final.method, o.final.accepted, o.final.reason);
          if (o.reply === null) return this.drop(o.dropReason ?? 'EAP_DROPPED');
          return o.reply;
        });
      }
      const outcome = this.access.handle(req, nas);
      this.metrics.decisions.inc(outcome.method ?? 'NONE', outcome.accepted, outcome.reason);
      return outcome.reply;
    }
    if (req.code === Code.StatusServer) {
      if (verifyMessageAuthenticator(req, nas.secret) !== 'VALID')
        return this.drop('BAD_MESSAGE_AUTHENTICATOR');
      return encodeResponse(req, Code.AccountingResponse, new PacketBuilder(), nas.secret);
    }
    if (req.code !== Code.AccountingRequest) return this.drop('UNEXPECTED_CODE');
    if (!verifyRequestAuthenticator(req, nas.secret)) return this.drop('BAD_REQUEST_AUTHENTICATOR');
    if (verifyMessageAuthenticator(req, nas.secret) === 'INVALID')
      return this.drop('BAD_MESSAGE_AUTHENTICATOR');
    return this.accounting.handle(req, nas, rinfo.address);
  }

  private drop(reason: string): null {
    this.metrics.dropped.inc({ reason });
    return null;
  }
}

/**
 * With RADIUS_WORKERS > 1 the workers share the UDP ports, so the kernel may hand any datagram of
 * an EAP conversation to any worker, while its TLS session lives in the one that started it. Each
 * worker writes its tag into the first byte of every State it hands out (EapSessionStore); a
 * worker receiving a State tagged for another passes the datagram straight to the owner over a
 * loopback UDP socket (one send, no JSON: cluster IPC through the primary doubled the CPU of a
 * PEAP authentication), and the owner answers from the shared socket. The primary only tells
 * every worker where the others listen.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Attr, Code, type RadiusPacket } from '../codec/packet.js';

/** Tag of a single-process worker. */
export const STANDALONE_TAG = 0;

/** Tag of cluster worker `id` (1, 2, …): 1–255, reused only after 255 restarts. */
export const ownerTagFor = (workerId: number): number => ((workerId - 1) % 255) + 1;

/** The tag an Access-Request's EAP State names, or null when it is not such a request. */
export function stateOwner(req: RadiusPacket): number | null {
  if (req.code !== Code.AccessRequest) return null;
  let state: Buffer | undefined;
  let eap = false;
  for (const a of req.attributes) {
    if (a.type === Attr.State) state ??= a.value;
    else if (a.type === Attr.EapMessage) eap = true;
  }
  return eap && state && state.length === 16 ? state[0]! : null;
}

/** Environment variable carrying the cluster's routing key (random per start, hex). */
export const ROUTE_KEY_ENV = 'LANYARD_RADIUS_ROUTE_KEY';

/** Worker → primary: "my router listens on this loopback port". */
export interface RouterAnnouncement {
  type: 'lanyard-radius-eap-router';
  port: number;
}

/** Primary → workers: every worker's router port, by tag. */
export interface RouterTable {
  type: 'lanyard-radius-eap-routers';
  ports: Array<[tag: number, port: number]>;
}

export const isRouterAnnouncement = (m: unknown): m is RouterAnnouncement =>
  typeof m === 'object' && m !== null && (m as RouterAnnouncement).type === 'lanyard-radius-eap-router';

export const isRouterTable = (m: unknown): m is RouterTable =>
  typeof m === 'object' && m !== null && (m as RouterTable).type === 'lanyard-radius-eap-routers';

/** The part of a cluster worker the primary sends the table through. */
export interface RouterTableRecipient {
  isConnected(): boolean;
  send(message: RouterTable, callback: (err: Error | null) => void): boolean;
}

/**
 * Sends the table to every worker still connected. A worker stopping or dying closes its channel
 * before the primary sees it exit; a send on a closed channel without a callback is an 'error'
 * event on the worker, which nobody handles: it took the primary down, orphaning the workers left.
 * Returns how many sends failed that way (the worker is gone from the next table anyway).
 */
export function publishRouterTable(
  workers: Iterable<RouterTableRecipient | undefined>,
  table: RouterTable,
): Promise<number> {
  const sends: Promise<boolean>[] = [];
  for (const w of workers) {
    if (!w?.isConnected()) continue;
    sends.push(new Promise((resolve) => w.send(table, (err) => resolve(err === null))));
  }
  return Promise.all(sends).then((ok) => ok.filter((sent) => !sent).length);
}

/**
 * key (16) | source port (2) | address length (1) | address (ASCII) | datagram. The key keeps
 * other local processes from injecting datagrams with a made-up source address.
 */
export function encodeRouted(key: Buffer, msg: Buffer, rinfo: Pick<RemoteInfo, 'address' | 'port'>): Buffer {
  const address = Buffer.from(rinfo.address, 'ascii');
  const head = Buffer.alloc(19);
  key.copy(head, 0, 0, 16);
  head.writeUInt16BE(rinfo.port, 16);
  head[18] = address.length;
  return Buffer.concat([head, address, msg]);
}

export function decodeRouted(key: Buffer, buf: Buffer): { msg: Buffer; rinfo: RemoteInfo } | null {
  if (buf.length < 19 || !timingSafeEqual(buf.subarray(0, 16), key.subarray(0, 16))) return null;
  const port = buf.readUInt16BE(16);
  const len = buf[18]!;
  if (buf.length < 19 + len) return null;
  const address = buf.subarray(19, 19 + len).toString('ascii');
  const family = isIP(address);
  if (!family) return null;
  const msg = buf.subarray(19 + len);
  return { msg, rinfo: { address, port, family: family === 6 ? 'IPv6' : 'IPv4', size: msg.length } };
}

/** One worker's end of the routing: forwards to the owners' routers, receives for its own tag. */
export class LoopbackRouter {
  private readonly socket: Socket = createSocket('udp4');
  private ports = new Map<number, number>();
  private bound = false;

  constructor(private readonly key: Buffer) {}

  /** Binds a loopback port and hands what arrives (checked) to `deliver`; returns the port. */
  start(deliver: (msg: Buffer, rinfo: RemoteInfo) => void): Promise<number> {
    this.socket.on('message', (buf, from) => {
      if (from.address !== '127.0.0.1') return;
      const routed = decodeRouted(this.key, buf);
      if (routed) deliver(routed.msg, routed.rinfo);
    });
    // exclusive: in a cluster worker a plain bind would share one handle with the other workers.
    return new Promise((resolve) =>
      this.socket.bind({ port: 0, address: '127.0.0.1', exclusive: true }, () => {
        this.bound = true;
        resolve(this.socket.address().port);
      }),
    );
  }

  setTable(table: RouterTable): void {
    this.ports = new Map(table.ports);
  }

  /** False when the owner is unknown (gone): the caller then handles the datagram itself. */
  forward(tag: number, msg: Buffer, rinfo: RemoteInfo): boolean {
    const port = this.ports.get(tag);
    if (port === undefined || !this.bound) return false;
    this.socket.send(encodeRouted(this.key, msg, rinfo), port, '127.0.0.1');
    return true;
  }

  close(): void {
    if (this.bound) this.socket.close();
    this.bound = false;
  }
}

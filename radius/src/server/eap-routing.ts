/**
 * With RADIUS_WORKERS > 1 the workers share the UDP ports, so the kernel may hand any datagram of
 * an EAP conversation to any worker, while its TLS session lives in the one that started it. Each
 * worker writes its tag into the first byte of every State it hands out (EapSessionStore); a
 * worker receiving a State tagged for another passes the datagram, through the cluster primary,
 * to its owner, which answers from the same shared socket.
 */
import type { RemoteInfo } from 'node:dgram';
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

/** Worker → primary: deliver this datagram to the worker with `tag`. Primary → worker: handle it. */
export interface RoutedDatagram {
  type: 'lanyard-radius-eap-route';
  tag: number;
  /** base64 */
  msg: string;
  rinfo: RemoteInfo;
  /** Set by the primary when no live worker has the tag: the sender handles it itself. */
  orphan?: boolean;
}

export function isRoutedDatagram(m: unknown): m is RoutedDatagram {
  return (
    typeof m === 'object' &&
    m !== null &&
    (m as RoutedDatagram).type === 'lanyard-radius-eap-route' &&
    typeof (m as RoutedDatagram).msg === 'string'
  );
}

import type { NasEntry } from '../snapshot/snapshot.js';
import type { MemberEntry } from '../snapshot/snapshot.js';
import type { EapAuthMethod } from './access.handler.js';

/** What the inner method wants next. */
export type InnerStep =
  | { kind: 'SEND'; cleartext: Buffer }
  | { kind: 'ACCEPT'; member: MemberEntry; userName: string }
  | { kind: 'REJECT'; reason: string; member: MemberEntry | null; userName: string | null };

export interface InnerContext {
  nas: NasEntry;
  /** EAP identifier of the outer Request that will carry what the method sends. */
  nextIdentifier: number;
}

/**
 * The part of PEAP / EAP-TTLS that runs inside the TLS tunnel, one object per conversation.
 * The TLS handshake, framing and fragmentation around it are shared (eap.handler.ts).
 */
export interface TunnelMethod {
  /** The peer has finished the handshake and sent nothing: the method's first message, if it has one. */
  start(ctx: InnerContext): InnerStep;
  /** Application data the peer sent inside the tunnel. */
  data(cleartext: Buffer, ctx: InnerContext): InnerStep;
  /** The inner identity once known (for the auth event). */
  readonly identity: string | null;
}

export interface TunnelMethodSpec {
  eapType: number;
  authMethod: EapAuthMethod;
  /** RFC 5705 exporter label for the 128-byte MSK‖EMSK (TLS ≤ 1.2). */
  keyLabel: string;
  create(): TunnelMethod;
}

import type { SecureContext } from 'node:tls';
import { PacketBuilder, encodeResponse } from '../codec/builder.js';
import {
  Attr,
  Code,
  getAttr,
  getEapMessage,
  getInt,
  getString,
  macFromAttribute,
  type RadiusPacket,
} from '../codec/packet.js';
import {
  EapCode,
  EapError,
  EapType,
  buildEap,
  eapFailure,
  eapSuccess,
  parseEap,
  type EapPacket,
} from '../eap/eap-packet.js';
import { EapSessionStore, type StoredSession } from '../eap/eap-session-store.js';
import { TlsReassembler, emptyPayload, fragmentTls, parseTlsPayload } from '../eap/tls-framing.js';
import { TlsTunnel } from '../eap/tls-tunnel.js';
import type { NasEntry } from '../snapshot/snapshot.js';
import type { AccessHandler, EapAuthMethod } from './access.handler.js';
import type { InnerContext, InnerStep, TunnelMethod, TunnelMethodSpec } from './tunnel-method.js';

export interface EapHandlerOptions {
  /** Methods in the order they are offered; a peer's Nak picks another one. */
  methods: TunnelMethodSpec[];
  /** Most TLS bytes per EAP packet (FreeRADIUS' fragment_size, 1024), lowered to fit Framed-MTU. */
  fragmentSize: number;
  maxSessions: number;
  idleMs: number;
  /** First byte of every State this worker hands out (cluster routing). */
  ownerTag: number;
  /** Largest TLS message accepted from a peer (reassembled). */
  maxPeerMessage?: number;
  /** Clock for session expiry (tests). */
  now?: () => number;
}

export interface EapOutcome {
  /** null: drop the request without an answer (counted under `dropReason`). */
  reply: Buffer | null;
  /** Set when the conversation ended with this reply (Accept or Reject). */
  final: { accepted: boolean; method: EapAuthMethod; reason: string } | null;
  dropReason?: string;
}

/** One EAP conversation (kept in the session store between round trips). */
class Conversation implements StoredSession {
  state: Buffer = Buffer.alloc(0);
  spec: TunnelMethodSpec;
  tried = new Set<number>();
  /** The peer has answered our Start with the method's own type (a Nak is no longer possible). */
  methodStarted = false;
  tunnel: TlsTunnel | null = null;
  method: TunnelMethod | null = null;
  readonly reassembler: TlsReassembler;
  /** Our fragments waiting for the peer's ACKs. */
  pendingOut: Buffer[] = [];
  lastRequest: Buffer | null = null;
  lastRequestId = -1;
  lastResponseId = -1;
  busy = false;

  constructor(
    spec: TunnelMethodSpec,
    readonly outerIdentity: string,
    maxPeerMessage: number,
  ) {
    this.spec = spec;
    this.tried.add(spec.eapType);
    this.reassembler = new TlsReassembler(maxPeerMessage);
  }

  close(): void {
    this.tunnel?.close();
    this.tunnel = null;
  }
}

/** TLS bytes per EAP packet: flags (1) + TLS Message Length (4) + EAP header (5) must fit Framed-MTU. */
const FRAMING_OVERHEAD = 10;
const MIN_FRAGMENT = 64;

/**
 * Access-Requests carrying EAP-Message (RFC 3579): PEAPv0/EAP-MSCHAPv2 and EAP-TTLS/PAP. Starts a
 * conversation on EAP-Response/Identity (the outer identity may be anonymous), offers the methods
 * in order (a Nak moves to another), runs the TLS handshake in memory, fragments our TLS records
 * to the link and reassembles the peer's, and hands the inner exchange to the method. The last
 * answer comes from AccessHandler: the same decision and reply attributes as PAP, with
 * EAP-Success and the MPPE keys, or a Reject with EAP-Failure.
 */
export class EapHandler {
  readonly sessions: EapSessionStore<Conversation>;
  private readonly maxPeerMessage: number;

  constructor(
    private readonly access: AccessHandler,
    private readonly secureContext: () => SecureContext,
    private readonly opts: EapHandlerOptions,
  ) {
    if (opts.methods.length === 0) throw new Error('EAP: no methods');
    this.sessions = new EapSessionStore<Conversation>({
      maxSessions: opts.maxSessions,
      idleMs: opts.idleMs,
      ownerTag: opts.ownerTag,
      now: opts.now,
    });
    this.maxPeerMessage = opts.maxPeerMessage ?? 64 * 1024;
  }

  async handle(req: RadiusPacket, nas: NasEntry): Promise<EapOutcome> {
    const calling = getString(req, Attr.CallingStationId) ?? null;
    const mac = calling ? macFromAttribute(calling) : null;
    const outerName = getString(req, Attr.UserName) ?? null;
    const first = this.opts.methods[0]!;
    let pkt: EapPacket;
    try {
      pkt = parseEap(getEapMessage(req)!);
    } catch (err) {
      const reason = err instanceof EapError ? err.code : 'EAP_MALFORMED';
      return this.reject(req, nas, first.authMethod, reason, { userName: outerName, mac }, 0);
    }
    if (pkt.code !== EapCode.Response)
      return this.reject(
        req,
        nas,
        first.authMethod,
        'EAP_NOT_A_RESPONSE',
        { userName: outerName, mac },
        pkt.identifier,
      );

    const state = getAttr(req, Attr.State);
    if (!state) {
      if (pkt.type !== EapType.Identity)
        return this.reject(
          req,
          nas,
          first.authMethod,
          'EAP_NO_SESSION',
          { userName: outerName, mac },
          pkt.identifier,
        );
      const conv = new Conversation(first, pkt.data.toString('utf8'), this.maxPeerMessage);
      const created = this.sessions.create(conv, nas.id, calling);
      if (!created)
        return this.reject(
          req,
          nas,
          first.authMethod,
          'EAP_SESSION_LIMIT',
          { userName: outerName, mac },
          pkt.identifier,
        );
      conv.state = created;
      return this.challenge(req, nas, conv, pkt, emptyPayload(0, true));
    }

    const conv = this.sessions.get(state, nas.id, calling);
    if (!conv)
      return this.reject(
        req,
        nas,
        first.authMethod,
        'EAP_SESSION_UNKNOWN',
        { userName: outerName, mac },
        pkt.identifier,
      );
    if (conv.busy) return { reply: null, final: null, dropReason: 'EAP_SESSION_BUSY' };
    if (pkt.identifier !== conv.lastRequestId) {
      // The peer (or the NAS for it) repeated its previous answer: repeat our last request.
      if (pkt.identifier === conv.lastResponseId && conv.lastRequest) return this.repeat(req, nas, conv);
      return { reply: null, final: null, dropReason: 'EAP_BAD_IDENTIFIER' };
    }
    conv.busy = true;
    try {
      return await this.step(req, nas, conv, pkt, { userName: outerName, mac });
    } catch (err) {
      const reason = err instanceof EapError ? err.code : 'EAP_ERROR';
      return this.end(req, nas, conv, reason, null, { userName: outerName, mac }, pkt.identifier);
    } finally {
      conv.busy = false;
    }
  }

  closeAll(): void {
    this.sessions.closeAll();
  }

  private async step(
    req: RadiusPacket,
    nas: NasEntry,
    conv: Conversation,
    pkt: EapPacket,
    ctx: { userName: string | null; mac: string | null },
  ): Promise<EapOutcome> {
    if (pkt.type === EapType.Nak && !conv.methodStarted) {
      const next = this.opts.methods.find((m) => !conv.tried.has(m.eapType) && pkt.data.includes(m.eapType));
      if (!next) return this.end(req, nas, conv, 'EAP_NO_COMMON_METHOD', null, ctx, pkt.identifier);
      conv.spec = next;
      conv.tried.add(next.eapType);
      return this.challenge(req, nas, conv, pkt, emptyPayload(0, true));
    }
    if (pkt.type !== conv.spec.eapType)
      return this.end(req, nas, conv, 'EAP_UNEXPECTED_TYPE', null, ctx, pkt.identifier);
    const payload = parseTlsPayload(pkt.data);
    conv.methodStarted = true;

    // We are sending a fragmented message: each peer answer must be an empty ACK.
    if (conv.pendingOut.length) {
      if (payload.data.length || payload.more)
        return this.end(req, nas, conv, 'EAP_BAD_TLS', null, ctx, pkt.identifier);
      return this.challenge(req, nas, conv, pkt, conv.pendingOut.shift()!);
    }
    const records = conv.reassembler.add(payload);
    if (records === null) return this.challenge(req, nas, conv, pkt, emptyPayload(0)); // ACK, send the rest

    conv.tunnel ??= new TlsTunnel(this.secureContext());
    conv.method ??= conv.spec.create();
    const tunnel = conv.tunnel;
    const wasEstablished = tunnel.established;
    const result = await tunnel.receive(records);
    if (result.failed) return this.end(req, nas, conv, 'EAP_TLS_FAILED', null, ctx, pkt.identifier);
    const inner: InnerContext = { nas, nextIdentifier: (pkt.identifier + 1) & 0xff };
    let step: InnerStep | null = null;
    if (result.cleartext.length) step = conv.method.data(result.cleartext, inner);
    else if (wasEstablished && records.length === 0) step = conv.method.start(inner);

    if (step?.kind === 'ACCEPT' || step?.kind === 'REJECT') {
      const who = { userName: step.userName ?? conv.method.identity ?? ctx.userName, mac: ctx.mac };
      if (step.kind === 'REJECT')
        return this.end(req, nas, conv, step.reason, step.member, who, pkt.identifier);
      const msk = tunnel.exportKeyingMaterial(128, conv.spec.keyLabel);
      const outcome = this.access.finishEap(req, nas, conv.spec.authMethod, step.member, who, {
        success: eapSuccess(pkt.identifier),
        failure: eapFailure(pkt.identifier),
        recvKey: msk.subarray(0, 32),
        sendKey: msk.subarray(32, 64),
      });
      this.sessions.finish(conv.state);
      return {
        reply: outcome.reply,
        final: { accepted: outcome.accepted, method: conv.spec.authMethod, reason: outcome.reason },
      };
    }
    let out = result.output;
    if (step?.kind === 'SEND') out = Buffer.concat([out, await tunnel.send(step.cleartext)]);
    if (out.length === 0) return this.end(req, nas, conv, 'EAP_TLS_STALLED', null, ctx, pkt.identifier);
    const mtu = getInt(req, Attr.FramedMtu);
    const size = Math.max(
      MIN_FRAGMENT,
      Math.min(this.opts.fragmentSize, mtu !== undefined ? mtu - FRAMING_OVERHEAD : this.opts.fragmentSize),
    );
    const [head, ...rest] = fragmentTls(out, size, 0);
    conv.pendingOut = rest;
    return this.challenge(req, nas, conv, pkt, head!);
  }

  /** Access-Challenge carrying EAP-Request/<method> with `typeData`, and our State. */
  private challenge(
    req: RadiusPacket,
    nas: NasEntry,
    conv: Conversation,
    pkt: EapPacket,
    typeData: Buffer,
  ): EapOutcome {
    const id = (pkt.identifier + 1) & 0xff;
    const eap = buildEap(EapCode.Request, id, conv.spec.eapType, typeData);
    conv.lastRequest = eap;
    conv.lastRequestId = id;
    conv.lastResponseId = pkt.identifier;
    return this.challengeReply(req, nas, conv, eap);
  }

  private repeat(req: RadiusPacket, nas: NasEntry, conv: Conversation): EapOutcome {
    return this.challengeReply(req, nas, conv, conv.lastRequest!);
  }

  private challengeReply(req: RadiusPacket, nas: NasEntry, conv: Conversation, eap: Buffer): EapOutcome {
    const b = new PacketBuilder().add(Attr.EapMessage, eap).add(Attr.State, conv.state);
    return { reply: encodeResponse(req, Code.AccessChallenge, b, nas.secret), final: null };
  }

  /** Ends a conversation with a Reject. */
  private end(
    req: RadiusPacket,
    nas: NasEntry,
    conv: Conversation,
    reason: string,
    member: Parameters<AccessHandler['rejectEap']>[4]['member'],
    ctx: { userName: string | null; mac: string | null },
    identifier: number,
  ): EapOutcome {
    this.sessions.finish(conv.state);
    return this.reject(req, nas, conv.spec.authMethod, reason, { ...ctx, member }, identifier);
  }

  private reject(
    req: RadiusPacket,
    nas: NasEntry,
    method: EapAuthMethod,
    reason: string,
    ctx: Parameters<AccessHandler['rejectEap']>[4],
    identifier: number,
  ): EapOutcome {
    const outcome = this.access.rejectEap(req, nas, method, reason, ctx, eapFailure(identifier));
    return { reply: outcome.reply, final: { accepted: false, method, reason } };
  }
}

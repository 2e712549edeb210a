import { randomBytes } from 'node:crypto';
import { EapCode, EapType, buildEap } from '../eap/eap-packet.js';
import { generateAuthenticatorResponse, verifyNtResponse } from '../eap/mschapv2.js';
import type { MemberEntry, Snapshot } from '../snapshot/snapshot.js';
import type { InnerContext, InnerStep, TunnelMethod, TunnelMethodSpec } from './tunnel-method.js';

const OP_CHALLENGE = 1;
const OP_RESPONSE = 2;
const OP_SUCCESS = 3;
const OP_FAILURE = 4;
/** Result TLV (type 3, mandatory bit) in a PEAP Extensions packet: 1 = success, 2 = failure. */
const RESULT_TLV = 0x8003;
const RESULT_SUCCESS = 1;
const RESULT_FAILURE = 2;

type Phase = 'IDENTITY' | 'CHALLENGE' | 'SUCCESS_SENT' | 'FAILURE_SENT' | 'RESULT_SENT' | 'DONE';

/** One inner EAP message as PEAPv0 carries it: header-compressed (Type first) unless it is Extensions. */
interface Inner {
  type: number;
  data: Buffer;
}

function parseInner(buf: Buffer): Inner | null {
  if (buf.length === 0) return null;
  // A full EAP header (code 2 = Response, length matching): Extensions, or a peer that does not compress.
  if (buf.length >= 5 && buf[0] === EapCode.Response && buf.readUInt16BE(2) === buf.length)
    return { type: buf[4]!, data: buf.subarray(5) };
  return { type: buf[0]!, data: buf.subarray(1) };
}

const compressed = (type: number, data: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([Buffer.from([type]), data]);

function msChapV2(opCode: number, msId: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = opCode;
  head[1] = msId;
  head.writeUInt16BE(4 + body.length, 2);
  return compressed(EapType.MsChapV2, Buffer.concat([head, body]));
}

function resultTlv(identifier: number, result: number): Buffer {
  const tlv = Buffer.alloc(6);
  tlv.writeUInt16BE(RESULT_TLV, 0);
  tlv.writeUInt16BE(2, 2);
  tlv.writeUInt16BE(result, 4);
  return buildEap(EapCode.Request, identifier, EapType.Extensions, tlv);
}

/**
 * PEAPv0 with EAP-MSCHAPv2 inside (draft-kamath-pppext-peapv0, draft-kamath-pppext-eap-mschapv2,
 * RFC 2759): inner Identity → MS-CHAPv2 Challenge → the peer's NT-Response checked against the
 * member's NT hash → Success (with the authenticator response) or Failure → Result TLV → done.
 * A member whose password is right but who has no access here gets the same Failure as a wrong
 * password, so the answer does not tell a guesser that the password was right.
 */
class PeapMsChapV2 implements TunnelMethod {
  identity: string | null = null;
  private phase: Phase = 'IDENTITY';
  private member: MemberEntry | null = null;
  private readonly authChallenge = randomBytes(16);
  private readonly msId = randomBytes(1)[0]!;
  private failure: { reason: string } | null = null;

  constructor(
    private readonly snapshot: Snapshot,
    private readonly serverName: Buffer,
    private readonly decide: (member: MemberEntry, ctx: InnerContext) => { allowed: boolean; reason: string },
  ) {}

  start(): InnerStep {
    if (this.phase !== 'IDENTITY') return this.reject('EAP_PEAP_UNEXPECTED');
    return { kind: 'SEND', cleartext: compressed(EapType.Identity) };
  }

  data(cleartext: Buffer, ctx: InnerContext): InnerStep {
    const inner = parseInner(cleartext);
    if (!inner) return this.reject('EAP_PEAP_UNEXPECTED');
    if (inner.type === EapType.Nak) return this.reject('EAP_NO_COMMON_METHOD');
    switch (this.phase) {
      case 'IDENTITY': {
        if (inner.type !== EapType.Identity) return this.reject('EAP_PEAP_UNEXPECTED');
        this.identity = inner.data.toString('utf8').replaceAll('\0', '');
        this.member = this.identity ? (this.snapshot.memberByUsername(this.identity) ?? null) : null;
        this.phase = 'CHALLENGE';
        // Value-Size 16, the challenge, then the server's name.
        const body = Buffer.concat([Buffer.from([16]), this.authChallenge, this.serverName]);
        return { kind: 'SEND', cleartext: msChapV2(OP_CHALLENGE, this.msId, body) };
      }
      case 'CHALLENGE':
        return this.response(inner, ctx);
      case 'SUCCESS_SENT':
        if (inner.type !== EapType.MsChapV2 || inner.data[0] !== OP_SUCCESS)
          return this.reject('EAP_PEAP_UNEXPECTED');
        this.phase = 'RESULT_SENT';
        return { kind: 'SEND', cleartext: resultTlv(ctx.nextIdentifier, RESULT_SUCCESS) };
      case 'FAILURE_SENT':
        this.phase = 'RESULT_SENT';
        return { kind: 'SEND', cleartext: resultTlv(ctx.nextIdentifier, RESULT_FAILURE) };
      case 'RESULT_SENT': {
        this.phase = 'DONE';
        if (this.failure) return this.reject(this.failure.reason);
        const ok =
          inner.type === EapType.Extensions &&
          inner.data.length >= 6 &&
          (inner.data.readUInt16BE(0) & 0x3fff) === (RESULT_TLV & 0x3fff) &&
          inner.data.readUInt16BE(4) === RESULT_SUCCESS;
        if (!ok || !this.member) return this.reject('EAP_PEAP_RESULT_FAILURE');
        return { kind: 'ACCEPT', member: this.member, userName: this.identity ?? this.member.username };
      }
      default:
        return this.reject('EAP_PEAP_UNEXPECTED');
    }
  }

  private response(inner: Inner, ctx: InnerContext): InnerStep {
    const d = inner.data;
    // OpCode, MS-CHAPv2-ID, MS-Length (2), Value-Size 49, Peer-Challenge (16), reserved (8), NT-Response (24), Flags, Name.
    if (inner.type !== EapType.MsChapV2 || d.length < 54 || d[0] !== OP_RESPONSE || d[4] !== 49)
      return this.reject('EAP_PEAP_UNEXPECTED');
    if (d[1] !== this.msId) return this.reject('EAP_MSCHAPV2_BAD_ID');
    const peerChallenge = d.subarray(5, 21);
    const ntResponse = d.subarray(29, 53);
    const name = d.subarray(54).toString('utf8');
    const member = this.member;
    let reason: string | null = null;
    if (!member) reason = 'UNKNOWN_USER';
    else if (!member.ntHash) reason = 'NT_HASH_MISSING';
    else if (!verifyNtResponse(this.authChallenge, peerChallenge, name, member.ntHash, ntResponse))
      reason = 'BAD_PASSWORD';
    else {
      const decision = this.decide(member, ctx);
      if (!decision.allowed) reason = decision.reason;
    }
    if (reason !== null) {
      this.failure = { reason };
      this.phase = 'FAILURE_SENT';
      const message = `E=691 R=0 C=${randomBytes(16).toString('hex').toUpperCase()} V=3 M=Authentication failed`;
      return { kind: 'SEND', cleartext: msChapV2(OP_FAILURE, this.msId, Buffer.from(message, 'ascii')) };
    }
    const authenticatorResponse = generateAuthenticatorResponse(
      member!.ntHash!,
      ntResponse,
      peerChallenge,
      this.authChallenge,
      name,
    );
    this.phase = 'SUCCESS_SENT';
    return {
      kind: 'SEND',
      cleartext: msChapV2(OP_SUCCESS, this.msId, Buffer.from(`${authenticatorResponse} M=OK`, 'ascii')),
    };
  }

  private reject(reason: string): InnerStep {
    this.phase = 'DONE';
    return { kind: 'REJECT', reason, member: this.member, userName: this.identity };
  }
}

export function peapMsChapV2Method(
  snapshot: Snapshot,
  serverName: string,
  decide: (member: MemberEntry, ctx: InnerContext) => { allowed: boolean; reason: string },
): TunnelMethodSpec {
  const name = Buffer.from(serverName, 'utf8');
  return {
    eapType: EapType.Peap,
    authMethod: 'PEAP_MSCHAPV2',
    keyLabel: 'client EAP encryption',
    create: () => new PeapMsChapV2(snapshot, name, decide),
  };
}

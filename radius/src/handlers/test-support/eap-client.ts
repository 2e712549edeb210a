/**
 * Plays the NAS for the EAP handler tests: wraps a test supplicant's EAP messages in
 * Access-Requests (EAP-Message split at 253 bytes, State echoed, Message-Authenticator), hands them
 * to the handler and unwraps the Access-Challenges, until an Accept or Reject arrives. Every reply
 * is checked with checkReplyIntegrity (Message-Authenticator first and valid, Response
 * Authenticator valid).
 */
import { PacketBuilder } from '../../codec/builder.js';
import { Attr, Code, getAttr, getAttrs, getEapMessage, type RadiusPacket } from '../../codec/packet.js';
import type { EapPeer } from '../../eap/test-support/eap-peer.js';
import type { NasEntry } from '../../snapshot/snapshot.js';
import type { EapHandler, EapOutcome } from '../eap.handler.js';
import { calledStationId, nasHeader, send } from './fixtures.js';
import { checkReplyIntegrity } from './decode.js';

export interface ConversationOptions {
  userName?: string;
  calling?: string | null;
  framedMtu?: number;
  maxRounds?: number;
}

export interface Conversation {
  /** The last request (its authenticator keys the hidden attributes of the final reply). */
  request: RadiusPacket;
  reply: RadiusPacket;
  outcome: EapOutcome;
  challenges: RadiusPacket[];
  /** Every EAP-Message the server sent, reassembled. */
  serverEap: Buffer[];
}

export function eapRequest(
  nas: NasEntry,
  eap: Buffer,
  state: Buffer | null,
  opts: ConversationOptions = {},
): RadiusPacket {
  const b = new PacketBuilder().add(Attr.UserName, opts.userName ?? 'anonymous');
  nasHeader(b, nas).add(Attr.CalledStationId, calledStationId());
  if (opts.calling !== null) b.add(Attr.CallingStationId, opts.calling ?? '02-00-00-00-00-01');
  if (opts.framedMtu !== undefined) b.add(Attr.FramedMtu, opts.framedMtu);
  b.add(Attr.EapMessage, eap);
  if (state) b.add(Attr.State, state);
  return send(nas, b);
}

export async function converse(
  handler: EapHandler,
  nas: NasEntry,
  peer: EapPeer,
  opts: ConversationOptions = {},
): Promise<Conversation> {
  let eap = peer.identityResponse();
  let state: Buffer | null = null;
  const challenges: RadiusPacket[] = [];
  const serverEap: Buffer[] = [];
  for (let round = 0; round < (opts.maxRounds ?? 60); round++) {
    const request = eapRequest(nas, eap, state, opts);
    const outcome = await handler.handle(request, nas);
    if (!outcome.reply) throw new Error(`request dropped: ${outcome.dropReason}`);
    const reply = checkReplyIntegrity(outcome.reply, request, nas.secret);
    for (const part of getAttrs(reply, Attr.EapMessage)) {
      if (part.length > 253) throw new Error('EAP-Message attribute over 253 bytes');
    }
    const message = getEapMessage(reply);
    if (message) serverEap.push(message);
    if (reply.code !== Code.AccessChallenge) return { request, reply, outcome, challenges, serverEap };
    challenges.push(reply);
    state = getAttr(reply, Attr.State) ?? null;
    if (!message) throw new Error('Access-Challenge without EAP-Message');
    eap = await peer.respond(message);
  }
  throw new Error('conversation did not end');
}

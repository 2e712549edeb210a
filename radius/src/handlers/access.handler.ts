import { timingSafeEqual } from 'node:crypto';
import { decideAccess, type AccessDecision } from '@lanyard/api/access-policy';
import { PacketBuilder, encodeResponse } from '../codec/builder.js';
import { decryptUserPassword } from '../codec/crypto.js';
import {
  Attr,
  Code,
  getAttr,
  getString,
  macFromAttribute,
  VendorAttr,
  type RadiusPacket,
} from '../codec/packet.js';
import type { UnboundMatcher } from '../ppsk/matcher.js';
import type { GroupEntry, MemberEntry, NasEntry, Snapshot } from '../snapshot/snapshot.js';
import type { AuthDecisionFields, WriteStore } from '../store/write-store.js';
import { fillAccept } from './reply-profile.js';
import { extractUnboundPpsk, hasEap, macAuthIdentity } from './request-info.js';

export type AuthMethod = 'PAP' | 'MAC_AUTH' | 'PPSK' | 'EAP_TTLS_PAP' | 'PEAP_MSCHAPV2';
export type EapAuthMethod = Extract<AuthMethod, 'EAP_TTLS_PAP' | 'PEAP_MSCHAPV2'>;

/** What the last Access-Accept/Reject of an EAP conversation adds (RFC 3579 §2.6, RFC 2548). */
export interface EapFinish {
  success: Buffer;
  failure: Buffer;
  /** MSK[0..32] and MSK[32..64] (reference/radius.md §6.5). */
  recvKey: Buffer;
  sendKey: Buffer;
}

export interface AccessOutcome {
  reply: Buffer;
  accepted: boolean;
  method: AuthMethod | null;
  reason: string;
}

export interface AccessHandlerOptions {
  maxSessionTimeoutSeconds: number;
  acctInterimIntervalSeconds: number;
  now?: () => Date;
}

/**
 * Access-Request → Access-Accept/Reject (FreeRADIUS' "authorize + authenticate + post-auth" in one
 * place). Everything it reads is in the snapshot; the only side effects are queued writes.
 */
export class AccessHandler {
  private readonly now: () => Date;
  /** The time of the request being handled (one clock read per request). */
  private at = new Date(0);
  /**
   * The decision being recorded, reused for every request: most decisions repeat one already on
   * an open auth event row and are only counted, so nothing is allocated for them.
   */
  private readonly decided: AuthDecisionFields = {
    nasClientId: '',
    memberId: null,
    username: null,
    mac: null,
    method: 'PAP',
    result: 'ACCEPT',
    reason: '',
    vlanId: null,
  };

  constructor(
    private readonly snapshot: Snapshot,
    private readonly matcher: UnboundMatcher,
    private readonly store: WriteStore,
    private readonly opts: AccessHandlerOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  handle(req: RadiusPacket, nas: NasEntry): AccessOutcome {
    this.at = this.now();
    const calling = getString(req, Attr.CallingStationId);
    const callingMac = calling ? macFromAttribute(calling) : null;
    const userName = getString(req, Attr.UserName) ?? null;

    if (hasEap(req)) return this.reject(req, nas, null, 'EAP_NOT_SUPPORTED', { userName, mac: callingMac });

    const unbound = extractUnboundPpsk(req);
    if (unbound) return this.unboundPpsk(req, nas, unbound, callingMac, userName);

    const macIdentity = macAuthIdentity(req, nas.secret, { userName, callingMac });
    if (macIdentity) return this.macAuth(req, nas, macIdentity, userName);

    return this.pap(req, nas, userName, callingMac);
  }

  private pap(req: RadiusPacket, nas: NasEntry, userName: string | null, mac: string | null): AccessOutcome {
    const encrypted = getAttr(req, Attr.UserPassword);
    if (!userName || !encrypted)
      return this.reject(req, nas, 'PAP', 'MISSING_CREDENTIALS', { userName, mac });
    const member = this.snapshot.memberByUsername(userName);
    let password: Buffer;
    try {
      password = decryptUserPassword(encrypted, req.authenticator, nas.secret);
    } catch {
      return this.reject(req, nas, 'PAP', 'MALFORMED_PASSWORD', { userName, mac, member });
    }
    if (!member) return this.reject(req, nas, 'PAP', 'UNKNOWN_USER', { userName, mac });
    if (!member.passphrase || !sameSecret(password, member.passphrase)) {
      return this.reject(req, nas, 'PAP', 'BAD_PASSWORD', { userName, mac, member });
    }
    return this.decideAndReply(req, nas, 'PAP', member, { userName, mac });
  }

  private macAuth(req: RadiusPacket, nas: NasEntry, mac: string, userName: string | null): AccessOutcome {
    const member = this.snapshot.memberByMac(mac);
    if (!member) {
      // Omada asks twice: a plain MAC check that must pass, then the key lookup (reference §3.9).
      if (nas.vendor === 'omada')
        return this.accept(req, nas, 'MAC_AUTH', null, null, 'OMADA_PRE_AUTH', { userName, mac });
      return this.reject(req, nas, 'MAC_AUTH', 'UNKNOWN_MAC', { userName, mac });
    }
    return this.decideAndReply(req, nas, 'MAC_AUTH', member, { userName, mac, passphrase: true });
  }

  private unboundPpsk(
    req: RadiusPacket,
    nas: NasEntry,
    data: NonNullable<ReturnType<typeof extractUnboundPpsk>>,
    callingMac: string | null,
    userName: string | null,
  ): AccessOutcome {
    const ssid = data.ssid ?? this.snapshot.locations.get(nas.locationId)?.ssids[0] ?? null;
    const mac = callingMac ?? (userName ? macFromAttribute(userName) : null);
    if (!ssid || !data.apMac || !mac)
      return this.reject(req, nas, 'PPSK', 'PPSK_INCOMPLETE_REQUEST', { userName, mac });
    const bound = this.snapshot.memberByMac(mac);
    const preferred = bound?.pmks.get(ssid) ? { memberId: bound.id, pmk: bound.pmks.get(ssid)! } : null;
    const result = this.matcher.match(
      {
        ssid,
        apMac: data.apMac,
        staMac: Buffer.from(mac.replaceAll(':', ''), 'hex'),
        anonce: data.anonce,
        frame: data.frame,
      },
      () => this.snapshot.pmkTable(ssid),
      preferred,
    );
    if (result.kind === 'RATE_LIMITED')
      return this.reject(req, nas, 'PPSK', `PPSK_RATE_LIMITED_${result.scope}`, { userName, mac });
    if (result.kind === 'BAD_FRAME')
      return this.reject(req, nas, 'PPSK', `PPSK_BAD_FRAME`, { userName, mac });
    if (result.kind === 'NO_MATCH') return this.reject(req, nas, 'PPSK', 'PPSK_NO_MATCH', { userName, mac });
    const member = this.snapshot.members.get(result.memberId);
    if (!member) return this.reject(req, nas, 'PPSK', 'PPSK_NO_MATCH', { userName, mac });
    if (bound?.id !== member.id) {
      this.snapshot.bindMac(mac, member.id);
      this.store.bindDevice(member.id, mac);
    }
    return this.decideAndReply(req, nas, 'PPSK', member, {
      userName,
      mac,
      pmk: member.pmks.get(ssid) ?? null,
      passphrase: true,
    });
  }

  private decideAndReply(
    req: RadiusPacket,
    nas: NasEntry,
    method: AuthMethod,
    member: MemberEntry,
    ctx: { userName: string | null; mac: string | null; passphrase?: boolean; pmk?: Buffer | null },
    eap?: EapFinish,
  ): AccessOutcome {
    // Groups are resolved once: the decision needs them, and so does the reply (policy name).
    const groups = this.snapshot.groupsOf(member);
    const decision = this.evaluate(member, groups, nas, this.at);
    if (!decision.allowed)
      return this.reject(
        req,
        nas,
        method,
        decision.reason,
        { userName: ctx.userName, mac: ctx.mac, member },
        eap?.failure,
      );
    return this.accept(
      req,
      nas,
      method,
      member,
      decision,
      decision.reason,
      // Fields spelled out, not `{ ...ctx }`: on this path V8 let every spread copy outlive the
      // young generation (hot-path.bench.ts --allocations: ~100 bytes a request promoted, a major
      // GC every few seconds at half of peak, whose helper threads take both cores).
      {
        userName: ctx.userName,
        mac: ctx.mac,
        passphrase: ctx.passphrase,
        pmk: ctx.pmk,
        policyName: groups[0]?.name ?? null,
      },
      eap,
    );
  }

  /**
   * The end of a successful EAP conversation: the same decision and reply attributes as PAP for
   * the member found inside the tunnel, plus EAP-Success and the MPPE keys (or a Reject with
   * EAP-Failure when the member has no access here).
   */
  finishEap(
    req: RadiusPacket,
    nas: NasEntry,
    method: EapAuthMethod,
    member: MemberEntry,
    ctx: { userName: string | null; mac: string | null },
    eap: EapFinish,
  ): AccessOutcome {
    this.at = this.now();
    return this.decideAndReply(req, nas, method, member, ctx, eap);
  }

  /** An EAP conversation that ends in a Reject (bad password, unknown user, protocol error). */
  rejectEap(
    req: RadiusPacket,
    nas: NasEntry,
    method: EapAuthMethod,
    reason: string,
    ctx: { userName: string | null; mac: string | null; member?: MemberEntry | null },
    failure: Buffer,
  ): AccessOutcome {
    this.at = this.now();
    return this.reject(req, nas, method, reason, ctx, failure);
  }

  decide(member: MemberEntry, nas: NasEntry): AccessDecision {
    return this.evaluate(member, this.snapshot.groupsOf(member), nas, this.now());
  }

  private evaluate(member: MemberEntry, groups: GroupEntry[], nas: NasEntry, now: Date): AccessDecision {
    const location = this.snapshot.locations.get(nas.locationId);
    return decideAccess(
      {
        id: member.id,
        status: member.status,
        roaming: member.roaming,
        homeLocationIds: member.homeLocationIds,
        groups,
      },
      member.grants,
      {
        id: nas.locationId,
        timezone: location?.timezone ?? 'UTC',
        defaultVlanId: location?.defaultVlanId ?? null,
      },
      now,
      { maxSessionTimeoutSeconds: this.opts.maxSessionTimeoutSeconds },
    );
  }

  private accept(
    req: RadiusPacket,
    nas: NasEntry,
    method: AuthMethod,
    member: MemberEntry | null,
    decision: AccessDecision | null,
    reason: string,
    ctx: {
      userName: string | null;
      mac: string | null;
      passphrase?: boolean;
      pmk?: Buffer | null;
      policyName?: string | null;
    },
    eap?: EapFinish,
  ): AccessOutcome {
    const b = new PacketBuilder();
    fillAccept(
      nas.vendor,
      b,
      {
        vlanId: decision?.vlanId ?? null,
        sessionTimeoutSeconds: decision?.sessionTimeoutSeconds ?? null,
        bandwidthUpKbps: decision?.policy.bandwidthUpKbps ?? null,
        bandwidthDownKbps: decision?.policy.bandwidthDownKbps ?? null,
        acctInterimIntervalSeconds: this.opts.acctInterimIntervalSeconds,
        classValue: member ? `lanyard:${member.id}` : 'lanyard:-',
        passphrase: ctx.passphrase && member ? member.passphrase : null,
        pmk: ctx.pmk ?? null,
        policyName: ctx.policyName ?? null,
      },
      { secret: nas.secret, requestAuthenticator: req.authenticator },
    );
    if (eap) {
      // The tunnel's identity, so the NAS accounts the session under the member, not "anonymous".
      if (member) b.add(Attr.UserName, member.username);
      b.add(Attr.EapMessage, eap.success);
      b.addSaltedVsa(...VendorAttr['MS-MPPE-Recv-Key'], eap.recvKey, nas.secret, req.authenticator);
      b.addSaltedVsa(...VendorAttr['MS-MPPE-Send-Key'], eap.sendKey, nas.secret, req.authenticator);
    }
    this.record(nas, method, member, ctx, true, reason, decision);
    return { reply: encodeResponse(req, Code.AccessAccept, b, nas.secret), accepted: true, method, reason };
  }

  private reject(
    req: RadiusPacket,
    nas: NasEntry,
    method: AuthMethod | null,
    reason: string,
    ctx: { userName: string | null; mac: string | null; member?: MemberEntry | null },
    eapFailure?: Buffer,
  ): AccessOutcome {
    this.record(nas, method, ctx.member ?? null, ctx, false, reason, null);
    const b = new PacketBuilder();
    if (eapFailure) b.add(Attr.EapMessage, eapFailure);
    return {
      reply: encodeResponse(req, Code.AccessReject, b, nas.secret),
      accepted: false,
      method,
      reason,
    };
  }

  private record(
    nas: NasEntry,
    method: AuthMethod | null,
    member: MemberEntry | null,
    ctx: { userName: string | null; mac: string | null },
    accepted: boolean,
    reason: string,
    decision: AccessDecision | null,
  ): void {
    const d = this.decided;
    d.nasClientId = nas.id;
    d.memberId = member?.id ?? null;
    d.username = ctx.userName === null ? null : storableUsername(ctx.userName);
    d.mac = ctx.mac;
    d.method = method ?? 'PAP';
    d.result = accepted ? 'ACCEPT' : 'REJECT';
    d.reason = reason;
    d.vlanId = decision?.vlanId ?? null;
    if (this.store.countRepeat(d, this.at.getTime())) return;
    this.store.queueNew({
      ...d,
      at: this.at,
      locationId: nas.locationId,
      sessionTimeoutSeconds: decision?.sessionTimeoutSeconds ?? null,
    });
  }
}

/** NUL cannot be stored in a PostgreSQL text column: one such User-Name must not block the queue. */
function storableUsername(name: string): string {
  return name.length > 253 || name.includes('\0') ? name.slice(0, 253).replaceAll('\0', '') : name;
}

function sameSecret(given: Buffer, expected: string): boolean {
  const e = Buffer.from(expected, 'utf8');
  return given.length === e.length && timingSafeEqual(given, e);
}

import { timingSafeEqual } from 'node:crypto';
import { EapType } from '../eap/eap-packet.js';
import { parseAvps } from '../eap/diameter-avp.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { InnerStep, TunnelMethod, TunnelMethodSpec } from './tunnel-method.js';

/** Diameter/RADIUS attribute codes inside the TTLS tunnel (RFC 5281 §11.2.5). */
const AVP_USER_NAME = 1;
const AVP_USER_PASSWORD = 2;
const AVP_EAP_MESSAGE = 79;

/**
 * EAP-TTLS with PAP inside (RFC 5281 §11.2.5): the peer sends User-Name and User-Password as
 * AVPs once the tunnel is up; the password is checked like PAP's.
 */
class TtlsPap implements TunnelMethod {
  identity: string | null = null;

  constructor(private readonly snapshot: Snapshot) {}

  start(): InnerStep {
    // PAP is the peer's to start: an empty message after the handshake means it has nothing for us.
    return { kind: 'REJECT', reason: 'EAP_TTLS_NO_CREDENTIALS', member: null, userName: null };
  }

  data(cleartext: Buffer): InnerStep {
    let userName: Buffer | undefined;
    let password: Buffer | undefined;
    let innerEap = false;
    try {
      for (const avp of parseAvps(cleartext)) {
        if (avp.vendorId !== null) continue;
        if (avp.code === AVP_USER_NAME) userName = avp.data;
        else if (avp.code === AVP_USER_PASSWORD) password = avp.data;
        else if (avp.code === AVP_EAP_MESSAGE) innerEap = true;
      }
    } catch {
      return { kind: 'REJECT', reason: 'EAP_TTLS_BAD_AVP', member: null, userName: null };
    }
    this.identity = userName ? userName.toString('utf8').replaceAll('\0', '') : null;
    if (innerEap && !password)
      return {
        kind: 'REJECT',
        reason: 'EAP_TTLS_INNER_EAP_NOT_SUPPORTED',
        member: null,
        userName: this.identity,
      };
    if (!this.identity || !password)
      return { kind: 'REJECT', reason: 'MISSING_CREDENTIALS', member: null, userName: this.identity };
    const member = this.snapshot.memberByUsername(this.identity);
    if (!member) return { kind: 'REJECT', reason: 'UNKNOWN_USER', member: null, userName: this.identity };
    // User-Password is NUL-padded to a multiple of 16 (RFC 5281 §11.2.5).
    let end = password.length;
    while (end > 0 && password[end - 1] === 0) end--;
    const given = password.subarray(0, end);
    const expected = member.passphrase === null ? null : Buffer.from(member.passphrase, 'utf8');
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected))
      return { kind: 'REJECT', reason: 'BAD_PASSWORD', member, userName: this.identity };
    return { kind: 'ACCEPT', member, userName: this.identity };
  }
}

export function ttlsPapMethod(snapshot: Snapshot): TunnelMethodSpec {
  return {
    eapType: EapType.Ttls,
    authMethod: 'EAP_TTLS_PAP',
    keyLabel: 'ttls keying material',
    create: () => new TtlsPap(snapshot),
  };
}

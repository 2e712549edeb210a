import { PacketBuilder, encodeResponse } from '../codec/builder.js';
import { Attr, Code, getInt, getString, macFromAttribute, type RadiusPacket } from '../codec/packet.js';
import type { NasEntry, Snapshot } from '../snapshot/snapshot.js';
import type { SessionTracker } from '../coa/session-tracker.js';
import {
  acctUniqueId,
  type AccountingRecord,
  type AcctStatus,
  type WriteStore,
} from '../store/write-store.js';

const STATUS: Record<number, AcctStatus> = { 1: 'START', 2: 'STOP', 3: 'INTERIM', 7: 'ON', 8: 'OFF' };
const TERMINATE_CAUSES: Record<number, string> = {
  1: 'User-Request',
  2: 'Lost-Carrier',
  3: 'Lost-Service',
  4: 'Idle-Timeout',
  5: 'Session-Timeout',
  6: 'Admin-Reset',
  7: 'Admin-Reboot',
  8: 'Port-Error',
  9: 'NAS-Error',
  10: 'NAS-Request',
  11: 'NAS-Reboot',
  12: 'Port-Unneeded',
  13: 'Port-Preempted',
  14: 'Port-Suspended',
  15: 'Service-Unavailable',
  16: 'Callback',
  17: 'User-Error',
  18: 'Host-Request',
};

/** 64-bit counter from the 32-bit value and its Gigawords (RFC 2869), as a decimal string. */
const counter = (low: number | undefined, high: number | undefined): string =>
  ((BigInt(high ?? 0) << 32n) + BigInt(low ?? 0)).toString();

/**
 * Accounting-Request → record → Accounting-Response, answered only once the record is durable
 * (RFC 2866 §4.1). Unknown status types are acknowledged and ignored; a record without a
 * session id cannot be stored, so it is not acknowledged (the NAS retries, we count it).
 */
export class AccountingHandler {
  readonly stats = { unusable: 0 };

  constructor(
    private readonly snapshot: Snapshot,
    private readonly store: WriteStore,
    private readonly sessions: SessionTracker,
  ) {}

  async handle(req: RadiusPacket, nas: NasEntry, sourceAddress: string): Promise<Buffer | null> {
    const statusCode = getInt(req, Attr.AcctStatusType);
    const status = statusCode === undefined ? undefined : STATUS[statusCode];
    if (!status) return encodeResponse(req, Code.AccountingResponse, new PacketBuilder(), nas.secret);
    const acctSessionId = getString(req, Attr.AcctSessionId) ?? null;
    if ((status === 'START' || status === 'STOP' || status === 'INTERIM') && !acctSessionId) {
      this.stats.unusable++;
      return null;
    }
    const delay = getInt(req, Attr.AcctDelayTime) ?? 0;
    const at = new Date(Date.now() - Math.min(delay, 86_400) * 1000);
    const username = getString(req, Attr.UserName) ?? null;
    const calling = getString(req, Attr.CallingStationId) ?? null;
    const callingMac = calling ? macFromAttribute(calling) : null;
    const classAttr = getString(req, Attr.Class);
    const memberId =
      classMember(classAttr) ??
      (username ? this.snapshot.memberByUsername(username)?.id : undefined) ??
      (callingMac ? this.snapshot.memberByMac(callingMac)?.id : undefined) ??
      null;
    const terminate = getInt(req, Attr.AcctTerminateCause);
    const framed = getAttrIp(req);
    const record: AccountingRecord = {
      status,
      at: at.toISOString(),
      nasClientId: nas.id,
      nasIpAddress: sourceAddress,
      acctSessionId,
      acctUniqueId: acctSessionId ? acctUniqueId(nas.id, acctSessionId, callingMac ?? calling) : null,
      memberId,
      username,
      callingStationId: callingMac ?? calling,
      calledStationId: getString(req, Attr.CalledStationId) ?? null,
      framedIpAddress: framed,
      sessionTimeSeconds: getInt(req, Attr.AcctSessionTime) ?? 0,
      inputOctets: counter(getInt(req, Attr.AcctInputOctets), getInt(req, Attr.AcctInputGigawords)),
      outputOctets: counter(getInt(req, Attr.AcctOutputOctets), getInt(req, Attr.AcctOutputGigawords)),
      inputPackets: String(getInt(req, Attr.AcctInputPackets) ?? 0),
      outputPackets: String(getInt(req, Attr.AcctOutputPackets) ?? 0),
      terminateCause: terminate !== undefined ? (TERMINATE_CAUSES[terminate] ?? String(terminate)) : null,
    };
    await this.store.accounting(record);
    this.sessions.observe(record);
    return encodeResponse(req, Code.AccountingResponse, new PacketBuilder(), nas.secret);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function classMember(value: string | undefined): string | undefined {
  if (!value?.startsWith('lanyard:')) return undefined;
  const id = value.slice('lanyard:'.length);
  return UUID_RE.test(id) ? id : undefined;
}

function getAttrIp(req: RadiusPacket): string | null {
  const v = req.attributes.find((a) => a.type === Attr.FramedIpAddress)?.value;
  return v && v.length === 4 ? `${v[0]}.${v[1]}.${v[2]}.${v[3]}` : null;
}

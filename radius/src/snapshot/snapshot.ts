import type { AccessGrantInput, AccessGroupInput } from '@lanyard/api/access-policy';
import { cidrContains, parseCidr, type ParsedCidr } from '@lanyard/api/net';
import type { GrantKind, GroupOrigin, MacFormat, MemberStatus, NasVendor } from '@lanyard/schema';
import { PmkTable } from '../ppsk/pmk-table.js';
import type { MemberPmks } from './compact.js';

export interface NasEntry {
  id: string;
  locationId: string;
  name: string;
  ipAddress: string;
  network: ParsedCidr;
  secret: Buffer;
  vendor: NasVendor;
  macFormat: MacFormat;
  coaPort: number;
  requireMessageAuthenticator: boolean;
}

export interface LocationEntry {
  id: string;
  name: string;
  timezone: string;
  ssids: string[];
  defaultVlanId: number | null;
}

export interface GroupEntry extends AccessGroupInput {
  locationId: string | null;
}

export interface GrantEntry extends AccessGrantInput {
  kind: GrantKind;
}

/**
 * One member, as the hot path reads it. Lists may be shared with other members (compact.ts): never
 * mutate one; replace it (as bindMac does).
 */
export interface MemberEntry {
  id: string;
  email: string;
  username: string;
  status: MemberStatus;
  roaming: boolean;
  passphrase: string | null;
  passphraseVersion: number;
  ntHash: Buffer | null;
  homeLocationIds: readonly string[];
  groupIds: readonly string[];
  grants: readonly GrantEntry[];
  macs: readonly string[];
  /** ssid → PMK for the current passphrase version. */
  pmks: MemberPmks;
}

export interface PmkCandidate {
  memberId: string;
  pmk: Buffer;
}

/**
 * Everything the hot path needs, in memory. Lookups are Map gets; nothing here awaits. Rebuilt
 * wholesale on a full load and patched per member / per config table on NOTIFY.
 */
export class Snapshot {
  readonly nasById = new Map<string, NasEntry>();
  private readonly nasByExactIp = new Map<string, NasEntry>();
  private nasNetworks: NasEntry[] = [];
  /** source address → NAS (or null) for CIDR matches, so the BigInt math runs once per address. */
  private readonly nasCache = new Map<string, NasEntry | null>();
  readonly locations = new Map<string, LocationEntry>();
  readonly groups = new Map<string, GroupEntry>();
  readonly members = new Map<string, MemberEntry>();
  /** Lower-cased username → member; MAC → member (the entries themselves: one lookup per request). */
  private readonly byUsername = new Map<string, MemberEntry>();
  private readonly byMac = new Map<string, MemberEntry>();
  /**
   * ssid → the PMKs of that SSID as the unbound PPSK scan reads them (one flat table per SSID).
   * Changed only by index/unindex, i.e. with every change of a member entry.
   */
  private readonly pmkIndex = new Map<string, PmkTable<MemberEntry>>();
  /** Members with a PMK, per SSID (whether a table for it would hold anything). */
  private readonly pmkSsids = new Map<string, number>();
  loadedAt = 0;

  setNasClients(list: NasEntry[]): void {
    this.nasById.clear();
    this.nasByExactIp.clear();
    this.nasCache.clear();
    const networks: NasEntry[] = [];
    for (const nas of list) {
      this.nasById.set(nas.id, nas);
      const max = nas.network.family === 4 ? 32 : 128;
      if (nas.network.prefix === max) this.nasByExactIp.set(nas.ipAddress, nas);
      else networks.push(nas);
    }
    // Longest prefix first (the API refuses overlaps, but be deterministic anyway).
    this.nasNetworks = networks.sort((a, b) => b.network.prefix - a.network.prefix);
  }

  /** The NAS a datagram from `address` belongs to, or undefined (unknown sources are dropped). */
  nasFor(address: string): NasEntry | undefined {
    const exact = this.nasByExactIp.get(address);
    if (exact) return exact;
    if (this.nasNetworks.length === 0 && !address.startsWith('::ffff:')) return undefined;
    const cached = this.nasCache.get(address);
    if (cached !== undefined) return cached ?? undefined;
    const parsed = parseCidr(address);
    let found: NasEntry | null = null;
    if (parsed) {
      const mappedExact = this.nasByExactIp.get(formatAddress(parsed));
      found = mappedExact ?? this.nasNetworks.find((n) => cidrContains(n.network, parsed)) ?? null;
    }
    if (this.nasCache.size > 100_000) this.nasCache.clear();
    this.nasCache.set(address, found);
    return found ?? undefined;
  }

  setLocations(list: LocationEntry[]): void {
    this.locations.clear();
    for (const l of list) this.locations.set(l.id, l);
  }

  setGroups(list: GroupEntry[]): void {
    this.groups.clear();
    for (const g of list) this.groups.set(g.id, g);
  }

  replaceAllMembers(list: MemberEntry[]): void {
    this.members.clear();
    this.byUsername.clear();
    this.byMac.clear();
    for (const table of this.pmkIndex.values()) table.clear();
    this.pmkIndex.clear();
    this.pmkSsids.clear();
    for (const m of list) this.index(m);
  }

  /** Replaces (or removes, when `entry` is null) one member and its indexes. */
  upsertMember(memberId: string, entry: MemberEntry | null): MemberEntry | undefined {
    const previous = this.members.get(memberId);
    if (previous) this.unindex(previous);
    if (entry) this.index(entry);
    return previous;
  }

  /** Removes every member whose id is not in `ids` (the end of a full reload done in place). */
  retainMembers(ids: ReadonlySet<string>): number {
    let removed = 0;
    for (const [id, member] of this.members) {
      if (ids.has(id)) continue;
      this.unindex(member);
      removed++;
    }
    return removed;
  }

  memberByUsername(username: string): MemberEntry | undefined {
    return this.byUsername.get(username.toLowerCase());
  }

  memberByMac(mac: string): MemberEntry | undefined {
    return this.byMac.get(mac);
  }

  /**
   * The PMKs of `ssid` for a full unbound-PPSK scan (UnboundMatcher.match); empty if none. Built on
   * first use (one pass over the members, ~0.5 µs each) and kept current from then on: most
   * deployments use bound PPSK (MAC authentication) only, and a table for every SSID would cost
   * them ~100 bytes per member and SSID for nothing.
   */
  pmkTable(ssid: string): PmkTable<MemberEntry> {
    let table = this.pmkIndex.get(ssid);
    if (table) return table;
    // The SSID comes from the request: one no member has a key for (made up, say) costs a lookup,
    // neither a pass over the members nor memory.
    if (!this.pmkSsids.get(ssid)) return EMPTY_TABLE;
    table = new PmkTable((owner) => owner.pmks.get(ssid));
    for (const m of this.members.values()) {
      const pmk = m.pmks.get(ssid);
      if (pmk) table.add(m, pmk);
    }
    this.pmkIndex.set(ssid, table);
    return table;
  }

  /** SSIDs whose unbound-PPSK table has been built (and is kept current). */
  get pmkTableSsids(): string[] {
    return [...this.pmkIndex.keys()];
  }

  /** Every member's PMK for `ssid`; each candidate is a new object (tests, diagnostics). */
  pmkCandidates(ssid: string): Iterable<PmkCandidate> {
    return candidates(this.pmkTable(ssid));
  }

  pmkCount(ssid: string): number {
    return this.pmkTable(ssid).size;
  }

  groupsOf(member: MemberEntry): GroupEntry[] {
    const out: GroupEntry[] = [];
    for (const id of member.groupIds) {
      const g = this.groups.get(id);
      if (g) out.push(g);
    }
    return out;
  }

  /** Binds a MAC to a member in memory (the store persists it). */
  bindMac(mac: string, memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    const previousOwner = this.byMac.get(mac);
    if (previousOwner && previousOwner !== member)
      previousOwner.macs = previousOwner.macs.filter((m) => m !== mac);
    // Copy on write: the list may be shared.
    if (!member.macs.includes(mac)) member.macs = [...member.macs, mac];
    this.byMac.set(mac, member);
  }

  get memberCount(): number {
    return this.members.size;
  }

  private index(m: MemberEntry): void {
    this.members.set(m.id, m);
    this.byUsername.set(m.username.toLowerCase(), m);
    for (const mac of m.macs) this.byMac.set(mac, m);
    // Only tables already built (see pmkTable) are kept current; the others are built when asked for.
    for (const [ssid, pmk] of m.pmks) {
      this.pmkSsids.set(ssid, (this.pmkSsids.get(ssid) ?? 0) + 1);
      this.pmkIndex.get(ssid)?.add(m, pmk);
    }
  }

  private unindex(m: MemberEntry): void {
    this.members.delete(m.id);
    const username = m.username.toLowerCase();
    if (this.byUsername.get(username) === m) this.byUsername.delete(username);
    for (const mac of m.macs) if (this.byMac.get(mac) === m) this.byMac.delete(mac);
    for (const [ssid] of m.pmks) {
      const n = (this.pmkSsids.get(ssid) ?? 1) - 1;
      if (n > 0) this.pmkSsids.set(ssid, n);
      else this.pmkSsids.delete(ssid);
      this.pmkIndex.get(ssid)?.delete(m);
    }
  }
}

const EMPTY_TABLE = new PmkTable<MemberEntry>(() => undefined);

function* candidates(table: PmkTable<MemberEntry>): Generator<PmkCandidate> {
  for (let i = 0; i < table.size; i++) {
    const m = table.owner(i);
    const pmk = table.pmkOf(m);
    if (pmk) yield { memberId: m.id, pmk };
  }
}

function formatAddress(c: ParsedCidr): string {
  if (c.family === 4) {
    const b = c.bits;
    return [24n, 16n, 8n, 0n].map((s) => String((b >> s) & 0xffn)).join('.');
  }
  return '';
}

export type { GroupOrigin };

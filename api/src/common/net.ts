import { isIP } from 'node:net';

/** A parsed, normalised address or network: the numeric value and its prefix length. */
export interface ParsedCidr {
  family: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits); host bits are zero. */
  bits: bigint;
  prefix: number;
}

/** Shortest accepted prefixes: anything broader would match whole swathes of the internet. */
export const MIN_PREFIX = { 4: 8, 6: 32 } as const;

const V4_MAPPED_PREFIX = 0xffffn << 32n; // ::ffff:0:0/96

/**
 * Normalises an IP address or CIDR ("10.0.0.0/24", "2001:db8::/48", "192.0.2.7"). Returns null when
 * invalid, including a CIDR whose host bits are set (ambiguous: did they mean the host or the net?).
 * IPv4-mapped IPv6 (`::ffff:192.0.2.7`, `::ffff:192.0.2.0/120`) becomes the IPv4 it stands for
 * (prefix − 96), so one source never has two spellings; such a prefix below /96 is refused.
 */
export function normalizeCidr(input: string): string | null {
  const parsed = parseCidr(input);
  return parsed && formatCidr(parsed);
}

/** Parses and canonicalises (see normalizeCidr); null when invalid. */
export function parseCidr(input: string): ParsedCidr | null {
  const trimmed = input.trim();
  const [addr, prefixRaw, ...rest] = trimmed.split('/');
  if (rest.length > 0 || !addr) return null;
  const family = isIP(addr);
  if (family !== 4 && family !== 6) return null;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixRaw !== undefined) {
    if (!/^\d{1,3}$/.test(prefixRaw)) return null;
    prefix = Number(prefixRaw);
    if (prefix > max) return null;
  }
  const bits = toBigInt(addr, family);
  if ((bits & hostMask(max, prefix)) !== 0n) return null;
  if (family === 6 && bits >> 32n === V4_MAPPED_PREFIX >> 32n) {
    if (prefix < 96) return null;
    return { family: 4, bits: bits & 0xffffffffn, prefix: prefix - 96 };
  }
  return { family, bits, prefix };
}

/** The canonical text of a parsed CIDR: a bare address for a single host. */
export function formatCidr(c: ParsedCidr): string {
  const max = c.family === 4 ? 32 : 128;
  const addr = c.family === 4 ? v4ToString(c.bits) : canonicalV6(c.bits);
  return c.prefix === max ? addr : `${addr}/${c.prefix}`;
}

/** True for networks broader than /8 (IPv4) or /32 (IPv6), including 0.0.0.0/0 and ::/0. */
export function isCidrTooBroad(c: ParsedCidr): boolean {
  return c.prefix < MIN_PREFIX[c.family];
}

/** Whether `outer` contains `inner` (every address of inner is in outer; a CIDR contains itself). */
export function cidrContains(outer: string | ParsedCidr, inner: string | ParsedCidr): boolean {
  const o = typeof outer === 'string' ? parseCidr(outer) : outer;
  const i = typeof inner === 'string' ? parseCidr(inner) : inner;
  if (!o || !i || o.family !== i.family || o.prefix > i.prefix) return false;
  const shift = BigInt((o.family === 4 ? 32 : 128) - o.prefix);
  return o.bits >> shift === i.bits >> shift;
}

/** Whether two addresses/networks share any address (for CIDRs: one contains the other). */
export function overlaps(a: string | ParsedCidr, b: string | ParsedCidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

function hostMask(max: number, prefix: number): bigint {
  return (1n << BigInt(max - prefix)) - 1n;
}

function toBigInt(addr: string, family: number): bigint {
  if (family === 4) return addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  return expandV6(addr).reduce((acc, h) => (acc << 16n) | BigInt(h), 0n);
}

function expandV6(addr: string): number[] {
  let a = addr;
  const v4 = a.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    a = a.replace(v4[1]!, `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`);
  }
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((x) => parseInt(x, 16));
}

function v4ToString(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join('.');
}

function canonicalV6(bits: bigint): string {
  const parts = Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt((7 - i) * 16)) & 0xffffn));
  // RFC 5952: compress the longest run of zeros (length >= 2), lower-case.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (parts[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

const MAC_RE = /^[0-9a-f]{12}$/;
/** Any vendor MAC spelling → aa:bb:cc:dd:ee:ff, or null. */
export function normalizeMac(input: string): string | null {
  const hex = input
    .trim()
    .toLowerCase()
    .replace(/[-:.\s]/g, '');
  if (!MAC_RE.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

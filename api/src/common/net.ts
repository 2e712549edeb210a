import { isIP } from 'node:net';

/**
 * Normalises an IP address or CIDR ("10.0.0.0/24", "2001:db8::/48", "192.0.2.7"). Returns null when
 * invalid, including a CIDR whose host bits are set (ambiguous: did they mean the host or the net?).
 */
export function normalizeCidr(input: string): string | null {
  const trimmed = input.trim();
  const [addr, prefixRaw, ...rest] = trimmed.split('/');
  if (rest.length > 0 || !addr) return null;
  const family = isIP(addr);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  if (prefixRaw === undefined) return family === 4 ? addr : canonicalV6(addr);
  if (!/^\d{1,3}$/.test(prefixRaw)) return null;
  const prefix = Number(prefixRaw);
  if (prefix > max) return null;
  const bits = toBigInt(addr, family);
  const hostMask = (1n << BigInt(max - prefix)) - 1n;
  if ((bits & hostMask) !== 0n) return null;
  if (prefix === max) return family === 4 ? addr : canonicalV6(addr);
  return `${family === 4 ? addr : canonicalV6(addr)}/${prefix}`;
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

function canonicalV6(addr: string): string {
  const parts = expandV6(addr);
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

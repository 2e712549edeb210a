/**
 * MAC addresses in any common notation — `3c:22:fb:12:34:56`, `3C-22-FB-12-34-56`,
 * `3c22.fb12.3456` (Cisco), `3c22fb123456` — normalised to `3C:22:FB:12:34:56`, or null.
 */
export function normalizeMac(input: string): string | null {
  const s = input.trim();
  const patterns = [
    /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i,
    /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i,
    /^([0-9a-f]{12})$/i,
  ];
  for (const re of patterns) {
    const m = re.exec(s);
    if (!m) continue;
    // Mixed separators (3c:22-fb…) are typos rather than a notation.
    if (re === patterns[0] && new Set(s.replace(/[0-9a-f]/gi, '')).size !== 1) return null;
    const hex = m.slice(1).join('').toUpperCase();
    return hex.match(/.{2}/g)!.join(':');
  }
  return null;
}

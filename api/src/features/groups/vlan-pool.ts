/** Lowest VLAN id in [start, end] not in `used`, or null when the pool is exhausted. */
export function allocateVlan(start: number, end: number, used: Iterable<number>): number | null {
  const taken = new Set(used);
  for (let v = start; v <= end; v++) if (!taken.has(v)) return v;
  return null;
}

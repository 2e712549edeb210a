import type { EntityManager } from '@mikro-orm/postgresql';

/** Lowest VLAN id in [start, end] not in `used`, or null when the pool is exhausted. */
export function allocateVlan(start: number, end: number, used: Iterable<number>): number | null {
  const taken = new Set(used);
  for (let v = start; v <= end; v++) if (!taken.has(v)) return v;
  return null;
}

/**
 * The per-location VLAN lock, held until the transaction ends. Everything that hands out a VLAN at
 * a location or changes its pool takes it (group.service.ts, location.service.ts).
 */
export async function lockVlanPool(em: EntityManager, locationId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`lanyard:vlan-pool:${locationId}`]);
}

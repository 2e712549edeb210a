/** Drops absent optional fields (undefined) and keeps explicit nulls, which mean "clear this". */
export const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

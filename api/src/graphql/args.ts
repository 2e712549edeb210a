/**
 * Optional GraphQL input fields arrive as undefined when absent and null when sent as null. Absent
 * fields are dropped; null is kept only for fields where it means "clear this" (`clearable`), and
 * dropped — i.e. "leave unchanged" — everywhere else, so `name: null` can never write a NULL.
 */
export function defined<T extends object>(o: T, clearable: readonly (keyof T & string)[] = []): T {
  return Object.fromEntries(
    Object.entries(o).filter(
      ([k, v]) => v !== undefined && (v !== null || clearable.includes(k as keyof T & string)),
    ),
  ) as T;
}

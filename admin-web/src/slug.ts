/** Same rule as the API: lower-case letters, digits and dashes, 1–63, no dash at either end. */
export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A slug suggestion from a location name: "Soho, London" → "soho-london", "Café Zürich" → "cafe-zurich". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** The SSIDs typed one per line; blank lines dropped, surrounding spaces kept out. */
export function parseSsids(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

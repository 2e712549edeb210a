/**
 * A location's colours, made safe to read: button text is black or white, whichever contrasts
 * more with the brand colour, and the colour used for text on the page is darkened (light theme)
 * or lightened (dark theme) until it reaches 4.5:1 against the page surface (WCAG AA).
 */
type Rgb = [number, number, number];

export function parseHex(color: string | null | undefined): Rgb | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((color ?? '').trim());
  if (!m) return null;
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

export function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => a.map((v, i) => v + (b[i]! - v) * t) as Rgb;

/** Moves `color` toward black or white until it contrasts ≥ `min` with `against`. */
export function ensureContrast(color: Rgb, against: Rgb, min = 4.5): Rgb {
  const target: Rgb = luminance(against) > 0.5 ? [0, 0, 0] : [255, 255, 255];
  for (let t = 0; t <= 1.0001; t += 0.02) {
    const c = mix(color, target, t);
    if (contrast(c, against) >= min) return c;
  }
  return target;
}

const WHITE: Rgb = [255, 255, 255];
const NEAR_BLACK: Rgb = [17, 17, 17];
/** The portal's own surfaces (styles.css): light and dark theme. */
export const SURFACE_LIGHT: Rgb = [255, 255, 255];
export const SURFACE_DARK: Rgb = [27, 30, 37];

export interface BrandTheme {
  /** CSS custom properties to set on the root element. */
  vars: Record<string, string>;
}

/** CSS variables for a location's branding; empty when it has no (valid) colours. */
export function brandTheme(primary: string | null | undefined, accent?: string | null): BrandTheme {
  const vars: Record<string, string> = {};
  const p = parseHex(primary);
  if (p) {
    // Buttons: brand colour background, with text of at least 4.5:1 (black or white always reaches it).
    const text = contrast(p, WHITE) >= contrast(p, NEAR_BLACK) ? WHITE : NEAR_BLACK;
    // A mid-grey can miss 4.5:1 with both: then the background moves away from the text colour.
    const bg = contrast(p, text) >= 4.5 ? p : ensureContrast(p, text);
    vars['--brand'] = toHex(bg);
    vars['--brand-text'] = toHex(text);
    vars['--brand-ink-light'] = toHex(ensureContrast(p, SURFACE_LIGHT));
    vars['--brand-ink-dark'] = toHex(ensureContrast(p, SURFACE_DARK));
  }
  const a = parseHex(accent);
  if (a) {
    vars['--brand-accent-light'] = toHex(ensureContrast(a, SURFACE_LIGHT, 3));
    vars['--brand-accent-dark'] = toHex(ensureContrast(a, SURFACE_DARK, 3));
  }
  return { vars };
}

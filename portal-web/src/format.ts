import { strings } from './strings';

/** Calendar date and wall-clock time of an instant in an IANA time zone. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function localParts(date: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}

const dayKey = (p: LocalParts) => p.year * 10_000 + p.month * 100 + p.day;

/** Whole calendar days from `a` to `b` in the zone (0 = same day, 1 = b is the next day). */
export function calendarDaysBetween(a: Date, b: Date, timeZone: string): number {
  const pa = localParts(a, timeZone);
  const pb = localParts(b, timeZone);
  return Math.round(
    (Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / 86_400_000,
  );
}

export const sameLocalDay = (a: Date, b: Date, timeZone: string): boolean =>
  dayKey(localParts(a, timeZone)) === dayKey(localParts(b, timeZone));

/** "30 June", or "30 June 2027" when not in the year of `now`. */
export function formatDay(date: Date, timeZone: string, now: Date, locale = strings.locale): string {
  const withYear = localParts(date, timeZone).year !== localParts(now, timeZone).year;
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
  }).format(date);
}

/** "18:00" (the locale's clock). */
export function formatTime(date: Date, timeZone: string, locale = strings.locale): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }).format(date);
}

/** "3 May, 14:05" for last-seen columns; the year is added when it differs from now. */
export function formatDateTime(date: Date, timeZone: string, now: Date, locale = strings.locale): string {
  return `${formatDay(date, timeZone, now, locale)}, ${formatTime(date, timeZone, locale)}`;
}

/** A time zone the browser cannot use must not break the page: fall back to UTC. */
export function usableTimeZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

import { calendarDaysBetween, formatDay, formatTime, localParts, sameLocalDay } from './format';
import { strings } from './strings';

export type AccessState = 'ACTIVE' | 'NO_ACCESS' | 'DISABLED';

/** `me.access` as the API sends it (dates as ISO strings). */
export interface PortalAccess {
  state: AccessState;
  reason: string;
  grantKind?: string | null;
  validUntil?: string | null;
  endedAt?: string | null;
}

export interface AccessInWords {
  tone: 'ok' | 'warn';
  text: string;
}

const BOOKINGS = new Set(['DESK_BOOKING', 'ROOM_BOOKING']);
const t = strings.access;

const isMidnight = (d: Date, zone: string) => {
  const p = localParts(d, zone);
  return p.hour === 0 && p.minute === 0;
};

/**
 * The member's access as one sentence: "Active until 30 June", "Today's booking: until midnight",
 * "No access: your plan ended on 3 May". Dates are in the location's time zone.
 */
export function describeAccess(access: PortalAccess, timeZone: string, now: Date): AccessInWords {
  if (
    access.state === 'DISABLED' ||
    access.reason === 'MEMBER_DISABLED' ||
    access.reason === 'MEMBER_DELETED'
  )
    return { tone: 'warn', text: t.disabled };

  if (access.state === 'ACTIVE') {
    const until = access.validUntil ? new Date(access.validUntil) : null;
    const kind = access.grantKind ?? access.reason;
    if (!until || Number.isNaN(until.getTime()))
      return { tone: 'ok', text: kind === 'CHECK_IN' ? t.checkedIn : t.activeOpen };
    if (BOOKINGS.has(kind)) {
      // A booking lasts until midnight: the end is 00:00 of the next day in the location's zone.
      if (isMidnight(until, timeZone) && calendarDaysBetween(now, until, timeZone) === 1)
        return { tone: 'ok', text: t.bookingUntilMidnight };
      if (sameLocalDay(now, until, timeZone))
        return { tone: 'ok', text: t.bookingUntil(formatTime(until, timeZone)) };
    }
    if (sameLocalDay(now, until, timeZone))
      return { tone: 'ok', text: t.activeUntilToday(formatTime(until, timeZone)) };
    // An end at 00:00 means "through the previous day": show that day.
    const shown = isMidnight(until, timeZone) ? new Date(until.getTime() - 60_000) : until;
    return { tone: 'ok', text: t.activeUntil(formatDay(shown, timeZone, now)) };
  }

  switch (access.reason) {
    case 'GRANT_ENDED': {
      if (access.endedAt) {
        const ended = new Date(access.endedAt);
        const shown = isMidnight(ended, timeZone) ? new Date(ended.getTime() - 60_000) : ended;
        const day = formatDay(shown, timeZone, now);
        return {
          tone: 'warn',
          text: BOOKINGS.has(access.grantKind ?? '') ? t.endedBooking(day) : t.endedPlan(day),
        };
      }
      return { tone: 'warn', text: t.noGrant };
    }
    case 'NOT_HOME_LOCATION':
      return { tone: 'warn', text: t.notHome };
    case 'PLAN_WITHOUT_WIFI':
      return { tone: 'warn', text: t.planWithoutWifi };
    case 'GRANT_NOT_STARTED':
      return { tone: 'warn', text: t.notStarted };
    default:
      return { tone: 'warn', text: t.noGrant };
  }
}

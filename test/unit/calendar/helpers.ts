// Test helpers: build calendars tersely and name instants in a zone.
import { DateTime } from 'luxon';
import type { Calendar, Interval, WeeklyHours } from '../../../src/plan/types';

/** "08:30-12:30" → minutes; "22:00-02:00" (end before start) crosses midnight. */
export function iv(text: string): Interval {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(text);
  if (!m) throw new Error(text);
  const start = Number(m[1]) * 60 + Number(m[2]);
  let end = Number(m[3]) * 60 + Number(m[4]);
  if (end <= start) end += 1440;
  return { start, end };
}

export const OFFICE: WeeklyHours = {
  1: [iv('08:30-12:30'), iv('14:00-19:00')],
  2: [iv('08:30-12:30'), iv('14:00-19:00')],
  3: [iv('08:30-12:30'), iv('14:00-19:00')],
  4: [iv('08:30-12:30'), iv('14:00-19:00')],
  5: [iv('08:30-12:30'), iv('14:00-19:00')],
  6: [iv('09:00-12:00')],
};

export const EVERY_DAY_8_18: WeeklyHours = Object.fromEntries(
  [1, 2, 3, 4, 5, 6, 7].map((d) => [d, [iv('08:00-18:00')]]),
) as WeeklyHours;

export function calendar(over: Partial<Calendar> = {}): Calendar {
  return { name: 'cabinet', timezone: 'Europe/Paris', weekly: OFFICE, exceptions: [], ...over };
}

/** Epoch ms of an ISO date-time; without an offset it is local time in `zone`. */
export function at(iso: string, zone = 'Europe/Paris'): number {
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid) throw new Error(`bad instant ${iso}`);
  return dt.toMillis();
}

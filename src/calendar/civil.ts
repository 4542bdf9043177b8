// Civil (zone-less) dates and wall-clock times.
// A local date is "YYYY-MM-DD"; a wall-clock time is a "naive" number: the epoch
// milliseconds the same wall reading would have in UTC. Comparing naive numbers
// compares wall-clock readings, whatever the zone and its daylight-saving state.

import type { Interval } from '../plan/types';

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Naive wall-clock ms of local midnight starting `date`. Throws on a malformed date. */
export function dateToNaive(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`invalid date "${date}" (expected YYYY-MM-DD)`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Naive wall-clock ms of "YYYY-MM-DDTHH:MM[:SS]". */
export function dateTimeToNaive(dateTime: string): number {
  const m = DATE_TIME_RE.exec(dateTime);
  if (!m) throw new Error(`invalid local date-time "${dateTime}" (expected YYYY-MM-DDTHH:MM)`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}

export function naiveToDate(naive: number): string {
  return new Date(Math.floor(naive / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** Minutes since local midnight (fractional: seconds count, so 08:29:59 is before 08:30). */
export function naiveMinuteOfDay(naive: number): number {
  return (naive - Math.floor(naive / DAY_MS) * DAY_MS) / MINUTE_MS;
}

/** "YYYY-MM-DD HH:MM" for messages. */
export function formatNaive(naive: number): string {
  return new Date(naive).toISOString().slice(0, 16).replace('T', ' ');
}

export function addDays(date: string, days: number): string {
  return naiveToDate(dateToNaive(date) + days * DAY_MS);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): Weekday {
  const d = new Date(dateToNaive(date)).getUTCDay();
  return (d === 0 ? 7 : d) as Weekday;
}

/** Monday of the ISO week containing `date`. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday', 7: 'Sunday',
};

/** "08:30"; minutes beyond a day are written "02:00+1" (the next day). */
export function formatMinutes(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const rest = minutes - days * 1440;
  const hh = String(Math.floor(rest / 60)).padStart(2, '0');
  const mm = String(Math.round(rest % 60)).padStart(2, '0');
  return `${hh}:${mm}${days > 0 ? `+${days}` : ''}`;
}

/** "08:30-12:30", "22:00-02:00+1". An end at exactly midnight is written 24:00. */
export function formatInterval(i: Interval): string {
  const end = i.end === 1440 ? '24:00' : formatMinutes(i.end);
  return `${formatMinutes(i.start)}-${end}`;
}

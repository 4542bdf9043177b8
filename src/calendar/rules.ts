// Which rule governs a local date, and with which hours.
// Precedence for a date: exception > public holiday > weekly hours (the override,
// being a span of wall-clock time rather than a date, is applied on top by the callers).
// An interval belongs to the date it starts on: its rule decides it whole, even the
// part after midnight (a Saturday 22:00-02:00+1 night runs until 02:00 even if Sunday
// is a holiday).

import type { Calendar, CalendarException, Interval } from '../plan/types';
import { dateTimeToNaive, dateToNaive, isoWeekday, type Weekday } from './civil';
import { holidayOn } from './holidays';

export type DayRule =
  | { rule: 'weekly'; date: string; weekday: Weekday; intervals: Interval[] }
  | { rule: 'holiday'; date: string; weekday: Weekday; name: string; intervals: Interval[] }
  | { rule: 'exception'; date: string; weekday: Weekday; exception: CalendarException; intervals: Interval[] };

/**
 * The exception covering `date`. When several do, the narrowest range wins (a single
 * day inside a closed period is more specific); equal widths: the one written last.
 */
export function exceptionOn(calendar: Calendar, date: string): CalendarException | undefined {
  let best: CalendarException | undefined;
  let bestWidth = Infinity;
  for (const e of calendar.exceptions) {
    if (e.from > date || e.to < date) continue; // "YYYY-MM-DD" compares as text
    const width = dateToNaive(e.to) - dateToNaive(e.from);
    if (width <= bestWidth) {
      best = e;
      bestWidth = width;
    }
  }
  return best;
}

export function weeklyIntervals(calendar: Calendar, weekday: Weekday): Interval[] {
  return calendar.weekly[weekday] ?? [];
}

// Calendars are immutable validated data, so a date's rule can be remembered per
// calendar object; a reloaded plan brings new objects and the old entries go with them.
const memo = new WeakMap<Calendar, Map<string, DayRule>>();

export function dayRule(calendar: Calendar, date: string): DayRule {
  let days = memo.get(calendar);
  if (!days) memo.set(calendar, (days = new Map()));
  let rule = days.get(date);
  if (!rule) days.set(date, (rule = computeDayRule(calendar, date)));
  return rule;
}

function computeDayRule(calendar: Calendar, date: string): DayRule {
  const weekday = isoWeekday(date);
  const exception = exceptionOn(calendar, date);
  if (exception) {
    const intervals =
      exception.hours === 'closed' ? [] : exception.hours === 'weekly' ? weeklyIntervals(calendar, weekday) : exception.hours;
    return { rule: 'exception', date, weekday, exception, intervals };
  }
  if (calendar.holidays) {
    const holiday = holidayOn(calendar.holidays.region, date);
    if (holiday) return { rule: 'holiday', date, weekday, name: holiday.name, intervals: [] };
  }
  return { rule: 'weekly', date, weekday, intervals: weeklyIntervals(calendar, weekday) };
}

/** The override's span as wall-clock naive ms [from, until); from = -Infinity when absent. */
export function overrideSpan(calendar: Calendar): { from: number; until: number } | null {
  const o = calendar.override;
  if (!o) return null;
  return { from: o.from ? dateTimeToNaive(o.from) : -Infinity, until: dateTimeToNaive(o.until) };
}

// A week's opening table: for each date, the hours actually in force and why.

import type { Calendar, CalendarOverride, Interval } from '../plan/types';
import { addDays, DAY_MS, dateToNaive, formatInterval, MINUTE_MS, WEEKDAY_NAMES, type Weekday } from './civil';
import { describeDay, describeReason, reasonOfDay, reasonOfOverride, type Reason } from './reason';
import { dayRule, overrideSpan } from './rules';

export interface WeekDay {
  date: string;
  weekday: Weekday;
  /** The rule that governs this date: weekly hours, a holiday, or an exception. */
  rule: Reason;
  /** Intervals starting this date under that rule (may run past midnight: end > 1440). */
  hours: Interval[];
  /**
   * When this date's wall clock actually shows "open", within 00:00-24:00: its own
   * hours, the end of the previous night, and the override, merged.
   */
  open: Interval[];
  /** The override, when it is in force during part of this date. */
  override?: CalendarOverride;
  /** "holiday \"Noël\"", "weekly hours", "… ; override closed until 2026-11-28 14:00". */
  text: string;
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

function subtract(intervals: Interval[], cut: Interval): Interval[] {
  const out: Interval[] = [];
  for (const i of intervals) {
    if (cut.end <= i.start || cut.start >= i.end) out.push(i);
    else {
      if (i.start < cut.start) out.push({ start: i.start, end: cut.start });
      if (cut.end < i.end) out.push({ start: cut.end, end: i.end });
    }
  }
  return out;
}

function clipToDay(intervals: Interval[], shiftDays: number): Interval[] {
  const shift = shiftDays * 1440;
  return intervals
    .map((i) => ({ start: Math.max(0, i.start - shift), end: Math.min(1440, i.end - shift) }))
    .filter((i) => i.end > i.start);
}

/** Seven rows starting at `weekStart` ("YYYY-MM-DD", taken as given: pass a Monday for a calendar week). */
export function weekTable(calendar: Calendar, weekStart: string): WeekDay[] {
  const span = overrideSpan(calendar);
  const rows: WeekDay[] = [];
  for (let n = 0; n < 7; n++) {
    const date = addDays(weekStart, n);
    const day = dayRule(calendar, date);
    let open = merge([
      ...clipToDay(day.intervals, 0),
      ...clipToDay(dayRule(calendar, addDays(date, -1)).intervals, 1),
      ...clipToDay(dayRule(calendar, addDays(date, -2)).intervals, 2),
    ]);
    const rule = reasonOfDay(day);
    const text = describeDay(rule);
    const row: WeekDay = { date, weekday: day.weekday, rule, hours: day.intervals, open, text };

    const base = dateToNaive(date);
    if (span && calendar.override && span.from < base + DAY_MS && span.until > base) {
      const cut = {
        start: Math.max(0, (span.from - base) / MINUTE_MS),
        end: Math.min(1440, (span.until - base) / MINUTE_MS),
      };
      open = subtract(open, cut);
      if (calendar.override.state === 'open') open = merge([...open, cut]);
      row.open = open;
      row.override = calendar.override;
      row.text = `${text}; ${calendar.override.state}: ${describeReason(reasonOfOverride(calendar.override), false)}`;
    }
    rows.push(row);
  }
  return rows;
}

/** Plain-text table, one line per date: "Mon 2026-12-21  08:30-12:30, 14:00-19:00  weekly hours". */
export function formatWeekTable(rows: WeekDay[]): string {
  return rows
    .map((r) => {
      const hours = r.open.length > 0 ? r.open.map(formatInterval).join(', ') : 'closed';
      return `${WEEKDAY_NAMES[r.weekday].slice(0, 3)} ${r.date}  ${hours.padEnd(28)}  ${r.text}`;
    })
    .join('\n');
}

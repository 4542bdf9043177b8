// Why a calendar is open or closed, as data (for code) and as one line (for journals).

import type { CalendarOverride, Interval } from '../plan/types';
import { formatInterval, WEEKDAY_NAMES, type Weekday } from './civil';
import type { DayRule } from './rules';

export type Reason =
  /** The weekly hours of `date` (for the small hours, possibly the previous date's night interval). */
  | { rule: 'weekly'; date: string; weekday: Weekday; interval?: Interval }
  | { rule: 'holiday'; date: string; name: string }
  | {
      rule: 'exception';
      date: string;
      from: string;
      to: string;
      label?: string;
      hours: 'closed' | 'weekly' | Interval[];
      interval?: Interval;
    }
  | { rule: 'override'; state: 'open' | 'closed'; until: string; from?: string; label?: string };

/** The reason a day rule gives, with the interval in force when open. */
export function reasonOfDay(day: DayRule, interval?: Interval): Reason {
  const withInterval = interval ? { interval } : {};
  switch (day.rule) {
    case 'weekly':
      return { rule: 'weekly', date: day.date, weekday: day.weekday, ...withInterval };
    case 'holiday':
      return { rule: 'holiday', date: day.date, name: day.name };
    case 'exception': {
      const e = day.exception;
      return {
        rule: 'exception',
        date: day.date,
        from: e.from,
        to: e.to,
        hours: e.hours,
        ...(e.label !== undefined ? { label: e.label } : {}),
        ...withInterval,
      };
    }
  }
}

export function reasonOfOverride(o: CalendarOverride): Reason {
  return {
    rule: 'override',
    state: o.state,
    until: o.until,
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.label !== undefined ? { label: o.label } : {}),
  };
}

function exceptionName(r: { from: string; to: string; label?: string }): string {
  const dates = r.from === r.to ? r.from : `${r.from} to ${r.to}`;
  return r.label !== undefined ? `exception "${r.label}" (${dates})` : `exception ${dates}`;
}

/** What decided, without the open/closed prefix: `holiday "Noël"`, `weekly hours (Monday 08:30-12:30)`. */
export function describeReason(reason: Reason, open: boolean): string {
  switch (reason.rule) {
    case 'weekly':
      return open && reason.interval
        ? `weekly hours (${WEEKDAY_NAMES[reason.weekday]} ${formatInterval(reason.interval)})`
        : `outside weekly hours (${WEEKDAY_NAMES[reason.weekday]})`;
    case 'holiday':
      return `holiday "${reason.name}"`;
    case 'exception': {
      const name = exceptionName(reason);
      if (open && reason.interval) return `${name} (${formatInterval(reason.interval)})`;
      if (reason.hours === 'closed') return name;
      return `${name}, outside its hours`;
    }
    case 'override': {
      const label = reason.label !== undefined ? ` "${reason.label}"` : '';
      return `override${label} until ${reason.until.replace('T', ' ')}`;
    }
  }
}

/** One line for journals: `closed: holiday "Noël"`. */
export function reasonText(reason: Reason, open: boolean): string {
  return `${open ? 'open' : 'closed'}: ${describeReason(reason, open)}`;
}

/** What governs a whole date, for week tables: `holiday "Noël"`, `exception 2026-12-24: 08:30-12:00`. */
export function describeDay(reason: Reason): string {
  switch (reason.rule) {
    case 'weekly':
      return 'weekly hours';
    case 'exception': {
      const hours =
        reason.hours === 'closed' ? 'closed' : reason.hours === 'weekly' ? 'usual weekly hours' : reason.hours.map(formatInterval).join(', ');
      return `${exceptionName(reason)}: ${hours}`;
    }
    default:
      return describeReason(reason, false);
  }
}

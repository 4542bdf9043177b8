// Open or closed at an instant, why, and when that changes next.
// Pure: the instant is an argument (epoch ms or a luxon DateTime); no clock is read.
// Everything is decided on the calendar's own local wall clock (see zone.ts).

import { DateTime } from 'luxon';
import type { Calendar } from '../plan/types';
import { addDays, dateToNaive, DAY_MS, MINUTE_MS, naiveMinuteOfDay, naiveToDate } from './civil';
import { reasonOfDay, reasonOfOverride, reasonText, type Reason } from './reason';
import { dayRule, overrideSpan, type DayRule } from './rules';
import { toNaive, WindowOffsets, zoneOf } from './zone';

/** How far ahead `nextChange` looks before answering "never" (null). */
export const DEFAULT_HORIZON_DAYS = 400;

/** Intervals may reach this many days past the date they start on (end ≤ 3 × 1440). */
const MAX_SPILL_DAYS = 2;

export interface State {
  open: boolean;
  reason: Reason;
  /** One line for journals: `closed: holiday "Noël"`. */
  text: string;
  /** When closed: the announcement of the exception or override that closed it, if it has one. */
  announcement?: string;
}

export interface Evaluation extends State {
  /** Next instant the state flips, local ISO date-time with offset; null = not within the horizon ("never"). */
  nextChange: string | null;
  /** The same instant as epoch ms, for timers. */
  nextChangeMs: number | null;
}

export interface EvaluateOptions {
  horizonDays?: number;
}

function toMs(at: number | DateTime): number {
  return typeof at === 'number' ? at : at.toMillis();
}

function state(open: boolean, reason: Reason, announcement?: string): State {
  return { open, reason, text: reasonText(reason, open), ...(announcement !== undefined ? { announcement } : {}) };
}

/** Open or closed at `at`, and why (no next change: cheap, for every call). */
export function stateAt(calendar: Calendar, at: number | DateTime): State {
  return stateAtWall(calendar, toNaive(zoneOf(calendar.timezone), toMs(at)));
}

/** The state for a wall-clock reading (naive ms): the whole decision, zone already applied. */
function stateAtWall(calendar: Calendar, naive: number): State {
  const span = overrideSpan(calendar);
  if (span && calendar.override && naive >= span.from && naive < span.until) {
    const o = calendar.override;
    // Announcements are what a caller hears when closed; an open override has none to play.
    return state(o.state === 'open', reasonOfOverride(o), o.state === 'closed' ? o.announcement : undefined);
  }

  const date = naiveToDate(naive);
  const minute = naiveMinuteOfDay(naive);
  const today = dayRule(calendar, date);
  // Today's own intervals first, then the nights begun on the previous days.
  for (let k = 0; k <= MAX_SPILL_DAYS; k++) {
    const day: DayRule = k === 0 ? today : dayRule(calendar, addDays(date, -k));
    const m = minute + k * 1440;
    const hit = day.intervals.find((i) => i.start <= m && m < i.end);
    if (hit) return state(true, reasonOfDay(day, hit));
  }
  const announcement = today.rule === 'exception' ? today.exception.announcement : undefined;
  return state(false, reasonOfDay(today), announcement);
}

/** Wall-clock readings (naive ms) where the state of `date`'s rule may change. */
function boundariesOf(calendar: Calendar, date: string): number[] {
  const base = dateToNaive(date);
  const out = [base]; // rules change at midnight
  for (const i of dayRule(calendar, date).intervals) out.push(base + i.start * MINUTE_MS, base + i.end * MINUTE_MS);
  return out;
}

/**
 * The next instant after `at` when open/closed flips, or null if none within the horizon.
 * The state only changes at a rule boundary (converted to its one or two instants) or at
 * a daylight-saving transition, so only those instants are examined, a week at a time.
 */
export function nextChangeMs(calendar: Calendar, at: number | DateTime, horizonDays = DEFAULT_HORIZON_DAYS): number | null {
  const zone = zoneOf(calendar.timezone);
  const start = toMs(at);
  const horizon = start + horizonDays * DAY_MS;
  const current = stateAt(calendar, start).open;
  const span = overrideSpan(calendar);

  for (let winStart = start; winStart < horizon; ) {
    const winEnd = Math.min(winStart + 7 * DAY_MS, horizon);
    // The zone's offsets over the window, computed once: Intl lookups are the costly part.
    const offsets = new WindowOffsets(zone, winStart, winEnd);
    const candidates = new Set<number>();
    const keep = (ms: number): void => {
      if (ms > winStart && ms <= winEnd) candidates.add(ms);
    };
    const firstDate = addDays(naiveToDate(offsets.toNaive(winStart)), -MAX_SPILL_DAYS - 1);
    const lastDate = addDays(naiveToDate(offsets.toNaive(winEnd)), 1);
    for (let d = firstDate; d <= lastDate; d = addDays(d, 1)) {
      for (const naive of boundariesOf(calendar, d)) offsets.toInstants(naive).forEach(keep);
    }
    if (span) {
      for (const naive of [span.from, span.until]) if (Number.isFinite(naive)) offsets.toInstants(naive).forEach(keep);
    }
    offsets.transitions.forEach(keep);

    for (const c of [...candidates].sort((a, b) => a - b)) {
      if (stateAtWall(calendar, offsets.toNaive(c)).open !== current) return c;
    }
    winStart = winEnd;
  }
  return null;
}

/** Local ISO date-time with offset in the calendar's zone: "2026-12-28T08:30:00+01:00". */
export function toLocalIso(calendar: Calendar, ms: number): string {
  return DateTime.fromMillis(ms, { zone: calendar.timezone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

/** Open or closed at `at`, why, and the next change. */
export function evaluate(calendar: Calendar, at: number | DateTime, options: EvaluateOptions = {}): Evaluation {
  const now = stateAt(calendar, at);
  const next = nextChangeMs(calendar, at, options.horizonDays);
  return { ...now, nextChange: next === null ? null : toLocalIso(calendar, next), nextChangeMs: next };
}

/** The shape the call flow consumes (src/flow IsOpen): open, the journal line, the closing announcement. */
export function openState(calendar: Calendar, at: number | DateTime): { open: boolean; reason: string; announcement?: string } {
  const s = stateAt(calendar, at);
  return { open: s.open, reason: s.text, ...(s.announcement !== undefined ? { announcement: s.announcement } : {}) };
}

// Times of day and opening intervals: "08:30", "08:30-12:30", "22:00-02:00+1", "14:00-24:00".

import type { Interval } from './types';

type Result<T> = { ok: true; value: T } | { ok: false; why: string };

/** Minutes since midnight. `allowEnd` accepts "24:00" (an interval may end at midnight). */
export function parseTime(text: string, allowEnd = false): Result<number> {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return { ok: false, why: `found "${text}", expected a time HH:MM such as "08:30"` };
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h === 24 && min === 0 && allowEnd) return { ok: true, value: 1440 };
  if (h > 23) return { ok: false, why: `found "${text}": hour ${h} does not exist, expected 00 to 23${allowEnd ? ' (or 24:00 as an end)' : ''}` };
  if (min > 59) return { ok: false, why: `found "${text}": minute ${min} does not exist, expected 00 to 59` };
  return { ok: true, value: h * 60 + min };
}

/**
 * An interval "HH:MM-HH:MM". The end must be after the start; an interval that crosses
 * midnight must say so with "+1" ("22:00-02:00+1"), so that "12:00-11:00" is caught as the typo it usually is.
 */
export function parseInterval(text: string): Result<Interval> {
  const m = /^\s*([^-\s]+)\s*-\s*([^+\s]+)\s*(\+1)?\s*$/.exec(text);
  const expected = 'expected hours such as "08:30-12:30" (or "22:00-02:00+1" to end the next day)';
  if (!m) return { ok: false, why: `found "${text}", ${expected}` };
  const start = parseTime(m[1]!);
  if (!start.ok) return start;
  const end = parseTime(m[2]!, true);
  if (!end.ok) return end;
  const nextDay = m[3] !== undefined;
  if (nextDay) {
    const e = end.value + 1440;
    if (e - start.value > 1440) return { ok: false, why: `found "${text}": longer than 24 hours, expected an end the next day before ${m[1]}` };
    return { ok: true, value: { start: start.value, end: e } };
  }
  if (end.value <= start.value) {
    return {
      ok: false,
      why: `found "${text}": ends before it starts; to cross midnight write "${m[1]}-${m[2]}+1"; expected a start before the end`,
    };
  }
  return { ok: true, value: { start: start.value, end: end.value } };
}

/** A local date "YYYY-MM-DD" that exists in the calendar (no 2026-02-30). */
export function parseDate(text: string): Result<string> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return { ok: false, why: `found "${text}", expected a date YYYY-MM-DD such as "2026-12-24"` };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12) return { ok: false, why: `found "${text}": month ${mo} does not exist` };
  if (d < 1 || d > days[mo - 1]!) return { ok: false, why: `found "${text}": day ${d} does not exist in that month` };
  return { ok: true, value: text };
}

/** A local date-time "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM" → "YYYY-MM-DDTHH:MM". */
export function parseDateTime(text: string): Result<string> {
  const m = /^(\S+)[T ](\S+)$/.exec(text.trim());
  if (!m) return { ok: false, why: `found "${text}", expected a date and time such as "2026-11-28 14:00"` };
  const d = parseDate(m[1]!);
  if (!d.ok) return d;
  const t = parseTime(m[2]!);
  if (!t.ok) return t;
  return { ok: true, value: `${m[1]}T${m[2]!.padStart(5, '0')}` };
}

const DAYS: Record<string, number> = {
  mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7,
  // French abbreviations, since the people editing the plan are often French.
  lun: 1, mar: 2, mer: 3, jeu: 4, ven: 5, sam: 6, dim: 7,
};
export const DAY_NAMES = Object.keys(DAYS);

/** "mon-fri", "sat", "mon,wed,fri", "fri-mon" (wraps) → ISO weekdays. */
export function parseDays(text: string): Result<number[]> {
  const days: number[] = [];
  for (const part of text.split(',')) {
    const [a, b, ...rest] = part.trim().toLowerCase().split('-');
    const from = DAYS[a ?? ''];
    const to = b === undefined ? from : DAYS[b];
    if (from === undefined || to === undefined || rest.length > 0) {
      return { ok: false, why: `found "${text}", expected days such as "mon", "mon-fri", "sat,sun" (mon tue wed thu fri sat sun)` };
    }
    for (let d = from; ; d = (d % 7) + 1) {
      days.push(d);
      if (d === to) break;
    }
  }
  return { ok: true, value: days };
}

export function formatTime(min: number): string {
  if (min === 1440) return '24:00';
  const m = min % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}${min > 1440 ? '+1' : ''}`;
}

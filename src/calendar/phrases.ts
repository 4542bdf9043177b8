// The calendar said in natural French, for the placeholders of `say:` texts:
// {reopen} "demain à 8 heures 30", {hours_today} "de 8 h 30 à 12 h 30 et de 14 h à 19 h",
// {hours_week} "du lundi au vendredi de 8 h 30 à 12 h 30, le samedi de 9 h à midi",
// {closure} "Noël". Pure: the instant is an argument, no clock is read.

import type { Calendar, Interval, SayPlaceholder } from '../plan/types';
import { dateToNaive, DAY_MS, isoWeekday, naiveMinuteOfDay, naiveToDate, type Weekday } from './civil';
import { nextChangeMs, stateAt } from './evaluate';
import { dayRule } from './rules';
import { toNaive, zoneOf } from './zone';

const DAYS: Record<Weekday, string> = { 1: 'lundi', 2: 'mardi', 3: 'mercredi', 4: 'jeudi', 5: 'vendredi', 6: 'samedi', 7: 'dimanche' };
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** When a calendar that is never open again is asked when it reopens. */
export const NO_REOPENING = 'à une date qui sera communiquée prochainement';
/** {hours_today} on a day without opening hours. */
export const CLOSED_ALL_DAY = 'fermé toute la journée';
/** {hours_week} for a calendar without weekly hours. */
export const NO_WEEKLY_HOURS = 'sur rendez-vous uniquement';

/** Noon and midnight have their words; other times are said by `say(hours, minutes)`. */
function clock(minute: number, say: (h: number, mm: number) => string): string {
  const m = Math.round(minute) % 1440;
  if (m === 720) return 'midi';
  if (m === 0) return 'minuit';
  return say(Math.floor(m / 60), m % 60);
}

/** "8 heures 30", "9 heures", "1 heure", "midi", "minuit": a time as said in a sentence. */
export function spokenTime(minute: number): string {
  return clock(minute, (h, mm) => `${h} heure${h > 1 ? 's' : ''}${mm ? ` ${mm}` : ''}`);
}

/** "8 h 30", "14 h", "midi", "minuit": a time in a list of hours (an end past midnight, "2 h"). */
export function shortTime(minute: number): string {
  return clock(minute, (h, mm) => `${h} h${mm ? ` ${String(mm).padStart(2, '0')}` : ''}`);
}

/** "de 8 h 30 à 12 h 30 et de 14 h à 19 h". */
export function spokenIntervals(intervals: Interval[]): string {
  return joinFrench(intervals.map((i) => `de ${shortTime(i.start)} à ${shortTime(i.end)}`), 'et');
}

/** "lundi 4 janvier", "vendredi 1er janvier", with the year when far ahead. */
export function spokenDate(date: string, withYear = false): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return `${DAYS[isoWeekday(date)]} ${d === 1 ? '1er' : d} ${MONTHS[mo - 1]}${withYear ? ` ${y}` : ''}`;
}

function local(calendar: Calendar, ms: number): { date: string; minute: number } {
  const naive = toNaive(zoneOf(calendar.timezone), ms);
  return { date: naiveToDate(naive), minute: naiveMinuteOfDay(naive) };
}

/**
 * {reopen}: when the calendar opens next, said from `at`'s point of view:
 * "aujourd'hui à 14 heures", "demain à 8 heures 30", "lundi 4 janvier à 9 heures".
 * Open now: "dès maintenant". Never within the horizon: NO_REOPENING.
 */
export function reopenPhrase(calendar: Calendar, at: number): string {
  if (stateAt(calendar, at).open) return 'dès maintenant';
  const next = nextChangeMs(calendar, at);
  if (next === null) return NO_REOPENING;
  const now = local(calendar, at);
  const then = local(calendar, next);
  const days = Math.round((dateToNaive(then.date) - dateToNaive(now.date)) / DAY_MS);
  const day = days === 0 ? "aujourd'hui" : days === 1 ? 'demain' : spokenDate(then.date, days > 180);
  return `${day} à ${spokenTime(then.minute)}`;
}

/** {hours_today}: the hours of `at`'s local date (its exception or holiday included). */
export function hoursTodayPhrase(calendar: Calendar, at: number): string {
  const intervals = dayRule(calendar, local(calendar, at).date).intervals;
  return intervals.length === 0 ? CLOSED_ALL_DAY : spokenIntervals(intervals);
}

/**
 * {hours_week}: the usual weekly hours, days with the same hours said together:
 * "du lundi au vendredi de 8 h 30 à 12 h 30 et de 14 h à 19 h, le samedi de 9 h à midi".
 */
export function hoursWeekPhrase(calendar: Calendar): string {
  const groups: { days: Weekday[]; hours: string }[] = [];
  for (const d of [1, 2, 3, 4, 5, 6, 7] as Weekday[]) {
    const ivs = calendar.weekly[d];
    if (!ivs || ivs.length === 0) continue;
    const hours = spokenIntervals(ivs);
    const g = groups.find((x) => x.hours === hours);
    if (g) g.days.push(d);
    else groups.push({ days: [d], hours });
  }
  if (groups.length === 0) return NO_WEEKLY_HOURS;
  return groups.map((g) => `${spokenDays(g.days)} ${g.hours}`).join(', ');
}

/** "du lundi au vendredi" (three days or more in a row), else "le lundi, le mardi et le jeudi". */
function spokenDays(days: Weekday[]): string {
  const consecutive = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  if (consecutive && days.length >= 3) return `du ${DAYS[days[0]!]} au ${DAYS[days[days.length - 1]!]}`;
  return joinFrench(days.map((d) => `le ${DAYS[d]}`), 'et');
}

/** {closure}: the label of what closes the calendar at `at` (exception, holiday, override); "" when only the weekly hours do. */
export function closurePhrase(calendar: Calendar, at: number): string {
  const r = stateAt(calendar, at).reason;
  if (r.rule === 'holiday') return r.name;
  if (r.rule === 'exception' || r.rule === 'override') return r.label ?? '';
  return '';
}

export function placeholderPhrase(name: SayPlaceholder, calendar: Calendar, at: number): string {
  switch (name) {
    case 'reopen':
      return reopenPhrase(calendar, at);
    case 'hours_today':
      return hoursTodayPhrase(calendar, at);
    case 'hours_week':
      return hoursWeekPhrase(calendar);
    case 'closure':
      return closurePhrase(calendar, at);
  }
}

/** A `say:` text with its placeholders filled for `at`; without a calendar (always open) they are said as such. */
export function fillPlaceholders(text: string, calendar: Calendar | undefined, at: number): string {
  return text.replace(/\{(reopen|hours_today|hours_week|closure)\}/g, (_, name: SayPlaceholder) => {
    if (calendar) return placeholderPhrase(name, calendar, at);
    return name === 'reopen' ? 'dès maintenant' : name === 'closure' ? '' : 'à toute heure';
  }).replace(/\s+/g, ' ').replace(/\s+([,.])/g, '$1').trim();
}

/** "a", "a et b", "a, b et c". */
function joinFrench(parts: string[], word: string): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} ${word} ${parts[parts.length - 1]}`;
}

// What the page says, in French: why a calendar is open or closed, dates and times.

import { DateTime } from 'luxon';
import { formatInterval, type Reason } from '../calendar';
import type { CalendarException, Interval } from '../plan/types';

const JOURS = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

export function weekdayName(isoWeekday: number): string {
  return JOURS[isoWeekday] ?? '';
}

export const hoursText = (hours: Interval[]): string => hours.map(formatInterval).join(', ');

/** "Jeudi 3 décembre 2026" */
export function longDate(date: string): string {
  const d = DateTime.fromISO(date, { locale: 'fr' });
  const s = d.toFormat('cccc d LLLL yyyy');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "jeudi 3 décembre à 14:00" from an instant (ms) in a zone. */
export function whenText(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone, locale: 'fr' }).toFormat("cccc d LLLL 'à' HH:mm");
}

/** "2026-12-03 14:00" (a local date-time as the plan writes it) → "jeudi 3 décembre à 14:00". */
export function localText(local: string): string {
  const d = DateTime.fromISO(local.replace(' ', 'T'), { locale: 'fr' });
  return d.isValid ? d.toFormat("cccc d LLLL yyyy 'à' HH:mm") : local;
}

export function exceptionWhat(e: Pick<CalendarException, 'hours'>): string {
  return e.hours === 'closed' ? 'fermé' : e.hours === 'weekly' ? 'ouvert aux horaires habituels' : `ouvert ${hoursText(e.hours)}`;
}

export function exceptionSpan(e: Pick<CalendarException, 'from' | 'to'>): string {
  return e.from === e.to ? longDate(e.from) : `du ${longDate(e.from)} au ${longDate(e.to)}`;
}

/** Why it is open or closed: "horaires de la semaine (lundi 08:30-12:30)", "jour férié « Noël »". */
export function reasonFr(reason: Reason, open: boolean): string {
  switch (reason.rule) {
    case 'weekly':
      return open && reason.interval
        ? `horaires de la semaine (${weekdayName(reason.weekday)} ${formatInterval(reason.interval)})`
        : `en dehors des horaires de la semaine (${weekdayName(reason.weekday)})`;
    case 'holiday':
      return `jour férié « ${reason.name} »`;
    case 'exception': {
      const name = reason.label ? `exception « ${reason.label} »` : `exception ${reason.from === reason.to ? `du ${reason.from}` : `du ${reason.from} au ${reason.to}`}`;
      if (open && reason.interval) return `${name} (${formatInterval(reason.interval)})`;
      return reason.hours === 'closed' ? name : `${name}, en dehors de ses horaires`;
    }
    case 'override':
      return `${reason.state === 'closed' ? 'fermeture' : 'ouverture'} manuelle${reason.label ? ` « ${reason.label} »` : ''} jusqu'au ${localText(reason.until)}`;
  }
}

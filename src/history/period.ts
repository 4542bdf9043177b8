// Periods of the history in local time: "today", "since DATE", the retention cutoff.

import { DateTime } from 'luxon';
import type { HistorySettings } from '../plan/types';

export const DEFAULT_KEEP: HistorySettings['keep'] = { months: 13 };

/** Calls that arrived before this instant (epoch ms) are past the retention period. */
export function keepCutoff(now: number, keep: HistorySettings['keep'] = DEFAULT_KEEP, zone = 'Europe/Paris'): number {
  return DateTime.fromMillis(now, { zone }).minus(keep).toMillis();
}

/** Local midnight of `now`'s day. */
export function todayStart(now: number, zone: string): number {
  return DateTime.fromMillis(now, { zone }).startOf('day').toMillis();
}

/** "2026-11-02" (local midnight) or an ISO date-time; a string says what is wrong. */
export function parseSince(text: string, zone: string): number | string {
  const t = DateTime.fromISO(text.trim(), { zone });
  if (!t.isValid) return `"${text}" is not a date such as 2026-11-02 or 2026-11-02T08:00`;
  return t.toMillis();
}

// The reading options shared by `accueil calls` and /api/calls, checked once.

import { normaliseNumber } from '../flow/numbers';
import { parseSince, todayStart } from './period';
import { OUTCOMES, type Outcome } from './record';
import type { CallFilter } from './store';

export interface CallQuery {
  today?: boolean;
  since?: string;
  number?: string;
  outcome?: string;
  limit?: string;
}

/** The filter of a query, or what is wrong with it. */
export function filterOf(q: CallQuery, zone: string, now: number, country = 'FR'): CallFilter | string {
  if (q.today && q.since !== undefined) return 'give --today or --since, not both';
  const filter: CallFilter = {};
  if (q.today) filter.since = todayStart(now, zone);
  if (q.since !== undefined) {
    const since = parseSince(q.since, zone);
    if (typeof since === 'string') return since;
    filter.since = since;
  }
  if (q.number !== undefined) filter.number = normaliseNumber(q.number, country) ?? q.number.trim();
  if (q.outcome !== undefined) {
    if (q.outcome !== 'missed' && !(OUTCOMES as readonly string[]).includes(q.outcome)) {
      return `unknown outcome "${q.outcome}"; expected missed or one of ${OUTCOMES.join(', ')}`;
    }
    filter.outcome = q.outcome as Outcome | 'missed';
  }
  if (q.limit !== undefined) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1) return `limit "${q.limit}" is not a positive whole number`;
    filter.limit = n;
  }
  return filter;
}

// Statistics of the calls of a period, per number and per hour of the day
// (local hour of arrival, the plan's zone). Pure: rows in, figures out.
//
// Waits are those of callers who waited for somebody: answered (after an
// overflow or not) and abandoned while waiting or ringing. Median and p90 are
// nearest-rank percentiles (an actual wait of the period, never interpolated).

import type { Outcome } from './record';
import type { StatsRow } from './store';

export interface Figures {
  calls: number;
  answered: number;
  abandoned: number;
  overflowed: number;
  /** Percentages of `calls`, one decimal. */
  answeredPct: number;
  abandonedPct: number;
  overflowedPct: number;
  /** Null when nobody waited in the period. */
  waitMedianMs: number | null;
  waitP90Ms: number | null;
  longestWaitMs: number | null;
}

export interface Stats {
  total: Figures;
  /** The plan's key of each number (E.164) → its figures. */
  byNumber: Record<string, Figures>;
  /** Hours 0–23 with at least one call, in order. */
  byHour: Array<Figures & { hour: number }>;
}

const ANSWERED: readonly Outcome[] = ['answered', 'overflowed-answered'];
const ABANDONED: readonly Outcome[] = ['abandoned-waiting', 'abandoned-ringing', 'abandoned'];
const WAITED: readonly Outcome[] = ['answered', 'overflowed-answered', 'abandoned-waiting', 'abandoned-ringing'];

class Tally {
  calls = 0;
  answered = 0;
  abandoned = 0;
  overflowed = 0;
  waits: number[] = [];

  add(r: StatsRow): void {
    this.calls++;
    if (ANSWERED.includes(r.outcome)) this.answered++;
    if (ABANDONED.includes(r.outcome)) this.abandoned++;
    if (r.overflowed) this.overflowed++;
    if (WAITED.includes(r.outcome)) this.waits.push(r.waitedMs);
  }

  figures(): Figures {
    const waits = Float64Array.from(this.waits).sort();
    const pct = (n: number): number => (this.calls === 0 ? 0 : Math.round((n * 1000) / this.calls) / 10);
    return {
      calls: this.calls,
      answered: this.answered,
      abandoned: this.abandoned,
      overflowed: this.overflowed,
      answeredPct: pct(this.answered),
      abandonedPct: pct(this.abandoned),
      overflowedPct: pct(this.overflowed),
      waitMedianMs: percentile(waits, 0.5),
      waitP90Ms: percentile(waits, 0.9),
      longestWaitMs: waits.length ? waits[waits.length - 1]! : null,
    };
  }
}

/** Nearest-rank percentile of sorted values: the smallest value with at least p of them at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

export function computeStats(rows: Iterable<StatsRow>): Stats {
  const total = new Tally();
  const numbers = new Map<string, Tally>();
  const hours: Tally[] = Array.from({ length: 24 }, () => new Tally());
  for (const r of rows) {
    total.add(r);
    let t = numbers.get(r.number);
    if (!t) numbers.set(r.number, (t = new Tally()));
    t.add(r);
    hours[r.hour]?.add(r);
  }
  const byNumber: Record<string, Figures> = {};
  for (const key of [...numbers.keys()].sort()) byNumber[key] = numbers.get(key)!.figures();
  const byHour = hours.flatMap((t, hour) => (t.calls > 0 ? [{ hour, ...t.figures() }] : []));
  return { total: total.figures(), byNumber, byHour };
}

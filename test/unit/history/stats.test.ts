// Statistics over a generated month of calls (through the real database), asserted exactly.
import { DateTime } from 'luxon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openHistoryDb } from '../../../src/history/db';
import type { CallRecord, Outcome } from '../../../src/history/record';
import { computeStats, percentile } from '../../../src/history/stats';
import { HistoryStore } from '../../../src/history/store';

const A = '+33142000001';
const B = '+33142000002';
const S = 1000;
let dir: string;
let seq = 0;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'accueil-stats-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function call(number: string, at: DateTime, outcome: Outcome, waitedMs: number, overflowed = false): Omit<CallRecord, 'steps'> {
  const arrivedAt = at.toMillis();
  return {
    callId: `c${++seq}`, arrivedAt, endedAt: arrivedAt + waitedMs, called: number, number, caller: '0612345678', planVersion: 'v', open: true,
    route: [], lines: [], waitedMs, talkedMs: 0, outcome, overflowed, message: false, missed: false, resumed: 0,
  };
}

/** November 2026, Paris: number A at 09h (4 calls a day), number B at 14h (2 a day). */
function month(store: HistoryStore): void {
  for (let d = 1; d <= 30; d++) {
    const day = DateTime.fromObject({ year: 2026, month: 11, day: d }, { zone: 'Europe/Paris' });
    const nine = day.set({ hour: 9, minute: 10 });
    store.addCall(call(A, nine, 'answered', d * S));
    store.addCall(call(A, nine.plus({ minutes: 5 }), 'overflowed-answered', 60 * S, true));
    store.addCall(call(A, nine.plus({ minutes: 10 }), 'abandoned-waiting', 30 * S));
    store.addCall(call(A, nine.plus({ minutes: 15 }), 'closed', 5 * S));
    const two = day.set({ hour: 14, minute: 30 });
    store.addCall(call(B, two, 'answered', 10 * S));
    store.addCall(call(B, two.plus({ minutes: 1 }), 'voicemail-no-message', 50 * S, true));
  }
  // Before the period: not counted.
  store.addCall(call(A, DateTime.fromISO('2026-10-31T09:00', { zone: 'Europe/Paris' }), 'abandoned-waiting', 600 * S));
}

test('a month of calls: per number, per hour and in all, exactly', () => {
  const store = new HistoryStore(openHistoryDb(dir), 'Europe/Paris');
  month(store);
  const since = DateTime.fromISO('2026-11-01', { zone: 'Europe/Paris' }).toMillis();
  const stats = computeStats(store.statsRows(since));
  const a = { calls: 120, answered: 60, abandoned: 30, overflowed: 30, answeredPct: 50, abandonedPct: 25, overflowedPct: 25, waitMedianMs: 30 * S, waitP90Ms: 60 * S, longestWaitMs: 60 * S };
  const b = { calls: 60, answered: 30, abandoned: 0, overflowed: 30, answeredPct: 50, abandonedPct: 0, overflowedPct: 50, waitMedianMs: 10 * S, waitP90Ms: 10 * S, longestWaitMs: 10 * S };
  expect(stats.byNumber).toEqual({ [A]: a, [B]: b });
  expect(stats.byHour).toEqual([{ hour: 9, ...a }, { hour: 14, ...b }]);
  expect(stats.total).toEqual({
    calls: 180, answered: 90, abandoned: 30, overflowed: 60, answeredPct: 50, abandonedPct: 16.7, overflowedPct: 33.3,
    waitMedianMs: 30 * S, waitP90Ms: 60 * S, longestWaitMs: 60 * S,
  });
});

test('no call: zero figures, no waits', () => {
  expect(computeStats([]).total).toEqual({
    calls: 0, answered: 0, abandoned: 0, overflowed: 0, answeredPct: 0, abandonedPct: 0, overflowedPct: 0, waitMedianMs: null, waitP90Ms: null, longestWaitMs: null,
  });
});

test('nearest-rank percentiles', () => {
  expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  expect(percentile([7], 0.9)).toBe(7);
  expect(percentile([], 0.5)).toBeNull();
});

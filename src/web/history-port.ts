// The page's "Appels" screen reads the call history (src/history) through this port.

import type { HistoryStore } from '../history/store';
import type { CallHistory, CallRecord } from './ports';

export class HistoryCalls implements CallHistory {
  constructor(private readonly store: () => HistoryStore | undefined) {}

  async callsBetween(fromMs: number, toMs: number, numbers: string[]): Promise<CallRecord[]> {
    const store = this.store();
    if (!store) return [];
    const wanted = new Set(numbers);
    return store
      .calls({ since: fromMs, until: toMs, limit: 5000 })
      .filter((c) => wanted.has(c.number ?? c.called))
      .map((c) => ({
        at: new Date(c.arrivedAt).toISOString(),
        called: c.number ?? c.called,
        ...(c.numberName ? { calledName: c.numberName } : {}),
        caller: c.caller,
        outcome: c.missed ? 'missed' : c.outcome,
        ...(c.answeredBy ? { answeredBy: c.answeredBy } : {}),
        durationMs: c.endedAt - c.arrivedAt,
      }));
  }
}

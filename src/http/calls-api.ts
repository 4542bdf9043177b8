// GET /api/calls?today=1|since=DATE&number=N&outcome=missed&limit=N: the call
// history as JSON, newest first (for the web page).

import type { HistoryStore } from '../history/store';
import { filterOf } from '../history/query';

export function callsApi(store: HistoryStore, zone: () => string, now: () => number = Date.now): (query: URLSearchParams) => { status: number; body: unknown } {
  return (query) => {
    const get = (name: string): string | undefined => query.get(name) ?? undefined;
    const today = get('today');
    const filter = filterOf(
      {
        ...(today !== undefined && today !== '0' && today !== 'false' ? { today: true } : {}),
        ...(get('since') !== undefined ? { since: get('since') } : {}),
        ...(get('number') !== undefined ? { number: get('number') } : {}),
        ...(get('outcome') !== undefined ? { outcome: get('outcome') } : {}),
        ...(get('limit') !== undefined ? { limit: get('limit') } : {}),
      },
      zone(),
      now(),
    );
    if (typeof filter === 'string') return { status: 400, body: { error: filter } };
    try {
      return { status: 200, body: { calls: store.calls(filter) } };
    } catch (err) {
      return { status: 500, body: { error: `call history: ${(err as Error).message}` } };
    }
  };
}

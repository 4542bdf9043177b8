// `accueil stats [--since DATE] [--json]`: per number and per hour of the day,
// calls, answered %, abandoned %, overflowed %, wait median/p90, longest wait.
// Default period: the last 30 days.

import { DateTime } from 'luxon';
import { dataDir, openHistoryDb } from '../history/db';
import { parseSince } from '../history/period';
import { computeStats, type Figures, type Stats } from '../history/stats';
import { HistoryStore } from '../history/store';
import { flag, readFlags, UsageError } from './args';
import { localZone } from './calls';
import { formatTenths } from '../plan/durations';

const USAGE = 'usage: accueil stats [--since DATE] [--json]   (default: the last 30 days)';

const secs = (ms: number | null): string => (ms === null ? '-' : formatTenths(ms));

function row(label: string, f: Figures): string[] {
  return [label, String(f.calls), `${f.answeredPct}%`, `${f.abandonedPct}%`, `${f.overflowedPct}%`, secs(f.waitMedianMs), secs(f.waitP90Ms), secs(f.longestWaitMs)];
}

export function formatStats(stats: Stats): string {
  const header = ['', 'CALLS', 'ANSWERED', 'ABANDONED', 'OVERFLOWED', 'WAIT MEDIAN', 'WAIT P90', 'LONGEST WAIT'];
  const table = (title: string, rows: string[][]): string => {
    const all = [[title, ...header.slice(1)], ...rows];
    const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
    return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
  };
  const numbers = [...Object.entries(stats.byNumber).map(([n, f]) => row(n, f)), row('all', stats.total)];
  const hours = stats.byHour.map((h) => row(`${String(h.hour).padStart(2, '0')}h`, h));
  return `${table('NUMBER', numbers)}\n\n${table('HOUR', hours)}\n`;
}

export default async function stats(argv: string[]): Promise<number> {
  let args;
  try {
    args = readFlags(argv, { values: ['since'], booleans: ['json'] });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`accueil stats: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  const zone = localZone();
  const sinceText = flag(args, 'since');
  const since = sinceText === undefined ? DateTime.now().setZone(zone).minus({ days: 30 }).startOf('day').toMillis() : parseSince(sinceText, zone);
  if (typeof since === 'string') {
    process.stderr.write(`accueil stats: ${since}\n${USAGE}\n`);
    return 2;
  }
  let store: HistoryStore;
  try {
    store = new HistoryStore(openHistoryDb(dataDir(), { readonly: true }));
  } catch (err) {
    process.stderr.write(`accueil stats: cannot open the call history in ${dataDir()}: ${(err as Error).message}\n`);
    return 1;
  }
  const result = computeStats(store.statsRows(since));
  store.db.close();
  process.stdout.write(args.booleans.has('json') ? JSON.stringify({ since: new Date(since).toISOString(), ...result }, null, 2) + '\n' : formatStats(result));
  return 0;
}

// `accueil calls [--today | --since DATE] [--number N] [--outcome missed] [--json]`:
// the call history, newest first; `accueil calls purge [--keep "13 months" | --before DATE]`.
// Reads the database in ACCUEIL_DATA_DIR directly (no daemon needed); dates in
// the machine's local time (TZ).

import { DateTime } from 'luxon';
import { formatCaller } from '../flow/numbers';
import { dataDir, openHistoryDb } from '../history/db';
import { keepCutoff, parseSince } from '../history/period';
import { filterOf } from '../history/query';
import { HistoryStore, type StoredCall } from '../history/store';
import { formatLength } from '../voicemail/mail';
import { flag, readFlags, UsageError } from './args';

const USAGE = [
  'usage: accueil calls [--today | --since DATE] [--number N] [--outcome missed|OUTCOME] [--limit N] [--json]',
  '       accueil calls purge [--keep "13 months" | --before DATE]',
  '  (database: $ACCUEIL_DATA_DIR/history.sqlite, default /var/lib/accueil)',
].join('\n');

function usageError(message: string): number {
  process.stderr.write(`accueil calls: ${message}\n${USAGE}\n`);
  return 2;
}

export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** One line per call, in columns. */
export function formatCalls(calls: StoredCall[], zone: string): string {
  if (calls.length === 0) return 'no calls\n';
  const rows = calls.map((c) => [
    DateTime.fromMillis(c.arrivedAt, { zone }).toFormat('yyyy-LL-dd HH:mm:ss'),
    c.caller.trim() ? formatCaller(c.caller, 'FR') : 'hidden',
    c.numberName ?? c.called,
    c.outcome + (c.missed ? ' (missed)' : ''),
    formatLength(c.waitedMs),
    formatLength(c.talkedMs),
    c.answeredBy ?? '',
  ]);
  const header = ['ARRIVED', 'FROM', 'CALLED', 'OUTCOME', 'WAITED', 'TALKED', 'ANSWERED BY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function open(readonly: boolean): HistoryStore | undefined {
  try {
    return new HistoryStore(openHistoryDb(dataDir(), { readonly }));
  } catch (err) {
    process.stderr.write(`accueil calls: cannot open the call history in ${dataDir()}: ${(err as Error).message}\n`);
    return undefined;
  }
}

function purge(argv: string[]): number {
  let args;
  try {
    args = readFlags(argv, { values: ['keep', 'before'] });
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    throw err;
  }
  const keep = flag(args, 'keep');
  const before = flag(args, 'before');
  if (keep !== undefined && before !== undefined) return usageError('give --keep or --before, not both');
  let cutoff: number;
  if (before !== undefined) {
    const t = parseSince(before, localZone());
    if (typeof t === 'string') return usageError(t);
    cutoff = t;
  } else {
    const m = /^\s*(\d+)\s*(months?|days?)\s*$/.exec(keep ?? '13 months');
    if (!m || Number(m[1]) < 1) return usageError(`--keep "${keep}" is not a period such as "13 months" or "90 days"`);
    cutoff = keepCutoff(Date.now(), m[2]!.startsWith('month') ? { months: Number(m[1]) } : { days: Number(m[1]) }, localZone());
  }
  const store = open(false);
  if (!store) return 1;
  const gone = store.purge(cutoff);
  store.db.close();
  process.stdout.write(`${gone} call(s) before ${DateTime.fromMillis(cutoff, { zone: localZone() }).toFormat('yyyy-LL-dd HH:mm')} deleted\n`);
  return 0;
}

export default async function calls(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (argv[0] === 'purge') return purge(argv.slice(1));
  let args;
  try {
    args = readFlags(argv, { values: ['since', 'number', 'outcome', 'limit'], booleans: ['today', 'json'] });
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    throw err;
  }
  if (args.positional.length > 0) return usageError(`unexpected argument "${args.positional[0]}"`);
  const zone = localZone();
  const filter = filterOf(
    {
      today: args.booleans.has('today'),
      ...(flag(args, 'since') !== undefined ? { since: flag(args, 'since') } : {}),
      ...(flag(args, 'number') !== undefined ? { number: flag(args, 'number') } : {}),
      ...(flag(args, 'outcome') !== undefined ? { outcome: flag(args, 'outcome') } : {}),
      ...(flag(args, 'limit') !== undefined ? { limit: flag(args, 'limit') } : {}),
    },
    zone,
    Date.now(),
  );
  if (typeof filter === 'string') return usageError(filter);
  const store = open(true);
  if (!store) return 1;
  const found = store.calls(filter);
  store.db.close();
  process.stdout.write(args.booleans.has('json') ? JSON.stringify(found, null, 2) + '\n' : formatCalls(found, zone));
  return 0;
}

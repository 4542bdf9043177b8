// `accueil explain <plan> --number N [--at ISO | --week DATE] [--json] [--sounds DIR]`
// What happens to a call to N at an instant: open or closed and why, the next change,
// and the route the call would take; or the week's opening table.
// The core (explainAt, explainWeek) is pure; only the default export touches disk and clock.

import { DateTime } from 'luxon';
import {
  evaluate,
  formatWeekTable,
  mondayOf,
  weekTable,
  type Reason,
  type WeekDay,
} from '../calendar';
import { formatError, type PlanError } from '../plan/errors';
import { loadPlan } from '../plan/load';
import { normaliseNumber } from '../plan/numbers';
import type { Plan, PublicNumber } from '../plan/types';
import { routeOf, type RouteStep } from './explain-route';
import { flag, readFlags, UsageError } from './args';

export interface ExplainResult {
  /** E.164. */
  number: string;
  /** As written in the plan. */
  written: string;
  name: string;
  calendar: string | null;
  timezone: string;
  /** The instant explained, local ISO with offset. */
  at: string;
  open: boolean;
  /** One line: `closed: holiday "Noël"`. */
  reason: string;
  /** Which rule decided, as data (null without a calendar). */
  rule: Reason | null;
  next_change: string | null;
  announcement?: string;
  route: RouteStep[];
}

export interface WeekResult {
  number: string;
  written: string;
  name: string;
  calendar: string | null;
  timezone: string;
  week_of: string;
  days: WeekDay[];
}

/** The plan's number for what the user typed: E.164, national, or as written in the plan. */
export function findNumber(plan: Plan, raw: string): PublicNumber | undefined {
  const direct = plan.numbers[raw];
  if (direct) return direct;
  const e164 = normaliseNumber(raw, plan.country);
  if (e164 && plan.numbers[e164]) return plan.numbers[e164];
  const compact = (s: string): string => s.replace(/[\s.\-()/]/g, '');
  return Object.values(plan.numbers).find((n) => compact(n.written) === compact(raw));
}

/** The zone a number's hours are read in: its calendar's, else the plan's. */
export function zoneOfNumber(plan: Plan, number: PublicNumber): string {
  return (number.calendar !== undefined ? plan.calendars[number.calendar]?.timezone : undefined) ?? plan.timezone;
}

/** `--at`: an ISO date-time; without an offset it is local time in `zone`. Throws on nonsense. */
export function parseInstant(text: string, zone: string): number {
  const dt = DateTime.fromISO(text.trim().replace(' ', 'T'), { zone });
  if (!dt.isValid) throw new Error(`--at "${text}": expected an ISO date-time such as 2026-12-25T10:00 (${dt.invalidExplanation ?? dt.invalidReason})`);
  return dt.toMillis();
}

export function explainAt(plan: Plan, number: PublicNumber, atMs: number): ExplainResult {
  const timezone = zoneOfNumber(plan, number);
  const at = DateTime.fromMillis(atMs, { zone: timezone }).toISO({ suppressMilliseconds: true }) ?? '';
  const base = { number: number.e164, written: number.written, name: number.name, timezone, at };
  const calendar = number.calendar !== undefined ? plan.calendars[number.calendar] : undefined;
  if (!calendar) {
    // The flow treats a number without a calendar as always open; say so.
    return { ...base, calendar: null, open: true, reason: 'open: no calendar (always open)', rule: null, next_change: null, route: routeOf(plan, number, { open: true }) };
  }
  const e = evaluate(calendar, atMs);
  return {
    ...base,
    calendar: calendar.name,
    open: e.open,
    reason: e.text,
    rule: e.reason,
    next_change: e.nextChange,
    ...(e.announcement !== undefined ? { announcement: e.announcement } : {}),
    route: routeOf(plan, number, e),
  };
}

/** The week (Monday to Sunday) containing `date`. */
export function explainWeek(plan: Plan, number: PublicNumber, date: string): WeekResult {
  const monday = mondayOf(date);
  const timezone = zoneOfNumber(plan, number);
  const calendar = number.calendar !== undefined ? plan.calendars[number.calendar] : undefined;
  const days = calendar
    ? weekTable(calendar, monday)
    : weekTable({ name: '(none)', timezone, exceptions: [], weekly: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: 0, end: 1440 }]])) }, monday).map(
        (d) => ({ ...d, text: 'no calendar: always open' }),
      );
  return { number: number.e164, written: number.written, name: number.name, calendar: calendar?.name ?? null, timezone, week_of: monday, days };
}

export function formatExplain(r: ExplainResult): string {
  const next = r.next_change === null ? 'never (no change within 400 days)' : `${r.open ? 'closes' : 'opens'} ${r.next_change}`;
  return [
    `${r.written} — ${r.name}`,
    `at ${r.at} (${r.timezone}${r.calendar ? `, calendar ${r.calendar}` : ''})`,
    r.reason,
    `next change: ${next}`,
    'route:',
    ...formatRoute(r.route, '  '),
  ].join('\n');
}

function formatRoute(steps: RouteStep[], indent: string): string[] {
  const lines: string[] = [];
  steps.forEach((s, i) => {
    lines.push(`${indent}${i + 1}. ${s.text}`);
    for (const [key, sub] of Object.entries(s.options ?? {})) {
      lines.push(`${indent}   key ${key}:`);
      lines.push(...formatRoute(sub, `${indent}     `));
    }
  });
  return lines;
}

export function formatWeek(w: WeekResult): string {
  return [`${w.written} — ${w.name}`, `week of ${w.week_of} (${w.timezone}${w.calendar ? `, calendar ${w.calendar}` : ''})`, formatWeekTable(w.days)].join('\n');
}

// ── command line ─────────────────────────────────────────────────────────────

export interface ExplainArgs {
  plan: string;
  number: string;
  at?: string;
  week?: string;
  json: boolean;
  sounds?: string;
}

const USAGE = 'usage: accueil explain <plan> --number N [--at ISO-DATE-TIME | --week DATE] [--json] [--sounds DIR]';

export function parseArgs(argv: string[]): ExplainArgs | string {
  let flags;
  try {
    flags = readFlags(argv, { values: ['number', 'at', 'week', 'sounds'], booleans: ['json', 'help'] });
  } catch (err) {
    if (err instanceof UsageError) return `${err.message}\n${USAGE}`;
    throw err;
  }
  if (flags.booleans.has('help')) return USAGE;
  const { positional } = flags;
  const number = flag(flags, 'number');
  const at = flag(flags, 'at');
  const week = flag(flags, 'week');
  const sounds = flag(flags, 'sounds');
  if (positional.length !== 1) return `expected one plan (file or folder)\n${USAGE}`;
  if (number === undefined) return `missing --number\n${USAGE}`;
  if (at !== undefined && week !== undefined) return `--at and --week: expected one of them\n${USAGE}`;
  const args: ExplainArgs = { plan: positional[0]!, number, json: flags.booleans.has('json') };
  if (at !== undefined) args.at = at;
  if (week !== undefined) args.week = week;
  if (sounds !== undefined) args.sounds = sounds;
  return args;
}

/** What the command needs from the outside world, injectable for tests. */
export interface ExplainDeps {
  loadPlan: (path: string, opts: { soundsDir: string }) => Promise<{ ok: true; plan: Plan } | { ok: false; errors: PlanError[] }>;
  now: () => number;
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function runExplain(argv: string[], deps: ExplainDeps): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    (args === USAGE ? deps.out : deps.err)(args + '\n');
    return args === USAGE ? 0 : 2;
  }
  const loaded = await deps.loadPlan(args.plan, { soundsDir: args.sounds ?? deps.env.ACCUEIL_SOUNDS ?? 'sounds' });
  if (!loaded.ok) {
    deps.err(loaded.errors.map(formatError).join('\n') + '\n');
    return 1;
  }
  const plan = loaded.plan;
  const number = findNumber(plan, args.number);
  if (!number) {
    const known = Object.values(plan.numbers).map((n) => `${n.written} (${n.name})`);
    deps.err(`explain: number "${args.number}" is not in the plan; expected one of: ${known.join(', ') || 'none'}\n`);
    return 2;
  }
  try {
    if (args.week !== undefined) {
      const date = DateTime.fromISO(args.week);
      if (!date.isValid) throw new Error(`--week "${args.week}": expected a date such as 2026-12-21`);
      const w = explainWeek(plan, number, date.toISODate()!);
      deps.out((args.json ? JSON.stringify(w, null, 2) : formatWeek(w)) + '\n');
      return 0;
    }
    const atMs = args.at !== undefined ? parseInstant(args.at, zoneOfNumber(plan, number)) : deps.now();
    const r = explainAt(plan, number, atMs);
    deps.out((args.json ? JSON.stringify(r, null, 2) : formatExplain(r)) + '\n');
    return 0;
  } catch (e) {
    deps.err(`explain: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

export default async function explain(argv: string[]): Promise<number> {
  return runExplain(argv, {
    loadPlan,
    now: () => Date.now(),
    env: process.env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}

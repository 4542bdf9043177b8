// `accueil simulate <plan> --number N --at ISO [--answer L@12s | --no-answer | --busy L,…] …`
// A call's journey through the plan with simulated time, printed step by step. The
// interpreter and the simulated executor are src/flow (pure); this file only reads the
// plan and the sounds' durations from disk and prints.

import { closeSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import { openState } from '../calendar';
import type { IsOpen } from '../flow/interpreter';
import { formatJourney, journeyJson, NOMINAL_PLAYBACK_MS, simulateCall, type Scenario } from '../simulator/simulator';
import { parseDuration } from '../plan/durations';
import { formatError } from '../plan/errors';
import { loadPlan } from '../plan/load';
import { normaliseNumber } from '../plan/numbers';
import type { Plan } from '../plan/types';
import { readFlags } from './args';

export const USAGE = [
  'usage: accueil simulate <plan> --number N --at ISO-DATE-TIME [options]',
  '  --answer LINE@12s[,LINE@3s]   LINE answers 12 s after it starts ringing (each attempt); repeatable',
  '  --no-answer                   no line answers (the default)',
  '  --busy LINE[@20s][,LINE]      these lines are on another call (all along, or until 20 s): callers wait',
  '  --refuse LINE[,LINE]          these lines answer 486 when presented (someone rejects the call)',
  '  --unavailable LINE[,LINE]     these lines are not registered',
  '  --hangup-at 20s               the caller hangs up 20 s after arriving',
  '  --digits 2@3s[,11@9s]         the caller presses 2 at 3 s (several keys: 0.3 s apart)',
  '  --talk 30s                    conversation length once bridged (default 30s)',
  '  --message 10s                 voicemail message length (default 10s)',
  '  --caller 0612345678           the caller\'s number (default 0612345678)',
  '  --sounds DIR                  sounds folder (default $ACCUEIL_SOUNDS, else ./sounds)',
  '  --json                        the journey as JSON steps {t, action|event, …}',
].join('\n');

export interface SimulateArgs {
  plan: string;
  number: string;
  at: string;
  caller: string;
  sounds?: string;
  json: boolean;
  scenario: Scenario;
}

const VALUE_FLAGS = ['number', 'at', 'answer', 'busy', 'refuse', 'unavailable', 'hangup-at', 'digits', 'talk', 'message', 'caller', 'sounds'];
const BOOLEAN_FLAGS = ['no-answer', 'json'];
/** Flags that may be given several times (values add up). */
const LIST_FLAGS = ['answer', 'busy', 'refuse', 'unavailable', 'digits'];

function duration(flag: string, text: string): number {
  const d = parseDuration(text);
  if (!d.ok) throw new Error(`--${flag}: ${d.why}`);
  return d.ms;
}

/** `name@12s` → [name, 12000]. */
function at(flag: string, item: string): [string, number] {
  const i = item.lastIndexOf('@');
  if (i <= 0) throw new Error(`--${flag}: expected NAME@DURATION such as secretariat@12s, found "${item}"`);
  return [item.slice(0, i), duration(flag, item.slice(i + 1))];
}

/** Parses the command line; throws an Error whose message is for the user. */
export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const { positional, values, booleans } = readFlags(argv, { values: VALUE_FLAGS, booleans: BOOLEAN_FLAGS, lists: LIST_FLAGS });
  if (positional.length !== 1) throw new Error(positional.length === 0 ? 'the plan (file or folder) is missing' : `one plan expected, found ${positional.join(' ')}`);
  const one = (name: string): string | undefined => values.get(name)?.[0];
  const number = one('number');
  const when = one('at');
  if (number === undefined) throw new Error('--number is required');
  if (when === undefined) throw new Error('--at is required');
  if (booleans.has('no-answer') && values.has('answer')) throw new Error('--answer and --no-answer: expected one of them');

  const scenario: Scenario = {};
  const answers = values.get('answer');
  if (answers) scenario.answer = Object.fromEntries(answers.map((a) => at('answer', a)));
  const busy = values.get('busy');
  if (busy) {
    const all = busy.filter((b) => !b.includes('@'));
    const until = busy.filter((b) => b.includes('@')).map((b) => at('busy', b));
    if (all.length) scenario.busy = all;
    if (until.length) scenario.busyUntil = Object.fromEntries(until);
  }
  if (values.has('refuse')) scenario.refuse = values.get('refuse');
  if (values.has('unavailable')) scenario.unavailable = values.get('unavailable');
  const hangup = one('hangup-at');
  if (hangup !== undefined) scenario.hangupAt = duration('hangup-at', hangup);
  const talk = one('talk');
  if (talk !== undefined) scenario.talkMs = duration('talk', talk);
  const message = one('message');
  if (message !== undefined) scenario.messageMs = duration('message', message);
  const digits = values.get('digits');
  if (digits) {
    scenario.digits = digits.flatMap((d) => {
      const [keys, t] = at('digits', d);
      if (!/^[0-9*#]+$/.test(keys)) throw new Error(`--digits: keys are 0-9, * and #, found "${keys}"`);
      return [...keys].map((digit, k) => ({ digit, at: t + k * 300 }));
    });
  }
  const args: SimulateArgs = { plan: positional[0] as string, number, at: when, caller: one('caller') ?? '0612345678', json: booleans.has('json'), scenario };
  const sounds = one('sounds');
  if (sounds !== undefined) args.sounds = sounds;
  return args;
}

/** Lines named on the command line must exist: a typo would silently mean "no answer". */
export function checkLines(plan: Plan, scenario: Scenario): void {
  const named = [
    ...Object.keys(scenario.answer ?? {}),
    ...(scenario.busy ?? []),
    ...Object.keys(scenario.busyUntil ?? {}),
    ...(scenario.refuse ?? []),
    ...(scenario.unavailable ?? []),
  ];
  const unknown = named.filter((l) => !plan.lines[l]);
  if (unknown.length) throw new Error(`unknown line(s) ${unknown.join(', ')}; the plan has ${Object.keys(plan.lines).join(', ')}`);
}

/** `--at`: ISO date-time; without an offset it is wall-clock time in the plan's zone. */
export function parseAt(text: string, zone: string): number {
  const dt = DateTime.fromISO(text.trim().replace(' ', 'T'), { zone });
  if (!dt.isValid) throw new Error(`--at "${text}": expected an ISO date-time such as 2026-12-24T10:00`);
  return dt.toMillis();
}

export function isOpenFor(plan: Plan): IsOpen {
  return (name, atMs) => {
    const cal = plan.calendars[name];
    return cal ? openState(cal, atMs) : { open: true, reason: `open: calendar ${name} is not in the plan` };
  };
}

/**
 * Duration of a WAV file from its header (fmt byte rate, data size), or undefined.
 * Only the first 4 KB are read: enough for the header chunks of any prompt.
 */
export function wavDurationMs(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return undefined;
    let byteRate = 0;
    for (let off = 12; off + 8 <= n; ) {
      const id = buf.toString('ascii', off, off + 4);
      const size = buf.readUInt32LE(off + 4);
      if (id === 'fmt ' && off + 16 <= n) byteRate = buf.readUInt32LE(off + 16);
      if (id === 'data') return byteRate > 0 ? Math.round((size / byteRate) * 1000) : undefined;
      off += 8 + size + (size % 2);
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The plan's own sounds last what their WAV says; Asterisk prompts and other formats a nominal 3 s. */
export function playbackDurations(soundsDir: string): (media: string) => number {
  const cache = new Map<string, number>();
  return (media) => {
    const cached = cache.get(media);
    if (cached !== undefined) return cached;
    const own = media.startsWith('accueil/') ? wavDurationMs(path.join(soundsDir, `${media.slice('accueil/'.length)}.wav`)) : undefined;
    const ms = own ?? NOMINAL_PLAYBACK_MS;
    cache.set(media, ms);
    return ms;
  };
}

export default async function simulate(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(argv);
  } catch (err) {
    process.stderr.write(`accueil simulate: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const soundsDir = args.sounds ?? process.env.ACCUEIL_SOUNDS ?? 'sounds';
  const loaded = await loadPlan(args.plan, { soundsDir });
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(formatError(e) + '\n');
    return 1;
  }
  const plan = loaded.plan;
  let atMs: number;
  try {
    checkLines(plan, args.scenario);
    atMs = parseAt(args.at, plan.timezone);
  } catch (err) {
    process.stderr.write(`accueil simulate: ${(err as Error).message}\n`);
    return 2;
  }
  const scenario: Scenario = { ...args.scenario, playbackMs: playbackDurations(soundsDir) };
  const ctx = { callId: 'simulated', plan, called: args.number, caller: args.caller, arrivedAt: atMs };
  const result = simulateCall(ctx, isOpenFor(plan), scenario);

  if (args.json) {
    process.stdout.write(JSON.stringify(journeyJson(result.steps), null, 2) + '\n');
    return 0;
  }
  const key = normaliseNumber(args.number, plan.country);
  const num = key ? plan.numbers[key] : undefined;
  const when = DateTime.fromMillis(atMs, { zone: plan.timezone }).toISO({ suppressMilliseconds: true });
  process.stdout.write(
    [
      `Call to ${num ? `${num.written} (${num.name})` : `${args.number} (not in the plan)`} from ${args.caller} at ${when}, plan ${plan.version.slice(0, 12)}`,
      ...formatJourney(result.steps),
    ].join('\n') + '\n',
  );
  return 0;
}

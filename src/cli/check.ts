// `accueil check <file|dir> [--sounds DIR]`: validate a plan. Exit 0 with a one-line
// summary on stdout, or exit 1 with one `FILE:LINE:COL: message` line per error on stderr.

import { formatError, loadPlan, type Plan } from '../plan';
import { readFlags, soundsDir, UsageError } from './args';
import { Speaker, speechDir } from '../announce';

const USAGE = 'usage: accueil check <file|dir> [--sounds DIR]   (sounds default: $ACCUEIL_SOUNDS, else ./sounds)';

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summary(target: string, plan: Plan): string {
  const parts = [
    ...(plan.practices ? [`${count(plan.practices.length, 'practice')} (${plan.practices.join(', ')})`] : []),
    count(Object.keys(plan.numbers).length, 'number'),
    count(Object.keys(plan.lines).length, 'line'),
    count(Object.keys(plan.groups).length, 'group'),
    count(Object.keys(plan.calendars).length, 'calendar'),
    count(Object.keys(plan.menus).length, 'menu'),
    count(Object.keys(plan.voicemail).length, 'voicemail box', 'voicemail boxes'),
    count(Object.keys(plan.announcements).length, 'announcement'),
  ];
  return `${target}: ok — ${parts.join(', ')} (version ${plan.version})`;
}

export default async function check(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let flags;
  try {
    flags = readFlags(argv, { values: ['sounds'] });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`accueil check: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const [target, extra] = flags.positional;
  if (extra !== undefined || target?.startsWith('-')) {
    process.stderr.write(`accueil check: unexpected argument "${extra ?? target}"\n${USAGE}\n`);
    return 2;
  }
  if (target === undefined) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const sounds = soundsDir(flags);
  const loaded = await loadPlan(target, { soundsDir: sounds });
  // The `say:` texts are rendered as the daemon would: one the voice cannot say is an error here too.
  const r = loaded.ok ? await new Speaker(speechDir(process.env, true)).renderPlan(loaded.plan) : loaded;
  if (!r.ok) {
    process.stderr.write(r.errors.map(formatError).join('\n') + '\n');
    return 1;
  }
  process.stdout.write(summary(target, r.plan) + '\n');
  return 0;
}

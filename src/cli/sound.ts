// `accueil sound import FILE --name NAME [--replace] [--plan P] [--sounds DIR]`: a recording
// into the sounds folder, converted and normalised; `accueil sound list [--plan P] [--sounds DIR]
// [--json]`: every sound the plan uses, its source, its duration, and the unused files.

import { formatError, loadPlan, type Plan } from '../plan';
import { importSound, listSounds, RecordedAnnouncements, Speaker, speechDir } from '../announce';
import { dataDir } from '../history';
import { flag, readFlags, soundsDir, UsageError } from './args';

const USAGE = [
  'usage: accueil sound import FILE --name NAME [--replace] [--plan <file|dir>] [--sounds DIR]',
  '       accueil sound list [--plan <file|dir>] [--sounds DIR] [--json]',
  '  (plan default: $ACCUEIL_PLAN, else ./config; sounds: --sounds, else $ACCUEIL_SOUNDS, else ./sounds)',
].join('\n');

async function planOf(planPath: string, sounds: string, render: boolean): Promise<Plan | string> {
  const r = await loadPlan(planPath, { soundsDir: sounds });
  if (!r.ok) return r.errors.map(formatError).join('\n');
  if (!render) return r.plan;
  const rendered = await new Speaker(speechDir(process.env, true)).renderPlan(r.plan);
  return rendered.ok ? rendered.plan : rendered.errors.map(formatError).join('\n');
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);

export default async function sound(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  let flags;
  try {
    flags = readFlags(rest, { values: ['name', 'plan', 'sounds'], booleans: ['replace', 'json'] });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`accueil sound: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const sounds = soundsDir(flags);
  const planPath = flag(flags, 'plan') ?? process.env.ACCUEIL_PLAN ?? 'config';
  if (sub === 'import') {
    const [file, extra] = flags.positional;
    const name = flag(flags, 'name');
    if (!file || extra !== undefined || !name) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    // The plan, when it loads, says which names are in use (for the refusal's message).
    const plan = await planOf(planPath, sounds, false);
    const inUse = new Set(typeof plan === 'string' ? [] : Object.values(plan.announcements).flatMap((a) => a.sounds.filter((s) => s.media.startsWith('accueil/')).map((s) => s.name)));
    const r = await importSound(file, name, { soundsDir: sounds, replace: flags.booleans.has('replace'), inUse });
    if (!r.ok) {
      process.stderr.write(`accueil sound import: ${r.why}\n`);
      return 1;
    }
    process.stdout.write(`${r.file}: ${r.replaced ? 'replaced' : 'imported'} (${seconds(r.durationMs)}, 8 kHz mono, loudness-normalised)${inUse.has(name) ? '; the plan plays it from the next call' : ''}\n`);
    return 0;
  }
  if (sub === 'list') {
    if (flags.positional.length > 0) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const plan = await planOf(planPath, sounds, true);
    if (typeof plan === 'string') {
      process.stderr.write(`${plan}\n`);
      return 1;
    }
    // The takes recorded by phone, as the daemon keeps them (ACCUEIL_DATA_DIR/recorded.json).
    let recorded = {};
    try {
      recorded = RecordedAnnouncements.inDataDir(dataDir()).load().all();
    } catch (err) {
      process.stderr.write(`accueil sound list: the recordings made by phone cannot be read: ${(err as Error).message}\n`);
    }
    const list = await listSounds(plan, sounds, speechDir(process.env, true), recorded);
    if (flags.booleans.has('json')) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    for (const e of list.used) {
      const what =
        e.source === 'file' ? `file ${e.detail}${e.missing ? ' (MISSING)' : ''}` : e.source === 'text' ? `text "${e.detail}"` : e.source === 'recorded' ? `recorded by phone (${e.detail})` : `asterisk ${e.detail}`;
      const dur = e.durationMs !== undefined ? seconds(e.durationMs) : e.source === 'text' ? 'varies with the calendar' : '';
      process.stdout.write(`${e.name}\t${what}\t${dur}\tplayed by ${e.announcements.join(', ')}\n`);
    }
    process.stdout.write(list.unused.length ? `unused files: ${list.unused.join(', ')}\n` : 'unused files: none\n');
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return sub === '--help' || sub === '-h' ? 0 : 2;
}

// `accueil kamailio-dispatch <plan> --node NAME=ADDRESS … [--pin PRACTICE=NODE …] --out DIR`:
// writes the entry point's tables from the plan folder (docs/scale.md): DIR/dispatcher.list
// (a dispatcher set per practice, its own node first) and DIR/accueil_numbers (db_text,
// loaded by htable: each dialled form of each number → its practice's set). Kamailio
// picks them up with `kamcmd dispatcher.reload` and `kamcmd htable.reload accueil_numbers`.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatError, loadPlan } from '../plan';
import { dispatchTables, type Node } from '../scale/dispatch';
import { flag, readFlags, soundsDir, UsageError } from './args';

const USAGE =
  'usage: accueil kamailio-dispatch <plan> --node NAME=HOST[:PORT] [--node …] [--pin PRACTICE=NODE …] --out DIR [--sounds DIR]';

function pairs(items: string[], what: string): [string, string][] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new UsageError(`--${what} "${item}": expected ${what === 'node' ? 'NAME=HOST[:PORT]' : 'PRACTICE=NODE'}`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

/** Written beside, then renamed: Kamailio reloading meanwhile reads the old table or the new one. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

export default async function kamailioDispatch(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let plan: string | undefined;
  let out: string | undefined;
  let nodes: Node[];
  let pins: Record<string, string>;
  let flags;
  try {
    flags = readFlags(argv, { values: ['out', 'sounds'], lists: ['node', 'pin'] });
    if (flags.positional.length !== 1) throw new UsageError(flags.positional.length === 0 ? 'which plan? expected the plan folder' : `unexpected argument "${flags.positional[1]}"`);
    plan = flags.positional[0];
    out = flag(flags, 'out');
    if (!out) throw new UsageError('--out DIR is needed: the folder Kamailio reads the tables from');
    nodes = pairs(flags.values.get('node') ?? [], 'node').map(([name, address]) => ({ name, address }));
    pins = Object.fromEntries(pairs(flags.values.get('pin') ?? [], 'pin'));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`accueil kamailio-dispatch: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const loaded = await loadPlan(plan!, { soundsDir: soundsDir(flags) });
  if (!loaded.ok) {
    process.stderr.write(loaded.errors.map(formatError).join('\n') + '\n');
    return 1;
  }
  const single = path.basename(plan!).replace(/\.ya?ml$/i, '').toLowerCase().replace(/[^a-z0-9_-]/g, '-') || 'plan';
  const r = dispatchTables(loaded.plan, nodes, pins, single);
  if (!r.ok) {
    process.stderr.write(`accueil kamailio-dispatch: ${r.error}\n`);
    return 2;
  }
  await fs.mkdir(out!, { recursive: true });
  await writeAtomically(path.join(out!, 'dispatcher.list'), r.tables.dispatcherList);
  await writeAtomically(path.join(out!, 'accueil_numbers'), r.tables.numbersTable);
  for (const route of r.tables.routes) {
    process.stdout.write(`${route.practice}: set ${route.set}, nodes ${route.nodes.join(' → ')}, ${route.numbers.length} number${route.numbers.length === 1 ? '' : 's'} (${route.numbers.join(', ')})\n`);
  }
  process.stdout.write(`wrote ${path.join(out!, 'dispatcher.list')} and ${path.join(out!, 'accueil_numbers')}\n`);
  return 0;
}

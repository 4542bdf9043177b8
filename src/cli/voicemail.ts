// `accueil voicemail list|heard|delete`: the operator's view of the message store.
// Works on the folder directly (no daemon needed): --dir, else ACCUEIL_VOICEMAIL_DIR,
// else /var/lib/accueil/voicemail.

import { DateTime } from 'luxon';
import { formatCaller } from '../flow/numbers';
import { formatLength } from '../voicemail/mail';
import { voicemailDir } from '../voicemail/paths';
import { VoicemailStore, type StoredMessage } from '../voicemail/store';
import { flag, readFlags, UsageError } from './args';

const USAGE = [
  'usage: accueil voicemail list [--box B] [--json] [--dir D]',
  '       accueil voicemail heard <id> [--dir D]',
  '       accueil voicemail delete <id> [--dir D]',
  '  (folder default: $ACCUEIL_VOICEMAIL_DIR, else /var/lib/accueil/voicemail)',
].join('\n');

const KNOWN: Record<string, string[]> = { list: ['box', 'json', 'dir'], heard: ['dir'], delete: ['dir'] };

function usageError(message: string): number {
  process.stderr.write(`accueil voicemail: ${message}\n${USAGE}\n`);
  return 2;
}

function notified(m: StoredMessage): string {
  return Object.entries(m.notified).map(([channel, state]) => `${channel} ${state}`).join(', ');
}

/** One line per message, in columns; the local time of the machine (TZ) for the date. */
export function formatTable(messages: StoredMessage[]): string {
  if (messages.length === 0) return 'no messages\n';
  const rows = messages.map((m) => [
    m.id,
    m.box,
    DateTime.fromISO(m.start).toFormat('yyyy-LL-dd HH:mm'),
    formatLength(m.durationMs),
    formatCaller(m.caller, 'FR'),
    m.calledName ?? m.called,
    m.heard ? 'heard' : 'new',
    notified(m),
  ]);
  const header = ['ID', 'BOX', 'START', 'LENGTH', 'FROM', 'FOR', 'STATE', 'NOTIFIED'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export default async function voicemail(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!sub || !(sub in KNOWN)) return usageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed');
  const known = KNOWN[sub] ?? [];
  let args;
  try {
    args = readFlags(rest, { values: known.filter((n) => n !== 'json'), booleans: known.filter((n) => n === 'json') });
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    throw err;
  }
  const store = new VoicemailStore({ dir: flag(args, 'dir') ?? voicemailDir() });

  if (sub === 'list') {
    if (args.positional.length > 0) return usageError(`unexpected argument "${args.positional[0]}"`);
    const box = flag(args, 'box');
    const messages = await store.listMessages(box !== undefined ? { box } : {});
    process.stdout.write(args.booleans.has('json') ? JSON.stringify(messages, null, 2) + '\n' : formatTable(messages));
    return 0;
  }

  const [id, extra] = args.positional;
  if (id === undefined) return usageError(`${sub} needs a message id`);
  if (extra !== undefined) return usageError(`unexpected argument "${extra}"`);
  const done = sub === 'heard' ? (await store.markHeard(id)) !== undefined : await store.deleteMessage(id);
  if (!done) {
    process.stderr.write(`accueil voicemail: no message ${id} in ${store.dir}\n`);
    return 1;
  }
  process.stdout.write(`${id}: ${sub === 'heard' ? 'marked heard' : 'deleted'}\n`);
  return 0;
}

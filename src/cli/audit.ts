// `accueil audit [--json] [--user NAME]`: the changes made from the manager's page
// (who, when, what, before → after), from ACCUEIL_AUDIT_FILE (default audit.jsonl
// beside ACCUEIL_USERS_FILE).

import { AuditJournal, auditFile, type AuditEntry } from '../web/audit';
import { usersFile } from '../web/users';
import { flag, readFlags, UsageError } from './args';

const USAGE = 'usage: accueil audit [--json] [--user NAME]   (journal: $ACCUEIL_AUDIT_FILE, else audit.jsonl beside $ACCUEIL_USERS_FILE)';

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'no changes recorded\n';
  return entries
    .map((e) => [`${e.at}  ${e.user}  ${e.action}`, ...e.changes.map((c) => `    ${c.file ? `${c.file}: ` : ''}${c.path}: ${show(c.before)} → ${show(c.after)}`)].join('\n'))
    .join('\n') + '\n';
}

export default async function audit(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let args;
  try {
    args = readFlags(argv, { values: ['user'], booleans: ['json'] });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`accueil audit: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.positional.length > 0) {
    process.stderr.write(`accueil audit: unexpected argument "${args.positional[0]}"\n${USAGE}\n`);
    return 2;
  }
  const users = usersFile();
  const file = auditFile(process.env, typeof users === 'string' ? users : undefined);
  if (!file) {
    process.stderr.write(`accueil audit: set ACCUEIL_AUDIT_FILE (or ACCUEIL_USERS_FILE, the journal lies beside it)\n`);
    return 2;
  }
  const who = flag(args, 'user');
  const entries = (await new AuditJournal(file, Date.now).entries()).filter((e) => who === undefined || e.user === who);
  process.stdout.write(args.booleans.has('json') ? JSON.stringify(entries, null, 2) + '\n' : formatAudit(entries));
  return 0;
}

// The audit journal: one JSON line per change made from the page (who, when,
// what, the value before and after), appended to ACCUEIL_AUDIT_FILE (default:
// audit.jsonl beside the users file). `accueil audit` lists it.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface AuditChange {
  file?: string;
  path: string;
  before: unknown;
  after: unknown;
}

export interface AuditEntry {
  at: string;
  user: string;
  action: string;
  changes: AuditChange[];
}

export function auditFile(env: NodeJS.ProcessEnv, usersFile: string | undefined): string | undefined {
  if (env.ACCUEIL_AUDIT_FILE) return path.resolve(env.ACCUEIL_AUDIT_FILE);
  return usersFile ? path.join(path.dirname(usersFile), 'audit.jsonl') : undefined;
}

export class AuditJournal {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string, private readonly now: () => number) {}

  record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const line = JSON.stringify({ at: new Date(this.now()).toISOString(), ...entry }) + '\n';
    this.writing = this.writing.then(() => fs.appendFile(this.file, line, { mode: 0o640 }));
    return this.writing;
  }

  async entries(): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as AuditEntry);
  }
}

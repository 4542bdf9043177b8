// The call history's database: one SQLite file in ACCUEIL_DATA_DIR, WAL (the
// daemon writes while `accueil calls` and the web page read), its schema
// brought up to date by numbered migrations recorded in `PRAGMA user_version`.
//
// better-sqlite3 (12.x), not node:sqlite: the development machines run Node 20,
// where node:sqlite does not exist; better-sqlite3 12 runs on Node 20 and 24 alike.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

export type Db = Database.Database;

export const DEFAULT_DATA_DIR = '/var/lib/accueil';
export const DB_FILE = 'history.sqlite';

/** ACCUEIL_DATA_DIR, default /var/lib/accueil. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ACCUEIL_DATA_DIR?.trim() || DEFAULT_DATA_DIR;
}

/**
 * The schema, one step per version: never edit a step once released, add one.
 * v1: the calls and their journal steps. v2: missed-call notification state,
 * and the index the per-number reading uses.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE calls (
     call_id      TEXT PRIMARY KEY,
     arrived_at   INTEGER NOT NULL,
     ended_at     INTEGER NOT NULL,
     local_day    TEXT NOT NULL,
     local_hour   INTEGER NOT NULL,
     called       TEXT NOT NULL,
     number       TEXT,
     number_name  TEXT,
     caller       TEXT NOT NULL,
     plan_version TEXT NOT NULL,
     open         INTEGER,
     route        TEXT NOT NULL,
     lines        TEXT NOT NULL,
     answered_by  TEXT,
     waited_ms    INTEGER NOT NULL,
     talked_ms    INTEGER NOT NULL,
     outcome      TEXT NOT NULL,
     overflowed   INTEGER NOT NULL,
     message      INTEGER NOT NULL,
     missed       INTEGER NOT NULL,
     resumed      INTEGER NOT NULL
   );
   CREATE INDEX calls_arrived ON calls (arrived_at);
   CREATE TABLE call_steps (
     call_id TEXT NOT NULL,
     at      INTEGER NOT NULL,
     seq     INTEGER NOT NULL,
     step    TEXT NOT NULL,
     reason  TEXT NOT NULL,
     data    TEXT NOT NULL
   );
   CREATE INDEX call_steps_call ON call_steps (call_id, at, seq);`,
  `ALTER TABLE calls ADD COLUMN missed_notice TEXT;
   CREATE INDEX calls_number ON calls (number, arrived_at);
   CREATE INDEX calls_missed_notice ON calls (missed_notice) WHERE missed_notice IS NOT NULL;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Bring the schema to `target` (default the latest), each step in its own transaction. Returns the versions applied. */
export function migrate(db: Db, target = SCHEMA_VERSION): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`the call history database is at schema version ${current}, newer than this Accueil knows (${SCHEMA_VERSION}): upgrade Accueil`);
  }
  const applied: number[] = [];
  for (let v = current + 1; v <= target; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v - 1]!);
      db.pragma(`user_version = ${v}`);
    })();
    applied.push(v);
  }
  return applied;
}

export interface OpenOptions {
  readonly?: boolean;
}

/** Open (create) the history database in `dir`, migrated to the latest schema. */
export function openHistoryDb(dir: string, options: OpenOptions = {}): Db {
  if (!options.readonly) mkdirSync(dir, { recursive: true, mode: 0o750 });
  const file = path.join(dir, DB_FILE);
  const db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  }
  db.pragma('busy_timeout = 5000');
  return db;
}

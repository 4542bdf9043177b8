// Public face of the call history (docs/history.md): the reducer, the database,
// the reading API (for the CLI, /api/calls and the web page), the statistics.
export { reduceCall, stepOf, OUTCOMES, MISSED_OUTCOMES, type CallRecord, type JournalStep, type LineRung, type Outcome } from './record';
export { openHistoryDb, migrate, dataDir, SCHEMA_VERSION, DB_FILE, type Db } from './db';
export { HistoryStore, type CallFilter, type StoredCall, type StatsRow, type NoticeState } from './store';
export { computeStats, percentile, type Figures, type Stats } from './stats';
export { HistoryRecorder } from './recorder';
export { MissedNotifier } from './missed';
export { keepCutoff, todayStart, parseSince } from './period';

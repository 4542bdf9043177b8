// The database: migrations (from empty, from v1 with rows), purge, the recorder's
// exactly-once row across two lives of the daemon.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DB_FILE, migrate, MIGRATIONS, openHistoryDb, SCHEMA_VERSION } from '../../../src/history/db';
import { HistoryRecorder } from '../../../src/history/recorder';
import { HistoryStore } from '../../../src/history/store';
import type { CallRecord } from '../../../src/history/record';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'accueil-history-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-02T09:00:00+01:00');
const silent = { error: jest.fn() };

function row(callId: string, arrivedAt: number): Omit<CallRecord, 'steps'> {
  return {
    callId, arrivedAt, endedAt: arrivedAt + 30_000, called: '+33142000001', number: '+33142000001', numberName: 'Dr Martin', caller: '0612345678',
    planVersion: 'v1', open: true, route: ['group:secretariat'], lines: [], waitedMs: 30_000, talkedMs: 0, outcome: 'abandoned-waiting',
    overflowed: false, message: false, missed: true, resumed: 0,
  };
}

describe('migrations', () => {
  test('from an empty database: every version applied, WAL on', () => {
    const db = openHistoryDb(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  test('from a version-1 database with calls: they are kept, the new column is there', () => {
    const db = new Database(path.join(dir, DB_FILE));
    migrate(db, 1);
    db.prepare(
      `INSERT INTO calls (call_id, arrived_at, ended_at, local_day, local_hour, called, caller, plan_version, route, lines, waited_ms, talked_ms, outcome, overflowed, message, missed, resumed)
       VALUES ('old', ?, ?, '2026-03-02', 9, '+33142000001', '0612345678', 'v0', '[]', '[]', 5000, 0, 'abandoned-waiting', 0, 0, 1, 0)`,
    ).run(T0, T0 + 5000);
    db.close();
    const upgraded = openHistoryDb(dir);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const store = new HistoryStore(upgraded);
    const [old] = store.calls();
    expect(old).toMatchObject({ callId: 'old', outcome: 'abandoned-waiting', missed: true });
    expect(old?.missedNotice).toBeUndefined();
    store.setNotice(['old'], 'sent');
    expect(store.calls()[0]?.missedNotice).toBe('sent');
    upgraded.close();
  });

  test('a database newer than this Accueil is refused with a clear message', () => {
    const db = new Database(path.join(dir, DB_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openHistoryDb(dir)).toThrow(/newer than this Accueil knows/);
  });
});

describe('HistoryStore', () => {
  test('a call is written once: a second row with its id changes nothing', () => {
    const store = new HistoryStore(openHistoryDb(dir));
    expect(store.addCall(row('a', T0))).toBe(true);
    expect(store.addCall({ ...row('a', T0), outcome: 'answered' })).toBe(false);
    expect(store.calls().map((c) => [c.callId, c.outcome])).toEqual([['a', 'abandoned-waiting']]);
  });

  test('purge deletes the calls (and steps) that arrived before the cutoff, nothing after', () => {
    const store = new HistoryStore(openHistoryDb(dir));
    store.addCall(row('old', T0 - 400 * 86_400_000));
    store.addCall(row('new', T0));
    store.appendSteps([
      { callId: 'old', seq: 1, step: { at: T0 - 400 * 86_400_000, step: 'number', reason: '', data: {} } },
      { callId: 'new', seq: 1, step: { at: T0, step: 'number', reason: '', data: {} } },
    ]);
    expect(store.purge(T0 - 395 * 86_400_000)).toBe(1);
    expect(store.calls().map((c) => c.callId)).toEqual(['new']);
    expect(store.stepsOf('old')).toEqual([]);
    expect(store.stepsOf('new')).toHaveLength(1);
  });

  test('filters: since, number, outcome, missed', () => {
    const store = new HistoryStore(openHistoryDb(dir));
    store.addCall(row('a', T0));
    store.addCall({ ...row('b', T0 + 60_000), outcome: 'answered', missed: false, number: '+33142000002', called: '+33142000002' });
    expect(store.calls({ outcome: 'missed' }).map((c) => c.callId)).toEqual(['a']);
    expect(store.calls({ outcome: 'answered' }).map((c) => c.callId)).toEqual(['b']);
    expect(store.calls({ number: '+33142000002' }).map((c) => c.callId)).toEqual(['b']);
    expect(store.calls({ since: T0 + 1 }).map((c) => c.callId)).toEqual(['b']);
    expect(store.calls().map((c) => c.callId)).toEqual(['b', 'a']);
  });
});

describe('HistoryRecorder', () => {
  const entry = (callId: string, step: string, data: Record<string, unknown> = {}): Record<string, unknown> => ({ callId, step, reason: step, ...data });

  test('a call whose daemon died mid-call is written once, complete, when its resumed life ends', () => {
    let now = T0;
    const first = new HistoryRecorder({ store: new HistoryStore(openHistoryDb(dir)), log: silent, now: () => now });
    first.observe(entry('k', 'number', { called: '+33142000001', caller: '0612345678', planVersion: 'v1', number: '+33142000001', name: 'Dr Martin' }));
    first.observe(entry('k', 'calendar', { open: true }));
    first.observe(entry('k', 'group', { group: 'secretariat' }));
    now += 1000;
    first.observe(entry('k', 'dial', { line: 'secretariat', group: 'secretariat' }));
    first.flush(); // what the timer does; then SIGKILL: no close()
    const written: string[] = [];
    now += 4000;
    const second = new HistoryRecorder({ store: new HistoryStore(openHistoryDb(dir)), log: silent, now: () => now, onCall: (r) => written.push(r.callId) });
    second.observe(entry('k', 'resumed', { called: '+33142000001', caller: '0612345678', planVersion: 'v1' }));
    now += 3000;
    second.observe(entry('k', 'answered', { line: 'secretariat', group: 'secretariat' }));
    now += 10_000;
    second.observe(entry('k', 'outcome', { result: 'answered', by: 'secretariat', overflowedTo: [], durations: { totalMs: 18_000, waitedMs: 8000 } }));
    second.close();
    const again = new HistoryRecorder({ store: new HistoryStore(openHistoryDb(dir)), log: silent, now: () => now, onCall: (r) => written.push(r.callId) });
    expect(again.recover()).toBe(0);
    const [call] = new HistoryStore(openHistoryDb(dir)).calls();
    expect(written).toEqual(['k']);
    expect(call).toMatchObject({ callId: 'k', outcome: 'answered', answeredBy: 'secretariat', numberName: 'Dr Martin', waitedMs: 8000, talkedMs: 10_000, arrivedAt: T0, resumed: 1 });
    expect(call?.lines).toEqual([{ line: 'secretariat', group: 'secretariat', at: T0 + 1000, result: 'answered' }]);
  });

  test('an outcome whose row was not yet written when the daemon stopped is written at the next start', () => {
    const now = T0;
    const first = new HistoryRecorder({ store: new HistoryStore(openHistoryDb(dir)), log: silent, now: () => now });
    first.observe(entry('z', 'number', { called: '+33142000001', caller: '', planVersion: 'v1' }));
    first.observe(entry('z', 'outcome', { result: 'callerHangup', overflowedTo: [], durations: { totalMs: 2000, waitedMs: 2000 } }));
    first.flush(); // the row is due 2 s later: killed before
    const store = new HistoryStore(openHistoryDb(dir));
    expect(store.calls()).toEqual([]);
    const second = new HistoryRecorder({ store, log: silent, now: () => now });
    expect(second.recover()).toBe(1);
    expect(store.calls().map((c) => c.outcome)).toEqual(['abandoned']);
  });
});

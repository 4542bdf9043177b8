// Reading and writing the call history. The small query API the CLI, /api/calls
// and the web page use: `calls(filter)`, `stepsOf(id)`, `waitsForStats(since)`.

import { DateTime } from 'luxon';
import type { Db } from './db';
import type { CallRecord, JournalStep, LineRung, Outcome } from './record';

export interface CallFilter {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** The plan's key of the number (E.164) or the number as called. */
  number?: string;
  /** An outcome, or "missed" (every missed call, whatever its outcome). */
  outcome?: Outcome | 'missed';
  /** Newest first, at most this many (default 1000). */
  limit?: number;
}

/** A call as read back (without its steps; `stepsOf` gives them). */
export type StoredCall = Omit<CallRecord, 'steps'> & { missedNotice?: NoticeState };

export type NoticeState = 'pending' | 'sent' | 'failed';

interface Row {
  call_id: string;
  arrived_at: number;
  ended_at: number;
  called: string;
  number: string | null;
  number_name: string | null;
  caller: string;
  plan_version: string;
  open: number | null;
  route: string;
  lines: string;
  answered_by: string | null;
  waited_ms: number;
  talked_ms: number;
  outcome: string;
  overflowed: number;
  message: number;
  missed: number;
  resumed: number;
  missed_notice: string | null;
}

function fromRow(r: Row): StoredCall {
  return {
    callId: r.call_id,
    arrivedAt: r.arrived_at,
    endedAt: r.ended_at,
    called: r.called,
    ...(r.number !== null ? { number: r.number } : {}),
    ...(r.number_name !== null ? { numberName: r.number_name } : {}),
    caller: r.caller,
    planVersion: r.plan_version,
    ...(r.open !== null ? { open: r.open === 1 } : {}),
    route: JSON.parse(r.route) as string[],
    lines: JSON.parse(r.lines) as LineRung[],
    ...(r.answered_by !== null ? { answeredBy: r.answered_by } : {}),
    waitedMs: r.waited_ms,
    talkedMs: r.talked_ms,
    outcome: r.outcome as Outcome,
    overflowed: r.overflowed === 1,
    message: r.message === 1,
    missed: r.missed === 1,
    resumed: r.resumed,
    ...(r.missed_notice !== null ? { missedNotice: r.missed_notice as NoticeState } : {}),
  };
}

/** One row of the statistics' input: the columns they need, nothing else. */
export interface StatsRow {
  number: string;
  hour: number;
  outcome: Outcome;
  overflowed: boolean;
  waitedMs: number;
}

export class HistoryStore {
  private readonly insertCall;
  private readonly insertStep;
  private readonly selectSteps;

  constructor(readonly db: Db, private readonly timeZone = 'Europe/Paris') {
    this.insertCall = db.prepare(
      `INSERT INTO calls (call_id, arrived_at, ended_at, local_day, local_hour, called, number, number_name, caller, plan_version, open,
         route, lines, answered_by, waited_ms, talked_ms, outcome, overflowed, message, missed, resumed, missed_notice)
       VALUES (@callId, @arrivedAt, @endedAt, @day, @hour, @called, @number, @numberName, @caller, @planVersion, @open,
         @route, @lines, @answeredBy, @waitedMs, @talkedMs, @outcome, @overflowed, @message, @missed, @resumed, @notice)
       ON CONFLICT (call_id) DO NOTHING`,
    );
    this.insertStep = db.prepare('INSERT INTO call_steps (call_id, at, seq, step, reason, data) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectSteps = db.prepare('SELECT at, step, reason, data FROM call_steps WHERE call_id = ? ORDER BY at, seq');
  }

  /** Journal steps of calls in progress (or ended), appended in one transaction. */
  appendSteps(batch: ReadonlyArray<{ callId: string; seq: number; step: JournalStep }>): void {
    this.db.transaction(() => {
      for (const { callId, seq, step } of batch) this.insertStep.run(callId, step.at, seq, step.step, step.reason, JSON.stringify(step.data));
    })();
  }

  stepsOf(callId: string): JournalStep[] {
    return (this.selectSteps.all(callId) as Array<{ at: number; step: string; reason: string; data: string }>).map((r) => ({
      at: r.at,
      step: r.step,
      reason: r.reason,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }

  /**
   * Write a call's row; false when the call already has one (a call is written
   * once: a resumed call keeps its id). `notice`: a missed call waiting to be told.
   */
  addCall(record: Omit<CallRecord, 'steps'>, notice?: NoticeState): boolean {
    const local = DateTime.fromMillis(record.arrivedAt, { zone: this.timeZone });
    const info = this.insertCall.run({
      callId: record.callId,
      arrivedAt: record.arrivedAt,
      endedAt: record.endedAt,
      day: local.toISODate(),
      hour: local.hour,
      called: record.called,
      number: record.number ?? null,
      numberName: record.numberName ?? null,
      caller: record.caller,
      planVersion: record.planVersion,
      open: record.open === undefined ? null : record.open ? 1 : 0,
      route: JSON.stringify(record.route),
      lines: JSON.stringify(record.lines),
      answeredBy: record.answeredBy ?? null,
      waitedMs: Math.round(record.waitedMs),
      talkedMs: Math.round(record.talkedMs),
      outcome: record.outcome,
      overflowed: record.overflowed ? 1 : 0,
      message: record.message ? 1 : 0,
      missed: record.missed ? 1 : 0,
      resumed: record.resumed,
      notice: notice ?? null,
    });
    return info.changes === 1;
  }

  has(callId: string): boolean {
    return this.db.prepare('SELECT 1 FROM calls WHERE call_id = ?').get(callId) !== undefined;
  }

  /** Calls whose steps hold an outcome but that have no row (the daemon stopped between the two). */
  unfinishedWithOutcome(): string[] {
    return (
      this.db
        .prepare(`SELECT DISTINCT s.call_id AS id FROM call_steps s WHERE s.step = 'outcome' AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = s.call_id)`)
        .all() as Array<{ id: string }>
    ).map((r) => r.id);
  }

  calls(filter: CallFilter = {}): StoredCall[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.since !== undefined) (where.push('arrived_at >= @since'), (params.since = filter.since));
    if (filter.until !== undefined) (where.push('arrived_at < @until'), (params.until = filter.until));
    if (filter.number !== undefined) (where.push('(number = @number OR called = @number)'), (params.number = filter.number));
    if (filter.outcome === 'missed') where.push('missed = 1');
    else if (filter.outcome !== undefined) (where.push('outcome = @outcome'), (params.outcome = filter.outcome));
    params.limit = filter.limit ?? 1000;
    const sql = `SELECT * FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY arrived_at DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(fromRow);
  }

  /** What the statistics need of every call since `since` (epoch ms). */
  statsRows(since: number, until = Number.MAX_SAFE_INTEGER): StatsRow[] {
    const rows = this.db
      .prepare('SELECT coalesce(number, called), local_hour, outcome, overflowed, waited_ms FROM calls WHERE arrived_at >= ? AND arrived_at < ?')
      .raw()
      .all(since, until) as Array<[string, number, Outcome, number, number]>;
    return rows.map(([number, hour, outcome, overflowed, waitedMs]) => ({ number, hour, outcome, overflowed: overflowed === 1, waitedMs }));
  }

  /** Missed calls whose notice is still to be sent, oldest first. */
  pendingNotices(): StoredCall[] {
    return (this.db.prepare(`SELECT * FROM calls WHERE missed_notice = 'pending' ORDER BY arrived_at`).all() as Row[]).map(fromRow);
  }

  setNotice(callIds: readonly string[], state: NoticeState): void {
    const stmt = this.db.prepare('UPDATE calls SET missed_notice = ? WHERE call_id = ?');
    this.db.transaction(() => {
      for (const id of callIds) stmt.run(state, id);
    })();
  }

  /** Delete the calls (and their steps) that arrived before `before` (epoch ms); returns how many calls. */
  purge(before: number): number {
    return this.db.transaction(() => {
      const gone = this.db.prepare('DELETE FROM calls WHERE arrived_at < ?').run(before).changes;
      // Steps of calls that never got a row (a crash) go by their own age.
      this.db.prepare('DELETE FROM call_steps WHERE at < ?').run(before);
      return gone;
    })();
  }
}

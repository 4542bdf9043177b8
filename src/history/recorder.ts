// Writes the call history off the call path: the daemon hands over each journal
// entry (`observe`, a push into a buffer), a timer writes the buffer in one
// transaction. Steps go to the database as they come, so a daemon killed
// mid-call loses at most the last `flushMs` of them; the call's row is written
// once its outcome has come (plus `settleMs` for what Asterisk reports after a
// hang-up, such as the end of a recording), by the pure reducer over every step
// the call left, in this life and a previous one. A row is keyed by the call's
// id and written once (ON CONFLICT DO NOTHING): a resumed call keeps its id.

import { reduceCall, stepOf, type CallRecord, type JournalStep } from './record';
import type { HistoryStore, NoticeState } from './store';

export interface RecorderLogger {
  error(obj: object, msg: string): void;
}

export interface RecorderOptions {
  store: HistoryStore;
  log: RecorderLogger;
  now?: () => number;
  /** Steps are written at most this long after they were emitted (default 250 ms). */
  flushMs?: number;
  /** A call's row is written this long after its outcome (default 2 s). */
  settleMs?: number;
  /** The plan's key and name of a called number, for a call whose first steps were lost. */
  numberOf?: (called: string) => { number: string; name: string } | undefined;
  /** Whether a missed call of this record is to be notified (its number has `missed.notify`). */
  notifies?: (record: CallRecord) => boolean;
  /** After a call's row was written (once per call). */
  onCall?: (record: CallRecord) => void;
}

export class HistoryRecorder {
  private buffer: Array<{ callId: string; seq: number; step: JournalStep }> = [];
  private readonly seq = new Map<string, number>();
  /** Calls whose outcome came: when their row is due. */
  private readonly ending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: RecorderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Rows for calls a previous life saw end but did not write (killed between the two). */
  recover(): number {
    let written = 0;
    try {
      for (const callId of this.options.store.unfinishedWithOutcome()) if (this.finish(callId)) written++;
    } catch (err) {
      this.fail(err, 'recover');
    }
    return written;
  }

  /** One journal entry of the daemon (`{callId, step, reason, ...data}`): stamped now, written soon. */
  observe(entry: Record<string, unknown>): void {
    if (this.closed) return;
    const now = this.now();
    const s = stepOf(entry, now);
    if (!s) return;
    const seq = (this.seq.get(s.callId) ?? 0) + 1;
    this.seq.set(s.callId, seq);
    this.buffer.push({ callId: s.callId, seq, step: s.step });
    if (s.step.step === 'outcome') this.ending.set(s.callId, now + (this.options.settleMs ?? 2000));
    this.schedule(this.options.flushMs ?? 250);
  }

  /** Write what is buffered and the rows that are due (all of them with `all`). */
  flush(all = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    try {
      if (batch.length > 0) this.options.store.appendSteps(batch);
    } catch (err) {
      this.fail(err, 'steps');
    }
    const now = this.now();
    let next: number | undefined;
    for (const [callId, due] of this.ending) {
      if (all || due <= now) {
        this.ending.delete(callId);
        this.seq.delete(callId);
        this.finish(callId);
      } else next = Math.min(next ?? due, due);
    }
    if (next !== undefined && !this.closed) this.schedule(next - now);
  }

  /** Write everything, rows of ended calls included; later entries are ignored. */
  close(): void {
    this.flush(true);
    this.closed = true;
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, ms));
    this.timer.unref?.();
  }

  private finish(callId: string): boolean {
    try {
      const record = reduceCall(callId, this.options.store.stepsOf(callId));
      if (!record) return false;
      if (record.number === undefined && record.called) {
        const known = this.options.numberOf?.(record.called);
        if (known) Object.assign(record, { number: known.number, numberName: record.numberName ?? known.name });
      }
      const notice: NoticeState | undefined = record.missed && this.options.notifies?.(record) ? 'pending' : undefined;
      const { steps: _steps, ...row } = record;
      if (!this.options.store.addCall(row, notice)) return false;
      this.options.onCall?.(record);
      return true;
    } catch (err) {
      this.fail(err, callId);
      return false;
    }
  }

  private fail(err: unknown, what: string): void {
    this.options.log.error({ event: 'history.write_failed', what, error: err instanceof Error ? err.message : String(err) }, `call history: cannot write (${what}): ${err instanceof Error ? err.message : String(err)}`);
  }
}

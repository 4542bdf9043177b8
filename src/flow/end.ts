// Ending a call: a last sound, or everything pending cancelled and the outcome journalled.
// A leaf of the flow: the destinations' modules end calls through it.

import type { CallOutcome } from './contract';
import { formatTenths as s } from '../plan/durations';
import type { Tx } from './tx';

/** A last sound, then the interpreter hangs up. */
export function endWithSound(tx: Tx, media: string[], result: CallOutcome['result'], by: string | undefined, cause: string): void {
  tx.cancelAllAttempts();
  tx.setAudio({ kind: 'none' });
  tx.play(media, false);
  tx.s.phase = by === undefined ? { kind: 'ending', result, cause } : { kind: 'ending', result, by, cause };
}

export interface EndOptions {
  /** False when the caller is already gone: no hangup action for a dead channel. */
  hangup?: boolean;
}

/** Cancel everything pending, hang up (unless the caller did), journal the outcome. */
export function endCall(tx: Tx, result: CallOutcome['result'], by: string | undefined, cause: string, opts: EndOptions = {}): void {
  const phase = tx.s.phase;
  // A conversation through a group ends: the dispatcher starts that line's wrap-up.
  if (phase.kind === 'bridged' && tx.s.answered?.group !== undefined) tx.release(phase.line, 'ended');
  tx.cancelAllAttempts();
  tx.dequeue('ended');
  tx.cancelTimers(() => true);
  tx.s.playback = undefined;
  if (opts.hangup !== false) tx.emit({ type: 'hangup', cause });
  const start = tx.s.ctx.arrivedAt;
  const waitedUntil = tx.s.answered?.at ?? tx.s.recordingStartedAt ?? tx.now;
  const outcome: NonNullable<typeof tx.s.outcome> = { result, overflowedTo: [...tx.s.overflowedTo] };
  if (by !== undefined) outcome.by = by;
  if (tx.s.message) outcome.message = tx.s.message;
  tx.s.outcome = outcome;
  tx.s.phase = { kind: 'ended' };
  const recordingAt = tx.s.recordingStartedAt === undefined ? undefined : tx.s.recordingStartedAt - start;
  tx.journal('outcome', outcomeReason(outcome, cause, tx.now - start, waitedUntil - start, recordingAt), {
    ...outcome,
    cause,
    durations: { totalMs: tx.now - start, waitedMs: waitedUntil - start },
  });
}

function outcomeReason(o: CallOutcome, cause: string, totalMs: number, waitedMs: number, recordingAt: number | undefined): string {
  const total = `${s(totalMs)} from arrival`;
  const via = o.overflowedTo.length ? ` (overflowed to ${o.overflowedTo.join(' → ')})` : '';
  switch (o.result) {
    case 'answered':
      return `answered by ${o.by ?? '?'}${via} after a wait of ${s(waitedMs)}, call lasted ${total}`;
    case 'voicemail':
      return `voicemail ${o.by ?? '?'}${via}${recordingAt !== undefined ? `, recording began ${s(recordingAt)} after arrival` : ''}, call lasted ${total}`;
    case 'callerHangup':
      return `caller hung up ${s(totalMs)} after arrival${via}`;
    case 'announcement':
      return `announcement ${o.by ?? ''} then hang-up${via}, call lasted ${total}`;
    case 'hangup':
      return `hung up (${cause})${via}, ${s(totalMs)} after arrival`;
  }
}

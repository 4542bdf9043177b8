// Entering a destination, and ending the call. Every destination of the plan goes
// through `goto`, which is where loops are caught.

import type { CallOutcome } from './contract';
import { MAX_HOPS } from './limits';
import { enterGroup } from './group';
import { enterExternal, enterLine } from './line';
import { enterMenu } from './menu';
import { enterVoicemail } from './voicemail';
import type { Route } from './state';
import type { Tx } from './tx';

/** Short human name of a destination, for journals and `overflowedTo`. */
export function describe(route: Route): string {
  switch (route.kind) {
    case 'group':
      return `group ${route.group}`;
    case 'line':
      return `line ${route.line}`;
    case 'external':
      return `external ${route.number}`;
    case 'menu':
      return `menu ${route.menu}`;
    case 'voicemail':
      return `voicemail ${route.box}`;
    case 'announcement':
      return `announcement ${route.announcement}`;
    case 'play':
      return `${route.step} ${route.name}`;
    case 'hangup':
      return 'hangup';
  }
}

export function goto(tx: Tx, route: Route): void {
  if (route.kind !== 'play') {
    tx.s.hops += 1;
    if (tx.s.hops > MAX_HOPS) {
      // A plan may loop through menus or overflows; the loader cannot rule out every
      // cycle a caller can walk, so the interpreter bounds the walk itself.
      tx.journal('loop', `more than ${MAX_HOPS} destinations entered: the plan loops; hanging up`, { last: describe(route) });
      endCall(tx, 'hangup', undefined, 'loop');
      return;
    }
  }
  switch (route.kind) {
    case 'play':
      playThen(tx, route.step, route.name, route.media, route.then);
      return;
    case 'announcement':
      tx.journal('announcement', `play announcement ${route.announcement}, then ${describe(route.then)}`);
      playThen(tx, 'announcement', route.announcement, tx.announcementMedia(route.announcement), route.then);
      return;
    case 'group':
      enterGroup(tx, route.group);
      return;
    case 'line':
      enterLine(tx, route.line, route.timeout, route.then);
      return;
    case 'external':
      enterExternal(tx, route);
      return;
    case 'menu':
      enterMenu(tx, route.menu);
      return;
    case 'voicemail':
      enterVoicemail(tx, route.box);
      return;
    case 'hangup': {
      const heard = tx.s.lastAnnouncement;
      tx.journal('hangup', heard ? `the plan hangs up after announcement ${heard}` : 'the plan hangs up');
      endCall(tx, heard ? 'announcement' : 'hangup', heard, 'normal');
      return;
    }
  }
}

/** Play sounds (not interruptible), then go on; `step` names the sound in the journal ("greeting", "announcement"). */
export function playThen(tx: Tx, step: string, name: string, media: string[], then: Route): void {
  if (media.length === 0) {
    // Nothing to wait for: an empty announcement must not stall the call.
    goto(tx, then);
    return;
  }
  tx.setAudio({ kind: 'none' });
  tx.play(media, false);
  tx.s.phase = { kind: 'playing', name: `${step}:${name}`, then };
}

export function onPlayingFinished(tx: Tx): void {
  const phase = tx.s.phase;
  if (phase.kind !== 'playing') return;
  const [step, ...rest] = phase.name.split(':');
  // The greeting is not what a caller "got": a hang-up right after it is a plain hang-up.
  if (step !== 'greeting') tx.s.lastAnnouncement = rest.join(':');
  goto(tx, phase.then);
}

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
  const start = tx.s.ctx.now;
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
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
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

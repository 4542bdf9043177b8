// A caller in a group: waiting in the group's queue, ringing the lines the dispatcher
// (src/lines) offers.
//
// Rules (documented in docs/flow.md, "Groups" and "Waiting"):
// - Entering a group: hold music (or ringback), the max-wait timer, the hold-message
//   timer, and `enqueue`. The flow does not choose lines: the dispatcher does, across
//   every call, and offers them with an `offer` event; the flow rings them for the
//   group's ring time, cut to what is left of max wait.
// - A failed attempt hands its line back (`released`, with the cause: the dispatcher
//   pauses the line for this caller) and the caller keeps waiting.
// - Max wait, or the dispatcher's `overflow` (every line unavailable or refused, group
//   removed by a reload): every attempt is cancelled, `dequeue`, the group's overflow.
// - A group without lines overflows at once: nothing could ever free.

import type { ReleaseCause } from './contract';
import type { Group } from '../plan/types';
import { endCall } from './end';
import { rotate } from '../lines/rotate';
import { describe, type Audio, type Phase } from './state';
import { seconds, type Tx } from './tx';

type GroupPhase = Extract<Phase, { kind: 'group' }>;

export function holdAudio(g: Group): Audio {
  return g.hold.music ? { kind: 'music', musicClass: g.hold.music } : { kind: 'ringback' };
}

/** The lines in the order a strategy tries them first (rrmemory: after the last line that answered this group). */
export function lineOrder(g: Group, lastAnswered: string | undefined): string[] {
  return g.strategy === 'rrmemory' ? rotate(g.lines, lastAnswered) : [...g.lines];
}

export function enterGroup(tx: Tx, name: string): void {
  const g = tx.plan.groups[name];
  if (!g) {
    tx.journal('group', `group ${name} is not in the plan`);
    endCall(tx, 'hangup', undefined, 'planError');
    return;
  }
  const deadline = tx.now + g.maxWait;
  tx.journal(
    'group',
    `wait in group ${name} (${g.strategy}: ${g.lines.join(', ') || 'no line'}; ring ${seconds(g.ringTime)} per attempt, max wait ${seconds(g.maxWait)})`,
    { group: name, strategy: g.strategy, lines: g.lines, deadline },
  );
  tx.s.phase = { kind: 'group', group: name, enteredAt: tx.now, deadline, messagePlaying: false };
  tx.setAudio(holdAudio(g));
  tx.startTimer({ kind: 'maxWait' }, deadline);
  if (g.hold.message && g.hold.every) tx.startTimer({ kind: 'holdMessage' }, tx.now + g.hold.every);
  if (g.lines.length === 0) {
    overflow(tx, g, 'the group has no line', 'overflow');
    return;
  }
  tx.enqueue(name, deadline);
}

function current(tx: Tx): { p: GroupPhase; g: Group } | undefined {
  const p = tx.s.phase;
  if (p.kind !== 'group') return undefined;
  const g = tx.plan.groups[p.group];
  return g ? { p, g } : undefined;
}

/** The dispatcher reserved these lines for this caller. */
export function onOffer(tx: Tx, lines: readonly string[]): void {
  const cur = current(tx);
  if (!cur || tx.s.queued !== cur.p.group) {
    // Not waiting any more (the offer crossed an answer or an overflow): give them back.
    for (const line of lines) tx.release(line, 'cancelled');
    return;
  }
  const { p, g } = cur;
  const left = p.deadline - tx.now;
  for (const line of lines) {
    if (left <= 0) {
      tx.release(line, 'cancelled'); // the max-wait timer is due: no zero-length ring
      continue;
    }
    if (Object.values(tx.s.attempts).some((a) => a.line === line)) continue; // already ringing for us
    const timeout = Math.min(g.ringTime, left);
    tx.journal('dial', `ring ${line} for ${seconds(timeout)} (group ${g.name}, ${g.strategy})`, { line, group: g.name, timeout });
    tx.dial(line, timeout, tx.s.callerId, g.name);
  }
}

/** One presentation did not take the call: the line goes back to the dispatcher, the caller keeps waiting. */
export function onGroupAttemptEnded(tx: Tx, line: string, released: ReleaseCause): void {
  const group = tx.s.phase.kind === 'group' ? tx.s.phase.group : undefined;
  tx.journal('attemptFailed', `${line}: ${released}${group ? '; the caller keeps waiting' : ''}`, { line, ...(group ? { group } : {}), cause: released });
  tx.release(line, released);
}

export function onMaxWait(tx: Tx): void {
  const cur = current(tx);
  if (cur) overflow(tx, cur.g, `max wait ${seconds(cur.g.maxWait)} reached`, 'maxWait');
}

/** The dispatcher took the caller out of the queue. */
export function onQueueOverflow(tx: Tx, reason: string): void {
  const cur = current(tx);
  if (cur) overflow(tx, cur.g, reason, 'overflow');
}

/** Periodic message over the hold music ("tous nos correspondants sont en ligne…"). */
export function onHoldMessageTimer(tx: Tx): void {
  const cur = current(tx);
  if (!cur || !cur.g.hold.message || cur.p.messagePlaying) return;
  const media = tx.announcementMedia(cur.g.hold.message);
  if (media.length === 0) return;
  tx.setAudio({ kind: 'none' });
  tx.play(media, false);
  tx.s.phase = { ...cur.p, messagePlaying: true };
}

export function onGroupPlaybackFinished(tx: Tx): void {
  const cur = current(tx);
  if (!cur) return;
  tx.s.playback = undefined;
  tx.s.phase = { ...cur.p, messagePlaying: false };
  tx.setAudio(holdAudio(cur.g));
  if (cur.g.hold.every) tx.startTimer({ kind: 'holdMessage' }, tx.now + cur.g.hold.every);
}

function overflow(tx: Tx, g: Group, reason: string, why: 'maxWait' | 'overflow'): void {
  tx.cancelAllAttempts();
  tx.dequeue(why);
  tx.cancelTimers((t) => t.purpose.kind === 'maxWait' || t.purpose.kind === 'holdMessage');
  tx.stopPlayback();
  const to = describe(g.overflow);
  tx.journal('overflow', `group ${g.name}: ${reason}; overflow to ${to}`, { group: g.name, to });
  tx.s.overflowedTo.push(to);
  tx.goto(g.overflow);
}

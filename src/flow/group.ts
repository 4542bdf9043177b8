// Ringing a group's lines.
//
// Rules (documented in docs/flow.md):
// - A *sweep* presents the call once to every line of the group: all at once (ringall),
//   or one after the other (linear; rrmemory starting after the line that last answered
//   a call of this group). Each attempt rings at most `ringTime`, cut to what is left of
//   `maxWait`.
// - `maxWait` bounds the caller's whole stay in the group, measured from entering it;
//   when it runs out every attempt is cancelled and the call overflows.
// - Busy rule: when every line of a sweep refused the call (486 busy, or unavailable /
//   failed when `whenUnavailable: overflow`) and none rang out, the call overflows at
//   once: waiting would only make the caller listen to music for nothing.
// - Otherwise, when a sweep ends unanswered, a new sweep starts after `retryPause`
//   (at least MIN_SWEEP_PAUSE_MS when nothing rang, so instant failures cannot spin).

import type { AttemptFailure } from './contract';
import type { Group } from '../plan/types';
import { MIN_SWEEP_PAUSE_MS } from './limits';
import { describe, endCall, goto } from './route';
import type { Audio, Phase } from './state';
import { seconds, type Tx } from './tx';

type GroupPhase = Extract<Phase, { kind: 'group' }>;
type SweepResult = GroupPhase['results'][string];

export function holdAudio(g: Group): Audio {
  return g.hold.music ? { kind: 'music', musicClass: g.hold.music } : { kind: 'ringback' };
}

/** The order this call tries the lines in. rrmemory: start after the last line that answered this group. */
export function lineOrder(g: Group, lastAnswered: string | undefined): string[] {
  if (g.strategy !== 'rrmemory' || lastAnswered === undefined) return [...g.lines];
  const i = g.lines.indexOf(lastAnswered);
  if (i < 0) return [...g.lines];
  return [...g.lines.slice(i + 1), ...g.lines.slice(0, i + 1)];
}

export function enterGroup(tx: Tx, name: string): void {
  const g = tx.plan.groups[name];
  if (!g) {
    tx.journal('group', `group ${name} is not in the plan`);
    endCall(tx, 'hangup', undefined, 'planError');
    return;
  }
  const order = lineOrder(g, tx.s.ctx.rrMemory?.[name]);
  tx.journal(
    'group',
    `ring group ${name} (${g.strategy}: ${order.join(', ') || 'no line'}; ring ${seconds(g.ringTime)} per attempt, max wait ${seconds(g.maxWait)})`,
    { group: name, strategy: g.strategy, order },
  );
  tx.s.phase = { kind: 'group', group: name, enteredAt: tx.now, order, cursor: 0, results: {}, sweep: 1, messagePlaying: false };
  tx.setAudio(holdAudio(g));
  tx.startTimer({ kind: 'maxWait' }, tx.now + g.maxWait);
  if (g.hold.message && g.hold.every) tx.startTimer({ kind: 'holdMessage' }, tx.now + g.hold.every);
  if (order.length === 0) {
    overflow(tx, g, 'the group has no line');
    return;
  }
  startSweep(tx, g);
}

function currentPhase(tx: Tx): GroupPhase | undefined {
  const p = tx.s.phase;
  return p.kind === 'group' ? p : undefined;
}

function deadline(g: Group, p: GroupPhase): number {
  return p.enteredAt + g.maxWait;
}

function startSweep(tx: Tx, g: Group): void {
  const p = currentPhase(tx);
  if (!p) return;
  if (deadline(g, p) <= tx.now) {
    overflow(tx, g, `max wait ${seconds(g.maxWait)} reached`);
    return;
  }
  tx.s.phase = { ...p, cursor: 0, results: {} };
  if (g.strategy === 'ringall') for (const line of p.order) ringLine(tx, g, p, line);
  else ringLine(tx, g, p, p.order[0] as string);
}

function ringLine(tx: Tx, g: Group, p: GroupPhase, line: string): void {
  const timeout = Math.min(g.ringTime, deadline(g, p) - tx.now);
  tx.journal('dial', `ring ${line} for ${seconds(timeout)} (group ${g.name}, ${g.strategy}, sweep ${p.sweep})`, {
    line,
    group: g.name,
    timeout,
  });
  tx.dial(line, timeout, tx.s.callerId, g.name);
}

/** One line of the group did not take the call. */
export function onGroupAttemptEnded(tx: Tx, line: string, cause: AttemptFailure | 'timeout'): void {
  const p = currentPhase(tx);
  const g = p && tx.plan.groups[p.group];
  if (!p || !g) return;
  const result: SweepResult =
    cause === 'busy' || ((cause === 'unavailable' || cause === 'failed') && g.whenUnavailable === 'overflow')
      ? 'refused'
      : cause === 'noanswer' || cause === 'timeout'
        ? 'noanswer'
        : 'unavailable';
  tx.journal('attemptFailed', `${line}: ${cause === 'timeout' ? 'noanswer' : cause}`, { line, group: g.name, cause });
  const next: GroupPhase = { ...p, results: { ...p.results, [line]: result } };
  tx.s.phase = next;
  if (g.strategy === 'ringall') {
    const ringing = Object.values(tx.s.attempts).some((a) => a.group === g.name);
    if (!ringing) endSweep(tx, g, next);
    return;
  }
  const cursor = next.cursor + 1;
  const nextLine = next.order[cursor];
  if (nextLine === undefined) {
    endSweep(tx, g, next);
    return;
  }
  if (deadline(g, next) <= tx.now) {
    // The attempt ended on the very instant max wait runs out: no zero-length ring.
    overflow(tx, g, `max wait ${seconds(g.maxWait)} reached`);
    return;
  }
  tx.s.phase = { ...next, cursor };
  ringLine(tx, g, next, nextLine);
}

function endSweep(tx: Tx, g: Group, p: GroupPhase): void {
  const results = p.order.map((l) => p.results[l]);
  if (results.every((r) => r === 'refused')) {
    overflow(tx, g, `every line refused the call (busy or unavailable)`);
    return;
  }
  const end = deadline(g, p);
  if (end <= tx.now) {
    overflow(tx, g, `max wait ${seconds(g.maxWait)} reached`);
    return;
  }
  const rang = results.some((r) => r === 'noanswer');
  const pause = rang ? g.retryPause : Math.max(g.retryPause, MIN_SWEEP_PAUSE_MS);
  tx.s.phase = { ...p, sweep: p.sweep + 1 };
  if (pause <= 0) {
    tx.journal('sweep', `no line answered; ringing again (sweep ${p.sweep + 1})`);
    startSweep(tx, g);
  } else if (tx.now + pause < end) {
    tx.journal('sweep', `no line answered; ringing again in ${seconds(pause)} (sweep ${p.sweep + 1})`);
    tx.startTimer({ kind: 'sweepPause' }, tx.now + pause);
  } else {
    // Not enough time left for another sweep: the caller keeps waiting until max wait.
    tx.journal('sweep', `no line answered; waiting for max wait (${seconds(end - tx.now)} left)`);
  }
}

export function onSweepPause(tx: Tx): void {
  const p = currentPhase(tx);
  const g = p && tx.plan.groups[p.group];
  if (p && g) startSweep(tx, g);
}

export function onMaxWait(tx: Tx): void {
  const p = currentPhase(tx);
  const g = p && tx.plan.groups[p.group];
  if (p && g) overflow(tx, g, `max wait ${seconds(g.maxWait)} reached`);
}

/** Periodic message over the hold music ("tous nos correspondants sont en ligne…"). */
export function onHoldMessageTimer(tx: Tx): void {
  const p = currentPhase(tx);
  const g = p && tx.plan.groups[p.group];
  if (!p || !g || !g.hold.message || p.messagePlaying) return;
  const media = tx.announcementMedia(g.hold.message);
  if (media.length === 0) return;
  tx.setAudio({ kind: 'none' });
  tx.play(media, false);
  tx.s.phase = { ...p, messagePlaying: true };
}

export function onGroupPlaybackFinished(tx: Tx): void {
  const p = currentPhase(tx);
  const g = p && tx.plan.groups[p.group];
  if (!p || !g) return;
  tx.s.playback = undefined;
  tx.s.phase = { ...p, messagePlaying: false };
  tx.setAudio(holdAudio(g));
  if (g.hold.every) tx.startTimer({ kind: 'holdMessage' }, tx.now + g.hold.every);
}

function overflow(tx: Tx, g: Group, reason: string): void {
  tx.cancelAllAttempts();
  tx.cancelTimers((t) => t.purpose.kind === 'maxWait' || t.purpose.kind === 'sweepPause' || t.purpose.kind === 'holdMessage');
  tx.stopPlayback();
  const to = describe(g.overflow);
  tx.journal('overflow', `group ${g.name}: ${reason}; overflow to ${to}`, { group: g.name, to });
  tx.s.overflowedTo.push(to);
  goto(tx, g.overflow);
}

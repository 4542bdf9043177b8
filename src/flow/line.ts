// A single line as a destination (the doctor's phone), and what every answered
// attempt leads to: the bridge.

import type { Destination } from '../plan/types';
import { DEFAULT_LIMITS } from './limits';
import { describe } from './state';
import type { AttemptFailure } from './contract';
import { seconds, type Tx } from './tx';

export function enterLine(tx: Tx, line: string, timeout: number, then: Destination): void {
  tx.journal('line', `ring line ${line} for ${seconds(timeout)}, then ${describe(then)}`, { line, timeout });
  tx.s.phase = { kind: 'line', line, then };
  tx.setAudio({ kind: 'ringback' });
  tx.dial(line, timeout, tx.s.callerId);
}

/**
 * An outside number through a trunk: rung like a line (its name in the journal and the
 * attempts is "external <number>"), with the dial string the plan built and checked.
 */
export function enterExternal(tx: Tx, d: Extract<Destination, { kind: 'external' }>): void {
  const line = externalLineName(d.number);
  tx.journal('external', `ring ${d.number} through trunk ${d.trunk} for ${seconds(d.timeout)}, then ${describe(d.then)}`, { number: d.number, trunk: d.trunk });
  tx.s.phase = { kind: 'line', line, then: d.then };
  tx.setAudio({ kind: 'ringback' });
  tx.dial(line, d.timeout, tx.s.callerId, undefined, d.endpoint);
}

export function externalLineName(number: string): string {
  return `external ${number}`;
}

/** The line did not take the call: busy or unavailable go on at once, no need to wait the timeout. */
export function onLineFailed(tx: Tx, cause: AttemptFailure): void {
  const phase = tx.s.phase;
  if (phase.kind !== 'line') return;
  tx.journal('lineFailed', `line ${phase.line}: ${cause}, going to ${describe(phase.then)}`, { line: phase.line, cause });
  tx.s.overflowedTo.push(describe(phase.then));
  tx.goto(phase.then);
}

/**
 * Someone picked up. Stop every other phone ringing first (the executor must not
 * bridge while another leg may still answer), then bridge, and give the call the
 * longer bridged life bound.
 */
export function bridgeTo(tx: Tx, attemptId: string, line: string, group: string | undefined): void {
  const rangFrom = tx.s.attempts[attemptId]?.startedAt ?? tx.now;
  tx.cancelAllAttempts(attemptId);
  tx.dropAttempt(attemptId);
  tx.dequeue('answered', line);
  tx.cancelTimers((t) => t.purpose.kind !== 'life');
  tx.stopPlayback();
  tx.setAudio({ kind: 'none' });
  tx.emit({ type: 'bridge', attemptId });
  tx.s.answered = group === undefined ? { line, at: tx.now } : { line, group, at: tx.now };
  tx.s.phase = { kind: 'bridged', line, attemptId };
  const limits = tx.s.ctx.limits;
  const bridgedMs = limits?.bridgedMs ?? DEFAULT_LIMITS.bridgedMs;
  tx.startTimer({ kind: 'life' }, tx.now + bridgedMs, lifeTimerId(tx.s.callId));
  // Each duration says from what: the ring of this line, the caller's wait since arrival.
  tx.journal('answered', `${line} answered${group ? ` (group ${group})` : ''}: rang ${tx.elapsed(rangFrom)}, the caller waited ${tx.elapsed(tx.s.ctx.arrivedAt)}; bridged`, {
    line,
    ...(group ? { group } : {}),
    rangMs: tx.now - rangFrom,
    waitedMs: tx.now - tx.s.ctx.arrivedAt,
  });
}

export function lifeTimerId(callId: string): string {
  return `${callId}:life`;
}

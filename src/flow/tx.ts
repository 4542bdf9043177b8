// One transition of a call: a private draft of the state plus the actions it emits.
// Every handler works on a Tx; `done()` hands back a fresh state. The input state is
// never written: collections are copied here and phases are replaced, not edited.

import { formatTenths } from '../plan/durations';
import type { Plan } from '../plan/types';
import type { Action, CallerId, ReleaseCause } from './contract';
import type { Attempt, Audio, CallState, CallStateData, PendingTimer, Route, TimerPurpose } from './state';

/** How a Tx enters a destination: route.ts' `goto`, given by whoever builds the Tx. */
export type EnterDestination = (tx: Tx, route: Route) => void;

export class Tx {
  readonly s: CallStateData;
  readonly actions: Action[] = [];

  constructor(state: CallState, readonly now: number, private readonly enter: EnterDestination) {
    this.s = {
      ...state,
      timers: { ...state.timers },
      attempts: { ...state.attempts },
      overflowedTo: [...state.overflowedTo],
    };
  }

  /** Enter a destination of the plan (overflow, menu choice, the next step). */
  goto(route: Route): void {
    this.enter(this, route);
  }

  get plan(): Plan {
    return this.s.ctx.plan;
  }

  done(): { state: CallState; actions: Action[] } {
    return { state: this.s, actions: this.actions };
  }

  newId(kind: string): string {
    this.s.seq += 1;
    return `${this.s.callId}:${kind}${this.s.seq}`;
  }

  emit(action: Action): void {
    this.actions.push(action);
  }

  journal(step: string, reason: string, data?: Record<string, unknown>): void {
    this.emit(data ? { type: 'journal', step, reason, data } : { type: 'journal', step, reason });
  }

  // ── timers ────────────────────────────────────────────────────────────────

  startTimer(purpose: TimerPurpose, at: number, id = this.newId('t')): string {
    this.s.timers[id] = { at, purpose };
    this.emit({ type: 'startTimer', timerId: id, at });
    return id;
  }

  cancelTimer(id: string): void {
    if (!this.s.timers[id]) return;
    delete this.s.timers[id];
    this.emit({ type: 'cancelTimer', timerId: id });
  }

  cancelTimers(match: (t: PendingTimer) => boolean): void {
    for (const [id, t] of Object.entries(this.s.timers)) if (match(t)) this.cancelTimer(id);
  }

  // ── dials ─────────────────────────────────────────────────────────────────

  /** Ring a line; the ring time is also ours (a timer from this instant), not only the executor's. */
  dial(line: string, timeout: number, callerId: CallerId, group?: string, dialString?: string): string {
    const attemptId = this.newId('dial');
    const endpoint = dialString ?? this.plan.lines[line]?.endpoint ?? line;
    this.s.attempts[attemptId] = group === undefined ? { line, startedAt: this.now } : { line, startedAt: this.now, group };
    this.emit({ type: 'dial', attemptId, line, endpoint, timeout, callerId });
    this.startTimer({ kind: 'ring', attemptId }, this.now + timeout);
    return attemptId;
  }

  /** Forget an attempt that ended (answered or failed): its ring timer goes with it. */
  dropAttempt(attemptId: string): Attempt | undefined {
    const a = this.s.attempts[attemptId];
    if (!a) return undefined;
    delete this.s.attempts[attemptId];
    this.cancelTimers((t) => t.purpose.kind === 'ring' && t.purpose.attemptId === attemptId);
    return a;
  }

  cancelAttempt(attemptId: string): void {
    if (this.dropAttempt(attemptId)) this.emit({ type: 'cancelDial', attemptId });
  }

  cancelAllAttempts(except?: string): void {
    for (const id of Object.keys(this.s.attempts)) if (id !== except) this.cancelAttempt(id);
  }

  // ── the group's queue (src/lines decides who rings which line) ─────────────

  enqueue(group: string, deadline: number): void {
    this.s.queued = group;
    this.emit({ type: 'enqueue', group, deadline });
  }

  /** Leave the queue, if in one; emitted once. */
  dequeue(reason: Extract<Action, { type: 'dequeue' }>['reason'], answeredBy?: string): void {
    const group = this.s.queued;
    if (group === undefined) return;
    this.s.queued = undefined;
    this.emit(answeredBy === undefined ? { type: 'dequeue', group, reason } : { type: 'dequeue', group, reason, answeredBy });
  }

  release(line: string, cause: ReleaseCause): void {
    this.emit({ type: 'released', line, cause });
  }

  // ── sound ─────────────────────────────────────────────────────────────────

  play(media: string[], interruptible: boolean): string {
    const playbackId = this.newId('play');
    this.s.playback = { id: playbackId, interruptible };
    this.emit({ type: 'play', playbackId, media, interruptible });
    return playbackId;
  }

  stopPlayback(): void {
    if (!this.s.playback) return;
    this.emit({ type: 'stopPlayback', playbackId: this.s.playback.id });
    this.s.playback = undefined;
  }

  /** What the caller hears between sounds; emitted only on change, so nothing stutters. */
  setAudio(audio: Audio): void {
    const cur = this.s.audio;
    const same =
      cur.kind === audio.kind && (cur.kind !== 'music' || (audio.kind === 'music' && cur.musicClass === audio.musicClass));
    if (same) return;
    if (audio.kind === 'none') this.emit({ type: 'silence' });
    else if (audio.kind === 'ringback') this.emit({ type: 'ringback' });
    else this.emit({ type: 'holdMusic', musicClass: audio.musicClass });
    this.s.audio = audio;
  }

  /** Media of a named announcement; an unknown name (the loader should prevent it) plays the plan's file of that name. */
  announcementMedia(name: string): string[] {
    // Recorded by phone (the studio): it replaces the plan's sounds for calls from then on.
    const recorded = this.s.ctx.recorded?.(name);
    if (recorded !== undefined) return [recorded];
    const a = this.plan.announcements[name];
    if (!a) return [`accueil/${name}`];
    const speech = this.s.ctx.speech;
    const calendar = this.s.numberKey === undefined ? undefined : this.plan.numbers[this.s.numberKey]?.calendar;
    // A text with placeholders is said as the calendar stands now; a text not rendered ("") is skipped.
    return a.sounds
      .map((s) => (s.say && s.say.placeholders.length > 0 ? speech?.(s.say.text, calendar, this.now) ?? '' : s.media))
      .filter((m) => m !== '');
  }

  elapsed(from: number): string {
    return formatTenths(this.now - from);
  }
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}

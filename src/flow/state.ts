// The interpreter's state of one call. A new object after every event: the
// previous state is never mutated (phases are replaced, collections copied), so an
// executor may keep old states for debugging and tests may compare them.

import type { Destination } from '../plan/types';
import type { CallContext, CallerId, CallOutcome } from './contract';

/** What a timer is for; the id alone is opaque to the executor. */
export type TimerPurpose =
  | { kind: 'life' }
  | { kind: 'ring'; attemptId: string }
  | { kind: 'maxWait' }
  | { kind: 'holdMessage' }
  | { kind: 'menuInput' }
  | { kind: 'studioInput' };

export interface PendingTimer {
  readonly at: number;
  readonly purpose: TimerPurpose;
}

/** A dial in progress (not answered, not failed, not cancelled). */
export interface Attempt {
  readonly line: string;
  readonly startedAt: number;
  /** Set when the attempt is a group presentation (its line goes back to the dispatcher). */
  readonly group?: string;
}

/**
 * Internal route: the plan's destinations plus "play these sounds, then …", which is
 * how greetings and calendar announcements are chained in front of a destination.
 */
export type Route =
  | Destination
  | { kind: 'play'; step: string; name: string; media: string[]; then: Route };

export type Phase =
  /** Only inside startCall, before the first destination. */
  | { readonly kind: 'starting' }
  | { readonly kind: 'playing'; readonly name: string; readonly then: Route }
  | {
      readonly kind: 'group';
      readonly group: string;
      readonly enteredAt: number;
      /** enteredAt + maxWait: the caller leaves for the overflow then. */
      readonly deadline: number;
      /** The hold message is playing (music resumes after it). */
      readonly messagePlaying: boolean;
    }
  | { readonly kind: 'line'; readonly line: string; readonly then: Destination }
  | {
      readonly kind: 'menu';
      readonly menu: string;
      /** Failed rounds so far (no input or invalid). */
      readonly failures: number;
      readonly buffer: string;
      /** prompt or message: a sound is playing; input: waiting for a digit. */
      readonly awaiting: 'prompt' | 'message' | 'input';
    }
  | { readonly kind: 'voicemail'; readonly box: string; readonly sub: 'greeting' | 'recording' | 'goodbye' }
  | {
      readonly kind: 'studio';
      /** pin → menu → record (its prompt) → recording → review → kept → menu… */
      readonly sub: 'pin' | 'menu' | 'record' | 'recording' | 'review' | 'kept';
      /** sound: a prompt is playing; input: waiting for keys. */
      readonly awaiting: 'sound' | 'input';
      readonly buffer: string;
      /** Wrong PINs, or rounds without a valid key. */
      readonly failures: number;
      readonly announcement?: string;
      /** The take being recorded or reviewed (not kept yet). */
      readonly take?: { readonly id: string; readonly durationMs: number };
    }
  | { readonly kind: 'bridged'; readonly line: string; readonly attemptId: string }
  /** A last sound before the interpreter hangs up (unknown number, goodbye). */
  | { readonly kind: 'ending'; readonly result: CallOutcome['result']; readonly by?: string; readonly cause: string }
  | { readonly kind: 'ended' };

export type Audio = { kind: 'none' } | { kind: 'ringback' } | { kind: 'music'; musicClass: string };

export interface CallStateData {
  callId: string;
  ctx: CallContext;
  /** E.164 key of the called number in the plan, undefined when unknown. */
  numberKey: string | undefined;
  callerId: CallerId;
  phase: Phase;
  timers: Record<string, PendingTimer>;
  attempts: Record<string, Attempt>;
  /** The sound playing now, if any: its finish (or a digit) moves the call on. */
  playback: { id: string; interruptible: boolean } | undefined;
  audio: Audio;
  /** Id counter: ids are `<callId>:<kind><n>`, unique within the call. */
  seq: number;
  /** Plan destinations entered so far (loop safety). */
  hops: number;
  overflowedTo: string[];
  /** The group whose queue the caller is in (enqueue emitted, dequeue not yet). */
  queued: string | undefined;
  /** The line that answered and its group: the executor updates its rrmemory map from it. */
  answered: { line: string; group?: string; at: number } | undefined;
  /** The last announcement heard in full (outcome of calls ended by a plain hang-up). */
  lastAnnouncement: string | undefined;
  /** The recording in progress or awaited after a hang-up (its length decides keep/discard). */
  recording: { id: string; box: string; startedAt: number; finished: boolean } | undefined;
  /** When the voicemail recording started: the caller stopped waiting then. */
  recordingStartedAt: number | undefined;
  /** Fate of the voicemail message, once known. */
  message: 'kept' | 'discarded' | undefined;
  outcome: (CallOutcome & { message?: 'kept' | 'discarded' }) | undefined;
}

export type CallState = Readonly<CallStateData>;

export function isEnded(state: CallState): boolean {
  return state.phase.kind === 'ended';
}

/** A call's state before its first destination; `over` sets what a resumed call carries over. */
export function initialState(
  ctx: CallContext,
  over: Pick<CallStateData, 'numberKey' | 'callerId'> & Partial<Pick<CallStateData, 'audio' | 'seq' | 'hops' | 'overflowedTo'>>,
): CallStateData {
  return {
    callId: ctx.callId,
    ctx,
    phase: { kind: 'starting' },
    timers: {},
    attempts: {},
    playback: undefined,
    audio: { kind: 'none' },
    seq: 0,
    hops: 0,
    overflowedTo: [],
    queued: undefined,
    answered: undefined,
    lastAnnouncement: undefined,
    recording: undefined,
    recordingStartedAt: undefined,
    message: undefined,
    outcome: undefined,
    ...over,
  };
}

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

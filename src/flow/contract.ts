// The contract between the pure call-flow interpreter (src/flow/) and whatever
// executes it: the ARI adapter (src/asterisk/) in the daemon, or the simulator.
// The interpreter reads no clock and does no I/O: time comes in with each event
// (`now`, epoch milliseconds) and every effect goes out as an Action.

import type { Plan } from '../plan/types';

/** Why a dial attempt ended without being answered. */
export type AttemptFailure = 'noanswer' | 'busy' | 'unavailable' | 'failed';

export type CallEvent =
  /** The caller's channel entered the application. First event of every call. */
  | { type: 'start' }
  /** A play action finished (or was stopped by a digit). */
  | { type: 'playbackFinished'; playbackId: string }
  /** A dial attempt was answered; the executor has NOT bridged yet (it waits for a `bridge` action). */
  | { type: 'attemptAnswered'; attemptId: string }
  | { type: 'attemptFailed'; attemptId: string; cause: AttemptFailure }
  /** The answered line hung up after being bridged. */
  | { type: 'peerHangup' }
  | { type: 'timer'; timerId: string }
  | { type: 'digit'; digit: string }
  /** A recording action ended (by #, silence, max length or hang-up). */
  | { type: 'recordingFinished'; recordingId: string; durationMs: number; cause: 'dtmf' | 'silence' | 'maxLength' | 'hangup' }
  /** The caller hung up. Last event of a call: the interpreter cleans up (cancel dials, timers). */
  | { type: 'callerHangup' };

export interface CallerId {
  name: string;
  number: string;
}

export type Action =
  | { type: 'answer' }
  /** Play sounds in order ("accueil/x" or Asterisk prompt names); if interruptible, a digit stops it. */
  | { type: 'play'; playbackId: string; media: string[]; interruptible: boolean }
  | { type: 'stopPlayback'; playbackId: string }
  /** Ringback tone to the caller while lines ring. */
  | { type: 'ringback' }
  /** Music on hold to the caller (Asterisk class). */
  | { type: 'holdMusic'; musicClass: string }
  /** Stop ringback or hold music. */
  | { type: 'silence' }
  /** Ring one line. `timeout` ms: ring time for this attempt (the executor reports noanswer after it). */
  | { type: 'dial'; attemptId: string; line: string; endpoint: string; timeout: number; callerId: CallerId }
  | { type: 'cancelDial'; attemptId: string }
  /** Connect the caller to the answered attempt; other attempts must have been cancelled before. */
  | { type: 'bridge'; attemptId: string }
  /** Fire a `timer` event at `at` (epoch ms). Re-using an id replaces the previous timer. */
  | { type: 'startTimer'; timerId: string; at: number }
  | { type: 'cancelTimer'; timerId: string }
  /** Record the caller into voicemail box `box` (beep first). */
  | { type: 'record'; recordingId: string; box: string; maxLengthMs: number; silenceMs?: number; beep: boolean }
  /** Delete a finished recording (shorter than the box's minimum length: a hang-up at the beep is no message). */
  | { type: 'discardRecording'; recordingId: string; box: string }
  /** Hang the caller up. After this the call is over. */
  | { type: 'hangup'; cause: string }
  /** One journal line: a decision and its reason. */
  | { type: 'journal'; step: string; reason: string; data?: Record<string, unknown> };

/** What the call's journal reports at the end. */
export interface CallOutcome {
  result: 'answered' | 'voicemail' | 'callerHangup' | 'hangup' | 'announcement';
  /** Line that answered, or box that recorded. */
  by?: string;
  /** The destinations the call overflowed through, in order. */
  overflowedTo: string[];
}

/** Everything the interpreter needs to know about a call at its start. */
export interface CallContext {
  callId: string;
  plan: Plan;
  /** Called number as Asterisk handed it over (normalised by the interpreter). */
  called: string;
  /** Caller's number as presented ("0612345678"), may be empty. */
  caller: string;
  /** Epoch ms of the call's arrival. */
  now: number;
  /**
   * rrmemory groups: group name → the line that last answered a call of that group.
   * Read (never written) by the interpreter when the call enters a group, so the executor
   * may pass its live map; it updates it from `CallState.answered` (see flow's `rememberAnswer`).
   */
  rrMemory?: Readonly<Record<string, string>>;
  /** Upper bounds on the call's life in the daemon's hands; defaults in flow/limits.ts. */
  limits?: Partial<CallLimits>;
}

export interface CallLimits {
  /** Before the caller is bridged to a line (greeting, ringing, menus, voicemail). */
  beforeBridgeMs: number;
  /** Once bridged, measured from the bridge. */
  bridgedMs: number;
}

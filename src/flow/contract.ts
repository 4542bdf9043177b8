// The contract between the pure call-flow interpreter (src/flow/) and whatever
// executes it: the ARI adapter (src/asterisk/) in the daemon, or the simulator.
// The interpreter reads no clock and does no I/O: time comes in with each event
// (`now`, epoch milliseconds) and every effect goes out as an Action.

import type { Plan } from '../plan/types';

/** Why a dial attempt ended without being answered. */
export type AttemptFailure = 'noanswer' | 'busy' | 'unavailable' | 'failed';

/**
 * Why a line the dispatcher gave this caller is handed back (`released` action):
 * an attempt failure, `cancelled` (withdrawn, no pause), or `ended` (the conversation
 * on that line is over: its wrap-up starts).
 */
export type ReleaseCause = AttemptFailure | 'cancelled' | 'ended';

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
  /**
   * The dispatcher (src/lines) reserved these lines for this caller, waiting in a group:
   * the flow rings them (group ring time, cut to max wait). Lines it cannot use it
   * hands back at once with `released` … `cancelled`.
   */
  | { type: 'offer'; lines: string[] }
  /** The dispatcher took the caller out of its queue (every line unavailable or refused, group removed by a reload): go to the group's overflow. */
  | { type: 'overflow'; reason: string }
  /** The caller hung up. Last event of a call: the interpreter cleans up (cancel dials, timers). */
  | { type: 'callerHangup' };

export interface CallerId {
  name: string;
  number: string;
}

/** What Asterisk does: the ARI adapter executes these (src/asterisk/actions.ts), journal lines in order with them. */
export type AriAction =
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
  /** Studio: record the caller as a new take of an announcement (beep first, '#' ends it). Played back as media `take:<recordingId>`. */
  | { type: 'recordTake'; recordingId: string; maxLengthMs: number }
  /** Studio: a take not kept (redone, or the caller hung up) is deleted. */
  | { type: 'discardTake'; recordingId: string }
  /** Hang the caller up. After this the call is over. */
  | { type: 'hangup'; cause: string }
  /** One journal line: a decision and its reason. */
  | { type: 'journal'; step: string; reason: string; data?: Record<string, unknown> };

/** What the dispatcher of waiting callers does (src/lines: applyQueueActions). */
export type QueueAction =
  /**
   * The caller waits in `group` (the call's own plan version: `state.ctx.plan.groups[group]`)
   * until `deadline` (epoch ms, entry + max wait): the executor enqueues it in the dispatcher.
   */
  | {
      type: 'enqueue';
      group: string;
      deadline: number;
      /** A call resumed after a daemon restart: its arrival in the group (its place) and the lines ringing for it. */
      since?: number;
      ringing?: string[];
    }
  /**
   * The caller left the group's queue: answered (`answeredBy` is now in a conversation),
   * max wait, overflow or end of the call. Every line it held is free again.
   */
  | { type: 'dequeue'; group: string; reason: 'answered' | 'maxWait' | 'overflow' | 'ended'; answeredBy?: string }
  /** Hand a line back to the dispatcher: the presentation failed or was withdrawn, or the conversation ended. */
  | { type: 'released'; line: string; cause: ReleaseCause };

/** What the daemon's stores keep: a voicemail message, a studio take (src/daemon). */
export type StoreAction =
  /** Keep a finished recording as a message of box `box` (store it, notify, light the lamp). */
  | { type: 'keepRecording'; recordingId: string; box: string; durationMs: number }
  /** Studio: the take replaces `announcement` for the calls that start from now on. */
  | { type: 'keepTake'; recordingId: string; announcement: string; durationMs: number };

/** Everything the flow asks for; each executor takes its own part, its switch checked complete by the compiler. */
export type Action = AriAction | QueueAction | StoreAction;

// Every queue and store action, named (the compiler checks the list is complete).
const NOT_ARI: Record<(QueueAction | StoreAction)['type'], true> = { enqueue: true, dequeue: true, released: true, keepRecording: true, keepTake: true };

/** The actions the ARI adapter executes. */
export function isAriAction(a: Action): a is AriAction {
  return !Object.hasOwn(NOT_ARI, a.type);
}

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
  /** Epoch ms of the call's arrival (the flow's "now" comes with each event). */
  arrivedAt: number;
  /** Upper bounds on the call's life in the daemon's hands; defaults in flow/limits.ts. */
  limits?: Partial<CallLimits>;
  /**
   * The media that says a `say:` text with calendar placeholders at `at`, for the call's
   * calendar (a pure naming; the executor renders it). Absent: such texts are skipped.
   */
  speech?: (text: string, calendar: string | undefined, at: number) => string;
  /** The studio's PIN (the executor reads it from the environment variable the plan names); absent or not 4–12 digits: the studio refuses. */
  studioPin?: string;
  /** The media of an announcement recorded by phone (the studio), which replaces the plan's sounds; undefined: none. */
  recorded?: (announcement: string) => string | undefined;
}

/** A take being reviewed in the studio is played as `take:<recordingId>` (the executor knows where it is). */
export const TAKE_MEDIA_PREFIX = 'take:';

export interface CallLimits {
  /** Before the caller is bridged to a line (greeting, ringing, menus, voicemail). */
  beforeBridgeMs: number;
  /** Once bridged, measured from the bridge. */
  bridgedMs: number;
}

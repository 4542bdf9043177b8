// The ARI adapter's shared parts: a call's record (the ids that map the flow's world
// onto Asterisk's), what the daemon hands the adapter, and how a ring leg's end reads.

import type { Logger } from 'pino';
import type { AttemptFailure, CallEvent } from '../flow/contract';
import type { AriConnection } from './connection';
import { CallTimers, type Scheduler } from './call-timers';

export interface IncomingCall {
  callId: string;
  channelId: string;
  /** Called number as the dialplan handed it over (Stasis argument). */
  called: string;
  caller: string;
}

/** A ring leg of a call from a previous life of the daemon, as Asterisk has it now. */
export interface OrphanLeg {
  callId: string;
  attemptId: string;
  channelId: string;
  name: string;
  /** Asterisk's channel state: Ringing, Up (answered while nobody listened), Down… */
  state: string;
}

/**
 * A caller in the application that this daemon does not know (a previous life
 * held it), with what that life kept on its channel.
 */
export interface OrphanCaller {
  channelId: string;
  name: string;
  caller: string;
  /** The call's snapshot as the previous life kept it (CALL_STATE_VAR), if any. */
  saved: string | undefined;
}

/** How a resumed call picks up: what the caller hears now and the attempts it still waits for. */
export interface Adoption {
  callId: string;
  audio: 'none' | 'ringback' | 'music';
  /** attemptId → the end of its ring time (epoch ms). */
  attempts: Record<string, number>;
  /** The flow's id of the sound that was playing (so it can be stopped). */
  playbackId?: string;
  /** The message being recorded when the previous life ended: taken back by its name. */
  recording?: { recordingId: string; box: string; maxLengthMs: number; silenceMs?: number };
  /** Called once the call is Accueil's again, before its legs are reported: the flow takes it from here. */
  begin(): void;
}

/** What to do with an orphan caller: adopt it, or a reason to send it to the fallback. */
export type Resolve = (orphan: OrphanCaller) => Adoption | string;

/** The channel variable a call's snapshot is kept in, for the next life of the daemon. */
export const CALL_STATE_VAR = 'ACCUEIL_CALL';

export interface CallsHandlers {
  /** A caller entered the application. */
  onIncoming(call: IncomingCall): void;
  /** An event of a call in progress, for the flow. */
  onEvent(callId: string, event: CallEvent): void;
  /** The call is over and everything it held in Asterisk was released. */
  onFinished(callId: string): void;
  /** Before a play: make sure its media exist (rendered speech); bounded by the implementer. */
  prepareMedia?(media: string[]): Promise<unknown>;
}

export interface Attempt {
  attemptId: string;
  channelId: string;
  timeoutMs: number;
  answered: boolean;
  /** The failure already reported (so a later ChannelDestroyed is not reported twice). */
  settled: boolean;
  dialStatus?: string;
}

/** A recording in progress, with what tells how it ended. */
export interface LiveRecording {
  recordingId: string;
  maxLengthMs: number;
  silenceMs?: number;
  /** The caller pressed '#' while recording (which ends it). */
  key: boolean;
}

export interface CallRecord {
  callId: string;
  channelId: string;
  attempts: Map<string, Attempt>;
  /** ARI playback id → flow playback id. */
  playbacks: Map<string, string>;
  /** ARI ids of the playbacks a key interrupts (menu prompts). */
  interruptible: Set<string>;
  /** Recording name → the recording in progress. */
  recordings: Map<string, LiveRecording>;
  timers: CallTimers;
  /** A recording ended as only a hang-up ends one, before the hang-up was seen: the channel is hung up if it stays. */
  hangupExpected?: NodeJS.Timeout;
  bridgeId?: string;
  bridgedAttempt?: string;
  hungUp: boolean;
  /** The caller hung up while recording: the hang-up is reported once the recording is finished. */
  hangupPending?: NodeJS.Timeout;
  finished: boolean;
  moh: boolean;
  ringing: boolean;
  /** The latest snapshot not written to the channel yet (see writeState). */
  unsavedState?: string;
  /** The write in progress, if any: writes go one at a time, in order. */
  stateWrite?: Promise<void>;
}

/** A call's record, the caller hearing `audio` (a resumed call may hear music or ringback already). */
export function newCallRecord(callId: string, channelId: string, audio: Adoption['audio'], scheduler: Scheduler): CallRecord {
  return {
    callId,
    channelId,
    attempts: new Map(),
    playbacks: new Map(),
    interruptible: new Set(),
    recordings: new Map(),
    timers: new CallTimers(scheduler),
    hungUp: false,
    finished: false,
    moh: audio === 'music',
    ringing: audio === 'ringback',
  };
}

/** How long a caller's hang-up waits for the end of its recording before being reported anyway. */
export const RECORDING_SETTLE_MS = 3000;

/** Where a caller handed back to the dialplan goes: the fallback that rings the secretariat (asterisk/conf/extensions.conf). */
export const DIALPLAN_FALLBACK = { context: 'from-trunk', extension: 'fallback', priority: 1 } as const;

/** Application arguments that mark a channel Accueil created to ring a line. */
export const OUTBOUND_TAG = 'attempt';

/** Q.850 cause of a ring leg that ended without answer → why it failed. */
export function failureFromCause(cause: number | undefined, dialStatus?: string): AttemptFailure {
  switch (dialStatus) {
    case 'BUSY':
      return 'busy';
    case 'NOANSWER':
      return 'noanswer';
    case 'CHANUNAVAIL':
    case 'CONGESTION':
      return 'unavailable';
    default:
      break;
  }
  switch (cause) {
    case 17: // user busy
      return 'busy';
    case 18: // no user responding
    case 19: // no answer
      return 'noanswer';
    case 1: // unallocated number
    case 3: // no route
    case 20: // subscriber absent (not registered)
    case 27: // destination out of order
    case 34: // no circuit
    case 38: // network out of order
      return 'unavailable';
    default:
      return 'failed';
  }
}

/**
 * What the adapter's rooms share (calls.ts: the events; actions.ts: the actions;
 * adoption.ts: the reconciliation): the call table and the steps every room takes.
 */
export interface AdapterCore {
  readonly ari: AriConnection;
  readonly app: string;
  readonly log: Logger;
  readonly now: () => number;
  readonly handlers: CallsHandlers;
  /** How the flow's timers wait (real timers; a test's clock). */
  readonly scheduler: Scheduler;
  readonly calls: Map<string, CallRecord>;
  /** Any channel Accueil handles (caller or ring leg) → its call id. */
  readonly channelToCall: Map<string, string>;
  /** Conversations of a previous life found on a reconnection: channel → its bridge. */
  readonly adopted: Map<string, string>;
  /** Callers of a previous life handed to the dialplan fallback, until they leave the application. */
  readonly handedBack: Set<string>;
  failAttempt(call: CallRecord, attempt: Attempt, cause: AttemptFailure, hangup: boolean): void;
  finish(call: CallRecord): void;
  hangupChannel(channelId: string): Promise<void>;
  hangupCall(call: CallRecord): Promise<void>;
  onChannelGone(channelId: string, cause: number | undefined): void;
  onChannelUp(channelId: string): void;
  recordingEnded(call: CallRecord, name: string, live: LiveRecording, durationMs: number, failed: boolean, asteriskCause?: string): void;
  reportHangup(call: CallRecord): void;
}

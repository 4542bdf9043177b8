// The ARI adapter for calls: turns ARI events into the flow's CallEvents and
// the flow's Actions into ARI requests. It keeps, per call, only the ids that
// map one world onto the other (attempt → channel, playback, bridge, timers),
// and guarantees that a finished call leaves nothing behind in Asterisk or here.

import type { Logger } from 'pino';
import type { Action, AttemptFailure, CallEvent } from '../flow/contract';
import type { AriChannel, AriConnection, AriEvent } from './connection';
import { AriRecordings, recordingEndCause, recordingNameOf, takeNameOf, wavDurationMs } from './recordings';
import { TAKE_MEDIA_PREFIX } from '../flow/contract';

export interface IncomingCall {
  callId: string;
  channelId: string;
  /** Called number as the dialplan handed it over (Stasis argument). */
  called: string;
  caller: string;
}

/** A ring leg of a call from a previous life of the daemon, as Asterisk has it now. */
interface OrphanLeg {
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

interface Attempt {
  attemptId: string;
  channelId: string;
  timeoutMs: number;
  answered: boolean;
  /** The failure already reported (so a later ChannelDestroyed is not reported twice). */
  settled: boolean;
  dialStatus?: string;
  ringTimer?: NodeJS.Timeout;
}

/** A recording in progress, with what tells how it ended. */
interface LiveRecording {
  recordingId: string;
  maxLengthMs: number;
  silenceMs?: number;
  /** The caller pressed '#' while recording (which ends it). */
  key: boolean;
}

interface CallRecord {
  callId: string;
  channelId: string;
  attempts: Map<string, Attempt>;
  /** ARI playback id → flow playback id. */
  playbacks: Map<string, string>;
  /** ARI ids of the playbacks a key interrupts (menu prompts). */
  interruptible: Set<string>;
  /** Recording name → the recording in progress. */
  recordings: Map<string, LiveRecording>;
  timers: Map<string, NodeJS.Timeout>;
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
function newCallRecord(callId: string, channelId: string, audio: Adoption['audio']): CallRecord {
  return {
    callId,
    channelId,
    attempts: new Map(),
    playbacks: new Map(),
    interruptible: new Set(),
    recordings: new Map(),
    timers: new Map(),
    hungUp: false,
    finished: false,
    moh: audio === 'music',
    ringing: audio === 'ringback',
  };
}

/** How long a caller's hang-up waits for the end of its recording before being reported anyway. */
const RECORDING_SETTLE_MS = 3000;

/** Application arguments that mark a channel Accueil created to ring a line. */
const OUTBOUND_TAG = 'attempt';

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

export { recordingNameOf, recordingEndCause, parseRecordingName, arrivalOfCallId, type RecordingEnd } from './recordings';

export class AsteriskCalls {
  private readonly calls = new Map<string, CallRecord>();
  /** Any channel Accueil handles (caller or ring leg) → its call id. */
  private readonly channelToCall = new Map<string, string>();
  /**
   * Conversations connected by a previous life of the daemon, found on a
   * reconnection: channel → its bridge. They keep talking; when one side
   * leaves, the other is hung up and the bridge destroyed.
   */
  private readonly adopted = new Map<string, string>();
  /** Callers of a previous life handed to the dialplan fallback, until they leave the application. */
  private readonly handedBack = new Set<string>();
  private sequence = 0;

  constructor(
    private readonly ari: AriConnection,
    private readonly app: string,
    private readonly handlers: CallsHandlers,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    ari.on('event', (event: AriEvent) => this.onAriEvent(event));
  }

  private newCallId(): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    return `${this.now().toString(36)}-${this.sequence.toString(36)}`;
  }

  // ── ARI events → flow events ───────────────────────────────────────────────

  private onAriEvent(event: AriEvent): void {
    try {
      this.route(event);
    } catch (err) {
      this.log.error({ event: 'ari.event_error', type: event.type, error: (err as Error).message }, 'could not handle ARI event');
    }
  }

  private route(event: AriEvent): void {
    const channel = event.channel;
    if (channel && this.adopted.has(channel.id) && ['StasisEnd', 'ChannelDestroyed', 'ChannelLeftBridge'].includes(event.type)) {
      void this.endAdopted(channel.id);
      return;
    }
    switch (event.type) {
      case 'StasisStart':
        if (channel) this.onStasisStart(channel, event.args ?? []);
        return;
      case 'ChannelDtmfReceived':
        if (channel && event.digit) this.onDigit(channel.id, event.digit);
        return;
      case 'PlaybackFinished':
        if (event.playback) this.onPlaybackFinished(event.playback.id);
        return;
      case 'RecordingFinished':
      case 'RecordingFailed':
        if (event.recording) this.onRecordingFinished(event.recording, event.type === 'RecordingFailed');
        return;
      case 'Dial':
        if (event.peer) this.onDial(event.peer.id, event.dialstatus ?? '');
        return;
      case 'ChannelStateChange':
        if (channel?.state === 'Up') this.onChannelUp(channel.id);
        return;
      case 'ChannelHangupRequest':
        // The caller hung up (BYE). It comes before the events of what the hang-up
        // interrupts: a greeting's PlaybackFinished must not move a gone caller on
        // (it would ring the secretariat for nobody).
        if (channel && !event.soft && this.callOf(channel.id)?.channelId === channel.id) this.onChannelGone(channel.id, event.cause);
        return;
      case 'ChannelDestroyed':
        if (channel) this.onChannelGone(channel.id, event.cause);
        return;
      case 'StasisEnd':
        if (channel) this.handedBack.delete(channel.id);
        // A caller leaving the application is gone for Accueil. A ring leg's end is
        // read from its ChannelDestroyed, which carries the cause (17 = busy).
        if (channel && this.callOf(channel.id)?.channelId === channel.id) this.onChannelGone(channel.id, undefined);
        return;
      default:
        return;
    }
  }

  private onStasisStart(channel: AriChannel, args: string[]): void {
    if (args[0] === OUTBOUND_TAG) {
      this.onAttemptInStasis(channel, args[1] ?? '', args[2] ?? '');
      return;
    }
    if (this.channelToCall.has(channel.id) || this.adopted.has(channel.id) || this.handedBack.has(channel.id)) {
      // A reconnection's reconciliation listed this caller before its StasisStart was
      // read, and took it already: a second call for the same channel would ring twice.
      this.log.info({ event: 'call.start_seen_late', channelId: channel.id }, 'StasisStart of a caller already taken by the reconciliation');
      return;
    }
    const callId = this.newCallId();
    const record = newCallRecord(callId, channel.id, 'none');
    this.calls.set(callId, record);
    this.channelToCall.set(channel.id, callId);
    this.handlers.onIncoming({
      callId,
      channelId: channel.id,
      called: args[0] ?? channel.dialplan?.exten ?? '',
      caller: channel.caller?.number ?? '',
    });
  }

  /** A caller's key: it cuts an interruptible prompt short at once, then goes to the flow. */
  private onDigit(channelId: string, digit: string): void {
    const call = this.callOf(channelId);
    if (!call || call.channelId !== channelId || call.hungUp) return;
    for (const playbackId of call.interruptible) {
      call.interruptible.delete(playbackId);
      call.playbacks.delete(playbackId);
      void this.ari.request('stop playback', (c) => c.playbacks.stop({ playbackId })).catch(() => undefined);
    }
    // '#' ends a recording (terminateOn); another key does not.
    if (digit === '#') for (const recording of call.recordings.values()) recording.key = true;
    this.handlers.onEvent(call.callId, { type: 'digit', digit });
  }

  private callOf(channelId: string): CallRecord | undefined {
    const callId = this.channelToCall.get(channelId);
    return callId === undefined ? undefined : this.calls.get(callId);
  }

  private attemptOf(call: CallRecord, channelId: string): Attempt | undefined {
    for (const attempt of call.attempts.values()) if (attempt.channelId === channelId) return attempt;
    return undefined;
  }

  private onAttemptInStasis(channel: AriChannel, callId: string, attemptId: string): void {
    const call = this.calls.get(callId);
    const attempt = call?.attempts.get(attemptId);
    if (!call || !attempt || attempt.channelId !== channel.id || call.hungUp) {
      // A leg whose caller is gone (or that we cancelled meanwhile): do not let it ring.
      void this.hangupChannel(channel.id);
      return;
    }
    const timeoutSec = Math.max(1, Math.ceil(attempt.timeoutMs / 1000) + 2);
    // Our own timer decides "no answer" (ARI's dial timeout only destroys the channel);
    // Asterisk's is a safety net a little later.
    attempt.ringTimer = setTimeout(() => this.failAttempt(call, attempt, 'noanswer', true), attempt.timeoutMs);
    this.ari
      .request('dial', (c) => c.channels.dial({ channelId: channel.id, timeout: timeoutSec }))
      .catch((err: Error) => {
        this.log.warn({ callId, event: 'ari.dial_failed', attemptId, error: err.message }, 'dial failed');
        this.failAttempt(call, attempt, 'failed', true);
      });
  }

  private onDial(peerId: string, dialStatus: string): void {
    const call = this.callOf(peerId);
    if (!call) return;
    const attempt = this.attemptOf(call, peerId);
    if (!attempt || !dialStatus) return;
    attempt.dialStatus = dialStatus;
    if (dialStatus === 'ANSWER') {
      this.onChannelUp(peerId);
    } else if (['BUSY', 'NOANSWER', 'CHANUNAVAIL', 'CONGESTION'].includes(dialStatus)) {
      this.failAttempt(call, attempt, failureFromCause(undefined, dialStatus), true);
    }
  }

  private onChannelUp(channelId: string): void {
    const call = this.callOf(channelId);
    if (!call || call.channelId === channelId) return;
    const attempt = this.attemptOf(call, channelId);
    if (!attempt || attempt.answered || attempt.settled) return;
    attempt.answered = true;
    clearTimeout(attempt.ringTimer);
    attempt.ringTimer = undefined;
    this.handlers.onEvent(call.callId, { type: 'attemptAnswered', attemptId: attempt.attemptId });
  }

  private onChannelGone(channelId: string, cause: number | undefined): void {
    const call = this.callOf(channelId);
    if (!call) return;
    if (call.channelId === channelId) {
      if (call.hungUp) return;
      call.hungUp = true;
      if (call.recordings.size > 0) {
        // A message ends with the caller's hang-up: let RecordingFinished (its
        // length decides whether it is kept) reach the flow first.
        call.hangupPending = setTimeout(() => this.reportHangup(call), RECORDING_SETTLE_MS);
        return;
      }
      this.reportHangup(call);
      return;
    }
    const attempt = this.attemptOf(call, channelId);
    if (!attempt) return;
    this.channelToCall.delete(channelId);
    call.attempts.delete(attempt.attemptId);
    clearTimeout(attempt.ringTimer);
    attempt.ringTimer = undefined;
    if (call.hungUp) return;
    if (call.bridgedAttempt === attempt.attemptId) {
      this.handlers.onEvent(call.callId, { type: 'peerHangup' });
    } else if (!attempt.settled) {
      attempt.settled = true;
      const failure = attempt.answered ? 'failed' : failureFromCause(cause, attempt.dialStatus);
      this.handlers.onEvent(call.callId, { type: 'attemptFailed', attemptId: attempt.attemptId, cause: failure });
    }
  }

  private reportHangup(call: CallRecord): void {
    clearTimeout(call.hangupPending);
    call.hangupPending = undefined;
    if (call.finished) return;
    this.handlers.onEvent(call.callId, { type: 'callerHangup' });
    this.finish(call);
  }

  private failAttempt(call: CallRecord, attempt: Attempt, cause: AttemptFailure, hangup: boolean): void {
    if (attempt.settled || attempt.answered) return;
    attempt.settled = true;
    clearTimeout(attempt.ringTimer);
    attempt.ringTimer = undefined;
    if (hangup) void this.hangupChannel(attempt.channelId);
    if (!call.hungUp) this.handlers.onEvent(call.callId, { type: 'attemptFailed', attemptId: attempt.attemptId, cause });
  }

  private onPlaybackFinished(ariPlaybackId: string): void {
    for (const call of this.calls.values()) {
      const playbackId = call.playbacks.get(ariPlaybackId);
      if (playbackId === undefined) continue;
      call.playbacks.delete(ariPlaybackId);
      call.interruptible.delete(ariPlaybackId);
      if (!call.hungUp) this.handlers.onEvent(call.callId, { type: 'playbackFinished', playbackId });
      void this.writeState(call);
      return;
    }
  }

  private onRecordingFinished(recording: NonNullable<AriEvent['recording']>, failed: boolean): void {
    for (const call of this.calls.values()) {
      const live = call.recordings.get(recording.name);
      if (live === undefined) continue;
      this.recordingEnded(call, recording.name, live, Math.round((recording.duration ?? 0) * 1000), failed, recording.cause);
      return;
    }
  }

  private recordingEnded(call: CallRecord, name: string, live: LiveRecording, durationMs: number, failed: boolean, asteriskCause?: string): void {
    call.recordings.delete(name);
    const cause = recordingEndCause({ failed, hungUp: call.hungUp, key: live.key, durationMs, maxLengthMs: live.maxLengthMs, ...(live.silenceMs ? { silenceMs: live.silenceMs } : {}), ...(asteriskCause ? { cause: asteriskCause } : {}) });
    this.handlers.onEvent(call.callId, { type: 'recordingFinished', recordingId: live.recordingId, durationMs, cause });
    if (call.hangupPending && call.recordings.size === 0) this.reportHangup(call);
    else if (cause === 'hangup' && !call.hungUp && !call.finished) {
      // The flow lets a hung-up caller go without a hang-up: if the caller is in fact still there, do not leave them.
      call.hangupExpected = setTimeout(() => void this.hangupCall(call), RECORDING_SETTLE_MS);
    }
    void this.writeState(call);
  }

  // ── flow actions → ARI ─────────────────────────────────────────────────────

  /** Runs a call's actions in order; a failing request is logged, never thrown at the flow. */
  async execute(callId: string, actions: Action[], state?: string): Promise<void> {
    const call = this.calls.get(callId);
    if (call && state !== undefined && !call.finished) call.unsavedState = state;
    for (const action of actions) {
      // A finished call's last words still count: the outcome is journaled and
      // a too-short message deleted.
      if (!call || call.finished) {
        if (action.type === 'journal') this.journal(callId, action);
        if (action.type === 'discardRecording') await this.discardRecording(callId, action.box, action.recordingId).catch(() => undefined);
        if (action.type === 'discardTake') await this.deleteStored(callId, takeNameOf(callId, action.recordingId)).catch(() => undefined);
        continue;
      }
      try {
        // The snapshot goes on the channel before a sound or a recording occupies it.
        if (action.type === 'play' || action.type === 'record' || action.type === 'recordTake') await this.writeState(call);
        // A recording must not start before the snapshot naming it is on the channel: a
        // write started meanwhile (a sound's end writes too) is waited for, or Asterisk
        // would queue it behind the whole recording.
        if (action.type === 'record' || action.type === 'recordTake') await this.writesDone(call);
        await this.perform(call, action);
      } catch (err) {
        this.log.warn({ callId, event: 'ari.action_failed', action: action.type, error: (err as Error).message }, `ARI ${action.type} failed`);
        if (action.type === 'dial') {
          const attempt = call.attempts.get(action.attemptId);
          if (attempt) this.failAttempt(call, attempt, 'failed', true);
        }
        if (action.type === 'record' || action.type === 'recordTake') {
          // No recording will ever finish: tell the flow, which ends the voicemail step
          // (an empty message is discarded) instead of leaving the caller in silence.
          call.recordings.delete(action.type === 'record' ? recordingNameOf(action.box, call.callId, action.recordingId) : takeNameOf(call.callId, action.recordingId));
          clearTimeout(call.hangupExpected);
          this.handlers.onEvent(call.callId, { type: 'recordingFinished', recordingId: action.recordingId, durationMs: 0, cause: 'hangup' });
        }
      }
    }
    if (call) void this.writeState(call);
  }

  private async discardRecording(callId: string, box: string, recordingId: string): Promise<void> {
    await this.deleteStored(callId, recordingNameOf(box, callId, recordingId));
  }

  private async deleteStored(callId: string, recordingName: string): Promise<void> {
    await this.ari.request('delete recording', (c) => c.recordings.deleteStored({ recordingName }));
    this.log.info({ callId, event: 'recording.deleted', recordingName }, 'recording not kept: deleted');
  }

  private journal(callId: string, entry: Extract<Action, { type: 'journal' }>): void {
    this.log.info({ callId, step: entry.step, reason: entry.reason, ...entry.data }, `${entry.step}: ${entry.reason}`);
  }

  private async perform(call: CallRecord, action: Action): Promise<void> {
    const channelId = call.channelId;
    switch (action.type) {
      case 'journal':
        this.journal(call.callId, action);
        return;
      case 'answer':
        await this.ari.request('answer', (c) => c.channels.answer({ channelId }));
        return;
      case 'play': {
        const ariId = `${call.callId}.${action.playbackId}`;
        call.playbacks.set(ariId, action.playbackId);
        if (action.interruptible) call.interruptible.add(ariId);
        await this.handlers.prepareMedia?.(action.media);
        // A studio take is played from where Asterisk stored it.
        const media = action.media.map((m) => (m.startsWith(TAKE_MEDIA_PREFIX) ? `recording:${takeNameOf(call.callId, m.slice(TAKE_MEDIA_PREFIX.length))}` : m.includes(':') ? m : `sound:${m}`));
        await this.ari.request('play', (c) => c.channels.play({ channelId, media: media as unknown as string, playbackId: ariId }));
        return;
      }
      case 'stopPlayback': {
        const ariId = `${call.callId}.${action.playbackId}`;
        if (!call.playbacks.has(ariId)) return;
        // The flow no longer waits for it (its PlaybackFinished changes nothing), and a
        // playback that ended unseen (a previous life's) must not hold the call's state back.
        call.playbacks.delete(ariId);
        call.interruptible.delete(ariId);
        await this.ari.request('stop playback', (c) => c.playbacks.stop({ playbackId: ariId })).catch(() => undefined);
        void this.writeState(call);
        return;
      }
      case 'ringback':
        await this.stopHoldMusic(call);
        call.ringing = true;
        await this.ari.request('ring', (c) => c.channels.ring({ channelId }));
        return;
      case 'holdMusic':
        await this.stopRingback(call);
        call.moh = true;
        await this.ari.request('start moh', (c) => c.channels.startMoh({ channelId, mohClass: action.musicClass }));
        return;
      case 'silence':
        await this.stopRingback(call);
        await this.stopHoldMusic(call);
        return;
      case 'dial':
        await this.dial(call, action);
        return;
      case 'cancelDial': {
        const attempt = call.attempts.get(action.attemptId);
        if (!attempt) return;
        attempt.settled = true;
        clearTimeout(attempt.ringTimer);
        attempt.ringTimer = undefined;
        await this.hangupChannel(attempt.channelId);
        return;
      }
      case 'bridge':
        await this.bridge(call, action.attemptId);
        return;
      case 'startTimer': {
        clearTimeout(call.timers.get(action.timerId));
        const delay = Math.max(0, action.at - this.now());
        call.timers.set(
          action.timerId,
          setTimeout(() => {
            call.timers.delete(action.timerId);
            if (!call.hungUp) this.handlers.onEvent(call.callId, { type: 'timer', timerId: action.timerId });
          }, delay),
        );
        return;
      }
      case 'cancelTimer':
        clearTimeout(call.timers.get(action.timerId));
        call.timers.delete(action.timerId);
        return;
      case 'record':
        await this.record(call, recordingNameOf(action.box, call.callId, action.recordingId), action.recordingId, action.maxLengthMs, action.silenceMs, action.beep);
        return;
      case 'recordTake':
        await this.record(call, takeNameOf(call.callId, action.recordingId), action.recordingId, action.maxLengthMs, undefined, true);
        return;
      case 'discardRecording':
        await this.discardRecording(call.callId, action.box, action.recordingId);
        return;
      case 'discardTake':
        await this.deleteStored(call.callId, takeNameOf(call.callId, action.recordingId));
        return;
      case 'hangup':
        await this.hangupCall(call);
        return;
    }
  }

  private async record(call: CallRecord, name: string, recordingId: string, maxLengthMs: number, silenceMs: number | undefined, beep: boolean): Promise<void> {
    call.recordings.set(name, { recordingId, maxLengthMs, ...(silenceMs ? { silenceMs } : {}), key: false });
    await this.ari.request('record', (c) =>
      c.channels.record({
        channelId: call.channelId,
        name,
        format: 'wav',
        maxDurationSeconds: Math.ceil(maxLengthMs / 1000),
        maxSilenceSeconds: silenceMs ? Math.ceil(silenceMs / 1000) : 0,
        beep,
        terminateOn: '#',
        ifExists: 'fail',
      }),
    );
  }

  private async dial(call: CallRecord, action: Extract<Action, { type: 'dial' }>): Promise<void> {
    const channelId = `${call.callId}.${action.attemptId}`;
    const attempt: Attempt = {
      attemptId: action.attemptId,
      channelId,
      timeoutMs: action.timeout,
      answered: false,
      settled: false,
    };
    call.attempts.set(action.attemptId, attempt);
    this.channelToCall.set(channelId, call.callId);
    // create + dial (not originate): the leg enters Stasis before it rings, so no
    // early event (busy, answer) can be missed; it is dialled on its StasisStart.
    // The phone shows the leg's connected line (chan_pjsip builds From from it);
    // dial() is not given the caller, which would overwrite it with the caller's own ID.
    await this.ari.request('create channel', (c) =>
      c.channels.create({
        endpoint: action.endpoint,
        app: this.app,
        appArgs: [OUTBOUND_TAG, call.callId, action.attemptId].join(','),
        channelId,
        originator: call.channelId,
        variables: {
          'CONNECTEDLINE(name,i)': action.callerId.name,
          'CONNECTEDLINE(num,i)': action.callerId.number,
          'CALLERID(name)': action.callerId.name,
          'CALLERID(num)': action.callerId.number,
        } as unknown as never,
      } as never),
    );
  }

  private async bridge(call: CallRecord, attemptId: string): Promise<void> {
    const attempt = call.attempts.get(attemptId);
    if (!attempt) return;
    await this.stopRingback(call);
    await this.stopHoldMusic(call);
    const bridgeId = `${call.callId}.bridge`;
    await this.ari.request('create bridge', (c) => c.bridges.create({ type: 'mixing', bridgeId, name: `accueil-${call.callId}` }));
    call.bridgeId = bridgeId;
    call.bridgedAttempt = attemptId;
    await this.ari.request('add to bridge', (c) =>
      c.bridges.addChannel({ bridgeId, channel: [call.channelId, attempt.channelId] as unknown as string }),
    );
  }

  private async stopRingback(call: CallRecord): Promise<void> {
    if (!call.ringing) return;
    call.ringing = false;
    await this.ari.request('ring stop', (c) => c.channels.ringStop({ channelId: call.channelId })).catch(() => undefined);
  }

  private async stopHoldMusic(call: CallRecord): Promise<void> {
    if (!call.moh) return;
    call.moh = false;
    await this.ari.request('stop moh', (c) => c.channels.stopMoh({ channelId: call.channelId })).catch(() => undefined);
  }

  private async hangupChannel(channelId: string): Promise<void> {
    try {
      await this.ari.request('hangup', (c) => c.channels.hangup({ channelId }));
    } catch {
      // Already gone (404) or Asterisk unreachable: reconciliation cleans up later.
    }
  }

  private async hangupCall(call: CallRecord): Promise<void> {
    if (!call.hungUp) {
      call.hungUp = true;
      await this.hangupChannel(call.channelId);
    }
    this.finish(call);
  }

  /** Releases everything the call holds: ring legs, bridge, timers, maps. Idempotent. */
  private finish(call: CallRecord): void {
    if (call.finished) return;
    call.finished = true;
    clearTimeout(call.hangupPending);
    clearTimeout(call.hangupExpected);
    for (const timer of call.timers.values()) clearTimeout(timer);
    call.timers.clear();
    for (const attempt of call.attempts.values()) {
      clearTimeout(attempt.ringTimer);
      attempt.ringTimer = undefined;
      void this.hangupChannel(attempt.channelId);
      this.channelToCall.delete(attempt.channelId);
    }
    call.attempts.clear();
    if (call.bridgeId) {
      const bridgeId = call.bridgeId;
      void this.ari.request('destroy bridge', (c) => c.bridges.destroy({ bridgeId })).catch(() => undefined);
    }
    this.channelToCall.delete(call.channelId);
    this.calls.delete(call.callId);
    this.handlers.onFinished(call.callId);
  }

  /** What the adapter holds now (leak checks: all 0 when no call is in progress). */
  held(): { calls: number; channels: number; timers: number; adopted: number } {
    let timers = 0;
    for (const call of this.calls.values()) {
      timers += call.timers.size + (call.hangupPending ? 1 : 0) + (call.hangupExpected && !call.finished ? 1 : 0);
      for (const attempt of call.attempts.values()) if (attempt.ringTimer) timers += 1;
    }
    return { calls: this.calls.size, channels: this.channelToCall.size, timers, adopted: this.adopted.size };
  }

  has(callId: string): boolean {
    return this.calls.has(callId);
  }

  /** A call of ours records (or waits for the end of) this recording. */
  holdsRecording(name: string): boolean {
    for (const call of this.calls.values()) if (call.recordings.has(name)) return true;
    return false;
  }

  /**
   * Gives a caller back to the dialplan, at the fallback that rings the
   * secretariat directly (no plan loaded, or the daemon is stopping).
   */
  async handBack(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call) return;
    call.hungUp = true; // no longer ours: its end is not a flow event
    try {
      await this.ari.request('continue in dialplan', (c) =>
        c.channels.continueInDialplan({ channelId: call.channelId, context: 'from-trunk', extension: 'fallback', priority: 1 }),
      );
    } catch (err) {
      this.log.error({ callId, event: 'call.handback_failed', error: (err as Error).message }, 'could not hand the call back to the dialplan');
      await this.hangupChannel(call.channelId);
    }
    this.finish(call);
  }

  /**
   * After a (re)connection: events were lost while the websocket was down (or
   * Asterisk restarted), so Asterisk's channels are the truth. A call whose
   * caller is gone ends; a ring leg that is gone failed; a conversation of a
   * previous life is adopted. A caller in the application that no call of ours
   * knows (a previous life of the daemon) is resumed if `resolve` can rebuild its
   * call from what that life kept on the channel, else sent to the dialplan
   * fallback; ring legs of no resumed call are hung up.
   */
  async reconcile(resolve?: Resolve): Promise<void> {
    let channels: AriChannel[];
    try {
      channels = (await this.ari.request('list channels', (c) => c.channels.list())) as unknown as AriChannel[];
    } catch (err) {
      this.log.warn({ event: 'ari.reconcile_failed', error: (err as Error).message }, 'could not list channels to reconcile');
      return;
    }
    const present = new Set(channels.map((ch) => ch.id));
    for (const call of [...this.calls.values()]) {
      if (!present.has(call.channelId)) {
        this.log.warn({ callId: call.callId, event: 'call.lost', channelId: call.channelId }, 'caller channel gone while ARI was away');
        if (!call.hungUp) {
          call.hungUp = true;
          this.reportHangup(call);
        } else this.finish(call);
        continue;
      }
      for (const attempt of [...call.attempts.values()]) if (!present.has(attempt.channelId)) this.onChannelGone(attempt.channelId, undefined);
    }
    await this.adoptBridges(present);
    const orphans: OrphanCaller[] = [];
    const legs: OrphanLeg[] = [];
    for (const channel of channels) {
      if (this.channelToCall.has(channel.id) || this.adopted.has(channel.id)) continue;
      const data = channel.dialplan?.app_name === 'Stasis' ? channel.dialplan.app_data ?? '' : '';
      const [appName, tag, callId, attemptId] = data.split(',');
      if (appName !== this.app) continue;
      if (tag === OUTBOUND_TAG) legs.push({ callId: callId ?? '', attemptId: attemptId ?? '', channelId: channel.id, name: channel.name, state: channel.state });
      else orphans.push({ channelId: channel.id, name: channel.name, caller: channel.caller?.number ?? '', saved: undefined });
    }
    await Promise.all(orphans.map(async (orphan) => (orphan.saved = await this.savedState(orphan.channelId))));
    const claimed = new Set<string>();
    for (const orphan of orphans) {
      // The requests above gave the events time to arrive: a caller whose StasisStart
      // was read meanwhile is a call of this life (resuming it too would ring twice).
      if (this.channelToCall.has(orphan.channelId)) continue;
      const resolution = resolve ? resolve(orphan) : 'no call flow to resume it';
      if (typeof resolution === 'string') {
        await this.handBackOrphan(orphan, resolution);
        continue;
      }
      const own = legs.filter((leg) => leg.callId === resolution.callId);
      for (const leg of own) claimed.add(leg.channelId);
      this.adoptCaller(orphan, own, resolution);
    }
    for (const leg of legs) {
      if (claimed.has(leg.channelId) || this.channelToCall.has(leg.channelId)) continue;
      this.log.warn({ event: 'call.orphan_leg', channel: leg.name }, 'ring leg of an unknown call: hung up');
      await this.hangupChannel(leg.channelId);
    }
  }

  /** What a previous life kept on the channel, or undefined (none, or the channel is gone). */
  private async savedState(channelId: string): Promise<string | undefined> {
    try {
      const answer = (await this.ari.request('get variable', (c) => c.channels.getChannelVar({ channelId, variable: CALL_STATE_VAR }))) as unknown as {
        value?: string;
      };
      return answer.value ? answer.value : undefined;
    } catch {
      return undefined; // 404: never set
    }
  }

  /**
   * Writes the call's latest snapshot (`execute`'s `state`) on its caller channel,
   * for a next life of the daemon. Asterisk sets a channel variable from the
   * channel's own queue of commands, behind a playback or a recording in progress:
   * the request would wait (holding one of Asterisk's HTTP sessions) as long as the
   * sound lasts. So it is written only while the channel is idle — before a sound
   * or a recording starts, after a batch, when a sound ends — one write at a time.
   */
  private async writeState(call: CallRecord): Promise<void> {
    await call.stateWrite;
    const text = call.unsavedState;
    if (text === undefined || call.finished || call.hungUp || call.playbacks.size > 0 || call.recordings.size > 0) return;
    call.unsavedState = undefined;
    call.stateWrite = this.ari
      .request('set variable', (c) => c.channels.setChannelVar({ channelId: call.channelId, variable: CALL_STATE_VAR, value: text }))
      .then(
        () => undefined,
        (err: Error) => {
          if (!call.hungUp) this.log.warn({ callId: call.callId, event: 'call.state_not_saved', error: err.message }, 'could not keep the call state on its channel');
        },
      );
    await call.stateWrite;
  }

  /** Resolves once no snapshot write is in flight, those started while waiting included. */
  private async writesDone(call: CallRecord): Promise<void> {
    for (;;) {
      const before = call.stateWrite;
      await before;
      if (call.stateWrite === before) return;
    }
  }

  /**
   * A caller of a previous life becomes call `callId` again. Its legs that the
   * call still waits for are taken back (with the rest of their ring time), the
   * others hung up; once the flow holds the call (`begin`), it is told what became
   * of each leg while nobody listened: gone → no answer; answered → answered (the
   * flow bridges it); still ringing → it rings on, to the end of its ring time.
   */
  private adoptCaller(orphan: OrphanCaller, legs: OrphanLeg[], adoption: Adoption): void {
    const callId = adoption.callId;
    const call = newCallRecord(callId, orphan.channelId, adoption.audio);
    if (adoption.playbackId) call.playbacks.set(`${callId}.${adoption.playbackId}`, adoption.playbackId);
    this.calls.set(callId, call);
    this.channelToCall.set(orphan.channelId, callId);
    for (const leg of legs) {
      const ringUntil = adoption.attempts[leg.attemptId];
      if (ringUntil === undefined) {
        void this.hangupChannel(leg.channelId);
        continue;
      }
      const timeoutMs = Math.max(0, ringUntil - this.now());
      call.attempts.set(leg.attemptId, { attemptId: leg.attemptId, channelId: leg.channelId, timeoutMs, answered: false, settled: false });
      this.channelToCall.set(leg.channelId, callId);
    }
    const recording = adoption.recording;
    const recordingName = recording ? recordingNameOf(recording.box, callId, recording.recordingId) : undefined;
    if (recording && recordingName) {
      call.recordings.set(recordingName, { recordingId: recording.recordingId, maxLengthMs: recording.maxLengthMs, ...(recording.silenceMs ? { silenceMs: recording.silenceMs } : {}), key: false });
    }
    this.log.info({ callId, event: 'call.resumed', channel: orphan.name, legs: legs.map((l) => `${l.name}: ${l.state}`), ...(recordingName ? { recording: recordingName } : {}) }, 'call of a previous life picked up');
    adoption.begin();
    if (recordingName) void this.takeBackRecording(call, recordingName);
    for (const attemptId of Object.keys(adoption.attempts)) {
      const attempt = call.attempts.get(attemptId);
      const leg = legs.find((l) => l.attemptId === attemptId);
      if (call.finished || call.hungUp) return;
      if (!attempt || !leg) this.handlers.onEvent(callId, { type: 'attemptFailed', attemptId, cause: 'noanswer' });
      else if (leg.state === 'Up') this.onChannelUp(leg.channelId);
      else if (leg.state === 'Ringing' || leg.state === 'Ring') {
        attempt.ringTimer = setTimeout(() => this.failAttempt(call, attempt, 'noanswer', true), attempt.timeoutMs);
      } else this.failAttempt(call, attempt, 'failed', true); // created, never dialled: it will not ring
    }
  }

  /**
   * A resumed call's recording: still going on (its RecordingFinished will come
   * to us), or finished while nobody listened — then its end is reported now, its
   * length read from the file Asterisk kept. The caller is on the line, so it
   * ended by max length, silence or '#'.
   */
  private async takeBackRecording(call: CallRecord, name: string): Promise<void> {
    const live = call.recordings.get(name);
    if (!live) return;
    const recordings = new AriRecordings(this.ari);
    try {
      if (await recordings.isLive(name)) {
        this.log.info({ callId: call.callId, event: 'recording.taken_back', recording: name }, 'the message is still being recorded: picked up by name');
        return;
      }
      const bytes = await recordings.storedBytes(name);
      if (!call.recordings.has(name)) return; // its RecordingFinished came meanwhile
      const durationMs = wavDurationMs(bytes);
      this.log.info({ callId: call.callId, event: 'recording.ended_unseen', recording: name, durationMs }, 'the message ended while no daemon listened');
      this.recordingEnded(call, name, { ...live, key: durationMs < live.maxLengthMs - 1000 && !live.silenceMs }, durationMs, false);
    } catch (err) {
      this.log.warn({ callId: call.callId, event: 'recording.take_back_failed', recording: name, error: (err as Error).message }, 'could not ask Asterisk about the recording; waiting for its end');
    }
  }

  /** A caller of a previous life that cannot be resumed: to the dialplan fallback (the secretariat). */
  private async handBackOrphan(orphan: OrphanCaller, reason: string): Promise<void> {
    this.log.warn({ event: 'call.orphan_caller', channel: orphan.name, caller: orphan.caller, reason }, `caller of an unknown call: handed to the dialplan fallback (${reason})`);
    this.handedBack.add(orphan.channelId); // until its StasisEnd: a StasisStart read late is not a new call
    await this.ari
      .request('continue in dialplan', (c) => c.channels.continueInDialplan({ channelId: orphan.channelId, context: 'from-trunk', extension: 'fallback', priority: 1 }))
      .catch(() => this.hangupChannel(orphan.channelId));
  }

  /**
   * Bridges of ours (`<callId>.bridge`) that no call of ours holds: a conversation
   * of a previous life keeps going (adopted); a bridge left with one side or none
   * is closed, its remaining channel hung up.
   */
  private async adoptBridges(present: Set<string>): Promise<void> {
    let bridges: { id: string; channels: string[] }[];
    try {
      bridges = (await this.ari.request('list bridges', (c) => c.bridges.list())) as unknown as { id: string; channels: string[] }[];
    } catch {
      return;
    }
    const known = new Set([...this.calls.values()].map((call) => call.bridgeId));
    for (const bridge of bridges) {
      if (!bridge.id.endsWith('.bridge') || known.has(bridge.id)) continue;
      const channels = bridge.channels.filter((id) => present.has(id));
      if (channels.length >= 2) {
        for (const id of channels) this.adopted.set(id, bridge.id);
        this.log.info({ event: 'call.adopted', bridgeId: bridge.id, channels }, 'conversation from before the reconnection: it goes on');
      } else {
        this.log.warn({ event: 'call.orphan_bridge', bridgeId: bridge.id, channels }, 'bridge left with one side or none: closed');
        await Promise.all(channels.map((id) => this.hangupChannel(id)));
        await this.ari.request('destroy bridge', (c) => c.bridges.destroy({ bridgeId: bridge.id })).catch(() => undefined);
      }
    }
  }

  /** One side of an adopted conversation left: hang up the other, close the bridge. */
  private async endAdopted(channelId: string): Promise<void> {
    const bridgeId = this.adopted.get(channelId);
    if (bridgeId === undefined) return;
    const others = [...this.adopted.entries()].filter(([, b]) => b === bridgeId).map(([id]) => id);
    for (const id of others) this.adopted.delete(id);
    this.log.info({ event: 'call.adopted_ended', bridgeId, by: channelId }, 'adopted conversation ended');
    await Promise.all(others.filter((id) => id !== channelId).map((id) => this.hangupChannel(id)));
    await this.ari.request('destroy bridge', (c) => c.bridges.destroy({ bridgeId })).catch(() => undefined);
  }

  /**
   * Stopping: the calls still held (connected conversations) are left to
   * Asterisk, where they go on and a next daemon adopts them; only our own
   * timers are dropped so the process can end.
   */
  detach(): void {
    for (const call of this.calls.values()) {
      for (const timer of call.timers.values()) clearTimeout(timer);
      call.timers.clear();
      clearTimeout(call.hangupPending);
      clearTimeout(call.hangupExpected);
      for (const attempt of call.attempts.values()) clearTimeout(attempt.ringTimer);
    }
  }
}

// The ARI adapter for calls: turns ARI events into the flow's CallEvents (here),
// the flow's Actions into ARI requests (actions.ts), and after a reconnection puts
// its calls back in line with Asterisk's channels (adoption.ts). It keeps, per call,
// only the ids that map one world onto the other (call-record.ts), and guarantees
// that a finished call leaves nothing behind in Asterisk or here.

import type { Logger } from 'pino';
import type { Action, AttemptFailure } from '../flow/contract';
import type { AriChannel, AriConnection, AriEvent } from './connection';
import { callIdOfRecording, recordingEndCause } from './recordings';
import { ActionRunner } from './actions';
import { writeCallState } from './call-snapshot';
import { realTimers, type Scheduler } from './call-timers';
import { Reconciler } from './adoption';
import {
  DIALPLAN_FALLBACK, failureFromCause, newCallRecord, OUTBOUND_TAG, RECORDING_SETTLE_MS,
  type AdapterCore, type Attempt, type CallRecord, type CallsHandlers, type LiveRecording, type Resolve,
} from './call-record';

export { recordingNameOf, recordingEndCause, parseRecordingName, arrivalOfCallId, type RecordingEnd } from './recordings';
export { failureFromCause, CALL_STATE_VAR, type Adoption, type CallsHandlers, type IncomingCall, type OrphanCaller, type Resolve } from './call-record';

export class AsteriskCalls implements AdapterCore {
  // The members AdapterCore names are the rooms' shared table and steps (actions.ts, adoption.ts).
  readonly calls = new Map<string, CallRecord>();
  /** Any channel Accueil handles (caller or ring leg) → its call id. */
  readonly channelToCall = new Map<string, string>();
  /**
   * Conversations connected by a previous life of the daemon, found on a
   * reconnection: channel → its bridge. They keep talking; when one side
   * leaves, the other is hung up and the bridge destroyed.
   */
  readonly adopted = new Map<string, string>();
  /** Callers of a previous life handed to the dialplan fallback, until they leave the application. */
  readonly handedBack = new Set<string>();
  private sequence = 0;
  private readonly actions = new ActionRunner(this);
  private readonly reconciler = new Reconciler(this);

  constructor(
    readonly ari: AriConnection,
    readonly app: string,
    readonly handlers: CallsHandlers,
    readonly log: Logger,
    readonly now: () => number = Date.now,
    readonly scheduler: Scheduler = realTimers,
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
      void this.reconciler.endAdopted(channel.id);
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
    const record = newCallRecord(callId, channel.id, 'none', this.scheduler);
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
    // The flow's ring timer alone decides "no answer" (it cancels the leg); Asterisk's dial
    // timeout, 2 s later, is only a safety net for a daemon that stopped listening.
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

  onChannelUp(channelId: string): void {
    const call = this.callOf(channelId);
    if (!call || call.channelId === channelId) return;
    const attempt = this.attemptOf(call, channelId);
    if (!attempt || attempt.answered || attempt.settled) return;
    attempt.answered = true;
    this.handlers.onEvent(call.callId, { type: 'attemptAnswered', attemptId: attempt.attemptId });
  }

  onChannelGone(channelId: string, cause: number | undefined): void {
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
    if (call.hungUp) return;
    if (call.bridgedAttempt === attempt.attemptId) {
      this.handlers.onEvent(call.callId, { type: 'peerHangup' });
    } else if (!attempt.settled) {
      attempt.settled = true;
      const failure = attempt.answered ? 'failed' : failureFromCause(cause, attempt.dialStatus);
      this.handlers.onEvent(call.callId, { type: 'attemptFailed', attemptId: attempt.attemptId, cause: failure });
    }
  }

  reportHangup(call: CallRecord): void {
    clearTimeout(call.hangupPending);
    call.hangupPending = undefined;
    if (call.finished) return;
    this.handlers.onEvent(call.callId, { type: 'callerHangup' });
    this.finish(call);
  }

  failAttempt(call: CallRecord, attempt: Attempt, cause: AttemptFailure, hangup: boolean): void {
    if (attempt.settled || attempt.answered) return;
    attempt.settled = true;
    if (hangup) void this.hangupChannel(attempt.channelId);
    if (!call.hungUp) this.handlers.onEvent(call.callId, { type: 'attemptFailed', attemptId: attempt.attemptId, cause });
  }

  private onPlaybackFinished(ariPlaybackId: string): void {
    // Our playback ids are `<callId>.<flow's id>`: the call is found, not searched for.
    const call = this.calls.get(ariPlaybackId.slice(0, ariPlaybackId.indexOf('.')));
    const playbackId = call?.playbacks.get(ariPlaybackId);
    if (!call || playbackId === undefined) return;
    call.playbacks.delete(ariPlaybackId);
    call.interruptible.delete(ariPlaybackId);
    if (!call.hungUp) this.handlers.onEvent(call.callId, { type: 'playbackFinished', playbackId });
    void writeCallState(this.ari, this.log, call);
  }

  private onRecordingFinished(recording: NonNullable<AriEvent['recording']>, failed: boolean): void {
    const callId = callIdOfRecording(recording.name);
    const call = callId === undefined ? undefined : this.calls.get(callId);
    const live = call?.recordings.get(recording.name);
    if (!call || live === undefined) return;
    this.recordingEnded(call, recording.name, live, Math.round((recording.duration ?? 0) * 1000), failed, recording.cause);
  }

  recordingEnded(call: CallRecord, name: string, live: LiveRecording, durationMs: number, failed: boolean, asteriskCause?: string): void {
    call.recordings.delete(name);
    const cause = recordingEndCause({ failed, hungUp: call.hungUp, key: live.key, durationMs, maxLengthMs: live.maxLengthMs, ...(live.silenceMs ? { silenceMs: live.silenceMs } : {}), ...(asteriskCause ? { cause: asteriskCause } : {}) });
    this.handlers.onEvent(call.callId, { type: 'recordingFinished', recordingId: live.recordingId, durationMs, cause });
    if (call.hangupPending && call.recordings.size === 0) this.reportHangup(call);
    else if (cause === 'hangup' && !call.hungUp && !call.finished) {
      // The flow lets a hung-up caller go without a hang-up: if the caller is in fact still there, do not leave them.
      call.hangupExpected = setTimeout(() => void this.hangupCall(call), RECORDING_SETTLE_MS);
    }
    void writeCallState(this.ari, this.log, call);
  }

  // ── flow actions → ARI ─────────────────────────────────────────────────────

  async hangupChannel(channelId: string): Promise<void> {
    try {
      await this.ari.request('hangup', (c) => c.channels.hangup({ channelId }));
    } catch {
      // Already gone (404) or Asterisk unreachable: reconciliation cleans up later.
    }
  }

  async hangupCall(call: CallRecord): Promise<void> {
    if (!call.hungUp) {
      call.hungUp = true;
      await this.hangupChannel(call.channelId);
    }
    this.finish(call);
  }

  /** Releases everything the call holds: ring legs, bridge, timers, maps. Idempotent. */
  finish(call: CallRecord): void {
    if (call.finished) return;
    call.finished = true;
    clearTimeout(call.hangupPending);
    clearTimeout(call.hangupExpected);
    call.timers.clear();
    for (const attempt of call.attempts.values()) {
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

  /** Runs a call's actions in order (actions.ts); a failing request is logged, never thrown at the flow. */
  execute(callId: string, actions: Action[], state?: string): Promise<void> {
    return this.actions.execute(callId, actions, state);
  }

  /** After a (re)connection: this life's calls and a previous life's callers against Asterisk's channels (adoption.ts). */
  reconcile(resolve?: Resolve): Promise<void> {
    return this.reconciler.reconcile(resolve);
  }

  /** What the adapter holds now (leak checks: all 0 when no call is in progress). */
  held(): { calls: number; channels: number; timers: number; adopted: number } {
    let timers = 0;
    for (const call of this.calls.values()) {
      timers += call.timers.size + (call.hangupPending ? 1 : 0) + (call.hangupExpected && !call.finished ? 1 : 0);
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
        c.channels.continueInDialplan({ channelId: call.channelId, ...DIALPLAN_FALLBACK }),
      );
    } catch (err) {
      this.log.error({ callId, event: 'call.handback_failed', error: (err as Error).message }, 'could not hand the call back to the dialplan');
      await this.hangupChannel(call.channelId);
    }
    this.finish(call);
  }

  /**
   * Stopping: the calls still held (connected conversations) are left to
   * Asterisk, where they go on and a next daemon adopts them; only our own
   * timers are dropped so the process can end.
   */
  detach(): void {
    for (const call of this.calls.values()) {
      call.timers.clear();
      clearTimeout(call.hangupPending);
      clearTimeout(call.hangupExpected);
    }
  }
}

// The flow's actions → ARI requests, one call's batch in order; a failing request
// is logged and reported to the flow as the failure it is, never thrown at it.

import { isAriAction, TAKE_MEDIA_PREFIX, type Action, type AriAction } from '../flow/contract';
import { OUTBOUND_TAG, type AdapterCore, type Attempt, type CallRecord } from './call-record';
import { recordingNameOf, takeNameOf } from './recordings';
import { callStateWritesDone, writeCallState } from './call-snapshot';

export class ActionRunner {
  constructor(private readonly core: AdapterCore) {}

  /** Runs a call's actions in order; a failing request is logged, never thrown at the flow. */
  async execute(callId: string, actions: Action[], state?: string): Promise<void> {
    const call = this.core.calls.get(callId);
    if (call && state !== undefined && !call.finished) call.unsavedState = state;
    for (const action of actions) {
      // Queue and store actions are the dispatcher's and the daemon's.
      if (!isAriAction(action)) continue;
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
        if (action.type === 'play' || action.type === 'record' || action.type === 'recordTake') await writeCallState(this.core.ari, this.core.log, call);
        // A recording must not start before the snapshot naming it is on the channel: a
        // write started meanwhile (a sound's end writes too) is waited for, or Asterisk
        // would queue it behind the whole recording.
        if (action.type === 'record' || action.type === 'recordTake') await callStateWritesDone(call);
        await this.perform(call, action);
      } catch (err) {
        this.core.log.warn({ callId, event: 'ari.action_failed', action: action.type, error: (err as Error).message }, `ARI ${action.type} failed`);
        if (action.type === 'dial') {
          const attempt = call.attempts.get(action.attemptId);
          if (attempt) this.core.failAttempt(call, attempt, 'failed', true);
        }
        if (action.type === 'record' || action.type === 'recordTake') {
          // No recording will ever finish: tell the flow, which ends the voicemail step
          // (an empty message is discarded) instead of leaving the caller in silence.
          call.recordings.delete(action.type === 'record' ? recordingNameOf(action.box, call.callId, action.recordingId) : takeNameOf(call.callId, action.recordingId));
          clearTimeout(call.hangupExpected);
          this.core.handlers.onEvent(call.callId, { type: 'recordingFinished', recordingId: action.recordingId, durationMs: 0, cause: 'hangup' });
        }
      }
    }
    if (call) void writeCallState(this.core.ari, this.core.log, call);
  }

  private async discardRecording(callId: string, box: string, recordingId: string): Promise<void> {
    await this.deleteStored(callId, recordingNameOf(box, callId, recordingId));
  }

  private async deleteStored(callId: string, recordingName: string): Promise<void> {
    await this.core.ari.request('delete recording', (c) => c.recordings.deleteStored({ recordingName }));
    this.core.log.info({ callId, event: 'recording.deleted', recordingName }, 'recording not kept: deleted');
  }

  private journal(callId: string, entry: Extract<Action, { type: 'journal' }>): void {
    this.core.log.info({ callId, step: entry.step, reason: entry.reason, ...entry.data }, `${entry.step}: ${entry.reason}`);
  }

  private async perform(call: CallRecord, action: AriAction): Promise<void> {
    const channelId = call.channelId;
    switch (action.type) {
      case 'journal':
        this.journal(call.callId, action);
        return;
      case 'answer':
        await this.core.ari.request('answer', (c) => c.channels.answer({ channelId }));
        return;
      case 'play': {
        const ariId = `${call.callId}.${action.playbackId}`;
        call.playbacks.set(ariId, action.playbackId);
        if (action.interruptible) call.interruptible.add(ariId);
        await this.core.handlers.prepareMedia?.(action.media);
        // A studio take is played from where Asterisk stored it.
        const media = action.media.map((m) => (m.startsWith(TAKE_MEDIA_PREFIX) ? `recording:${takeNameOf(call.callId, m.slice(TAKE_MEDIA_PREFIX.length))}` : m.includes(':') ? m : `sound:${m}`));
        await this.core.ari.request('play', (c) => c.channels.play({ channelId, media, playbackId: ariId }));
        return;
      }
      case 'stopPlayback': {
        const ariId = `${call.callId}.${action.playbackId}`;
        if (!call.playbacks.has(ariId)) return;
        // The flow no longer waits for it (its PlaybackFinished changes nothing), and a
        // playback that ended unseen (a previous life's) must not hold the call's state back.
        call.playbacks.delete(ariId);
        call.interruptible.delete(ariId);
        await this.core.ari.request('stop playback', (c) => c.playbacks.stop({ playbackId: ariId })).catch(() => undefined);
        void writeCallState(this.core.ari, this.core.log, call);
        return;
      }
      case 'ringback':
        await this.stopHoldMusic(call);
        call.ringing = true;
        await this.core.ari.request('ring', (c) => c.channels.ring({ channelId }));
        return;
      case 'holdMusic':
        await this.stopRingback(call);
        call.moh = true;
        await this.core.ari.request('start moh', (c) => c.channels.startMoh({ channelId, mohClass: action.musicClass }));
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
        await this.core.hangupChannel(attempt.channelId);
        return;
      }
      case 'bridge':
        await this.bridge(call, action.attemptId);
        return;
      case 'startTimer':
        // The flow chose the instant; the adapter only waits for it.
        call.timers.start(action.timerId, action.at - this.core.now(), () => {
          if (!call.hungUp) this.core.handlers.onEvent(call.callId, { type: 'timer', timerId: action.timerId });
        });
        return;
      case 'cancelTimer':
        call.timers.cancel(action.timerId);
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
        await this.core.hangupCall(call);
        return;
      default: {
        const unknown: never = action; // every ARI action has its case
        throw new Error(`no ARI request for ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async record(call: CallRecord, name: string, recordingId: string, maxLengthMs: number, silenceMs: number | undefined, beep: boolean): Promise<void> {
    call.recordings.set(name, { recordingId, maxLengthMs, ...(silenceMs ? { silenceMs } : {}), key: false });
    await this.core.ari.request('record', (c) =>
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
    this.core.channelToCall.set(channelId, call.callId);
    // create + dial (not originate): the leg enters Stasis before it rings, so no
    // early event (busy, answer) can be missed; it is dialled on its StasisStart.
    // The phone shows the leg's connected line (chan_pjsip builds From from it);
    // dial() is not given the caller, which would overwrite it with the caller's own ID.
    await this.core.ari.request('create channel', (c) =>
      c.channels.create({
        endpoint: action.endpoint,
        app: this.core.app,
        appArgs: [OUTBOUND_TAG, call.callId, action.attemptId].join(','),
        channelId,
        originator: call.channelId,
        variables: {
          'CONNECTEDLINE(name,i)': action.callerId.name,
          'CONNECTEDLINE(num,i)': action.callerId.number,
          'CALLERID(name)': action.callerId.name,
          'CALLERID(num)': action.callerId.number,
        },
      }),
    );
  }

  private async bridge(call: CallRecord, attemptId: string): Promise<void> {
    const attempt = call.attempts.get(attemptId);
    if (!attempt) return;
    await this.stopRingback(call);
    await this.stopHoldMusic(call);
    const bridgeId = `${call.callId}.bridge`;
    await this.core.ari.request('create bridge', (c) => c.bridges.create({ type: 'mixing', bridgeId, name: `accueil-${call.callId}` }));
    call.bridgeId = bridgeId;
    call.bridgedAttempt = attemptId;
    await this.core.ari.request('add to bridge', (c) =>
      c.bridges.addChannel({ bridgeId, channel: [call.channelId, attempt.channelId] }),
    );
  }

  private async stopRingback(call: CallRecord): Promise<void> {
    if (!call.ringing) return;
    call.ringing = false;
    await this.core.ari.request('ring stop', (c) => c.channels.ringStop({ channelId: call.channelId })).catch(() => undefined);
  }

  private async stopHoldMusic(call: CallRecord): Promise<void> {
    if (!call.moh) return;
    call.moh = false;
    await this.core.ari.request('stop moh', (c) => c.channels.stopMoh({ channelId: call.channelId })).catch(() => undefined);
  }
}

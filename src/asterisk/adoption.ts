// After a (re)connection to ARI: Asterisk's channels are the truth. The calls of
// this life are checked against them, a previous life's callers resumed (or handed
// to the dialplan fallback), its conversations adopted, its stray legs hung up.

import { newCallRecord, type AdapterCore, type Adoption, type CallRecord, type OrphanCaller, type OrphanLeg, type Resolve, CALL_STATE_VAR, DIALPLAN_FALLBACK, OUTBOUND_TAG } from './call-record';
import type { AriChannel } from './connection';
import { AriRecordings, recordingNameOf, wavDurationMs } from './recordings';

export class Reconciler {
  constructor(private readonly core: AdapterCore) {}

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
      channels = (await this.core.ari.request('list channels', (c) => c.channels.list())) as unknown as AriChannel[];
    } catch (err) {
      this.core.log.warn({ event: 'ari.reconcile_failed', error: (err as Error).message }, 'could not list channels to reconcile');
      return;
    }
    const present = new Set(channels.map((ch) => ch.id));
    for (const call of [...this.core.calls.values()]) {
      if (!present.has(call.channelId)) {
        this.core.log.warn({ callId: call.callId, event: 'call.lost', channelId: call.channelId }, 'caller channel gone while ARI was away');
        if (!call.hungUp) {
          call.hungUp = true;
          this.core.reportHangup(call);
        } else this.core.finish(call);
        continue;
      }
      for (const attempt of [...call.attempts.values()]) if (!present.has(attempt.channelId)) this.core.onChannelGone(attempt.channelId, undefined);
    }
    await this.adoptBridges(present);
    const orphans: OrphanCaller[] = [];
    const legs: OrphanLeg[] = [];
    for (const channel of channels) {
      if (this.core.channelToCall.has(channel.id) || this.core.adopted.has(channel.id)) continue;
      const data = channel.dialplan?.app_name === 'Stasis' ? channel.dialplan.app_data ?? '' : '';
      const [appName, tag, callId, attemptId] = data.split(',');
      if (appName !== this.core.app) continue;
      if (tag === OUTBOUND_TAG) legs.push({ callId: callId ?? '', attemptId: attemptId ?? '', channelId: channel.id, name: channel.name, state: channel.state });
      else orphans.push({ channelId: channel.id, name: channel.name, caller: channel.caller?.number ?? '', saved: undefined });
    }
    await Promise.all(orphans.map(async (orphan) => (orphan.saved = await this.savedState(orphan.channelId))));
    const claimed = new Set<string>();
    const resumed: { call: CallRecord; channelIds: string[] }[] = [];
    for (const orphan of orphans) {
      // The requests above gave the events time to arrive: a caller whose StasisStart
      // was read meanwhile is a call of this life (resuming it too would ring twice).
      if (this.core.channelToCall.has(orphan.channelId)) continue;
      const resolution = resolve ? resolve(orphan) : 'no call flow to resume it';
      if (typeof resolution === 'string') {
        await this.handBackOrphan(orphan, resolution);
        continue;
      }
      const own = legs.filter((leg) => leg.callId === resolution.callId);
      for (const leg of own) claimed.add(leg.channelId);
      const call = this.adoptCaller(orphan, own, resolution);
      resumed.push({ call, channelIds: [orphan.channelId, ...own.map((leg) => leg.channelId)] });
    }
    for (const leg of legs) {
      if (claimed.has(leg.channelId) || this.core.channelToCall.has(leg.channelId)) continue;
      this.core.log.warn({ event: 'call.orphan_leg', channel: leg.name }, 'ring leg of an unknown call: hung up');
      await this.core.hangupChannel(leg.channelId);
    }
    await this.lookAgain(resumed);
  }

  /**
   * The events of a resumed call's channels that came between the listing and the
   * adoption found no call (nobody knew those channels yet) and were dropped: a leg
   * answered then would ring on for ever in the flow's eyes. One more listing tells
   * what changed meanwhile — a leg answered, a leg or the caller gone. Only the
   * channels listed the first time are looked at (a leg dialled since may not exist
   * yet); events read from now on reach the call as usual, and each handler takes a
   * fact once, so a fact seen both ways counts once.
   */
  private async lookAgain(resumed: { call: CallRecord; channelIds: string[] }[]): Promise<void> {
    if (resumed.length === 0) return;
    let channels: AriChannel[];
    try {
      channels = (await this.core.ari.request('list channels', (c) => c.channels.list())) as unknown as AriChannel[];
    } catch {
      return; // Asterisk unreachable: the next reconnection reconciles again
    }
    const states = new Map(channels.map((ch) => [ch.id, ch.state]));
    for (const { call, channelIds } of resumed) {
      for (const channelId of channelIds) {
        if (call.finished) break;
        const state = states.get(channelId);
        if (state === undefined) this.core.onChannelGone(channelId, undefined);
        else if (state === 'Up') this.core.onChannelUp(channelId);
      }
    }
  }

  /** What a previous life kept on the channel, or undefined (none, or the channel is gone). */
  private async savedState(channelId: string): Promise<string | undefined> {
    try {
      const answer = (await this.core.ari.request('get variable', (c) => c.channels.getChannelVar({ channelId, variable: CALL_STATE_VAR }))) as unknown as {
        value?: string;
      };
      return answer.value ? answer.value : undefined;
    } catch {
      return undefined; // 404: never set
    }
  }

  /**
   * A caller of a previous life becomes call `callId` again. Its legs that the
   * call still waits for are taken back (with the rest of their ring time), the
   * others hung up; once the flow holds the call (`begin`), it is told what became
   * of each leg while nobody listened: gone → no answer; answered → answered (the
   * flow bridges it); still ringing → it rings on, to the end of its ring time.
   */
  private adoptCaller(orphan: OrphanCaller, legs: OrphanLeg[], adoption: Adoption): CallRecord {
    const callId = adoption.callId;
    const call = newCallRecord(callId, orphan.channelId, adoption.audio, this.core.scheduler);
    if (adoption.playbackId) call.playbacks.set(`${callId}.${adoption.playbackId}`, adoption.playbackId);
    this.core.calls.set(callId, call);
    this.core.channelToCall.set(orphan.channelId, callId);
    for (const leg of legs) {
      const ringUntil = adoption.attempts[leg.attemptId];
      if (ringUntil === undefined) {
        void this.core.hangupChannel(leg.channelId);
        continue;
      }
      const timeoutMs = Math.max(0, ringUntil - this.core.now());
      call.attempts.set(leg.attemptId, { attemptId: leg.attemptId, channelId: leg.channelId, timeoutMs, answered: false, settled: false });
      this.core.channelToCall.set(leg.channelId, callId);
    }
    const recording = adoption.recording;
    const recordingName = recording ? recordingNameOf(recording.box, callId, recording.recordingId) : undefined;
    if (recording && recordingName) {
      call.recordings.set(recordingName, { recordingId: recording.recordingId, maxLengthMs: recording.maxLengthMs, ...(recording.silenceMs ? { silenceMs: recording.silenceMs } : {}), key: false });
    }
    this.core.log.info({ callId, event: 'call.resumed', channel: orphan.name, legs: legs.map((l) => `${l.name}: ${l.state}`), ...(recordingName ? { recording: recordingName } : {}) }, 'call of a previous life picked up');
    adoption.begin();
    if (recordingName) void this.takeBackRecording(call, recordingName);
    for (const attemptId of Object.keys(adoption.attempts)) {
      const attempt = call.attempts.get(attemptId);
      const leg = legs.find((l) => l.attemptId === attemptId);
      if (call.finished || call.hungUp) return call;
      if (!attempt || !leg) this.core.handlers.onEvent(callId, { type: 'attemptFailed', attemptId, cause: 'noanswer' });
      else if (leg.state === 'Up') this.core.onChannelUp(leg.channelId);
      // Still ringing: it rings on, until the flow's ring timer (restarted at its original end) says no answer.
      else if (leg.state !== 'Ringing' && leg.state !== 'Ring') this.core.failAttempt(call, attempt, 'failed', true); // created, never dialled: it will not ring
    }
    return call;
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
    const recordings = new AriRecordings(this.core.ari);
    try {
      if (await recordings.isLive(name)) {
        this.core.log.info({ callId: call.callId, event: 'recording.taken_back', recording: name }, 'the message is still being recorded: picked up by name');
        return;
      }
      const bytes = await recordings.storedBytes(name);
      if (!call.recordings.has(name)) return; // its RecordingFinished came meanwhile
      const durationMs = wavDurationMs(bytes);
      this.core.log.info({ callId: call.callId, event: 'recording.ended_unseen', recording: name, durationMs }, 'the message ended while no daemon listened');
      this.core.recordingEnded(call, name, { ...live, key: durationMs < live.maxLengthMs - 1000 && !live.silenceMs }, durationMs, false);
    } catch (err) {
      this.core.log.warn({ callId: call.callId, event: 'recording.take_back_failed', recording: name, error: (err as Error).message }, 'could not ask Asterisk about the recording; waiting for its end');
    }
  }

  /** A caller of a previous life that cannot be resumed: to the dialplan fallback (the secretariat). */
  private async handBackOrphan(orphan: OrphanCaller, reason: string): Promise<void> {
    this.core.log.warn({ event: 'call.orphan_caller', channel: orphan.name, caller: orphan.caller, reason }, `caller of an unknown call: handed to the dialplan fallback (${reason})`);
    this.core.handedBack.add(orphan.channelId); // until its StasisEnd: a StasisStart read late is not a new call
    await this.core.ari
      .request('continue in dialplan', (c) => c.channels.continueInDialplan({ channelId: orphan.channelId, ...DIALPLAN_FALLBACK }))
      .catch(() => this.core.hangupChannel(orphan.channelId));
  }

  /**
   * Bridges of ours (`<callId>.bridge`) that no call of ours holds: a conversation
   * of a previous life keeps going (adopted); a bridge left with one side or none
   * is closed, its remaining channel hung up.
   */
  private async adoptBridges(present: Set<string>): Promise<void> {
    let bridges: { id: string; channels: string[] }[];
    try {
      bridges = (await this.core.ari.request('list bridges', (c) => c.bridges.list())) as unknown as { id: string; channels: string[] }[];
    } catch {
      return;
    }
    const known = new Set([...this.core.calls.values()].map((call) => call.bridgeId));
    for (const bridge of bridges) {
      if (!bridge.id.endsWith('.bridge') || known.has(bridge.id)) continue;
      const channels = bridge.channels.filter((id) => present.has(id));
      if (channels.length >= 2) {
        for (const id of channels) this.core.adopted.set(id, bridge.id);
        this.core.log.info({ event: 'call.adopted', bridgeId: bridge.id, channels }, 'conversation from before the reconnection: it goes on');
      } else {
        this.core.log.warn({ event: 'call.orphan_bridge', bridgeId: bridge.id, channels }, 'bridge left with one side or none: closed');
        await Promise.all(channels.map((id) => this.core.hangupChannel(id)));
        await this.core.ari.request('destroy bridge', (c) => c.bridges.destroy({ bridgeId: bridge.id })).catch(() => undefined);
      }
    }
  }

  /** One side of an adopted conversation left: hang up the other, close the bridge. */
  async endAdopted(channelId: string): Promise<void> {
    const bridgeId = this.core.adopted.get(channelId);
    if (bridgeId === undefined) return;
    const others = [...this.core.adopted.entries()].filter(([, b]) => b === bridgeId).map(([id]) => id);
    for (const id of others) this.core.adopted.delete(id);
    this.core.log.info({ event: 'call.adopted_ended', bridgeId, by: channelId }, 'adopted conversation ended');
    await Promise.all(others.filter((id) => id !== channelId).map((id) => this.core.hangupChannel(id)));
    await this.core.ari.request('destroy bridge', (c) => c.bridges.destroy({ bridgeId })).catch(() => undefined);
  }
}

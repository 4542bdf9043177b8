// The daemon's heart: every call's events go through the pure flow interpreter,
// its actions go to Asterisk, and its queue actions to the one dispatcher that
// decides which waiting caller a freed line is presented to. A call keeps the
// plan version it started with (its CallContext holds that Plan); a reload
// changes only new calls.

import type { Logger } from 'pino';
import { stateAt } from '../calendar';
import { handleEvent, isEnded, parseSnapshot, resumeCall, snapshotOf, startCall, type CallState, type IsOpen } from '../flow';
import type { Action, CallEvent } from '../flow/contract';
import { applyQueueActions, describeOverflow, Dispatcher, linesOfDevice } from '../lines';
import type { Plan } from '../plan/types';
import { AsteriskCalls, type Adoption, type IncomingCall, type OrphanCaller } from '../asterisk/calls';
import type { AriConnection } from '../asterisk/connection';
import { DeviceStates } from '../asterisk/device-states';
import { MailboxLamps } from '../asterisk/mailboxes';
import type { MessageFate, MessageKeeper } from './messages';
import { waitsForMessage, withFate } from './message-journal';
import type { RecordedAnnouncements } from '../announce/recorded';
import { AriRecordings, takeNameOf } from '../asterisk/recordings';

/** Open/closed for the flow, from the plan's calendars. */
export function isOpenFor(plan: Plan): IsOpen {
  return (calendarName, atMs) => {
    const calendar = plan.calendars[calendarName];
    if (!calendar) return { open: true, reason: `open: no calendar "${calendarName}"` };
    // stateAt, not evaluate: a call needs no "next change" search.
    const answer = stateAt(calendar, atMs);
    return { open: answer.open, reason: answer.text, announcement: answer.announcement };
  };
}

/** The Asterisk devices of a plan's lines ("PJSIP/secretariat"). */
export function devicesOf(plan: Plan): string[] {
  return [...new Set(Object.values(plan.lines).map((l) => l.endpoint))];
}

export interface DaemonOptions {
  ari: AriConnection;
  app: string;
  /** The plan in force now (the last good one). */
  plan: () => Plan | undefined;
  log: Logger;
  /** Every journal entry of every call (metrics). */
  onJournal?: (entry: Record<string, unknown>) => void;
  /** Where kept voicemail messages go (store + notification); absent = left where Asterisk wrote them. */
  messages?: MessageKeeper;
  /** Every line's device state as Asterisk reports it (metrics). */
  onLineState?: (line: string, state: string) => void;
  /** Texts with calendar placeholders: their media for a call (src/announce), and rendering before a play. */
  speech?: {
    mediaAt: (text: string, plan: Plan, calendar: string | undefined, at: number) => string;
    prepare: (media: string[]) => Promise<unknown>;
  };
  /** Recording by phone (the studio): the takes kept so far, and the PIN read from the environment variable the plan names. */
  studio?: {
    recorded: RecordedAnnouncements;
    pin: (envName: string) => string | undefined;
  };
  now?: () => number;
}

export class Daemon {
  readonly calls: AsteriskCalls;
  readonly dispatcher = new Dispatcher();
  private readonly devices: DeviceStates;
  private readonly states = new Map<string, CallState>();
  /** Per call, the chain of action batches: a batch runs after the previous one finished. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Per call, the fate of the message it left, while its journal still speaks of it. */
  private readonly fates = new Map<string, Promise<MessageFate>>();
  /** Per call, the snapshot last kept on its channel (written again only when it changes). */
  private readonly saved = new Map<string, string>();
  private wakeTimer: NodeJS.Timeout | undefined;
  /** A dispatch round is running; another was asked for meanwhile. */
  private dispatching = false;
  private dispatchAgain = false;
  private readonly now: () => number;
  private accepting = true;

  constructor(private readonly options: DaemonOptions) {
    this.now = options.now ?? Date.now;
    this.calls = new AsteriskCalls(
      options.ari,
      options.app,
      {
        onIncoming: (call) => this.onIncoming(call),
        onEvent: (callId, event) => this.onEvent(callId, event),
        onFinished: (callId) => this.onFinished(callId),
        ...(options.speech ? { prepareMedia: options.speech.prepare } : {}),
      },
      options.log,
      this.now,
    );
    this.devices = new DeviceStates(options.ari, options.app, (device, state) => this.onDeviceState(device, state), options.log);
    const lamps = new MailboxLamps(options.ari, options.log);
    options.ari.on('connected', () => {
      void this.calls.reconcile((orphan) => this.resume(orphan)).then(() => {
        this.dispatch();
        // After the reconciliation, so a recording taken back by a resumed call is not mistaken for a lost one.
        return options.messages?.connected();
      });
      void this.watchDevices(true);
      // Asterisk may have restarted and forgotten the mailboxes' state: set them all again.
      options.messages?.lamps((box, counts) => lamps.set(box, counts), Object.keys(options.plan()?.voicemail ?? {}));
    });
  }

  /** Calls the daemon holds now. */
  get activeCalls(): number {
    return this.states.size;
  }

  /** What the daemon holds now, by kind: all 0 when no call is in progress (a value left above 0 is a leak). */
  held(): Record<string, number> {
    const adapter = this.calls.held();
    return {
      flows: this.states.size,
      actionQueues: this.queues.size,
      savedStates: this.saved.size,
      waiting: this.dispatcher.waiting().length,
      calls: adapter.calls,
      channels: adapter.channels,
      timers: adapter.timers,
      adoptedChannels: adapter.adopted,
    };
  }

  /** Stop taking new calls: they are handed back to the dialplan (its fallback). */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * A new plan is in force: watch its lines, and send callers waiting in a
   * group the new plan removed to that group's overflow (of their own plan).
   */
  planChanged(plan: Plan): void {
    void this.watchDevices(false);
    this.options.messages?.watchBoxes(Object.keys(plan.voicemail));
    for (const { callerId, group } of this.dispatcher.reload(plan.groups)) {
      this.options.log.info({ callId: callerId, event: 'queue.group_removed', group }, `group ${group} removed by reload: caller sent to its overflow`);
      this.onEvent(callerId, { type: 'overflow', reason: 'group removed by reload' });
    }
    this.dispatch();
  }

  /**
   * Graceful stop: no new calls (they go to the dialplan fallback), callers not
   * yet connected are handed back to it too, connected calls may finish within
   * `graceMs`; whatever is still bridged then keeps talking in Asterisk.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopAccepting();
    clearTimeout(this.wakeTimer);
    // Let the ARI requests already decided finish first (a bridge half made would
    // leave the caller alone in it); each request is bounded by its own timeout.
    await Promise.all(this.queues.values());
    await Promise.all(
      [...this.states.entries()].filter(([, state]) => !state.answered).map(([callId]) => this.calls.handBack(callId)),
    );
    const deadline = this.now() + graceMs;
    while (this.states.size > 0 && this.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (this.states.size > 0) {
      this.options.log.info({ event: 'daemon.handed_over', calls: this.states.size }, `${this.states.size} connected call(s) left to Asterisk; the next start adopts them`);
    }
    this.calls.detach();
  }

  private async watchDevices(fresh: boolean): Promise<void> {
    const plan = this.options.plan();
    if (plan) await this.devices.watch(devicesOf(plan), fresh);
  }

  private onDeviceState(device: string, state: string): void {
    const plan = this.options.plan();
    if (!plan) return;
    const now = this.now();
    for (const line of linesOfDevice(plan.lines, device)) {
      this.dispatcher.deviceState(line, state, now);
      this.options.onLineState?.(line, state);
    }
    this.dispatch();
  }

  private onIncoming(call: IncomingCall): void {
    const log = this.options.log;
    const plan = this.options.plan();
    if (!plan || !this.accepting) {
      log.warn({ callId: call.callId, event: 'call.handed_back', called: call.called }, plan ? 'stopping: call handed to the dialplan fallback' : 'no plan loaded: call handed to the dialplan fallback');
      void this.calls.handBack(call.callId);
      return;
    }
    log.info({ callId: call.callId, step: 'incoming', called: call.called, caller: call.caller, planVersion: plan.version }, `incoming call to ${call.called} from ${call.caller || 'unknown'}`);
    const speech = this.options.speech;
    const studio = this.options.studio;
    const pin = studio && plan.studio ? studio.pin(plan.studio.pinEnv) : undefined;
    const step = startCall(
      {
        callId: call.callId, plan, called: call.called, caller: call.caller, arrivedAt: this.now(),
        ...(speech ? { speech: (text, cal, at) => speech.mediaAt(text, plan, cal, at) } : {}),
        ...(studio ? { recorded: (name: string) => studio.recorded.mediaOf(name) } : {}),
        ...(pin !== undefined ? { studioPin: pin } : {}),
      },
      isOpenFor(plan),
    );
    this.apply(call.callId, step.state, step.actions);
  }

  /**
   * A caller a previous life of the daemon held: its call is rebuilt from the
   * snapshot kept on its channel, with the plan in force; a string says why not
   * (the adapter then sends the caller to the dialplan fallback).
   */
  private resume(orphan: OrphanCaller): Adoption | string {
    const plan = this.options.plan();
    if (!plan) return 'no plan loaded';
    if (!this.accepting) return 'stopping';
    if (orphan.saved === undefined) return 'no call state on the channel';
    const snapshot = parseSnapshot(orphan.saved);
    if (typeof snapshot === 'string') return `unreadable call state: ${snapshot}`;
    if (this.states.has(snapshot.callId)) return `call ${snapshot.callId} is already held`;
    const speech = this.options.speech;
    const resumed = resumeCall(snapshot, plan, this.now(), speech ? (text, cal, at) => speech.mediaAt(text, plan, cal, at) : undefined);
    if (typeof resumed === 'string') return resumed;
    const callId = snapshot.callId;
    return {
      callId,
      audio: snapshot.audio.kind,
      attempts: resumed.attempts,
      ...(snapshot.playbackId ? { playbackId: snapshot.playbackId } : {}),
      ...(resumed.recording ? { recording: resumed.recording } : {}),
      begin: () => this.apply(callId, resumed.state, resumed.actions),
    };
  }

  private onEvent(callId: string, event: CallEvent): void {
    const state = this.states.get(callId);
    if (!state) return;
    const step = handleEvent(state, event, this.now());
    this.apply(callId, step.state, step.actions);
  }

  private apply(callId: string, state: CallState, actions: Action[]): void {
    this.states.set(callId, state);
    for (const a of actions) {
      if (a.type === 'keepRecording' && this.options.messages) this.fates.set(callId, this.options.messages.keep(state, a));
      if (a.type === 'keepTake') void this.keepTake(callId, a);
    }
    // The lines about a message left wait for the store's answer, which they report.
    const fate = this.fates.get(callId);
    const later = fate ? actions.filter(waitsForMessage) : [];
    if (later.length > 0) {
      actions = actions.filter((a) => !later.includes(a as (typeof later)[number]));
      void fate!.then((known) => {
        const lines = later.map((entry) => withFate(entry, known));
        for (const a of lines) this.options.onJournal?.({ callId, step: a.step, reason: a.reason, ...a.data });
        if (lines.some((a) => a.step === 'outcome')) this.fates.delete(callId);
        const previous = this.queues.get(callId) ?? Promise.resolve();
        const next = previous.then(() => this.calls.execute(callId, lines));
        if (this.states.has(callId)) this.queues.set(callId, next);
      });
    }
    for (const a of actions) {
      if (a.type === 'journal') this.options.onJournal?.({ callId, step: a.step, reason: a.reason, ...a.data });
    }
    // What a next life of the daemon needs to pick the call up, kept on its channel
    // (by the adapter, when the channel is idle), only when it changed.
    const snapshot = snapshotOf(state);
    let text = snapshot && JSON.stringify(snapshot);
    if (text === this.saved.get(callId)) text = undefined;
    else if (text !== undefined) this.saved.set(callId, text);
    const previous = this.queues.get(callId) ?? Promise.resolve();
    const next = previous.then(() => this.calls.execute(callId, actions, text));
    this.queues.set(callId, next);
    if (isEnded(state)) void next.then(() => this.forget(callId));
    // Queue actions reach the dispatcher at once (not after the ARI requests), so
    // its view of who waits and which line is reserved never lags the flows'.
    applyQueueActions(this.dispatcher, callId, state.ctx.plan, actions, this.now());
    this.dispatch();
  }

  /** A studio take kept: it plays for that announcement from the next call on; the take it replaces is deleted. */
  private async keepTake(callId: string, a: Extract<Action, { type: 'keepTake' }>): Promise<void> {
    const log = this.options.log;
    const studio = this.options.studio;
    if (!studio) return;
    const recording = takeNameOf(callId, a.recordingId);
    try {
      const previous = await studio.recorded.keep(a.announcement, { recording, durationMs: a.durationMs, keptAt: this.now(), callId });
      log.info({ callId, event: 'studio.kept', announcement: a.announcement, recording, durationMs: a.durationMs }, `${a.announcement} recorded by phone: in force for new calls`);
      if (previous && previous.recording !== recording) {
        await new AriRecordings(this.options.ari).remove(previous.recording).catch((err: Error) =>
          log.warn({ event: 'studio.old_take_not_deleted', recording: previous.recording, error: err.message }, 'the take replaced could not be deleted'),
        );
      }
    } catch (err) {
      log.error({ callId, event: 'studio.keep_failed', announcement: a.announcement, error: (err as Error).message }, `could not remember the take of ${a.announcement}`);
    }
  }

  /**
   * Presents freed lines to the callers who waited longest; one wake-up timer for the
   * next change. A loop, not a recursion: a flow's answer to an offer (apply) asks for
   * another round, which runs once this decision's offers are all given.
   */
  private dispatch(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      let nextWakeAt: number | undefined;
      do {
        this.dispatchAgain = false;
        const decision = this.dispatcher.dispatch(this.now());
        for (const offer of decision.offers) this.onEvent(offer.callerId, { type: 'offer', lines: offer.lines });
        for (const overflow of decision.overflows) this.onEvent(overflow.callerId, { type: 'overflow', reason: describeOverflow(overflow.reason) });
        nextWakeAt = decision.nextWakeAt;
      } while (this.dispatchAgain);
      clearTimeout(this.wakeTimer);
      this.wakeTimer = undefined;
      if (nextWakeAt !== undefined) this.wakeTimer = setTimeout(() => this.dispatch(), Math.max(0, nextWakeAt - this.now()));
    } finally {
      this.dispatching = false;
    }
  }

  private onFinished(callId: string): void {
    // The caller is gone: let the last batch (cleanup journal) run, then forget.
    const pending = this.queues.get(callId) ?? Promise.resolve();
    void pending.then(() => this.forget(callId));
  }

  private forget(callId: string): void {
    const state = this.states.get(callId);
    if (state && !isEnded(state) && this.calls.has(callId)) return;
    this.states.delete(callId);
    this.queues.delete(callId);
    this.saved.delete(callId);
    this.fates.delete(callId); // a line still waiting for it holds its own reference
    // Safety net (idempotent): a call that is gone waits nowhere.
    this.dispatcher.dequeue(callId, this.now());
    this.dispatch();
  }
}

// The daemon's heart: every call's events go through the pure flow interpreter,
// and its actions go to Asterisk. A call keeps the plan version it started with
// (its CallContext holds that Plan); a reload changes only new calls.

import type { Logger } from 'pino';
import { stateAt } from '../calendar';
import { handleEvent, isEnded, rememberAnswer, startCall, type CallState, type IsOpen } from '../flow';
import type { CallEvent } from '../flow/contract';
import type { Plan } from '../plan/types';
import { AsteriskCalls, type IncomingCall } from '../asterisk/calls';
import type { AriConnection } from '../asterisk/connection';

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

export interface DaemonOptions {
  ari: AriConnection;
  app: string;
  /** The plan in force now (the last good one). */
  plan: () => Plan | undefined;
  log: Logger;
  now?: () => number;
}

export class Daemon {
  readonly calls: AsteriskCalls;
  private readonly states = new Map<string, CallState>();
  /** Per call, the chain of action batches: a batch runs after the previous one finished. */
  private readonly queues = new Map<string, Promise<void>>();
  private rrMemory: Readonly<Record<string, string>> = {};
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
      },
      options.log,
      this.now,
    );
  }

  /** Calls the daemon holds now. */
  get activeCalls(): number {
    return this.states.size;
  }

  /** Stop taking new calls: they are handed back to the dialplan (its fallback). */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * Graceful stop: no new calls (they go to the dialplan fallback), callers not
   * yet connected are handed back to it too, connected calls may finish within
   * `graceMs`; whatever is still bridged then keeps talking in Asterisk.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopAccepting();
    await Promise.all(
      [...this.states.entries()].filter(([, state]) => !state.answered).map(([callId]) => this.calls.handBack(callId)),
    );
    const deadline = this.now() + graceMs;
    while (this.states.size > 0 && this.now() < deadline) await new Promise((r) => setTimeout(r, 100));
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
    const step = startCall(
      { callId: call.callId, plan, called: call.called, caller: call.caller, now: this.now(), rrMemory: this.rrMemory },
      isOpenFor(plan),
    );
    this.apply(call.callId, step.state, step.actions);
  }

  private onEvent(callId: string, event: CallEvent): void {
    const state = this.states.get(callId);
    if (!state) return;
    const step = handleEvent(state, event, this.now());
    this.apply(callId, step.state, step.actions);
  }

  private apply(callId: string, state: CallState, actions: Parameters<AsteriskCalls['execute']>[1]): void {
    this.states.set(callId, state);
    if (state.answered) this.rrMemory = rememberAnswer(this.rrMemory, state);
    const previous = this.queues.get(callId) ?? Promise.resolve();
    const next = previous.then(() => this.calls.execute(callId, actions));
    this.queues.set(callId, next);
    if (isEnded(state)) void next.then(() => this.forget(callId));
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
  }
}

// The daemon's Prometheus metrics. A Registry of its own (not prom-client's
// global one) so tests and several daemons in one process never share counters.
//
// Two ways in:
// - observeJournal(entry): the structured journal line of a call, exactly as it
//   is logged ({ callId, step, ...data }). Per call it remembers the number and
//   the group the caller waits in, and counts the call at its `outcome` line.
// - bind(sources): counters the daemon already keeps (plan reloads, ARI
//   reconnects, active calls) are read at scrape time, so nothing has to push.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Label used for called numbers that are not in the plan: the label set stays bounded. */
export const OTHER_NUMBER = 'other';

export interface CallFinished {
  /** The plan's E.164 key of the called number, or OTHER_NUMBER. */
  number: string;
  /** The flow's result: answered, voicemail, callerHangup, hangup, announcement. */
  outcome: string;
  /** From arrival to answer, start of recording, or the end of the call. */
  waitedMs: number;
  /** From arrival to answer, answered calls only. */
  answeredMs?: number;
}

export interface MetricSources {
  activeCalls?: () => number;
  /** What the daemon holds now, by kind (calls, channels, timers, queue entries…): all 0 when idle. */
  held?: () => Record<string, number>;
  planReloads?: () => { ok: number; failed: number };
  ariReconnects?: () => number;
}

/** One journal line as logged: `{ callId, step, reason, ...data }`; anything else is ignored. */
export type JournalEntry = Record<string, unknown>;

interface CallTrack {
  number: string;
  group: string | undefined;
}

// Seconds: a caller hears ringing for a few seconds to a few minutes.
const WAIT_BUCKETS = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];

/** Calls tracked at once beyond which the oldest is dropped (a call whose outcome never came). */
const MAX_TRACKED = 10_000;

export class Metrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};
  private readonly calls = new Map<string, CallTrack>();
  private readonly lineStates = new Map<string, string>();

  readonly callsTotal = new Counter({
    name: 'accueil_calls_total',
    help: 'Calls finished, by called number (plan key, "other" when not in the plan) and outcome',
    labelNames: ['number', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly waitSeconds = new Histogram({
    name: 'accueil_wait_seconds',
    help: 'How long callers waited: from arrival to answer, voicemail recording, or the end of the call',
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });

  readonly answerSeconds = new Histogram({
    name: 'accueil_answer_seconds',
    help: 'Time from arrival to answer, answered calls only',
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });

  readonly waitingCallers = new Gauge({
    name: 'accueil_waiting_callers',
    help: 'Callers in a group now (lines ringing or on hold), by group',
    labelNames: ['group'] as const,
    registers: [this.registry],
  });

  readonly lineState = new Gauge({
    name: 'accueil_line_state',
    help: 'Device state of each line as Asterisk reports it (one series per line, value 1, label state = NOT_INUSE, INUSE, RINGING, UNAVAILABLE...)',
    labelNames: ['line', 'state'] as const,
    registers: [this.registry],
  });

  readonly voicemailMessages = new Counter({
    name: 'accueil_voicemail_messages_total',
    help: 'Messages left in voicemail, by result: stored (in the message store; also counted when a retry stores one that had failed), failed (could not be stored when left: kept in Asterisk and retried)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly planReloads: Counter<'result'>;
  readonly ariReconnects: Counter;
  readonly activeCalls: Gauge;
  readonly held: Gauge<'kind'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const self = this;
    // Counters owned elsewhere (PlanHolder, AriConnection) are copied at scrape
    // time: a reset+inc in collect() keeps the counter type Prometheus expects.
    this.planReloads = new Counter({
      name: 'accueil_plan_reloads_total',
      help: 'Plan reloads after the start, by result (ok: the new plan is in force; failed: refused, the last good plan still serves)',
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        const counts = self.sources.planReloads?.();
        if (!counts) return;
        this.reset();
        this.inc({ result: 'ok' }, counts.ok);
        this.inc({ result: 'failed' }, counts.failed);
      },
    });
    this.ariReconnects = new Counter({
      name: 'accueil_ari_reconnects_total',
      help: 'Times the ARI connection came back after being lost',
      registers: [this.registry],
      collect() {
        const n = self.sources.ariReconnects?.();
        if (n === undefined) return;
        this.reset();
        this.inc(n);
      },
    });
    this.activeCalls = new Gauge({
      name: 'accueil_active_calls',
      help: 'Calls the daemon holds now',
      registers: [this.registry],
      collect() {
        // Without a source, the calls seen in the journal and not yet finished.
        this.set(self.sources.activeCalls?.() ?? self.calls.size);
      },
    });
    this.held = new Gauge({
      name: 'accueil_held',
      help: 'What the daemon holds now, by kind (flows, calls, channels, timers, action queues, waiting callers, saved states): all 0 when no call is in progress; a value left above 0 is a leak',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      collect() {
        const held = self.sources.held?.();
        if (!held) return;
        this.reset();
        for (const [kind, n] of Object.entries(held)) this.set({ kind }, n);
      },
    });
    // Both series from the start: a scrape shows "0 failed", not nothing.
    for (const result of ['stored', 'failed'] as const) this.voicemailMessages.inc({ result }, 0);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Where the scrape-time counters come from. */
  bind(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  callFinished(call: CallFinished): void {
    this.callsTotal.inc({ number: call.number, outcome: call.outcome });
    this.waitSeconds.observe(Math.max(0, call.waitedMs) / 1000);
    if (call.answeredMs !== undefined) this.answerSeconds.observe(Math.max(0, call.answeredMs) / 1000);
  }

  /** A message left was stored, or could not be (src/daemon/messages.ts). */
  voicemailMessage(result: 'stored' | 'failed'): void {
    this.voicemailMessages.inc({ result });
  }

  /** A line's device state changed (ARI DeviceStateChanged: NOT_INUSE, INUSE, RINGING, UNAVAILABLE…). */
  setLineState(line: string, state: string): void {
    // One series per line: the state it left is removed, not left at 0.
    const previous = this.lineStates.get(line);
    if (previous !== undefined && previous !== state) this.lineState.remove({ line, state: previous });
    this.lineStates.set(line, state);
    this.lineState.set({ line, state }, 1);
  }

  /** Feed one journal line of a call. */
  observeJournal(entry: JournalEntry): void {
    const callId = entry.callId;
    const step = entry.step;
    if (typeof callId !== 'string' || typeof step !== 'string') return;
    switch (step) {
      case 'number': {
        // Numbers not in the plan are journaled without a name: one "other" label.
        const inPlan = typeof entry.name === 'string' && typeof entry.number === 'string';
        this.track(callId, { number: inPlan ? (entry.number as string) : OTHER_NUMBER, group: undefined });
        return;
      }
      case 'group':
        if (typeof entry.group === 'string') this.enterGroup(callId, entry.group);
        return;
      case 'answered':
      case 'overflow':
        this.leaveGroup(callId);
        return;
      case 'outcome':
        this.finish(callId, entry);
        return;
      default:
        return;
    }
  }

  /** Calls tracked from the journal and not finished yet (for tests and the active-calls fallback). */
  get trackedCalls(): number {
    return this.calls.size;
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private track(callId: string, track: CallTrack): void {
    if (this.calls.size >= MAX_TRACKED && !this.calls.has(callId)) {
      const oldest = this.calls.keys().next().value as string;
      this.leaveGroup(oldest);
      this.calls.delete(oldest);
    }
    this.calls.set(callId, track);
  }

  private enterGroup(callId: string, group: string): void {
    const call = this.calls.get(callId) ?? { number: OTHER_NUMBER, group: undefined };
    if (!this.calls.has(callId)) this.track(callId, call);
    if (call.group === group) return;
    this.leaveGroup(callId);
    call.group = group;
    this.waitingCallers.inc({ group });
  }

  private leaveGroup(callId: string): void {
    const call = this.calls.get(callId);
    if (!call?.group) return;
    this.waitingCallers.dec({ group: call.group });
    call.group = undefined;
  }

  private finish(callId: string, entry: JournalEntry): void {
    this.leaveGroup(callId);
    const call = this.calls.get(callId);
    this.calls.delete(callId);
    const durations = (entry.durations ?? {}) as { waitedMs?: unknown };
    const waitedMs = typeof durations.waitedMs === 'number' ? durations.waitedMs : 0;
    const outcome = typeof entry.result === 'string' ? entry.result : 'unknown';
    this.callFinished({
      number: call?.number ?? OTHER_NUMBER,
      outcome,
      waitedMs,
      // An answered call's wait ends at the answer (flow/route.ts endCall).
      ...(outcome === 'answered' ? { answeredMs: waitedMs } : {}),
    });
  }
}

// A simulated executor, beside the daemon (outside the pure core: it wires the flow
// to a dispatcher as the daemon does): drives the interpreter with a virtual clock, the
// way the ARI adapter drives it with the real one. Pure (no I/O, no clock): `accueil
// simulate` and the unit tests use it, and an end-to-end test can compare its journey
// to a live call's.
//
// Model: timers fire at their `at`; a sound lasts `playbackMs(media)` (default 3 s per
// media); a dialled line answers `answer[line]` ms after it starts ringing (if that is
// within the attempt's timeout), is busy or unavailable at once when listed so, and
// otherwise rings out at its timeout; an interruptible sound stops on a key; after the
// bridge the caller (or, with `peerHangsUp`, the line) hangs up after `talkMs`; a
// voicemail message lasts `messageMs` and ends with the caller hanging up.
// Groups go through a Dispatcher (src/lines), as in the daemon: `busy` lines are in use
// (device INUSE) from the start, for the whole simulation or until `busyUntil`; the
// caller waits for them. `refuse` lines answer 486 when presented (a human rejects).

import type { Action, CallContext, CallEvent } from '../flow/contract';
import { handleEvent, startCall, type IsOpen } from '../flow/interpreter';
import { describeOverflow, Dispatcher } from '../lines/dispatcher';
import { applyQueueActions } from '../lines/feed';
import type { CallState } from '../flow/state';
import { formatTenths as secs } from '../plan/durations';

export interface Scenario {
  /** line → ms after the dial when it answers (applies to each attempt on that line). */
  answer?: Record<string, number>;
  /** Lines in use on another call (device INUSE) from the start: callers wait for them; a direct dial gets 486. */
  busy?: string[];
  /** line → ms from the arrival when its other call ends (device NOT_INUSE; wrap-up starts). Implies busy until then. */
  busyUntil?: Record<string, number>;
  /** Lines that answer 486 at once when presented while free (someone rejects the call). */
  refuse?: string[];
  /** Lines that are not registered (the dial fails at once). */
  unavailable?: string[];
  /** Keys the caller presses, at ms from the arrival. */
  digits?: { digit: string; at: number }[];
  /** The caller hangs up at this many ms from the arrival. */
  hangupAt?: number;
  /** Conversation length after the bridge (default 30 s). */
  talkMs?: number;
  /** The line hangs up at the end of the conversation instead of the caller. */
  peerHangsUp?: boolean;
  /** Voicemail message length (default 10 s), after which the caller hangs up. */
  messageMs?: number;
  /** Duration of one media of a play action (default 3 s). */
  playbackMs?: (media: string) => number;
  /**
   * rrmemory groups: group name → the line that last answered a call of that group, as
   * the daemon's dispatcher keeps it (`Dispatcher.rrMemory()`): the simulator's own
   * dispatcher starts from it, so `rememberAnswer` carries it across runs.
   */
  rrMemory?: Readonly<Record<string, string>>;
  /** Safety bound on processed events (default 10 000). */
  maxEvents?: number;
}

export const NOMINAL_PLAYBACK_MS = 3_000;

export interface SimStep {
  /** ms since the call's arrival. */
  t: number;
  kind: 'action' | 'event';
  action?: Action;
  event?: CallEvent;
  /** Line concerned by an attempt event, for display. */
  line?: string;
}

export interface SimResult {
  steps: SimStep[];
  state: CallState;
}

interface Scheduled {
  at: number;
  seq: number;
  /** A call event, or an internal step of the simulated world (a device state, a dispatcher wake-up). */
  event: CallEvent | { type: 'device'; line: string; state: string } | { type: 'wake' };
  tag?: string;
}

export function simulateCall(ctx: CallContext, isOpen: IsOpen, scenario: Scenario = {}): SimResult {
  const start = ctx.arrivedAt;
  const steps: SimStep[] = [];
  let queue: Scheduled[] = [];
  let seq = 0;
  const lineOf = new Map<string, string>();
  let playing: { id: string; interruptible: boolean } | undefined;
  let hungUp = false;

  const schedule = (at: number, event: Scheduled['event'], tag?: string): void => {
    queue.push(tag === undefined ? { at, seq: seq++, event } : { at, seq: seq++, event, tag });
  };
  const unschedule = (tag: string): void => {
    queue = queue.filter((s) => s.tag !== tag);
  };
  const playMs = (media: string): number => scenario.playbackMs?.(media) ?? NOMINAL_PLAYBACK_MS;

  // The lines' world: device states as Asterisk would report them, and the dispatcher.
  const dispatcher = new Dispatcher(scenario.rrMemory ? { rrMemory: scenario.rrMemory } : {});
  const device = new Map<string, string>();
  const setDevice = (line: string, state: string, now: number): void => {
    device.set(line, state);
    dispatcher.deviceState(line, state, now);
  };
  for (const line of scenario.unavailable ?? []) setDevice(line, 'UNAVAILABLE', start);
  for (const line of [...(scenario.busy ?? []), ...Object.keys(scenario.busyUntil ?? {})]) setDevice(line, 'INUSE', start);
  for (const [line, until] of Object.entries(scenario.busyUntil ?? {})) schedule(start + until, { type: 'device', line, state: 'NOT_INUSE' });

  /** Run the dispatcher's decisions: offers and overflows become call events now; one wake-up timer. */
  const dispatch = (now: number): void => {
    const d = dispatcher.dispatch(now);
    for (const o of d.offers) schedule(now, { type: 'offer', lines: o.lines });
    for (const o of d.overflows) schedule(now, { type: 'overflow', reason: describeOverflow(o.reason) });
    unschedule('wake');
    if (d.nextWakeAt !== undefined) schedule(d.nextWakeAt, { type: 'wake' }, 'wake');
  };

  const apply = (actions: Action[], now: number): void => {
    for (const a of actions) {
      steps.push({ t: now - start, kind: 'action', action: a });
      switch (a.type) {
        case 'startTimer':
          unschedule(`timer:${a.timerId}`);
          schedule(a.at, { type: 'timer', timerId: a.timerId }, `timer:${a.timerId}`);
          break;
        case 'cancelTimer':
          unschedule(`timer:${a.timerId}`);
          break;
        case 'play': {
          const ms = a.media.reduce((sum, m) => sum + playMs(m), 0);
          playing = { id: a.playbackId, interruptible: a.interruptible };
          schedule(now + ms, { type: 'playbackFinished', playbackId: a.playbackId }, `play:${a.playbackId}`);
          break;
        }
        case 'stopPlayback':
          // ARI reports a stopped playback as finished.
          unschedule(`play:${a.playbackId}`);
          schedule(now, { type: 'playbackFinished', playbackId: a.playbackId }, `play:${a.playbackId}`);
          if (playing?.id === a.playbackId) playing = undefined;
          break;
        case 'dial': {
          lineOf.set(a.attemptId, a.line);
          const tag = `dial:${a.attemptId}`;
          const delay = scenario.answer?.[a.line];
          const dev = device.get(a.line);
          if (dev === 'INUSE' || scenario.refuse?.includes(a.line)) schedule(now, { type: 'attemptFailed', attemptId: a.attemptId, cause: 'busy' }, tag);
          else if (dev === 'UNAVAILABLE')
            schedule(now, { type: 'attemptFailed', attemptId: a.attemptId, cause: 'unavailable' }, tag);
          else if (delay !== undefined && delay < a.timeout) schedule(now + delay, { type: 'attemptAnswered', attemptId: a.attemptId }, tag);
          else schedule(now + a.timeout, { type: 'attemptFailed', attemptId: a.attemptId, cause: 'noanswer' }, tag);
          break;
        }
        case 'cancelDial':
          unschedule(`dial:${a.attemptId}`);
          break;
        case 'bridge':
          schedule(now + (scenario.talkMs ?? 30_000), scenario.peerHangsUp ? { type: 'peerHangup' } : { type: 'callerHangup' });
          break;
        case 'record': {
          const len = Math.min(scenario.messageMs ?? 10_000, a.maxLengthMs);
          const cause = len >= a.maxLengthMs ? 'maxLength' : 'hangup';
          schedule(now + len, { type: 'recordingFinished', recordingId: a.recordingId, durationMs: len, cause });
          if (cause === 'hangup') schedule(now + len, { type: 'callerHangup' });
          break;
        }
        case 'hangup':
          hungUp = true;
          break;
        default:
          break;
      }
    }
    applyQueueActions(dispatcher, ctx.callId, ctx.plan, actions, now);
    dispatch(now);
  };

  let { state, actions } = startCall(ctx, isOpen);
  apply(actions, start);
  if (scenario.hangupAt !== undefined) schedule(start + scenario.hangupAt, { type: 'callerHangup' });
  for (const d of scenario.digits ?? []) schedule(start + d.at, { type: 'digit', digit: d.digit });

  const max = scenario.maxEvents ?? 10_000;
  for (let n = 0; n < max && queue.length > 0; n++) {
    queue.sort((x, y) => x.at - y.at || x.seq - y.seq);
    const next = queue.shift() as Scheduled;
    const item = next.event;
    if (item.type === 'device') {
      setDevice(item.line, item.state, next.at);
      dispatch(next.at);
      continue;
    }
    if (item.type === 'wake') {
      dispatch(next.at);
      continue;
    }
    const ended = state.phase.kind === 'ended';
    if (hungUp || ended) {
      // After the end only a recording's result still has something to say.
      if (next.event.type !== 'recordingFinished') continue;
    }
    const ev = item;
    const step: SimStep = { t: next.at - start, kind: 'event', event: ev };
    const line = 'attemptId' in ev ? lineOf.get(ev.attemptId) : undefined;
    if (line !== undefined) step.line = line;
    steps.push(step);
    if (ev.type === 'callerHangup') hungUp = true;
    if (ev.type === 'playbackFinished' && playing?.id === ev.playbackId) playing = undefined;
    if (ev.type === 'digit' && playing?.interruptible) {
      // The executor stops an interruptible sound on a key and reports it finished (after the key).
      unschedule(`play:${playing.id}`);
      schedule(next.at, { type: 'playbackFinished', playbackId: playing.id }, `play:${playing.id}`);
      playing = undefined;
    }
    ({ state, actions } = handleEvent(state, ev, next.at));
    apply(actions, next.at);
  }
  return { steps, state };
}

// ── presentation ─────────────────────────────────────────────────────────────

/** One human line per step, or undefined for steps not worth showing (timers). */
export function describeStep(step: SimStep, lineOf: (attemptId: string) => string | undefined): string | undefined {
  if (step.event) {
    const e = step.event;
    switch (e.type) {
      case 'start':
      case 'timer':
        return undefined;
      case 'playbackFinished':
        return '← playback finished';
      case 'attemptAnswered':
        return `← ${step.line ?? '?'} answers`;
      case 'attemptFailed':
        return `← ${step.line ?? '?'}: ${e.cause}`;
      case 'peerHangup':
        return '← the line hangs up';
      case 'digit':
        return `← caller presses ${e.digit}`;
      case 'recordingFinished':
        return `← recording ends (${secs(e.durationMs)}, ${e.cause})`;
      case 'callerHangup':
        return '← caller hangs up';
      case 'offer':
        return `← free for this caller: ${e.lines.join(', ')}`;
      case 'overflow':
        return `← taken out of the queue: ${e.reason}`;
    }
  }
  const a = step.action;
  if (!a) return undefined;
  switch (a.type) {
    case 'answer':
      return 'answer';
    case 'play':
      return `play ${a.media.join(' + ')}${a.interruptible ? ' (interruptible)' : ''}`;
    case 'stopPlayback':
      return 'stop playback';
    case 'ringback':
      return 'ringback to the caller';
    case 'holdMusic':
      return `hold music (${a.musicClass})`;
    case 'silence':
      return 'stop ringback/music';
    case 'dial':
      return `dial ${a.line} (ring ${secs(a.timeout)}) as "${a.callerId.name}"`;
    case 'cancelDial':
      return `cancel dial ${lineOf(a.attemptId) ?? a.attemptId}`;
    case 'bridge':
      return `bridge caller ↔ ${lineOf(a.attemptId) ?? a.attemptId}`;
    case 'startTimer':
    case 'cancelTimer':
      return undefined;
    case 'record':
      return `record into voicemail ${a.box} (${a.beep ? 'beep, ' : ''}max ${secs(a.maxLengthMs)})`;
    case 'discardRecording':
      return `discard recording (${a.box})`;
    case 'keepRecording':
      return `keep the message (${a.box}, ${secs(a.durationMs)})`;
    case 'hangup':
      return `hang up (${a.cause})`;
    case 'journal':
      return `  · ${a.step}: ${a.reason}`;
    case 'enqueue':
      return `wait in the queue of group ${a.group}`;
    case 'dequeue':
      return `leave the queue of group ${a.group} (${a.reason})`;
    case 'released':
      return undefined; // the dispatcher's bookkeeping; the journal says why
  }
}

function attemptLines(steps: SimStep[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of steps) if (s.action?.type === 'dial') m.set(s.action.attemptId, s.action.line);
  return m;
}

/** The journey as text: `+3.0s dial secretariat (ring 20.0s) …`. */
export function formatJourney(steps: SimStep[]): string[] {
  const lines = attemptLines(steps);
  const out: string[] = [];
  for (const s of steps) {
    const text = describeStep(s, (id) => lines.get(id));
    if (text !== undefined) out.push(`+${secs(s.t)} ${text}`);
  }
  return out;
}

/** The journey as data: `{ t (s), action | event, …fields }`, timers included. */
export function journeyJson(steps: SimStep[]): Record<string, unknown>[] {
  const lines = attemptLines(steps);
  return steps.map((s) => {
    const t = Math.round(s.t) / 1000;
    if (s.event) {
      const { type, ...rest } = s.event;
      return { t, event: type, ...rest, ...(s.line !== undefined ? { line: s.line } : {}) };
    }
    const { type, ...rest } = s.action as Action;
    const line = 'attemptId' in rest && !('line' in rest) ? lines.get(rest.attemptId) : undefined;
    return { t, action: type, ...rest, ...(line !== undefined ? { line } : {}) };
  });
}

/** The dials of a journey: which line rang when, for comparison with a live call. */
export function dialsOf(steps: SimStep[]): { t: number; line: string; timeout: number }[] {
  return steps.flatMap((s) => (s.action?.type === 'dial' ? [{ t: s.t, line: s.action.line, timeout: s.action.timeout }] : []));
}

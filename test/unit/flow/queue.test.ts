// The flow's side of the waiting queue: enqueue / offer / released / dequeue, and
// several calls sharing one secretariat through one Dispatcher (as the daemon does).

import { handleEvent, startCall } from '../../../src/flow/interpreter';
import type { Action, CallEvent } from '../../../src/flow/contract';
import type { CallState } from '../../../src/flow/state';
import { describeOverflow, Dispatcher } from '../../../src/lines/dispatcher';
import { applyQueueActions } from '../../../src/lines/feed';
import type { Plan } from '../../../src/plan/types';
import { alwaysOpen, ctx, DURAND, group, MARTIN, ofType, PETIT, planWith, referencePlan, S, T0 } from './fixtures';

const LINES = ['secretariat', 'dr-martin'];
function plan(over = {}): Plan {
  return planWith({ kind: 'group', group: 'g' }, { groups: { g: group('g', LINES, { overflow: { kind: 'voicemail', box: 'dr-martin' }, hold: { music: 'default', announcePosition: false }, ...over }) } });
}

function enter(p = plan()) {
  return startCall(ctx(p), alwaysOpen);
}

describe('one call in a group', () => {
  test('entering: hold music, max-wait timer, enqueue with the deadline; nothing dialled yet', () => {
    const { state, actions } = enter();
    expect(ofType(actions, 'holdMusic')).toEqual([{ type: 'holdMusic', musicClass: 'default' }]);
    expect(ofType(actions, 'enqueue')).toEqual([{ type: 'enqueue', group: 'g', deadline: T0 + 45 * S }]);
    expect(ofType(actions, 'dial')).toEqual([]);
    expect(state.queued).toBe('g');
    expect(state.phase).toMatchObject({ kind: 'group', deadline: T0 + 45 * S });
  });

  test('offer: the offered lines ring for the ring time, cut to what is left of max wait', () => {
    const { state } = enter();
    const r = handleEvent(state, { type: 'offer', lines: ['secretariat', 'dr-martin'] }, T0 + 30 * S);
    expect(ofType(r.actions, 'dial').map((d) => [d.line, d.timeout])).toEqual([
      ['secretariat', 15 * S],
      ['dr-martin', 15 * S],
    ]);
  });

  test('a failed attempt hands its line back with the cause; the caller keeps waiting', () => {
    const { state } = enter();
    const o = handleEvent(state, { type: 'offer', lines: ['secretariat'] }, T0);
    const dial = ofType(o.actions, 'dial')[0];
    const f = handleEvent(o.state, { type: 'attemptFailed', attemptId: dial?.attemptId ?? '', cause: 'busy' }, T0 + S);
    expect(ofType(f.actions, 'released')).toEqual([{ type: 'released', line: 'secretariat', cause: 'busy' }]);
    expect(ofType(f.actions, 'dequeue')).toEqual([]);
    expect(f.state.phase.kind).toBe('group');
    expect(f.state.queued).toBe('g');
  });

  test('answer: the other attempts cancelled, dequeue with the answering line, then the bridge', () => {
    const { state } = enter();
    const o = handleEvent(state, { type: 'offer', lines: LINES }, T0);
    const [a] = ofType(o.actions, 'dial');
    const r = handleEvent(o.state, { type: 'attemptAnswered', attemptId: a?.attemptId ?? '' }, T0 + 2 * S);
    const types = r.actions.map((x) => x.type);
    expect(ofType(r.actions, 'dequeue')).toEqual([{ type: 'dequeue', group: 'g', reason: 'answered', answeredBy: 'secretariat' }]);
    expect(types.indexOf('cancelDial')).toBeLessThan(types.indexOf('dequeue'));
    expect(types.indexOf('dequeue')).toBeLessThan(types.indexOf('bridge'));
    // the conversation ends: the line goes back for its wrap-up
    const end = handleEvent(r.state, { type: 'peerHangup' }, T0 + 60 * S);
    expect(ofType(end.actions, 'released')).toEqual([{ type: 'released', line: 'secretariat', cause: 'ended' }]);
    expect(ofType(end.actions, 'dequeue')).toEqual([]);
  });

  test('max wait: attempts cancelled, dequeue, overflow', () => {
    const { state, actions } = enter();
    const o = handleEvent(state, { type: 'offer', lines: ['secretariat'] }, T0 + 40 * S);
    const maxWait = ofType(actions, 'startTimer').find((t) => t.at === T0 + 45 * S);
    const r = handleEvent(o.state, { type: 'timer', timerId: maxWait?.timerId ?? '' }, T0 + 45 * S);
    expect(ofType(r.actions, 'cancelDial')).toHaveLength(1);
    expect(ofType(r.actions, 'dequeue')).toEqual([{ type: 'dequeue', group: 'g', reason: 'maxWait' }]);
    expect(ofType(r.actions, 'journal').find((j) => j.step === 'overflow')?.reason).toMatch(/max wait 45s reached; overflow to voicemail dr-martin/);
  });

  test('the dispatcher\'s overflow event: dequeue and the group\'s overflow, with its reason', () => {
    const { state } = enter();
    const r = handleEvent(state, { type: 'overflow', reason: describeOverflow('unavailable') }, T0 + S);
    expect(ofType(r.actions, 'dequeue')).toEqual([{ type: 'dequeue', group: 'g', reason: 'overflow' }]);
    expect(ofType(r.actions, 'journal').find((j) => j.step === 'overflow')?.reason).toMatch(/unavailable/);
    expect(r.state.phase.kind).toBe('voicemail');
  });

  test('caller hang-up while waiting: dequeue, nothing left', () => {
    const { state } = enter();
    const r = handleEvent(state, { type: 'callerHangup' }, T0 + 5 * S);
    expect(ofType(r.actions, 'dequeue')).toEqual([{ type: 'dequeue', group: 'g', reason: 'ended' }]);
    expect(r.state.queued).toBeUndefined();
    expect(r.state.timers).toEqual({});
  });

  test('an offer after the end, or twice the same line, rings nothing more', () => {
    const { state } = enter();
    const end = handleEvent(state, { type: 'callerHangup' }, T0 + S);
    const late = handleEvent(end.state, { type: 'offer', lines: ['secretariat'] }, T0 + 2 * S);
    expect(late.actions).toEqual([{ type: 'released', line: 'secretariat', cause: 'cancelled' }]);
    const o = handleEvent(state, { type: 'offer', lines: ['secretariat'] }, T0);
    expect(ofType(handleEvent(o.state, { type: 'offer', lines: ['secretariat'] }, T0).actions, 'dial')).toEqual([]);
  });
});

// ── several calls, one dispatcher: the executor's loop in miniature ─────────────

interface Phone {
  /** ms after the dial when it answers; undefined: never. */
  answerAfter?: number;
}

class World {
  readonly d = new Dispatcher();
  readonly states = new Map<string, CallState>();
  readonly dials: { t: number; callId: string; line: string }[] = [];
  readonly log: { t: number; callId: string; action: Action }[] = [];
  private q: { at: number; seq: number; tag?: string; run: () => void }[] = [];
  private seq = 0;
  private attemptLine = new Map<string, string>();
  now = T0;

  constructor(readonly plan: Plan, readonly phones: Record<string, Phone>, readonly talkMs: number) {}

  at(s: number, run: () => void, tag?: string): void {
    this.q.push(tag === undefined ? { at: T0 + s * S, seq: this.seq++, run } : { at: T0 + s * S, seq: this.seq++, tag, run });
  }

  private atMs(at: number, run: () => void, tag?: string): void {
    this.q.push(tag === undefined ? { at, seq: this.seq++, run } : { at, seq: this.seq++, tag, run });
  }

  private cancel(tag: string): void {
    this.q = this.q.filter((x) => x.tag !== tag);
  }

  arrive(callId: string, called: string): void {
    const step = startCall(ctx(this.plan, { callId, called, arrivedAt: this.now }), alwaysOpen);
    this.apply(callId, step.state, step.actions);
  }

  event(callId: string, ev: CallEvent): void {
    const state = this.states.get(callId);
    if (!state) return;
    const step = handleEvent(state, ev, this.now);
    this.apply(callId, step.state, step.actions);
  }

  private apply(callId: string, state: CallState, actions: Action[]): void {
    this.states.set(callId, state);
    const now = this.now;
    for (const a of actions) {
      this.log.push({ t: (now - T0) / S, callId, action: a });
      if (a.type === 'startTimer') {
        this.cancel(a.timerId);
        this.atMs(a.at, () => this.event(callId, { type: 'timer', timerId: a.timerId }), a.timerId);
      } else if (a.type === 'cancelTimer') this.cancel(a.timerId);
      else if (a.type === 'dial') {
        this.dials.push({ t: (now - T0) / S, callId, line: a.line });
        this.attemptLine.set(a.attemptId, a.line);
        const after = this.phones[a.line]?.answerAfter;
        if (after !== undefined && after < a.timeout) this.atMs(now + after, () => this.event(callId, { type: 'attemptAnswered', attemptId: a.attemptId }), a.attemptId);
        else this.atMs(now + a.timeout, () => this.event(callId, { type: 'attemptFailed', attemptId: a.attemptId, cause: 'noanswer' }), a.attemptId);
      } else if (a.type === 'cancelDial') this.cancel(a.attemptId);
      else if (a.type === 'bridge') this.atMs(now + this.talkMs, () => this.event(callId, { type: 'callerHangup' }));
    }
    // The daemon's wiring: queue actions to the dispatcher at once, then its decisions back as events.
    applyQueueActions(this.d, callId, state.ctx.plan, actions, now);
    this.dispatch();
  }

  private dispatch(): void {
    const r = this.d.dispatch(this.now);
    for (const o of r.offers) this.event(o.callerId, { type: 'offer', lines: o.lines });
    for (const o of r.overflows) this.event(o.callerId, { type: 'overflow', reason: describeOverflow(o.reason) });
    this.cancel('wake');
    if (r.nextWakeAt !== undefined) this.atMs(r.nextWakeAt, () => this.dispatch(), 'wake');
  }

  device(line: string, state: string): void {
    this.d.deviceState(line, state, this.now);
    this.dispatch();
  }

  run(untilS = 600): void {
    while (this.q.length) {
      this.q.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.q.shift() as (typeof this.q)[number];
      if (next.at > T0 + untilS * S) break;
      this.now = next.at;
      next.run();
    }
  }
}

function doctorsPlan(over = {}): Plan {
  const p = referencePlan();
  for (const n of Object.values(p.numbers)) {
    delete n.greeting;
    delete n.calendar;
  }
  for (const g of Object.values(p.groups)) Object.assign(g, over);
  return p;
}

describe('several callers, one secretariat', () => {
  test('caller 2 waits with music while caller 1 talks; presented as soon as caller 1 hangs up', () => {
    const w = new World(doctorsPlan(), { secretariat: { answerAfter: 1 * S } }, 10 * S);
    w.at(0, () => w.arrive('c1', MARTIN));
    w.at(2, () => w.arrive('c2', DURAND));
    w.run();
    expect(w.dials).toEqual([
      { t: 0, callId: 'c1', line: 'secretariat' },
      { t: 11, callId: 'c2', line: 'secretariat' },
    ]);
    expect(w.log.find((l) => l.callId === 'c2' && l.action.type === 'holdMusic')?.t).toBe(2);
    expect(w.states.get('c2')?.outcome).toMatchObject({ result: 'answered', by: 'secretariat', overflowedTo: [] });
    expect(w.d.waiting()).toEqual([]);
  });

  test('three callers on three numbers are presented in arrival order', () => {
    const w = new World(doctorsPlan(), { secretariat: { answerAfter: 1 * S } }, 5 * S);
    w.at(0, () => w.device('secretariat', 'INUSE'));
    w.at(1, () => w.arrive('petit', PETIT));
    w.at(2, () => w.arrive('martin', MARTIN));
    w.at(3, () => w.arrive('durand', DURAND));
    w.at(10, () => w.device('secretariat', 'NOT_INUSE'));
    w.run();
    expect(w.dials.map((x) => [x.t, x.callId])).toEqual([
      [10, 'petit'],
      [16, 'martin'],
      [22, 'durand'],
    ]);
  });

  test('wrap-up delays the next presentation', () => {
    const w = new World(doctorsPlan({ wrapUp: 4 * S }), { secretariat: { answerAfter: 1 * S } }, 5 * S);
    w.at(0, () => w.arrive('c1', MARTIN));
    w.at(1, () => w.arrive('c2', DURAND));
    w.run();
    expect(w.dials.map((x) => [x.t, x.callId])).toEqual([
      [0, 'c1'],
      [10, 'c2'], // c1 talked 1 → 6, wrap-up until 10
    ]);
  });

  test('max wait runs out while the secretariat is busy → that doctor\'s line, at max wait', () => {
    const w = new World(doctorsPlan(), { 'dr-durand': { answerAfter: 1 * S } }, 5 * S);
    w.at(0, () => w.device('secretariat', 'INUSE'));
    w.at(2, () => w.arrive('c1', DURAND));
    w.run(120);
    expect(w.dials.map((x) => [x.t, x.line])).toEqual([[47, 'dr-durand']]);
    expect(w.d.waiting()).toEqual([]);
  });

  test('a caller hanging up while waiting leaves nothing; the next one gets the line', () => {
    const w = new World(doctorsPlan(), { secretariat: { answerAfter: 1 * S } }, 5 * S);
    w.at(0, () => w.device('secretariat', 'INUSE'));
    w.at(1, () => w.arrive('c1', MARTIN));
    w.at(2, () => w.arrive('c2', DURAND));
    w.at(5, () => w.event('c1', { type: 'callerHangup' }));
    w.at(8, () => w.device('secretariat', 'NOT_INUSE'));
    w.run();
    expect(w.dials.map((x) => [x.t, x.callId])).toEqual([[8, 'c2']]);
    expect(w.states.get('c1')?.timers).toEqual({});
  });
});

// Group strategies: who rings when, busy rule, max wait, hold audio, rrmemory.

import { dialsOf, simulateCall, type Scenario } from '../../../src/simulator/simulator';
import { handleEvent, startCall } from '../../../src/flow/interpreter';
import { rememberAnswer } from '../../../src/flow/memory';
import { lineOrder } from '../../../src/flow/group';
import type { Group } from '../../../src/plan/types';
import type { Action } from '../../../src/flow/contract';
import { alwaysOpen, ctx, group, ofType, planWith, S, startOffered, T0 } from './fixtures';

const LINES = ['secretariat', 'dr-martin', 'dr-durand'];

function plan(over: Partial<Group>, lines = LINES) {
  return planWith({ kind: 'group', group: 'g' }, { groups: { g: group('g', lines, { overflow: { kind: 'voicemail', box: 'dr-martin' }, ...over }) } });
}

function run(over: Partial<Group>, scenario: Scenario, lines = LINES, rrMemory?: Record<string, string>) {
  const c = ctx(plan(over, lines));
  const r = simulateCall(c, alwaysOpen, { messageMs: 5 * S, ...(rrMemory ? { rrMemory } : {}), ...scenario });
  const actions = r.steps.flatMap((s) => (s.action ? [s.action] : []));
  const timed = r.steps.flatMap((s) => (s.action ? [{ t: s.t / S, a: s.action }] : []));
  return { ...r, actions, timed, dials: dialsOf(r.steps).map((d) => [d.t / S, d.line, d.timeout / S]) };
}

function outcomeOf(actions: Action[]) {
  return ofType(actions, 'journal').find((j) => j.step === 'outcome')?.data;
}

describe('ringall', () => {
  test('every line at once, for the ring time; the answerer is bridged after the others are cancelled', () => {
    const r = run({ strategy: 'ringall' }, { answer: { 'dr-martin': 7 * S } });
    expect(r.dials).toEqual([
      [0, 'secretariat', 20],
      [0, 'dr-martin', 20],
      [0, 'dr-durand', 20],
    ]);
    const after = r.timed.filter((x) => x.t === 7).map((x) => x.a.type);
    const bridge = after.indexOf('bridge');
    expect(after.filter((t) => t === 'cancelDial')).toHaveLength(2);
    expect(after.lastIndexOf('cancelDial')).toBeLessThan(bridge);
    expect(after.indexOf('silence')).toBeLessThan(bridge);
    expect(outcomeOf(r.actions)).toMatchObject({ result: 'answered', by: 'dr-martin' });
  });

  test('no answer: sweeps repeat after retryPause until maxWait, then overflow', () => {
    const r = run({ strategy: 'ringall', ringTime: 10 * S, maxWait: 30 * S, retryPause: 2 * S }, {});
    expect(r.dials.filter((d) => d[1] === 'secretariat')).toEqual([
      [0, 'secretariat', 10],
      [12, 'secretariat', 10],
      [24, 'secretariat', 6], // cut to what is left of max wait
    ]);
    const overflow = r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow');
    expect(overflow?.t).toBe(30);
    expect(outcomeOf(r.actions)).toMatchObject({ result: 'voicemail', overflowedTo: ['voicemail dr-martin'] });
  });

  test('every line in use → the caller waits with hold music until max wait, no dial', () => {
    const r = run({ strategy: 'ringall', hold: { music: 'default', announcePosition: false } }, { busy: LINES });
    expect(r.dials).toEqual([]);
    expect(ofType(r.actions, 'enqueue')).toEqual([{ type: 'enqueue', group: 'g', deadline: T0 + 45 * S }]);
    expect(r.timed.find((x) => x.a.type === 'holdMusic')?.t).toBe(0);
    const overflow = r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow');
    expect(overflow?.t).toBe(45);
    expect(ofType(r.actions, 'dequeue')).toEqual([{ type: 'dequeue', group: 'g', reason: 'maxWait' }]);
  });

  test('every line refuses (486 while free) → overflow at once', () => {
    const r = run({ strategy: 'ringall' }, { refuse: LINES });
    expect(r.dials.map((d) => d[0])).toEqual([0, 0, 0]);
    const overflow = r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow');
    expect(overflow?.t).toBe(0);
    expect(overflow?.a).toMatchObject({ reason: expect.stringMatching(/every line refused/) });
  });

  test('a line in use frees while the caller waits → presented at once', () => {
    const r = run({ strategy: 'ringall' }, { busyUntil: { secretariat: 12 * S }, refuse: ['dr-martin', 'dr-durand'], answer: { secretariat: 2 * S } });
    expect(r.dials).toEqual([
      [0, 'dr-martin', 20],
      [0, 'dr-durand', 20],
      [12, 'secretariat', 20],
    ]);
    expect(outcomeOf(r.actions)).toMatchObject({ result: 'answered', by: 'secretariat' });
  });

  test('busy on some lines only → the others keep ringing their time', () => {
    const r = run({ strategy: 'ringall', maxWait: 20 * S }, { busy: ['secretariat', 'dr-martin'] });
    const overflow = r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow');
    expect(overflow?.t).toBe(20);
  });

  test('in use and unavailable mixed (whenUnavailable: overflow) → waits: the line in use can free', () => {
    const r = run({ strategy: 'ringall' }, { busy: ['secretariat'], unavailable: ['dr-martin', 'dr-durand'] });
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(45);
  });

  test('refused and unavailable mixed (whenUnavailable: overflow) → overflow at once', () => {
    const r = run({ strategy: 'ringall' }, { refuse: ['secretariat'], unavailable: ['dr-martin', 'dr-durand'] });
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(0);
  });

  test('all unavailable with whenUnavailable: overflow → overflow at once, nothing dialled', () => {
    const r = run({ strategy: 'ringall' }, { unavailable: LINES });
    expect(r.dials).toEqual([]);
    const overflow = r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow');
    expect(overflow?.t).toBe(0);
    expect(overflow?.a).toMatchObject({ reason: expect.stringMatching(/unavailable/) });
  });

  test('all unavailable with whenUnavailable: wait → waits (nothing dialled) until max wait', () => {
    const r = run({ strategy: 'ringall', whenUnavailable: 'wait', retryPause: 0, maxWait: 5 * S }, { unavailable: LINES });
    expect(r.dials).toEqual([]);
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(5);
  });

  test('retryPause 0: next sweep starts at once', () => {
    const r = run({ strategy: 'ringall', ringTime: 10 * S, maxWait: 25 * S, retryPause: 0 }, {}, ['secretariat']);
    expect(r.dials).toEqual([
      [0, 'secretariat', 10],
      [10, 'secretariat', 10],
      [20, 'secretariat', 5],
    ]);
  });

  test('not enough time left for a pause: the caller waits for max wait', () => {
    const r = run({ strategy: 'ringall', ringTime: 10 * S, maxWait: 12 * S, retryPause: 5 * S }, {}, ['secretariat']);
    expect(r.dials).toEqual([[0, 'secretariat', 10]]);
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(12);
  });
});

describe('linear', () => {
  test('one line after the other, each for its ring time', () => {
    const r = run({ strategy: 'linear', ringTime: 10 * S, maxWait: 100 * S }, { answer: { 'dr-durand': 4 * S } });
    expect(r.dials).toEqual([
      [0, 'secretariat', 10],
      [10, 'dr-martin', 10],
      [20, 'dr-durand', 10],
    ]);
    expect(outcomeOf(r.actions)).toMatchObject({ result: 'answered', by: 'dr-durand' });
  });

  test('a line in use is skipped: the next free one rings', () => {
    const r = run({ strategy: 'linear', ringTime: 10 * S }, { busy: ['secretariat'], answer: { 'dr-martin': 1 * S } });
    expect(r.dials).toEqual([[0, 'dr-martin', 10]]);
  });

  test('a refusing line is skipped at once', () => {
    const r = run({ strategy: 'linear', ringTime: 10 * S }, { refuse: ['secretariat'], answer: { 'dr-martin': 1 * S } });
    expect(r.dials).toEqual([
      [0, 'secretariat', 10],
      [0, 'dr-martin', 10],
    ]);
  });

  test('every line in use → waits until max wait', () => {
    const r = run({ strategy: 'linear' }, { busy: LINES });
    expect(r.dials).toEqual([]);
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(45);
  });

  test('every line refuses → overflow at once', () => {
    const r = run({ strategy: 'linear' }, { refuse: LINES });
    expect(r.dials.map((d) => d[0])).toEqual([0, 0, 0]);
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(0);
  });

  test('max wait cuts the sweep in the middle of a line', () => {
    const r = run({ strategy: 'linear', ringTime: 10 * S, maxWait: 25 * S }, {});
    expect(r.dials).toEqual([
      [0, 'secretariat', 10],
      [10, 'dr-martin', 10],
      [20, 'dr-durand', 5],
    ]);
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(25);
  });

  test('an attempt failing at the very instant max wait ends does not ring the next line for 0 s', () => {
    const r = run({ strategy: 'linear', ringTime: 10 * S, maxWait: 10 * S }, {});
    expect(r.dials).toEqual([[0, 'secretariat', 10]]);
    expect(r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'overflow')?.t).toBe(10);
  });

  test('an offer arriving at max wait rings nothing: the lines go back to the dispatcher', () => {
    const p = plan({ strategy: 'linear', ringTime: 10 * S, maxWait: 10 * S });
    const { state } = startCall(ctx(p), alwaysOpen);
    const next = handleEvent(state, { type: 'offer', lines: ['dr-martin'] }, T0 + 10 * S);
    expect(ofType(next.actions, 'dial')).toEqual([]);
    expect(ofType(next.actions, 'released')).toEqual([{ type: 'released', line: 'dr-martin', cause: 'cancelled' }]);
  });

  test('after the last line, the first again (each line paused retryPause for this caller)', () => {
    const r = run({ strategy: 'linear', ringTime: 5 * S, maxWait: 40 * S, retryPause: 1 * S }, {}, ['secretariat', 'dr-martin']);
    expect(r.dials.map((d) => [d[0], d[1]])).toEqual([
      [0, 'secretariat'],
      [5, 'dr-martin'],
      [10, 'secretariat'],
      [15, 'dr-martin'],
      [20, 'secretariat'],
      [25, 'dr-martin'],
      [30, 'secretariat'],
      [35, 'dr-martin'],
    ]);
  });
});

describe('rrmemory', () => {
  test('order starts after the line that last answered in the group', () => {
    const g = group('g', LINES, { strategy: 'rrmemory' });
    expect(lineOrder(g, undefined)).toEqual(LINES);
    expect(lineOrder(g, 'secretariat')).toEqual(['dr-martin', 'dr-durand', 'secretariat']);
    expect(lineOrder(g, 'dr-durand')).toEqual(LINES);
    expect(lineOrder(g, 'gone')).toEqual(LINES);
    expect(lineOrder({ ...g, strategy: 'linear' }, 'secretariat')).toEqual(LINES);
  });

  test('rings one at a time from the remembered position', () => {
    const r = run({ strategy: 'rrmemory', ringTime: 10 * S }, { answer: { secretariat: 2 * S } }, LINES, { g: 'dr-martin' });
    expect(r.dials).toEqual([
      [0, 'dr-durand', 10],
      [10, 'secretariat', 10],
    ]);
    expect(r.state.answered).toMatchObject({ line: 'secretariat', group: 'g' });
  });

  test('the executor carries the memory from call to call with rememberAnswer', () => {
    let memory: Readonly<Record<string, string>> = {};
    const first: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = ctx(plan({ strategy: 'rrmemory' }), { callId: `c${i}` });
      const r = simulateCall(c, alwaysOpen, { rrMemory: memory, answer: { secretariat: 1 * S, 'dr-martin': 1 * S, 'dr-durand': 1 * S } });
      first.push(dialsOf(r.steps)[0]?.line ?? '');
      memory = rememberAnswer(memory, r.state);
    }
    expect(first).toEqual(['secretariat', 'dr-martin', 'dr-durand', 'secretariat']);
  });

  test('rememberAnswer leaves the map alone when nothing changed', () => {
    const mem = { g: 'x' };
    const { state } = startCall(ctx(plan({})), alwaysOpen);
    expect(rememberAnswer(mem, state)).toBe(mem);
  });
});

describe('hold audio', () => {
  test('ringback when the group has no music', () => {
    const r = run({}, { answer: { secretariat: 1 * S } });
    expect(ofType(r.actions, 'ringback')).toHaveLength(1);
    expect(ofType(r.actions, 'holdMusic')).toHaveLength(0);
  });

  test('the group music class while lines ring', () => {
    const r = run({ hold: { music: 'jazz', announcePosition: false } }, { answer: { secretariat: 1 * S } });
    expect(ofType(r.actions, 'holdMusic')).toEqual([{ type: 'holdMusic', musicClass: 'jazz' }]);
    expect(ofType(r.actions, 'ringback')).toHaveLength(0);
  });

  test('a hold message every N seconds, music resumes after it', () => {
    const r = run(
      { hold: { music: 'default', message: 'patientez', every: 10 * S, announcePosition: false }, maxWait: 30 * S },
      { answer: {} },
    );
    const plays = r.timed.filter((x) => x.a.type === 'play' && x.a.media[0] === 'accueil/patientez').map((x) => x.t);
    expect(plays).toEqual([10, 23]); // 10 s, message 3 s, 10 s again
    const music = r.timed.filter((x) => x.a.type === 'holdMusic').map((x) => x.t);
    expect(music).toEqual([0, 13, 26]);
  });

  test('a line answering during the hold message stops it before the bridge', () => {
    const r = run({ hold: { music: 'default', message: 'patientez', every: 5 * S, announcePosition: false } }, { answer: { secretariat: 6 * S } });
    const at6 = r.timed.filter((x) => x.t === 6).map((x) => x.a.type);
    expect(at6.indexOf('stopPlayback')).toBeGreaterThanOrEqual(0);
    expect(at6.indexOf('stopPlayback')).toBeLessThan(at6.indexOf('bridge'));
  });
});

describe('timers are measured from the right moment', () => {
  test('ring timer from the dial, max wait from entering the group', () => {
    const p = plan({ ringTime: 20 * S, maxWait: 45 * S });
    const num = p.numbers['+33142000001'];
    if (num) num.greeting = 'ferme'; // 3 s greeting: the group is entered at T0 + 3 s
    const { actions } = startCall(ctx(p), alwaysOpen);
    expect(ofType(actions, 'startTimer').map((t) => t.at - T0)).toEqual([30 * 60 * S]);
    const played = ofType(actions, 'play')[0];
    const next = handleEvent(startCall(ctx(p), alwaysOpen).state, { type: 'playbackFinished', playbackId: played?.playbackId ?? '' }, T0 + 3 * S);
    const timers = ofType(next.actions, 'startTimer').map((t) => t.at - T0);
    expect(timers).toEqual([48 * S]); // max wait; ring timers start with each dial
    const offered = handleEvent(next.state, { type: 'offer', lines: LINES }, T0 + 5 * S);
    expect(ofType(offered.actions, 'startTimer').map((t) => t.at - T0)).toEqual([25 * S, 25 * S, 25 * S]);
  });

  test('the ring timer ends an attempt the executor forgot to report', () => {
    const { state, actions } = startOffered(ctx(plan({ strategy: 'linear', ringTime: 10 * S })));
    const dial = ofType(actions, 'dial')[0];
    const ringTimer = ofType(actions, 'startTimer').find((t) => t.at === T0 + 10 * S);
    expect(dial?.line).toBe('secretariat');
    const next = handleEvent(state, { type: 'timer', timerId: ringTimer?.timerId ?? '' }, T0 + 10 * S);
    expect(ofType(next.actions, 'cancelDial')).toEqual([{ type: 'cancelDial', attemptId: dial?.attemptId }]);
    expect(ofType(next.actions, 'released')).toEqual([{ type: 'released', line: 'secretariat', cause: 'noanswer' }]);
    expect(ofType(next.actions, 'dial')).toEqual([]); // the next line is the dispatcher's to offer
    expect(next.state.phase.kind).toBe('group');
  });
});

test('a group with no line overflows at once', () => {
  const r = run({}, {}, []);
  expect(r.dials).toEqual([]);
  expect(outcomeOf(r.actions)).toMatchObject({ overflowedTo: ['voicemail dr-martin'] });
});

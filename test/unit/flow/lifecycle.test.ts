// Whole-call properties: hang-ups at any step, life bounds, loops, stale events, immutability.

import { simulateCall } from '../../../src/simulator/simulator';
import { handleEvent, startCall } from '../../../src/flow/interpreter';
import { MAX_HOPS } from '../../../src/flow/limits';
import type { Action, CallEvent } from '../../../src/flow/contract';
import type { CallState } from '../../../src/flow/state';
import { alwaysOpen, ctx, group, menu, ofType, planWith, referencePlan, S, startOffered, T0 } from './fixtures';

function ringallPlan() {
  return planWith({ kind: 'group', group: 'g' }, { groups: { g: group('g', ['secretariat', 'dr-martin', 'dr-durand']) } });
}

describe('caller hangs up', () => {
  test('while phones ring: every attempt and every timer is cancelled at once, nothing pending', () => {
    const { state, actions } = startOffered(ctx(ringallPlan()), alwaysOpen);
    const dials = ofType(actions, 'dial').map((d) => d.attemptId);
    expect(dials).toHaveLength(3);
    const timers = ofType(actions, 'startTimer').map((t) => t.timerId);
    const end = handleEvent(state, { type: 'callerHangup' }, T0 + 8 * S);
    expect(ofType(end.actions, 'cancelDial').map((c) => c.attemptId).sort()).toEqual([...dials].sort());
    expect(ofType(end.actions, 'cancelTimer').map((c) => c.timerId).sort()).toEqual([...timers].sort());
    expect(ofType(end.actions, 'hangup')).toEqual([]); // the caller is gone already
    expect(end.state.attempts).toEqual({});
    expect(end.state.timers).toEqual({});
    expect(end.state.phase.kind).toBe('ended');
    const j = ofType(end.actions, 'journal');
    expect(j.map((x) => x.step)).toEqual(['callerHangup', 'outcome']);
    expect(j[0]?.reason).toBe('caller hung up while secretariat, dr-martin, dr-durand rang, 8.0s after arrival');
    expect(j[1]?.data).toMatchObject({ result: 'callerHangup', durations: { totalMs: 8 * S, waitedMs: 8 * S } });
    // the outcome is the last action
    expect(end.actions.at(-1)?.type).toBe('journal');
  });

  test('at every step of a long journey, the end leaves nothing pending', () => {
    const plan = referencePlan();
    for (let t = 0; t <= 100; t += 1) {
      const r = simulateCall(ctx(plan), alwaysOpen, { hangupAt: t * S, messageMs: 60 * S });
      expect(r.state.phase.kind).toBe('ended');
      expect(r.state.attempts).toEqual({});
      expect(r.state.timers).toEqual({});
      const outcomes = r.steps.filter((s) => s.action?.type === 'journal' && s.action.step === 'outcome');
      expect(outcomes).toHaveLength(1);
    }
  });

  test('after the bridge: outcome answered, no hangup action', () => {
    const r = simulateCall(ctx(ringallPlan()), alwaysOpen, { answer: { secretariat: 2 * S }, talkMs: 60 * S });
    const actions = r.steps.flatMap((s) => (s.action ? [s.action] : []));
    expect(ofType(actions, 'hangup')).toEqual([]);
    expect(ofType(actions, 'journal').at(-1)?.data).toMatchObject({
      result: 'answered',
      by: 'secretariat',
      cause: 'callerHangup',
      durations: { totalMs: 62 * S, waitedMs: 2 * S },
    });
  });
});

test('peer hangs up after the bridge: the caller is hung up', () => {
  const r = simulateCall(ctx(ringallPlan()), alwaysOpen, { answer: { secretariat: 2 * S }, talkMs: 10 * S, peerHangsUp: true });
  const actions = r.steps.flatMap((s) => (s.action ? [s.action] : []));
  expect(ofType(actions, 'hangup')).toEqual([{ type: 'hangup', cause: 'peerHangup' }]);
  expect(r.state.outcome).toMatchObject({ result: 'answered', by: 'secretariat' });
});

test('peerHangup before any bridge is ignored', () => {
  const { state } = startOffered(ctx(ringallPlan()), alwaysOpen);
  expect(handleEvent(state, { type: 'peerHangup' }, T0 + S).actions).toEqual([]);
});

describe('life bounds', () => {
  test('30 min before the bridge', () => {
    // a menu that loops back onto itself on every failure would otherwise last forever
    const p = planWith({ kind: 'menu', menu: 'm' }, { menus: { m: menu('m', { retries: 1000, timeout: 60 * S }) } });
    const r = simulateCall(ctx(p), alwaysOpen, {});
    const actions = r.steps.flatMap((s) => (s.action ? [{ t: s.t, a: s.action }] : []));
    const hang = actions.find((x) => x.a.type === 'hangup');
    expect(hang).toEqual({ t: 30 * 60 * S, a: { type: 'hangup', cause: 'maxLifetime' } });
  });

  test('4 h once bridged, measured from the bridge; configurable per call', () => {
    const r = simulateCall(ctx(ringallPlan()), alwaysOpen, { answer: { secretariat: 5 * S }, talkMs: 10 * 3600 * S });
    const hang = r.steps.find((s) => s.action?.type === 'hangup');
    expect(hang?.t).toBe(5 * S + 4 * 3600 * S);
    expect(r.state.outcome).toMatchObject({ result: 'answered', by: 'secretariat' });

    const short = simulateCall(ctx(ringallPlan(), { limits: { bridgedMs: 60 * S } }), alwaysOpen, { answer: { secretariat: 5 * S }, talkMs: 3600 * S });
    expect(short.steps.find((s) => s.action?.type === 'hangup')?.t).toBe(65 * S);
  });
});

describe('loop safety', () => {
  test('groups overflowing into each other end after MAX_HOPS destinations', () => {
    const p = planWith(
      { kind: 'group', group: 'a' },
      {
        groups: {
          a: group('a', ['secretariat'], { overflow: { kind: 'group', group: 'b' } }),
          b: group('b', ['dr-martin'], { overflow: { kind: 'group', group: 'a' } }),
        },
      },
    );
    const r = simulateCall(ctx(p), alwaysOpen, { busy: ['secretariat', 'dr-martin'] });
    const actions = r.steps.flatMap((s) => (s.action ? [s.action] : []));
    expect(ofType(actions, 'journal').some((j) => j.step === 'loop')).toBe(true);
    expect(ofType(actions, 'hangup')).toEqual([{ type: 'hangup', cause: 'loop' }]);
    expect(ofType(actions, 'dial').length).toBeLessThanOrEqual(MAX_HOPS);
  });

  test('announcements chained in a cycle with no sound do not recurse forever', () => {
    const p = planWith({ kind: 'announcement', announcement: 'vide', then: { kind: 'menu', menu: 'm' } }, {
      menus: { m: menu('m', { prompt: 'vide', retries: 0, timeout: 0, fallback: { kind: 'announcement', announcement: 'vide', then: { kind: 'menu', menu: 'm' } } }) },
    });
    p.announcements.vide = { name: 'vide', sounds: [] };
    const r = simulateCall(ctx(p), alwaysOpen, {});
    expect(r.state.phase.kind).toBe('ended');
    expect(r.state.outcome?.result).toBe('hangup');
  });
});

describe('robustness', () => {
  test('events for unknown timers, attempts and playbacks change nothing', () => {
    const { state } = startOffered(ctx(ringallPlan()), alwaysOpen);
    for (const ev of [
      { type: 'timer', timerId: 'nope' },
      { type: 'attemptFailed', attemptId: 'nope', cause: 'busy' },
      { type: 'playbackFinished', playbackId: 'nope' },
      { type: 'recordingFinished', recordingId: 'nope', durationMs: 1, cause: 'dtmf' },
      { type: 'start' },
    ] as CallEvent[]) {
      expect(handleEvent(state, ev, T0 + S).actions).toEqual([]);
    }
  });

  test('an attempt answering after it was cancelled is released', () => {
    const { state, actions } = startOffered(ctx(ringallPlan()), alwaysOpen);
    const [a, b] = ofType(actions, 'dial');
    const bridged = handleEvent(state, { type: 'attemptAnswered', attemptId: a?.attemptId ?? '' }, T0 + S);
    const late = handleEvent(bridged.state, { type: 'attemptAnswered', attemptId: b?.attemptId ?? '' }, T0 + S);
    expect(late.actions).toEqual([{ type: 'cancelDial', attemptId: b?.attemptId }]);
  });

  test('events after the end are ignored', () => {
    const { state } = startOffered(ctx(ringallPlan()), alwaysOpen);
    const end = handleEvent(state, { type: 'callerHangup' }, T0 + S);
    expect(handleEvent(end.state, { type: 'callerHangup' }, T0 + 2 * S).actions).toEqual([]);
    expect(handleEvent(end.state, { type: 'timer', timerId: 'c1:life' }, T0 + 2 * S).actions).toEqual([]);
  });

  test('the interpreter never mutates the state it is given', () => {
    const deepFreeze = (o: unknown): void => {
      if (o && typeof o === 'object' && !Object.isFrozen(o)) {
        Object.freeze(o);
        for (const v of Object.values(o)) deepFreeze(v);
      }
    };
    let { state, actions } = startOffered(ctx(ringallPlan()), alwaysOpen);
    const snapshot = JSON.stringify(state);
    deepFreeze(state);
    const first = ofType(actions, 'dial')[0] as Extract<Action, { type: 'dial' }>;
    const next = handleEvent(state, { type: 'attemptFailed', attemptId: first.attemptId, cause: 'busy' }, T0 + S);
    expect(JSON.stringify(state)).toBe(snapshot);
    // the same input state gives the same answer twice (no hidden state, no clock)
    const again = handleEvent(state, { type: 'attemptFailed', attemptId: first.attemptId, cause: 'busy' }, T0 + S);
    expect(again).toEqual(next);
    state = next.state as CallState;
    expect(Object.keys(state.attempts)).toHaveLength(2);
  });

  test('a calendar that throws does not drop the call: open, journaled', () => {
    const p = referencePlan();
    const { actions } = startCall(ctx(p), () => {
      throw new Error('boom');
    });
    const cal = ofType(actions, 'journal').find((j) => j.step === 'calendar');
    expect(cal?.reason).toMatch(/^open: calendar dr-martin failed \(boom\)/);
  });

  test('the calendar is asked about the call’s arrival instant, with the number’s calendar', () => {
    const asked: [string, number][] = [];
    startCall(ctx(referencePlan()), (name, at) => {
      asked.push([name, at]);
      return { open: true, reason: 'open' };
    });
    expect(asked).toEqual([['dr-martin', T0]]);
  });

  test('a number without calendar is always open', () => {
    const { actions } = startOffered(ctx(ringallPlan()), () => ({ open: false, reason: 'closed' }));
    expect(ofType(actions, 'journal').find((j) => j.step === 'calendar')?.reason).toBe('open: no calendar (always open)');
    expect(ofType(actions, 'dial')).toHaveLength(3);
  });
});

describe('the first journal line identifies the call', () => {
  test('call id, number, plan version', () => {
    const { actions } = startCall(ctx(referencePlan(), { called: '33142000001' }), alwaysOpen);
    expect(ofType(actions, 'journal')[0]?.data).toMatchObject({ callId: 'c1', number: '+33142000001', planVersion: 'test-v1' });
  });
});

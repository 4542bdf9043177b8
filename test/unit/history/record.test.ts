// The reducer over journals the real interpreter writes (driven by the simulator).
import { simulateCall } from '../../../src/simulator/simulator';
import type { IsOpen } from '../../../src/flow';
import { reduceCall, type JournalStep } from '../../../src/history/record';
import { alwaysOpen, closed, ctx, MARTIN, CALLER, referencePlan, S, T0 } from '../flow/fixtures';
import type { Scenario } from '../../../src/simulator/simulator';

function journalOf(scenario: Scenario, isOpen: IsOpen = alwaysOpen): JournalStep[] {
  const sim = simulateCall(ctx(referencePlan(), { called: MARTIN, caller: CALLER, arrivedAt: T0 }), isOpen, scenario);
  return sim.steps.flatMap((s) =>
    s.action?.type === 'journal' ? [{ at: T0 + s.t, step: s.action.step, reason: s.action.reason, data: { ...(s.action.data ?? {}) } }] : [],
  );
}

describe('reduceCall', () => {
  test('answered by the secretariat: waited until the answer, talked the rest', () => {
    const r = reduceCall('c1', journalOf({ answer: { secretariat: 4 * S }, talkMs: 20 * S }))!;
    expect(r.outcome).toBe('answered');
    expect(r.answeredBy).toBe('secretariat');
    expect(r.called).toBe(MARTIN);
    expect(r.number).toBe(MARTIN);
    expect(r.numberName).toBeDefined();
    expect(r.caller).toBe(CALLER);
    expect(r.planVersion).toBe('test-v1');
    expect(r.arrivedAt).toBe(T0);
    expect(r.talkedMs).toBe(20 * S);
    expect(r.waitedMs + r.talkedMs).toBe(r.endedAt - r.arrivedAt);
    expect(r.route[0]).toBe('group:secretariat-dr-martin');
    expect(r.lines).toEqual([{ line: 'secretariat', group: 'secretariat-dr-martin', at: expect.any(Number), result: 'answered' }]);
    expect(r.missed).toBe(false);
    expect(r.overflowed).toBe(false);
  });

  test('nobody answers the group, the doctor answers the overflow: overflowed-answered', () => {
    const r = reduceCall('c2', journalOf({ answer: { 'dr-martin': 3 * S }, refuse: ['secretariat'] }))!;
    expect(r.outcome).toBe('overflowed-answered');
    expect(r.answeredBy).toBe('dr-martin');
    expect(r.overflowed).toBe(true);
    expect(r.route).toEqual(['group:secretariat-dr-martin', 'line:dr-martin']);
    expect(r.lines.find((l) => l.line === 'dr-martin')?.result).toBe('answered');
    expect(r.lines.find((l) => l.line === 'secretariat')?.result).toBe('busy');
  });

  test('nobody answers at all: a message is left in voicemail', () => {
    const r = reduceCall('c3', journalOf({ refuse: ['secretariat', 'dr-martin'], messageMs: 8 * S }))!;
    expect(r.outcome).toBe('voicemail-message');
    expect(r.message).toBe(true);
    expect(r.missed).toBe(false);
    expect(r.route.at(-1)).toBe('voicemail:dr-martin');
  });

  test('a caller hanging up on hold music is abandoned-waiting and missed', () => {
    const r = reduceCall('c4', journalOf({ busy: ['secretariat'], hangupAt: 15 * S }))!;
    expect(r.outcome).toBe('abandoned-waiting');
    expect(r.missed).toBe(true);
    expect(r.waitedMs).toBe(15 * S);
    expect(r.endedAt - r.arrivedAt).toBe(15 * S);
  });

  test('a caller hanging up while the secretariat rings is abandoned-ringing', () => {
    const r = reduceCall('c5', journalOf({ hangupAt: 6 * S }))!;
    expect(r.outcome).toBe('abandoned-ringing');
    expect(r.missed).toBe(true);
    expect(r.lines[0]?.result).toBe('cancelled');
  });

  test('closed: the closed route, never a missed call', () => {
    const r = reduceCall('c6', journalOf({ hangupAt: 60 * S }, closed()))!;
    expect(r.open).toBe(false);
    expect(r.missed).toBe(false);
  });

  test('no outcome yet: no record', () => {
    const steps = journalOf({ answer: { secretariat: 4 * S } }).filter((s) => s.step !== 'outcome');
    expect(reduceCall('c7', steps)).toBeUndefined();
  });

  test('the steps of two lives (a resumed call) give one complete record; lost first steps still give the outcome', () => {
    const steps = journalOf({ answer: { secretariat: 4 * S } });
    const resumed: JournalStep = { at: T0 + 2 * S, step: 'resumed', reason: 'picked up', data: { called: MARTIN, caller: CALLER, planVersion: 'test-v1' } };
    const both = reduceCall('c8', [...steps.slice(2), resumed, ...steps.slice(0, 2)])!;
    expect(both.resumed).toBe(1);
    expect(both.outcome).toBe('answered');
    expect(both.number).toBe(MARTIN);
    const lost = reduceCall('c8', [resumed, ...steps.filter((s) => s.step === 'answered' || s.step === 'outcome')])!;
    expect(lost.called).toBe(MARTIN);
    expect(lost.caller).toBe(CALLER);
    expect(lost.arrivedAt).toBe(T0);
    expect(lost.outcome).toBe('answered');
  });
});

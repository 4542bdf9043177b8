// An outside number as a destination (the doctor's mobile through the trunk): rung with
// the dial string the plan built, bridged when answered, `then` when it does not answer.
import { simulateCall } from '../../../src/simulator/simulator';
import type { Destination } from '../../../src/plan/types';
import { alwaysOpen, ctx, journalSteps, ofType, planWith, S } from './fixtures';

const external = (then: Destination): Destination => ({
  kind: 'external', number: '+33612345678', trunk: 'operator', endpoint: 'PJSIP/+33612345678@trunk', timeout: 20 * S, then,
});

function run(scenario: Parameters<typeof simulateCall>[2]) {
  const plan = planWith(external({ kind: 'voicemail', box: 'dr-martin' }));
  const r = simulateCall(ctx(plan), alwaysOpen, scenario);
  return r.steps.flatMap((s) => (s.action ? [s.action] : []));
}

test('dials the outside number through the trunk, with the caller ID of a line', () => {
  const actions = run({ answer: { 'external +33612345678': 5 * S } });
  expect(ofType(actions, 'dial')).toEqual([
    { type: 'dial', attemptId: expect.any(String), line: 'external +33612345678', endpoint: 'PJSIP/+33612345678@trunk', timeout: 20 * S, callerId: { name: '[Dr Martin] 06 12 34 56 78', number: '0612345678' } },
  ]);
  expect(ofType(actions, 'bridge')).toHaveLength(1);
  expect(ofType(actions, 'journal').find((j) => j.step === 'external')?.reason).toBe('ring +33612345678 through trunk operator for 20s, then voicemail dr-martin');
});

test('no answer within the timeout → then (voicemail)', () => {
  const actions = run({});
  expect(ofType(actions, 'bridge')).toHaveLength(0);
  expect(ofType(actions, 'record')).toHaveLength(1);
  expect(journalSteps(actions)).toContain('lineFailed');
});

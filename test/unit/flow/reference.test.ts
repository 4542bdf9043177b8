// Every route of the reference case (issue 5), through the simulator.

import { dialsOf, formatJourney, simulateCall, type Scenario } from '../../../src/simulator/simulator';
import type { IsOpen } from '../../../src/flow/interpreter';
import type { Action } from '../../../src/flow/contract';
import { alwaysOpen, closed, ctx, DURAND, journalSteps, ofType, PETIT, referencePlan, S } from './fixtures';

function run(isOpen: IsOpen, scenario: Scenario, called = '01 42 00 00 01') {
  const r = simulateCall(ctx(referencePlan(), { called }), isOpen, scenario);
  const actions = r.steps.flatMap((s) => (s.action ? [s.action] : []));
  const outcome = ofType(actions, 'journal').find((j) => j.step === 'outcome');
  return { ...r, actions, outcome, dials: dialsOf(r.steps).map((d) => ({ ...d, t: d.t / S })) };
}

const at = (actions: Action[], type: Action['type']) => actions.findIndex((a) => a.type === type);

describe('reference case: open', () => {
  test('secretariat answers → bridged, caller ID carries the doctor label', () => {
    const r = run(alwaysOpen, { answer: { secretariat: 12 * S } });
    expect(r.actions[0]).toEqual({ type: 'answer' });
    expect(ofType(r.actions, 'play')[0]?.media).toEqual(['accueil/bienvenue-dr-martin']);
    expect(r.dials).toEqual([{ t: 3, line: 'secretariat', timeout: 20 * S }]);
    const dial = ofType(r.actions, 'dial')[0];
    expect(dial?.callerId).toEqual({ name: '[Dr Martin] 06 12 34 56 78', number: '0612345678' });
    expect(dial?.endpoint).toBe('PJSIP/secretariat');
    expect(ofType(r.actions, 'holdMusic')).toEqual([{ type: 'holdMusic', musicClass: 'default' }]);
    expect(ofType(r.actions, 'bridge')).toHaveLength(1);
    expect(r.state.answered).toEqual({ line: 'secretariat', group: 'secretariat-dr-martin', at: r.state.ctx.arrivedAt + 15 * S });
    expect(r.outcome?.data).toMatchObject({
      result: 'answered',
      by: 'secretariat',
      overflowedTo: [],
      durations: { totalMs: 45 * S, waitedMs: 15 * S },
    });
  });

  test('no answer past max wait → dr-martin rings and answers', () => {
    const r = run(alwaysOpen, { answer: { 'dr-martin': 4 * S } });
    // secretariat: 3→23 s, pause 5 s, 28→48 s cut by max wait (3 + 45 = 48)
    expect(r.dials).toEqual([
      { t: 3, line: 'secretariat', timeout: 20 * S },
      { t: 28, line: 'secretariat', timeout: 20 * S },
      { t: 48, line: 'dr-martin', timeout: 30 * S },
    ]);
    expect(journalSteps(r.actions)).toContain('overflow');
    expect(r.outcome?.data).toMatchObject({ result: 'answered', by: 'dr-martin', overflowedTo: ['line dr-martin'] });
    // from music to ringback when the doctor's line rings
    const music = at(r.actions, 'holdMusic');
    expect(music).toBeGreaterThan(0);
    expect(ofType(r.actions, 'ringback')).toHaveLength(1);
  });

  test('secretariat on another call → the caller waits with music; at max wait dr-martin rings', () => {
    const r = run(alwaysOpen, { busy: ['secretariat'], answer: { 'dr-martin': 2 * S } });
    expect(r.dials.map((d) => [d.t, d.line])).toEqual([[48, 'dr-martin']]);
    expect(ofType(r.actions, 'holdMusic')).toEqual([{ type: 'holdMusic', musicClass: 'default' }]);
    expect(r.outcome?.data).toMatchObject({ result: 'answered', by: 'dr-martin', overflowedTo: ['line dr-martin'] });
  });

  test('secretariat on another call until 10 s → presented at 10 s', () => {
    const r = run(alwaysOpen, { busyUntil: { secretariat: 10 * S }, answer: { secretariat: 2 * S } });
    expect(r.dials.map((d) => [d.t, d.line])).toEqual([[10, 'secretariat']]);
    expect(r.outcome?.data).toMatchObject({ result: 'answered', by: 'secretariat', overflowedTo: [] });
  });

  test('secretariat rejects (486 while free) → overflow at once, no ring time waited', () => {
    const r = run(alwaysOpen, { refuse: ['secretariat'], answer: { 'dr-martin': 2 * S } });
    expect(r.dials.map((d) => [d.t, d.line])).toEqual([
      [3, 'secretariat'],
      [3, 'dr-martin'],
    ]);
    const overflow = ofType(r.actions, 'journal').find((j) => j.step === 'overflow');
    expect(overflow?.reason).toMatch(/every line refused/);
    expect(r.outcome?.data).toMatchObject({ result: 'answered', by: 'dr-martin' });
  });

  test('secretariat and doctor unanswered → dr-martin voicemail, message kept', () => {
    const r = run(alwaysOpen, { messageMs: 12 * S });
    expect(r.dials.map((d) => [d.t, d.line])).toEqual([
      [3, 'secretariat'],
      [28, 'secretariat'],
      [48, 'dr-martin'],
    ]);
    const rec = ofType(r.actions, 'record');
    expect(rec).toEqual([expect.objectContaining({ box: 'dr-martin', beep: true, maxLengthMs: 120 * S })]);
    expect(ofType(r.actions, 'play').at(-1)?.media).toEqual(['vm-intro']);
    expect(r.outcome?.data).toMatchObject({
      result: 'voicemail',
      by: 'dr-martin',
      overflowedTo: ['line dr-martin', 'voicemail dr-martin'],
      message: 'kept',
      durations: { totalMs: (78 + 3 + 12) * S, waitedMs: (78 + 3) * S },
    });
  });
});

describe('reference case: closed', () => {
  test('closed (weekly hours) → announcement then voicemail', () => {
    const r = run(closed('closed: weekly hours (opens mon 08:30)'), {});
    expect(r.dials).toEqual([]);
    expect(ofType(r.actions, 'play').map((p) => p.media)).toEqual([['accueil/bienvenue-dr-martin'], ['accueil/ferme'], ['vm-intro']]);
    const cal = ofType(r.actions, 'journal').find((j) => j.step === 'calendar');
    expect(cal?.reason).toBe('closed: weekly hours (opens mon 08:30)');
    expect(ofType(r.actions, 'record')).toHaveLength(1);
    expect(r.outcome?.data).toMatchObject({ result: 'voicemail', by: 'dr-martin', overflowedTo: [] });
  });

  test('closed by an exception with an announcement → that announcement first, then the closed destination', () => {
    const r = run(closed('closed: holiday "Noël"', 'conges-ete'), {});
    expect(ofType(r.actions, 'play').map((p) => p.media)).toEqual([
      ['accueil/bienvenue-dr-martin'],
      ['accueil/conges-ete'],
      ['accueil/ferme'],
      ['vm-intro'],
    ]);
    expect(ofType(r.actions, 'journal').find((j) => j.step === 'calendar')?.reason).toBe('closed: holiday "Noël"');
  });

  test('closed, box takes no message → announcement then hang-up', () => {
    const r = run(closed(), {}, PETIT);
    expect(ofType(r.actions, 'play').map((p) => p.media)).toEqual([['accueil/bienvenue-dr-petit'], ['accueil/ferme'], ['accueil/annonce-petit']]);
    expect(ofType(r.actions, 'record')).toEqual([]);
    expect(ofType(r.actions, 'hangup')).toEqual([{ type: 'hangup', cause: 'normal' }]);
    expect(r.outcome?.data).toMatchObject({ result: 'announcement', by: 'dr-petit' });
  });

  test('another doctor: own greeting, own label, own box greeting', () => {
    const r = run(closed(), {}, DURAND);
    expect(ofType(r.actions, 'play').map((p) => p.media)).toEqual([['accueil/bienvenue-dr-durand'], ['accueil/ferme'], ['accueil/annonce-durand']]);
    expect(ofType(r.actions, 'record')[0]?.box).toBe('dr-durand');
  });
});

describe('reference case: unknown number', () => {
  test('no default → answer, ss-noservice, hang-up (never silence)', () => {
    const r = run(alwaysOpen, {}, '0199999999');
    expect(r.actions.map((a) => a.type).filter((t) => t !== 'journal' && t !== 'startTimer' && t !== 'cancelTimer')).toEqual([
      'answer',
      'play',
      'hangup',
    ]);
    expect(ofType(r.actions, 'play')[0]?.media).toEqual(['ss-noservice']);
    expect(r.outcome?.data).toMatchObject({ result: 'announcement' });
    expect(ofType(r.actions, 'hangup')[0]?.cause).toBe('unknownNumber');
  });

  test('no default, plan has numero-inconnu → that announcement', () => {
    const plan = referencePlan();
    plan.announcements['numero-inconnu'] = { name: 'numero-inconnu', sounds: [{ media: 'accueil/numero-inconnu', name: 'numero-inconnu' }] };
    const r = simulateCall(ctx(plan, { called: '+33199999999' }), alwaysOpen, {});
    const plays = r.steps.flatMap((s) => (s.action?.type === 'play' ? [s.action.media] : []));
    expect(plays).toEqual([['accueil/numero-inconnu']]);
  });

  test('plan default destination is used', () => {
    const plan = referencePlan();
    plan.default = { kind: 'group', group: 'secretariat-dr-martin' };
    const r = simulateCall(ctx(plan, { called: '0199999999' }), alwaysOpen, { answer: { secretariat: 1 * S } });
    expect(dialsOf(r.steps).map((d) => [d.t, d.line])).toEqual([[0, 'secretariat']]);
    const dial = r.steps.find((s) => s.action?.type === 'dial')?.action;
    // Unknown number: no label, just the caller's number.
    expect(dial).toMatchObject({ callerId: { name: '06 12 34 56 78' } });
  });
});

test('the journey reads step by step with time offsets', () => {
  const r = run(alwaysOpen, { answer: { secretariat: 12 * S } });
  const text = formatJourney(r.steps);
  expect(text[0]).toBe('+0.0s answer');
  expect(text).toContain('+3.0s dial secretariat (ring 20.0s) as "[Dr Martin] 06 12 34 56 78"');
  expect(text).toContain('+15.0s ← secretariat answers');
  expect(text).toContain('+15.0s bridge caller ↔ secretariat');
});

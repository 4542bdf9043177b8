// Voicemail: greeting, beep + record, minimum length, goodbye, no-message boxes.

import { simulateCall, type Scenario } from '../../../src/simulator/simulator';
import { handleEvent, startCall } from '../../../src/flow/interpreter';
import type { VoicemailBox } from '../../../src/plan/types';
import type { Action } from '../../../src/flow/contract';
import { alwaysOpen, box, ctx, ofType, planWith, S, T0 } from './fixtures';

function plan(over: Partial<VoicemailBox> = {}) {
  const p = planWith({ kind: 'voicemail', box: 'b' });
  p.voicemail.b = box('b', over);
  return p;
}

function run(over: Partial<VoicemailBox>, scenario: Scenario) {
  const r = simulateCall(ctx(plan(over)), alwaysOpen, scenario);
  const actions = r.steps.flatMap((s) => (s.action ? [s.action] : []));
  const journal = ofType(actions, 'journal');
  return { ...r, actions, journal, outcome: journal.find((j) => j.step === 'outcome')?.data };
}

test('default greeting, then record with beep, max length and silence', () => {
  const r = run({ silence: 4 * S, maxLength: 60 * S }, { messageMs: 20 * S });
  expect(ofType(r.actions, 'play')[0]?.media).toEqual(['vm-intro']);
  expect(ofType(r.actions, 'record')).toEqual([
    { type: 'record', recordingId: expect.any(String), box: 'b', maxLengthMs: 60 * S, silenceMs: 4 * S, beep: true },
  ]);
  expect(r.outcome).toMatchObject({ result: 'voicemail', by: 'b', message: 'kept' });
  expect(ofType(r.actions, 'discardRecording')).toEqual([]);
  expect(ofType(r.actions, 'keepRecording')).toEqual([{ type: 'keepRecording', recordingId: expect.any(String), box: 'b', durationMs: 20 * S }]);
});

test("the box's own greeting", () => {
  const r = run({ greeting: 'annonce-durand' }, {});
  expect(ofType(r.actions, 'play')[0]?.media).toEqual(['accueil/annonce-durand']);
});

test('a recording shorter than minLength is discarded and the journal says so', () => {
  const r = run({ minLength: 3 * S }, { messageMs: 1 * S });
  expect(ofType(r.actions, 'discardRecording')).toEqual([{ type: 'discardRecording', recordingId: expect.any(String), box: 'b' }]);
  expect(ofType(r.actions, 'keepRecording')).toEqual([]);
  const step = r.journal.find((j) => j.step === 'recordingDiscarded');
  expect(step?.reason).toBe('message of 1s shorter than the 3s minimum: discarded');
  expect(r.outcome).toMatchObject({ result: 'voicemail', message: 'discarded' });
});

test('exactly minLength is kept', () => {
  const r = run({ minLength: 3 * S }, { messageMs: 3 * S });
  expect(ofType(r.actions, 'discardRecording')).toEqual([]);
});

test('max length reached: goodbye then hang-up', () => {
  const r = run({ maxLength: 5 * S }, { messageMs: 60 * S });
  const plays = ofType(r.actions, 'play').map((p) => p.media[0]);
  expect(plays).toEqual(['vm-intro', 'vm-goodbye']);
  expect(ofType(r.actions, 'hangup')).toEqual([{ type: 'hangup', cause: 'normal' }]);
  expect(r.outcome).toMatchObject({ result: 'voicemail', message: 'kept', durations: { totalMs: 11 * S, waitedMs: 3 * S } });
});

test('no-message box: greeting then hang-up, no record', () => {
  const r = run({ record: false }, {});
  expect(ofType(r.actions, 'play')[0]?.media).toEqual(['vm-nobodyavail']);
  expect(ofType(r.actions, 'record')).toEqual([]);
  expect(r.outcome).toMatchObject({ result: 'announcement', by: 'b' });
});

test('caller hangs up before recordingFinished arrives: outcome first, keep/discard decided after', () => {
  const p = plan({ minLength: 5 * S });
  let step = startCall(ctx(p), alwaysOpen);
  const greeting = ofType(step.actions, 'play')[0] as Extract<Action, { type: 'play' }>;
  step = handleEvent(step.state, { type: 'playbackFinished', playbackId: greeting.playbackId }, T0 + 3 * S);
  const rec = ofType(step.actions, 'record')[0] as Extract<Action, { type: 'record' }>;
  step = handleEvent(step.state, { type: 'callerHangup' }, T0 + 4 * S);
  expect(ofType(step.actions, 'journal').find((j) => j.step === 'outcome')?.data).toMatchObject({ result: 'voicemail', by: 'b' });
  expect(ofType(step.actions, 'hangup')).toEqual([]);
  step = handleEvent(step.state, { type: 'recordingFinished', recordingId: rec.recordingId, durationMs: 1 * S, cause: 'hangup' }, T0 + 4 * S);
  expect(step.actions.map((a) => a.type)).toEqual(['discardRecording', 'journal']);
  expect(step.state.outcome?.message).toBe('discarded');
  // a duplicate report changes nothing
  const again = handleEvent(step.state, { type: 'recordingFinished', recordingId: rec.recordingId, durationMs: 1 * S, cause: 'hangup' }, T0 + 5 * S);
  expect(again.actions).toEqual([]);
});

test('caller hangs up during the greeting: not a voicemail', () => {
  const r = run({}, { hangupAt: 1 * S });
  expect(ofType(r.actions, 'record')).toEqual([]);
  expect(r.outcome).toMatchObject({ result: 'callerHangup' });
});

test('an empty greeting goes straight to the beep', () => {
  const p = plan({ greeting: 'vide' });
  p.announcements.vide = { name: 'vide', sounds: [] };
  const { actions } = startCall(ctx(p), alwaysOpen);
  expect(ofType(actions, 'play')).toEqual([]);
  expect(ofType(actions, 'record')).toHaveLength(1);
});

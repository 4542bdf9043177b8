// A call across a daemon restart: the snapshot kept on the channel, and the call
// rebuilt from it — same place and deadline in the queue, same ringing legs.

import { handleEvent, startCall } from '../../../src/flow/interpreter';
import { parseSnapshot, resumeCall, snapshotOf, type CallSnapshot, type Resumed } from '../../../src/flow/resume';
import type { CallState } from '../../../src/flow/state';
import { Dispatcher } from '../../../src/lines/dispatcher';
import { applyQueueActions } from '../../../src/lines/feed';
import type { Plan } from '../../../src/plan/types';
import { alwaysOpen, ctx, group, journalSteps, menu, ofType, planWith, S, T0 } from './fixtures';

function groupPlan(over = {}): Plan {
  return planWith(
    { kind: 'group', group: 'g' },
    { groups: { g: group('g', ['secretariat', 'dr-martin'], { strategy: 'linear', ringTime: 15 * S, maxWait: 40 * S, hold: { music: 'default', announcePosition: false }, overflow: { kind: 'voicemail', box: 'dr-martin' }, ...over }) } },
  );
}

/** Through JSON and back, as the channel variable carries it. */
function viaChannel(state: CallState): CallSnapshot {
  const snapshot = snapshotOf(state);
  if (!snapshot) throw new Error('no snapshot');
  const parsed = parseSnapshot(JSON.stringify(snapshot));
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

function resumed(snapshot: CallSnapshot, plan: Plan, now: number): Resumed {
  const r = resumeCall(snapshot, plan, now);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

/** A caller waiting in g since T0, the secretariat ringing for it since T0 + 5 s. */
function waitingAndRinging(plan = groupPlan()): { state: CallState; attemptId: string } {
  const start = startCall(ctx(plan), alwaysOpen);
  const offered = handleEvent(start.state, { type: 'offer', lines: ['secretariat'] }, T0 + 5 * S);
  return { state: offered.state, attemptId: ofType(offered.actions, 'dial')[0]?.attemptId ?? '' };
}

describe('the snapshot kept on the channel', () => {
  test('a waiting caller: group, arrival in it, deadline, ringing attempts with the end of their ring time', () => {
    const { state, attemptId } = waitingAndRinging();
    const snapshot = viaChannel(state);
    expect(snapshot.phase).toEqual({ kind: 'group', group: 'g', enteredAt: T0, deadline: T0 + 40 * S });
    expect(snapshot.attempts).toEqual({ [attemptId]: { line: 'secretariat', startedAt: T0 + 5 * S, ringUntil: T0 + 20 * S, group: 'g' } });
    expect(snapshot).toMatchObject({ callId: 'c1', called: '0142000001', arrivedAt: T0, planVersion: 'test-v1', audio: { kind: 'music', musicClass: 'default' } });
  });

  test('none once the call is connected or over (a bridge speaks for itself)', () => {
    const { state, attemptId } = waitingAndRinging();
    const bridged = handleEvent(state, { type: 'attemptAnswered', attemptId }, T0 + 8 * S);
    expect(bridged.state.phase.kind).toBe('bridged');
    expect(snapshotOf(bridged.state)).toBeUndefined();
    const ended = handleEvent(bridged.state, { type: 'callerHangup' }, T0 + 20 * S);
    expect(snapshotOf(ended.state)).toBeUndefined();
  });

  test('a greeting playing is kept as a moment that cannot be resumed', () => {
    const plan = groupPlan();
    const withGreeting = { ...plan, numbers: { ...plan.numbers, '+33142000001': { ...plan.numbers['+33142000001']!, greeting: 'bienvenue-dr-martin' } } };
    const start = startCall(ctx(withGreeting), alwaysOpen);
    const snapshot = viaChannel(start.state);
    expect(snapshot.phase).toEqual({ kind: 'other', name: 'playing' });
    expect(resumeCall(snapshot, withGreeting, T0 + S)).toBe('the call was in playing: it cannot be picked up halfway');
  });

  test.each([
    ['not JSON', '{', 'not JSON'],
    ['another version', '{"v":2}', 'snapshot version 2, expected 1'],
    ['no call id', '{"v":1}', 'callId missing'],
    ['a string', '"x"', 'not an object'],
  ])('%s is refused with the reason', (_name, text, reason) => {
    expect(parseSnapshot(text)).toBe(reason);
  });

  test('a snapshot without its phase is refused', () => {
    const snapshot = viaChannel(waitingAndRinging().state) as unknown as Record<string, unknown>;
    delete snapshot.phase;
    expect(parseSnapshot(JSON.stringify(snapshot))).toBe('phase missing');
  });
});

describe('a waiting caller picked up again', () => {
  test('same place (its arrival in the group), same deadline, the ringing line still reserved to it; hold music not restarted', () => {
    const { state, attemptId } = waitingAndRinging();
    const r = resumed(viaChannel(state), groupPlan(), T0 + 9 * S);
    expect(r.attempts).toEqual({ [attemptId]: T0 + 20 * S });
    expect(ofType(r.actions, 'enqueue')).toEqual([{ type: 'enqueue', group: 'g', deadline: T0 + 40 * S, since: T0, ringing: ['secretariat'] }]);
    const timers = ofType(r.actions, 'startTimer').map((t) => [t.timerId, t.at]);
    expect(timers).toEqual(
      expect.arrayContaining([
        ['c1:life', T0 + 30 * 60 * S],
        [expect.any(String), T0 + 40 * S], // max wait at the original deadline
        [expect.any(String), T0 + 20 * S], // the ring time of the attempt, to its original end
      ]),
    );
    expect(ofType(r.actions, 'holdMusic')).toEqual([]); // Asterisk kept playing it
    expect(r.state.phase).toMatchObject({ kind: 'group', group: 'g', enteredAt: T0, deadline: T0 + 40 * S });
    expect(r.state.queued).toBe('g');
    expect(journalSteps(r.actions)).toEqual(['resumed']);
  });

  test('the leg answered meanwhile: bridged, the caller leaves the queue', () => {
    const { state, attemptId } = waitingAndRinging();
    const r = resumed(viaChannel(state), groupPlan(), T0 + 9 * S);
    const a = handleEvent(r.state, { type: 'attemptAnswered', attemptId }, T0 + 9 * S);
    expect(ofType(a.actions, 'bridge')).toEqual([{ type: 'bridge', attemptId }]);
    expect(ofType(a.actions, 'dequeue')).toEqual([{ type: 'dequeue', group: 'g', reason: 'answered', answeredBy: 'secretariat' }]);
  });

  test('the leg is gone: its line goes back to the dispatcher and the caller keeps waiting', () => {
    const { state, attemptId } = waitingAndRinging();
    const r = resumed(viaChannel(state), groupPlan(), T0 + 9 * S);
    const f = handleEvent(r.state, { type: 'attemptFailed', attemptId, cause: 'noanswer' }, T0 + 9 * S);
    expect(ofType(f.actions, 'released')).toEqual([{ type: 'released', line: 'secretariat', cause: 'noanswer' }]);
    expect(f.state.phase.kind).toBe('group');
  });

  test('the max wait ran out during the restart: the overflow comes at once (its timer is due)', () => {
    const { state } = waitingAndRinging();
    const r = resumed(viaChannel(state), groupPlan(), T0 + 50 * S);
    const due = ofType(r.actions, 'startTimer').filter((t) => t.at <= T0 + 50 * S);
    const maxWait = due.find((t) => t.at === T0 + 40 * S);
    expect(maxWait).toBeDefined();
    const o = handleEvent(r.state, { type: 'timer', timerId: maxWait?.timerId ?? '' }, T0 + 50 * S);
    expect(journalSteps(o.actions)).toContain('overflow');
    expect(ofType(o.actions, 'cancelDial')).toHaveLength(1);
    expect(o.state.phase).toMatchObject({ kind: 'voicemail', box: 'dr-martin' });
  });

  test('new ids go on from the old ones: nothing collides with what the previous life created', () => {
    const { state, attemptId } = waitingAndRinging();
    const r = resumed(viaChannel(state), groupPlan(), T0 + 9 * S);
    const f = handleEvent(r.state, { type: 'attemptFailed', attemptId, cause: 'noanswer' }, T0 + 9 * S);
    const again = handleEvent(f.state, { type: 'offer', lines: ['dr-martin'] }, T0 + 10 * S);
    const next = ofType(again.actions, 'dial')[0]?.attemptId;
    expect(next).toBeDefined();
    expect(next).not.toBe(attemptId);
    expect(Object.keys(state.timers)).not.toContain(ofType(again.actions, 'startTimer')[0]?.timerId);
  });

  test('the hold message was playing: it is stopped and the hold music comes back', () => {
    const plan = groupPlan({ hold: { music: 'default', message: 'patientez', every: 10 * S, announcePosition: false } });
    const start = startCall(ctx(plan), alwaysOpen);
    const holdTimer = ofType(start.actions, 'startTimer').find((t) => t.at === T0 + 10 * S);
    const playing = handleEvent(start.state, { type: 'timer', timerId: holdTimer?.timerId ?? '' }, T0 + 10 * S);
    const playbackId = ofType(playing.actions, 'play')[0]?.playbackId;
    const r = resumed(viaChannel(playing.state), plan, T0 + 12 * S);
    expect(ofType(r.actions, 'stopPlayback')).toEqual([{ type: 'stopPlayback', playbackId }]);
    expect(ofType(r.actions, 'holdMusic')).toEqual([{ type: 'holdMusic', musicClass: 'default' }]);
    expect(ofType(r.actions, 'startTimer').some((t) => t.at === T0 + 22 * S)).toBe(true); // next message: every 10 s from now
  });

  test('two callers resumed in any order are served in their original order', () => {
    const plan = groupPlan();
    const early = startCall(ctx(plan, { callId: 'early', arrivedAt: T0 }), alwaysOpen);
    const late = startCall(ctx(plan, { callId: 'late', arrivedAt: T0 + 3 * S }), alwaysOpen);
    const d = new Dispatcher();
    d.deviceState('secretariat', 'INUSE', T0 + 20 * S);
    d.deviceState('dr-martin', 'INUSE', T0 + 20 * S);
    // The new daemon happens to find the later caller first.
    for (const [id, state] of [['late', late.state], ['early', early.state]] as const) {
      const r = resumed(viaChannel(state), plan, T0 + 20 * S);
      applyQueueActions(d, id, plan, r.actions, T0 + 20 * S);
    }
    d.deviceState('secretariat', 'NOT_INUSE', T0 + 21 * S);
    expect(d.dispatch(T0 + 21 * S).offers.map((o) => [o.callerId, o.lines])).toEqual([['early', ['secretariat']]]);
    expect(d.position('late')).toBe(2);
  });

  test('a line still ringing for a resumed caller is not offered to another caller', () => {
    const plan = groupPlan();
    const { state } = waitingAndRinging(plan);
    const d = new Dispatcher();
    const r = resumed(viaChannel(state), plan, T0 + 9 * S);
    applyQueueActions(d, 'c1', plan, r.actions, T0 + 9 * S);
    const other = startCall(ctx(plan, { callId: 'other', arrivedAt: T0 + 9 * S }), alwaysOpen);
    applyQueueActions(d, 'other', plan, other.actions, T0 + 9 * S);
    const offers = d.dispatch(T0 + 9 * S).offers;
    expect(offers.flatMap((o) => o.lines)).not.toContain('secretariat');
    expect(d.waiting().find((w) => w.callerId === 'c1')?.ringing).toEqual(['secretariat']);
  });
});

describe('other moments picked up again', () => {
  test('a single line ringing: it rings on; if it fails, the call goes where a failure goes', () => {
    const plan = planWith({ kind: 'line', line: 'dr-martin', timeout: 20 * S, then: { kind: 'voicemail', box: 'dr-martin' } });
    const start = startCall(ctx(plan), alwaysOpen);
    const attemptId = ofType(start.actions, 'dial')[0]?.attemptId ?? '';
    const r = resumed(viaChannel(start.state), plan, T0 + 5 * S);
    expect(r.attempts).toEqual({ [attemptId]: T0 + 20 * S });
    expect(ofType(r.actions, 'startTimer').some((t) => t.at === T0 + 20 * S)).toBe(true);
    expect(ofType(r.actions, 'ringback')).toEqual([]);
    const f = handleEvent(r.state, { type: 'attemptFailed', attemptId, cause: 'noanswer' }, T0 + 6 * S);
    expect(f.state.phase).toMatchObject({ kind: 'voicemail', box: 'dr-martin' });
  });

  test('a menu starts over: the old prompt stopped, the prompt again', () => {
    const plan = planWith({ kind: 'menu', menu: 'm' }, { menus: { m: menu('m', { options: { '1': { kind: 'hangup' } } }) } });
    const start = startCall(ctx(plan), alwaysOpen);
    const old = ofType(start.actions, 'play')[0]?.playbackId;
    const r = resumed(viaChannel(start.state), plan, T0 + 3 * S);
    expect(ofType(r.actions, 'stopPlayback')).toEqual([{ type: 'stopPlayback', playbackId: old }]);
    const again = ofType(r.actions, 'play');
    expect(again).toHaveLength(1);
    expect(again[0]?.media).toEqual(['accueil/menu-prompt']);
    expect(again[0]?.playbackId).not.toBe(old);
    expect(r.state.phase).toMatchObject({ kind: 'menu', menu: 'm', failures: 0 });
  });

  test('a voicemail greeting starts over; a message being recorded is taken back by its recording, not started again', () => {
    const plan = planWith({ kind: 'voicemail', box: 'dr-martin' });
    const start = startCall(ctx(plan), alwaysOpen);
    const r = resumed(viaChannel(start.state), plan, T0 + 2 * S);
    expect(ofType(r.actions, 'play')).toHaveLength(1);
    const greeting = ofType(start.actions, 'play')[0]?.playbackId ?? '';
    const recording = handleEvent(start.state, { type: 'playbackFinished', playbackId: greeting }, T0 + 3 * S);
    expect(recording.state.phase).toMatchObject({ kind: 'voicemail', sub: 'recording' });
    const recordingId = ofType(recording.actions, 'record')[0]?.recordingId ?? '';
    const taken = resumeCall(viaChannel(recording.state), plan, T0 + 5 * S);
    if (typeof taken === 'string') throw new Error(taken);
    expect(taken.recording).toEqual({ recordingId, box: 'dr-martin', maxLengthMs: 120 * S });
    expect(ofType(taken.actions, 'record')).toEqual([]); // Asterisk is still recording it
    expect(ofType(taken.actions, 'play')).toEqual([]);
    expect(taken.state.phase).toMatchObject({ kind: 'voicemail', box: 'dr-martin', sub: 'recording' });
    // Its end, reported by the executor, keeps the message left across the restart.
    const end = handleEvent(taken.state, { type: 'recordingFinished', recordingId, durationMs: 9 * S, cause: 'hangup' }, T0 + 12 * S);
    expect(ofType(end.actions, 'keepRecording')).toEqual([{ type: 'keepRecording', recordingId, box: 'dr-martin', durationMs: 9 * S }]);
    expect(end.state.outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin', message: 'kept' });
  });

  test('a snapshot of a recording without its id (older daemon) is not picked up halfway', () => {
    const plan = planWith({ kind: 'voicemail', box: 'dr-martin' });
    const start = startCall(ctx(plan), alwaysOpen);
    const greeting = ofType(start.actions, 'play')[0]?.playbackId ?? '';
    const recording = handleEvent(start.state, { type: 'playbackFinished', playbackId: greeting }, T0 + 3 * S);
    const snapshot = viaChannel(recording.state);
    const old = { ...snapshot, phase: { kind: 'voicemail' as const, box: 'dr-martin', sub: 'recording' as const } };
    expect(resumeCall(old, plan, T0 + 5 * S)).toBe('the call was in voicemail dr-martin (recording): it cannot be picked up halfway');
  });

  test('the plan in force no longer has the group: not resumed, with the reason', () => {
    const { state } = waitingAndRinging();
    const without = { ...groupPlan(), version: 'v2', groups: {} };
    expect(resumeCall(viaChannel(state), without, T0 + 9 * S)).toBe('group g is not in plan v2');
  });

  test('resumed with another plan version: the journal says which', () => {
    const { state } = waitingAndRinging();
    const r = resumed(viaChannel(state), { ...groupPlan(), version: 'v2' }, T0 + 9 * S);
    const line = ofType(r.actions, 'journal')[0];
    expect(line?.reason).toBe('call picked up after a daemon restart, in group g (started with plan test-v1, now v2)');
    expect(line?.data).toMatchObject({ planVersion: 'v2', startedWith: 'test-v1' });
  });
});

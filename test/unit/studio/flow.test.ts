// The studio's call flow, event by event, with the clock passed in: PIN, list, take,
// review, keep / redo / listen again; wrong PINs; a take never left behind.
import { handleEvent, startCall } from '../../../src/flow/interpreter';
import type { Action, CallContext, CallEvent } from '../../../src/flow/contract';
import type { CallState } from '../../../src/flow/state';
import { STUDIO_INPUT_MS, validStudioPin } from '../../../src/flow/studio';
import { STUDIO_PROMPTS, type Plan, type Studio } from '../../../src/plan/types';
import { alwaysOpen, ctx, journalSteps, MARTIN, ofType, referencePlan, S, T0 } from '../flow/fixtures';

const STUDIO = '+33142000009';

function studioPlan(): Plan {
  const prompts = Object.fromEntries(STUDIO_PROMPTS.map((p) => [p, [{ media: `accueil-say/${p}`, name: `studio:${p}` }]])) as Studio['prompts'];
  return { ...referencePlan(), studio: { number: STUDIO, written: '01 42 00 00 09', pinEnv: 'ACCUEIL_STUDIO_PIN', announcements: ['bienvenue-dr-martin', 'ferme'], prompts } };
}

/** One studio call driven by hand: each step returns the actions it produced. */
class StudioCall {
  state: CallState;
  t = T0;
  all: Action[] = [];
  constructor(over: Partial<CallContext> = {}) {
    const first = startCall(ctx(studioPlan(), { called: '01 42 00 00 09', studioPin: '4321', ...over }), alwaysOpen);
    this.state = first.state;
    this.all.push(...first.actions);
  }
  on(event: CallEvent, afterMs = 100): Action[] {
    this.t += afterMs;
    const r = handleEvent(this.state, event, this.t);
    this.state = r.state;
    this.all.push(...r.actions);
    return r.actions;
  }
  /** The sound playing now ends. */
  heard(): Action[] {
    const p = this.state.playback;
    if (!p) throw new Error(`nothing playing in ${JSON.stringify(this.state.phase)}`);
    return this.on({ type: 'playbackFinished', playbackId: p.id }, 2 * S);
  }
  keys(digits: string): Action[] {
    return [...digits].flatMap((digit) => this.on({ type: 'digit', digit }, 300));
  }
  /** The pending input timer fires. */
  silence(): Action[] {
    const [id, timer] = Object.entries(this.state.timers).find(([, t]) => t.purpose.kind === 'studioInput') ?? [];
    if (!id || !timer) throw new Error('no input timer');
    return this.on({ type: 'timer', timerId: id }, timer.at - this.t);
  }
  plays(actions: Action[]): string[][] {
    return ofType(actions, 'play').map((p) => p.media);
  }
}

/** PIN accepted, announcement 2 chosen, record prompt heard: the take is being recorded. */
function recording(): { call: StudioCall; take: string } {
  const call = new StudioCall();
  call.heard();
  call.keys('4321#');
  call.heard();
  call.keys('2');
  const take = ofType(call.heard(), 'recordTake')[0]!.recordingId;
  return { call, take };
}

test('the studio asks for the PIN (interruptible), then the list; the right PIN and # open it', () => {
  const call = new StudioCall();
  expect(call.plays(call.all)).toEqual([['accueil-say/pin']]);
  expect(ofType(call.all, 'play')[0]?.interruptible).toBe(true);
  expect(call.heard()).toEqual([expect.objectContaining({ type: 'startTimer', at: call.t + STUDIO_INPUT_MS })]);
  const opened = call.keys('4321#');
  expect(call.plays(opened)).toEqual([['accueil-say/menu']]);
  expect(journalSteps(call.all)).toContain('studio');
});

test('a key chooses the announcement; after "speak after the beep" (not interruptible) the take starts, 5 minutes at most', () => {
  const call = new StudioCall();
  call.heard();
  call.keys('4321#');
  call.heard();
  const chosen = call.keys('2');
  expect(ofType(chosen, 'play')).toEqual([expect.objectContaining({ media: ['accueil-say/record'], interruptible: false })]);
  expect(ofType(call.all, 'journal').some((j) => j.reason === 'key 2: recording ferme')).toBe(true);
  const started = call.heard();
  expect(ofType(started, 'recordTake')).toEqual([{ type: 'recordTake', recordingId: expect.stringMatching(/^c1:take\d+$/), maxLengthMs: 300 * S }]);
});

test('the take is played back with the choices; 1 keeps it for that announcement, then the list again', () => {
  const { call, take } = recording();
  const back = call.on({ type: 'recordingFinished', recordingId: take, durationMs: 4200, cause: 'dtmf' }, 4200);
  expect(call.plays(back)).toEqual([[`take:${take}`, 'accueil-say/review']]);
  const kept = call.keys('1');
  expect(ofType(kept, 'keepTake')).toEqual([{ type: 'keepTake', recordingId: take, announcement: 'ferme', durationMs: 4200 }]);
  expect(call.plays(kept)).toEqual([['accueil-say/kept']]);
  expect(call.plays(call.heard())).toEqual([['accueil-say/menu']]);
  expect(ofType(call.all, 'discardTake')).toEqual([]);
});

test('2 records again (the take not kept is deleted); 3 plays the take again', () => {
  const { call, take } = recording();
  call.on({ type: 'recordingFinished', recordingId: take, durationMs: 3000, cause: 'dtmf' }, 3000);
  expect(call.plays(call.keys('3'))).toEqual([[`take:${take}`, 'accueil-say/review']]);
  const redo = call.keys('2');
  expect(ofType(redo, 'discardTake')).toEqual([{ type: 'discardTake', recordingId: take }]);
  expect(call.plays(redo)).toEqual([['accueil-say/record']]);
  const second = ofType(call.heard(), 'recordTake')[0]!.recordingId;
  expect(second).not.toBe(take);
});

test('a take under a second (# at the beep) is deleted and recorded again', () => {
  const { call, take } = recording();
  const again = call.on({ type: 'recordingFinished', recordingId: take, durationMs: 400, cause: 'dtmf' }, 400);
  expect(ofType(again, 'discardTake')).toEqual([{ type: 'discardTake', recordingId: take }]);
  expect(call.plays(again)).toEqual([['accueil-say/record']]);
});

test('three wrong PINs: "wrong code" twice, then goodbye and hang-up; nothing recorded, the digits never journaled', () => {
  const call = new StudioCall();
  call.heard();
  expect(call.plays(call.keys('1111#'))).toEqual([['accueil-say/wrongPin', 'accueil-say/pin']]);
  call.heard();
  call.keys('2222#');
  call.heard();
  const last = call.keys('3333#');
  expect(call.plays(last)).toEqual([['accueil-say/goodbye']]);
  const end = call.heard();
  expect(ofType(end, 'hangup')).toHaveLength(1);
  expect(call.state.outcome).toMatchObject({ result: 'hangup', by: 'studio' });
  expect(ofType(call.all, 'journal').find((j) => j.step === 'outcome')?.data).toMatchObject({ cause: 'studioWrongPin' });
  expect(ofType(call.all, 'journal').filter((j) => j.step === 'studioPinRefused').map((j) => j.reason)).toEqual(['wrong PIN (1/3)', 'wrong PIN (2/3)', 'wrong PIN (3/3)']);
  expect(JSON.stringify(call.all)).not.toMatch(/1111|2222|3333/);
  expect(ofType(call.all, 'recordTake')).toEqual([]);
});

test('no key after the PIN prompt counts as a wrong PIN; digits then silence are taken as typed', () => {
  const call = new StudioCall();
  call.heard();
  expect(call.plays(call.silence())).toEqual([['accueil-say/wrongPin', 'accueil-say/pin']]);
  call.heard();
  call.keys('4321');
  expect(call.plays(call.silence())).toEqual([['accueil-say/menu']]);
});

test('no PIN in the environment (or not 4 to 12 digits): the studio says so and hangs up', () => {
  for (const pin of [undefined, '', '12', '12ab', '1234567890123']) {
    const call = new StudioCall(pin === undefined ? { studioPin: undefined } : { studioPin: pin });
    expect(call.plays(call.all)).toEqual([['accueil-say/noPin']]);
    call.heard();
    expect(call.state.outcome).toMatchObject({ result: 'hangup', by: 'studio' });
  }
  expect(['1234', '123456789012'].map(validStudioPin)).toEqual([true, true]);
});

test('a key with no announcement, three rounds running: goodbye', () => {
  const call = new StudioCall();
  call.heard();
  call.keys('4321#');
  call.heard();
  expect(call.plays(call.keys('7'))).toEqual([['accueil-say/menu']]);
  call.heard();
  call.silence();
  call.heard();
  expect(call.plays(call.keys('0'))).toEqual([['accueil-say/goodbye']]);
});

test('the caller hangs up during the review: the take is deleted; during the take: deleted when it ends', () => {
  const a = recording();
  a.call.on({ type: 'recordingFinished', recordingId: a.take, durationMs: 3000, cause: 'dtmf' }, 3000);
  expect(ofType(a.call.on({ type: 'callerHangup' }), 'discardTake')).toEqual([{ type: 'discardTake', recordingId: a.take }]);
  // The manager hanging up is the studio's normal end, not a missed call.
  expect(a.call.state.outcome).toMatchObject({ result: 'hangup', by: 'studio' });
  const b = recording();
  expect(ofType(b.call.on({ type: 'recordingFinished', recordingId: b.take, durationMs: 2500, cause: 'hangup' }), 'discardTake')).toEqual([{ type: 'discardTake', recordingId: b.take }]);
  b.call.on({ type: 'callerHangup' });
  expect(ofType(b.call.all, 'keepTake')).toEqual([]);
  // The take's end reported after the call ended: deleted all the same.
  const c = recording();
  c.call.on({ type: 'callerHangup' });
  expect(ofType(c.call.on({ type: 'recordingFinished', recordingId: c.take, durationMs: 2500, cause: 'hangup' }), 'discardTake')).toEqual([{ type: 'discardTake', recordingId: c.take }]);
});

test('a kept take replaces the announcement for the next callers: their greeting plays it', () => {
  const recorded = (name: string): string | undefined => (name === 'bienvenue-dr-martin' ? 'recording:studio-c1-c1:take7' : undefined);
  const { actions } = startCall(ctx(studioPlan(), { called: MARTIN, recorded }), alwaysOpen);
  expect(ofType(actions, 'play')[0]?.media).toEqual(['recording:studio-c1-c1:take7']);
  const before = startCall(ctx(studioPlan(), { called: MARTIN }), alwaysOpen);
  expect(ofType(before.actions, 'play')[0]?.media).toEqual(['accueil/bienvenue-dr-martin']);
});

// Voice menus: digit, digit during the prompt, timeout, invalid, retries, fallback, direct dial.

import { simulateCall, type Scenario } from '../../../src/simulator/simulator';
import { handleEvent, startCall } from '../../../src/flow/interpreter';
import type { Menu } from '../../../src/plan/types';
import type { Action } from '../../../src/flow/contract';
import { alwaysOpen, ctx, menu, ofType, planWith, S, T0 } from './fixtures';

function plan(over: Partial<Menu> = {}) {
  return planWith(
    { kind: 'menu', menu: 'm' },
    {
      menus: {
        m: menu('m', {
          prompt: 'menu-prompt',
          invalid: 'menu-invalid',
          noInput: 'menu-noinput',
          options: {
            '1': { kind: 'group', group: 'secretariat-dr-martin' },
            '2': { kind: 'voicemail', box: 'dr-martin' },
          },
          fallback: { kind: 'voicemail', box: 'dr-durand' },
          ...over,
        }),
      },
    },
  );
}

function run(scenario: Scenario, over: Partial<Menu> = {}) {
  const r = simulateCall(ctx(plan(over)), alwaysOpen, { messageMs: 5 * S, ...scenario });
  const timed = r.steps.flatMap((s) => (s.action ? [{ t: s.t / S, a: s.action }] : []));
  const actions = timed.map((x) => x.a);
  const plays = timed.flatMap((x) => (x.a.type === 'play' ? [[x.t, x.a.media[0]?.replace('accueil/', '')]] : []));
  const steps = ofType(actions, 'journal').map((j) => j.step);
  const outcome = ofType(actions, 'journal').find((j) => j.step === 'outcome')?.data;
  return { ...r, timed, actions, plays, steps, outcome };
}

test('the prompt is interruptible', () => {
  const { actions } = startCall(ctx(plan()), alwaysOpen);
  expect(ofType(actions, 'play')).toEqual([expect.objectContaining({ media: ['accueil/menu-prompt'], interruptible: true })]);
});

test('a digit after the prompt picks the option', () => {
  const r = run({ digits: [{ digit: '1', at: 4 * S }], answer: { secretariat: 1 * S } });
  expect(r.steps).toContain('menuChoice');
  expect(r.outcome).toMatchObject({ result: 'answered', by: 'secretariat' });
  const dial = r.timed.find((x) => x.a.type === 'dial');
  expect(dial?.t).toBe(4);
});

test('a digit during the prompt stops it and picks the option; the stopped prompt does not start the timeout', () => {
  const r = run({ digits: [{ digit: '2', at: 1 * S }] });
  expect(r.plays[0]).toEqual([0, 'menu-prompt']);
  expect(r.plays[1]).toEqual([1, 'vm-intro']);
  expect(r.outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin' });
  expect(r.steps).not.toContain('menuNoInput');
});

test('timeout with no key: no-input message, prompt again; counted from the end of the prompt', () => {
  const r = run({ digits: [{ digit: '2', at: 12 * S }] });
  // prompt 0–3, timeout 5 s → 8: no-input message 8–11, prompt 11–14 (digit at 12 interrupts)
  expect(r.plays.slice(0, 3)).toEqual([
    [0, 'menu-prompt'],
    [8, 'menu-noinput'],
    [11, 'menu-prompt'],
  ]);
  expect(r.steps.filter((s) => s === 'menuNoInput')).toHaveLength(1);
  expect(r.outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin' });
});

test('invalid key: invalid message then prompt again', () => {
  const r = run({ digits: [{ digit: '7', at: 4 * S }, { digit: '1', at: 11 * S }], answer: { secretariat: 1 * S } });
  expect(r.plays.slice(0, 3)).toEqual([
    [0, 'menu-prompt'],
    [4, 'menu-invalid'],
    [7, 'menu-prompt'],
  ]);
  expect(r.steps).toContain('menuInvalid');
  expect(r.outcome).toMatchObject({ result: 'answered' });
});

test('retries exhausted → fallback (no further message)', () => {
  const r = run({}, { retries: 2 });
  // prompt 0–3, +5 → 8 noinput 8–11, prompt 11–14, +5 → 19 noinput 19–22, prompt 22–25, +5 → 30 fallback
  expect(r.plays.map((p) => p[1])).toEqual(['menu-prompt', 'menu-noinput', 'menu-prompt', 'menu-noinput', 'menu-prompt', 'annonce-durand']);
  const fb = r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'menuFallback');
  expect(fb?.t).toBe(30);
  // The menu's fallback is no overflow (issue 21): the outcome lists no overflow.
  expect(r.outcome).toMatchObject({ result: 'voicemail', by: 'dr-durand', overflowedTo: [] });
});

test('retries 0: first failure goes to the fallback', () => {
  const r = run({ digits: [{ digit: '9', at: 4 * S }] }, { retries: 0 });
  expect(r.steps).toContain('menuFallback');
  expect(r.steps).not.toContain('menuInvalid');
});

test('no invalid/noInput message in the plan: prompt replayed directly', () => {
  const r = run({ digits: [{ digit: '9', at: 1 * S }, { digit: '2', at: 2 * S }] }, { invalid: undefined });
  expect(r.plays.slice(0, 3)).toEqual([
    [0, 'menu-prompt'],
    [1, 'menu-prompt'],
    [2, 'vm-intro'],
  ]);
});

test('a digit during the invalid message is taken as input', () => {
  const r = run({ digits: [{ digit: '9', at: 1 * S }, { digit: '2', at: 2 * S }] });
  expect(r.plays.slice(0, 3)).toEqual([
    [0, 'menu-prompt'],
    [1, 'menu-invalid'],
    [2, 'vm-intro'],
  ]);
});

describe('direct dial', () => {
  test('a line extension rings that line, then the fallback', () => {
    const r = run({ digits: [{ digit: '1', at: 4 * S }, { digit: '1', at: 5 * S }] }, { directDial: true });
    expect(r.steps).toContain('menuDirectDial');
    const dial = ofType(r.actions, 'dial')[0];
    expect(dial).toMatchObject({ line: 'dr-martin', timeout: 30 * S });
    expect(r.outcome).toMatchObject({ result: 'voicemail', by: 'dr-durand' });
  });

  test('"1" is both an option and the start of extension "11": the timeout decides for the option', () => {
    const r = run({ digits: [{ digit: '1', at: 4 * S }], answer: { secretariat: 1 * S } }, { directDial: true });
    const choice = r.timed.find((x) => x.a.type === 'journal' && x.a.step === 'menuChoice');
    expect(choice?.t).toBe(9);
    expect(r.outcome).toMatchObject({ result: 'answered', by: 'secretariat' });
  });

  test('direct dial off: "11" is invalid at the first unknown prefix', () => {
    const r = run({ digits: [{ digit: '3', at: 4 * S }] }, { directDial: false });
    expect(r.steps).toContain('menuInvalid');
  });

  test('partial extension then timeout → invalid', () => {
    const r = run({ digits: [{ digit: '0', at: 1 * S }] }, { directDial: true, options: {} , retries: 0});
    // "0" is not a key of its own; no extension starts with "0": invalid at once, retries 0 → fallback.
    expect(r.steps).toContain('menuFallback');
  });
});

test('digits outside a menu are ignored', () => {
  const p = planWith({ kind: 'group', group: 'secretariat-dr-martin' });
  const { state } = startCall(ctx(p), alwaysOpen);
  const next = handleEvent(state, { type: 'digit', digit: '5' }, T0 + 1000);
  expect(next.actions).toEqual([]);
});

test('stale playbackFinished of a stopped prompt is ignored', () => {
  const { state, actions } = startCall(ctx(plan()), alwaysOpen);
  const prompt = ofType(actions, 'play')[0] as Extract<Action, { type: 'play' }>;
  const afterDigit = handleEvent(state, { type: 'digit', digit: '7' }, T0 + 1000);
  const invalid = ofType(afterDigit.actions, 'play')[0];
  expect(invalid?.media).toEqual(['accueil/menu-invalid']);
  const stale = handleEvent(afterDigit.state, { type: 'playbackFinished', playbackId: prompt.playbackId }, T0 + 1000);
  expect(stale.actions).toEqual([]);
});

test('an empty prompt does not stall the menu: it waits for a key at once', () => {
  const p = plan({ prompt: 'vide' });
  p.announcements.vide = { name: 'vide', sounds: [] };
  const { actions } = startCall(ctx(p), alwaysOpen);
  expect(ofType(actions, 'play')).toEqual([]);
  expect(ofType(actions, 'startTimer').map((t) => t.at - T0)).toContain(5 * S);
});

// Voice menus: "press 1 for appointments, 2 for results".
//
// Rules (docs/flow.md):
// - The prompt is interruptible: a digit during it stops it and counts as input.
// - After the prompt, `timeout` to press a key. Digits accumulate while they are the
//   beginning of a longer choice (a line's extension "12" when direct dial is on); the
//   same timeout then decides between the short and the long choice.
// - No input or an invalid choice is a failure: its message (noInput / invalid, also
//   interruptible) then the prompt again. After `retries` failed replays, the next failure
//   goes to `fallback` without a further message.
// - Direct dial rings the line for DIRECT_DIAL_RING_MS, then the menu's fallback.

import type { Destination, Menu } from '../plan/types';
import { DIRECT_DIAL_RING_MS } from './limits';
import { endCall } from './end';
import { describe, type Phase } from './state';
import { seconds, type Tx } from './tx';

type MenuPhase = Extract<Phase, { kind: 'menu' }>;

export function enterMenu(tx: Tx, name: string): void {
  const m = tx.plan.menus[name];
  if (!m) {
    tx.journal('menu', `menu ${name} is not in the plan`);
    endCall(tx, 'hangup', undefined, 'planError');
    return;
  }
  tx.journal('menu', `menu ${name}: options ${Object.keys(m.options).join(', ') || 'none'}${m.directDial ? ' + direct dial' : ''}`, {
    menu: name,
  });
  tx.setAudio({ kind: 'none' });
  tx.s.phase = { kind: 'menu', menu: name, failures: 0, buffer: '', awaiting: 'prompt' };
  playMenuSound(tx, tx.announcementMedia(m.prompt));
}

/** Play a prompt or message; an empty one counts as already finished (nothing would report its end). */
function playMenuSound(tx: Tx, media: string[]): void {
  if (media.length > 0) tx.play(media, true);
  else onMenuPlaybackFinished(tx);
}

function current(tx: Tx): { p: MenuPhase; m: Menu } | undefined {
  const p = tx.s.phase;
  if (p.kind !== 'menu') return undefined;
  const m = tx.plan.menus[p.menu];
  return m ? { p, m } : undefined;
}

function extensions(tx: Tx, m: Menu): Record<string, string> {
  const out: Record<string, string> = {};
  if (!m.directDial) return out;
  for (const line of Object.values(tx.plan.lines)) if (line.extension) out[line.extension] = line.name;
  return out;
}

function waitForInput(tx: Tx, m: Menu, p: MenuPhase): void {
  tx.s.phase = { ...p, awaiting: 'input' };
  tx.cancelTimers((t) => t.purpose.kind === 'menuInput');
  tx.startTimer({ kind: 'menuInput' }, tx.now + m.timeout);
}

/** The prompt or a failure message ended without a key: wait for input, or replay the prompt. */
export function onMenuPlaybackFinished(tx: Tx): void {
  const c = current(tx);
  if (!c) return;
  tx.s.playback = undefined;
  if (c.p.awaiting === 'prompt') waitForInput(tx, c.m, c.p);
  else if (c.p.awaiting === 'message') {
    tx.s.phase = { ...c.p, awaiting: 'prompt' };
    playMenuSound(tx, tx.announcementMedia(c.m.prompt));
  }
}

export function onMenuDigit(tx: Tx, digit: string): void {
  const c = current(tx);
  if (!c) return;
  // The executor stops an interruptible sound on a key; its late playbackFinished is then ignored.
  if (tx.s.playback?.interruptible) tx.s.playback = undefined;
  tx.cancelTimers((t) => t.purpose.kind === 'menuInput');
  const buffer = c.p.buffer + digit;
  const p: MenuPhase = { ...c.p, buffer, awaiting: 'input' };
  tx.s.phase = p;
  const exts = extensions(tx, c.m);
  const longer = [...Object.keys(c.m.options), ...Object.keys(exts)].some((k) => k.length > buffer.length && k.startsWith(buffer));
  if (longer) {
    waitForInput(tx, c.m, p);
    return;
  }
  decide(tx, c.m, p, exts);
}

export function onMenuTimeout(tx: Tx): void {
  const c = current(tx);
  if (!c) return;
  if (c.p.buffer === '') failure(tx, c.m, c.p, 'noInput');
  else decide(tx, c.m, c.p, extensions(tx, c.m));
}

function decide(tx: Tx, m: Menu, p: MenuPhase, exts: Record<string, string>): void {
  const option = m.options[p.buffer];
  if (option) {
    tx.journal('menuChoice', `menu ${m.name}: key ${p.buffer} → ${describe(option)}`, { menu: m.name, digits: p.buffer });
    tx.goto(option);
    return;
  }
  const line = exts[p.buffer];
  if (line) {
    tx.journal('menuDirectDial', `menu ${m.name}: extension ${p.buffer} → line ${line}`, { menu: m.name, digits: p.buffer, line });
    const dest: Destination = { kind: 'line', line, timeout: DIRECT_DIAL_RING_MS, then: m.fallback };
    tx.goto(dest);
    return;
  }
  failure(tx, m, p, 'invalid');
}

function failure(tx: Tx, m: Menu, p: MenuPhase, kind: 'noInput' | 'invalid'): void {
  const failures = p.failures + 1;
  const what = kind === 'noInput' ? `no key within ${seconds(m.timeout)}` : `invalid choice "${p.buffer}"`;
  if (failures > m.retries) {
    tx.journal('menuFallback', `menu ${m.name}: ${what}, ${failures} failed attempt(s); going to ${describe(m.fallback)}`, {
      menu: m.name,
      failures,
    });
    // A fallback is the menu's own way out, not an overflow: the outcome's overflowedTo does not list it.
    tx.goto(m.fallback);
    return;
  }
  tx.journal(kind === 'noInput' ? 'menuNoInput' : 'menuInvalid', `menu ${m.name}: ${what}; retry ${failures}/${m.retries}`, {
    menu: m.name,
    failures,
  });
  const message = kind === 'noInput' ? m.noInput : m.invalid;
  const next: MenuPhase = { ...p, failures, buffer: '', awaiting: message ? 'message' : 'prompt' };
  tx.s.phase = next;
  playMenuSound(tx, tx.announcementMedia(message ?? m.prompt));
}

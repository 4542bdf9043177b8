// The studio: the practice manager calls the plan's studio number to record an
// announcement by phone, as FreePBX's "system recordings" do.
//
// Rules (docs/sounds.md):
// - The PIN (from the environment, given in the call's context) then '#'. A wrong PIN,
//   or none within STUDIO_INPUT_MS, counts one failure; the third hangs up. No PIN
//   configured (or not 4–12 digits): the studio says so and hangs up.
// - The list: key N records the plan's Nth studio announcement. No valid key three
//   rounds running: goodbye.
// - "Speak after the beep", the take ('#' ends it, STUDIO_MAX_TAKE_MS at most), then
//   it is played back: 1 keeps it (it replaces that announcement for the calls that
//   start from now on), 2 records again, 3 plays it again. Back to the list after a keep.
// - A take not kept (redone, the caller gone) is deleted: nothing changes.

import type { CallEvent } from './contract';
import { TAKE_MEDIA_PREFIX } from './contract';
import { endCall, endWithSound } from './end';
import type { Phase } from './state';
import { seconds, type Tx } from './tx';
import type { Studio, StudioPrompt } from '../plan/types';

type StudioPhase = Extract<Phase, { kind: 'studio' }>;

/** Time to press a key after a prompt. */
export const STUDIO_INPUT_MS = 10_000;
/** Wrong PINs (or silences) before the studio hangs up. */
export const STUDIO_PIN_TRIES = 3;
/** Rounds without a valid key in the list or the review before goodbye. */
export const STUDIO_ROUNDS = 3;
/** Longest take: as long as an imported sound may be. */
export const STUDIO_MAX_TAKE_MS = 5 * 60_000;
/** A take shorter than this is a slip (a '#' at the beep): it is not offered for keeping. */
export const STUDIO_MIN_TAKE_MS = 1000;

/** A PIN the studio accepts: digits only, 4 to 12 of them. */
export function validStudioPin(pin: string | undefined): pin is string {
  return pin !== undefined && /^\d{4,12}$/.test(pin);
}

/** A recording id the studio made (ids are `<callId>:<kind><n>`). */
export function isTake(recordingId: string): boolean {
  return /:take\d+$/.test(recordingId);
}

function studioOf(tx: Tx): Studio | undefined {
  return tx.plan.studio;
}

function current(tx: Tx): { p: StudioPhase; st: Studio } | undefined {
  const p = tx.s.phase;
  const st = studioOf(tx);
  return p.kind === 'studio' && st ? { p, st } : undefined;
}

function promptMedia(st: Studio, prompt: StudioPrompt): string[] {
  return st.prompts[prompt].map((s) => s.media).filter((m) => m !== '');
}

/** Play and wait for it; a prompt with nothing to play counts as already heard. */
function say(tx: Tx, p: StudioPhase, media: string[], interruptible: boolean): void {
  tx.s.phase = { ...p, awaiting: 'sound' };
  if (media.length > 0) tx.play(media, interruptible);
  else onStudioPlaybackFinished(tx);
}

function goodbye(tx: Tx, st: Studio, cause: string): void {
  const media = promptMedia(st, 'goodbye');
  if (media.length > 0) endWithSound(tx, media, 'hangup', 'studio', cause);
  else endCall(tx, 'hangup', 'studio', cause);
}

export function enterStudio(tx: Tx): void {
  const st = studioOf(tx);
  if (!st) return;
  tx.setAudio({ kind: 'none' });
  if (!validStudioPin(tx.s.ctx.studioPin)) {
    tx.journal('studio', `studio ${st.written}: no PIN of 4 to 12 digits in ${st.pinEnv}; nothing can be recorded`, { pinEnv: st.pinEnv });
    const media = promptMedia(st, 'noPin');
    if (media.length > 0) endWithSound(tx, media, 'hangup', 'studio', 'studioNoPin');
    else endCall(tx, 'hangup', 'studio', 'studioNoPin');
    return;
  }
  tx.journal('studio', `studio ${st.written}: PIN asked; announcements ${st.announcements.map((a, i) => `${i + 1} ${a}`).join(', ')}`, { announcements: st.announcements });
  say(tx, { kind: 'studio', sub: 'pin', awaiting: 'sound', buffer: '', failures: 0 }, promptMedia(st, 'pin'), true);
}

export function onStudioPlaybackFinished(tx: Tx): void {
  const c = current(tx);
  if (!c) return;
  tx.s.playback = undefined;
  const { p, st } = c;
  switch (p.sub) {
    case 'pin':
    case 'menu':
    case 'review':
      waitForKeys(tx, p);
      return;
    case 'record': {
      const id = tx.newId('take');
      tx.s.phase = { ...p, sub: 'recording', awaiting: 'input', take: { id, durationMs: 0 } };
      tx.emit({ type: 'recordTake', recordingId: id, maxLengthMs: STUDIO_MAX_TAKE_MS });
      return;
    }
    case 'kept':
      toMenu(tx, st, p, 0);
      return;
    case 'recording':
      return;
  }
}

function waitForKeys(tx: Tx, p: StudioPhase): void {
  tx.s.phase = { ...p, awaiting: 'input' };
  tx.cancelTimers((t) => t.purpose.kind === 'studioInput');
  tx.startTimer({ kind: 'studioInput' }, tx.now + STUDIO_INPUT_MS);
}

function toMenu(tx: Tx, st: Studio, p: StudioPhase, failures: number): void {
  const { take: _take, announcement: _a, ...rest } = p;
  say(tx, { ...rest, sub: 'menu', buffer: '', failures }, promptMedia(st, 'menu'), true);
}

function review(tx: Tx, st: Studio, p: StudioPhase, failures: number): void {
  const take = p.take!;
  say(tx, { ...p, sub: 'review', buffer: '', failures }, [`${TAKE_MEDIA_PREFIX}${take.id}`, ...promptMedia(st, 'review')], true);
}

export function onStudioDigit(tx: Tx, digit: string): void {
  const c = current(tx);
  if (!c) return;
  const { p, st } = c;
  if (p.sub === 'recording' || p.sub === 'record' || p.sub === 'kept') return; // '#' ends a take in Asterisk itself
  // The executor stops an interruptible sound on a key; its late playbackFinished is then ignored.
  if (tx.s.playback?.interruptible) tx.s.playback = undefined;
  tx.cancelTimers((t) => t.purpose.kind === 'studioInput');
  if (p.sub === 'pin') {
    if (digit !== '#') {
      const buffer = (p.buffer + digit).slice(-16);
      tx.s.phase = { ...p, buffer };
      waitForKeys(tx, { ...p, buffer });
      return;
    }
    checkPin(tx, st, p);
    return;
  }
  if (p.sub === 'menu') {
    const n = Number(digit);
    const announcement = Number.isInteger(n) && n >= 1 ? st.announcements[n - 1] : undefined;
    if (!announcement) {
      tx.journal('studio', `key ${digit}: no announcement ${digit}`, { digit });
      retryRound(tx, st, p);
      return;
    }
    tx.journal('studio', `key ${digit}: recording ${announcement}`, { announcement });
    say(tx, { ...p, sub: 'record', buffer: '', failures: 0, announcement }, promptMedia(st, 'record'), false);
    return;
  }
  // review
  const take = p.take!;
  const announcement = p.announcement!;
  if (digit === '1') {
    tx.emit({ type: 'keepTake', recordingId: take.id, announcement, durationMs: take.durationMs });
    tx.journal('studioKept', `${announcement}: take of ${seconds(take.durationMs)} kept; it replaces the announcement for the calls from now on`, {
      announcement,
      durationMs: take.durationMs,
      recordingId: take.id,
    });
    const { take: _t, ...rest } = p;
    say(tx, { ...rest, sub: 'kept', buffer: '', failures: 0 }, promptMedia(st, 'kept'), false);
  } else if (digit === '2') {
    tx.emit({ type: 'discardTake', recordingId: take.id });
    tx.journal('studio', `${announcement}: take discarded, recording again`, { announcement });
    const { take: _t, ...rest } = p;
    say(tx, { ...rest, sub: 'record', buffer: '', failures: 0 }, promptMedia(st, 'record'), false);
  } else if (digit === '3') {
    review(tx, st, p, 0);
  } else retryRound(tx, st, p);
}

function checkPin(tx: Tx, st: Studio, p: StudioPhase): void {
  if (p.buffer === tx.s.ctx.studioPin) {
    tx.journal('studio', 'PIN accepted', {});
    toMenu(tx, st, p, 0);
    return;
  }
  wrongPin(tx, st, p, p.buffer === '' ? 'no PIN typed' : 'wrong PIN');
}

function wrongPin(tx: Tx, st: Studio, p: StudioPhase, what: string): void {
  const failures = p.failures + 1;
  // The digits typed are never journaled: a PIN, even a wrong one, is a secret.
  tx.journal('studioPinRefused', `${what} (${failures}/${STUDIO_PIN_TRIES})`, { failures });
  if (failures >= STUDIO_PIN_TRIES) {
    goodbye(tx, st, 'studioWrongPin');
    return;
  }
  say(tx, { ...p, buffer: '', failures }, [...promptMedia(st, 'wrongPin'), ...promptMedia(st, 'pin')], true);
}

function retryRound(tx: Tx, st: Studio, p: StudioPhase): void {
  const failures = p.failures + 1;
  if (failures >= STUDIO_ROUNDS) {
    if (p.take) tx.emit({ type: 'discardTake', recordingId: p.take.id });
    goodbye(tx, st, 'studioNoChoice');
    return;
  }
  if (p.sub === 'review') review(tx, st, p, failures);
  else toMenu(tx, st, p, failures);
}

export function onStudioTimeout(tx: Tx): void {
  const c = current(tx);
  if (!c) return;
  const { p, st } = c;
  if (p.sub === 'pin') {
    if (p.buffer !== '') checkPin(tx, st, p); // digits then silence: taken as typed
    else wrongPin(tx, st, p, `no key within ${seconds(STUDIO_INPUT_MS)}`);
    return;
  }
  if (p.sub === 'menu' || p.sub === 'review') retryRound(tx, st, p);
}

export function onStudioTakeFinished(tx: Tx, ev: Extract<CallEvent, { type: 'recordingFinished' }>): void {
  const c = current(tx);
  if (!c || c.p.sub !== 'recording' || c.p.take?.id !== ev.recordingId) return;
  const { p, st } = c;
  const take = { id: ev.recordingId, durationMs: ev.durationMs };
  if (ev.cause === 'hangup') {
    // The caller is gone (their hang-up follows): nothing changes.
    tx.emit({ type: 'discardTake', recordingId: take.id });
    tx.journal('studio', `${p.announcement}: take ended by the hang-up; discarded`, { announcement: p.announcement });
    const { take: _t, ...rest } = p;
    tx.s.phase = rest;
    return;
  }
  if (ev.durationMs < STUDIO_MIN_TAKE_MS) {
    tx.emit({ type: 'discardTake', recordingId: take.id });
    tx.journal('studio', `${p.announcement}: take of ${seconds(ev.durationMs)}, too short; recording again`, { announcement: p.announcement });
    const { take: _t, ...rest } = p;
    say(tx, { ...rest, sub: 'record', buffer: '' }, promptMedia(st, 'record'), false);
    return;
  }
  tx.journal('studio', `${p.announcement}: take of ${seconds(ev.durationMs)} (ended by ${ev.cause}); played back`, { announcement: p.announcement, durationMs: ev.durationMs });
  review(tx, st, { ...p, take }, 0);
}

/** The caller hung up in the studio: a take not kept is deleted. */
export function onStudioHangup(tx: Tx): void {
  const p = tx.s.phase;
  if (p.kind === 'studio' && p.take && p.sub === 'review') tx.emit({ type: 'discardTake', recordingId: p.take.id });
}

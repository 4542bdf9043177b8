// Entering a destination. Every destination of the plan goes through `goto`, which is
// where loops are caught. The destinations' modules reach it through `tx.goto` (the Tx
// is built with it), so that none of them imports this one: no import circle.

import { MAX_HOPS } from './limits';
import { endCall } from './end';
import { enterGroup } from './group';
import { enterExternal, enterLine } from './line';
import { enterMenu } from './menu';
import { enterVoicemail } from './voicemail';
import { describe, type Route } from './state';
import type { Tx } from './tx';

export function goto(tx: Tx, route: Route): void {
  if (route.kind !== 'play') {
    tx.s.hops += 1;
    if (tx.s.hops > MAX_HOPS) {
      // A plan may loop through menus or overflows; the loader cannot rule out every
      // cycle a caller can walk, so the interpreter bounds the walk itself.
      tx.journal('loop', `more than ${MAX_HOPS} destinations entered: the plan loops; hanging up`, { last: describe(route) });
      endCall(tx, 'hangup', undefined, 'loop');
      return;
    }
  }
  switch (route.kind) {
    case 'play':
      playThen(tx, route.step, route.name, route.media, route.then);
      return;
    case 'announcement':
      tx.journal('announcement', `play announcement ${route.announcement}, then ${describe(route.then)}`);
      playThen(tx, 'announcement', route.announcement, tx.announcementMedia(route.announcement), route.then);
      return;
    case 'group':
      enterGroup(tx, route.group);
      return;
    case 'line':
      enterLine(tx, route.line, route.timeout, route.then);
      return;
    case 'external':
      enterExternal(tx, route);
      return;
    case 'menu':
      enterMenu(tx, route.menu);
      return;
    case 'voicemail':
      enterVoicemail(tx, route.box);
      return;
    case 'hangup': {
      const heard = tx.s.lastAnnouncement;
      tx.journal('hangup', heard ? `the plan hangs up after announcement ${heard}` : 'the plan hangs up');
      endCall(tx, heard ? 'announcement' : 'hangup', heard, 'normal');
      return;
    }
  }
}

/** Play sounds (not interruptible), then go on; `step` names the sound in the journal ("greeting", "announcement"). */
export function playThen(tx: Tx, step: string, name: string, media: string[], then: Route): void {
  if (media.length === 0) {
    // Nothing to wait for: an empty announcement must not stall the call.
    goto(tx, then);
    return;
  }
  tx.setAudio({ kind: 'none' });
  tx.play(media, false);
  tx.s.phase = { kind: 'playing', name: `${step}:${name}`, then };
}

export function onPlayingFinished(tx: Tx): void {
  const phase = tx.s.phase;
  if (phase.kind !== 'playing') return;
  const [step, ...rest] = phase.name.split(':');
  // The greeting is not what a caller "got": a hang-up right after it is a plain hang-up.
  if (step !== 'greeting') tx.s.lastAnnouncement = rest.join(':');
  goto(tx, phase.then);
}


// The call-flow interpreter: `startCall` at the caller's arrival, then `handleEvent`
// for every event the executor reports. Pure: no clock (time comes in), no I/O (effects
// go out as actions), never mutates the state it is given.

import type { Action, CallContext, CallEvent } from './contract';
import { DEFAULT_LIMITS, PROMPTS, UNKNOWN_NUMBER_ANNOUNCEMENT } from './limits';
import { onGroupAttemptEnded, onGroupPlaybackFinished, onHoldMessageTimer, onMaxWait, onOffer, onQueueOverflow } from './group';
import { bridgeTo, lifeTimerId, onLineFailed } from './line';
import { onMenuDigit, onMenuPlaybackFinished, onMenuTimeout } from './menu';
import { callerIdFor, normaliseNumber } from './numbers';
import { endCall, endWithSound } from './end';
import { goto, onPlayingFinished } from './route';
import { describe, initialState, type CallState, type Route } from './state';
import { Tx } from './tx';
import { onRecordingFinished, onVoicemailPlaybackFinished } from './voicemail';
import { enterStudio, isTake, onStudioDigit, onStudioHangup, onStudioPlaybackFinished, onStudioTakeFinished, onStudioTimeout } from './studio';

/** The calendar's answer, as flow needs it (the daemon adapts calendar's evaluate to this). */
export interface OpenState {
  open: boolean;
  /** Human reason: `closed: holiday "Noël"`. */
  reason: string;
  /** Announcement to play when closed by an exception or override. */
  announcement?: string;
}

export type IsOpen = (calendarName: string, atMs: number) => OpenState;

export interface Step {
  state: CallState;
  actions: Action[];
}

export function startCall(ctx: CallContext, isOpen: IsOpen): Step {
  const plan = ctx.plan;
  const key = normaliseNumber(ctx.called, plan.country);
  const number = plan.numbers[key];
  const initial = initialState(ctx, { numberKey: number ? key : undefined, callerId: callerIdFor(number?.label ?? '', ctx.caller, plan.country) });
  const tx = new Tx(initial, ctx.arrivedAt, goto);
  const base = { callId: ctx.callId, called: ctx.called, caller: ctx.caller, planVersion: plan.version };
  const beforeBridge = ctx.limits?.beforeBridgeMs ?? DEFAULT_LIMITS.beforeBridgeMs;

  tx.emit({ type: 'answer' });
  tx.startTimer({ kind: 'life' }, ctx.arrivedAt + beforeBridge, lifeTimerId(ctx.callId));

  if (plan.studio && key === plan.studio.number) {
    tx.journal('number', `${plan.studio.written} → the studio (recording announcements by phone)`, { ...base, number: key, studio: true });
    enterStudio(tx);
    return tx.done();
  }

  if (!number) {
    if (plan.default) {
      tx.journal('number', `number ${ctx.called} (${key}) is not in the plan: default destination ${describe(plan.default)}`, {
        ...base,
        number: key,
      });
      goto(tx, plan.default);
    } else {
      // Never silence: a caller who dialled a wrong number is told so, politely.
      const own = plan.announcements[UNKNOWN_NUMBER_ANNOUNCEMENT];
      tx.journal('number', `number ${ctx.called} (${key}) is not in the plan: announcement then hang-up`, { ...base, number: key });
      endWithSound(tx, own ? tx.announcementMedia(own.name) : [PROMPTS.unknownNumber], 'announcement', own?.name ?? PROMPTS.unknownNumber, 'unknownNumber');
    }
    return tx.done();
  }

  tx.journal('number', `${number.written} → ${number.practice ? `practice ${number.practice}: ` : ''}${number.name}`, {
    ...base,
    number: key,
    name: number.name,
    ...(number.practice ? { practice: number.practice } : {}),
  });

  let route: Route;
  if (number.calendar === undefined) {
    tx.journal('calendar', 'open: no calendar (always open)', { open: true });
    route = number.open;
  } else {
    let state: OpenState;
    try {
      state = isOpen(number.calendar, ctx.arrivedAt);
    } catch (err) {
      // A calendar bug must not drop calls: open is the side where a human answers.
      state = { open: true, reason: `open: calendar ${number.calendar} failed (${err instanceof Error ? err.message : String(err)})` };
    }
    tx.journal('calendar', state.reason, { calendar: number.calendar, open: state.open, ...(state.announcement ? { announcement: state.announcement } : {}) });
    if (state.open) route = number.open;
    else if (state.announcement)
      route = { kind: 'play', step: 'announcement', name: state.announcement, media: tx.announcementMedia(state.announcement), then: number.closed };
    else route = number.closed;
  }
  if (number.greeting) route = { kind: 'play', step: 'greeting', name: number.greeting, media: tx.announcementMedia(number.greeting), then: route };
  goto(tx, route);
  return tx.done();
}

export function handleEvent(state: CallState, event: CallEvent, now: number): Step {
  const tx = new Tx(state, now, goto);
  if (state.phase.kind === 'ended') {
    // A call is over; only a recording's end still matters (keep or discard).
    if (event.type === 'recordingFinished' && isTake(event.recordingId)) tx.emit({ type: 'discardTake', recordingId: event.recordingId });
    else if (event.type === 'recordingFinished') onRecordingFinished(tx, event);
    else if (event.type === 'attemptAnswered') tx.emit({ type: 'cancelDial', attemptId: event.attemptId });
    else if (event.type === 'offer') for (const line of event.lines) tx.release(line, 'cancelled');
    return tx.done();
  }
  switch (event.type) {
    case 'start':
      break; // startCall already handled the arrival.
    case 'playbackFinished':
      onPlaybackFinished(tx, event.playbackId);
      break;
    case 'attemptAnswered':
      onAnswered(tx, event.attemptId);
      break;
    case 'attemptFailed':
      onFailed(tx, event.attemptId, event.cause);
      break;
    case 'timer':
      onTimer(tx, event.timerId);
      break;
    case 'digit':
      if (tx.s.phase.kind === 'menu') onMenuDigit(tx, event.digit);
      else if (tx.s.phase.kind === 'studio') onStudioDigit(tx, event.digit);
      break;
    case 'recordingFinished':
      if (tx.s.phase.kind === 'studio') onStudioTakeFinished(tx, event);
      else onRecordingFinished(tx, event);
      break;
    case 'peerHangup':
      if (tx.s.phase.kind === 'bridged') {
        tx.journal('peerHangup', `${tx.s.phase.line} hung up`);
        endCall(tx, 'answered', tx.s.phase.line, 'peerHangup');
      }
      break;
    case 'offer':
      onOffer(tx, event.lines);
      break;
    case 'overflow':
      onQueueOverflow(tx, event.reason);
      break;
    case 'callerHangup':
      onCallerHangup(tx);
      break;
  }
  return tx.done();
}

function onPlaybackFinished(tx: Tx, playbackId: string): void {
  // Only the sound playing now moves the call on; a stopped or older one is history.
  if (tx.s.playback?.id !== playbackId) return;
  const phase = tx.s.phase;
  switch (phase.kind) {
    case 'playing':
      tx.s.playback = undefined;
      onPlayingFinished(tx);
      return;
    case 'group':
      onGroupPlaybackFinished(tx);
      return;
    case 'menu':
      onMenuPlaybackFinished(tx);
      return;
    case 'voicemail':
      onVoicemailPlaybackFinished(tx);
      return;
    case 'studio':
      onStudioPlaybackFinished(tx);
      return;
    case 'ending':
      tx.s.playback = undefined;
      endCall(tx, phase.result, phase.by, phase.cause);
      return;
    default:
      tx.s.playback = undefined;
  }
}

function onAnswered(tx: Tx, attemptId: string): void {
  const attempt = tx.s.attempts[attemptId];
  if (!attempt) {
    // Answered just as we cancelled it: make sure that phone is released.
    tx.emit({ type: 'cancelDial', attemptId });
    return;
  }
  bridgeTo(tx, attemptId, attempt.line, attempt.group);
}

function onFailed(tx: Tx, attemptId: string, cause: Parameters<typeof onLineFailed>[1]): void {
  const attempt = tx.dropAttempt(attemptId);
  if (!attempt) return;
  if (attempt.group !== undefined) onGroupAttemptEnded(tx, attempt.line, cause);
  else onLineFailed(tx, cause);
}

function onTimer(tx: Tx, timerId: string): void {
  const timer = tx.s.timers[timerId];
  if (!timer) return; // cancelled or replaced: stale
  delete tx.s.timers[timerId];
  switch (timer.purpose.kind) {
    case 'life': {
      const limit = tx.s.phase.kind === 'bridged' ? 'bridged call' : 'call before answer';
      tx.journal('maxLifetime', `${limit} reached its maximum life (${tx.elapsed(tx.s.ctx.arrivedAt)} since arrival): hanging up`);
      const answered = tx.s.answered;
      endCall(tx, answered ? 'answered' : 'hangup', answered?.line, 'maxLifetime');
      return;
    }
    case 'ring': {
      // Our own ring time ran out before the executor reported it: cancel that leg.
      const attempt = tx.s.attempts[timer.purpose.attemptId];
      if (!attempt) return;
      tx.cancelAttempt(timer.purpose.attemptId);
      // Its ring time is over: no answer, the same word Asterisk's own end gives (and `accueil simulate`).
      if (attempt.group !== undefined) onGroupAttemptEnded(tx, attempt.line, 'noanswer');
      else onLineFailed(tx, 'noanswer');
      return;
    }
    case 'maxWait':
      onMaxWait(tx);
      return;
    case 'holdMessage':
      onHoldMessageTimer(tx);
      return;
    case 'menuInput':
      onMenuTimeout(tx);
      return;
    case 'studioInput':
      onStudioTimeout(tx);
      return;
  }
}

function onCallerHangup(tx: Tx): void {
  const phase = tx.s.phase;
  const at = tx.elapsed(tx.s.ctx.arrivedAt);
  const ringing = Object.values(tx.s.attempts).map((a) => a.line);
  const where =
    phase.kind === 'bridged'
      ? `after talking with ${phase.line}`
      : ringing.length
        ? `while ${ringing.join(', ')} rang`
        : `during ${phase.kind}`;
  tx.journal('callerHangup', `caller hung up ${where}, ${at} after arrival`, ringing.length ? { cancelled: ringing } : undefined);
  onStudioHangup(tx);
  if (phase.kind === 'bridged') endCall(tx, 'answered', phase.line, 'callerHangup', { hangup: false });
  else if (phase.kind === 'voicemail' && phase.sub !== 'greeting') endCall(tx, 'voicemail', phase.box, 'callerHangup', { hangup: false });
  // The manager leaving the studio is the normal end of a studio call, not a missed call.
  else if (phase.kind === 'studio') endCall(tx, 'hangup', 'studio', 'callerHangup', { hangup: false });
  else endCall(tx, 'callerHangup', undefined, 'callerHangup', { hangup: false });
}

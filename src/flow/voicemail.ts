// Voicemail: greeting, then the recording (beep first) if the box takes messages,
// else hang-up after the greeting. A recording shorter than the box's minLength is
// not a message (a hang-up at the beep): it is discarded and the journal says so.

import type { CallEvent } from './contract';
import { PROMPTS } from './limits';
import { endCall } from './end';
import { seconds, type Tx } from './tx';

export function enterVoicemail(tx: Tx, name: string): void {
  const box = tx.plan.voicemail[name];
  if (!box) {
    tx.journal('voicemail', `voicemail box ${name} is not in the plan`);
    endCall(tx, 'hangup', undefined, 'planError');
    return;
  }
  tx.journal('voicemail', box.record ? `voicemail ${name}: greeting then message` : `voicemail ${name}: greeting only (no message)`, {
    box: name,
    record: box.record,
  });
  tx.setAudio({ kind: 'none' });
  const media = box.greeting
    ? tx.announcementMedia(box.greeting)
    : [box.record ? PROMPTS.voicemailGreeting : PROMPTS.voicemailNoMessage];
  tx.s.phase = { kind: 'voicemail', box: name, sub: 'greeting' };
  if (media.length > 0) tx.play(media, false);
  else onVoicemailPlaybackFinished(tx); // an empty greeting: straight to the beep
}

export function onVoicemailPlaybackFinished(tx: Tx): void {
  const p = tx.s.phase;
  if (p.kind !== 'voicemail') return;
  tx.s.playback = undefined;
  const box = tx.plan.voicemail[p.box];
  if (p.sub === 'goodbye' || !box) {
    endCall(tx, 'voicemail', p.box, 'normal');
    return;
  }
  if (p.sub !== 'greeting') return;
  if (!box.record) {
    endCall(tx, 'announcement', p.box, 'normal');
    return;
  }
  const recordingId = tx.newId('rec');
  tx.s.recording = { id: recordingId, box: p.box, startedAt: tx.now, finished: false };
  tx.s.recordingStartedAt = tx.now;
  tx.s.phase = { ...p, sub: 'recording' };
  tx.emit({
    type: 'record',
    recordingId,
    box: p.box,
    maxLengthMs: box.maxLength,
    ...(box.silence !== undefined ? { silenceMs: box.silence } : {}),
    beep: true,
  });
}

/**
 * The recording ended. Also accepted after the call ended (the caller's hang-up may
 * reach the interpreter before the recording's end): then only keep/discard is decided.
 */
export function onRecordingFinished(tx: Tx, ev: Extract<CallEvent, { type: 'recordingFinished' }>): void {
  const rec = tx.s.recording;
  if (!rec || rec.id !== ev.recordingId || rec.finished) return;
  tx.s.recording = { ...rec, finished: true };
  const box = tx.plan.voicemail[rec.box];
  const min = box?.minLength ?? 0;
  if (ev.durationMs < min) {
    tx.s.message = 'discarded';
    tx.emit({ type: 'discardRecording', recordingId: rec.id, box: rec.box });
    tx.journal('recordingDiscarded', `message of ${seconds(ev.durationMs)} shorter than the ${seconds(min)} minimum: discarded`, {
      box: rec.box,
      durationMs: ev.durationMs,
      cause: ev.cause,
    });
  } else {
    tx.s.message = 'kept';
    tx.emit({ type: 'keepRecording', recordingId: rec.id, box: rec.box, durationMs: ev.durationMs });
    tx.journal('message', `message of ${seconds(ev.durationMs)} left in ${rec.box} (ended by ${ev.cause})`, {
      box: rec.box,
      durationMs: ev.durationMs,
      cause: ev.cause,
      recordingId: rec.id,
    });
  }
  const p = tx.s.phase;
  if (p.kind === 'ended') {
    // Already journaled as voicemail; the message's fate is the only news.
    if (tx.s.outcome) tx.s.outcome = { ...tx.s.outcome, message: tx.s.message };
    return;
  }
  if (p.kind !== 'voicemail') return;
  if (ev.cause === 'hangup') {
    endCall(tx, 'voicemail', rec.box, 'normal', { hangup: false });
    return;
  }
  // # pressed, silence or max length: say goodbye before hanging up.
  tx.s.phase = { ...p, sub: 'goodbye' };
  tx.play([PROMPTS.goodbye], false);
}

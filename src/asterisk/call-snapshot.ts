// The call's snapshot kept on its caller channel (CALL_STATE_VAR), for a next life
// of the daemon to pick the call up (adoption.ts reads it back).

import type { Logger } from 'pino';
import { CALL_STATE_VAR, type CallRecord } from './call-record';
import type { AriConnection } from './connection';

/**
 * Writes the call's latest snapshot (`execute`'s `state`) on its caller channel,
 * for a next life of the daemon. Asterisk sets a channel variable from the
 * channel's own queue of commands, behind a playback or a recording in progress:
 * the request would wait (holding one of Asterisk's HTTP sessions) as long as the
 * sound lasts. So it is written only while the channel is idle — before a sound
 * or a recording starts, after a batch, when a sound ends — one write at a time.
 */
export async function writeCallState(ari: AriConnection, log: Logger, call: CallRecord): Promise<void> {
  await call.stateWrite;
  const text = call.unsavedState;
  if (text === undefined || call.finished || call.hungUp || call.playbacks.size > 0 || call.recordings.size > 0) return;
  call.unsavedState = undefined;
  call.stateWrite = ari
    .request('set variable', (c) => c.channels.setChannelVar({ channelId: call.channelId, variable: CALL_STATE_VAR, value: text }))
    .then(
      () => undefined,
      (err: Error) => {
        if (!call.hungUp) log.warn({ callId: call.callId, event: 'call.state_not_saved', error: err.message }, 'could not keep the call state on its channel');
      },
    );
  await call.stateWrite;
}

/** Resolves once no snapshot write is in flight, those started while waiting included. */
export async function callStateWritesDone(call: CallRecord): Promise<void> {
  for (;;) {
    const before = call.stateWrite;
    await before;
    if (call.stateWrite === before) return;
  }
}

// Messages left in voicemail: the recording Asterisk wrote is moved into the
// message store with its metadata, then the box's owner is notified. The
// store comes first, so a notification failure never loses a message.

import type { Logger } from 'pino';
import type { CallState } from '../flow';
import type { Action } from '../flow/contract';
import { recordingNameOf } from '../asterisk/calls';
import { Notifier, notifierEnv, recordingPathFor, recordingsDir, voicemailDir, VoicemailStore } from '../voicemail';

export class MessageKeeper {
  private readonly store: VoicemailStore;
  private readonly notifier: Notifier;
  private readonly recordings: string;

  constructor(private readonly log: Logger, env: NodeJS.ProcessEnv = process.env) {
    this.store = new VoicemailStore({ dir: voicemailDir(env), logger: log });
    this.notifier = new Notifier({ store: this.store, logger: log, ...notifierEnv(env) });
    this.recordings = recordingsDir(env);
  }

  async keep(state: CallState, action: Extract<Action, { type: 'keepRecording' }>): Promise<void> {
    const { ctx } = state;
    const plan = ctx.plan;
    const number = state.numberKey ? plan.numbers[state.numberKey] : undefined;
    const recordingPath = recordingPathFor(recordingNameOf(action.box, ctx.callId, action.recordingId), this.recordings);
    try {
      const message = await this.store.storeMessage({
        recordingPath,
        box: action.box,
        called: number?.e164 ?? ctx.called,
        ...(number ? { calledName: number.label } : {}),
        caller: ctx.caller,
        startedAt: ctx.now,
        durationMs: action.durationMs,
        planVersion: plan.version,
        callId: ctx.callId,
      });
      this.log.info({ callId: ctx.callId, event: 'voicemail.stored', box: action.box, messageId: message.id, path: message.audioPath }, `message ${message.id} stored in ${action.box}`);
      const box = plan.voicemail[action.box];
      if (box) await this.notifier.notify(message, box);
    } catch (err) {
      this.log.error({ callId: ctx.callId, event: 'voicemail.store_failed', box: action.box, recordingPath, error: (err as Error).message }, 'could not store the message; the recording stays where Asterisk wrote it');
    }
  }

  /** Notifications still pending from before a restart are sent again. */
  async resume(boxes: Parameters<Notifier['resumePending']>[0]): Promise<void> {
    const count = await this.notifier.resumePending(boxes);
    if (count > 0) this.log.info({ event: 'voicemail.resumed', count }, `${count} pending notification(s) resumed`);
  }

  async close(): Promise<void> {
    await this.notifier.close();
  }
}

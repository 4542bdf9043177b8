// Messages left in voicemail: the recording Asterisk wrote is moved into the
// message store with its metadata, then the box's owner is notified. The
// store comes first, so a notification failure never loses a message.

import type { Logger } from 'pino';
import type { CallState } from '../flow';
import type { Action } from '../flow/contract';
import { recordingNameOf } from '../asterisk/calls';
import type { MailboxCounts } from '../asterisk/mailboxes';
import { Notifier, notifierEnv, recordingPathFor, recordingsDir, voicemailDir, VoicemailStore } from '../voicemail';

/** Sets a box's counts where the phones' lamps read them (Asterisk's mailbox). */
export type LampSetter = (box: string, counts: MailboxCounts) => Promise<boolean | void>;

/** How often the boxes are counted again, for changes made outside the daemon (`accueil voicemail heard|delete`). */
const LAMP_POLL_MS = 10_000;

/** ACCUEIL_MWI_POLL_MS: the lamps' recount period (default 10 s). */
export function lampPollMs(env: NodeJS.ProcessEnv): number {
  const ms = Number(env.ACCUEIL_MWI_POLL_MS);
  return Number.isFinite(ms) && ms >= 100 ? ms : LAMP_POLL_MS;
}

export class MessageKeeper {
  private readonly store: VoicemailStore;
  private readonly notifier: Notifier;
  private readonly recordings: string;
  private lamp: LampSetter | undefined;
  /** box → the counts last given to the lamp ("unheard/heard"). */
  private readonly lit = new Map<string, string>();
  private boxes: string[] = [];
  private poll: NodeJS.Timeout | undefined;
  private counting: Promise<void> = Promise.resolve();
  private readonly pollMs: number;

  constructor(private readonly log: Logger, env: NodeJS.ProcessEnv = process.env) {
    this.store = new VoicemailStore({ dir: voicemailDir(env), logger: log });
    this.notifier = new Notifier({ store: this.store, logger: log, ...notifierEnv(env) });
    this.recordings = recordingsDir(env);
    this.pollMs = lampPollMs(env);
  }

  /**
   * The message-waiting lamps of `boxes` (the plan's) follow their messages from
   * now on: every box is set now (the daemon calls this at each connection to
   * Asterisk, which may have restarted and forgotten), then at every new message,
   * and every ACCUEIL_MWI_POLL_MS for what changed outside the daemon (messages
   * heard or deleted with the CLI).
   */
  lamps(setter: LampSetter, boxes: string[]): void {
    this.lamp = setter;
    this.boxes = boxes;
    this.lit.clear();
    void this.refreshLamps();
    if (!this.poll) {
      this.poll = setInterval(() => void this.refreshLamps(), this.pollMs);
      this.poll.unref();
    }
  }

  /** The plan changed: its boxes are the ones whose lamps are followed (a new box is set at once). */
  watchBoxes(boxes: string[]): void {
    this.boxes = boxes;
    void this.refreshLamps();
  }

  /** Counts the boxes again and sets the lamps whose counts changed (all of them after `lamps`); one count at a time. */
  refreshLamps(only?: string): Promise<void> {
    this.counting = this.counting.then(() => this.countAndSet(only));
    return this.counting;
  }

  private async countAndSet(only: string | undefined): Promise<void> {
    if (!this.lamp) return;
    for (const box of only !== undefined ? [only] : this.boxes) {
      try {
        const messages = await this.store.listMessages({ box });
        const unheard = messages.filter((m) => !m.heard).length;
        const counts = { unheard, heard: messages.length - unheard };
        const key = `${counts.unheard}/${counts.heard}`;
        if (this.lit.get(box) === key) continue;
        // Remembered only once Asterisk took it: a failure is tried again at the next count.
        if ((await this.lamp(box, counts)) !== false) this.lit.set(box, key);
      } catch (err) {
        this.log.warn({ event: 'mwi.count_failed', box, error: (err as Error).message }, `could not set the lamp of ${box}`);
      }
    }
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
      void this.refreshLamps(action.box); // not awaited: a slow lamp must not delay the mail
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
    clearInterval(this.poll);
    await this.notifier.close();
  }
}

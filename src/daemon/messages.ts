// Messages left in voicemail: the recording Asterisk wrote is moved into the
// message store with its metadata, then the box's owner is notified. The
// store comes first, so a notification failure never loses a message.

import type { Logger } from 'pino';
import type { CallState } from '../flow';
import type { Action } from '../flow/contract';
import type { VoicemailBox } from '../plan/types';
import { arrivalOfCallId, parseRecordingName, recordingNameOf } from '../asterisk/calls';
import { wavDurationMs } from '../asterisk/recordings';
import { BoxLamps, lampPollMs, type LampSetter } from './lamps';
import {
  FolderRecordings,
  Notifier,
  notifierEnv,
  PendingMessages,
  recordingsDir,
  retryDelay,
  storeFailedMail,
  voicemailDir,
  VoicemailStore,
  type PendingMessage,
  type RecordingSource,
  type RetryPolicy,
  type StoredMessage,
} from '../voicemail';

export { lampPollMs, type LampSetter } from './lamps';

/** What became of a message left: stored (its id), or not (why; it is retried). */
export type MessageFate = { result: 'stored'; messageId: string } | { result: 'failed'; error: string };

/** A message that could not be stored is tried again after 5 s, 10 s, 20 s… then every 5 minutes, as long as it takes. */
export const STORE_RETRY: RetryPolicy = { attempts: Infinity, baseDelayMs: 5_000, maxDelayMs: 5 * 60_000 };

/** While Asterisk's recordings cannot be read, they are looked at again this often. */
const RECHECK_MS = 30_000;

export interface KeeperOptions {
  /** Where the recordings' audio comes from: Asterisk over ARI in the daemon; default the folder ACCUEIL_RECORDINGS_DIR. */
  recordings?: RecordingSource;
  /** The boxes of the plan in force (retries of messages left under an earlier plan). */
  boxes?: () => Readonly<Record<string, VoicemailBox>>;
  /** Every message's first fate, and a later store after a retry (metrics). */
  onResult?: (result: 'stored' | 'failed', message: PendingMessage) => void;
  retry?: Partial<RetryPolicy>;
  /** A call in progress holds this recording (it is stored when that call's recording ends). */
  inUse?: (recording: string) => boolean;
}

export class MessageKeeper {
  private readonly store: VoicemailStore;
  private readonly notifier: Notifier;
  private readonly recordings: RecordingSource;
  private readonly pendingList: PendingMessages;
  private readonly boxes: () => Readonly<Record<string, VoicemailBox>>;
  private readonly onResult: KeeperOptions['onResult'];
  private readonly inUse: KeeperOptions['inUse'];
  private readonly retry: RetryPolicy;
  /** Recordings being stored now, and those waiting for their next try. */
  private readonly inFlight = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private status: { reason?: string; kind?: 'check' | 'store' } = {};
  private closed = false;
  private recheck: NodeJS.Timeout | undefined;
  /** Asterisk's recordings were checked once (the first answer is logged either way). */
  private checked = false;
  /** The message-waiting lamps of the plan's boxes (lamps.ts). */
  private readonly boxLamps: BoxLamps;

  constructor(private readonly log: Logger, env: NodeJS.ProcessEnv = process.env, options: KeeperOptions = {}) {
    this.store = new VoicemailStore({ dir: voicemailDir(env), logger: log });
    this.notifier = new Notifier({ store: this.store, logger: log, ...notifierEnv(env) });
    this.recordings = options.recordings ?? new FolderRecordings(recordingsDir(env));
    this.pendingList = new PendingMessages(this.store.dir);
    this.boxes = options.boxes ?? (() => ({}));
    this.onResult = options.onResult;
    this.inUse = options.inUse;
    this.retry = { ...STORE_RETRY, ...options.retry };
    this.boxLamps = new BoxLamps(this.store, log, lampPollMs(env));
  }

  /** See BoxLamps (lamps.ts): every box set now (at each connection to Asterisk), then as their messages change. */
  lamps(setter: LampSetter, boxes: string[]): void {
    this.boxLamps.follow(setter, boxes);
  }

  /** The plan changed: see BoxLamps.watchBoxes. */
  watchBoxes(boxes: string[]): void {
    this.boxLamps.watchBoxes(boxes);
  }

  /** Counts the boxes again (or one) and sets the lamps whose counts changed. */
  refreshLamps(only?: string): Promise<void> {
    return this.boxLamps.refresh(only);
  }

  /**
   * A message was left: its audio is fetched from Asterisk and stored with its
   * metadata, then the recording is deleted in Asterisk and the owner notified.
   * If the store fails, nothing is deleted: the message waits in the pending list
   * (retried with backoff, and at the next start), the owner gets an alert, and the
   * fate says failed. Never rejects.
   */
  async keep(state: CallState, action: Extract<Action, { type: 'keepRecording' }>): Promise<MessageFate> {
    const { ctx } = state;
    const plan = ctx.plan;
    const number = state.numberKey ? plan.numbers[state.numberKey] : undefined;
    const pending: PendingMessage = {
      recording: recordingNameOf(action.box, ctx.callId, action.recordingId),
      box: action.box,
      called: number?.e164 ?? ctx.called,
      ...(number ? { calledName: number.label } : {}),
      caller: ctx.caller,
      startedAt: ctx.arrivedAt,
      durationMs: action.durationMs,
      planVersion: plan.version,
      callId: ctx.callId,
      failures: 0,
      alerted: false,
    };
    // Ours from this instant (no retry or scan takes it meanwhile), and written down first:
    // a daemon stopped in the middle of the store finds it at its next start, with who called.
    if (this.inFlight.has(pending.recording)) return { result: 'failed', error: 'already being stored' };
    this.inFlight.add(pending.recording);
    await this.savePending(pending);
    return this.attempt(pending, plan.voicemail[action.box], true);
  }

  /** One try at storing a message (the first, or a retry); exactly once per recording. `reserved`: already marked in flight. */
  private async attempt(pending: PendingMessage, box: VoicemailBox | undefined, reserved = false): Promise<MessageFate> {
    const name = pending.recording;
    if (!reserved) {
      if (this.inFlight.has(name)) return { result: 'failed', error: 'already being stored' };
      this.inFlight.add(name);
    }
    clearTimeout(this.retries.get(name));
    this.retries.delete(name);
    const first = pending.failures === 0;
    const log = { callId: pending.callId, box: pending.box, recording: name };
    try {
      let message: StoredMessage;
      let fresh = false;
      try {
        const existing = await this.store.findByRecording(name);
        if (existing) message = existing;
        else {
          const audio = await this.recordings.fetch(name);
          const { recording: _r, failures: _f, alerted: _a, lastError: _e, ...meta } = pending;
          message = await this.store.storeMessage({ ...meta, audio, recording: name });
          fresh = true;
        }
      } catch (err) {
        return await this.failed(pending, box, (err as Error).message, first);
      }
      if (fresh) {
        this.onResult?.('stored', pending);
        this.log.info({ ...log, event: 'voicemail.stored', messageId: message.id, path: message.audioPath, ...(first ? {} : { attempts: pending.failures + 1 }) }, `message ${message.id} stored in ${pending.box}`);
      } else {
        this.log.info({ ...log, event: 'voicemail.already_stored', messageId: message.id }, `message ${message.id} was already stored: not stored twice`);
      }
      this.available();
      // Only now is the recording Asterisk's to forget, and the pending record ours.
      await this.pendingList.remove(name).catch((err: Error) => this.log.warn({ ...log, event: 'voicemail.pending_not_removed', error: err.message }, 'message stored; its pending record could not be removed'));
      await this.recordings.remove(name).catch((err: Error) => this.log.warn({ ...log, event: 'recording.not_deleted', error: err.message }, 'message stored; the recording could not be deleted in Asterisk'));
      if (fresh) {
        void this.refreshLamps(pending.box); // not awaited: a slow lamp must not delay the mail
        if (box) await this.notifier.notify(message, box);
      }
      return { result: 'stored', messageId: message.id };
    } finally {
      this.inFlight.delete(name);
    }
  }

  private async failed(pending: PendingMessage, box: VoicemailBox | undefined, error: string, first: boolean): Promise<MessageFate> {
    pending.failures += 1;
    pending.lastError = error;
    const delay = retryDelay(this.retry, pending.failures);
    const log = { callId: pending.callId, box: pending.box, recording: pending.recording, error, retryInMs: delay, attempt: pending.failures };
    if (first) {
      this.onResult?.('failed', pending);
      this.log.error({ ...log, event: 'voicemail.store_failed' }, `message could not be stored (${error}); the recording stays in Asterisk, retried in ${Math.round(delay / 1000)} s`);
    } else {
      this.log.warn({ ...log, event: 'voicemail.retry_failed' }, `message still not stored (${error}); retried in ${Math.round(delay / 1000)} s`);
    }
    this.unavailable(`the last message could not be stored: ${error}`, 'store');
    await this.savePending(pending); // `alerted` as it stands: true only once an alert went
    // The alert goes in the background: the call's journal must not wait for a mail server.
    if (!pending.alerted) {
      // Marked at once, so a retry meanwhile sends no second alert; unmarked if it could not go.
      pending.alerted = true;
      void this.alert(pending, box).then(async (sent) => {
        if (!sent) pending.alerted = false;
        else if (!this.inFlight.has(pending.recording) && this.retries.has(pending.recording)) await this.savePending(pending);
      });
    }
    if (!this.closed) {
      const timer = setTimeout(() => {
        this.retries.delete(pending.recording);
        void this.attempt(pending, this.boxes()[pending.box] ?? box);
      }, delay);
      timer.unref();
      this.retries.set(pending.recording, timer);
    }
    return { result: 'failed', error };
  }

  private async savePending(pending: PendingMessage): Promise<void> {
    try {
      await this.pendingList.save(pending);
    } catch (err) {
      this.log.error(
        { callId: pending.callId, recording: pending.recording, event: 'voicemail.pending_not_saved', error: (err as Error).message },
        'the pending message could not be written down: it is retried while this daemon runs',
      );
    }
  }

  /** "A message could not be stored", to the box's notification address; whether it went. */
  private async alert(pending: PendingMessage, box: VoicemailBox | undefined): Promise<boolean> {
    const log = { callId: pending.callId, box: pending.box, recording: pending.recording };
    if (!box || box.notify.email.length === 0) {
      this.log.warn({ ...log, event: 'voicemail.alert_skipped' }, `no e-mail address for box ${pending.box}: nobody told that a message could not be stored`);
      return true;
    }
    try {
      await this.notifier.sendNow(storeFailedMail(pending, box, this.notifier.from, { country: 'FR' }));
      this.log.warn({ ...log, event: 'voicemail.alert_sent', to: box.notify.email }, `told ${box.notify.email.join(', ')} that a message could not be stored`);
      return true;
    } catch (err) {
      this.log.error({ ...log, event: 'voicemail.alert_failed', error: (err as Error).message }, 'could not send the alert that a message could not be stored');
      return false;
    }
  }

  /**
   * After every connection to Asterisk: can its recordings be read (voicemail
   * available or not, in /readyz), and the messages still pending are tried again.
   */
  async connected(): Promise<void> {
    const why = await this.recordings.check();
    if (why) {
      this.unavailable(why, 'check');
      // Looked at again until readable (a folder fixed, a slow answer): /readyz must not stay wrong.
      clearTimeout(this.recheck);
      if (!this.closed) {
        this.recheck = setTimeout(() => void this.connected(), RECHECK_MS);
        this.recheck.unref();
      }
    }
    else if (this.status.kind === 'check' || !this.checked) {
      this.status = {};
      this.log.info({ event: 'voicemail.available' }, "voicemail available: Asterisk's recordings can be read");
    }
    this.checked = true;
    await this.retryPending();
    await this.storeLeftInAsterisk();
  }

  /**
   * Messages' recordings Asterisk still holds that nobody is storing: the daemon
   * stopped between a message's end and its store (or the caller hung up while no
   * daemon listened). Each is stored once with what its name tells (box, call,
   * arrival); one shorter than the box's minimum is deleted (a discard not done).
   */
  async storeLeftInAsterisk(): Promise<void> {
    let names: string[];
    try {
      names = await this.recordings.list();
    } catch (err) {
      this.log.warn({ event: 'voicemail.scan_failed', error: (err as Error).message }, "could not list Asterisk's recordings to find messages left unstored");
      return;
    }
    const boxes = this.boxes();
    const pendingNames = new Set((await this.pendingList.list()).map((p) => p.recording));
    for (const name of names) {
      const parsed = parseRecordingName(name, Object.keys(boxes));
      if (!parsed || this.inFlight.has(name) || this.retries.has(name) || pendingNames.has(name) || this.inUse?.(name)) continue;
      if (await this.recordings.isLive(name).catch(() => true)) continue;
      const box = boxes[parsed.box];
      let durationMs: number;
      try {
        durationMs = wavDurationMs((await this.recordings.fetch(name)).length);
      } catch {
        continue; // unreadable now: the next connection looks again
      }
      if (box && durationMs < box.minLength && !(await this.store.findByRecording(name))) {
        await this.recordings.remove(name).catch(() => undefined);
        this.log.info({ callId: parsed.callId, event: 'recording.deleted', recording: name, durationMs }, 'a recording shorter than the minimum, left in Asterisk: deleted');
        continue;
      }
      this.log.warn({ callId: parsed.callId, event: 'voicemail.found_unstored', recording: name, durationMs }, 'a message left in Asterisk but never stored: storing it now');
      await this.attempt(
        {
          recording: name,
          box: parsed.box,
          called: '',
          caller: '',
          startedAt: arrivalOfCallId(parsed.callId) ?? Date.now(),
          durationMs,
          planVersion: '',
          callId: parsed.callId,
          failures: 0,
          alerted: false,
        },
        box,
      );
    }
  }

  /** Tries every pending message now (those not already being tried). */
  async retryPending(): Promise<void> {
    for (const pending of await this.pendingList.list()) {
      if (this.inFlight.has(pending.recording)) continue;
      await this.attempt(pending, this.boxes()[pending.box]);
    }
  }

  /** Voicemail's state for /readyz: messages can be stored, or why not. */
  get voicemail(): { available: boolean; reason?: string } {
    return this.status.reason === undefined ? { available: true } : { available: false, reason: this.status.reason };
  }

  private available(): void {
    if (this.status.reason === undefined) return;
    this.status = {};
    this.log.info({ event: 'voicemail.available' }, 'voicemail available: messages are stored again');
  }

  private unavailable(reason: string, kind: 'check' | 'store'): void {
    if (this.status.reason === reason) return;
    this.status = { reason, kind };
    this.log.error({ event: 'voicemail.unavailable', reason }, `voicemail unavailable: ${reason}`);
  }

  /** Notifications still pending from before a restart are sent again. */
  async resume(boxes: Parameters<Notifier['resumePending']>[0]): Promise<void> {
    const count = await this.notifier.resumePending(boxes);
    if (count > 0) this.log.info({ event: 'voicemail.resumed', count }, `${count} pending notification(s) resumed`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.boxLamps.stop();
    clearTimeout(this.recheck);
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    await this.notifier.close();
  }
}

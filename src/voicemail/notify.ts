// Telling the box's owner that a message arrived: e-mail (audio attached) and/or a
// webhook. The message is already stored when notify() is called, so a failure here
// never loses it: each channel is retried with backoff, a bounded number of times, and
// its state ('pending' → 'sent' | 'failed') is written into the message's metadata so
// the operator sees it and a restarted daemon can take up what was still pending.

import type { SendMailOptions, Transporter } from 'nodemailer';
import type { VoicemailBox } from '../plan/types';
import { mailFor, smtpFromEnv, smtpTransport, type SmtpSettings } from './mail';
import type { NotifyChannel, NotifyState, StoredMessage, VoicemailStore } from './store';
import { postWebhook, webhookPayload, type FetchLike } from './webhook';

/** The part of pino the notifier uses. */
export interface NotifyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Injected so tests (and a fake clock) control when retries happen. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait after the first failure; doubled after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 6 attempts: after 1, 2, 4, 8 and 15 minutes — about half an hour before giving up. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 60_000, maxDelayMs: 15 * 60_000 };

/** Wait before attempt `failed + 1`, after `failed` (≥ 1) failures. */
export function retryDelay(policy: RetryPolicy, failed: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed - 1));
}

export type SendMail = (mail: SendMailOptions) => Promise<unknown>;

export interface NotifierOptions {
  store: VoicemailStore;
  logger: NotifyLogger;
  /** Absent: boxes with e-mail recipients get `email: 'failed'` and an error in the log. */
  smtp?: SmtpSettings;
  /** Signs webhook bodies (HMAC-SHA256) when set. */
  webhookSecret?: string;
  /** Country for reading callers' numbers in mails (the plan's); default FR. */
  country?: string;
  /** Zone of the date written in mails (the plan's); default the system's. */
  timeZone?: string;
  retry?: Partial<RetryPolicy>;
  timers?: Timers;
  fetch?: FetchLike;
  webhookTimeoutMs?: number;
  /** Connection, greeting and socket timeouts of the SMTP conversation. */
  smtpTimeoutMs?: number;
  /** Replaces the nodemailer SMTP transport (tests of the retry logic alone). */
  sendMail?: SendMail;
}

function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} "${value}" is not a number of seconds`);
  return n * 1000;
}

/**
 * What the environment says: SMTP_* (see mail.ts), ACCUEIL_WEBHOOK_SECRET,
 * ACCUEIL_NOTIFY_ATTEMPTS (default 6), ACCUEIL_NOTIFY_BACKOFF (s, default 60),
 * ACCUEIL_NOTIFY_BACKOFF_MAX (s, default 900).
 */
export function notifierEnv(env: NodeJS.ProcessEnv = process.env): Pick<NotifierOptions, 'smtp' | 'webhookSecret' | 'retry'> {
  const retry: Partial<RetryPolicy> = {};
  if (env.ACCUEIL_NOTIFY_ATTEMPTS) {
    const n = Number(env.ACCUEIL_NOTIFY_ATTEMPTS);
    if (!Number.isInteger(n) || n < 1) throw new Error(`ACCUEIL_NOTIFY_ATTEMPTS "${env.ACCUEIL_NOTIFY_ATTEMPTS}" is not a positive whole number`);
    retry.attempts = n;
  }
  const base = seconds(env.ACCUEIL_NOTIFY_BACKOFF, 'ACCUEIL_NOTIFY_BACKOFF');
  if (base !== undefined) retry.baseDelayMs = base;
  const max = seconds(env.ACCUEIL_NOTIFY_BACKOFF_MAX, 'ACCUEIL_NOTIFY_BACKOFF_MAX');
  if (max !== undefined) retry.maxDelayMs = max;
  const smtp = smtpFromEnv(env);
  return { ...(smtp ? { smtp } : {}), ...(env.ACCUEIL_WEBHOOK_SECRET ? { webhookSecret: env.ACCUEIL_WEBHOOK_SECRET } : {}), retry };
}

interface Job {
  channel: NotifyChannel;
  id: string;
  box: VoicemailBox;
  failures: number;
  timer?: unknown;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A failure that no retry can fix (no SMTP configured, no URL): fail at once. */
class PermanentFailure extends Error {}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Notifier {
  private readonly retry: RetryPolicy;
  private readonly timers: Timers;
  private readonly jobs = new Set<Job>();
  private waiters: Array<() => void> = [];
  private transporter: Transporter | undefined;
  private closed = false;

  constructor(private readonly options: NotifierOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timers = options.timers ?? realTimers;
  }

  /** Deliveries in progress or waiting for a retry. */
  get pending(): number {
    return this.jobs.size;
  }

  /**
   * Start notifying the box's recipients. Resolves once the 'pending' states are written;
   * delivery goes on in the background (see idle()). Never rejects: failures are logged.
   */
  async notify(message: StoredMessage, box: VoicemailBox): Promise<void> {
    const channels: NotifyChannel[] = [];
    if (box.notify.email.length > 0) channels.push('email');
    if (box.notify.webhook) channels.push('webhook');
    for (const channel of channels) await this.record(message.id, channel, 'pending');
    for (const channel of channels) this.start({ channel, id: message.id, box, failures: 0 });
  }

  /**
   * After a restart: take up every channel still 'pending' in the store, for the boxes the
   * plan still has. Returns how many deliveries were started.
   */
  async resumePending(boxes: Readonly<Record<string, VoicemailBox>>): Promise<number> {
    let started = 0;
    for (const m of await this.options.store.listMessages()) {
      const box = boxes[m.box];
      if (!box) continue;
      for (const channel of ['email', 'webhook'] as const) {
        if (m.notified[channel] !== 'pending') continue;
        this.start({ channel, id: m.id, box, failures: 0 });
        started++;
      }
    }
    return started;
  }

  /**
   * Sends an operational mail (a message could not be stored) through the same
   * SMTP settings, once, now. Rejects when it cannot be sent.
   */
  async sendNow(mail: SendMailOptions): Promise<void> {
    if (!this.options.smtp && !this.options.sendMail) throw new Error('SMTP_HOST is not set: cannot send e-mail');
    await (this.options.sendMail ?? this.smtpSend.bind(this))(mail);
  }

  /** The sender address of every mail. */
  get from(): string {
    return this.options.smtp?.from ?? 'accueil@localhost';
  }

  /** Resolves when no delivery is in progress or waiting for a retry. */
  idle(): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stop retrying (states stay 'pending', for resumePending) and close the SMTP transport. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of [...this.jobs]) {
      if (job.timer !== undefined) {
        this.timers.clearTimeout(job.timer);
        this.finish(job);
      }
    }
    await this.idle();
    this.transporter?.close();
    this.transporter = undefined;
  }

  private start(job: Job): void {
    if (this.closed) return;
    this.jobs.add(job);
    void this.attempt(job);
  }

  private finish(job: Job): void {
    this.jobs.delete(job);
    if (this.jobs.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async attempt(job: Job): Promise<void> {
    job.timer = undefined;
    const log = { voicemail: job.id, box: job.box.name, channel: job.channel, attempt: job.failures + 1 };
    try {
      const message = await this.options.store.get(job.id);
      if (!message) {
        // Deleted meanwhile: nothing left to announce (and no audio to attach).
        this.options.logger.info(log, 'voicemail: message gone, notification dropped');
        this.finish(job);
        return;
      }
      await this.send(job.channel, message, job.box);
      await this.record(job.id, job.channel, 'sent');
      this.options.logger.info(log, `voicemail: ${job.channel} notification sent`);
      this.finish(job);
    } catch (err) {
      job.failures++;
      if (this.closed) {
        this.options.logger.warn({ ...log, err: describe(err) }, `voicemail: ${job.channel} notification failed during shutdown, left pending`);
        this.finish(job);
        return;
      }
      if (job.failures >= this.retry.attempts || err instanceof PermanentFailure) {
        await this.record(job.id, job.channel, 'failed');
        this.options.logger.error({ ...log, err: describe(err) }, `voicemail: ${job.channel} notification failed, giving up (the message is kept)`);
        this.finish(job);
        return;
      }
      const delay = retryDelay(this.retry, job.failures);
      this.options.logger.warn({ ...log, err: describe(err), retryInMs: delay }, `voicemail: ${job.channel} notification failed, will retry`);
      job.timer = this.timers.setTimeout(() => void this.attempt(job), delay);
    }
  }

  private async send(channel: NotifyChannel, message: StoredMessage, box: VoicemailBox): Promise<void> {
    if (channel === 'webhook') {
      const url = box.notify.webhook;
      if (!url) throw new PermanentFailure('the box has no webhook URL');
      await postWebhook(url, webhookPayload(message), {
        fetch: this.options.fetch ?? (globalThis.fetch as unknown as FetchLike),
        timeoutMs: this.options.webhookTimeoutMs ?? 10_000,
        ...(this.options.webhookSecret ? { secret: this.options.webhookSecret } : {}),
      });
      return;
    }
    const smtp = this.options.smtp;
    if (!smtp && !this.options.sendMail) throw new PermanentFailure('SMTP_HOST is not set: cannot send e-mail');
    const mail = mailFor(message, box, smtp?.from ?? 'accueil@localhost', {
      country: this.options.country ?? 'FR',
      ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}),
    });
    await (this.options.sendMail ?? this.smtpSend.bind(this))(mail);
  }

  private async smtpSend(mail: SendMailOptions): Promise<void> {
    const smtp = this.options.smtp as SmtpSettings;
    const timeout = this.options.smtpTimeoutMs ?? 30_000;
    this.transporter ??= smtpTransport(smtp, timeout);
    await this.transporter.sendMail(mail);
  }

  /** Write a channel's state; a failure to write is logged, never thrown (delivery matters more). */
  private async record(id: string, channel: NotifyChannel, state: NotifyState): Promise<void> {
    try {
      await this.options.store.setNotified(id, channel, state);
    } catch (err) {
      this.options.logger.error({ voicemail: id, channel, state, err: describe(err) }, 'voicemail: could not record the notification state');
    }
  }
}

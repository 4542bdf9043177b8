// Missed calls reach a person: the missed calls of a number with `missed.notify`
// are gathered for `batch` (from the first one), then sent as one e-mail and/or
// one webhook, through the voicemail notification's senders (SMTP settings from
// the environment, signed webhooks). The history is the queue: a missed call's
// row holds its notice state ('pending' → 'sent' | 'failed'), so a restarted
// daemon sends what was still pending.

import { DateTime } from 'luxon';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { formatCaller } from '../flow/numbers';
import type { Plan, PublicNumber } from '../plan/types';
import { formatLength, smtpTransport, type SmtpSettings } from '../voicemail/mail';
import { DEFAULT_RETRY, retryDelay, type NotifyLogger, type RetryPolicy, type SendMail, type Timers } from '../voicemail/notify';
import { postWebhook, type FetchLike } from '../voicemail/webhook';
import type { Outcome } from './record';
import type { HistoryStore, StoredCall } from './store';

export interface MissedNotifierOptions {
  store: HistoryStore;
  plan: () => Plan | undefined;
  logger: NotifyLogger;
  smtp?: SmtpSettings;
  webhookSecret?: string;
  retry?: Partial<RetryPolicy>;
  timers?: Timers;
  now?: () => number;
  fetch?: FetchLike;
  sendMail?: SendMail;
  smtpTimeoutMs?: number;
  webhookTimeoutMs?: number;
}

const HOW: Record<Outcome, string> = {
  'abandoned-waiting': "raccroché pendant l'attente",
  'abandoned-ringing': 'raccroché pendant la sonnerie',
  abandoned: "raccroché pendant l'accueil",
  'voicemail-no-message': 'raccroché sans laisser de message',
  answered: 'répondu',
  'overflowed-answered': 'répondu après débordement',
  'voicemail-message': 'message laissé',
  closed: 'fermé',
  'menu-timeout': 'aucun choix au menu',
  'hung-up': 'raccroché par le plan',
};

function callerText(call: StoredCall, country: string): string {
  return call.caller.trim() ? formatCaller(call.caller, country) : 'numéro masqué';
}

export function missedMail(calls: StoredCall[], number: PublicNumber, from: string, ctx: { country: string; timeZone: string }): SendMailOptions {
  const lines = calls.map((c) => {
    const at = DateTime.fromMillis(c.arrivedAt, { zone: ctx.timeZone }).setLocale('fr').toFormat("cccc d LLLL 'à' HH:mm:ss");
    return `- ${callerText(c, ctx.country)}, ${at}, a attendu ${formatLength(c.waitedMs)} (${HOW[c.outcome]})`;
  });
  const subject =
    calls.length === 1
      ? `Appel manqué pour ${number.name} : ${callerText(calls[0]!, ctx.country)}`
      : `${calls.length} appels manqués pour ${number.name}`;
  const text = [
    calls.length === 1 ? `Un appel est resté sans réponse sur ${number.written} (${number.name}) :` : `${calls.length} appels sont restés sans réponse sur ${number.written} (${number.name}) :`,
    '',
    ...lines,
    '',
    'Pensez à rappeler. Historique : accueil calls --outcome missed',
  ].join('\n');
  return { from, to: number.missed?.notify.email ?? [], subject, text, headers: { 'X-Accueil-Missed': String(calls.length), 'X-Accueil-Number': number.e164 } };
}

export function missedPayload(calls: StoredCall[], number: PublicNumber): object {
  return {
    event: 'calls.missed',
    number: number.e164,
    name: number.name,
    calls: calls.map((c) => ({
      callId: c.callId,
      caller: c.caller,
      called: c.called,
      arrivedAt: new Date(c.arrivedAt).toISOString(),
      waitedMs: c.waitedMs,
      outcome: c.outcome,
    })),
  };
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class MissedNotifier {
  private readonly timers: Timers;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  /** Per number: the pending send and the failures so far. */
  private readonly jobs = new Map<string, { timer: unknown; failures: number }>();
  private transporter: Transporter | undefined;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: MissedNotifierOptions) {
    this.timers = options.timers ?? realTimers;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.now = options.now ?? Date.now;
  }

  /** Whether a missed call of `number` (the plan's key) is to be notified. */
  notifies(number: string | undefined): boolean {
    const missed = number === undefined ? undefined : this.options.plan()?.numbers[number]?.missed;
    return missed !== undefined && (missed.notify.email.length > 0 || missed.notify.webhook !== undefined);
  }

  /** A missed call of `number` was written 'pending': send within its batch time. */
  missed(number: string, endedAt = this.now()): void {
    if (this.closed || this.jobs.has(number)) return;
    const batch = this.options.plan()?.numbers[number]?.missed?.batch ?? 300_000;
    this.arm(number, Math.max(0, endedAt + batch - this.now()), 0);
  }

  /** After a restart: every number with pending notices. */
  resume(): number {
    const oldest = new Map<string, number>();
    for (const c of this.options.store.pendingNotices()) if (c.number && !oldest.has(c.number)) oldest.set(c.number, c.endedAt);
    for (const [number, endedAt] of oldest) this.missed(number, endedAt);
    return oldest.size;
  }

  /** Resolves when the sends started so far have finished. */
  idle(): Promise<void> {
    return this.sending;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) this.timers.clearTimeout(job.timer);
    this.jobs.clear();
    await this.sending;
    this.transporter?.close();
  }

  private arm(number: string, delay: number, failures: number): void {
    const job = { failures, timer: undefined as unknown };
    job.timer = this.timers.setTimeout(() => {
      this.sending = this.sending.then(() => this.send(number, job.failures));
    }, delay);
    this.jobs.set(number, job);
  }

  private async send(number: string, failures: number): Promise<void> {
    const log = this.options.logger;
    const plan = this.options.plan();
    const target = plan?.numbers[number];
    const calls = this.options.store.pendingNotices().filter((c) => c.number === number);
    if (calls.length === 0) {
      this.jobs.delete(number);
      return;
    }
    const ids = calls.map((c) => c.callId);
    if (!plan || !target?.missed) {
      this.jobs.delete(number);
      this.options.store.setNotice(ids, 'failed');
      log.error({ event: 'missed.dropped', number, calls: ids.length }, `missed calls of ${number}: the plan no longer notifies them`);
      return;
    }
    try {
      const notify = target.missed.notify;
      if (notify.email.length > 0) {
        if (!this.options.smtp && !this.options.sendMail) throw new Error('SMTP_HOST is not set: cannot send e-mail');
        const mail = missedMail(calls, target, this.options.smtp?.from ?? 'accueil@localhost', { country: plan.country, timeZone: plan.timezone });
        await (this.options.sendMail ?? ((m: SendMailOptions) => this.smtpSend(m)))(mail);
      }
      if (notify.webhook) {
        await postWebhook(notify.webhook, missedPayload(calls, target), {
          fetch: this.options.fetch ?? (globalThis.fetch as unknown as FetchLike),
          timeoutMs: this.options.webhookTimeoutMs ?? 10_000,
          ...(this.options.webhookSecret ? { secret: this.options.webhookSecret } : {}),
        });
      }
      this.jobs.delete(number);
      this.options.store.setNotice(ids, 'sent');
      log.info({ event: 'missed.sent', number, calls: ids.length }, `missed calls of ${number}: notice sent (${ids.length})`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.jobs.delete(number);
      if (failures + 1 >= this.retry.attempts || this.closed) {
        if (!this.closed) this.options.store.setNotice(ids, 'failed');
        log.error({ event: 'missed.failed', number, calls: ids.length, err: message }, `missed calls of ${number}: notice failed${this.closed ? ' during shutdown, left pending' : ', giving up'}`);
        return;
      }
      const delay = retryDelay(this.retry, failures + 1);
      log.warn({ event: 'missed.retry', number, err: message, retryInMs: delay }, `missed calls of ${number}: notice failed, will retry`);
      this.arm(number, delay, failures + 1);
    }
  }

  private async smtpSend(mail: SendMailOptions): Promise<void> {
    this.transporter ??= smtpTransport(this.options.smtp as SmtpSettings, this.options.smtpTimeoutMs ?? 30_000);
    await this.transporter.sendMail(mail);
  }
}

// Notification against real local servers: an SMTP server (smtp-server) on 127.0.0.1 with a
// random port, a node:http webhook receiver; retries with short real delays, and the backoff
// schedule with injected timers.
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as path from 'node:path';
import { formatLength, mailSubject, smtpFromEnv } from '../../../src/voicemail/mail';
import { DEFAULT_RETRY, Notifier, notifierEnv, retryDelay, type Timers } from '../../../src/voicemail/notify';
import { VoicemailStore, type StoredMessage } from '../../../src/voicemail/store';
import { box, memoryLogger, newMessage, tempDir, writeRecording } from './helpers';
import { attachment, header, mimeParts, smtpSink } from '../../support/smtp-sink';

/** A port nobody listens on (taken, then released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let work: string;
let store: VoicemailStore;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  work = tempDir();
  store = new VoicemailStore({ dir: path.join(work, 'voicemail'), timeZone: 'Europe/Paris' });
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  fs.rmSync(work, { recursive: true, force: true });
});

async function stored(over: Parameters<typeof newMessage>[1] = {}): Promise<{ message: StoredMessage; bytes: Buffer }> {
  const rec = writeRecording(path.join(work, 'spool'), `r${Math.random()}`, 5000);
  return { message: await store.storeMessage(newMessage(rec.file, over)), bytes: rec.bytes };
}

function smtpAt(port: number) {
  return { host: '127.0.0.1', port, secure: false, from: 'accueil@cabinet.example' };
}

const fast = { attempts: 6, baseDelayMs: 20, maxDelayMs: 100 };

describe('e-mail over a real SMTP conversation', () => {
  it('delivers the mail with the WAV attached and records email: sent', async () => {
    const sink = await smtpSink();
    closers.push(sink.close);
    const logger = memoryLogger();
    const notifier = new Notifier({ store, logger, smtp: smtpAt(sink.port), timeZone: 'Europe/Paris' });
    closers.push(() => notifier.close());
    const { message, bytes } = await stored();
    await notifier.notify(message, box({}, { email: ['dr.martin@example.org', 'secretariat@example.org'] }));
    await notifier.idle();

    expect(sink.mails).toHaveLength(1);
    const mail = sink.mails[0]!;
    expect(mail.from).toBe('accueil@cabinet.example');
    expect(mail.to).toEqual(['dr.martin@example.org', 'secretariat@example.org']);
    expect(header(mail.raw, 'Subject')).toBe('Nouveau message pour Dr Martin de 06 12 34 56 78 (0:05)');
    expect(header(mail.raw, 'X-Accueil-Message-Id')).toBe(message.id);
    const wav = attachment(mail.raw);
    expect(wav).toMatchObject({ filename: `message-${message.id}.wav`, type: 'audio/wav' });
    expect(wav!.bytes.equals(bytes)).toBe(true);
    const text = mimeParts(mail.raw).find((p) => /content-type:\s*text\/plain/i.test(p.headers));
    expect(text?.body.replace(/=\r\n/g, '')).toMatch(/15 mars 2026 =C3=A0 14:30/); // quoted-printable "à", Paris time

    expect((await store.get(message.id))?.notified).toEqual({ email: 'sent' });
    expect(logger.lines.map((l) => l.level)).toEqual(['info']);
  });

  it('authenticates with SMTP_USER / SMTP_PASSWORD read from the environment', async () => {
    const sink = await smtpSink({ auth: { user: 'accueil', pass: 's3cret' } });
    closers.push(sink.close);
    const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_USER: 'accueil', SMTP_PASSWORD: 's3cret', SMTP_FROM: 'Accueil <accueil@cabinet.example>', SMTP_SECURE: 'false' };
    const notifier = new Notifier({ store, logger: memoryLogger(), ...notifierEnv(env) });
    closers.push(() => notifier.close());
    const { message } = await stored();
    await notifier.notify(message, box());
    await notifier.idle();
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0]!.user).toBe('accueil');
    expect(sink.mails[0]!.from).toBe('accueil@cabinet.example');
  });

  it('retries when the server refuses, then records sent', async () => {
    const sink = await smtpSink({ reject: (n) => n <= 2 });
    closers.push(sink.close);
    const logger = memoryLogger();
    const notifier = new Notifier({ store, logger, smtp: smtpAt(sink.port), retry: fast });
    const { message, bytes } = await stored();
    await notifier.notify(message, box());
    expect((await store.get(message.id))?.notified.email).toBe('pending');
    await notifier.idle();
    expect(sink.attempts()).toBe(3);
    expect(sink.mails).toHaveLength(1);
    expect(attachment(sink.mails[0]!.raw)!.bytes.equals(bytes)).toBe(true);
    expect((await store.get(message.id))?.notified.email).toBe('sent');
    const warns = logger.lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(2);
    expect(warns[0]!.obj).toMatchObject({ voicemail: message.id, channel: 'email', attempt: 1, retryInMs: 20 });
    expect(String(warns[0]!.obj.err)).toMatch(/451/);
    await notifier.close();
  });

  it('retries while the server is down and delivers once it is up', async () => {
    const port = await freePort();
    const logger = memoryLogger();
    const notifier = new Notifier({ store, logger, smtp: smtpAt(port), retry: { attempts: 6, baseDelayMs: 100, maxDelayMs: 200 } });
    const { message } = await stored();
    await notifier.notify(message, box());
    // The first attempt fails on the closed port; bring the server up before the retry.
    for (let i = 0; i < 100 && !logger.lines.some((l) => l.level === 'warn'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(logger.lines.some((l) => l.level === 'warn' && /ECONNREFUSED/.test(String(l.obj.err)))).toBe(true);
    const sink = await smtpSink({ port });
    closers.push(sink.close);
    await notifier.idle();
    expect(sink.mails).toHaveLength(1);
    expect((await store.get(message.id))?.notified.email).toBe('sent');
    await notifier.close();
  });

  it('gives up after the bounded attempts, records failed, and keeps the message', async () => {
    const port = await freePort();
    const logger = memoryLogger();
    const notifier = new Notifier({ store, logger, smtp: smtpAt(port), retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
    const { message, bytes } = await stored();
    await notifier.notify(message, box());
    await notifier.idle();
    const after = await store.get(message.id);
    expect(after?.notified.email).toBe('failed');
    expect(fs.readFileSync(after!.audioPath).equals(bytes)).toBe(true);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'error']);
    expect(logger.lines[2]!.obj).toMatchObject({ attempt: 3, channel: 'email' });
  });

  it('fails at once, without retrying, when SMTP is not configured', async () => {
    const logger = memoryLogger();
    const notifier = new Notifier({ store, logger });
    const { message } = await stored();
    await notifier.notify(message, box());
    await notifier.idle();
    expect((await store.get(message.id))?.notified.email).toBe('failed');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'error', obj: { err: expect.stringMatching(/SMTP_HOST/) } });
  });
});

describe('webhook against a local HTTP server', () => {
  async function receiver(statuses: number[]) {
    const hits: Array<{ headers: http.IncomingHttpHeaders; body: string; method: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        hits.push({ headers: req.headers, body, method: req.method ?? '' });
        res.statusCode = statuses[hits.length - 1] ?? 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/voicemail`;
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    return { hits, url };
  }

  it('POSTs the metadata as JSON (no audio), signed with the secret', async () => {
    const hook = await receiver([204]);
    const notifier = new Notifier({ store, logger: memoryLogger(), webhookSecret: 'hook-secret' });
    const { message } = await stored();
    await notifier.notify(message, box({}, { email: [], webhook: hook.url }));
    await notifier.idle();
    expect(hook.hits).toHaveLength(1);
    const hit = hook.hits[0]!;
    expect(hit.method).toBe('POST');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-accueil-signature']).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(hit.body).digest('hex')}`);
    expect(JSON.parse(hit.body)).toEqual({
      event: 'voicemail.message',
      message: {
        id: message.id,
        box: 'dr-martin',
        called: '+33142000001',
        calledName: 'Dr Martin',
        caller: '0612345678',
        start: '2026-03-15T13:30:12.000Z',
        durationMs: 5000,
        planVersion: 'abc123def456',
        callId: 'c1',
      },
    });
    expect((await store.get(message.id))?.notified).toEqual({ webhook: 'sent' });
  });

  it('retries on an error status', async () => {
    const hook = await receiver([500, 503, 200]);
    const logger = memoryLogger();
    const notifier = new Notifier({ store, logger, retry: fast });
    const { message } = await stored();
    await notifier.notify(message, box({}, { email: [], webhook: hook.url }));
    await notifier.idle();
    expect(hook.hits).toHaveLength(3);
    expect(hook.hits[0]!.headers['x-accueil-signature']).toBeUndefined();
    expect((await store.get(message.id))?.notified.webhook).toBe('sent');
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.obj.err)).toEqual(['webhook answered HTTP 500', 'webhook answered HTTP 503']);
  });

  it('runs both channels independently: mail sent, webhook failed', async () => {
    const sink = await smtpSink();
    closers.push(sink.close);
    const hook = await receiver([500, 500]);
    const notifier = new Notifier({ store, logger: memoryLogger(), smtp: smtpAt(sink.port), retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });
    closers.push(() => notifier.close());
    const { message } = await stored();
    await notifier.notify(message, box({}, { webhook: hook.url }));
    await notifier.idle();
    expect(sink.mails).toHaveLength(1);
    expect((await store.get(message.id))?.notified).toEqual({ email: 'sent', webhook: 'failed' });
  });
});

describe('retry schedule, shutdown and resume', () => {
  /** Timers that only run when the test says so. */
  function manualTimers(): Timers & { queue: Array<{ fn: () => void; ms: number }>; fire(): void } {
    const queue: Array<{ fn: () => void; ms: number }> = [];
    return {
      queue,
      setTimeout: (fn, ms) => {
        const t = { fn, ms };
        queue.push(t);
        return t;
      },
      clearTimeout: (h) => {
        const i = queue.indexOf(h as { fn: () => void; ms: number });
        if (i >= 0) queue.splice(i, 1);
      },
      fire() {
        queue.shift()?.fn();
      },
    };
  }
  /** Wait (really) until the notifier has scheduled its next retry or finished. */
  async function settle(timers: { queue: unknown[] }, notifier: Notifier): Promise<void> {
    for (let i = 0; i < 200 && timers.queue.length === 0 && notifier.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
  }

  it('backs off 1, 2, 4, 8, 15 minutes by default: 6 attempts in about half an hour', async () => {
    const timers = manualTimers();
    let sends = 0;
    const notifier = new Notifier({ store, logger: memoryLogger(), timers, sendMail: async () => { sends++; throw new Error('down'); } });
    const { message } = await stored();
    await notifier.notify(message, box());
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      await settle(timers, notifier);
      const next = timers.queue[0];
      if (!next) break;
      delays.push(next.ms);
      timers.fire();
    }
    await notifier.idle();
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 900_000]);
    expect(sends).toBe(DEFAULT_RETRY.attempts);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(30 * 60_000);
    expect((await store.get(message.id))?.notified.email).toBe('failed');
    expect(retryDelay({ attempts: 9, baseDelayMs: 1000, maxDelayMs: 5000 }, 4)).toBe(5000);
  });

  it('drops the notification when the message was deleted before the retry', async () => {
    const timers = manualTimers();
    const logger = memoryLogger();
    const notifier = new Notifier({ store, logger, timers, sendMail: async () => { throw new Error('down'); } });
    const { message } = await stored();
    await notifier.notify(message, box());
    await settle(timers, notifier);
    await store.deleteMessage(message.id);
    timers.fire();
    await notifier.idle();
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', msg: expect.stringMatching(/message gone/) });
  });

  it('close() stops retrying and leaves pending; resumePending() takes it up again', async () => {
    const timers = manualTimers();
    const first = new Notifier({ store, logger: memoryLogger(), timers, sendMail: async () => { throw new Error('down'); } });
    const { message } = await stored();
    await first.notify(message, box());
    await settle(timers, first);
    expect(first.pending).toBe(1);
    await first.close();
    expect(first.pending).toBe(0);
    expect(timers.queue).toHaveLength(0);
    expect((await store.get(message.id))?.notified.email).toBe('pending');

    const sent: string[] = [];
    const second = new Notifier({ store, logger: memoryLogger(), sendMail: async (mail) => void sent.push(String(mail.subject)) });
    expect(await second.resumePending({ 'dr-martin': box() })).toBe(1);
    await second.idle();
    expect(sent).toEqual(['Nouveau message pour Dr Martin de 06 12 34 56 78 (0:05)']);
    expect((await store.get(message.id))?.notified.email).toBe('sent');
    expect(await second.resumePending({ 'dr-martin': box() })).toBe(0);
  });

  it('does nothing for a box without recipients', async () => {
    const notifier = new Notifier({ store, logger: memoryLogger() });
    const { message } = await stored();
    await notifier.notify(message, box({}, { email: [] }));
    await notifier.idle();
    expect((await store.get(message.id))?.notified).toEqual({});
  });
});

describe('settings and wording', () => {
  it('reads SMTP settings from the environment', () => {
    expect(smtpFromEnv({})).toBeUndefined();
    expect(smtpFromEnv({ SMTP_HOST: 'smtp.example.org' })).toEqual({ host: 'smtp.example.org', port: 587, secure: false, from: 'accueil@localhost' });
    expect(smtpFromEnv({ SMTP_HOST: 'h', SMTP_PORT: '465', SMTP_USER: 'u@x' })).toEqual({ host: 'h', port: 465, secure: true, user: 'u@x', from: 'u@x' });
    expect(smtpFromEnv({ SMTP_HOST: 'h', SMTP_SECURE: 'yes' })).toMatchObject({ port: 465, secure: true });
    expect(() => smtpFromEnv({ SMTP_HOST: 'h', SMTP_PORT: 'abc' })).toThrow(/SMTP_PORT/);
  });

  it('reads the retry policy from the environment', () => {
    expect(notifierEnv({}).retry).toEqual({});
    expect(notifierEnv({ ACCUEIL_NOTIFY_ATTEMPTS: '3', ACCUEIL_NOTIFY_BACKOFF: '30', ACCUEIL_NOTIFY_BACKOFF_MAX: '600' }).retry).toEqual({ attempts: 3, baseDelayMs: 30_000, maxDelayMs: 600_000 });
    expect(() => notifierEnv({ ACCUEIL_NOTIFY_ATTEMPTS: '0' })).toThrow(/ACCUEIL_NOTIFY_ATTEMPTS/);
    expect(notifierEnv({ ACCUEIL_WEBHOOK_SECRET: 'k' }).webhookSecret).toBe('k');
  });

  it('words the subject for people', () => {
    const base = { id: 'x', box: 'dr-martin', called: '+33142000001', caller: '0612345678', start: '2026-03-15T13:30:12.000Z', durationMs: 65_400, planVersion: 'v', callId: 'c', heard: false, notified: {} };
    expect(mailSubject(base, box(), { country: 'FR' })).toBe('Nouveau message pour dr-martin de 06 12 34 56 78 (1:05)');
    expect(mailSubject({ ...base, caller: '', calledName: 'Dr Martin' }, box(), { country: 'FR' })).toBe("Nouveau message pour Dr Martin d'un numéro masqué (1:05)");
    expect(mailSubject({ ...base, caller: '+447700900123' }, box(), { country: 'FR' })).toBe('Nouveau message pour dr-martin de +44 7700 900123 (1:05)');
    expect(formatLength(4_600)).toBe('0:05');
    expect(formatLength(600_000)).toBe('10:00');
  });
});

// A message left is never lost (issue 21, and 19.10): the daemon started as the
// README says gets the recording from Asterisk over ARI and stores, lists and
// mails it; with Asterisk's recording folder unreadable the message is reported
// failed, the box's owner is alerted, and once the folder is fixed the next start
// stores it once; the daemon SIGKILLed while a caller speaks takes the recording
// back and stores the whole message once.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { AriObserver, REPO, clearLeftRecordings, recordingsOfCall, sandboxRecordingsDir, settle } from './harness/sandbox';
import { Caller, waitFor } from './harness/sipp';
import { attachment, header, smtpSink } from '../support/smtp-sink';

const PLAN = path.join(REPO, 'test/e2e/plans/reference-closed.yaml');
// greeting 2.4 s + closed announcement 9.8 s + box greeting 5.1 s + beep
const BEEP_AT_MS = 17800;

type Listed = { id: string; box: string; callId: string; caller: string; durationMs: number; recording?: string };

function listed(dir: string): Listed[] {
  return JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'bin/accueil'), 'voicemail', 'list', '--json', '--dir', dir], { encoding: 'utf8' })) as Listed[];
}

/** A mail header with its RFC 2047 words decoded. */
function decoded(raw: string, name: string): string {
  return (header(raw, name) ?? '').replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
  );
}

/** Every process under `pid` (from /proc), to check that none is left running. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number): void => {
    let children: number[] = [];
    try {
      children = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return;
    }
    for (const c of children) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number): boolean => fs.existsSync(`/proc/${pid}`);

let sink: Awaited<ReturnType<typeof smtpSink>>;
const smtp = (): Record<string, string> => ({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_SECURE: 'false', SMTP_FROM: 'accueil@example.org' });

beforeAll(() => {
  clearLeftRecordings();
});
beforeEach(async () => {
  sink = await smtpSink();
});
afterEach(async () => {
  await sink.close();
  const left = await settle(5000);
  expect(left.channels.map((c) => c.name)).toEqual([]);
  expect(left.bridges).toEqual([]);
});

test("the README's recipe (npx accueil run, only what asterisk:up prints): a message left is stored, listed and mailed; SIGTERM to npx stops the daemon", async () => {
  const daemon = new DaemonProcess(PLAN, smtp(), { readme: true }).start();
  expect(Object.keys(daemon.startedEnv).filter((k) => k.startsWith('ACCUEIL_RECORDINGS'))).toEqual([]);
  let processes: number[] = [];
  try {
    await daemon.ready(60000);
    processes = descendants((daemon as unknown as { child: { pid: number } }).child.pid);
    expect(processes.length).toBeGreaterThan(0);
    const result = await new Caller('0142000001', { caller: '0612345678', speakAfterMs: BEEP_AT_MS + 300, holdMs: 6000 }).result();
    expect(result.endedBy).toBe('caller');
    const callId = await waitFor('the call', () => daemon.callIds().pop());
    const outcome = await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome', 20000);
    expect(outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin', message: 'stored' });
    const message = await daemon.waitForLine((l) => l.callId === callId && l.step === 'message');
    expect(message).toMatchObject({ message: 'stored', cause: 'hangup' });
    expect(message.reason).toMatch(/ended by hangup\): stored as \d{8}-\d{6}-[0-9a-f]{6}$/);

    const messages = listed(daemon.voicemailDir);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ box: 'dr-martin', callId, caller: '0612345678', id: message.messageId });
    const mail = await waitFor('the notification mail', () => sink.mails[0], 20000);
    expect(mail.to).toEqual(['dr.martin@example.org']);
    expect(attachment(mail.raw)?.bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    // Deleted in Asterisk once stored.
    expect(recordingsOfCall(callId)).toEqual([]);
  } finally {
    daemon.signal('SIGTERM'); // to npx, as a service manager or a shell would
    await waitFor('the daemon stopped', () => daemon.lines.find((l) => l.event === 'daemon.stopped'), 20000);
    await waitFor('no process of the daemon left', () => processes.every((p) => !alive(p)), 10000);
  }
});

describe('Asterisk’s recording folder unreadable', () => {
  const folder = sandboxRecordingsDir();
  let mode: number;
  beforeEach(() => {
    mode = fs.statSync(folder).mode & 0o7777;
  });
  afterEach(() => {
    fs.chmodSync(folder, mode);
  });

  test('the message is reported failed, the box is alerted, nothing is deleted; once fixed, the next start stores it once and mails it', async () => {
    // Asterisk may still write a recording in it (write and search), but cannot list or find one.
    fs.chmodSync(folder, 0o300);
    const first = new DaemonProcess(PLAN, { ...smtp(), ACCUEIL_HTTP_PORT: '0' }).start();
    let callId = '';
    try {
      await first.ready();
      const unavailable = await first.waitForLine((l) => l.event === 'voicemail.unavailable');
      expect(unavailable.msg).toMatch(/^voicemail unavailable: Asterisk cannot list its recordings over ARI/);

      await new Caller('0142000001', { caller: '0612345678', speakAfterMs: BEEP_AT_MS + 300, holdMs: 5000 }).result();
      callId = await waitFor('the call', () => first.callIds().pop());
      const outcome = await first.waitForLine((l) => l.callId === callId && l.step === 'outcome', 20000);
      expect(outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin', message: 'failed' });
      expect(outcome.reason).toMatch(/message not stored \(failed; retried\)$/);
      const message = await first.waitForLine((l) => l.callId === callId && l.step === 'message');
      expect(message).toMatchObject({ message: 'failed' });
      expect(message.reason).toMatch(/could not be stored \(Asterisk could not give recording .* HTTP 404/);
      expect((await first.waitForLine((l) => l.callId === callId && l.event === 'voicemail.store_failed')).level).toBe(50);

      const alert = await waitFor('the alert mail', () => sink.mails[0], 20000);
      expect(alert.to).toEqual(['dr.martin@example.org']);
      expect(header(alert.raw, 'X-Accueil-Alert')).toBe('store-failed');
      expect(decoded(alert.raw, 'Subject')).toBe('Message non enregistré pour Dr Martin — a message could not be stored');
      expect(attachment(alert.raw)).toBeUndefined();

      const port = Number((await first.waitForLine((l) => l.event === 'http.listening')).port);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^accueil_voicemail_messages_total\{result="failed"\} 1$/m);
      expect(metrics).toMatch(/^accueil_voicemail_messages_total\{result="stored"\} 0$/m);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ready: false, missing: ['voicemail'], voicemail: expect.stringMatching(/^unavailable: /) });

      expect(listed(first.voicemailDir)).toEqual([]);
      expect(recordingsOfCall(callId)).toHaveLength(1); // still where Asterisk wrote it (read as root)
    } finally {
      expect(await first.stop()).toBe(0);
    }

    // The folder fixed; the next daemon (same message store) takes the pending message up.
    fs.chmodSync(folder, mode);
    const second = new DaemonProcess(PLAN, { ...smtp(), ACCUEIL_VOICEMAIL_DIR: first.voicemailDir }).start();
    try {
      await second.ready();
      const stored = await second.waitForLine((l) => l.callId === callId && l.event === 'voicemail.stored', 20000);
      const messages = listed(first.voicemailDir);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ id: stored.messageId, callId, box: 'dr-martin', caller: '0612345678' });
      expect(Math.abs((messages[0]?.durationMs ?? 0) - 5000)).toBeLessThanOrEqual(1500);
      const mail = await waitFor('the notification mail', () => sink.mails[1], 20000);
      expect(header(mail.raw, 'Subject')).toMatch(/^Nouveau message pour Dr Martin de 06 12 34 56 78/);
      expect(attachment(mail.raw)?.bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
      expect(recordingsOfCall(callId)).toEqual([]);
      await second.waitForLine((l) => l.event === 'voicemail.available');
    } finally {
      expect(await second.stop()).toBe(0);
    }
    // A third start finds nothing to do: stored once, mailed once.
    const third = new DaemonProcess(PLAN, { ...smtp(), ACCUEIL_VOICEMAIL_DIR: first.voicemailDir }).start();
    try {
      await third.ready();
      await new Promise((r) => setTimeout(r, 2000));
      expect(third.lines.filter((l) => l.event === 'voicemail.stored' || l.event === 'voicemail.store_failed')).toEqual([]);
    } finally {
      expect(await third.stop()).toBe(0);
    }
    expect(listed(first.voicemailDir)).toHaveLength(1);
    expect(sink.mails).toHaveLength(2);
  });
});

test('the daemon SIGKILLed while a caller records a message: the next daemon takes the recording back, the whole message is stored and mailed once', async () => {
  const observer = new AriObserver();
  await observer.start();
  const first = new DaemonProcess(PLAN, smtp()).start();
  let second: DaemonProcess | undefined;
  try {
    await first.ready();
    // Plays its ~7 s of speech right after the beep (nothing after it: Asterisk records those 7 s), hangs up 10 s after the beep.
    const caller = new Caller('0142000001', { caller: '0612345678', speakAfterMs: BEEP_AT_MS + 300, holdMs: 10000 });
    await waitFor('the recording started', () => observer.ofType('RecordingStarted')[0], 30000);
    await new Promise((r) => setTimeout(r, 2000));
    await first.stop('SIGKILL');
    const callId = first.callIds()[0] ?? '';

    second = new DaemonProcess(PLAN, { ...smtp(), ACCUEIL_VOICEMAIL_DIR: first.voicemailDir }).start();
    await second.ready();
    const resumed = await second.waitForLine((l) => l.callId === callId && l.event === 'call.resumed');
    expect(String(resumed.recording)).toContain(callId);
    expect(await caller.result()).toMatchObject({ endedBy: 'caller' });
    const stored = await second.waitForLine((l) => l.callId === callId && l.event === 'voicemail.stored', 20000);
    expect(second.lines.some((l) => l.event === 'call.orphan_caller')).toBe(false);
    const outcome = await second.waitForLine((l) => l.callId === callId && l.step === 'outcome');
    expect(outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin', message: 'stored' });

    const messages = listed(first.voicemailDir);
    expect(messages).toHaveLength(1);
    // What was said before the kill (2 s in) is in it: the whole ~7 s of speech, not the part after the restart.
    expect(messages[0]).toMatchObject({ id: stored.messageId, callId, caller: '0612345678' });
    expect(messages[0]?.durationMs ?? 0).toBeGreaterThanOrEqual(6000);
    const mail = await waitFor('the notification mail', () => sink.mails[0], 20000);
    expect(mail.to).toEqual(['dr.martin@example.org']);
    await new Promise((r) => setTimeout(r, 2000));
    expect(sink.mails).toHaveLength(1);
    expect(observer.ofType('RecordingStarted')).toHaveLength(1); // taken back, not started again
  } finally {
    observer.stop();
    if (second) expect(await second.stop()).toBe(0);
  }
});

test("a message as long as the box allows ends by max length (goodbye, then Asterisk hangs up); the journal says so", async () => {
  // Dr Martin's box with max_length 4s: the caller's ~7 s of speech is cut at 4 s.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-plan-'));
  const plan = path.join(dir, 'plan.yaml');
  fs.writeFileSync(plan, fs.readFileSync(PLAN, 'utf8').replace('max_length: 30s', 'max_length: 4s'));
  const daemon = new DaemonProcess(plan, smtp()).start();
  try {
    await daemon.ready();
    const result = await new Caller('0142000001', { speakAfterMs: BEEP_AT_MS + 300, holdMs: 15000 }).result();
    expect(result.endedBy).toBe('asterisk');
    const callId = await waitFor('the call', () => daemon.callIds().pop());
    const message = await daemon.waitForLine((l) => l.callId === callId && l.step === 'message', 20000);
    expect(message).toMatchObject({ cause: 'maxLength', message: 'stored' });
    expect(message.reason).toMatch(/^message of [34]s left in dr-martin \(ended by maxLength\): stored as /);
    expect(await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome')).toMatchObject({ result: 'voicemail', message: 'stored' });
  } finally {
    expect(await daemon.stop()).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

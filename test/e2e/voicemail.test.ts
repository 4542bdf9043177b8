// Voicemail live: a closed number, the caller speaks after the beep, the
// message is stored with its metadata, listed by the CLI, and mailed (with the
// audio) to a real SMTP server started here; a hang-up at the beep is no message.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { REPO, clearLeftRecordings, settle } from './harness/sandbox';
import { Caller, Lamp, waitFor } from './harness/sipp';
import { attachment, header, smtpSink } from '../support/smtp-sink';

const PLAN = path.join(REPO, 'test/e2e/plans/reference-closed.yaml');
// greeting 2.4 s + closed announcement 9.8 s + box greeting 5.1 s + beep
const BEEP_AT_MS = 17800;

// Dr Martin's lamp answers every NOTIFY from the start of this file: Asterisk
// retransmits an unanswered NOTIFY for up to 32 s, and a lamp started late would
// get the earlier tests' states out of order. The lamp test reads only what comes
// after its own daemon's doing.
let lamp: Lamp;
beforeAll(() => {
  clearLeftRecordings(); // an earlier failed run's recordings would be stored as messages here
  lamp = new Lamp('lamp-dr-martin');
});
afterAll(async () => {
  await lamp.stop();
});

describe('voicemail on the sandbox Asterisk', () => {
  let daemon: DaemonProcess;
  let sink: Awaited<ReturnType<typeof smtpSink>>;

  beforeEach(async () => {
    sink = await smtpSink();
    daemon = new DaemonProcess(PLAN, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_SECURE: 'false', SMTP_FROM: 'accueil@example.org' }).start();
    await daemon.ready();
  });

  afterEach(async () => {
    expect(await daemon.stop()).toBe(0);
    await sink.close();
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
    expect(left.bridges).toEqual([]);
  });

  test('~5 s of speech after the beep: one message of ~5 s with its metadata, listed, and mailed with the audio', async () => {
    // The caller speaks right after the beep and hangs up 5 s later.
    const result = await new Caller('0142000001', { caller: '0612345678', speakAfterMs: BEEP_AT_MS + 300, holdMs: 5000 }).result();
    expect(result.endedBy).toBe('caller');
    const callId = await waitFor('the call', () => daemon.callIds().pop());
    await daemon.waitForLine((l) => l.callId === callId && l.event === 'voicemail.stored', 20000);

    const listed = JSON.parse(
      execFileSync(process.execPath, [path.join(REPO, 'bin/accueil'), 'voicemail', 'list', '--json', '--dir', daemon.voicemailDir], { encoding: 'utf8' }),
    ) as { box: string; called: string; caller: string; durationMs: number; callId: string; planVersion: string }[];
    expect(listed).toHaveLength(1);
    const [message] = listed;
    expect(message).toMatchObject({ box: 'dr-martin', called: '+33142000001', caller: '0612345678', callId });
    expect(Math.abs((message?.durationMs ?? 0) - 5000)).toBeLessThanOrEqual(1500);
    expect(message?.planVersion).toMatch(/^[0-9a-f]{6,}$/);

    const mail = await waitFor('the notification mail', () => sink.mails[0], 20000);
    expect(mail.to).toEqual(['dr.martin@example.org']);
    expect(header(mail.raw, 'Subject')).toMatch(/^Nouveau message pour Dr Martin de 06 12 34 56 78/);
    const wav = attachment(mail.raw);
    expect(wav?.type).toBe('audio/wav');
    expect(wav?.bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav?.bytes.length ?? 0).toBeGreaterThan(3 * 8000 * 2);
  });

  test('a hang-up right at the beep leaves no message', async () => {
    // Hangs up about a second after the beep: the recording has begun, it is shorter than the box's 2 s minimum.
    const result = await new Caller('0142000001', { speakAfterMs: 1, holdMs: BEEP_AT_MS + 1000 }).result();
    expect(result.endedBy).toBe('caller');
    const callId = await waitFor('the call', () => daemon.callIds().pop());
    await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome', 20000);
    await daemon.waitForLine((l) => l.callId === callId && l.step === 'recordingDiscarded', 10000);
    expect(daemon.journal(callId).some((l) => l.step === 'message')).toBe(false);
    const listed = JSON.parse(
      execFileSync(process.execPath, [path.join(REPO, 'bin/accueil'), 'voicemail', 'list', '--json', '--dir', daemon.voicemailDir], { encoding: 'utf8' }),
    ) as unknown[];
    expect(listed).toEqual([]);
    expect(sink.mails).toHaveLength(0);
  });
});

describe('the message-waiting lamp on the sandbox Asterisk', () => {
  test("the box owner's lamp lights when a message arrives and goes out when it is heard", async () => {
    const sink = await smtpSink();
    // Recounted every second, so the message marked heard by the CLI shows quickly.
    const daemon = new DaemonProcess(PLAN, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_SECURE: 'false', SMTP_FROM: 'accueil@example.org', ACCUEIL_MWI_POLL_MS: '1000' }).start();
    try {
      await daemon.ready();
      // An empty box: the daemon sets it when it connects, and the lamp is off. (Its
      // NOTIFY may come before the daemon logs it, or not at all when Asterisk's
      // state was already empty: the lamp's last word is what counts.)
      await daemon.waitForLine((l) => l.event === 'mwi.set' && l.box === 'dr-martin' && l.unheard === 0 && l.heard === 0);
      await waitFor('the lamp off, the box empty', () => {
        const last = lamp.last();
        return last !== undefined && !last.waiting && last.unheard === 0 && last.heard === 0;
      }, 5000);
      const after = (at: number) => lamp.states().filter((s) => s.at >= at);

      await new Caller('0142000001', { speakAfterMs: BEEP_AT_MS + 300, holdMs: 4000 }).result();
      const callId = await waitFor('the call', () => daemon.callIds().pop());
      const stored = await daemon.waitForLine((l) => l.callId === callId && l.event === 'voicemail.stored', 20000);
      const storedAt = Date.parse(stored.time);
      const lit = await waitFor('the lamp lit', () => after(storedAt).find((s) => s.waiting), 5000);
      expect(lit).toMatchObject({ waiting: true, unheard: 1, heard: 0 });
      expect(lit.at - storedAt).toBeLessThanOrEqual(2000);

      const heardAt = Date.now();
      execFileSync(process.execPath, [path.join(REPO, 'bin/accueil'), 'voicemail', 'heard', String(stored.messageId), '--dir', daemon.voicemailDir], { encoding: 'utf8' });
      const out = await waitFor('the lamp out', () => after(heardAt).find((s) => !s.waiting), 10000);
      expect(out).toMatchObject({ waiting: false, unheard: 0, heard: 1 });
    } finally {
      expect(await daemon.stop()).toBe(0);
      await sink.close();
    }
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
  });
});

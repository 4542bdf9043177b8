// The call history, live: each kind of call leaves exactly one row with the
// right outcome and durations (±1 s of what SIPp did); the abandoned caller's
// missed-call notice reaches a real SMTP server on loopback; a daemon SIGKILLed
// while the secretariat rings still writes the call's complete row when the
// resumed call ends.
import * as path from 'path';
import { smtpSink } from '../support/smtp-sink';
import { DaemonProcess } from './harness/daemon';
import { REPO, settle } from './harness/sandbox';
import { Caller, Phone, waitFor } from './harness/sipp';
import type { StoredCall } from '../../src/history/store';

const PLAN = path.join(REPO, 'test/e2e/plans/history.yaml');
const TOLERANCE_MS = 1000;
const BEEP_AT_MS = 18900;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('call history on Asterisk', () => {
  let phones: Phone[] = [];
  let daemons: DaemonProcess[] = [];
  let sink: Awaited<ReturnType<typeof smtpSink>>;

  const phone = (...args: ConstructorParameters<typeof Phone>): Phone => {
    const p = new Phone(...args);
    phones.push(p);
    return p;
  };
  const daemon = (env: Record<string, string> = {}): DaemonProcess => {
    const d = new DaemonProcess(PLAN, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_SECURE: 'false', SMTP_FROM: 'accueil@example.org', ...env }).start();
    daemons.push(d);
    return d;
  };
  /** The one row of the daemon's history, once written (2 s after the outcome). */
  const onlyRow = async (d: DaemonProcess): Promise<StoredCall> => {
    const rows = await waitFor('the call in the history', () => (d.calls().length > 0 ? d.calls() : undefined), 15000);
    await sleep(500);
    expect(d.calls()).toHaveLength(1);
    return rows[0]!;
  };
  const near = (actual: number, expected: number): void => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(TOLERANCE_MS);

  beforeEach(async () => {
    sink = await smtpSink();
  });

  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    phones = [];
    for (const d of daemons) expect(await d.stop()).toBe(0);
    daemons = [];
    await sink.close();
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
    expect(left.bridges).toEqual([]);
  });

  test('an answered call: one row, answered by the secretariat, waited until the answer, talked the rest', async () => {
    const d = daemon();
    await d.ready();
    const secretariat = phone('secretariat', { answerAfterMs: 1000 });
    const result = await new Caller('0142000001', { caller: '0612345678', holdMs: 5000 }).result();
    expect(result.exitCode).toBe(0);
    const row = await onlyRow(d);
    expect(row).toMatchObject({ outcome: 'answered', answeredBy: 'secretariat', caller: '0612345678', number: '+33142000001', numberName: 'Cabinet du Dr Martin', missed: false });
    const answeredAt = (secretariat.invites()[0]?.at ?? NaN) + 1000;
    near(row.waitedMs, answeredAt - (result.answeredAt as number));
    near(row.waitedMs + row.talkedMs, (result.endedAt as number) - (result.answeredAt as number));
    expect(row.lines).toEqual([expect.objectContaining({ line: 'secretariat', result: 'answered' })]);
  });

  test('an overflowed call: one row, overflowed-and-answered by the doctor', async () => {
    const d = daemon();
    await d.ready();
    phone('secretariat', 'never');
    const doctor = phone('dr-martin', { answerAfterMs: 1000 });
    const result = await new Caller('0142000001', { holdMs: 14000 }).result();
    expect(result.exitCode).toBe(0);
    const row = await onlyRow(d);
    expect(row).toMatchObject({ outcome: 'overflowed-answered', answeredBy: 'dr-martin', overflowed: true, missed: false });
    expect(row.route).toEqual(['group:secretariat-martin', 'line:dr-martin']);
    near(row.waitedMs, (doctor.invites()[0]?.at ?? NaN) + 1000 - (result.answeredAt as number));
    near(row.waitedMs + row.talkedMs, (result.endedAt as number) - (result.answeredAt as number));
  });

  test('a voicemail call: one row, a message left, not a missed call', async () => {
    const d = daemon();
    await d.ready();
    phone('secretariat', 'never');
    phone('dr-martin', 'never');
    // The beep: greeting 2.4 s + group 6 s + Dr Martin 5 s + the box's greeting 5.1 s; a 5 s message after it.
    const result = await new Caller('0142000001', { speakAfterMs: BEEP_AT_MS + 300, holdMs: 5000 }).result();
    expect(result.exitCode).toBe(0);
    const row = await onlyRow(d);
    expect(row).toMatchObject({ outcome: 'voicemail-message', message: true, missed: false, talkedMs: 0 });
    expect(row.route.at(-1)).toBe('voicemail:dr-martin');
    near(row.endedAt - row.arrivedAt, (result.endedAt as number) - (result.answeredAt as number));
    expect(sink.mails.filter((m) => /manqu/i.test(m.raw))).toEqual([]);
  });

  test('an abandoned waiting caller: one row, abandoned-waiting and missed; the missed-call mail arrives', async () => {
    const d = daemon();
    await d.ready();
    const secretariat = phone('secretariat', { answerAfterMs: 300 });
    const direct = new Caller('secretariat', { holdMs: 10000 });
    await waitFor('the secretariat busy', () => secretariat.answered() === 1, 5000);
    const result = await new Caller('0142000001', { caller: '0612345678', holdMs: 4000 }).result();
    expect(result.exitCode).toBe(0);
    const row = await onlyRow(d);
    expect(row).toMatchObject({ outcome: 'abandoned-waiting', missed: true, caller: '0612345678' });
    near(row.waitedMs, (result.endedAt as number) - (result.answeredAt as number));
    const mail = await waitFor('the missed-call mail', () => sink.mails.find((m) => /X-Accueil-Missed: 1/.test(m.raw)), 10000);
    expect(mail.to).toEqual(['accueil@example.org']);
    expect(mail.raw).toMatch(/06 12 34 56 78/);
    await waitFor('the notice marked sent', () => d.calls()[0]?.missedNotice === 'sent', 5000);
    expect((await direct.result()).exitCode).toBe(0); // the secretariat's own call ends: nothing left in Asterisk
  });

  test('the daemon SIGKILLed while the secretariat rings: after the restart the call completes and its row is complete', async () => {
    const secretariat = phone('secretariat', { answerAfterMs: 4000 });
    const first = daemon();
    await first.ready();
    const caller = new Caller('0142000001', { caller: '0612345678', holdMs: 12000 });
    await first.waitForLine((l) => l.step === 'dial' && l.line === 'secretariat', 10000);
    await sleep(600); // the steps so far reach the database (written every 250 ms)
    await first.stop('SIGKILL');
    daemons = daemons.filter((x) => x !== first); // killed: not stopped again in afterEach
    const callId = first.callIds()[0] as string;
    const second = daemon({ ACCUEIL_DATA_DIR: first.dataDir });
    await second.ready();
    await second.waitForLine((l) => l.callId === callId && l.event === 'call.resumed');
    const result = await caller.result();
    expect(result.exitCode).toBe(0);
    const row = await onlyRow(second);
    expect(row).toMatchObject({
      callId, outcome: 'answered', answeredBy: 'secretariat', resumed: 1, caller: '0612345678', called: expect.stringContaining('142000001'),
      number: '+33142000001', numberName: 'Cabinet du Dr Martin', route: ['group:secretariat-martin'],
    });
    expect(row.lines).toEqual([expect.objectContaining({ line: 'secretariat', result: 'answered' })]);
    near(row.waitedMs, (secretariat.invites()[0]?.at ?? NaN) + 4000 - (result.answeredAt as number));
    near(row.endedAt - row.arrivedAt, (result.endedAt as number) - (result.answeredAt as number));
  });
});

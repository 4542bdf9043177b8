// When every line is busy: callers wait with hold music and are presented as
// soon as a line frees, in arrival order across the doctors' numbers. Live on
// the sandbox Asterisk with SIPp as callers and phones.
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { AriObserver, REPO, asteriskLogSince, settle } from './harness/sandbox';
import { Caller, Phone, waitFor } from './harness/sipp';

const PLAN = path.join(REPO, 'test/e2e/plans/queue.yaml');
const TOLERANCE_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('waiting callers on the sandbox Asterisk', () => {
  let daemon: DaemonProcess;
  let observer: AriObserver;
  let phones: Phone[] = [];
  const phone = (...args: ConstructorParameters<typeof Phone>): Phone => {
    const p = new Phone(...args);
    phones.push(p);
    return p;
  };

  beforeEach(async () => {
    observer = new AriObserver();
    await observer.start();
    daemon = new DaemonProcess(PLAN, { ACCUEIL_HTTP_PORT: '0' }).start();
    await daemon.ready();
  });

  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    phones = [];
    observer.stop();
    expect(await daemon.stop()).toBe(0);
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
    expect(left.bridges).toEqual([]);
  });

  /** The callers' channel names in order of arrival (StasisStart goes to the daemon only: first sighting). */
  const callerChannels = (): string[] => [
    ...new Set(observer.events.map((e) => e.channel?.name ?? '').filter((name) => name.startsWith('PJSIP/trunk-'))),
  ];

  test('caller 2 hears hold music while the secretariat talks to caller 1, and is presented within 1 s of the line freeing', async () => {
    const testStart = Date.now();
    const secretariat = phone('secretariat', { answerAfterMs: 1000 });
    const first = new Caller('0142000001', { holdMs: 10000 });
    await sleep(2000);
    const second = new Caller('0142000002', { holdMs: 20000 });

    const one = await first.result();
    expect(one.endedBy).toBe('caller');
    const freedAt = one.endedAt as number;
    await waitFor('the secretariat presented caller 2', () => secretariat.invites().length === 2, 5000);
    const [toFirst, toSecond] = secretariat.invites();
    expect(toFirst?.callerIdName).toMatch(/^\[Dr Martin\]/);
    expect(toSecond?.callerIdName).toMatch(/^\[Dr Durand\]/);
    // Presented as soon as the line freed (caller 1's BYE), not before.
    expect((toSecond?.at ?? 0) - freedAt).toBeGreaterThanOrEqual(0);
    expect((toSecond?.at ?? 0) - freedAt).toBeLessThanOrEqual(TOLERANCE_MS);
    // Meanwhile caller 2 heard hold music (ARI has no event for it: Asterisk's log says so).
    const secondChannel = callerChannels()[1] ?? '';
    expect(secondChannel).toMatch(/^PJSIP\/trunk-/);
    const moh = asteriskLogSince(testStart).filter((l) => l.includes(`Started music on hold, class 'default', on channel '${secondChannel}'`));
    expect(moh).toHaveLength(1);

    const two = await second.result();
    expect(two.exitCode).toBe(0);
    expect(secretariat.answered()).toBe(2);
  });

  test('a secretariat busy on a call Accueil did not route counts as busy; three waiting callers are then presented in arrival order', async () => {
    const secretariat = phone('secretariat', { answerAfterMs: 500 });
    // A direct call to the secretariat (sandbox dialplan), not through Accueil: 8 s.
    const direct = new Caller('secretariat', { holdMs: 8000 });
    await waitFor('the direct call answered', () => secretariat.answered() === 1);
    // Three patients for three doctors, one second apart; each stays until well after its turn.
    const a = new Caller('0142000001', { holdMs: 12000 });
    await sleep(1000);
    const b = new Caller('0142000002', { holdMs: 16000 });
    await sleep(1000);
    const c = new Caller('0142000003', { holdMs: 20000 });

    const directEnd = (await direct.result()).endedAt as number;
    await Promise.all([a.result(), b.result(), c.result()]);

    const invites = secretariat.invites();
    expect(invites).toHaveLength(4);
    // Nobody was presented while the direct call lasted.
    expect((invites[1]?.at ?? 0)).toBeGreaterThanOrEqual(directEnd);
    expect(invites.slice(1).map((i) => i.callerIdName.replace(/\].*/, ']'))).toEqual(['[Dr Martin]', '[Dr Durand]', '[Dr Petit]']);
    expect((invites[1]?.at ?? 0) - directEnd).toBeLessThanOrEqual(TOLERANCE_MS);
  });

  test('a caller whose maximum wait runs out while the secretariat is busy goes to the doctor at max wait ±1 s', async () => {
    const secretariat = phone('secretariat', { answerAfterMs: 500 });
    const doctor = phone('dr-martin', { answerAfterMs: 1000 });
    const direct = new Caller('secretariat', { holdMs: 16000 });
    await waitFor('the direct call answered', () => secretariat.answered() === 1);
    const caller = new Caller('0142000004', { holdMs: 14000 });
    const callId = await waitFor('the call in the journal', () => daemon.callIds().pop());
    const entered = await daemon.waitForLine((l) => l.callId === callId && l.step === 'group');
    await Promise.all([caller.result(), direct.result()]);

    expect(doctor.invites()).toHaveLength(1);
    expect(secretariat.invites()).toHaveLength(1); // only the direct call
    const waited = (doctor.invites()[0]?.at ?? 0) - Date.parse(entered.time);
    expect(Math.abs(waited - 8000)).toBeLessThanOrEqual(TOLERANCE_MS);
    const outcome = await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome');
    expect(outcome).toMatchObject({ result: 'answered', by: 'dr-martin' });
  });

  test('a caller hanging up while waiting leaves no trace: out of the queue, no channel, bridge or timer', async () => {
    const secretariat = phone('secretariat', { answerAfterMs: 500 });
    const direct = new Caller('secretariat', { holdMs: 12000 });
    await waitFor('the direct call answered', () => secretariat.answered() === 1);
    const waiting = new Caller('0142000001', { holdMs: 5000 });
    const callId = await waitFor('the call in the journal', () => daemon.callIds().pop());
    await daemon.waitForLine((l) => l.callId === callId && l.step === 'group');
    const result = await waiting.result();
    expect(result.endedBy).toBe('caller');
    const outcome = await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome');
    expect(outcome.result).toBe('callerHangup');
    await direct.result();
    // The line freed after the waiting caller left: nobody is presented to it.
    await sleep(1500);
    expect(secretariat.invites()).toHaveLength(1);
    // Nobody waits and the daemon holds no call (its own metrics say so).
    const listening = await daemon.waitForLine((l) => l.event === 'http.listening');
    const metrics = await (await fetch(`http://127.0.0.1:${String(listening.port)}/metrics`)).text();
    const waitingNow = [...metrics.matchAll(/^accueil_waiting_callers\{[^}]*\} (\d+)/gm)].map((m) => Number(m[1]));
    expect(waitingNow.every((n) => n === 0)).toBe(true);
    expect(metrics).toMatch(/^accueil_active_calls 0$/m);
  });
});

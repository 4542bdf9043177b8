// Every route of the reference case, live: the sandbox Asterisk, the real
// daemon, SIPp as the caller and as the phones. Each test says which phone got
// the INVITE and after how long (±1 s), what the caller heard, and compares the
// live journey with `accueil simulate`'s.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { VoicemailStore, type StoredMessage } from '../../src/voicemail';
import { simulateCall, dialsOf } from '../../src/simulator/simulator';
import { isOpenFor } from '../../src/daemon/daemon';
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/types';
import { DaemonProcess, type JournalLine } from './harness/daemon';
import { AriObserver, REPO, recordingsOfCall, settle } from './harness/sandbox';
import { Caller, Phone, type Invite, waitFor } from './harness/sipp';

const OPEN_PLAN = path.join(REPO, 'test/e2e/plans/reference-open.yaml');
const CLOSED_PLAN = path.join(REPO, 'test/e2e/plans/reference-closed.yaml');
const SOUNDS = path.join(REPO, 'sounds');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TOLERANCE_MS = 1000;

async function plan(file: string): Promise<Plan> {
  const loaded = await loadPlan(file, { soundsDir: SOUNDS });
  if (!loaded.ok) throw new Error(`test plan ${file} does not load`);
  return loaded.plan;
}

/** The simulated journey's dials as (line, ms after the first dial). */
function simulatedDials(p: Plan, called: string, scenario: Parameters<typeof simulateCall>[2]): { line: string; afterFirstMs: number }[] {
  const { steps } = simulateCall({ callId: 'sim', plan: p, called, caller: '0612345678', arrivedAt: Date.now() }, isOpenFor(p), scenario);
  const dials = dialsOf(steps);
  const first = dials[0]?.t ?? 0;
  return dials.map((d) => ({ line: d.line, afterFirstMs: d.t - first }));
}

/** The live dials, from the INVITEs the phones received, in time order. */
function liveDials(invites: { line: string; invite: Invite }[]): { line: string; afterFirstMs: number }[] {
  const sorted = [...invites].sort((a, b) => a.invite.at - b.invite.at);
  const first = sorted[0]?.invite.at ?? 0;
  return sorted.map((i) => ({ line: i.line, afterFirstMs: i.invite.at - first }));
}

function expectSameJourney(live: { line: string; afterFirstMs: number }[], simulated: { line: string; afterFirstMs: number }[]): void {
  expect(live.map((d) => d.line)).toEqual(simulated.map((d) => d.line));
  live.forEach((d, i) => expect(Math.abs(d.afterFirstMs - (simulated[i]?.afterFirstMs ?? NaN))).toBeLessThanOrEqual(TOLERANCE_MS));
}

/** Steps whose words carry no measured time: live and simulated journeys must say them alike. */
const WORDED_STEPS = ['calendar', 'group', 'overflow', 'line', 'lineFailed', 'voicemail', 'menuFallback'];

/** The simulated journey's words ("step: reason") for the steps above. */
function simulatedWords(p: Plan, called: string, scenario: Parameters<typeof simulateCall>[2]): string[] {
  const { steps } = simulateCall({ callId: 'sim', plan: p, called, caller: '0612345678', arrivedAt: Date.now() }, isOpenFor(p), scenario);
  return steps.flatMap((s) => (s.action?.type === 'journal' && WORDED_STEPS.includes(s.action.step) ? [`${s.action.step}: ${s.action.reason}`] : []));
}

/** The live journal's words for the same steps. */
function liveWords(journal: JournalLine[]): string[] {
  return journal.filter((l) => l.step !== undefined && WORDED_STEPS.includes(l.step)).map((l) => `${l.step}: ${l.reason}`);
}

function invitesOf(...phones: Phone[]): { line: string; invite: Invite }[] {
  return phones.flatMap((p) => p.invites().map((invite) => ({ line: p.name, invite })));
}

describe('routes of the reference case on Asterisk', () => {
  let daemon: DaemonProcess;
  let phones: Phone[] = [];
  let observer: AriObserver;
  let openPlan: Plan;

  const phone = (...args: ConstructorParameters<typeof Phone>): Phone => {
    const p = new Phone(...args);
    phones.push(p);
    return p;
  };

  const lastCall = async (): Promise<{ callId: string; journal: () => JournalLine[] }> => {
    const callId = await waitFor('an incoming call in the journal', () => daemon.callIds().pop());
    return { callId, journal: () => daemon.journal(callId) };
  };

  /** The message the daemon stored for a call (waits for the store). */
  const storedMessage = (callId: string): Promise<StoredMessage> =>
    waitFor(`a stored message of ${callId}`, async () => (await new VoicemailStore({ dir: daemon.voicemailDir }).listMessages()).find((m) => m.callId === callId));

  const outcomeOf = (callId: string): Promise<JournalLine> => daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome', 20000);

  beforeAll(async () => {
    openPlan = await plan(OPEN_PLAN);
  });

  beforeEach(async () => {
    observer = new AriObserver();
    await observer.start();
  });

  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    phones = [];
    observer.stop();
    if (daemon) expect(await daemon.stop()).toBe(0);
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
    expect(left.bridges).toEqual([]);
  });

  describe('open', () => {
    beforeEach(async () => {
      daemon = new DaemonProcess(OPEN_PLAN).start();
      await daemon.ready();
    });

    test('secretariat answers: bridged to it, its INVITE carries the doctor\'s label', async () => {
      const secretariat = phone('secretariat', { answerAfterMs: 1000 });
      const doctor = phone('dr-martin', { answerAfterMs: 1000 });
      const result = await new Caller('0142000001', { caller: '0612345678', holdMs: 5000 }).result();

      expect(result.exitCode).toBe(0);
      expect(result.answeredAt).toBeDefined();
      const [invite] = secretariat.invites();
      expect(invite?.callerIdName).toBe('[Dr Martin] 06 12 34 56 78');
      expect(invite?.callerIdNumber).toBe('0612345678');
      expect(doctor.invites()).toHaveLength(0);
      // Greeting first: the secretariat rang once the greeting (2.4 s) was over.
      expect(observer.played()[0]).toBe('sound:accueil/bienvenue-dr-martin');
      const { callId } = await lastCall();
      const outcome = await outcomeOf(callId);
      expect(outcome).toMatchObject({ result: 'answered', by: 'secretariat' });
    });

    test('secretariat does not answer within the group\'s time: Dr Martin\'s phone rings and answers', async () => {
      const secretariat = phone('secretariat', 'never');
      const doctor = phone('dr-martin', { answerAfterMs: 1000 });
      const result = await new Caller('0142000001', { holdMs: 12000 }).result();

      expect(result.exitCode).toBe(0);
      expect(secretariat.invites()).toHaveLength(1);
      expect(secretariat.cancels()).toHaveLength(1);
      expect(doctor.invites()).toHaveLength(1);
      expect(doctor.answered()).toBe(1);
      // The doctor rings when the group's 6 s are over.
      const gap = (doctor.invites()[0]?.at ?? 0) - (secretariat.invites()[0]?.at ?? 0);
      expect(Math.abs(gap - 6000)).toBeLessThanOrEqual(TOLERANCE_MS);
      const { journal } = await lastCall();
      const outcome = await outcomeOf((await lastCall()).callId);
      expect(outcome).toMatchObject({ result: 'answered', by: 'dr-martin', overflowedTo: ['line dr-martin'] });

      expectSameJourney(liveDials(invitesOf(secretariat, doctor)), simulatedDials(openPlan, '0142000001', { answer: { 'dr-martin': 1000 } }));
      expect(liveWords(journal())).toEqual(simulatedWords(openPlan, '0142000001', { answer: { 'dr-martin': 1000 } }));
    });

    test('secretariat busy (486): overflow to the doctor at once, without waiting the ring time', async () => {
      const secretariat = phone('secretariat', 'busy');
      const doctor = phone('dr-martin', { answerAfterMs: 1000 });
      const result = await new Caller('0142000001', { holdMs: 5000 }).result();

      expect(result.exitCode).toBe(0);
      expect(secretariat.invites()).toHaveLength(1);
      expect(doctor.invites()).toHaveLength(1);
      const gap = (doctor.invites()[0]?.at ?? 0) - (secretariat.invites()[0]?.at ?? 0);
      expect(gap).toBeLessThanOrEqual(TOLERANCE_MS);
      const outcome = await outcomeOf((await lastCall()).callId);
      expect(outcome).toMatchObject({ result: 'answered', by: 'dr-martin' });

      expectSameJourney(liveDials(invitesOf(secretariat, doctor)), simulatedDials(openPlan, '0142000001', { refuse: ['secretariat'], answer: { 'dr-martin': 1000 } }));
    });

    test('secretariat and doctor both unanswered: the doctor\'s voicemail greeting, then a message recorded', async () => {
      const secretariat = phone('secretariat', 'never');
      const doctor = phone('dr-martin', 'never');
      // greeting 2.4 s + secretariat 6 s + doctor 5 s + voicemail greeting 5.1 s and beep ≈ 19 s, then ~7 s of message
      const result = await new Caller('0142000001', { speakAfterMs: 19500, holdMs: 7000 }).result();

      expect(result.exitCode).toBe(0);
      const gap = (doctor.invites()[0]?.at ?? 0) - (secretariat.invites()[0]?.at ?? 0);
      expect(Math.abs(gap - 6000)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(doctor.cancels()).toHaveLength(1);
      expect(observer.played()).toContain('sound:accueil/messagerie-dr-martin');
      const { callId, journal } = await lastCall();
      const outcome = await outcomeOf(callId);
      expect(outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin' });
      // Live and simulated journeys say the same words: the doctor's line ends in "noanswer" in both.
      const words = liveWords(journal());
      expect(words).toContain('lineFailed: line dr-martin: noanswer, going to voicemail dr-martin');
      expect(words).toEqual(simulatedWords(openPlan, '0142000001', {}));
      const message = await daemon.waitForLine((l) => l.callId === callId && l.step === 'message');
      expect(message.reason).toMatch(/left in dr-martin/);
      // ~7 s of speech then the hang-up: a message of several seconds, not an empty one.
      expect(Number(message.durationMs)).toBeGreaterThan(4000);
      const stored = await storedMessage(callId);
      expect(stored).toMatchObject({ box: 'dr-martin', called: '+33142000001', caller: '0612345678', calledName: 'Dr Martin' });
      expect(fs.statSync(stored.audioPath).size).toBeGreaterThan(4 * 8000 * 2); // > 4 s of 8 kHz 16-bit audio
      expect(recordingsOfCall(callId)).toEqual([]); // moved out of Asterisk's spool
    });

    test('ringall: both lines of the group ring at once; the first to answer wins, the other is cancelled', async () => {
      const five = phone('line-5', { answerAfterMs: 1500 });
      const six = phone('line-6', { answerAfterMs: 4000 });
      const result = await new Caller('0142000005', { holdMs: 4000 }).result();

      expect(result.exitCode).toBe(0);
      const [a, b] = [five.invites()[0], six.invites()[0]];
      expect(a && b).toBeTruthy();
      expect(Math.abs((a?.at ?? 0) - (b?.at ?? 0))).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(five.answered()).toBe(1);
      expect(six.answered()).toBe(0);
      expect(six.cancels()).toHaveLength(1);
      // line-6 stopped ringing as soon as line-5 answered (its CANCEL about 1.5 s after its INVITE).
      expect(Math.abs((six.cancels()[0]?.at ?? 0) - (b?.at ?? 0) - 1500)).toBeLessThanOrEqual(TOLERANCE_MS);
    });

    test('linear: line-5 rings its 4 s, then line-6', async () => {
      const five = phone('line-5', 'never');
      const six = phone('line-6', { answerAfterMs: 1000 });
      const result = await new Caller('0142000006', { holdMs: 8000 }).result();

      expect(result.exitCode).toBe(0);
      const gap = (six.invites()[0]?.at ?? 0) - (five.invites()[0]?.at ?? 0);
      expect(Math.abs(gap - 4000)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(five.cancels()).toHaveLength(1);
      expect(six.answered()).toBe(1);
      expectSameJourney(liveDials(invitesOf(five, six)), simulatedDials(openPlan, '0142000006', { answer: { 'line-6': 1000 } }));
    });

    test('the caller hangs up while the phones ring: every ringing leg is cancelled at once', async () => {
      const five = phone('line-5', 'never');
      const six = phone('line-6', 'never');
      // Answered by Asterisk at once (greeting), the caller hangs up (BYE) 3 s later, while both lines ring.
      const result = await new Caller('0142000005', { holdMs: 3000 }).result();

      expect(result.endedBy).toBe('caller');
      expect(five.invites()).toHaveLength(1);
      expect(six.invites()).toHaveLength(1);
      await waitFor('both CANCELs', () => five.cancels().length === 1 && six.cancels().length === 1, 5000);
      const byeAt = result.endedAt ?? 0;
      expect((five.cancels()[0]?.at ?? 0) - byeAt).toBeLessThanOrEqual(TOLERANCE_MS);
      expect((six.cancels()[0]?.at ?? 0) - byeAt).toBeLessThanOrEqual(TOLERANCE_MS);
      const outcome = await outcomeOf((await lastCall()).callId);
      expect(outcome).toMatchObject({ result: 'callerHangup' });
    });

    test('the caller hangs up during the greeting: no phone rings, not even for an instant', async () => {
      const secretariat = phone('secretariat', 'never');
      const doctor = phone('dr-martin', 'never');
      // Dr Martin's greeting lasts 2.4 s; the caller leaves after 1 s.
      const result = await new Caller('0142000001', { holdMs: 1000 }).result();
      expect(result.endedBy).toBe('caller');
      const { callId } = await lastCall();
      const hangup = await daemon.waitForLine((l) => l.callId === callId && l.step === 'callerHangup');
      expect(hangup.reason).toMatch(/^caller hung up during playing/);
      await sleep(1000);
      expect([...secretariat.invites(), ...doctor.invites()]).toEqual([]);
      expect(daemon.journal(callId).filter((l) => l.step === 'dial' || l.step === 'group')).toEqual([]);
    });
  });

  describe('closed', () => {
    beforeEach(async () => {
      daemon = new DaemonProcess(CLOSED_PLAN).start();
      await daemon.ready();
    });

    test('closed, with messages: greeting, closed announcement, voicemail greeting, a message recorded', async () => {
      const secretariat = phone('secretariat', { answerAfterMs: 500 });
      // greeting 2.4 s + closed announcement 9.8 s + voicemail greeting 5.1 s and beep ≈ 18 s, then ~7 s of message
      const result = await new Caller('0142000001', { speakAfterMs: 18500, holdMs: 7000 }).result();

      expect(result.exitCode).toBe(0);
      expect(result.answeredAt).toBeDefined();
      expect(secretariat.invites()).toHaveLength(0);
      expect(observer.played()).toEqual(
        expect.arrayContaining(['sound:accueil/bienvenue-dr-martin', 'sound:accueil/ferme-dr-martin', 'sound:accueil/messagerie-dr-martin']),
      );
      const played = observer.played();
      expect(played.indexOf('sound:accueil/ferme-dr-martin')).toBeLessThan(played.indexOf('sound:accueil/messagerie-dr-martin'));
      const { callId, journal } = await lastCall();
      expect(journal().find((l) => l.step === 'calendar')?.reason).toMatch(/^closed/);
      const outcome = await outcomeOf(callId);
      expect(outcome).toMatchObject({ result: 'voicemail', by: 'dr-martin' });
      await daemon.waitForLine((l) => l.callId === callId && l.step === 'message');
      const stored = await storedMessage(callId);
      expect(stored).toMatchObject({ box: 'dr-martin', called: '+33142000001', caller: '0612345678' });
      expect(stored.durationMs).toBeGreaterThan(4000);
    });

    test('closed, no message: greeting, closed announcement, then Asterisk hangs up', async () => {
      const result = await new Caller('0142000003', { holdMs: 30000 }).result();

      expect(result.exitCode).toBe(0);
      expect(result.endedBy).toBe('asterisk');
      expect(observer.played()).toEqual(expect.arrayContaining(['sound:accueil/bienvenue-dr-petit', 'sound:accueil/ferme-dr-petit']));
      const { callId, journal } = await lastCall();
      const outcome = await outcomeOf(callId);
      expect(journal().find((l) => l.step === 'voicemail')?.reason).toMatch(/greeting only/);
      expect(journal().some((l) => l.step === 'message')).toBe(false);
      expect(outcome.result).not.toBe('answered');
      expect(recordingsOfCall(callId)).toEqual([]);
    });
  });

  describe('closed by an exception or an override (plans made for today)', () => {
    /** Today in Paris, "YYYY-MM-DD". */
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + 86_400_000));

    const planClosedBy = (rule: string): string => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-plan-'));
      const text = fs
        .readFileSync(CLOSED_PLAN, 'utf8')
        .replace('    weekly: {}\n', `    weekly: { mon-sun: [00:00-24:00] }\n${rule}`);
      fs.writeFileSync(path.join(dir, 'plan.yaml'), text);
      return path.join(dir, 'plan.yaml');
    };

    test('an exception closing today: its own announcement, then the closed route', async () => {
      daemon = new DaemonProcess(planClosedBy(`    exceptions:\n      - { date: ${today}, closed: true, label: Fermeture exceptionnelle, announcement: fermeture-exceptionnelle }\n`)).start();
      await daemon.ready();
      const result = await new Caller('0142000003', { holdMs: 40000 }).result();

      expect(result.endedBy).toBe('asterisk');
      const { callId, journal } = await lastCall();
      await outcomeOf(callId);
      expect(journal().find((l) => l.step === 'calendar')?.reason).toMatch(/^closed: .*Fermeture exceptionnelle/);
      const played = observer.played();
      expect(played).toContain('sound:accueil/fermeture-exceptionnelle');
      expect(played.indexOf('sound:accueil/fermeture-exceptionnelle')).toBeGreaterThan(played.indexOf('sound:accueil/bienvenue-dr-petit'));
    });

    test('an override "closed until tomorrow": closed now, whatever the weekly hours', async () => {
      daemon = new DaemonProcess(planClosedBy(`    override: { state: closed, until: "${tomorrow} 08:00", label: Panne }\n`)).start();
      await daemon.ready();
      const result = await new Caller('0142000003', { holdMs: 40000 }).result();

      expect(result.endedBy).toBe('asterisk');
      const { callId, journal } = await lastCall();
      await outcomeOf(callId);
      expect(journal().find((l) => l.step === 'calendar')?.reason).toMatch(/^closed: .*(override|Panne)/);
      expect(observer.played()).toContain('sound:accueil/ferme-dr-petit');
    });
  });
});

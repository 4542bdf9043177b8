// The spine: a real Asterisk (the sandbox), the real daemon, SIPp as the
// caller and as the phones.
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { AriObserver, REPO, settle } from './harness/sandbox';
import { Caller, Phone, waitFor } from './harness/sipp';

const PLAN = path.join(REPO, 'test/e2e/plans/reference-open.yaml');

describe('spine: daemon attached to the sandbox Asterisk', () => {
  let phones: Phone[] = [];
  const observer = new AriObserver();

  beforeAll(async () => {
    await observer.start();
  });

  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    phones = [];
  });

  afterAll(() => observer.stop());

  // HTTP is the default; ACCUEIL_ARI_REQUESTS=websocket sends a call's requests over the
  // events websocket (ARI REST over WebSocket), so the same call runs both ways.
  test.each([
    ['HTTP (the default)', {}, 'http'],
    ['the events websocket (ACCUEIL_ARI_REQUESTS=websocket)', { ACCUEIL_ARI_REQUESTS: 'websocket' }, 'websocket'],
  ])("a call to Dr Martin's number reaches the secretariat phone and is bridged, requests over %s", async (_how, env, requests) => {
    const daemon = new DaemonProcess(PLAN, env).start();
    try {
      await daemon.ready();
      expect(daemon.lines.find((l) => l.event === 'ari.connected')?.requests).toBe(requests);
      const secretariat = new Phone('secretariat', { answerAfterMs: 1000 });
      phones.push(secretariat);
      const caller = new Caller('0142000001', { caller: '0612345678', holdMs: 4000 });
      const result = await caller.result();

      expect(result.exitCode).toBe(0);
      expect(result.answeredAt).toBeDefined();
      const invites = secretariat.invites();
      expect(invites).toHaveLength(1);
      expect(secretariat.answered()).toBe(1);
      // The caller heard the number's greeting before the secretariat rang.
      expect(observer.played()).toContain('sound:accueil/bienvenue-dr-martin');
      // Bridged: the journal says so, and Asterisk made a bridge holding both legs.
      const callId = daemon.callIds().pop() as string;
      const answered = await daemon.waitForLine((l) => l.callId === callId && l.step === 'answered');
      expect(answered.line).toBe('secretariat');
      const entered = observer.ofType('ChannelEnteredBridge').map((e) => e.channel?.name ?? '');
      expect(entered.some((n) => n.startsWith('PJSIP/trunk'))).toBe(true);
      expect(entered.some((n) => n.startsWith('PJSIP/secretariat'))).toBe(true);
      // The caller hung up after its 4 s: the call's outcome is journaled.
      expect(result.endedBy).toBe('caller');
      const outcome = await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome');
      expect(outcome.result).toBe('answered');
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });

  test('with the daemon stopped, the same call still rings the secretariat (dialplan fallback)', async () => {
    const secretariat = new Phone('secretariat', { answerAfterMs: 500 });
    phones.push(secretariat);
    const caller = new Caller('0142000001', { holdMs: 2000 });
    const result = await caller.result();
    expect({ exitCode: result.exitCode, output: result.exitCode === 0 ? '' : result.output }).toEqual({ exitCode: 0, output: '' });
    expect(result.answeredAt).toBeDefined();
    expect(secretariat.invites()).toHaveLength(1);
    // No greeting: nothing but the dialplan handled it.
    expect(secretariat.invites()[0]?.callerIdName).not.toMatch(/^\[/);
  });

  test('the daemon refuses to start on a plan it cannot load, naming the file', async () => {
    const daemon = new DaemonProcess(path.join(REPO, 'test/e2e/plans/does-not-exist.yaml')).start();
    const code = await waitFor('daemon exit', () => daemon.exitCode ?? undefined, 20000).catch(() => daemon.stop());
    expect(code).toBe(1);
    expect(daemon.raw.join('\n')).toMatch(/does-not-exist\.yaml/);
  });

  test('after the calls, no channel or bridge is left in Asterisk', async () => {
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
    expect(left.bridges).toEqual([]);
  });
});

// Voice menus live: the caller presses keys (RFC 2833, SIPp's DTMF captures)
// and the destination of the key rings.
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { AriObserver, REPO, settle } from './harness/sandbox';
import { Caller, Phone } from './harness/sipp';

const PLAN = path.join(REPO, 'test/e2e/plans/menu.yaml');
const PROMPT_MS = 10700; // sounds/menu-accueil.wav

describe('voice menu on the sandbox Asterisk', () => {
  let daemon: DaemonProcess;
  let observer: AriObserver;
  let phones: Phone[] = [];

  beforeEach(async () => {
    observer = new AriObserver();
    await observer.start();
    daemon = new DaemonProcess(PLAN).start();
    await daemon.ready();
    phones = [new Phone('line-5', { answerAfterMs: 500 }), new Phone('line-6', { answerAfterMs: 500 }), new Phone('line-7', { answerAfterMs: 500 })];
  });

  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    observer.stop();
    expect(await daemon.stop()).toBe(0);
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
    expect(left.bridges).toEqual([]);
  });

  const ringing = (): string[] => phones.filter((p) => p.invites().length > 0).map((p) => p.name);

  test('2 pressed after the message: line-6 rings and answers', async () => {
    const result = await new Caller('0142000007', { digit: '2', speakAfterMs: PROMPT_MS + 500, holdMs: 4000 }).result();
    expect(result.exitCode).toBe(0);
    expect(ringing()).toEqual(['line-6']);
    expect(phones[1]?.answered()).toBe(1);
    expect(observer.played()[0]).toBe('sound:accueil/menu-accueil');
  });

  test('a key sent as SIP INFO (a trunk without RFC 2833) is honoured the same way', async () => {
    const result = await new Caller('0142000007', { digit: '2', keysBy: 'info', speakAfterMs: PROMPT_MS + 500, holdMs: 4000 }).result();
    expect(result.exitCode).toBe(0);
    expect(ringing()).toEqual(['line-6']);
    expect(phones[1]?.answered()).toBe(1);
    expect(observer.ofType('ChannelDtmfReceived').map((e) => e.digit)).toEqual(['2']);
  });

  test('a key pressed during the message interrupts it and is honoured', async () => {
    const result = await new Caller('0142000007', { digit: '1', speakAfterMs: 3000, holdMs: 4000 }).result();
    expect(result.exitCode).toBe(0);
    expect(ringing()).toEqual(['line-5']);
    // The message stopped at the key (within 1 s of Asterisk receiving it), before its natural 10.7 s end.
    const started = observer.ofType('PlaybackStarted').find((e) => e.playback?.media_uri === 'sound:accueil/menu-accueil');
    const finished = observer.ofType('PlaybackFinished').find((e) => e.playback?.id === started?.playback?.id);
    const key = observer.ofType('ChannelDtmfReceived')[0];
    expect(key?.digit).toBe('1');
    expect((finished?.at ?? Infinity) - (key?.at ?? 0)).toBeLessThanOrEqual(1000);
    expect((finished?.at ?? Infinity) - (started?.at ?? 0)).toBeLessThan(PROMPT_MS - 1000);
  });

  test('an invalid key: the invalid-choice message, then the menu again', async () => {
    const result = await new Caller('0142000007', { digit: '9', speakAfterMs: PROMPT_MS + 500, holdMs: 4000 }).result();
    expect(result.exitCode).toBe(0);
    const played = observer.played();
    expect(played).toContain('sound:accueil/choix-invalide');
    expect(played.indexOf('sound:accueil/choix-invalide')).toBeGreaterThan(played.indexOf('sound:accueil/menu-accueil'));
    expect(played.filter((m) => m === 'sound:accueil/menu-accueil').length).toBeGreaterThanOrEqual(2);
    expect(ringing()).toEqual([]);
  });

  test('no key: the no-input message, the menu once more, then the fallback line rings', async () => {
    // menu 10.7 s + 3 s wait + no-input 2.1 s + menu 10.7 s + 3 s wait ≈ 29.5 s, then line-7
    const result = await new Caller('0142000007', { digit: '5', speakAfterMs: 40000, holdMs: 1000 }).result();
    expect(result.exitCode).toBe(0);
    const played = observer.played();
    expect(played.filter((m) => m === 'sound:accueil/pas-de-choix').length).toBeGreaterThanOrEqual(1);
    expect(ringing()).toEqual(['line-7']);
    expect(phones[2]?.answered()).toBe(1);
  });
});

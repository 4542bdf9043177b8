// Recording an announcement by phone, live: SIPp calls the studio number, types the
// PIN as RFC 2833 keys, chooses the greeting, speaks SIPp's G.711 recording after the
// beep, '#', keeps it; the next caller to Dr Martin's number hears that recording.
// Three wrong PINs: hang-up, nothing changed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { soxStat } from './harness/sound';
import { AriObserver, REPO, sandboxRecordingsDir, settle } from './harness/sandbox';
import { Caller, type CallerStep } from './harness/sipp';

const PIN = '4321';
const STUDIO = '0142000009';

/** Keys typed from `atMs`, one after the other. */
function typed(keys: string, atMs: number): CallerStep[] {
  return [{ atMs, send: keys }];
}

describe('the studio: recording a greeting by phone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-studio-'));
  const planFile = path.join(dir, 'plan.yaml');
  fs.writeFileSync(
    planFile,
    `${fs.readFileSync(path.join(REPO, 'test/e2e/plans/reference-open.yaml'), 'utf8')}\nstudio:\n  number: "01 42 00 00 09"\n  pin_from_env: ACCUEIL_STUDIO_PIN\n  announcements: [bienvenue-dr-martin]\n`,
  );
  const daemon = new DaemonProcess(planFile, { ACCUEIL_STUDIO_PIN: PIN });
  const recordedFile = path.join(daemon.dataDir, 'recorded.json');
  let observer: AriObserver;

  beforeAll(async () => {
    daemon.start();
    await daemon.ready();
  });
  afterAll(async () => {
    expect(await daemon.stop()).toBe(0);
  });
  beforeEach(async () => {
    observer = new AriObserver();
    await observer.start();
  });
  afterEach(async () => {
    observer.stop();
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
  });

  test('PIN, key 1, speech after the beep, #, 1 to keep: the next caller to that number hears the recording', async () => {
    // Keys interrupt the PIN and list prompts; "speak after the beep" is heard whole (about 4 s).
    const steps: CallerStep[] = [...typed(`${PIN}#`, 1000), { atMs: 4000, send: '1' }, { atMs: 12000, send: 'speech' }, { atMs: 20000, send: '#' }, { atMs: 22000, send: '1' }];
    const studio = await new Caller(STUDIO, { holdMs: 6000, steps }).result();
    expect(studio.answeredAt).toBeDefined();
    const kept = await daemon.waitForLine((l) => l.event === 'studio.kept');
    expect(kept.announcement).toBe('bienvenue-dr-martin');
    const recording = String(kept.recording);
    // The take is what SIPp said: longer than a second, not silence.
    const stat = soxStat(path.join(sandboxRecordingsDir(), `${recording}.wav`));
    expect(stat.seconds).toBeGreaterThan(5);
    expect(stat.rms).toBeGreaterThan(0.005);
    // The review played the take itself before the choices.
    expect(observer.played()).toContain(`recording:${recording}`);
    expect(JSON.parse(fs.readFileSync(recordedFile, 'utf8')).takes['bienvenue-dr-martin'].recording).toBe(recording);

    const before = observer.played().length;
    await new Caller('0142000001', { holdMs: 3000 }).result();
    const heard = observer.played().slice(before);
    expect(heard[0]).toBe(`recording:${recording}`);
    expect(heard).not.toContain('sound:accueil/bienvenue-dr-martin');
  }, 90_000);

  test('three wrong PINs: the studio hangs up, nothing recorded, nothing changed', async () => {
    const before = fs.existsSync(recordedFile) ? fs.readFileSync(recordedFile, 'utf8') : undefined;
    const steps = [...typed('9797#', 1000), ...typed('8686#', 5000), ...typed('7575#', 9000)];
    const call = await new Caller(STUDIO, { holdMs: 20000, steps }).result();
    expect(call.endedBy).toBe('asterisk');
    const callId = daemon.callIds().pop() as string;
    const refused = daemon.journal(callId).filter((l) => l.step === 'studioPinRefused');
    expect(refused.map((l) => l.reason)).toEqual(['wrong PIN (1/3)', 'wrong PIN (2/3)', 'wrong PIN (3/3)']);
    expect((await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome')).cause).toBe('studioWrongPin');
    expect(daemon.journal(callId).some((l) => l.step === 'studioKept')).toBe(false);
    expect(fs.existsSync(recordedFile) ? fs.readFileSync(recordedFile, 'utf8') : undefined).toBe(before);
    // The digits typed are in no journal line of the call (its id and times aside).
    const said = daemon.journal(callId).map((l) => JSON.stringify(Object.entries(l).filter(([k]) => k !== 'time' && k !== 'callId')));
    expect(said.filter((text) => /9797|8686|7575/.test(text))).toEqual([]);
  }, 60_000);
});

// Spoken announcements, live: a number closed by an exception plays its `say:` text,
// rendered by the offline voice into the file the ARI playback names; the words carry
// the reopening computed for the instant of the call; a reload that changes the text
// makes the next call say the new one; a text the voice cannot say is refused and the
// plan in force keeps answering.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { reopenPhrase } from '../../src/calendar';
import { loadPlan } from '../../src/plan/load';
import { DaemonProcess } from './harness/daemon';
import { soxStat } from './harness/sound';
import { AriObserver, REPO, sandboxSpeechDir, settle } from './harness/sandbox';
import { Caller, waitFor } from './harness/sipp';

const CLOSED_PLAN = path.join(REPO, 'test/e2e/plans/reference-closed.yaml');
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** The reference plan open every day 08:00-20:00, closed today by an exception that says `text`. */
function planText(text: string): string {
  return fs
    .readFileSync(CLOSED_PLAN, 'utf8')
    .replace(
      '    weekly: {}\n',
      `    weekly: { mon-sun: [08:00-20:00] }\n    exceptions:\n      - { date: ${today}, closed: true, label: Inventaire, announcement: { say: ${JSON.stringify(text)} } }\n`,
    );
}

describe('spoken announcements on Asterisk', () => {
  let daemon: DaemonProcess | undefined;
  let observer: AriObserver;
  let dir: string;
  let planFile: string;

  beforeEach(async () => {
    observer = new AriObserver();
    await observer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-plan-'));
    planFile = path.join(dir, 'plan.yaml');
  });

  afterEach(async () => {
    observer.stop();
    if (daemon) expect(await daemon.stop()).toBe(0);
    daemon = undefined;
    const left = await settle(5000);
    expect(left.channels.map((c) => c.name)).toEqual([]);
    expect(left.bridges).toEqual([]);
  });

  /** One call to Dr Petit's number; the speech media played to the caller, in order. */
  const callAndHear = async (): Promise<string[]> => {
    const before = observer.played().length;
    await new Caller('0142000003', { holdMs: 12000 }).result();
    return observer.played().slice(before).filter((m) => m.startsWith('sound:accueil-say/'));
  };

  test('an exception closing today says its text with the reopening of that instant; a reload says the new text; an unspeakable one is refused', async () => {
    fs.writeFileSync(planFile, planText('Le cabinet est fermé aujourd\'hui pour {closure}. Nous rouvrons {reopen}.'));
    daemon = new DaemonProcess(planFile).start();
    await daemon.ready();

    const t0 = Date.now();
    const first = await callAndHear();
    expect(first).toHaveLength(1);
    const media = first[0]!.slice('sound:'.length);
    const file = path.join(sandboxSpeechDir(), `${media.slice('accueil-say/'.length)}.wav`);
    const stat = soxStat(file);
    expect(stat.seconds).toBeGreaterThan(1);
    expect(stat.rms).toBeGreaterThan(0.01);
    const said = await daemon.waitForLine((l) => l.event === 'speech.play' && l.media === media);
    const loaded = await loadPlan(planFile, { soundsDir: path.join(REPO, 'sounds') });
    if (!loaded.ok) throw new Error('plan does not load');
    const reopen = reopenPhrase(loaded.plan.calendars['never-open']!, t0);
    expect(reopen).toMatch(/^demain à 8 heures$/); // closed all today, open 08:00 every day
    expect(said.words).toBe(`Le cabinet est fermé aujourd'hui pour Inventaire. Nous rouvrons ${reopen}.`);

    // A reload that changes the text: the next call says the new rendering.
    fs.writeFileSync(planFile, planText('Fermeture pour {closure}. Réouverture {reopen}. Merci de votre compréhension.'));
    await daemon.waitForLine((l) => l.event === 'plan.loaded' && l.previous !== null, 20000);
    const second = await callAndHear();
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    const said2 = await daemon.waitForLine((l) => l.event === 'speech.play' && `sound:${String(l.media)}` === second[0]);
    expect(said2.words).toBe(`Fermeture pour Inventaire. Réouverture ${reopen}. Merci de votre compréhension.`);
    expect(fs.existsSync(path.join(sandboxSpeechDir(), `${second[0]!.slice('sound:accueil-say/'.length)}.wav`))).toBe(true);

    // A text the voice cannot say: refused at its place, the plan in force keeps answering.
    fs.writeFileSync(planFile, planText('Fermé ☎ {reopen}.'));
    const rejected = await daemon.waitForLine((l) => l.event === 'plan.rejected', 20000);
    expect((rejected.errors as string[]).join('\n')).toMatch(new RegExp(`^${planFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*say: cannot be synthesised: the character "☎"`, 'm'));
    const third = await callAndHear();
    expect(third).toEqual(second);
    await waitFor('the journal of the third call', () => (daemon!.callIds().length >= 3 ? true : undefined));
  });
});

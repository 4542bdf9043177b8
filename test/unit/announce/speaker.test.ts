// Rendering `say:` texts with the real offline voice (pico2wave or espeak-ng, and sox:
// scripts/install-voices.sh): the file Asterisk plays, the plan refused at the text's place.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Speaker, speakable, instantsAhead } from '../../../src/announce';
import { formatError } from '../../../src/plan/errors';
import { planFromSources } from '../../../src/plan/load';
import type { Plan } from '../../../src/plan/types';

const SOUNDS = { dir: 'sounds', exists: true, names: new Set<string>() };

function plan(greeting: string, extra = ''): Plan {
  const text = `lines:\n  a: { endpoint: PJSIP/a }\nnumbers:\n  "+33 1 42 00 00 01":\n    name: X\n    greeting: { say: ${JSON.stringify(greeting)} }\n    calendar: c\n    open: { line: a, then: { announcement: { say: \"Rappelez plus tard.\" }, then: hangup } }\n    closed: { announcement: { say: "Fermé. Nous rouvrons {reopen}." }, then: hangup }\ncalendars:\n  c:\n    weekly: { mon-fri: [08:30-12:30, 14:00-19:00] }\n${extra}`;
  const r = planFromSources([{ file: 'p.yaml', text }], SOUNDS);
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return r.plan;
}

const soxi = (file: string, flag: string): string => execFileSync('soxi', [flag, file]).toString().trim();

describe('speakable', () => {
  it('says written hours in full', () => {
    expect(speakable('Ouvert de 8 h 30 à 12 h 30 et de 14 h à 19 h, le samedi de 1 h à midi.')).toEqual({
      ok: true,
      words: 'Ouvert de 8 heures 30 à 12 heures 30 et de 14 heures à 19 heures, le samedi de 1 heure à midi.',
    });
  });
  it('refuses a text without a word', () => {
    expect(speakable(' ... ')).toEqual({ ok: false, why: 'cannot be synthesised: "..." has no word to say; expected words such as "Le cabinet est fermé."' });
  });
  it('refuses a character no voice speaks', () => {
    expect(speakable('Appelez le ☎ 15')).toEqual({ ok: false, why: 'cannot be synthesised: the character "☎" (U+260E) cannot be spoken; expected letters, digits and punctuation' });
  });
});

describe('Speaker', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-speech-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders a static text at load into an 8 kHz mono 16-bit WAV named by its media', async () => {
    const r = await new Speaker(dir).renderPlan(plan('Bonjour, bienvenue au cabinet.'));
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    const greeting = r.plan.announcements[r.plan.numbers['+33142000001']!.greeting!]!.sounds[0]!;
    expect(greeting.media).toMatch(/^accueil-say\/[0-9a-f]{16}$/);
    const file = path.join(dir, `${greeting.media.slice('accueil-say/'.length)}.wav`);
    expect([soxi(file, '-r'), soxi(file, '-c'), soxi(file, '-b')]).toEqual(['8000', '1', '16']);
    expect(Number(soxi(file, '-D'))).toBeGreaterThan(1);
  }, 20000);

  it('the same text (same voice) is the same file: rendered once', async () => {
    const speaker = new Speaker(dir);
    await speaker.renderPlan(plan('Bonjour.'));
    const files = fs.readdirSync(dir);
    const mtimes = files.map((f) => fs.statSync(path.join(dir, f)).mtimeMs);
    await new Speaker(dir).renderPlan(plan('Bonjour.'));
    expect(fs.readdirSync(dir)).toEqual(files);
    expect(files.map((f) => fs.statSync(path.join(dir, f)).mtimeMs)).toEqual(mtimes);
  }, 20000);

  it('refuses a plan whose text cannot be spoken, at the text\'s FILE:LINE:COL', async () => {
    const r = await new Speaker(dir).renderPlan(plan('Bienvenue 🙂'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatError)).toEqual([
      'p.yaml:6:22: numbers["+33 1 42 00 00 01"].greeting.say: cannot be synthesised: the character "🙂" (U+1F642) cannot be spoken; expected letters, digits and punctuation',
    ]);
  });

  it('refuses every text when no voice is installed, saying what to install', async () => {
    const r = await new Speaker(dir, { PATH: '/nonexistent' }).renderPlan(plan('Bonjour.'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatError(r.errors[0]!)).toMatch(/greeting\.say: cannot be synthesised: sox is not installed/);
  });

  it('a text with placeholders is named at call time and rendered within the bound', async () => {
    const speaker = new Speaker(dir);
    const r = await speaker.renderPlan(plan('Bonjour.'));
    if (!r.ok) throw new Error('plan refused');
    const at = Date.parse('2026-12-01T19:30:00+01:00');
    const media = speaker.mediaAt('Fermé. Nous rouvrons {reopen}.', r.plan, 'c', at);
    expect(speaker.wordsOf(media)).toBe('Fermé. Nous rouvrons demain à 8 heures 30.');
    expect(await speaker.prepare([media, 'accueil/bienvenue'], 10000)).toEqual([]);
    expect(fs.existsSync(speaker.fileOf(media))).toBe(true);
  }, 20000);

  it('renders ahead what the next calendar changes and midnights will say', async () => {
    const speaker = new Speaker(dir);
    const r = await speaker.renderPlan(plan('Bonjour.'));
    if (!r.ok) throw new Error('plan refused');
    const now = Date.parse('2026-12-01T12:45:00+01:00'); // lunch break
    expect(instantsAhead(r.plan, 'c', now).map((t) => new Date(t).toISOString())).toEqual([
      '2026-12-01T11:45:00.000Z', // now
      '2026-12-01T13:00:01.000Z', // opens 14:00
      '2026-12-01T18:00:01.000Z', // closes 19:00
      '2026-12-02T07:30:01.000Z', // opens 08:30
      '2026-12-01T23:00:01.000Z', // midnight
      '2026-12-02T23:00:01.000Z',
    ]);
    await speaker.prerender(r.plan, now);
    const evening = speaker.mediaAt('Fermé. Nous rouvrons {reopen}.', r.plan, 'c', Date.parse('2026-12-01T19:00:01+01:00'));
    expect(speaker.wordsOf(evening)).toBe('Fermé. Nous rouvrons demain à 8 heures 30.');
    expect(fs.existsSync(speaker.fileOf(evening))).toBe(true);
  }, 30000);
});

// `accueil sound import` / `list` with the real ffmpeg and sox (scripts/install-voices.sh).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importSound, listSounds, Speaker } from '../../../src/announce';
import { loadPlan } from '../../../src/plan/load';
import sound from '../../../src/cli/sound';

const soxi = (file: string, flag: string): string => execFileSync('soxi', [flag, file]).toString().trim();

describe('sound import', () => {
  let dir: string;
  let sounds: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-import-'));
    sounds = path.join(dir, 'sounds');
    fs.mkdirSync(sounds);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** An MP3 of generated speech, as a practice would bring from a studio. */
  const speechMp3 = (): string => {
    const wav = path.join(dir, 'voix.wav');
    execFileSync('pico2wave', ['-l', 'fr-FR', '-w', wav, 'Bonjour, vous êtes bien au cabinet du docteur Martin.']);
    const mp3 = path.join(dir, 'studio.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-ar', '44100', '-ac', '2', '-b:a', '128k', mp3]);
    return mp3;
  };

  it('an MP3 becomes an 8 kHz mono 16-bit WAV of the same length in the sounds folder', async () => {
    const r = await importSound(speechMp3(), 'bienvenue-dr-martin', { soundsDir: sounds });
    expect(r).toMatchObject({ ok: true, file: path.join(sounds, 'bienvenue-dr-martin.wav'), replaced: false });
    const out = path.join(sounds, 'bienvenue-dr-martin.wav');
    expect([soxi(out, '-r'), soxi(out, '-c'), soxi(out, '-b')]).toEqual(['8000', '1', '16']);
    expect(Number(soxi(out, '-D'))).toBeGreaterThan(2);
  }, 30000);

  it('refuses a silent WAV, and writes nothing', async () => {
    const silent = path.join(dir, 'silence.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', silent, 'trim', '0', '5']);
    const r = await importSound(silent, 'ferme', { soundsDir: sounds });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toMatch(/silence\.wav: the recording is silent .*was the microphone on\?/);
    expect(fs.readdirSync(sounds)).toEqual([]);
  });

  it('refuses a recording over 5 minutes', async () => {
    const long = path.join(dir, 'long.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', long, 'synth', '301', 'pinknoise', 'vol', '0.3']);
    const r = await importSound(long, 'attente', { soundsDir: sounds });
    expect(r).toEqual({ ok: false, why: `${long}: 5 min 01 s long; an announcement may last at most 5 min 00 s` });
  }, 30000);

  it('refuses a file that is not audio', async () => {
    const text = path.join(dir, 'notes.mp3');
    fs.writeFileSync(text, 'not audio at all');
    const r = await importSound(text, 'x', { soundsDir: sounds });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toMatch(/^.*notes\.mp3: not an audio file ffmpeg can read/);
  });

  it('never overwrites a sound the plan uses without --replace', async () => {
    const mp3 = speechMp3();
    fs.writeFileSync(path.join(sounds, 'bienvenue.gsm'), 'old');
    const refused = await importSound(mp3, 'bienvenue', { soundsDir: sounds, inUse: new Set(['bienvenue']) });
    expect(refused).toEqual({ ok: false, why: `the sound "bienvenue", which the plan uses, already exists (${path.join(sounds, 'bienvenue.gsm')}); add --replace to overwrite it` });
    expect(fs.readFileSync(path.join(sounds, 'bienvenue.gsm'), 'utf8')).toBe('old');
    const replaced = await importSound(mp3, 'bienvenue', { soundsDir: sounds, replace: true });
    expect(replaced).toMatchObject({ ok: true, replaced: true });
    expect(fs.readdirSync(sounds)).toEqual(['bienvenue.wav']);
  }, 30000);

  it('refuses a name that is not a sound name', async () => {
    expect(await importSound('x.wav', '../etc/passwd', { soundsDir: sounds })).toMatchObject({ ok: false });
    expect(await importSound('x.wav', 'accueil.wav', { soundsDir: sounds })).toMatchObject({ ok: false });
  });

  it('accueil sound import / list from the command line: exit codes; every sound with its source; unused files', async () => {
    const plan = path.join(dir, 'plan.yaml');
    fs.writeFileSync(plan, 'lines:\n  a: { endpoint: PJSIP/a }\nnumbers:\n  "+33 1 42 00 00 01":\n    name: X\n    greeting: bienvenue\n    open: { line: a, then: { announcement: { say: "Rappelez plus tard." }, then: hangup } }\n');
    const mp3 = speechMp3();
    const write = process.stdout.write.bind(process.stdout);
    const out: string[] = [];
    process.stdout.write = ((t: string) => (out.push(String(t)), true)) as typeof process.stdout.write;
    const err = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((t: string) => (out.push(String(t)), true)) as typeof process.stderr.write;
    try {
      expect(await sound(['import', mp3, '--name', 'bienvenue', '--sounds', sounds, '--plan', plan])).toBe(0);
      expect(await sound(['import', mp3, '--name', 'bienvenue', '--sounds', sounds, '--plan', plan])).toBe(1);
      fs.writeFileSync(path.join(sounds, 'vieux.wav'), fs.readFileSync(path.join(sounds, 'bienvenue.wav')));
      const loaded = await loadPlan(plan, { soundsDir: sounds });
      if (!loaded.ok) throw new Error('plan');
      const speech = path.join(dir, 'speech');
      const rendered = await new Speaker(speech).renderPlan(loaded.plan);
      if (!rendered.ok) throw new Error('render');
      const list = await listSounds(rendered.plan, sounds, speech);
      expect(list.unused).toEqual(['vieux.wav']);
      expect(list.used.map((e) => [e.name, e.source, e.durationMs! > 1000])).toEqual([
        ['bienvenue', 'file', true],
        ['say:"Rappelez plus tard."', 'text', true],
      ]);
    } finally {
      process.stdout.write = write;
      process.stderr.write = err;
    }
    expect(out[0]).toMatch(/bienvenue\.wav: imported \(\d+\.\d s, 8 kHz mono, loudness-normalised\)\n$/); // before the import the plan did not load (no bienvenue)
    expect(out[1]).toMatch(/^accueil sound import: the sound "bienvenue", which the plan uses, already exists .*--replace/);
  }, 40000);
});

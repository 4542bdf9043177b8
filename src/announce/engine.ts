// The offline voices: SVOX Pico (pico2wave, Debian non-free) first, espeak-ng (with the
// mbrola fr4 voice where installed) as the fallback, then sox to what Asterisk plays
// without transcoding: 8 kHz mono 16-bit WAV, peak-normalised to -3 dBFS.

import { execFile } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';

export interface Engine {
  name: 'pico' | 'espeak-ng';
  /** pico2wave -l value, or espeak-ng -v value. */
  voice: string;
}

const PICO_VOICES: Record<string, string> = { fr: 'fr-FR', en: 'en-GB', de: 'de-DE', es: 'es-ES', it: 'it-IT' };
/** A synthesis longer than this is stuck (a 1,000-character text takes well under a second). */
const ENGINE_TIMEOUT_MS = 20_000;

export function run(cmd: string, args: string[], timeoutMs = ENGINE_TIMEOUT_MS): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '/usr/bin:/bin').split(':').some((d) => d && existsSync(path.join(d, cmd)));
}

/**
 * The engine for a language: ACCUEIL_TTS_ENGINE (pico | espeak-ng) if set, else Pico when
 * installed, else espeak-ng. A string says why none can be used (and what to install).
 */
export function pickEngine(language: string, env: NodeJS.ProcessEnv = process.env): Engine | string {
  const wanted = env.ACCUEIL_TTS_ENGINE;
  if (wanted && wanted !== 'pico' && wanted !== 'espeak-ng') return `ACCUEIL_TTS_ENGINE="${wanted}", expected pico or espeak-ng`;
  const sox = onPath('sox', env);
  if (!sox) return 'sox is not installed (Debian: apt-get install sox; or run scripts/install-voices.sh)';
  if ((wanted ?? 'pico') === 'pico' && onPath('pico2wave', env) && PICO_VOICES[language]) return { name: 'pico', voice: PICO_VOICES[language]! };
  if (wanted === 'pico') return 'pico2wave is not installed (Debian non-free: apt-get install libttspico-utils; or run scripts/install-voices.sh)';
  if (onPath('espeak-ng', env)) {
    const mbrola = language === 'fr' && existsSync('/usr/share/mbrola/fr4');
    return { name: 'espeak-ng', voice: mbrola ? 'mb-fr4' : language };
  }
  return 'no offline voice is installed: expected pico2wave (libttspico-utils, Debian non-free) or espeak-ng (scripts/install-voices.sh installs them)';
}

/** Audio shorter than this, or quieter, is not speech: the engine failed silently. */
const MIN_SPEECH_MS = 300;
const MIN_SPEECH_RMS = 0.005;

/** Speak `words` into `out` (8 kHz mono 16-bit WAV), atomically; throws with the engine's reason. */
export async function synthesise(engine: Engine, words: string, out: string): Promise<void> {
  const dir = path.dirname(out);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const stem = path.join(dir, `.${path.basename(out, '.wav')}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`);
  const raw = `${stem}.raw.wav`;
  const tmp = `${stem}.wav`;
  try {
    if (engine.name === 'pico') await run('pico2wave', ['-l', engine.voice, '-w', raw, '--', words]);
    else await run('espeak-ng', ['-v', engine.voice, '-s', '150', '-w', raw, '--', words]);
    await toPlayable(raw, tmp);
    const m = await measure(tmp);
    if (m.durationMs < MIN_SPEECH_MS || m.rms < MIN_SPEECH_RMS) throw new Error(`the voice produced no speech (${m.durationMs} ms, RMS ${m.rms.toFixed(4)})`);
    await fs.chmod(tmp, 0o644); // Asterisk reads it as another user
    await fs.rename(tmp, out);
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${engine.name} failed: ${(e.stderr || e.message).trim().split('\n').slice(-1)[0]}`);
  } finally {
    await fs.rm(raw, { force: true });
    await fs.rm(tmp, { force: true });
  }
}

/** Any audio sox reads → 8 kHz mono signed 16-bit WAV, peak-normalised to -3 dBFS. */
export async function toPlayable(input: string, output: string): Promise<void> {
  await run('sox', [input, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', output, 'gain', '-n', '-3']);
}

/** Duration and RMS amplitude (0…1) of an audio file, by sox. */
export async function measure(file: string): Promise<{ durationMs: number; rms: number }> {
  const { stderr } = await run('sox', [file, '-n', 'stat']);
  const num = (label: string): number => Number(new RegExp(`${label}:\\s*([-0-9.e]+)`).exec(stderr)?.[1] ?? NaN);
  return { durationMs: Math.round(num('Length \\(seconds\\)') * 1000), rms: num('RMS\\s+amplitude') };
}

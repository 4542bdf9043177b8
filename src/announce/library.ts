// The practice's own audio: import a recording (WAV, MP3, OGG, M4A…) into the sounds
// folder in the format Asterisk plays, and list every sound a plan uses. Clean
// functions for the CLI (`accueil sound import|list`) and the web page alike.

import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Plan } from '../plan/types';
import { SOUND_EXTENSIONS } from '../plan/sounds';
import { measure, run } from './engine';
import { SPEECH_MEDIA_PREFIX } from './speaker';
import type { RecordedTake } from './recorded';

/** A recording longer than this is a mistake (a whole radio show), not an announcement. */
export const MAX_IMPORT_MS = 5 * 60_000;
/** RMS below this (≈ -54 dBFS) is silence: a muted microphone, an empty file. */
export const SILENCE_RMS = 0.002;
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

export interface ImportOptions {
  soundsDir: string;
  /** Overwrite an existing sound of that name. */
  replace?: boolean;
  /** Names of the sounds the plan in force uses (a refusal then says so). */
  inUse?: ReadonlySet<string>;
}

export type ImportResult = { ok: true; file: string; durationMs: number; replaced: boolean } | { ok: false; why: string };

/**
 * Convert `input` to `<soundsDir>/<name>.wav`: 8 kHz mono 16-bit, loudness-normalised
 * (EBU R128, -16 LUFS, true peak -2 dB, by ffmpeg). Refuses silence, more than 5 minutes,
 * an undecodable file, and an existing sound unless `replace`. The write is atomic.
 */
export async function importSound(input: string, name: string, opts: ImportOptions): Promise<ImportResult> {
  if (!NAME_RE.test(name) || SOUND_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))) {
    return { ok: false, why: `"${name}" is not a sound name: expected letters, digits, "-", "_", "." and "/" for a subfolder, without extension (e.g. "ferme-dr-martin")` };
  }
  if (!existsSync(input)) return { ok: false, why: `${input}: no such file` };
  const existing = SOUND_EXTENSIONS.map((e) => path.join(opts.soundsDir, `${name}${e}`)).filter((f) => existsSync(f));
  if (existing.length > 0 && !opts.replace) {
    const used = opts.inUse?.has(name) ? ', which the plan uses,' : '';
    return { ok: false, why: `the sound "${name}"${used} already exists (${existing.join(', ')}); add --replace to overwrite it` };
  }
  const out = path.join(opts.soundsDir, `${name}.wav`);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const stem = path.join(path.dirname(out), `.${path.basename(name)}.import.${process.pid}`);
  const decoded = `${stem}.decoded.wav`;
  const tmp = `${stem}.wav`;
  try {
    try {
      await run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', input, '-vn', '-ac', '1', '-ar', '8000', '-sample_fmt', 's16', decoded], 120_000);
    } catch (err) {
      const e = err as Error & { stderr?: string; code?: string };
      if (e.code === 'ENOENT') return { ok: false, why: 'ffmpeg is not installed (Debian: apt-get install ffmpeg; or run scripts/install-voices.sh)' };
      return { ok: false, why: `${input}: not an audio file ffmpeg can read (${(e.stderr || e.message).trim().split('\n').slice(-1)[0]})` };
    }
    const m = await measure(decoded);
    if (!(m.durationMs > 0)) return { ok: false, why: `${input}: no audio in the file` };
    if (m.durationMs > MAX_IMPORT_MS) return { ok: false, why: `${input}: ${formatMs(m.durationMs)} long; an announcement may last at most ${formatMs(MAX_IMPORT_MS)}` };
    if (!(m.rms >= SILENCE_RMS)) return { ok: false, why: `${input}: the recording is silent (RMS ${m.rms.toFixed(5)}); was the microphone on?` };
    await run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', decoded, '-af', 'loudnorm=I=-16:TP=-2:LRA=11', '-ac', '1', '-ar', '8000', '-sample_fmt', 's16', tmp], 120_000);
    await fs.chmod(tmp, 0o644);
    await fs.rename(tmp, out);
    // Another extension of the same name would shadow or double the new file.
    for (const f of existing) if (f !== out) await fs.rm(f, { force: true });
    return { ok: true, file: out, durationMs: m.durationMs, replaced: existing.length > 0 };
  } finally {
    await fs.rm(decoded, { force: true });
    await fs.rm(tmp, { force: true });
  }
}

export interface SoundEntry {
  /** The sound's name as the plan writes it ("ferme-dr-martin", `say:"…"`, "asterisk:beep"). */
  name: string;
  /** The announcements (named or implicit) that play it. */
  announcements: string[];
  source: 'file' | 'text' | 'asterisk' | 'recorded';
  /** file: the file; text: the text as written; asterisk: the prompt; recorded: Asterisk's recording of the take (the studio). */
  detail: string;
  /** Measured on the file, when there is one (a text with placeholders has none: it changes with the calendar). */
  durationMs?: number;
  missing?: boolean;
}

export interface SoundList {
  used: SoundEntry[];
  /** Files of the sounds folder no announcement of the plan plays. */
  unused: string[];
}

/**
 * Every sound a (rendered) plan uses, where it comes from and how long it lasts; the
 * folder's unused files. An announcement recorded by phone (`recorded`, the studio's
 * takes) plays its take instead of its sounds.
 */
export async function listSounds(plan: Plan, soundsDir: string, speechDir?: string, recorded: Readonly<Record<string, RecordedTake>> = {}): Promise<SoundList> {
  const byKey = new Map<string, SoundEntry>();
  for (const a of Object.values(plan.announcements)) {
    const take = recorded[a.name];
    if (take) {
      byKey.set(`recording:${take.recording}`, { name: `recording:${take.recording}`, announcements: [a.name], source: 'recorded', detail: take.recording, durationMs: take.durationMs });
      continue;
    }
    for (const s of a.sounds) {
      const key = s.say ? `say:${s.say.text}` : s.media;
      let e = byKey.get(key);
      if (!e) {
        if (s.say) e = { name: s.name, announcements: [], source: 'text', detail: s.say.text };
        else if (s.media.startsWith('accueil/')) e = { name: s.name, announcements: [], source: 'file', detail: fileOf(soundsDir, s.media.slice('accueil/'.length)) ?? path.join(soundsDir, `${s.media.slice('accueil/'.length)}.wav`) };
        else e = { name: s.name, announcements: [], source: 'asterisk', detail: s.media };
        const f = e.source === 'file' ? e.detail : s.say && speechDir && s.media.startsWith(SPEECH_MEDIA_PREFIX) ? path.join(speechDir, `${s.media.slice(SPEECH_MEDIA_PREFIX.length)}.wav`) : undefined;
        if (f && existsSync(f)) e.durationMs = await measure(f).then((m) => m.durationMs, () => undefined);
        else if (e.source === 'file') e.missing = true;
        byKey.set(key, e);
      }
      if (!e.announcements.includes(a.name)) e.announcements.push(a.name);
    }
  }
  const usedFiles = new Set([...byKey.values()].filter((e) => e.source === 'file').map((e) => path.resolve(e.detail)));
  const unused: string[] = [];
  const entries = await fs.readdir(soundsDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const d of entries) {
    if (!d.isFile() || !SOUND_EXTENSIONS.some((x) => d.name.toLowerCase().endsWith(x))) continue;
    const parent = (d as { parentPath?: string; path?: string }).parentPath ?? (d as { path?: string }).path ?? soundsDir;
    const full = path.join(parent, d.name);
    if (!usedFiles.has(path.resolve(full))) unused.push(path.relative(soundsDir, full).split(path.sep).join('/'));
  }
  return { used: [...byKey.values()], unused: unused.sort() };
}

function fileOf(dir: string, name: string): string | undefined {
  return SOUND_EXTENSIONS.map((e) => path.join(dir, `${name}${e}`)).find((f) => existsSync(f));
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

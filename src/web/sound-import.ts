// Uploaded audio → a sound of the plan's sounds folder, converted exactly as
// `accueil sound import --replace` does (src/announce/library.ts: 8 kHz mono 16-bit
// WAV, loudness-normalised, silence and over 5 minutes refused, atomic write);
// the watcher sees the change.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { importSound } from '../announce/library';
import type { SoundImport } from './ports';

const run = promisify(execFile);

export class SoxImport implements SoundImport {
  constructor(private readonly soundsDir: string) {}

  async importSound(uploadedPath: string, name: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const r = await importSound(uploadedPath, name, { soundsDir: this.soundsDir, replace: true });
    return r.ok ? { ok: true } : { ok: false, message: `ce fichier n'a pas pu être converti (${r.why})` };
  }

  /** Whether the converters are installed (the page says "pas encore disponible" otherwise). */
  static async available(): Promise<boolean> {
    const has = (cmd: string): Promise<boolean> => run(cmd, ['-version'], { timeout: 5000 }).then(() => true, () => false);
    return (await has('ffmpeg')) && (await run('sox', ['--version'], { timeout: 5000 }).then(() => true, () => false));
  }
}

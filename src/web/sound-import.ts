// Uploaded audio → a sound of the plan's sounds folder, in the format Asterisk
// plays without transcoding on a telephone line: WAV, 8 kHz, mono, 16 bit.
// sox reads what is usual (wav, mp3, ogg, flac); the file replaces the old one
// atomically (temporary name + rename), and the watcher sees the change.

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SoundImport } from './ports';

const run = promisify(execFile);

export class SoxImport implements SoundImport {
  constructor(private readonly soundsDir: string, private readonly sox = 'sox') {}

  async importSound(uploadedPath: string, name: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const target = path.join(this.soundsDir, `${name}.wav`);
    // A dot name in the sounds folder: the plan's sound index ignores it until the rename.
    const tmp = path.join(path.dirname(target), `.${path.basename(name)}.upload.wav`);
    try {
      await run(this.sox, [uploadedPath, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', tmp], { timeout: 30_000 });
      await fs.rename(tmp, target);
      return { ok: true };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').pop() ?? '';
      return { ok: false, message: `ce fichier n'a pas pu être converti (${stderr.replace(/^sox (FAIL|WARN) \w+: /, '')})` };
    }
  }

  /** Whether sox is installed (the page says "pas encore disponible" otherwise). */
  static async available(sox = 'sox'): Promise<boolean> {
    return run(sox, ['--version'], { timeout: 5000 }).then(() => true, () => false);
  }
}

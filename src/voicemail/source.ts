// Where the message keeper finds a finished recording's audio. The daemon asks
// Asterisk over ARI (src/asterisk/recordings.ts); a folder shared with Asterisk
// (ACCUEIL_RECORDINGS_DIR) serves tools and tests that run without ARI.

import * as fs from 'node:fs/promises';
import { recordingPathFor } from './paths';

export interface RecordingSource {
  /** The audio of a finished recording (WAV). Throws with the reason. */
  fetch(name: string): Promise<Buffer>;
  /** Removes a finished recording; one already gone is not an error. */
  remove(name: string): Promise<void>;
  /** Undefined when recordings can be read, else why not (one line). */
  check(): Promise<string | undefined>;
  /** Names of the finished recordings held. */
  list(): Promise<string[]>;
  /** Whether a recording of that name is still being made. */
  isLive(name: string): Promise<boolean>;
}

export class FolderRecordings implements RecordingSource {
  constructor(private readonly dir: string) {}

  fetch(name: string): Promise<Buffer> {
    return fs.readFile(recordingPathFor(name, this.dir));
  }

  async remove(name: string): Promise<void> {
    await fs.rm(recordingPathFor(name, this.dir), { force: true });
  }

  async check(): Promise<string | undefined> {
    try {
      await fs.access(this.dir, fs.constants.R_OK | fs.constants.X_OK);
      return undefined;
    } catch (err) {
      return `cannot read Asterisk's recording folder ${this.dir}: ${(err as Error).message}`;
    }
  }

  async list(): Promise<string[]> {
    return (await fs.readdir(this.dir)).filter((f) => f.endsWith('.wav')).map((f) => f.slice(0, -4));
  }

  async isLive(): Promise<boolean> {
    return false; // a folder cannot tell; only Asterisk knows
  }
}

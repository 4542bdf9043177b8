// Messages recorded but not stored yet: what is known of each (who called, when,
// how long, from which Asterisk recording) waits in <dir>/.pending/<recording>.json
// until the store succeeds, so a restarted daemon takes the retries up. The list
// of messages skips dot folders: a pending message is never listed as stored.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { assertSafeName } from './paths';
import { DIR_MODE, FILE_MODE, type NewMessage } from './store';

/** A message to store again: its metadata and the Asterisk recording holding its audio. */
export interface PendingMessage extends Omit<NewMessage, 'recordingPath' | 'audio' | 'recording'> {
  recording: string;
  /** Failed attempts so far. */
  failures: number;
  /** The box's owner was told it could not be stored (told once). */
  alerted: boolean;
  lastError?: string;
}

export const PENDING_FOLDER = '.pending';

function isPending(v: unknown): v is PendingMessage {
  const p = v as Partial<PendingMessage> | null;
  return (
    typeof p === 'object' && p !== null &&
    typeof p.recording === 'string' && typeof p.box === 'string' && typeof p.callId === 'string' &&
    typeof p.startedAt === 'number' && typeof p.durationMs === 'number'
  );
}

export class PendingMessages {
  readonly dir: string;

  constructor(storeDir: string) {
    this.dir = path.join(path.resolve(storeDir), PENDING_FOLDER);
  }

  private file(recording: string): string {
    assertSafeName(recording, 'recording name');
    return path.join(this.dir, `${recording}.json`);
  }

  /** Writes (or replaces) the record atomically. Throws when the store's folder cannot be written. */
  async save(message: PendingMessage): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    const file = this.file(message.recording);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(message, null, 2) + '\n', { flag: 'wx', mode: FILE_MODE });
    try {
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async remove(recording: string): Promise<void> {
    await fs.rm(this.file(recording), { force: true });
  }

  /** Every pending message; unreadable records are skipped. */
  async list(): Promise<PendingMessage[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const out: PendingMessage[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const parsed: unknown = JSON.parse(await fs.readFile(path.join(this.dir, name), 'utf8'));
        if (isPending(parsed)) out.push(parsed);
      } catch {
        // half a file or removed meanwhile: skipped
      }
    }
    return out.sort((a, b) => a.startedAt - b.startedAt);
  }
}

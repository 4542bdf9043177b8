// Announcements recorded by phone (the studio): which announcement plays which take.
// The take stays where Asterisk stored it (played as `recording:<name>`, so the daemon
// and Asterisk need no shared folder); this file only remembers the choice, in the
// data folder (ACCUEIL_DATA_DIR/recorded.json), written atomically. A kept take
// replaces the plan's sounds for the calls that start from then on; no YAML edit.

import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeAtomic } from '../plan/edit';

export const RECORDED_FILE = 'recorded.json';

export interface RecordedTake {
  /** Asterisk's stored recording name. */
  recording: string;
  durationMs: number;
  /** When it was kept (epoch ms), and in which call. */
  keptAt: number;
  callId: string;
}

export class RecordedAnnouncements {
  private takes: Record<string, RecordedTake> = {};
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  static inDataDir(dir: string): RecordedAnnouncements {
    return new RecordedAnnouncements(path.join(dir, RECORDED_FILE));
  }

  /** Reads the file (absent: nothing recorded yet); an unreadable file is an error the caller reports. */
  load(): this {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this;
      throw err;
    }
    const data = JSON.parse(text) as { takes?: Record<string, RecordedTake> };
    this.takes = {};
    for (const [name, t] of Object.entries(data.takes ?? {})) {
      if (t && typeof t.recording === 'string' && typeof t.durationMs === 'number') this.takes[name] = t;
    }
    return this;
  }

  /** The media that plays `announcement`'s take, if one was kept. */
  mediaOf(announcement: string): string | undefined {
    const t = this.takes[announcement];
    return t ? `recording:${t.recording}` : undefined;
  }

  all(): Readonly<Record<string, RecordedTake>> {
    return this.takes;
  }

  /** Keeps `take` for `announcement`; resolves to the take it replaces (to delete), if any. */
  keep(announcement: string, take: RecordedTake): Promise<RecordedTake | undefined> {
    const previous = this.takes[announcement];
    this.takes = { ...this.takes, [announcement]: take };
    const text = `${JSON.stringify({ takes: this.takes }, null, 2)}\n`;
    const write = this.writes.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeAtomic(this.file, text);
    });
    this.writes = write.catch(() => undefined);
    return write.then(() => previous);
  }
}

// The voicemail message store: one folder per box, one per local day, and for each
// message its audio (<id>.wav) with its metadata beside it (<id>.json).
//
//   <dir>/<box>/<YYYY-MM-DD>/<id>.wav
//   <dir>/<box>/<YYYY-MM-DD>/<id>.json
//
// Messages are never overwritten: the audio is placed with link() or an exclusive
// create (both fail rather than replace), and a clash picks another id. Folders are
// 0750 and files 0640: the daemon's group (the operator) reads them, others do not.

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DateTime } from 'luxon';
import { assertSafeName } from './paths';

export const DIR_MODE = 0o750;
export const FILE_MODE = 0o640;

export type NotifyChannel = 'email' | 'webhook';
export type NotifyState = 'pending' | 'sent' | 'failed';

/** What <id>.json holds. */
export interface MessageMetadata {
  id: string;
  box: string;
  /** Called number as the call arrived (E.164 when the plan knows it). */
  called: string;
  /** Who was called, for people ("Dr Martin"): the number's label. */
  calledName?: string;
  /** Caller's number as presented; empty when withheld. */
  caller: string;
  /** Start of the call, ISO 8601 UTC. */
  start: string;
  durationMs: number;
  planVersion: string;
  callId: string;
  /** The Asterisk recording it was made from: a message is stored once per recording. */
  recording?: string;
  heard: boolean;
  /** Per channel; a channel absent here was not configured for the box. */
  notified: Partial<Record<NotifyChannel, NotifyState>>;
}

export interface StoredMessage extends MessageMetadata {
  audioPath: string;
  metadataPath: string;
}

export interface NewMessage {
  /** The WAV Asterisk wrote, as a file the daemon can reach (moved into the store)… */
  recordingPath?: string;
  /** …or its bytes (fetched from Asterisk over ARI). */
  audio?: Buffer;
  /** The Asterisk recording's name, kept in the metadata (see findByRecording). */
  recording?: string;
  box: string;
  called: string;
  calledName?: string;
  caller: string;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  planVersion: string;
  callId: string;
}

export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

export interface StoreOptions {
  dir: string;
  /** Zone of the day folders and of the ids' date (the plan's timezone); default: the system's. */
  timeZone?: string;
  logger?: StoreLogger;
}

const ID = /^(\d{4})(\d{2})(\d{2})-\d{6}-[0-9a-f]{6}$/;
const MAX_ID_TRIES = 10;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** Message id: local date and time of the call, then randomness ("20260315-143012-9f3a1c"). */
function newId(startedAt: number, zone: string | undefined): { id: string; day: string } {
  const t = DateTime.fromMillis(startedAt, zone ? { zone } : {});
  const at = t.isValid ? t : DateTime.fromMillis(startedAt);
  return { id: `${at.toFormat('yyyyLLdd-HHmmss')}-${randomBytes(3).toString('hex')}`, day: at.toFormat('yyyy-LL-dd') };
}

/** mkdir with an exact mode (umask would otherwise decide); an existing folder is left as it is. */
async function ensureDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { mode: DIR_MODE });
    await fs.chmod(dir, DIR_MODE);
  } catch (e) {
    if (errno(e) === 'ENOENT') {
      await ensureDir(path.dirname(dir));
      await ensureDir(dir);
    } else if (errno(e) !== 'EEXIST') throw e;
  }
}

/** Copy into a file that must not exist yet, created 0640 from the start (never readable by others). */
async function copyExclusive(src: string, dst: string): Promise<void> {
  try {
    await pipeline(createReadStream(src), createWriteStream(dst, { flags: 'wx', mode: FILE_MODE }));
  } catch (e) {
    if (errno(e) !== 'EEXIST') await fs.rm(dst, { force: true });
    throw e;
  }
  await fs.chmod(dst, FILE_MODE);
}

/**
 * Move the recording to `dst` without ever replacing a file: link() fails on an existing
 * target, unlike rename(). Across filesystems (EXDEV), or when the file is Asterisk's and
 * we may not chmod it, copy instead. Returns whether the source could be removed.
 */
async function placeAudio(src: string, dst: string): Promise<boolean> {
  let placed = false;
  try {
    await fs.link(src, dst);
    placed = true;
  } catch (e) {
    if (errno(e) === 'EEXIST' || errno(e) === 'ENOENT') throw e;
  }
  if (placed) {
    try {
      await fs.chmod(dst, FILE_MODE);
    } catch {
      await fs.unlink(dst);
      placed = false;
    }
  }
  if (!placed) await copyExclusive(src, dst);
  try {
    await fs.unlink(src);
    return true;
  } catch (e) {
    return errno(e) === 'ENOENT';
  }
}

/** Bytes into a file that must not exist yet, 0640 from the start; a half-written file is removed. */
async function writeExclusive(dst: string, data: Buffer): Promise<void> {
  try {
    await fs.writeFile(dst, data, { flag: 'wx', mode: FILE_MODE });
  } catch (e) {
    if (errno(e) !== 'EEXIST') await fs.rm(dst, { force: true });
    throw e;
  }
  await fs.chmod(dst, FILE_MODE);
}

/** Write a new file atomically and without replacing: a temporary file, then link() to the name. */
async function writeNew(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(tmp, data, { flag: 'wx', mode: FILE_MODE });
  try {
    await fs.chmod(tmp, FILE_MODE);
    await fs.link(tmp, file);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Replace our own metadata file atomically (a reader never sees half a JSON). */
async function replaceFile(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(tmp, data, { flag: 'wx', mode: FILE_MODE });
  try {
    await fs.chmod(tmp, FILE_MODE);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

function isMetadata(v: unknown): v is MessageMetadata {
  const m = v as Partial<MessageMetadata> | null;
  return (
    typeof m === 'object' && m !== null &&
    typeof m.id === 'string' && typeof m.box === 'string' && typeof m.start === 'string' &&
    typeof m.durationMs === 'number' && typeof m.heard === 'boolean'
  );
}

async function readDirNames(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  } catch (e) {
    if (errno(e) === 'ENOENT') return [];
    throw e;
  }
}

export class VoicemailStore {
  readonly dir: string;
  private readonly timeZone: string | undefined;
  private readonly logger: StoreLogger | undefined;
  /** Metadata updates of one message run one after the other (notifier and markHeard may overlap). */
  private readonly updating = new Map<string, Promise<unknown>>();

  constructor(options: StoreOptions) {
    this.dir = path.resolve(options.dir);
    this.timeZone = options.timeZone;
    this.logger = options.logger;
  }

  async storeMessage(input: NewMessage): Promise<StoredMessage> {
    assertSafeName(input.box, 'voicemail box');
    for (let attempt = 0; ; attempt++) {
      const { id, day } = newId(input.startedAt, this.timeZone);
      const folder = path.join(this.dir, input.box, day);
      await ensureDir(this.dir);
      await ensureDir(path.join(this.dir, input.box));
      await ensureDir(folder);
      const audioPath = path.join(folder, `${id}.wav`);
      const metadataPath = path.join(folder, `${id}.json`);
      let sourceRemoved = true;
      try {
        if (input.audio) await writeExclusive(audioPath, input.audio);
        else if (input.recordingPath) sourceRemoved = await placeAudio(input.recordingPath, audioPath);
        else throw new Error('a new message needs its audio (recordingPath or audio)');
      } catch (e) {
        if (errno(e) === 'EEXIST' && attempt + 1 < MAX_ID_TRIES) continue; // id taken: draw another
        throw e;
      }
      if (!sourceRemoved) this.logger?.warn({ recording: input.recordingPath, id }, 'voicemail: message stored, but the recording could not be removed');
      const meta: MessageMetadata = {
        id,
        box: input.box,
        called: input.called,
        ...(input.calledName !== undefined ? { calledName: input.calledName } : {}),
        caller: input.caller,
        start: new Date(input.startedAt).toISOString(),
        durationMs: input.durationMs,
        planVersion: input.planVersion,
        callId: input.callId,
        ...(input.recording !== undefined ? { recording: input.recording } : {}),
        heard: false,
        notified: {},
      };
      // The audio's name is ours now, so a metadata clash means a stray file: keep it, fail loudly.
      try {
        await writeNew(metadataPath, JSON.stringify(meta, null, 2) + '\n');
      } catch (e) {
        // No message without its metadata: the audio written from bytes goes too (the caller keeps the source).
        if (input.audio) await fs.rm(audioPath, { force: true });
        throw e;
      }
      return { ...meta, audioPath, metadataPath };
    }
  }

  /** Messages (all boxes, or one), oldest first. */
  async listMessages(filter: { box?: string } = {}): Promise<StoredMessage[]> {
    if (filter.box !== undefined) assertSafeName(filter.box, 'voicemail box');
    const boxes = filter.box !== undefined ? [filter.box] : await readDirNames(this.dir);
    const out: StoredMessage[] = [];
    for (const box of boxes) {
      for (const day of await readDirNames(path.join(this.dir, box))) {
        const folder = path.join(this.dir, box, day);
        for (const name of await fs.readdir(folder)) {
          if (name.startsWith('.') || !name.endsWith('.json')) continue;
          const m = await this.read(path.join(folder, name));
          if (m) out.push(m);
        }
      }
    }
    return out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
  }

  /** The boxes that hold a folder in the store (a box never given a message has none). */
  async boxNames(): Promise<Set<string>> {
    return new Set(await readDirNames(this.dir));
  }

  /** The message made from an Asterisk recording, if one was stored (so a retry never stores it twice). */
  async findByRecording(recording: string): Promise<StoredMessage | undefined> {
    return (await this.listMessages()).find((m) => m.recording === recording);
  }

  /** One message by id, or undefined. */
  async get(id: string): Promise<StoredMessage | undefined> {
    const file = await this.locate(id);
    return file ? this.read(file) : undefined;
  }

  async markHeard(id: string, heard = true): Promise<StoredMessage | undefined> {
    return this.update(id, (m) => ({ ...m, heard }));
  }

  async setNotified(id: string, channel: NotifyChannel, state: NotifyState): Promise<StoredMessage | undefined> {
    return this.update(id, (m) => ({ ...m, notified: { ...m.notified, [channel]: state } }));
  }

  /** Remove the audio and the metadata; false when there was no such message. */
  async deleteMessage(id: string): Promise<boolean> {
    const file = await this.locate(id);
    if (!file) return false;
    // Metadata last: a message half deleted still shows in the list and can be deleted again.
    await fs.rm(file.replace(/\.json$/, '.wav'), { force: true });
    await fs.rm(file, { force: true });
    return true;
  }

  /** Messages not yet heard in a box: the message-waiting lamp. */
  async unheardCount(box: string): Promise<number> {
    return (await this.listMessages({ box })).filter((m) => !m.heard).length;
  }

  private async read(file: string): Promise<StoredMessage | undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined; // deleted meanwhile
      this.logger?.warn({ file, err: String(e) }, 'voicemail: unreadable metadata skipped');
      return undefined;
    }
    if (!isMetadata(parsed)) {
      this.logger?.warn({ file }, 'voicemail: metadata without the expected fields skipped');
      return undefined;
    }
    return { ...parsed, notified: parsed.notified ?? {}, audioPath: file.replace(/\.json$/, '.wav'), metadataPath: file };
  }

  /** The id carries the day, so only the boxes' folders of that day are looked at. */
  private async locate(id: string): Promise<string | undefined> {
    const m = ID.exec(id);
    if (!m) return undefined;
    const day = `${m[1]}-${m[2]}-${m[3]}`;
    for (const box of await readDirNames(this.dir)) {
      const file = path.join(this.dir, box, day, `${id}.json`);
      try {
        await fs.access(file);
        return file;
      } catch {
        // not in this box
      }
    }
    return undefined;
  }

  private update(id: string, change: (m: MessageMetadata) => MessageMetadata): Promise<StoredMessage | undefined> {
    const previous = this.updating.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      // Read just before writing, so a change made by another process (the CLI) is kept.
      const current = await this.get(id);
      if (!current) return undefined;
      const { audioPath, metadataPath, ...meta } = current;
      const updated = change(meta);
      await replaceFile(metadataPath, JSON.stringify(updated, null, 2) + '\n');
      return { ...updated, audioPath, metadataPath };
    });
    const settled = next.catch(() => undefined);
    this.updating.set(id, settled);
    void settled.then(() => {
      if (this.updating.get(id) === settled) this.updating.delete(id);
    });
    return next;
  }
}

// Plan edits from the web page (or any program): the same check as `accueil check`
// before anything is written, refused when the files changed since the editor read
// them (a hand edit is never overwritten), then an atomic write (temporary file,
// fsync, rename, fsync of the folder) of the one file that holds the key. The
// watcher then reloads the plan as for a hand edit.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PlanError } from './errors';
import { indexSounds, planFiles, planFromSources, planVersion, readText } from './load';
import { SECTIONS } from './merge';
import { applyEdit, hasPath, valueAt, type EditPath, type PlanEdit } from './splice';
import type { Plan } from './types';

export type { EditPath, PlanEdit } from './splice';

export interface PlanSources {
  version: string;
  sources: { file: string; text: string }[];
}

export interface EditChange {
  file: string;
  path: EditPath;
  before: unknown;
  after: unknown;
}

export type EditResult =
  | { ok: true; version: string; plan: Plan; changes: EditChange[] }
  /** The files on disk are not the version the editor saw: reload, nothing was written. */
  | { ok: false; reason: 'conflict'; version: string }
  /** The edited plan does not pass the checker: nothing was written. */
  | { ok: false; reason: 'invalid'; errors: PlanError[] }
  | { ok: false; reason: 'unreadable'; errors: PlanError[] };

/** The plan's files as they are on disk now, with their version (the same as the loaded plan's). */
export async function readPlanSources(planPath: string): Promise<PlanSources | { errors: PlanError[] }> {
  const listed = await planFiles(planPath);
  if ('error' in listed) return { errors: [listed.error] };
  const sources: { file: string; text: string }[] = [];
  for (const file of listed.files) {
    const r = await readText(file);
    if ('error' in r) return { errors: [r.error] };
    sources.push({ file, text: r.text });
  }
  return { version: planVersion(sources), sources };
}

/** The file an edit of `editPath` belongs in: the one defining the entry (a section's entry, or a top-level key), else the one with the section, else the first. */
export function fileFor(sources: { file: string; text: string }[], editPath: EditPath): number {
  const top = editPath[0];
  const entry = typeof top === 'string' && SECTIONS.includes(top) ? editPath.slice(0, 2) : editPath.slice(0, 1);
  for (const prefix of [entry, editPath.slice(0, 1)]) {
    const i = sources.findIndex((s) => hasPath(s.text, prefix));
    if (i >= 0) return i;
  }
  return 0;
}

/** Writes `text` to `file` so that a reader sees the old file or the new one, never half of it. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  // A dot name: the plan loader and the watcher ignore it while it exists.
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = await fs.stat(file).then((s) => s.mode & 0o777, () => 0o644);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  const dirHandle = await fs.open(dir, 'r');
  try {
    await dirHandle.sync();
  } catch {
    // some file systems refuse fsync on a folder; the rename is done all the same
  } finally {
    await dirHandle.close();
  }
}

// One edit at a time in this process: the version check and the write go together.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Applies `edits` to the plan at `planPath` if its files are still at `expectedVersion`
 * and the result passes the checker; writes only the files that change.
 */
export function editPlan(planPath: string, opts: { soundsDir: string; expectedVersion: string; edits: PlanEdit[] }): Promise<EditResult> {
  const run = async (): Promise<EditResult> => {
    const read = await readPlanSources(planPath);
    if ('errors' in read) return { ok: false, reason: 'unreadable', errors: read.errors };
    if (read.version !== opts.expectedVersion) return { ok: false, reason: 'conflict', version: read.version };
    const texts = read.sources.map((s) => s.text);
    const changes: EditChange[] = [];
    for (const edit of opts.edits) {
      const i = fileFor(read.sources, edit.path);
      const file = read.sources[i]!.file;
      const before = valueAt(texts[i]!, edit.path);
      texts[i] = applyEdit(texts[i]!, edit);
      const after = edit.op === 'delete' ? undefined : valueAt(texts[i]!, edit.path);
      changes.push({ file, path: edit.path, before, after });
    }
    const edited = read.sources.map((s, i) => ({ file: s.file, text: texts[i]! }));
    const checked = planFromSources(edited, await indexSounds(opts.soundsDir));
    if (!checked.ok) return { ok: false, reason: 'invalid', errors: checked.errors };
    for (const [i, s] of read.sources.entries()) {
      if (texts[i] !== s.text) await writeAtomic(s.file, texts[i]!);
    }
    return { ok: true, version: checked.plan.version, plan: checked.plan, changes };
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

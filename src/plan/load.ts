// Reading a plan from disk: one file or a folder of *.yaml/*.yml, guarded against
// files that are empty, binary or far too large, then parsed, checked and built.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Plan } from './types';
import { sortErrors, type PlanError } from './errors';
import { parseYaml, type ParsedFile } from './yamlTree';
import { checkSchema } from './schemaCheck';
import { mergeFiles, type FileData } from './merge';
import { Builder } from './build';
import { SOUND_EXTENSIONS, type SoundIndex } from './sounds';
import { MAX_REPORTED_ERRORS, sniffEncoding } from './limits';

/** A plan is a few kilobytes; anything near this is a mistake (a log, a recording) and is refused before reading. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface LoadOptions {
  soundsDir: string;
}

export type LoadResult = { ok: true; plan: Plan; files: string[] } | { ok: false; errors: PlanError[] };

const whole = (file: string, message: string): PlanError => ({ file, line: 0, col: 0, message });

/** Editors' backup and swap files must not be read as parts of the plan. */
export function isPlanFile(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !name.startsWith('.') && !name.startsWith('#');
}

/** The files that make up the plan at `planPath`, or an error. */
export async function planFiles(planPath: string): Promise<{ files: string[] } | { error: PlanError }> {
  let stat;
  try {
    stat = await fs.stat(planPath);
  } catch {
    return { error: whole(planPath, 'no such file or folder; expected a plan file (.yaml) or a folder of them') };
  }
  if (stat.isFile()) return { files: [planPath] };
  if (!stat.isDirectory()) return { error: whole(planPath, 'not a file or a folder') };
  const names = (await fs.readdir(planPath)).filter(isPlanFile).sort();
  if (names.length === 0) return { error: whole(planPath, 'the folder holds no .yaml or .yml file; expected the plan\'s files') };
  return { files: names.map((n) => path.join(planPath, n)) };
}

export async function readText(file: string): Promise<{ text: string } | { error: PlanError }> {
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_FILE_BYTES) {
      return { error: whole(file, `the file is too large (${(stat.size / 1048576).toFixed(1)} MB); expected a plan of at most ${MAX_FILE_BYTES / 1048576} MB`) };
    }
    const buf = await fs.readFile(file);
    const encoding = sniffEncoding(buf);
    if (encoding) return { error: whole(file, `the file is encoded as ${encoding}; expected a YAML plan saved as UTF-8 (save it again as UTF-8)`) };
    const nul = buf.indexOf(0);
    if (nul >= 0) return { error: whole(file, `not a text file (binary content at byte ${nul}); expected a YAML plan`) };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      return { error: whole(file, 'not a UTF-8 text file; expected a YAML plan saved as UTF-8') };
    }
    return { text: text.replace(/^\uFEFF/, '') };
  } catch (e) {
    return { error: whole(file, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`) };
  }
}

/** The names of the sounds folder, without extension ("fr/bienvenue"). */
export async function indexSounds(dir: string): Promise<SoundIndex> {
  const names = new Set<string>();
  try {
    const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (!e.isFile()) continue;
      const ext = SOUND_EXTENSIONS.find((x) => e.name.toLowerCase().endsWith(x));
      if (!ext) continue;
      const parent = (e as { parentPath?: string; path?: string }).parentPath ?? (e as { path?: string }).path ?? dir;
      const rel = path.relative(dir, path.join(parent, e.name)).split(path.sep).join('/');
      names.add(rel.slice(0, -ext.length));
    }
    return { dir, exists: true, names };
  } catch {
    return { dir, exists: false, names };
  }
}

/** The version of a plan: a hash of its files' names and texts (what an edit checks has not changed meanwhile). */
export function planVersion(sources: { file: string; text: string }[]): string {
  const hash = createHash('sha256');
  for (const s of [...sources].sort((a, b) => (a.file < b.file ? -1 : 1))) hash.update(path.basename(s.file)).update('\0').update(s.text).update('\0');
  return hash.digest('hex').slice(0, 12);
}

interface ReadFile {
  text: string;
  parsed: ParsedFile;
  schemaErrors: PlanError[];
}

/**
 * What each file of a plan parsed to, kept by the reader between reloads: a folder plan
 * whose one file changed parses that file only (the YAML parser is most of a load's
 * cost, about 1 MB/s here). An entry is reused only for the same path and the same text;
 * its data is frozen so that nothing downstream can change what the next load reuses.
 */
export class ParseCache {
  private readonly files = new Map<string, ReadFile>();

  read(file: string, text: string): ReadFile {
    const known = this.files.get(file);
    if (known && known.text === text) return known;
    const entry = readFile(file, text);
    deepFreeze(entry.parsed.data);
    this.files.set(file, entry);
    return entry;
  }

  /** Forgets the files that are no longer part of the plan. */
  keepOnly(files: string[]): void {
    const keep = new Set(files);
    for (const f of [...this.files.keys()]) if (!keep.has(f)) this.files.delete(f);
  }
}

function readFile(file: string, text: string): ReadFile {
  const parsed = parseYaml(file, text);
  const plain = !parsed.broken && typeof parsed.data === 'object' && parsed.data !== null && !Array.isArray(parsed.data);
  return { text, parsed, schemaErrors: plain ? checkSchema(file, parsed.data, parsed.positions) : [] };
}

function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}

/** Parse, check and build a plan from already-read sources (pure: no disk, no clock). */
export function planFromSources(sources: { file: string; text: string }[], sounds: SoundIndex, cache?: ParseCache): LoadResult {
  const errors: PlanError[] = [];
  const parsed: FileData[] = [];
  let broken = false;
  cache?.keepOnly(sources.map((s) => s.file));
  for (const { file, text } of sources) {
    if (text.trim() === '') {
      errors.push(whole(file, 'the file is empty; expected a plan (timezone, lines, numbers, …)'));
      continue;
    }
    const { parsed: p, schemaErrors } = cache ? cache.read(file, text) : readFile(file, text);
    for (const e of p.errors) errors.push(e);
    if (p.broken) {
      broken = true; // syntax first: checking a half-read plan would bury the real mistake under consequences
      continue;
    }
    if (p.data === undefined || p.data === null) {
      if (p.errors.length === 0) errors.push(whole(file, 'the file holds only comments; expected a plan (timezone, lines, numbers, …)'));
      continue;
    }
    if (typeof p.data !== 'object' || Array.isArray(p.data)) {
      const pos = p.positions.get('') ?? { line: 1, col: 1 };
      errors.push({ file, line: pos.line, col: pos.col, message: `the plan: found ${Array.isArray(p.data) ? 'a list' : 'a single value'}, expected a mapping of sections (timezone:, lines:, numbers:, …)` });
      continue;
    }
    for (const e of schemaErrors) errors.push(e);
    parsed.push({ file, data: p.data, positions: p.positions });
  }
  if (parsed.length > 0 && !broken) {
    const merged = mergeFiles(parsed);
    for (const e of merged.errors) errors.push(e);
    const builder = new Builder(merged.data, merged.positions, sounds, parsed[0]!.file);
    const built = builder.build();
    for (const e of builder.errors) errors.push(e);
    if (errors.length === 0 && Object.keys(built.numbers).length === 0 && !built.default) {
      errors.push(whole(parsed[0]!.file, 'the plan defines no numbers; expected at least one public number under "numbers:" (or a "default" destination)'));
    }
    if (errors.length === 0) return { ok: true, plan: { version: planVersion(sources), ...built }, files: sources.map((s) => s.file) };
  }
  return { ok: false, errors: capErrors(sortErrors(errors)) };
}

/** The first errors and one line saying how many more: a thousand lines help no one fix a plan. */
function capErrors(errors: PlanError[]): PlanError[] {
  if (errors.length <= MAX_REPORTED_ERRORS) return errors;
  const rest = errors.length - MAX_REPORTED_ERRORS;
  const next = errors[MAX_REPORTED_ERRORS]!;
  return [...errors.slice(0, MAX_REPORTED_ERRORS), { ...next, message: `${rest} more errors from here on; fix the ones above first` }];
}

export async function loadPlan(planPath: string, opts: LoadOptions, cache?: ParseCache): Promise<LoadResult> {
  const listed = await planFiles(planPath);
  if ('error' in listed) return { ok: false, errors: [listed.error] };
  const sources: { file: string; text: string }[] = [];
  const errors: PlanError[] = [];
  for (const file of listed.files) {
    const r = await readText(file);
    if ('error' in r) errors.push(r.error);
    else sources.push({ file, text: r.text });
  }
  const sounds = await indexSounds(opts.soundsDir);
  const result = planFromSources(sources, sounds, cache);
  if (errors.length === 0) return result;
  return { ok: false, errors: capErrors(sortErrors(errors.concat(result.ok ? [] : result.errors))) };
}

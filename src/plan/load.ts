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
import { pointer, type PositionLookup } from './yamlTree';
import { combinePractices, PRACTICE_NAME, scopePractice, type PracticeClaim, type PracticeRead, type PracticeReadOk } from './practices';

/** A plan is a few kilobytes; anything near this is a mistake (a log, a recording) and is refused before reading. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface LoadOptions {
  soundsDir: string;
}

export type LoadResult = ({ ok: true; plan: Plan; files: string[] } | { ok: false; errors: PlanError[] }) & {
  /**
   * A folder of practices: each practice as read on its own (the daemon keeps a
   * practice's last good plan when only that practice's files are wrong).
   */
  practices?: PracticeRead[];
  /** A folder of practices: what is wrong with the folder itself (a subfolder whose name cannot name a practice). */
  folderErrors?: PlanError[];
};

const whole = (file: string, message: string): PlanError => ({ file, line: 0, col: 0, message });

/** Editors' backup and swap files must not be read as parts of the plan. */
export function isPlanFile(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !name.startsWith('.') && !name.startsWith('#');
}

/** A plan of one practice (a file, or a folder of files), or a folder of practices (a subfolder each). */
export type PlanLayout =
  | { kind: 'plan'; files: string[] }
  | { kind: 'practices'; practices: { name: string; dir: string; files: string[] }[]; errors: PlanError[] };

/**
 * What `planPath` holds. A folder with no plan file of its own whose subfolders hold
 * plan files is a folder of practices: each such subfolder is one practice, named by
 * it, whose files are read as a plan of their own. (A folder with plan files of its
 * own is one plan, as it always was: its subfolders are not read.)
 */
export async function planLayout(planPath: string): Promise<{ layout: PlanLayout } | { error: PlanError }> {
  const single = async (): Promise<{ layout: PlanLayout } | { error: PlanError }> => {
    const listed = await planFiles(planPath);
    return 'error' in listed ? listed : { layout: { kind: 'plan', files: listed.files } };
  };
  const entries = await fs.readdir(planPath, { withFileTypes: true }).catch(() => undefined);
  if (!entries || entries.some((e) => e.isFile() && isPlanFile(e.name))) return single();
  const errors: PlanError[] = [];
  const practices: { name: string; dir: string; files: string[] }[] = [];
  for (const f of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const dir = path.join(planPath, f.name);
    const names = (await fs.readdir(dir).catch(() => [] as string[])).filter(isPlanFile).sort();
    if (names.length === 0) continue; // not a practice (sounds, backups…)
    if (!PRACTICE_NAME.test(f.name)) {
      errors.push(whole(dir, `"${f.name}" cannot name a practice; expected a folder name of lower-case letters, digits, "-" or "_" (no "."), such as "cabinet-martin"`));
      continue;
    }
    practices.push({ name: f.name, dir, files: names.map((n) => path.join(dir, n)) });
  }
  if (practices.length === 0 && errors.length === 0) return single();
  return { layout: { kind: 'practices', practices, errors } };
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
  return buildFromSources(sources, sounds, cache).result;
}

/** planFromSources, with where each value was written (what a folder of practices checks across practices). */
function buildFromSources(sources: { file: string; text: string }[], sounds: SoundIndex, cache?: ParseCache, evict = true): { result: LoadResult; positions?: PositionLookup } {
  const errors: PlanError[] = [];
  const parsed: FileData[] = [];
  let broken = false;
  if (evict) cache?.keepOnly(sources.map((s) => s.file));
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
    if (errors.length === 0) return { result: { ok: true, plan: { version: planVersion(sources), ...built }, files: sources.map((s) => s.file) }, positions: merged.positions };
  }
  return { result: { ok: false, errors: capErrors(sortErrors(errors)) } };
}

/** The first errors and one line saying how many more: a thousand lines help no one fix a plan. */
function capErrors(errors: PlanError[]): PlanError[] {
  if (errors.length <= MAX_REPORTED_ERRORS) return errors;
  const rest = errors.length - MAX_REPORTED_ERRORS;
  const next = errors[MAX_REPORTED_ERRORS]!;
  return [...errors.slice(0, MAX_REPORTED_ERRORS), { ...next, message: `${rest} more errors from here on; fix the ones above first` }];
}

async function readSources(files: string[]): Promise<{ sources: { file: string; text: string }[]; errors: PlanError[] }> {
  const sources: { file: string; text: string }[] = [];
  const errors: PlanError[] = [];
  for (const file of files) {
    const r = await readText(file);
    if ('error' in r) errors.push(r.error);
    else sources.push({ file, text: r.text });
  }
  return { sources, errors };
}

export async function loadPlan(planPath: string, opts: LoadOptions, cache?: ParseCache): Promise<LoadResult> {
  const listed = await planLayout(planPath);
  if ('error' in listed) return { ok: false, errors: [listed.error] };
  const sounds = await indexSounds(opts.soundsDir);
  if (listed.layout.kind === 'practices') return loadPractices(listed.layout, sounds, cache);
  const { sources, errors } = await readSources(listed.layout.files);
  const result = planFromSources(sources, sounds, cache);
  if (errors.length === 0) return result;
  return { ok: false, errors: capErrors(sortErrors(errors.concat(result.ok ? [] : result.errors))) };
}

async function loadPractices(layout: Extract<PlanLayout, { kind: 'practices' }>, sounds: SoundIndex, cache?: ParseCache): Promise<LoadResult> {
  const reads: PracticeRead[] = [];
  cache?.keepOnly(layout.practices.flatMap((p) => p.files));
  for (const p of layout.practices) {
    const { sources, errors } = await readSources(p.files);
    const built = buildFromSources(sources, sounds, cache, false); // the cache holds every practice's files
    if (errors.length > 0 || !built.result.ok) {
      reads.push({ name: p.name, ok: false, errors: capErrors(sortErrors(errors.concat(built.result.ok ? [] : built.result.errors))) });
      continue;
    }
    const { version, ...plan } = built.result.plan;
    reads.push({ name: p.name, ok: true, plan: scopePractice(plan, p.name), version, claims: practiceClaims(built.result.plan, built.positions) });
  }
  return practicesResult(reads, layout.errors, layout.practices.flatMap((p) => p.files));
}

/**
 * The practices read, put together: every error of every practice and of the folder,
 * or the plan of them all. (The daemon's watcher puts them together again with a
 * practice's last good plan in place of a wrong one.)
 */
export function practicesResult(reads: PracticeRead[], folderErrors: PlanError[], files: string[]): LoadResult {
  const oks = reads.filter((r): r is PracticeReadOk => r.ok);
  const combined = combinePractices(oks);
  const errors = [...folderErrors, ...reads.flatMap((r) => (r.ok ? [] : r.errors)), ...combined.errors];
  const extra = { practices: reads, folderErrors };
  if (reads.length === 0) errors.push({ file: files[0] ?? '', line: 0, col: 0, message: 'the folder of practices holds no practice; expected a subfolder per practice' });
  if (errors.length > 0 || !combined.plan) return { ok: false, errors: capErrors(sortErrors(errors)), ...extra };
  return { ok: true, plan: combined.plan, files, ...extra };
}

/** What no other practice may also hold: its numbers, its phones, its studio number, each where it was written. */
function practiceClaims(plan: Plan, positions: PositionLookup | undefined): PracticeClaim[] {
  const where = (ptr: string): { file: string; line: number; col: number } => {
    const p = positions?.get(ptr);
    const at = p?.key ?? p;
    return { file: p?.file ?? '', line: at?.line ?? 0, col: at?.col ?? 0 };
  };
  const claims: PracticeClaim[] = [];
  for (const [e164, n] of Object.entries(plan.numbers)) claims.push({ kind: 'number', key: e164, at: where(pointer('/numbers', n.written)), field: `numbers[${JSON.stringify(n.written)}]` });
  for (const l of Object.values(plan.lines)) claims.push({ kind: 'endpoint', key: l.endpoint, at: where(pointer('/lines', l.name)), field: `lines.${l.name}` });
  if (plan.studio) claims.push({ kind: 'studio', key: plan.studio.number, at: where('/studio/number'), field: 'studio.number' });
  return claims;
}

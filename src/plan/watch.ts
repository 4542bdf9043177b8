// Hot reload: the plan's folder is watched (not the file's inode, so that editors that
// save by writing a temporary file and renaming it are seen), changes are debounced, and
// a new plan replaces the old one only if it is valid. The last good plan always stays.

import * as path from 'node:path';
import { promises as fs, watch as watchFolder, type FSWatcher as FolderWatcher } from 'node:fs';
import type { FSWatcher } from 'chokidar';
import type { Plan } from './types';
import { formatError, sortErrors, type PlanError } from './errors';
import { isPlanFile, loadPlan, type LoadOptions, type LoadResult } from './load';
import { combinePractices, PRACTICE_NAME, type PracticeReadOk } from './practices';
import { PlanReader, type OffThreadOptions } from './offThread';
import { diffPlans, type PlanDiff } from './diff';

export type PlanEvent =
  /** A valid plan was loaded and is now the current one. `previous` is absent at the first load. */
  | { type: 'loaded'; plan: Plan; files: string[]; diff: PlanDiff; previous?: Plan }
  /**
   * The plan on disk is invalid: it was refused; `current` (the last good plan, if any)
   * keeps serving. In a folder of practices, `practices` names those refused: each keeps
   * its last good plan (if it ever had one) while the others' changes are in force.
   */
  | { type: 'rejected'; errors: PlanError[]; lines: string[]; current?: Plan; practices?: string[] };

export interface WatchOptions extends LoadOptions {
  /** Quiet period after the last change before reloading (ms). */
  debounceMs?: number;
  /** Read and check the plan on a worker thread (the daemon: a hostile file must not stall the calls in progress). */
  offThread?: boolean | OffThreadOptions;
  /**
   * Run on a valid plan before it is put in force (src/announce renders its texts): may
   * refuse it with errors, like the checks here. The plan in force stays until it resolves.
   */
  finish?: (plan: Plan) => Promise<{ ok: true; plan: Plan } | { ok: false; errors: PlanError[] }>;
}

export interface PlanWatcher {
  /** The last good plan, if one was ever loaded. */
  current(): Plan | undefined;
  /** Reload now (SIGHUP); resolves with the event it produced, or undefined when nothing changed. */
  reload(): Promise<PlanEvent | undefined>;
  close(): Promise<void>;
}

export async function watchPlan(planPath: string, opts: WatchOptions, onChange: (e: PlanEvent) => void): Promise<PlanWatcher> {
  const debounceMs = opts.debounceMs ?? 300;
  let current: Plan | undefined;
  let lastWasRejected = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const reader = opts.offThread ? new PlanReader(opts.offThread === true ? {} : opts.offThread) : undefined;
  // Reloads run one at a time; a change during a reload schedules one more afterwards.
  let running: Promise<PlanEvent | undefined> = Promise.resolve(undefined);

  // A folder of practices: each practice's last good reading, which stands in for a
  // reading of it that is wrong (one practice's mistake never takes another's changes
  // back, nor its own last good plan away).
  const lastGood = new Map<string, PracticeReadOk>();
  let practicesSeen: () => Promise<void> = async () => undefined; // set once the folders are known
  const withLastGood = (loaded: LoadResult): { loaded: LoadResult; refused: PlanError[]; refusedPractices: string[]; keep: () => void } => {
    const reads = loaded.practices ?? [];
    for (const name of [...lastGood.keys()]) if (!reads.some((r) => r.name === name)) lastGood.delete(name); // its folder is gone
    // A practice read wrong now stands on its last good reading, if it ever had one.
    let candidates = reads.flatMap((r) => (r.ok ? [r] : lastGood.has(r.name) ? [lastGood.get(r.name)!] : []));
    let combined = combinePractices(candidates);
    const clashes = combined.errors;
    const excluded = candidates.filter((c) => !combined.included.includes(c.name) && lastGood.has(c.name) && lastGood.get(c.name) !== c);
    if (excluded.length > 0) {
      // A practice whose new reading clashes with another keeps its last good one.
      candidates = candidates.map((c) => (excluded.includes(c) ? lastGood.get(c.name)! : c));
      combined = combinePractices(candidates);
    }
    const refusedPractices = reads.filter((r) => !r.ok || !combined.included.includes(r.name) || excluded.some((x) => x.name === r.name)).map((r) => r.name);
    const refused = [...(loaded.folderErrors ?? []), ...reads.flatMap((r) => (r.ok ? [] : r.errors)), ...clashes, ...(combined.errors === clashes ? [] : combined.errors)];
    const noop = (): void => undefined;
    if (!combined.plan) return { loaded: { ok: false, errors: refused.length ? refused : loaded.ok ? [] : loaded.errors }, refused: [], refusedPractices, keep: noop };
    const included = candidates.filter((c) => combined.included.includes(c.name));
    // Kept as last good only once the plan is in force (its texts rendered).
    const keep = (): void => included.forEach((c) => lastGood.set(c.name, c));
    return { loaded: { ok: true, plan: combined.plan, files: loaded.ok ? loaded.files : [] }, refused, refusedPractices, keep };
  };

  const loadOnce = async (): Promise<PlanEvent | undefined> => {
    const read = reader ? await reader.load(planPath, opts) : await loadPlan(planPath, opts);
    if (closed) return undefined;
    await practicesSeen();
    const { loaded, refused, refusedPractices, keep } = read.practices ? withLastGood(read) : { loaded: read, refused: [], refusedPractices: [], keep: () => undefined };
    const same = loaded.ok && current !== undefined && loaded.plan.version === current.version ? current : undefined;
    if (same && !lastWasRejected && refused.length === 0) return undefined; // touched, not changed
    const finished = loaded.ok && !same && opts.finish ? await opts.finish(loaded.plan) : undefined;
    if (closed) return undefined;
    const unchanged = same !== undefined;
    // The same version back (after a refusal): the plan in force already went through `finish`.
    const r = !loaded.ok ? loaded : same ? { ...loaded, plan: same } : !finished ? loaded : finished.ok ? { ...loaded, plan: finished.plan } : { ok: false as const, errors: finished.errors };
    let event: PlanEvent | undefined;
    if (r.ok && unchanged && refused.length > 0) {
      // The same plan stays in force; only the refusal is news.
    } else if (r.ok) {
      const previous = current;
      current = r.plan; // the swap is one assignment: a reader sees the old plan or the new one
      keep();
      event = { type: 'loaded', plan: r.plan, files: r.files, diff: diffPlans(previous, r.plan), ...(previous ? { previous } : {}) };
      lastWasRejected = false;
      onChange(event);
    } else {
      event = { type: 'rejected', errors: r.errors, lines: r.errors.map(formatError), ...(current ? { current } : {}), ...(refusedPractices.length ? { practices: refusedPractices } : {}) };
      lastWasRejected = true;
      onChange(event);
      return event;
    }
    if (refused.length > 0) {
      const sorted = sortErrors(refused);
      const rejected: PlanEvent = { type: 'rejected', errors: sorted, lines: sorted.map(formatError), ...(current ? { current } : {}), practices: refusedPractices };
      lastWasRejected = true;
      onChange(rejected);
      return event ?? rejected;
    }
    return event;
  };
  const reload = (): Promise<PlanEvent | undefined> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    running = running.then(loadOnce, loadOnce);
    return running;
  };
  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  };

  const isDir = await fs.stat(planPath).then((s) => s.isDirectory(), () => false);
  const planDir = isDir ? path.resolve(planPath) : path.dirname(path.resolve(planPath));
  const planBase = path.basename(planPath);
  const soundsDir = path.resolve(opts.soundsDir);
  const relevant = (p: string): boolean => {
    const abs = path.resolve(p);
    if (abs.startsWith(soundsDir + path.sep)) return true; // a sound added or removed can change the verdict
    const dir = path.dirname(abs);
    const name = path.basename(abs);
    if (!isDir) return dir === planDir && name === planBase;
    // A plan file of the folder or of a practice's folder; a name that could be a practice's folder (no ".").
    if (dir === planDir) return isPlanFile(name) || PRACTICE_NAME.test(name);
    return path.dirname(dir) === planDir && practiceWatchers.has(dir) && isPlanFile(name);
  };
  // A folder of practices: each subfolder is watched too, as the plan's folder is (one
  // still empty may become a practice).
  const practiceWatchers = new Map<string, FolderWatcher>();
  const watchPractices = async (): Promise<void> => {
    if (!isDir) return;
    const entries = await fs.readdir(planDir, { withFileTypes: true }).catch(() => []);
    const dirs = new Set(entries.filter((e) => e.isDirectory() && PRACTICE_NAME.test(e.name)).map((e) => path.join(planDir, e.name)));
    for (const [dir, w] of practiceWatchers) {
      if (!dirs.has(dir)) {
        w.close();
        practiceWatchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (practiceWatchers.has(dir) || closed) continue;
      try {
        const w = watchFolder(dir, { persistent: true }, (_event, name) => {
          if (name === null || relevant(path.join(dir, name.toString()))) schedule();
        });
        w.on('error', () => undefined);
        practiceWatchers.set(dir, w);
      } catch {
        // gone between the listing and now: the next reload says so
      }
    }
  };
  practicesSeen = watchPractices;

  await reload();
  // The plan's folder without its subfolders, through the kernel's own notifications:
  // it may be a busy directory, and chokidar reads a whole folder again (an lstat per
  // entry) at every change in it — seconds of CPU under load (bench/load.ts, whose
  // folder fills with SIPp traces). Events are sorted by name alone.
  const planWatcher: FolderWatcher = watchFolder(planDir, { persistent: true }, (_event, name) => {
    if (name === null || relevant(path.join(planDir, name.toString()))) schedule();
  });
  planWatcher.on('error', () => undefined); // the folder went away: the next reload says so
  // The sounds folder with its subfolders (quiet: sounds change when somebody adds one).
  const soundsWatcher: FSWatcher = chokidarWatch(soundsDir, { ignoreInitial: true, depth: 4, atomic: true });
  soundsWatcher.on('all', (_event, p) => {
    if (relevant(p)) schedule();
  });
  soundsWatcher.on('error', () => undefined); // e.g. the sounds folder is missing: the plan check says so
  await new Promise<void>((resolve) => soundsWatcher.once('ready', () => resolve()));

  return {
    current: () => current,
    reload,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      planWatcher.close();
      for (const w of practiceWatchers.values()) w.close();
      await soundsWatcher.close();
      await reader?.close();
    },
  };
}

/** chokidar, loaded only by what watches (a command that reads a plan once does not). */
function chokidarWatch(...args: Parameters<typeof import('chokidar').watch>): FSWatcher {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('chokidar') as typeof import('chokidar')).watch(...args);
}

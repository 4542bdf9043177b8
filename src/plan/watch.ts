// Hot reload: the plan's folder is watched (not the file's inode, so that editors that
// save by writing a temporary file and renaming it are seen), changes are debounced, and
// a new plan replaces the old one only if it is valid. The last good plan always stays.

import * as path from 'node:path';
import { promises as fs, watch as watchFolder, type FSWatcher as FolderWatcher } from 'node:fs';
import type { FSWatcher } from 'chokidar';
import type { Plan } from './types';
import { formatError, type PlanError } from './errors';
import { isPlanFile, loadPlan, type LoadOptions } from './load';
import { PlanReader, type OffThreadOptions } from './offThread';
import { diffPlans, type PlanDiff } from './diff';

export type PlanEvent =
  /** A valid plan was loaded and is now the current one. `previous` is absent at the first load. */
  | { type: 'loaded'; plan: Plan; files: string[]; diff: PlanDiff; previous?: Plan }
  /** The plan on disk is invalid: it was refused; `current` (the last good plan, if any) keeps serving. */
  | { type: 'rejected'; errors: PlanError[]; lines: string[]; current?: Plan };

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

  const loadOnce = async (): Promise<PlanEvent | undefined> => {
    const loaded = reader ? await reader.load(planPath, opts) : await loadPlan(planPath, opts);
    if (closed) return undefined;
    if (loaded.ok && current && loaded.plan.version === current.version && !lastWasRejected) return undefined; // touched, not changed
    const finished = loaded.ok && opts.finish ? await opts.finish(loaded.plan) : undefined;
    if (closed) return undefined;
    const r = !finished || !loaded.ok ? loaded : finished.ok ? { ...loaded, plan: finished.plan } : { ok: false as const, errors: finished.errors };
    let event: PlanEvent | undefined;
    if (r.ok) {
      if (current && r.plan.version === current.version && !lastWasRejected) return undefined; // touched, not changed
      const previous = current;
      current = r.plan; // the swap is one assignment: a reader sees the old plan or the new one
      event = { type: 'loaded', plan: r.plan, files: r.files, diff: diffPlans(previous, r.plan), ...(previous ? { previous } : {}) };
      lastWasRejected = false;
    } else {
      event = { type: 'rejected', errors: r.errors, lines: r.errors.map(formatError), ...(current ? { current } : {}) };
      lastWasRejected = true;
    }
    onChange(event);
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
    if (path.dirname(abs) !== planDir) return false;
    return isDir ? isPlanFile(path.basename(abs)) : path.basename(abs) === planBase;
  };

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

// Reading and checking a plan on a worker thread, so that a hostile or huge file costs
// the running daemon's event loop nothing (the calls in progress keep their timers).
// One worker is kept for the reloads (starting one costs more than reading a plan); it
// is bounded in time and memory, and replaced when it overruns either bound.

import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { LoadOptions, LoadResult } from './load';
import { isPlanShell, PlanReceiver, replacePlans, slotsOf, type PlanPiece } from './transfer';

export interface OffThreadOptions {
  /** Past this (counted once the worker is ready), the worker is stopped and the plan refused (default 30 s). */
  timeoutMs?: number;
  /** Heap of the worker (default DEFAULT_READER_HEAP_MB). */
  maxMemoryMb?: number;
}

// A last resort: the YAML bounds (limits.ts) refuse hostile files long before. Generous,
// because the worker runs at a low priority and a busy machine slows it several times
// (the reference plan's first read: 0.5 s idle, 1.2–1.7 s beside two busy processes).
export const DEFAULT_LOAD_TIMEOUT_MS = 30_000;

/**
 * The reader's heap. A plan of 10,000 numbers keeps about 180 MB there (its parse, kept
 * for the next reload, and the plan last sent); under 256 MB its reloads spent more time
 * collecting garbage than reading (V8's helper threads 12 s of CPU for 6 reloads, 5.7 s at
 * 1 GB), and a plan near the value bound (20,000 numbers) would not fit at all.
 */
export const DEFAULT_READER_HEAP_MB = 512;

/** Starting a worker (its code loaded, from the sources through tsx) is not the plan's time: bounded apart, generously. */
const WORKER_START_TIMEOUT_MS = 60_000;

interface Reader {
  worker: Worker;
  /** Resolves once the worker has loaded its code; rejects with why it could not. */
  ready: Promise<void>;
  /** The plans this worker sent, which its next ones are sent against (transfer.ts). */
  receiver: PlanReceiver;
}

function startWorker(maxMemoryMb: number): Reader {
  const resourceLimits = { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: 32 };
  // From the TypeScript sources (a checkout, the tests) the worker goes through tsx, as bin/accueil does.
  const worker = __filename.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'loadWorker.ts'))});`, { eval: true, resourceLimits })
    : new Worker(path.join(__dirname, 'loadWorker.js'), { resourceLimits });
  worker.unref(); // an idle reader never keeps the process alive
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => settle(new Error(`the plan reader did not start within ${WORKER_START_TIMEOUT_MS / 1000} s`)), WORKER_START_TIMEOUT_MS);
    timer.unref();
    const onMessage = (m: { ready?: boolean }): void => {
      if (m.ready) settle();
    };
    const onError = (err: Error): void => settle(err);
    const onExit = (code: number): void => settle(new Error(`the reader stopped (exit code ${code})`));
    function settle(err?: Error): void {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
  ready.catch(() => undefined); // read by the load waiting on it
  return { worker, ready, receiver: new PlanReceiver() };
}

/** The worker's result with each plan rebuilt from its shell (transfer.ts). */
function rebuild(result: LoadResult, receiver: PlanReceiver): LoadResult {
  const out = replacePlans(result, (_slot, plan) => (isPlanShell(plan) ? receiver.plan(plan) : plan));
  receiver.keepOnly(slotsOf(result));
  return out;
}

export class PlanReader {
  private reader: Reader | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly bounds: OffThreadOptions = {}) {}

  /** Loads like loadPlan, on the worker; never rejects. Loads run one at a time. */
  load(planPath: string, opts: LoadOptions): Promise<LoadResult> {
    const run = (): Promise<LoadResult> => this.loadNow(planPath, { soundsDir: opts.soundsDir });
    const p = this.queue.then(run, run);
    this.queue = p;
    return p;
  }

  async close(): Promise<void> {
    const r = this.reader;
    this.reader = undefined;
    if (r) await r.worker.terminate();
  }

  private async loadNow(planPath: string, opts: LoadOptions): Promise<LoadResult> {
    const timeoutMs = this.bounds.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
    const refused = (message: string): LoadResult => ({ ok: false, errors: [{ file: planPath, line: 0, col: 0, message }] });
    const reader = (this.reader ??= startWorker(this.bounds.maxMemoryMb ?? DEFAULT_READER_HEAP_MB));
    try {
      await reader.ready;
    } catch (err) {
      if (this.reader === reader) this.reader = undefined;
      void reader.worker.terminate();
      return refused(`could not be read: ${(err as Error).message}`);
    }
    const worker = reader.worker;
    const id = this.nextId++;
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: LoadResult, broken: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (broken && this.reader === reader) {
          this.reader = undefined;
          void worker.terminate();
        }
        resolve(r);
      };
      const onMessage = (m: { id: number; piece?: PlanPiece; result?: LoadResult; failure?: string }): void => {
        if (m.id !== id) return;
        if (m.piece) {
          reader.receiver.take(m.piece);
          worker.postMessage({ ack: true, id }); // the next piece comes in a task of its own
          return;
        }
        if (!m.result) {
          finish(refused(`could not be read: ${m.failure ?? 'unknown error'}`), false);
          return;
        }
        try {
          finish(rebuild(m.result, reader.receiver), false);
        } catch (err) {
          finish(refused(`could not be read: ${(err as Error).message}`), true); // a new reader starts both sides afresh
        }
      };
      const onError = (err: Error): void => {
        const memory = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(refused(memory ? 'reading the plan needed too much memory and was stopped; expected a plan of a few kilobytes' : `could not be read: ${err.message}`), true);
      };
      const onExit = (code: number): void => finish(refused(`could not be read: the reader stopped (exit code ${code})`), true);
      const timer = setTimeout(
        () => finish(refused(`reading the plan took more than ${timeoutMs / 1000} s and was stopped; expected a plan of a few kilobytes`), true),
        timeoutMs,
      );
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ id, planPath, opts });
    });
  }
}

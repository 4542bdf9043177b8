// The body of the worker thread that reads plans (see offThread.ts): one request at a
// time, answered with the load's result.

import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadPlan, ParseCache, type LoadOptions, type LoadResult } from './load';
import { PlanSender, replacePlans, slotsOf, type PlanPiece } from './transfer';

// A low CPU priority for this thread only (on Linux a priority is per thread): when the
// machine is busy, the daemon's own thread, which carries the calls, goes first (weight
// 1024 against 110). Not the lowest (19): beside two busy processes a read then took
// 10 times longer (the reference plan 5.7 s, a reload 0.2–0.3 s) and a sound plan could
// overrun the reader's bound.
try {
  setPriority(10);
} catch {
  // not permitted here: the plan is still read off the daemon's thread
}

// The YAML parser reads process.env.LOG_TOKENS for every token it meets; on a real
// environment each read is a call into C++. This thread only reads plans: a plain copy
// of its environment reads the same and parses a 434 KB plan in 263 ms instead of 343.
Object.defineProperty(process, 'env', { value: { ...process.env }, writable: true, configurable: true });

// Kept across reloads: a file whose text has not changed is not parsed again.
const cache = new ParseCache();
// Plans go to the daemon's thread as what changed since the last one (transfer.ts).
const sender = new PlanSender();

/** The piece the daemon's thread has not acknowledged yet. */
let awaitingAck: (() => void) | undefined;

/**
 * The result with each plan replaced by its shell, after the shells' pieces, one message
 * each, the next only once the daemon's thread took the last: a port delivers the messages
 * waiting for it in one go, which would read a whole plan in one long task again.
 */
async function send(id: number, result: LoadResult): Promise<void> {
  const pieces: PlanPiece[] = [];
  // offThread.ts puts each plan back in its shell's place.
  const out = replacePlans(result, (slot, plan) => {
    const sent = sender.send(slot, plan as Record<string, unknown>);
    pieces.push(...sent.pieces);
    return sent.shell;
  });
  sender.keepOnly(slotsOf(result));
  for (const piece of pieces) {
    await new Promise<void>((resolve) => {
      awaitingAck = resolve;
      parentPort?.postMessage({ id, piece });
    });
  }
  parentPort?.postMessage({ id, result: out });
}

parentPort?.on('message', (m: { ack?: true; id: number; planPath: string; opts: LoadOptions }) => {
  if (m.ack) {
    const taken = awaitingAck;
    awaitingAck = undefined;
    taken?.();
    return;
  }
  loadPlan(m.planPath, m.opts, cache)
    .then((result) => send(m.id, result))
    .catch((err: unknown) => parentPort?.postMessage({ id: m.id, failure: err instanceof Error ? err.message : String(err) }));
});

// Ready: the reader's time bound starts now, not while this thread was loading its code.
parentPort?.postMessage({ ready: true });

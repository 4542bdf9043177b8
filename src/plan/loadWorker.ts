// The body of the worker thread that reads plans (see offThread.ts): one request at a
// time, answered with the load's result.

import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadPlan, type LoadOptions } from './load';

// Lowest CPU priority for this thread only (on Linux a priority is per thread): when the
// machine is busy, the daemon's own thread, which carries the calls, goes first.
try {
  setPriority(19);
} catch {
  // not permitted here: the plan is still read off the daemon's thread
}

parentPort?.on('message', (m: { id: number; planPath: string; opts: LoadOptions }) => {
  loadPlan(m.planPath, m.opts).then(
    (result) => parentPort?.postMessage({ id: m.id, result }),
    (err: unknown) => parentPort?.postMessage({ id: m.id, failure: err instanceof Error ? err.message : String(err) }),
  );
});

// The flow's timers as the adapter runs them. The flow alone decides when (its
// startTimer / cancelTimer actions, with the instant); the adapter only waits, through
// this port, so a test can run the waits on a clock of its own.

/** Waiting, as the adapter needs it. */
export interface Scheduler {
  after(ms: number, fire: () => void): unknown;
  cancel(handle: unknown): void;
}

export const realTimers: Scheduler = {
  after: (ms, fire) => setTimeout(fire, ms),
  cancel: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One call's pending timers, by the flow's timer id (re-using an id replaces the wait). */
export class CallTimers {
  private readonly pending = new Map<string, unknown>();

  constructor(private readonly scheduler: Scheduler) {}

  start(id: string, delayMs: number, fire: () => void): void {
    this.cancel(id);
    this.pending.set(id, this.scheduler.after(Math.max(0, delayMs), () => {
      this.pending.delete(id);
      fire();
    }));
  }

  cancel(id: string): void {
    const handle = this.pending.get(id);
    if (handle === undefined) return;
    this.scheduler.cancel(handle);
    this.pending.delete(id);
  }

  clear(): void {
    for (const handle of this.pending.values()) this.scheduler.cancel(handle);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}

// The plan in force: loaded at start, reloaded when its files change (the
// watcher copes with editors that save by rename or in several writes) or on
// SIGHUP. A valid plan replaces the old one at once and the log says what
// changed; an invalid one is refused and logged line by line, and the last good
// plan keeps serving. Calls in progress keep the plan they started with.

import { EventEmitter } from 'events';
import type { Logger } from 'pino';
import { summariseDiff } from '../plan/diff';
import type { Plan } from '../plan/types';
import { watchPlan, type PlanEvent, type PlanWatcher, type WatchOptions } from '../plan/watch';

export interface PlanHolderOptions {
  soundsDir: string;
  debounceMs?: number;
  /** Read the plan on a worker thread (see plan/offThread.ts). */
  offThread?: boolean;
  /** Before a valid plan is put in force (render its texts); may refuse it. */
  finish?: WatchOptions['finish'];
}

/** Emits 'changed' (plan: Plan, previous: Plan) after a reload put a new plan in force. */
export class PlanHolder extends EventEmitter {
  private watcher: PlanWatcher | undefined;
  private why = 'start';
  reloadsOk = 0;
  reloadsFailed = 0;

  constructor(private readonly path: string, private readonly options: PlanHolderOptions, private readonly log: Logger) {
    super();
  }

  get current(): Plan | undefined {
    return this.watcher?.current();
  }

  /** Loads the plan and starts watching it; resolves to whether a plan is in force. */
  async start(): Promise<boolean> {
    // watchPlan loads once before it returns: errors of a bad start are logged by onEvent.
    this.watcher = await watchPlan(this.path, this.options, (event) => this.onEvent(event));
    this.why = 'file changed';
    return this.watcher.current() !== undefined;
  }

  async reload(why: string): Promise<void> {
    if (!this.watcher) return;
    this.why = why;
    const event = await this.watcher.reload();
    if (!event) this.log.info({ event: 'plan.unchanged', why, version: this.current?.version ?? null }, `${why}: plan unchanged`);
    this.why = 'file changed';
  }

  private onEvent(event: PlanEvent): void {
    const why = this.why;
    if (event.type === 'rejected') {
      if (event.current) this.reloadsFailed++;
      this.log.error(
        { event: 'plan.rejected', why, path: this.path, errors: event.lines, keptVersion: event.current?.version ?? null, ...(event.practices ? { practices: event.practices } : {}) },
        `${event.practices ? `practice${event.practices.length === 1 ? '' : 's'} ${event.practices.join(', ')}: ` : ''}plan rejected (${event.lines.length} error${event.lines.length === 1 ? '' : 's'})${event.current ? `; still serving version ${event.current.version}` : ''}:\n${event.lines.join('\n')}`,
      );
      return;
    }
    const numbers = Object.keys(event.plan.numbers).length;
    if (event.previous) this.reloadsOk++;
    this.log.info(
      { event: 'plan.loaded', why, path: this.path, version: event.plan.version, previous: event.previous?.version ?? null, numbers, ...(event.plan.practices ? { practices: event.plan.practices } : {}), changes: event.previous ? summariseDiff(event.diff) : undefined },
      event.previous
        ? `plan ${event.plan.version} in force (was ${event.previous.version}): ${summariseDiff(event.diff)}`
        : `plan ${event.plan.version} in force (${numbers} numbers)`,
    );
    if (event.previous) this.emit('changed', event.plan, event.previous);
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
  }
}

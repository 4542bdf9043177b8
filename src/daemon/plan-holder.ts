// The plan in force: loaded at start, reloaded on change (file watcher) or
// SIGHUP. A valid plan replaces the old one at once; an invalid one is refused
// and logged line by line, and the last good plan keeps serving.

import type { Logger } from 'pino';
import { formatError } from '../plan/errors';
import { loadPlan } from '../plan/load';
import type { Plan } from '../plan/types';

export interface PlanHolderOptions {
  soundsDir: string;
}

export class PlanHolder {
  private plan: Plan | undefined;
  reloadsOk = 0;
  reloadsFailed = 0;

  constructor(private readonly path: string, private readonly options: PlanHolderOptions, private readonly log: Logger) {}

  get current(): Plan | undefined {
    return this.plan;
  }

  /** Loads the plan; resolves to whether a plan is in force. */
  async start(): Promise<boolean> {
    await this.reload('start');
    return this.plan !== undefined;
  }

  async reload(why: string): Promise<void> {
    const result = await loadPlan(this.path, { soundsDir: this.options.soundsDir });
    if (!result.ok) {
      this.reloadsFailed++;
      const errors = result.errors.map(formatError);
      this.log.error(
        { event: 'plan.rejected', why, path: this.path, errors, keptVersion: this.plan?.version ?? null },
        `plan rejected (${errors.length} error${errors.length === 1 ? '' : 's'})${this.plan ? `; still serving version ${this.plan.version}` : ''}:\n${errors.join('\n')}`,
      );
      return;
    }
    const previous = this.plan;
    this.plan = result.plan;
    if (previous) this.reloadsOk++;
    this.log.info(
      { event: 'plan.loaded', why, path: this.path, version: result.plan.version, previous: previous?.version ?? null, numbers: Object.keys(result.plan.numbers).length },
      `plan ${result.plan.version} in force (${Object.keys(result.plan.numbers).length} numbers)`,
    );
  }

  async stop(): Promise<void> {
    // the watcher is closed here once it exists
  }
}

// Wires the spoken announcements (src/announce, docs/sounds.md) to the running daemon:
// static texts rendered when a plan is loaded (the plan holder's `finish` hook), the
// texts the next calendar changes will need rendered ahead (at start, at each reload,
// every 15 minutes), and a bounded wait before a play for a text still missing.

import type { Logger } from 'pino';
import { Speaker, speechDir } from '../announce';
import type { Plan } from '../plan/types';
import type { DaemonOptions } from './daemon';
import type { PlanHolder } from './plan-holder';

const PRERENDER_EVERY_MS = 15 * 60_000;

export class SpokenAnnouncements {
  private readonly speaker: Speaker;
  private readonly waitMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: Logger, env: NodeJS.ProcessEnv = process.env) {
    this.speaker = new Speaker(speechDir(env));
    this.waitMs = Number(env.ACCUEIL_SPEECH_WAIT_MS ?? 1500);
  }

  /** For the plan holder: render a plan's static texts before it is put in force (may refuse it). */
  readonly finish = (plan: Plan): ReturnType<Speaker['renderPlan']> => this.speaker.renderPlan(plan);

  /** Renders ahead from now on, for the plan in force; returns what the daemon plays texts with. */
  start(plans: PlanHolder): NonNullable<DaemonOptions['speech']> {
    const prerender = (): void => {
      const plan = plans.current;
      if (!plan) return;
      const t0 = Date.now();
      void this.speaker.prerender(plan, t0).then((n) => {
        if (n > 0) this.log.info({ event: 'speech.prerendered', count: n, ms: Date.now() - t0 }, `${n} calendar text${n === 1 ? '' : 's'} rendered ahead`);
      });
    };
    prerender();
    this.timer = setInterval(prerender, PRERENDER_EVERY_MS);
    this.timer.unref();
    plans.on('changed', prerender);
    return {
      mediaAt: this.speaker.mediaAt.bind(this.speaker),
      prepare: async (media: string[]) => {
        const t0 = Date.now();
        const missing = await this.speaker.prepare(media, this.waitMs);
        for (const m of media) {
          const words = this.speaker.wordsOf(m);
          if (words !== undefined) this.log.info({ event: 'speech.play', media: m, words, waitedMs: Date.now() - t0 }, `saying "${words}"`);
        }
        if (missing.length > 0) this.log.warn({ event: 'speech.missing', media: missing, waitMs: this.waitMs }, `speech not ready after ${this.waitMs} ms: ${missing.join(', ')}`);
      },
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

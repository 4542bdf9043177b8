// The message-waiting lamps of the plan's voicemail boxes: Asterisk is told each box's
// counts (asterisk/mailboxes.ts), and the phones subscribed to it light up. Every box is
// set when the lamps start being followed (at each connection: Asterisk may have
// restarted and forgotten), then at every new message, and every ACCUEIL_MWI_POLL_MS
// for what changed outside the daemon (messages heard or deleted with the CLI).

import type { Logger } from 'pino';
import type { MailboxCounts } from '../asterisk/mailboxes';
import type { VoicemailStore } from '../voicemail';

/** Sets a box's counts where the phones' lamps read them (Asterisk's mailbox). */
export type LampSetter = (box: string, counts: MailboxCounts) => Promise<boolean | void>;

/** How often the boxes are counted again, for changes made outside the daemon (`accueil voicemail heard|delete`). */
const LAMP_POLL_MS = 10_000;

/** ACCUEIL_MWI_POLL_MS: the lamps' recount period (default 10 s). */
export function lampPollMs(env: NodeJS.ProcessEnv): number {
  const ms = Number(env.ACCUEIL_MWI_POLL_MS);
  return Number.isFinite(ms) && ms >= 100 ? ms : LAMP_POLL_MS;
}

export class BoxLamps {
  private lamp: LampSetter | undefined;
  /** box → the counts last given to the lamp ("unheard/heard"). */
  private readonly lit = new Map<string, string>();
  private watched: string[] = [];
  private poll: NodeJS.Timeout | undefined;
  /** One count at a time. */
  private counting: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<VoicemailStore, 'listMessages' | 'boxNames'>,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  /** The lamps of `boxes` (the plan's) follow their messages from now on: every box is set now. */
  follow(setter: LampSetter, boxes: string[]): void {
    this.lamp = setter;
    this.watched = boxes;
    this.lit.clear();
    void this.refresh();
    if (!this.poll) {
      this.poll = setInterval(() => void this.refresh(), this.pollMs);
      this.poll.unref();
    }
  }

  /**
   * The plan changed: its boxes' lamps are followed. A new box is counted at once and lit
   * if it holds messages; an empty one is taken as off without a word to Asterisk (a lamp
   * set is a channel in Asterisk: a plan arriving with 10,000 new boxes must not make
   * 10,000 of them while calls go on). The boxes already followed wait for the next poll.
   */
  watchBoxes(boxes: string[]): void {
    const known = new Set(this.watched);
    this.watched = boxes;
    const added = boxes.filter((box) => !known.has(box));
    if (added.length > 0) this.counting = this.counting.then(() => this.countAndSet(added, { emptyIsOff: true }));
  }

  /** Counts the boxes again (or `only`) and sets the lamps whose counts changed (all of them after `follow`). */
  refresh(only?: string): Promise<void> {
    this.counting = this.counting.then(() => this.countAndSet(only !== undefined ? [only] : this.watched));
    return this.counting;
  }

  stop(): void {
    clearInterval(this.poll);
  }

  private async countAndSet(boxes: string[], opts: { emptyIsOff?: boolean } = {}): Promise<void> {
    if (!this.lamp) return;
    // One listing of the store, rather than a look into the folder of each of 10,000 boxes
    // (a single box, as after each new message, is looked at directly).
    const holding = boxes.length > 1 ? await this.store.boxNames().catch(() => undefined) : undefined;
    for (const box of boxes) {
      try {
        const messages = holding && !holding.has(box) ? [] : await this.store.listMessages({ box });
        const unheard = messages.filter((m) => !m.heard).length;
        const counts = { unheard, heard: messages.length - unheard };
        const key = `${counts.unheard}/${counts.heard}`;
        if (opts.emptyIsOff && messages.length === 0 && !this.lit.has(box)) this.lit.set(box, key);
        if (this.lit.get(box) === key) continue;
        // Remembered only once Asterisk took it: a failure is tried again at the next count.
        if ((await this.lamp(box, counts)) !== false) this.lit.set(box, key);
      } catch (err) {
        this.log.warn({ event: 'mwi.count_failed', box, error: (err as Error).message }, `could not set the lamp of ${box}`);
      }
    }
  }
}

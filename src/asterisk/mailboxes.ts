// The message-waiting lamp of a voicemail box's phones. Accueil keeps the
// messages; Asterisk only has to know how many wait, per mailbox
// `<box>@accueil`, and tells the phones subscribed to it (pjsip `mailboxes=`).
//
// Through ARI's mailboxes resource where Asterisk has it (res_ari_mailboxes,
// with res_mwi_external). Debian's Asterisk ships neither, so otherwise the
// count is published by the dialplan: a Local channel into [accueil-mwi],
// whose MinivmMWI() (app_minivm) publishes the same mailbox state.

import type { Logger } from 'pino';
import type { AriConnection } from './connection';

/** The mailbox context of Accueil's boxes: a box `dr-martin` is mailbox `dr-martin@accueil`. */
export const MAILBOX_CONTEXT = 'accueil';

/** Dialplan context of the fallback publisher (asterisk/conf/extensions.conf). */
const MWI_DIALPLAN_CONTEXT = 'accueil-mwi';

export interface MailboxCounts {
  /** Messages not heard yet: the lamp is on while there are any. */
  unheard: number;
  heard: number;
}

export function mailboxOf(box: string): string {
  return `${box}@${MAILBOX_CONTEXT}`;
}

type MailboxesResource = { update(p: Record<string, unknown>): Promise<unknown> };

export class MailboxLamps {
  /** How counts reach Asterisk: found at the first use (ARI's description lists mailboxes even when the module is not loaded). */
  private through: 'ari' | 'dialplan' | undefined;
  /** Boxes whose last attempt failed (logged once until one succeeds). */
  private readonly failing = new Set<string>();

  constructor(
    private readonly ari: AriConnection,
    private readonly log: Logger,
  ) {}

  /** Sets the box's counts in Asterisk; the phones' lamps follow. Never throws (a lamp is not worth a caller): false if Asterisk did not take it. */
  async set(box: string, counts: MailboxCounts): Promise<boolean> {
    const mailbox = mailboxOf(box);
    try {
      if (this.through !== 'dialplan') {
        const done = await this.throughAri(mailbox, counts);
        if (done) this.through = 'ari';
        else this.through = 'dialplan';
      }
      if (this.through === 'dialplan') await this.throughDialplan(mailbox, counts);
    } catch (err) {
      if (!this.failing.has(box)) this.log.warn({ event: 'mwi.failed', box, mailbox, error: (err as Error).message }, `could not set the message-waiting state of ${mailbox}`);
      this.failing.add(box);
      return false;
    }
    this.failing.delete(box);
    this.log.info({ event: 'mwi.set', box, mailbox, ...counts, through: this.through }, `${mailbox}: ${counts.unheard} new, ${counts.heard} heard`);
    return true;
  }

  /** false when this Asterisk has no mailboxes resource (not described, or 404: res_ari_mailboxes not loaded). */
  private async throughAri(mailbox: string, counts: MailboxCounts): Promise<boolean> {
    return this.ari.request('mailbox', async (c) => {
      const mailboxes = (c as unknown as { mailboxes?: MailboxesResource }).mailboxes;
      if (!mailboxes) return false;
      try {
        await mailboxes.update({ mailboxName: mailbox, newMessages: counts.unheard, oldMessages: counts.heard });
        return true;
      } catch (err) {
        if (/not found/i.test((err as Error).message)) return false;
        throw err;
      }
    });
  }

  /** A Local channel into [accueil-mwi]: its MinivmMWI() publishes the counts; it hangs up at once. */
  private async throughDialplan(mailbox: string, counts: MailboxCounts): Promise<void> {
    await this.ari.request('mwi originate', (c) =>
      c.channels.originate({
        endpoint: `Local/publish@${MWI_DIALPLAN_CONTEXT}`,
        context: MWI_DIALPLAN_CONTEXT,
        extension: 'done',
        priority: 1,
        variables: { ACCUEIL_MWI_MAILBOX: mailbox, ACCUEIL_MWI_NEW: String(counts.unheard), ACCUEIL_MWI_OLD: String(counts.heard) } as never,
      } as never),
    );
  }
}

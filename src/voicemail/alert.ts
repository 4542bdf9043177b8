// The mail that tells a box's owner a message could not be stored: who called,
// when, and that the recording is kept in Asterisk and retried. No audio (it
// could not be read); the usual notification follows once the message is stored.

import { DateTime } from 'luxon';
import type { SendMailOptions } from 'nodemailer';
import { formatCaller } from '../flow/numbers';
import type { VoicemailBox } from '../plan/types';
import { formatLength, type MailContext } from './mail';
import type { PendingMessage } from './pending';

/** Untrusted text as one bounded line (no control characters: nothing can pose as a line of its own). */
function oneLine(text: string, max: number): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').slice(0, max);
}

export function storeFailedMail(message: PendingMessage, box: VoicemailBox, from: string, ctx: MailContext): SendMailOptions {
  const who = message.calledName || box.name;
  const caller = message.caller.trim() ? oneLine(formatCaller(message.caller, ctx.country), 40) : 'numéro masqué';
  const at = DateTime.fromMillis(message.startedAt, ctx.timeZone ? { zone: ctx.timeZone } : {}).setLocale('fr');
  const text = [
    `Un message laissé pour ${who} n'a pas pu être enregistré (a message could not be stored).`,
    '',
    `De : ${caller}`,
    `Numéro appelé : ${oneLine(message.called, 40)}`,
    `Le : ${at.toFormat("cccc d LLLL yyyy 'à' HH:mm")}`,
    `Durée : ${formatLength(message.durationMs)}`,
    '',
    "L'enregistrement est conservé par Asterisk et Accueil réessaie ; vous recevrez le message habituel dès qu'il sera enregistré.",
    `Raison : ${oneLine(message.lastError ?? 'inconnue', 300)}`,
    `Référence : ${message.recording} (boîte ${message.box}).`,
  ].join('\n');
  return {
    from,
    to: box.notify.email,
    subject: `Message non enregistré pour ${who} — a message could not be stored`,
    text,
    headers: { 'X-Accueil-Alert': 'store-failed', 'X-Accueil-Box': message.box },
  };
}

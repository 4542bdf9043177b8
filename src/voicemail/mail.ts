// E-mail for a new message: SMTP settings from the environment (secrets stay out of the
// plan), and the mail itself — French text, the recording attached.

import { DateTime } from 'luxon';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { formatCaller } from '../flow/numbers';
import type { VoicemailBox } from '../plan/types';
import type { MessageMetadata } from './store';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); false = plain, upgraded by STARTTLS when offered. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}

/**
 * SMTP_HOST, SMTP_PORT (default 465 if secure, else 587), SMTP_SECURE (default: port 465),
 * SMTP_USER, SMTP_PASSWORD, SMTP_FROM (default SMTP_USER, else accueil@localhost).
 * Undefined when SMTP_HOST is not set: e-mail notification is off.
 */
export function smtpFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | undefined {
  const host = env.SMTP_HOST?.trim();
  if (!host) return undefined;
  const securePref = flag(env.SMTP_SECURE);
  const port = env.SMTP_PORT ? Number(env.SMTP_PORT) : securePref ? 465 : 587;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`SMTP_PORT "${env.SMTP_PORT}" is not a port number`);
  const user = env.SMTP_USER || undefined;
  return {
    host,
    port,
    secure: securePref ?? port === 465,
    ...(user ? { user } : {}),
    ...(env.SMTP_PASSWORD ? { password: env.SMTP_PASSWORD } : {}),
    from: env.SMTP_FROM || user || 'accueil@localhost',
  };
}

/** The nodemailer SMTP transport of these settings (shared by voicemail and missed-call notices). */
export function smtpTransport(smtp: SmtpSettings, timeoutMs: number): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/** "0:05", "12:34": how a person reads a message's length. */
export function formatLength(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface MailContext {
  /** Country for reading the caller's number (the plan's). */
  country: string;
  /** Zone in which the date is written (the plan's). */
  timeZone?: string;
}

export function recipientName(message: MessageMetadata, box: VoicemailBox): string {
  return message.calledName || box.name;
}

/** Longest caller text the mail quotes (the network's text, when it is not a number). */
export const MAX_QUOTED_CALLER = 40;

/**
 * The caller as a mail shows it: a phone number, or the text the network sent quoted as
 * data — control characters removed, bounded, labelled — so that "Rappelez le 08 99…"
 * cannot pass for a line of the mail.
 */
export function callerForMail(raw: string, country: string): { text: string; isNumber: boolean } {
  const t = raw.trim();
  if (!t) return { text: 'numéro masqué', isNumber: false };
  // Only what is written as a number is one (libphonenumber would find a number inside any text).
  const shown = /^[+\d\s().-]+$/.test(t) ? formatCaller(t, country) : '';
  if (/^\+?[\d ]+$/.test(shown)) return { text: shown, isNumber: true };
  const clean = [...t.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069«»"]/g, ' ').replace(/\s+/g, ' ')].slice(0, MAX_QUOTED_CALLER).join('');
  return { text: `« ${clean} » (texte transmis par le réseau, pas un numéro vérifié)`, isNumber: false };
}

export function mailSubject(message: MessageMetadata, box: VoicemailBox, ctx: MailContext): string {
  const caller = callerForMail(message.caller, ctx.country);
  const from = !message.caller.trim() ? "d'un numéro masqué" : caller.isNumber ? `de ${caller.text}` : "d'un appelant sans numéro";
  return `Nouveau message pour ${recipientName(message, box)} ${from} (${formatLength(message.durationMs)})`;
}

export function mailFor(message: MessageMetadata & { audioPath: string }, box: VoicemailBox, from: string, ctx: MailContext): SendMailOptions {
  const at = DateTime.fromISO(message.start, ctx.timeZone ? { zone: ctx.timeZone } : {}).setLocale('fr');
  const caller = callerForMail(message.caller, ctx.country).text;
  const text = [
    `Un message a été laissé pour ${recipientName(message, box)}.`,
    '',
    `De : ${caller}`,
    `Numéro appelé : ${message.called}`,
    `Le : ${at.toFormat("cccc d LLLL yyyy 'à' HH:mm")}`,
    `Durée : ${formatLength(message.durationMs)}`,
    '',
    `L'enregistrement est joint. Référence du message : ${message.id} (boîte ${message.box}).`,
  ].join('\n');
  return {
    from,
    to: box.notify.email,
    subject: mailSubject(message, box, ctx),
    text,
    attachments: [{ filename: `message-${message.id}.wav`, path: message.audioPath, contentType: 'audio/wav' }],
    headers: { 'X-Accueil-Message-Id': message.id, 'X-Accueil-Box': message.box },
  };
}

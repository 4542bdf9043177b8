// Where voicemail lives on disk: the daemon's message store, and the folder where
// Asterisk writes its recordings as the daemon sees it (in the sandbox, Asterisk runs
// in its own root filesystem, so its /var/spool/asterisk/recording is elsewhere for us).

import * as path from 'node:path';

export const DEFAULT_VOICEMAIL_DIR = '/var/lib/accueil/voicemail';
export const DEFAULT_RECORDINGS_DIR = '/var/spool/asterisk/recording';

/** The message store: ACCUEIL_VOICEMAIL_DIR, else /var/lib/accueil/voicemail. */
export function voicemailDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ACCUEIL_VOICEMAIL_DIR || DEFAULT_VOICEMAIL_DIR;
}

/**
 * Asterisk's recording folder as the daemon sees it: ACCUEIL_RECORDINGS_DIR, else
 * /var/spool/asterisk/recording. Sandbox: `$(cat /var/cache/accueil/sandbox/state/root)/var/spool/asterisk/recording`.
 */
export function recordingsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ACCUEIL_RECORDINGS_DIR || DEFAULT_RECORDINGS_DIR;
}

/**
 * A name used as one path component must not climb out of its folder: names come from
 * the plan (box names) or from ARI events (recording names), neither fully trusted.
 */
export function assertSafeName(name: string, what: string): void {
  if (name === '' || name.startsWith('.') || /[/\\\0]/.test(name)) {
    throw new Error(`${what} "${name}" cannot be used as a file name`);
  }
}

/** The WAV file Asterisk wrote for a recording started with `channels.record({ name, format: 'wav' })`. */
export function recordingPathFor(name: string, recordingsDir: string): string {
  assertSafeName(name, 'recording name');
  return path.join(recordingsDir, `${name}.wav`);
}

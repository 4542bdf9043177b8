// Sound references: an announcement name, a file of the sounds folder (without extension),
// or "asterisk:<prompt>". Pure: the loader lists the folder once and passes the names in.

import type { Sound } from './types';
import { didYouMean } from './suggest';

export const SOUND_EXTENSIONS = ['.wav', '.gsm', '.ulaw', '.alaw', '.sln16', '.g722'];

export interface SoundIndex {
  /** The folder as the user knows it, for messages. */
  dir: string;
  /** False when the folder does not exist or cannot be read. */
  exists: boolean;
  /** Names relative to the folder, without extension, "/"-separated ("fr/bienvenue"). */
  names: Set<string>;
}

export type SoundResult = { ok: true; sound: Sound } | { ok: false; why: string };

/** Resolve a sound that is not an announcement name. */
export function resolveSound(ref: string, index: SoundIndex, announcements: Iterable<string> = []): SoundResult {
  if (ref.startsWith('asterisk:')) {
    const prompt = ref.slice('asterisk:'.length);
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prompt)) {
      return { ok: false, why: `found "${ref}", expected an Asterisk prompt name such as "asterisk:vm-intro"` };
    }
    return { ok: true, sound: { media: prompt, name: ref } };
  }
  if (/^([/\\]|[A-Za-z]:[/\\]|~)/.test(ref)) {
    return { ok: false, why: `found the path "${ref}": sounds must be names inside the sounds folder "${index.dir}", not absolute paths` };
  }
  if (ref.includes('\\') || ref.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    return { ok: false, why: `found "${ref}", which tries to leave the sounds folder "${index.dir}"; expected a name inside it such as "bienvenue"` };
  }
  const ext = SOUND_EXTENSIONS.find((e) => ref.toLowerCase().endsWith(e));
  if (ext) {
    return { ok: false, why: `found "${ref}", expected the sound's name without extension: "${ref.slice(0, -ext.length)}"` };
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/.test(ref)) {
    return { ok: false, why: `found "${ref}", expected a sound name made of letters, digits, "-", "_" and "."` };
  }
  if (!index.exists) {
    return { ok: false, why: `sound "${ref}" not found: the sounds folder "${index.dir}" does not exist` };
  }
  if (!index.names.has(ref)) {
    return {
      ok: false,
      why: `sound "${ref}" not found: no announcement of that name and no file ${ref}.wav (or ${SOUND_EXTENSIONS.slice(1).join(', ')}) in the sounds folder "${index.dir}"${didYouMean(ref, [...index.names, ...announcements])}`,
    };
  }
  return { ok: true, sound: { media: `accueil/${ref}`, name: ref } };
}

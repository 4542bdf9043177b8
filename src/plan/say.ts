// `{ say: "text" }`: the shape of a text announcement and its calendar placeholders.
// Pure: whether the text can actually be spoken is decided by src/announce (the engine).

import { createHash } from 'node:crypto';
import { SAY_PLACEHOLDERS, type SayPlaceholder } from './types';

/** Longer texts are recordings, not announcements: ~1 minute of speech. */
export const MAX_SAY_CHARS = 1000;

export type SayResult = { ok: true; text: string; placeholders: SayPlaceholder[] } | { ok: false; why: string };

export function parseSay(raw: string, language: string): SayResult {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') return { ok: false, why: 'found an empty text, expected words to say such as "Le cabinet est fermé."' };
  if (text.length > MAX_SAY_CHARS) {
    return { ok: false, why: `found a text of ${text.length} characters, expected at most ${MAX_SAY_CHARS} (about a minute of speech; record a longer message and import it with "accueil sound import")` };
  }
  const placeholders: SayPlaceholder[] = [];
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    const name = m[1]!;
    if (!(SAY_PLACEHOLDERS as readonly string[]).includes(name)) {
      return { ok: false, why: `found the placeholder "{${name}}", expected one of ${SAY_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}` };
    }
    placeholders.push(name as SayPlaceholder);
  }
  const stray = text.replace(/\{[^{}]*\}/g, '').match(/[{}]/);
  if (stray) return { ok: false, why: `found a lone "${stray[0]}", expected placeholders written whole such as "{reopen}"` };
  if (placeholders.length > 0 && language !== 'fr') {
    return { ok: false, why: `found the placeholder "{${placeholders[0]}}" in a plan whose language is "${language}": calendar placeholders are spoken in French only (language: fr)` };
  }
  return { ok: true, text, placeholders };
}

/** The implicit announcement of a `{ say }` written in place of a sound name: same text, same name. */
export function sayAnnouncementName(text: string): string {
  return `say-${createHash('sha256').update(text).digest('hex').slice(0, 10)}`;
}

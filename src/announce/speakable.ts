// What the offline voice can say (pure): a `say:` text either becomes the words given to
// the engine, or is refused with a reason the plan's error shows at its FILE:LINE:COL.

/** Letters of any script, digits, spaces and the punctuation a voice reads or pauses on. */
const SPEAKABLE = /^[\p{L}\p{M}\p{N} .,;:!?'’"«»()\-–—/%€$&+@°]*$/u;

export type Speakable = { ok: true; words: string } | { ok: false; why: string };

/**
 * The words for the engine: written hours ("8 h 30", "14 h") are said in full, since a
 * voice reads a lone "h" as a letter. `text` has its placeholders already filled.
 */
export function speakable(text: string): Speakable {
  const words = text.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(words)) {
    return { ok: false, why: `cannot be synthesised: ${words === '' ? 'the text is empty' : `"${words}" has no word to say`}; expected words such as "Le cabinet est fermé."` };
  }
  if (!SPEAKABLE.test(words)) {
    const bad = [...words].find((c) => !SPEAKABLE.test(c)) ?? '?';
    const code = `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return { ok: false, why: `cannot be synthesised: the character "${bad}" (${code}) cannot be spoken; expected letters, digits and punctuation` };
  }
  return { ok: true, words: words.replace(/\b(\d{1,2}) h (\d{2})\b/g, '$1 heures $2').replace(/\b(\d{1,2}) h\b/g, (_, h: string) => `${h} heure${Number(h) > 1 ? 's' : ''}`) };
}

// The `studio:` section: a number the practice manager calls to record announcements
// by phone (PIN from the environment, choose by key, record, listen, keep or redo).
// Its prompts are texts the offline voice says, built here so they are rendered and
// checked when the plan is loaded, like any `say:` text.

import { normaliseNumber } from './numbers';
import { parseSay } from './say';
import type { BuildSite } from './trunks';
import type { Announcement, SourceRef, Sound, Studio, StudioPrompt } from './types';
import { pointer } from './yamlTree';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys 1 to 9 choose an announcement. */
export const MAX_STUDIO_ANNOUNCEMENTS = 9;

export interface StudioSite extends BuildSite {
  pos(ptr: string): SourceRef;
}

/** How an announcement's name is said in the studio's list ("ferme-dr-martin" → "ferme dr martin"). */
export function spokenName(name: string): string {
  return name.replace(/[-_./]+/g, ' ').trim();
}

function promptTexts(announcements: string[]): Record<StudioPrompt, string> {
  const choices = announcements.map((a, i) => `Pour l'annonce ${spokenName(a)}, tapez ${i + 1}.`).join(' ');
  return {
    pin: 'Studio des annonces. Tapez votre code, puis dièse.',
    wrongPin: 'Code incorrect.',
    noPin: "Le studio n'a pas de code configuré. Au revoir.",
    menu: `${choices} Pour terminer, raccrochez.`,
    record: 'Parlez après le bip. Tapez dièse quand vous avez terminé.',
    review: "Pour garder cet enregistrement, tapez 1. Pour recommencer, tapez 2. Pour l'écouter à nouveau, tapez 3.",
    kept: "Annonce enregistrée. Les prochains appels l'entendront.",
    goodbye: 'Au revoir.',
  };
}

/** The studio, or undefined when the plan has none or it is wrong (reported on `site`). */
export function buildStudio(site: StudioSite, country: string, numbers: ReadonlySet<string>, announcements: Record<string, Announcement>): Studio | undefined {
  const o = site.value('/studio');
  if (!isObj(o) || typeof o.number !== 'string' || typeof o.pin_from_env !== 'string') return undefined; // shape: the schema
  let ok = true;
  const number = normaliseNumber(o.number, country);
  if (!number) {
    site.error('/studio/number', `found "${o.number}", expected a phone number such as "+33 1 42 00 00 09" (country ${country})`);
    ok = false;
  } else if (numbers.has(number)) {
    site.error('/studio/number', `"${o.number}" (${number}) is also a public number under numbers; expected a number of its own for the studio`);
    ok = false;
  }
  if (!/^[A-Z_][A-Z0-9_]*$/.test(o.pin_from_env)) {
    site.error('/studio/pin_from_env', `found "${o.pin_from_env}", expected the name of an environment variable such as ACCUEIL_STUDIO_PIN (the PIN itself never goes in the plan)`);
    ok = false;
  }
  // Named announcements only: a text written in place has no name to record it under.
  const named = Object.keys(announcements).filter((a) => !a.startsWith('say-') && !a.includes(':'));
  let chosen: string[];
  if (Array.isArray(o.announcements)) {
    chosen = [];
    o.announcements.forEach((a, i) => {
      if (typeof a !== 'string') return;
      if (!announcements[a]) {
        site.error(pointer('/studio/announcements', i), `unknown announcement "${a}"; expected one the plan plays: ${named.slice(0, 8).join(', ')}${named.length > 8 ? ', …' : ''}`);
        ok = false;
      } else if (chosen.includes(a)) {
        site.error(pointer('/studio/announcements', i), `"${a}" is listed twice; expected each announcement once`);
        ok = false;
      } else chosen.push(a);
    });
  } else {
    chosen = named;
    if (chosen.length > MAX_STUDIO_ANNOUNCEMENTS) {
      site.error('/studio', `the plan has ${chosen.length} announcements and keys 1 to 9 choose one; expected "announcements:" listing the ${MAX_STUDIO_ANNOUNCEMENTS} at most that may be recorded`, true);
      ok = false;
    } else if (chosen.length === 0) {
      site.error('/studio', 'the plan names no announcement to record; expected announcements under "announcements:" or a number\'s greeting', true);
      ok = false;
    }
  }
  if (!ok || !number) return undefined;
  const at = site.pos('/studio');
  const texts = promptTexts(chosen);
  const prompts = {} as Record<StudioPrompt, Sound[]>;
  for (const [key, raw] of Object.entries(texts) as [StudioPrompt, string][]) {
    const said = parseSay(raw, 'fr');
    if (!said.ok) {
      site.error('/studio', `the studio's prompt "${key}" cannot be said: ${said.why}`, true);
      return undefined;
    }
    prompts[key] = [{ media: '', name: `studio:${key}`, say: { text: said.text, language: 'fr', placeholders: [], at: { file: at.file, line: at.line, col: at.col }, field: `studio (its ${key} prompt)` } }];
  }
  return { number, written: o.number, pinEnv: o.pin_from_env, announcements: chosen, prompts };
}

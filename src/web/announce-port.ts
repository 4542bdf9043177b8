// The page's "change the text" of an announcement, through the text announcements
// (src/announce): a named announcement gets `announcements.<name>: { say: … }` (an
// explicit announcement wins over a sound file of the same name); a text written in
// place (`greeting: { say: … }`) is changed where it is written.

import { speakable } from '../announce/speakable';
import type { PlanEdit } from '../plan/edit';
import type { Plan } from '../plan/types';
import type { AnnouncementTexts } from './ports';

/**
 * A JSON pointer of the plan → the path of a plan edit. Digits become numbers: list
 * positions, and the menu keys YAML reads as numbers (an unquoted `1:`).
 */
export function editPathOf(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

export class SpokenTexts implements AnnouncementTexts {
  textOf(plan: Plan, announcement: string): string | undefined {
    const sounds = plan.announcements[announcement]?.sounds ?? [];
    return sounds.length === 1 ? sounds[0]!.say?.text : undefined;
  }

  /** Why the voice cannot say `text`, in French for the page; undefined = it can. */
  problem(text: string): string | undefined {
    const r = speakable(text.replace(/\{\w+\}/g, ' '));
    return r.ok ? undefined : 'ce texte ne peut pas être lu par la voix de synthèse (texte vide, ou caractère qui ne se prononce pas).';
  }

  editsFor(plan: Plan, announcement: string, text: string): PlanEdit[] {
    const sounds = plan.announcements[announcement]?.sounds ?? [];
    const inPlace = sounds.length === 1 ? sounds[0]!.say?.pointer : undefined;
    // A text written in place (its announcement has no name of its own in the plan).
    if (inPlace && announcement.startsWith('say-')) return [{ op: 'set', path: editPathOf(inPlace), value: text.trim() }];
    return [{ op: 'set', path: ['announcements', announcement], value: { say: text.trim() } }];
  }
}

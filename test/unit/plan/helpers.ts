import { planFromSources, formatError, type PlanEvent } from '../../../src/plan';
import type { SoundIndex } from '../../../src/plan/sounds';

export const sounds: SoundIndex = {
  dir: 'sounds',
  exists: true,
  names: new Set(['bienvenue', 'ferme', 'attente', 'messagerie', 'menu', 'fr/bonjour']),
};

/** Error lines of a one-file plan `p.yaml`. */
export function errorsOf(text: string): string[] {
  const r = planFromSources([{ file: 'p.yaml', text }], sounds);
  return r.ok ? [] : r.errors.map(formatError);
}

export function planOf(text: string) {
  const r = planFromSources([{ file: 'p.yaml', text }], sounds);
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return r.plan;
}

/** A small valid plan; tests append or replace lines to break it in one place. */
export const BASE = `timezone: Europe/Paris
lines:
  secretariat: { endpoint: PJSIP/secretariat }
  dr: { endpoint: PJSIP/dr }
numbers:
  "+33 1 42 00 00 01":
    name: Cabinet
    greeting: bienvenue
    calendar: cab
    open: { group: g }
    closed: { announcement: ferme, then: { voicemail: vm } }
calendars:
  cab:
    weekly: { mon-fri: [08:30-12:30, 14:00-19:00] }
    holidays: FR
groups:
  g:
    lines: [secretariat]
    max_wait: 30s
    overflow: { line: dr, timeout: 20s, then: { voicemail: vm } }
voicemail:
  vm: { greeting: messagerie }
`;

/** "Billion laughs": 9 aliases × 10 levels, 9^10 values once expanded. */
export const ALIAS_BOMB = [
  'a0: &a0 [x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`),
].join('\n') + '\n';

/** The events a watcher sends, taken one at a time in order: `next()` rejects with "no plan event" after `timeoutMs`. */
export function planEvents(): { onChange: (e: PlanEvent) => void; next: (timeoutMs?: number) => Promise<PlanEvent> } {
  const events: PlanEvent[] = [];
  const waiters: ((e: PlanEvent) => void)[] = [];
  return {
    onChange: (e) => {
      const w = waiters.shift();
      if (w) w(e);
      else events.push(e);
    },
    next: (timeoutMs = 5000) => {
      const queued = events.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no plan event')), timeoutMs);
        waiters.push((e) => {
          clearTimeout(t);
          resolve(e);
        });
      });
    },
  };
}

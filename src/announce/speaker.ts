// The rendered speech of a plan: static `say:` texts at load (a text that cannot be
// spoken refuses the plan at its FILE:LINE:COL), texts with calendar placeholders named
// at call time and rendered ahead (the next calendar changes), with a bounded wait for
// one still missing when a caller needs it.
//
// Files: `<dir>/<hash>.wav`, hash of (engine, voice, words); Asterisk plays them as
// `accueil-say/<hash>` (its sounds folder's accueil-say/ is this dir: see docs/sounds.md).

import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fillPlaceholders, nextChangeMs } from '../calendar';
import type { Plan, Sound } from '../plan/types';
import { sortErrors, type PlanError } from '../plan/errors';
import { pickEngine, synthesise, type Engine } from './engine';
import { speakable } from './speakable';

export const SPEECH_MEDIA_PREFIX = 'accueil-say/';
export const DEFAULT_SPEECH_DIR = '/var/lib/accueil/speech';

/** Where rendered speech is written: ACCUEIL_SPEECH_DIR, else /var/lib/accueil/speech (the daemon) or a temp folder (`accueil check`). */
export function speechDir(env: NodeJS.ProcessEnv = process.env, forCheck = false): string {
  return env.ACCUEIL_SPEECH_DIR || (forCheck ? path.join(os.tmpdir(), 'accueil-speech') : DEFAULT_SPEECH_DIR);
}

export type RenderResult = { ok: true; plan: Plan } | { ok: false; errors: PlanError[] };

export class Speaker {
  /** media → words and voice, for texts named but perhaps not rendered yet. */
  private readonly words = new Map<string, { words: string; engine: Engine }>();
  private readonly rendering = new Map<string, Promise<void>>();
  private readonly done = new Set<string>();
  private readonly engines = new Map<string, Engine | string>();

  constructor(readonly dir: string, private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The voice for a language, or why there is none. */
  engine(language = 'fr'): Engine | string {
    let e = this.engines.get(language);
    if (e === undefined) this.engines.set(language, (e = pickEngine(language, this.env)));
    return e;
  }

  /** The media naming these words (a pure name: the file may not exist yet). */
  mediaFor(words: string, language = 'fr'): string {
    const engine = this.engine(language);
    const e = typeof engine === 'string' ? { name: 'none', voice: language } : engine;
    const hash = createHash('sha256').update(`${e.name}\0${e.voice}\0${words}`).digest('hex').slice(0, 16);
    const media = `${SPEECH_MEDIA_PREFIX}${hash}`;
    if (!this.words.has(media) && typeof engine !== 'string') this.words.set(media, { words, engine });
    return media;
  }

  /** The words a speech media says (for the journal), if this speaker named it. */
  wordsOf(media: string): string | undefined {
    return this.words.get(media)?.words;
  }

  fileOf(media: string): string {
    return path.join(this.dir, `${media.slice(SPEECH_MEDIA_PREFIX.length)}.wav`);
  }

  /** Render the words of `media` unless its file exists; one render per media at a time. */
  ensure(media: string): Promise<void> {
    if (this.done.has(media)) return Promise.resolve();
    const pending = this.rendering.get(media);
    if (pending) return pending;
    const named = this.words.get(media);
    if (named === undefined) return Promise.resolve(); // not ours (a recorded sound), or no voice (reported at load)
    const file = this.fileOf(media);
    if (existsSync(file)) {
      this.done.add(media);
      return Promise.resolve();
    }
    const p = synthesise(named.engine, named.words, file).then(
      () => {
        this.done.add(media);
        this.rendering.delete(media);
      },
      (err: unknown) => {
        this.rendering.delete(media);
        throw err;
      },
    );
    this.rendering.set(media, p);
    return p;
  }

  /**
   * Before a play: the speech media among `media` rendered, waiting at most `boundMs`
   * (a missing one then plays as silence rather than keep the caller waiting). Resolves
   * with the media still missing.
   */
  async prepare(media: string[], boundMs: number): Promise<string[]> {
    const ours = media.filter((m) => m.startsWith(SPEECH_MEDIA_PREFIX) && !this.done.has(m));
    if (ours.length === 0) return [];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(ours.map((m) => this.ensure(m))),
      new Promise((resolve) => (timer = setTimeout(resolve, boundMs))),
    ]);
    clearTimeout(timer);
    return ours.filter((m) => !this.done.has(m));
  }

  /** The static texts of a plan rendered and named in its sounds; errors at each text's place. */
  async renderPlan(plan: Plan): Promise<RenderResult> {
    const errors: PlanError[] = [];
    const announcements: Plan['announcements'] = {};
    for (const [name, a] of Object.entries(plan.announcements)) {
      const sounds: Sound[] = [];
      for (const s of a.sounds) sounds.push(s.say ? await this.renderSound(s, errors) : s);
      announcements[name] = { ...a, sounds };
    }
    let studio = plan.studio;
    if (studio) {
      const prompts = { ...studio.prompts };
      for (const key of Object.keys(prompts) as (keyof typeof prompts)[]) {
        const sounds: Sound[] = [];
        for (const s of prompts[key]) sounds.push(s.say ? await this.renderSound(s, errors) : s);
        prompts[key] = sounds;
      }
      studio = { ...studio, prompts };
    }
    if (errors.length > 0) return { ok: false, errors: sortErrors(dedupe(errors)) };
    return { ok: true, plan: { ...plan, announcements, ...(studio ? { studio } : {}) } };
  }

  private async renderSound(s: Sound, errors: PlanError[]): Promise<Sound> {
    const say = s.say!;
    const at = say.at;
    // A text with placeholders is checked with sample phrases (the calendar's are words and digits).
    const sample = say.placeholders.length > 0 ? fillPlaceholders(say.text, undefined, 0) : say.text;
    const sp = speakable(sample);
    if (!sp.ok) {
      errors.push({ ...at, message: `${say.field}: ${sp.why}` });
      return s;
    }
    const engine = this.engine(say.language);
    if (typeof engine === 'string') {
      errors.push({ ...at, message: `${say.field}: cannot be synthesised: ${engine}` });
      return s;
    }
    const media = this.mediaFor(sp.words, say.language);
    try {
      await this.ensure(media);
    } catch (err) {
      errors.push({ ...at, message: `${say.field}: cannot be synthesised: ${(err as Error).message}` });
      return s;
    }
    return say.placeholders.length > 0 ? s : { ...s, media };
  }

  /** The media a text with placeholders names at `at` for this calendar (pure naming; rendering is `ensure`). */
  mediaAt(text: string, plan: Plan, calendar: string | undefined, at: number): string {
    const cal = calendar === undefined ? undefined : plan.calendars[calendar];
    const sp = speakable(fillPlaceholders(text, cal, at));
    return this.mediaFor(sp.ok ? sp.words : text, plan.language);
  }

  /**
   * Render ahead what the texts with placeholders will say from `now` until past the
   * next calendar changes and local midnights (where the words change): the small set
   * a caller may need before the next pass. Resolves with how many were rendered.
   */
  async prerender(plan: Plan, now: number): Promise<number> {
    const templates = Object.values(plan.announcements).flatMap((a) => a.sounds).filter((s) => s.say && s.say.placeholders.length > 0);
    if (templates.length === 0) return 0;
    const calendars: (string | undefined)[] = [...new Set(Object.values(plan.numbers).map((n) => n.calendar))];
    if (plan.default) calendars.push(undefined);
    const media = new Set<string>();
    for (const cal of [...new Set(calendars)]) {
      for (const t of instantsAhead(plan, cal, now)) {
        for (const s of templates) media.add(this.mediaAt(s.say!.text, plan, cal, t));
      }
    }
    let rendered = 0;
    for (const m of media) {
      if (this.done.has(m)) continue;
      await this.ensure(m).then(() => rendered++, () => undefined);
    }
    return rendered;
  }
}

/** Now, each of the next 3 calendar changes, and the next 2 local midnights (+1 s): where filled texts change. */
export function instantsAhead(plan: Plan, calendarName: string | undefined, now: number): number[] {
  const out = [now];
  const cal = calendarName === undefined ? undefined : plan.calendars[calendarName];
  if (!cal) return out;
  let t = now;
  for (let i = 0; i < 3; i++) {
    const next = nextChangeMs(cal, t, 31);
    if (next === null) break;
    out.push(next + 1000);
    t = next;
  }
  const day = DateTime.fromMillis(now, { zone: cal.timezone }).startOf('day');
  for (let i = 1; i <= 2; i++) out.push(day.plus({ days: i }).toMillis() + 1000);
  return out;
}

function dedupe(errors: PlanError[]): PlanError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.file}:${e.line}:${e.col}:${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// Semantic checks and conversion of the merged plan data into the typed Plan.
// Runs even when the schema found errors, so that all errors come out at once: every
// reader here is defensive and silently skips values of the wrong type (the schema
// check already reported them).

import type { Announcement, Line, Plan, Sound, Trunk } from './types';
import { SPEECH_LANGUAGES } from './types';
import { parseSay, sayAnnouncementName } from './say';
import { buildStudio } from './studio';
import { CalendarSection } from './calendarSection';
import { RoutingSection, type DestinationSites } from './routingSection';
import type { PlanError } from './errors';
import type { Pos, PositionLookup } from './yamlTree';
import { pointer } from './yamlTree';
import { describe, fieldName } from './paths';
import { parseDuration } from './durations';
import { isCountry } from './numbers';
import { resolveSound, type SoundIndex, type SoundResult } from './sounds';
import { didYouMean } from './suggest';
import { checkGraph } from './graph';
import { endpointProblem, textProblem } from './guards';
import { buildTrunks } from './trunks';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

export type { DestinationSites } from './routingSection';

export type PlanWithoutVersion = Omit<Plan, 'version'>;

/** The value under `key` in a list or a mapping of the plan's data. */
function child(v: unknown, key: string): unknown {
  if (Array.isArray(v)) return v[Number(key)];
  if (isObj(v)) return v[key];
  return undefined;
}

export class Builder {
  readonly errors: PlanError[] = [];
  readonly sites: DestinationSites = new WeakMap();
  private readonly announcements: Record<string, Announcement> = {};
  private readonly explicitAnnouncements = new Set<string>();
  private trunks: Record<string, Trunk> = {};
  private country_ = 'FR';
  private readonly routing = new RoutingSection({
    value: (ptr) => this.value(ptr),
    error: (ptr, m, atKey) => this.error(ptr, m, atKey),
    pos: (ptr) => this.pos(ptr),
    duration: (ptr, fallback, opts) => this.duration(ptr, fallback, opts),
    ref: (ptr, kind, label) => this.ref(ptr, kind, label),
    soundRef: (ptr) => this.soundRef(ptr),
    text: (ptr, max, shown) => this.text(ptr, max, shown),
    section: (name) => this.section(name),
    sites: this.sites,
    trunks: () => this.trunks,
    country: () => this.country_,
  });
  private readonly calendarSection = new CalendarSection({
    value: (ptr) => this.value(ptr),
    error: (ptr, m, atKey) => this.error(ptr, m, atKey),
    pos: (ptr) => this.pos(ptr),
    soundRef: (ptr) => this.soundRef(ptr),
    text: (ptr, max, shown) => this.text(ptr, max, shown),
    timezone: (ptr, fallback) => this.timezone(ptr, fallback),
  });
  private readonly site = { value: (ptr: string): unknown => this.value(ptr), error: (ptr: string, m: string, atKey?: boolean): void => this.error(ptr, m, atKey), pos: (ptr: string): Pos => this.pos(ptr) };
  private lastParent: { ptr: string; value: unknown } = { ptr: '', value: undefined };
  private readonly soundsResolved = new Map<string, SoundResult>();
  private names = { lines: new Set<string>(), groups: new Set<string>(), menus: new Set<string>(), voicemail: new Set<string>(), calendars: new Set<string>() };

  constructor(
    private readonly root: Obj,
    private readonly positions: PositionLookup,
    private readonly sounds: SoundIndex,
    private readonly firstFile: string,
  ) {}

  // ── positions and errors ────────────────────────────────────────────────────

  pos(ptr: string): Pos {
    for (let p = ptr; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const found = this.positions.get(p);
      if (found) return found;
      if (p === '') return { file: this.firstFile, line: 0, col: 0 };
    }
  }

  error(ptr: string, message: string, atKey = false): void {
    const p = this.pos(ptr);
    const where = atKey && p.key ? p.key : p;
    this.errors.push({ file: p.file, line: where.line, col: where.col, message: `${this.field(ptr)}: ${message}` });
  }

  field(ptr: string): string {
    return fieldName(ptr, this.root);
  }

  // Called for every field of every entry: walks the pointer without splitting it, and
  // unescapes a segment only when the pointer holds an escape (a 3,000-number plan builds
  // in 167 ms instead of 235, median of 3 runs, bench/plan-reload.ts' plan). The entry
  // last walked to is kept: an entry's fields are read one after the other.
  private value(ptr: string): unknown {
    const parent = this.lastParent;
    const from = parent.ptr.length;
    if (from > 0 && ptr.length > from && ptr.charCodeAt(from) === 47 && ptr.startsWith(parent.ptr) && ptr.indexOf('/', from + 1) < 0 && !ptr.includes('~', from)) {
      return child(parent.value, ptr.slice(from + 1));
    }
    let v: unknown = this.root;
    const escaped = ptr.includes('~');
    for (let start = 1; start <= ptr.length; ) {
      let end = ptr.indexOf('/', start);
      if (end < 0) {
        if (!escaped && start > 1) this.lastParent = { ptr: ptr.slice(0, start - 1), value: v };
        end = ptr.length;
      }
      const seg = ptr.slice(start, end);
      v = child(v, escaped ? seg.replace(/~1/g, '/').replace(/~0/g, '~') : seg);
      if (v === undefined) return undefined;
      start = end + 1;
    }
    return v;
  }

  /** A section of named definitions; a definition named "__proto__" (refused by build) is left out. */
  private section(name: string): Obj {
    const v = this.root[name];
    if (!isObj(v)) return {};
    return Object.hasOwn(v, '__proto__') ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== '__proto__')) : v;
  }

  private duration(ptr: string, fallback: number, opts: { min?: number; max?: number } = {}): number {
    const v = this.value(ptr);
    if (v === undefined || v === null) return fallback;
    if (!isStr(v)) return fallback; // type error already reported
    const d = parseDuration(v);
    if (!d.ok) {
      this.error(ptr, d.why);
      return fallback;
    }
    // Every duration has an upper bound: none may reach a timer past 2^31-1 ms (Node fires those at once).
    const max = opts.max ?? MAX_ANY_DURATION_MS;
    if (opts.min !== undefined && d.ms < opts.min) this.error(ptr, `found "${v}", expected at least ${opts.min === 1 ? 'a positive duration' : `${opts.min / 1000}s`}`);
    else if (d.ms > max) {
      this.error(ptr, `found ${describe(v)}, expected at most ${max % 3_600_000 === 0 && max > 3_600_000 ? `${max / 3_600_000}h` : `${max / 60000}m`}`);
      return fallback;
    }
    return d.ms;
  }

  private ref(ptr: string, kind: keyof Builder['names'], label: string): string | undefined {
    const v = this.value(ptr);
    if (!isStr(v)) return undefined;
    if (!this.names[kind].has(v)) {
      const known = [...this.names[kind]];
      this.error(
        ptr,
        `unknown ${label} "${v}"${didYouMean(v, known)}; expected ${known.length ? `one of the ${label.endsWith('x') ? `${label}es` : `${label}s`} defined: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}` : `a ${label} defined under ${kind}: (there is none)`}`,
      );
      return undefined;
    }
    return v;
  }

  /** A sound reference → the name of an announcement (creating an implicit one for a bare sound). */
  private soundRef(ptr: string): string | undefined {
    const v = this.value(ptr);
    if (isObj(v)) {
      const spoken = this.saySound(ptr, v);
      if (!spoken) return undefined;
      const name = sayAnnouncementName(spoken.say!.text);
      this.announcements[name] ??= { name, sounds: [spoken] };
      return name;
    }
    if (!isStr(v) || v === '') return undefined;
    if (this.explicitAnnouncements.has(v)) return v;
    // The same few sounds are named by every number of a large plan: each resolved once.
    let r = this.soundsResolved.get(v);
    if (!r) this.soundsResolved.set(v, (r = resolveSound(v, this.sounds, this.explicitAnnouncements)));
    if (!r.ok) {
      this.error(ptr, r.why);
      return undefined;
    }
    this.announcements[v] ??= { name: v, sounds: [r.sound] };
    return v;
  }

  /** A name or label: printable, one line, bounded (it reaches phones and mails). */
  private text(ptr: string, max: number, shownOnPhones: boolean): boolean {
    const v = this.value(ptr);
    if (!isStr(v)) return true;
    const bad = textProblem(v, max, shownOnPhones);
    if (bad) this.error(ptr, bad);
    return bad === undefined;
  }

  /** `{ say: "text" }` → a sound to synthesise (rendered later by src/announce); undefined when wrong (reported). */
  private saySound(ptr: string, o: Obj): Sound | undefined {
    if (!isStr(o.say) || o.say === '') return undefined; // shape errors come from the schema
    const r = parseSay(o.say, this.language);
    if (!r.ok) {
      this.error(`${ptr}/say`, r.why);
      return undefined;
    }
    const p = this.pos(`${ptr}/say`);
    return { media: '', name: `say:${JSON.stringify(r.text.length > 40 ? `${r.text.slice(0, 39)}…` : r.text)}`, say: { text: r.text, language: this.language, placeholders: r.placeholders, at: { file: p.file, line: p.line, col: p.col }, field: this.field(`${ptr}/say`), pointer: `${ptr}/say` } };
  }

  private language = 'fr';

  private readLanguage(): string {
    const v = this.value('/language');
    if (!isStr(v)) return 'fr';
    if (!(SPEECH_LANGUAGES as readonly string[]).includes(v)) {
      this.error('/language', `found "${v}", expected one of ${SPEECH_LANGUAGES.join(', ')} (the languages of the offline voice)`);
      return 'fr';
    }
    return v;
  }

  // ── sections ────────────────────────────────────────────────────────────────

  build(): PlanWithoutVersion {
    // JavaScript gives this name a meaning of its own: an object keyed by it would lose the definition.
    for (const name of ['lines', 'groups', 'menus', 'voicemail', 'calendars', 'announcements', 'trunks']) {
      const v = this.root[name];
      if (isObj(v) && Object.hasOwn(v, '__proto__')) this.error(pointer(`/${name}`, '__proto__'), '"__proto__" cannot be a name; expected another name', true);
    }
    for (const kind of ['lines', 'groups', 'menus', 'voicemail', 'calendars'] as const) {
      this.names[kind] = new Set(Object.keys(this.section(kind)));
    }
    const timezone = this.timezone('/timezone', 'Europe/Paris');
    const country = this.country();
    this.country_ = country;
    this.language = this.readLanguage();
    this.buildAnnouncements();
    const lines = this.buildLines();
    this.trunks = buildTrunks(this.site);
    const calendars = this.mapSection('calendars', (ptr, name) => this.calendarSection.buildCalendar(ptr, name, timezone));
    const groups = this.mapSection('groups', (ptr, name) => this.routing.buildGroup(ptr, name));
    const menus = this.mapSection('menus', (ptr, name) => this.routing.buildMenu(ptr, name, lines));
    const voicemail = this.mapSection('voicemail', (ptr, name) => this.routing.buildVoicemail(ptr, name));
    const numbers = this.routing.buildNumbers(country);
    const def = this.root.default !== undefined ? this.routing.destination('/default') : undefined;
    const studio = this.root.studio !== undefined ? buildStudio(this.site, country, new Set(Object.keys(numbers)), this.announcements) : undefined;
    const plan: PlanWithoutVersion = {
      timezone, country, language: this.language, lines, calendars, numbers, groups, menus, voicemail,
      announcements: this.announcements,
      ...(def ? { default: def } : {}),
      ...(isObj(this.root.history) ? { history: this.routing.buildHistory() } : {}),
      ...(Object.keys(this.trunks).length ? { trunks: this.trunks } : {}),
      ...(studio ? { studio } : {}),
    };
    this.errors.push(...checkGraph(plan, this.sites, (ptr, msg) => {
      const p = this.pos(ptr);
      return { file: p.file, line: p.line, col: p.col, message: `${this.field(ptr)}: ${msg}` };
    }));
    return plan;
  }

  private mapSection<T>(name: string, build: (ptr: string, key: string) => T | undefined): Record<string, T> {
    const out: Record<string, T> = {};
    for (const key of Object.keys(this.section(name))) {
      const ptr = pointer(`/${name}`, key);
      if (!isObj(this.value(ptr))) continue;
      const v = build(ptr, key);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }

  private timezone(ptr: string, fallback: string): string {
    const v = this.value(ptr);
    if (!isStr(v)) return fallback;
    try {
      new Intl.DateTimeFormat('en', { timeZone: v });
      return v;
    } catch {
      this.error(ptr, `found "${v}", expected a time zone such as "Europe/Paris" (IANA name)`);
      return fallback;
    }
  }

  private country(): string {
    const v = this.value('/country');
    if (!isStr(v)) return 'FR';
    if (!isCountry(v)) {
      this.error('/country', `found "${v}", expected a two-letter country code in capitals such as "FR"`);
      return 'FR';
    }
    return v;
  }

  private buildAnnouncements(): void {
    const section = this.section('announcements');
    for (const name of Object.keys(section)) this.explicitAnnouncements.add(name);
    for (const [name, v] of Object.entries(section)) {
      const ptr = pointer('/announcements', name);
      if (name.startsWith('asterisk:')) this.error(ptr, 'an announcement name cannot start with "asterisk:"', true);
      const items = isStr(v) || isObj(v) ? [{ ptr, ref: v }] : Array.isArray(v) ? v.map((ref, i) => ({ ptr: pointer(ptr, i), ref })) : [];
      const sounds: Sound[] = [];
      for (const { ptr: p, ref } of items) {
        if (isObj(ref)) {
          const spoken = this.saySound(p, ref);
          if (spoken) sounds.push(spoken);
          continue;
        }
        if (!isStr(ref) || ref === '') continue;
        // An announcement is made of sounds, not of other announcements: no nesting, no loops.
        if (this.explicitAnnouncements.has(ref) && !this.sounds.names.has(ref)) {
          this.error(p, `found the announcement "${ref}" inside an announcement; expected sound files or "asterisk:" prompts`);
          continue;
        }
        const r = resolveSound(ref, this.sounds);
        if (r.ok) sounds.push(r.sound);
        else this.error(p, r.why);
      }
      this.announcements[name] = { name, sounds };
    }
  }

  private buildLines(): Record<string, Line> {
    const seenExt = new Map<string, string>();
    return this.mapSection('lines', (ptr, name) => {
      const o = this.value(ptr) as Obj;
      const endpoint = isStr(o.endpoint) ? o.endpoint : '';
      const bad = isStr(o.endpoint) ? endpointProblem(o.endpoint, name) : undefined;
      if (bad) this.error(`${ptr}/endpoint`, bad);
      const line: Line = { name, endpoint };
      if (isStr(o.extension) || typeof o.extension === 'number') {
        const ext = String(o.extension);
        if (!/^\d{1,8}$/.test(ext)) this.error(`${ptr}/extension`, `found ${describe(o.extension)}, expected digits such as "12"`);
        else {
          const other = seenExt.get(ext);
          if (other) this.error(`${ptr}/extension`, `extension "${ext}" is already the extension of line "${other}"; expected each extension once`);
          seenExt.set(ext, name);
          line.extension = ext;
        }
      }
      return line;
    });
  }

}

/** The bound of a duration that has none of its own. */
const MAX_ANY_DURATION_MS = 24 * 3_600_000;



// Semantic checks and conversion of the merged plan data into the typed Plan.
// Runs even when the schema found errors, so that all errors come out at once: every
// reader here is defensive and silently skips values of the wrong type (the schema
// check already reported them).

import Holidays from 'date-holidays';
import type {
  Announcement, Calendar, CalendarException, CalendarOverride, Destination, Group, HolidayRule, Interval, Line, Menu,
  HistorySettings, MissedNotice, NotifyTargets, Plan, PublicNumber, Sound, Strategy, Trunk, VoicemailBox, WeeklyHours,
} from './types';
import { SPEECH_LANGUAGES } from './types';
import { parseSay, sayAnnouncementName } from './say';
import { buildStudio } from './studio';
import type { PlanError } from './errors';
import type { Pos, PositionLookup } from './yamlTree';
import { pointer } from './yamlTree';
import { describe, fieldName } from './paths';
import { parseDuration } from './durations';
import { formatTime, parseDate, parseDateTime, parseDays, parseInterval } from './times';
import { isCountry, normaliseNumber } from './numbers';
import { resolveSound, type SoundIndex } from './sounds';
import { didYouMean } from './suggest';
import { holidayRegionError, parseHolidayRegion } from '../calendar/holidays';
import { checkGraph } from './graph';
import { endpointProblem, MAX_LABEL_LENGTH, MAX_NAME_LENGTH, musicClassProblem, textProblem, webhookProblem } from './guards';
import { buildTrunks, externalDestination } from './trunks';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Where each destination was written, for the graph checks' messages. */
export type DestinationSites = WeakMap<Destination, string>;

export type PlanWithoutVersion = Omit<Plan, 'version'>;

export class Builder {
  readonly errors: PlanError[] = [];
  readonly sites: DestinationSites = new WeakMap();
  private readonly announcements: Record<string, Announcement> = {};
  private readonly explicitAnnouncements = new Set<string>();
  private trunks: Record<string, Trunk> = {};
  private country_ = 'FR';
  private readonly site = { value: (ptr: string): unknown => this.value(ptr), error: (ptr: string, m: string, atKey?: boolean): void => this.error(ptr, m, atKey), pos: (ptr: string): Pos => this.pos(ptr) };
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
  // in 167 ms instead of 235, median of 3 runs, bench/plan-reload.ts' plan).
  private value(ptr: string): unknown {
    let v: unknown = this.root;
    const escaped = ptr.includes('~');
    for (let start = 1; start <= ptr.length; ) {
      let end = ptr.indexOf('/', start);
      if (end < 0) end = ptr.length;
      const seg = ptr.slice(start, end);
      const key = escaped ? seg.replace(/~1/g, '/').replace(/~0/g, '~') : seg;
      if (Array.isArray(v)) v = v[Number(key)];
      else if (isObj(v)) v = v[key];
      else return undefined;
      start = end + 1;
    }
    return v;
  }

  private section(name: string): Obj {
    const v = this.root[name];
    return isObj(v) ? v : {};
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
    const r = resolveSound(v, this.sounds, this.explicitAnnouncements);
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
    const calendars = this.mapSection('calendars', (ptr, name) => this.buildCalendar(ptr, name, timezone));
    const groups = this.mapSection('groups', (ptr, name) => this.buildGroup(ptr, name));
    const menus = this.mapSection('menus', (ptr, name) => this.buildMenu(ptr, name, lines));
    const voicemail = this.mapSection('voicemail', (ptr, name) => this.buildVoicemail(ptr, name));
    const numbers = this.buildNumbers(country);
    const def = this.root.default !== undefined ? this.destination('/default') : undefined;
    const studio = this.root.studio !== undefined ? buildStudio(this.site, country, new Set(Object.keys(numbers)), this.announcements) : undefined;
    const plan: PlanWithoutVersion = {
      timezone, country, language: this.language, lines, calendars, numbers, groups, menus, voicemail,
      announcements: this.announcements,
      ...(def ? { default: def } : {}),
      ...(isObj(this.root.history) ? { history: this.buildHistory() } : {}),
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

  // ── calendars ───────────────────────────────────────────────────────────────

  private intervals(ptr: string): Interval[] {
    const v = this.value(ptr);
    if (!Array.isArray(v)) return [];
    const out: { iv: Interval; ptr: string }[] = [];
    v.forEach((item, i) => {
      const p = pointer(ptr, i);
      if (!isStr(item)) return;
      const r = parseInterval(item);
      if (!r.ok) this.error(p, r.why);
      else out.push({ iv: r.value, ptr: p });
    });
    return this.noOverlap(out);
  }

  private noOverlap(list: { iv: Interval; ptr: string }[]): Interval[] {
    const sorted = [...list].sort((a, b) => a.iv.start - b.iv.start);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (b.iv.start < a.iv.end) {
        this.error(b.ptr, `${fmt(b.iv)} overlaps ${fmt(a.iv)}; expected separate hours (merge them into one)`);
      }
    }
    return sorted.map((x) => x.iv);
  }

  private buildCalendar(ptr: string, name: string, planZone: string): Calendar {
    const o = this.value(ptr) as Obj;
    const timezone = this.timezone(`${ptr}/timezone`, planZone);
    const weekly: WeeklyHours = {};
    const dayOwner = new Map<number, string>();
    const wptr = `${ptr}/weekly`;
    if (isObj(o.weekly)) {
      for (const key of Object.keys(o.weekly)) {
        const kptr = pointer(wptr, key);
        const days = parseDays(key);
        if (!days.ok) {
          this.error(kptr, days.why, true);
          continue;
        }
        const ivs = this.intervals(kptr);
        for (const d of days.value) {
          const owner = dayOwner.get(d);
          if (owner !== undefined) {
            this.error(kptr, `${DAY_LABEL[d]} is given hours twice, in "${owner}" and in "${key}"; expected each day once`, true);
            continue;
          }
          dayOwner.set(d, key);
          weekly[d as keyof WeeklyHours] = ivs.map((iv) => ({ ...iv })); // one array per day: consumers may sort or extend it
        }
      }
    }
    const cal: Calendar = { name, timezone, weekly, exceptions: this.exceptions(`${ptr}/exceptions`) };
    const holidays = this.holidays(`${ptr}/holidays`);
    if (holidays) cal.holidays = holidays;
    if (isObj(o.override)) {
      const ov = this.override(`${ptr}/override`);
      if (ov) cal.override = ov;
    }
    return cal;
  }

  private holidays(ptr: string): HolidayRule | undefined {
    const v = this.value(ptr);
    const region = isStr(v) ? v : isObj(v) && isStr(v.region) ? v.region : undefined;
    const rptr = isStr(v) ? ptr : `${ptr}/region`;
    if (region === undefined || region === 'none') return undefined;
    // One parser for what the calendar accepts (FR-974 = FR-RE…); the rest only explains a refusal.
    if (parseHolidayRegion(region)) return { region };
    const [country = '', state, ...rest] = region.split('-');
    const hd = new Holidays();
    const countries = Object.keys(hd.getCountries());
    if (!countries.includes(country) || rest.length > 0) {
      this.error(rptr, `found "${region}", expected a country code such as "FR", a region such as "FR-57", or "none"${didYouMean(country, countries)}`);
      return undefined;
    }
    if (state !== undefined) {
      const states = Object.keys(hd.getStates(country) ?? {});
      if (!states.includes(state)) {
        this.error(rptr, `found "${region}": "${state}" is not a region of ${country}; expected one of ${states.map((s) => `${country}-${s}`).join(', ') || `${country} alone`}`);
        return undefined;
      }
    }
    this.error(rptr, holidayRegionError(region) ?? `found "${region}", expected a public-holiday region or "none"`);
    return undefined;
  }

  private exceptions(ptr: string): CalendarException[] {
    const v = this.value(ptr);
    if (!Array.isArray(v)) return [];
    const out: { ex: CalendarException; ptr: string }[] = [];
    v.forEach((item, i) => {
      const p = pointer(ptr, i);
      if (!isObj(item)) return;
      const date = (key: string): string | undefined => {
        const d = item[key];
        if (!isStr(d)) return undefined;
        const r = parseDate(d);
        if (!r.ok) this.error(`${p}/${key}`, r.why);
        return r.ok ? r.value : undefined;
      };
      let from: string | undefined;
      let to: string | undefined;
      if (item.date !== undefined) {
        if (item.from !== undefined || item.to !== undefined) this.error(p, 'found "date" with "from"/"to", expected either one day (date) or a period (from and to)');
        from = to = date('date');
      } else if (item.from !== undefined || item.to !== undefined) {
        if (item.from === undefined || item.to === undefined) {
          this.error(p, `missing "${item.from === undefined ? 'from' : 'to'}": a period needs both from and to`);
          return;
        }
        from = date('from');
        to = date('to');
        if (from && to && to < from) this.error(`${p}/to`, `found "${to}", before from "${from}"; expected a last day on or after the first`);
      } else {
        this.error(p, 'missing "date" (one day) or "from" and "to" (a period)');
        return;
      }
      const kinds = ['hours', 'closed', 'open'].filter((k) => item[k] !== undefined);
      if (kinds.length !== 1) {
        this.error(p, kinds.length === 0
          ? 'missing what happens that day: "hours: [..]", "closed: true" or "open: weekly"'
          : `found ${kinds.map((k) => `"${k}"`).join(' and ')}, expected only one of hours, closed, open`);
        return;
      }
      let hours: CalendarException['hours'] = 'closed';
      if (kinds[0] === 'hours') {
        if (Array.isArray(item.hours) && item.hours.length === 0) {
          this.error(`${p}/hours`, 'found an empty list, expected hours such as [08:30-12:00] (or closed: true)');
          return;
        }
        hours = this.intervals(`${p}/hours`);
      } else if (kinds[0] === 'open') hours = 'weekly';
      if (!from || !to) return;
      const ex: CalendarException = { from, to, hours };
      const ann = item.announcement !== undefined ? this.soundRef(`${p}/announcement`) : undefined;
      if (ann) ex.announcement = ann;
      if (isStr(item.label) && this.text(`${p}/label`, MAX_NAME_LENGTH, false)) ex.label = item.label;
      out.push({ ex, ptr: p });
    });
    // Two exceptions on the same day would leave the calendar to guess which one wins.
    for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = out[j]!;
        const b = out[i]!;
        if (a.ex.from <= b.ex.to && b.ex.from <= a.ex.to) {
          const pa = this.pos(a.ptr);
          this.error(b.ptr, `overlaps the exception at line ${pa.line} (${span(a.ex)}); expected each day in one exception only`);
        }
      }
    }
    return out.map((x) => x.ex);
  }

  private override(ptr: string): CalendarOverride | undefined {
    const o = this.value(ptr) as Obj;
    const dt = (key: string): string | undefined => {
      if (!isStr(o[key])) return undefined;
      const r = parseDateTime(o[key]);
      if (!r.ok) this.error(`${ptr}/${key}`, r.why);
      return r.ok ? r.value : undefined;
    };
    const until = dt('until');
    const from = dt('from');
    if (from && until && until <= from) this.error(`${ptr}/until`, `found "${String(o.until)}", not after from "${String(o.from)}"; expected an end after the start`);
    if (!until || (o.state !== 'open' && o.state !== 'closed')) return undefined;
    const ov: CalendarOverride = { state: o.state, until };
    if (from) ov.from = from;
    const ann = o.announcement !== undefined ? this.soundRef(`${ptr}/announcement`) : undefined;
    if (ann) ov.announcement = ann;
    if (isStr(o.label) && this.text(`${ptr}/label`, MAX_NAME_LENGTH, false)) ov.label = o.label;
    return ov;
  }

  // ── routing ─────────────────────────────────────────────────────────────────

  /** A destination; undefined when it is wrong (already reported). */
  destination(ptr: string): Destination | undefined {
    const v = this.value(ptr);
    let d: Destination | undefined;
    if (v === 'hangup') d = { kind: 'hangup' };
    else if (isObj(v)) d = this.destinationObject(ptr, v);
    if (d) this.sites.set(d, ptr);
    return d;
  }

  private destinationObject(ptr: string, o: Obj): Destination | undefined {
    const KINDS = ['group', 'line', 'external', 'menu', 'voicemail', 'announcement', 'hangup'];
    const kinds = KINDS.filter((k) => o[k] !== undefined);
    const known = new Set([...KINDS, 'timeout', 'then', 'trunk']);
    if (kinds.length === 0) {
      // Unknown keys alone were reported by the schema with a "did you mean".
      if (Object.keys(o).every((k) => known.has(k))) this.error(ptr, `found ${describe(o)} without a target, expected one of ${KINDS.join(', ')}`);
      return undefined;
    }
    if (kinds.length > 1) {
      this.error(ptr, `found both ${kinds.map((k) => `"${k}"`).join(' and ')}, expected one target per destination (chain them with "then:")`);
      return undefined;
    }
    const kind = kinds[0]!;
    if (o.timeout !== undefined && kind !== 'line' && kind !== 'external') {
      this.error(`${ptr}/timeout`, `"timeout" is only meaningful with "line" or "external", not with a ${kind}; expected it removed`, true);
    }
    if (o.trunk !== undefined && kind !== 'external') this.error(`${ptr}/trunk`, `"trunk" is only meaningful with "external"; expected it removed`, true);
    if (o.then !== undefined && kind !== 'line' && kind !== 'external' && kind !== 'announcement') {
      this.error(`${ptr}/then`, `"then" is only meaningful after a line or an announcement, not after a ${kind}; expected it removed`, true);
    }
    const then = (): Destination => {
      if (o.then === undefined) {
        // The implicit hang-up is located at the destination that omits `then`, for dead-end messages.
        const h: Destination = { kind: 'hangup' };
        this.sites.set(h, `${ptr}/then`);
        return h;
      }
      return this.destination(`${ptr}/then`) ?? { kind: 'hangup' };
    };
    switch (kind) {
      case 'group': {
        const g = this.ref(`${ptr}/group`, 'groups', 'group');
        return g === undefined ? undefined : { kind: 'group', group: g };
      }
      case 'menu': {
        const m = this.ref(`${ptr}/menu`, 'menus', 'menu');
        return m === undefined ? undefined : { kind: 'menu', menu: m };
      }
      case 'voicemail': {
        const b = this.ref(`${ptr}/voicemail`, 'voicemail', 'voicemail box');
        return b === undefined ? undefined : { kind: 'voicemail', box: b };
      }
      case 'line': {
        const l = this.ref(`${ptr}/line`, 'lines', 'line');
        const timeout = this.duration(`${ptr}/timeout`, 30_000, { min: 1000, max: 600_000 });
        const next = then();
        return l === undefined ? undefined : { kind: 'line', line: l, timeout, then: next };
      }
      case 'external': {
        const timeout = this.duration(`${ptr}/timeout`, 30_000, { min: 1000, max: 600_000 });
        return externalDestination(this.site, ptr, o, this.trunks, this.country_, timeout, then());
      }
      case 'announcement': {
        const a = this.soundRef(`${ptr}/announcement`);
        const next = then();
        return a === undefined ? undefined : { kind: 'announcement', announcement: a, then: next };
      }
      default:
        return o.hangup === true ? { kind: 'hangup' } : undefined;
    }
  }

  private buildGroup(ptr: string, name: string): Group | undefined {
    const o = this.value(ptr) as Obj;
    const lines: string[] = [];
    if (Array.isArray(o.lines)) {
      o.lines.forEach((_, i) => {
        const p = pointer(`${ptr}/lines`, i);
        const l = this.ref(p, 'lines', 'line');
        if (l === undefined) return;
        if (lines.includes(l)) this.error(p, `line "${l}" is listed twice; expected each line once`);
        else lines.push(l);
      });
    }
    const hold: Group['hold'] = { announcePosition: false };
    if (isObj(o.hold)) {
      if (isStr(o.hold.music)) {
        const bad = musicClassProblem(o.hold.music);
        if (bad) this.error(`${ptr}/hold/music`, bad);
        else hold.music = o.hold.music;
      }
      const msg = o.hold.message !== undefined ? this.soundRef(`${ptr}/hold/message`) : undefined;
      const every = this.duration(`${ptr}/hold/every`, 30_000, { min: 5000, max: 600_000 });
      if (msg) {
        hold.message = msg;
        hold.every = every;
      } else if (o.hold.every !== undefined && o.hold.message === undefined) this.error(`${ptr}/hold/every`, '"every" is only meaningful with "message"; expected a message to repeat', true);
      hold.announcePosition = o.hold.announce_position === true;
    }
    const ringTime = this.duration(`${ptr}/ring_time`, 20_000, { min: 1000, max: 600_000 });
    const maxWait = this.duration(`${ptr}/max_wait`, 60_000, { min: 1000, max: 3_600_000 });
    const overflow = o.overflow !== undefined ? this.destination(`${ptr}/overflow`) : undefined;
    const retryPause = this.duration(`${ptr}/retry_pause`, 5000, { max: 3_600_000 });
    const wrapUp = this.duration(`${ptr}/wrap_up`, 0, { max: 3_600_000 });
    if (!overflow) return undefined;
    return {
      name, lines,
      strategy: (isStr(o.strategy) && ['ringall', 'linear', 'rrmemory'].includes(o.strategy) ? o.strategy : 'ringall') as Strategy,
      ringTime, maxWait, hold, overflow,
      whenUnavailable: o.when_unavailable === 'wait' ? 'wait' : 'overflow',
      retryPause, wrapUp,
    };
  }

  private buildMenu(ptr: string, name: string, lines: Record<string, Line>): Menu | undefined {
    const o = this.value(ptr) as Obj;
    const prompt = this.soundRef(`${ptr}/prompt`);
    const options: Record<string, Destination> = {};
    if (isObj(o.options)) {
      for (const key of Object.keys(o.options)) {
        const p = pointer(`${ptr}/options`, key);
        if (!/^[0-9*#]$/.test(key)) {
          this.error(p, `found the key "${key}", expected one key of the phone: 0 to 9, * or #`, true);
          continue;
        }
        const d = this.destination(p);
        if (d) options[key] = d;
      }
    }
    const directDial = o.direct_dial === true;
    if (directDial) {
      const exts = Object.values(lines).filter((l) => l.extension !== undefined);
      if (exts.length === 0) this.error(`${ptr}/direct_dial`, 'is true but no line has an "extension"; expected extensions on the lines to dial');
      for (const l of exts) {
        if (options[l.extension!]) this.error(pointer(`${ptr}/options`, l.extension!), `key "${l.extension}" is also the extension of line "${l.name}" (direct_dial); expected different keys`, true);
      }
    }
    const menu: Menu = {
      name,
      prompt: prompt ?? '',
      options,
      timeout: this.duration(`${ptr}/timeout`, 5000, { min: 1000, max: 60_000 }),
      retries: typeof o.retries === 'number' ? o.retries : 2,
      fallback: o.fallback !== undefined ? this.destination(`${ptr}/fallback`) ?? { kind: 'hangup' } : this.implicitHangup(`${ptr}/fallback`),
      directDial,
    };
    const invalid = o.invalid !== undefined ? this.soundRef(`${ptr}/invalid`) : undefined;
    if (invalid) menu.invalid = invalid;
    const noInput = o.no_input !== undefined ? this.soundRef(`${ptr}/no_input`) : undefined;
    if (noInput) menu.noInput = noInput;
    return prompt === undefined ? undefined : menu;
  }

  private implicitHangup(ptr: string): Destination {
    const h: Destination = { kind: 'hangup' };
    this.sites.set(h, ptr);
    return h;
  }

  private buildVoicemail(ptr: string, name: string): VoicemailBox {
    const o = this.value(ptr) as Obj;
    const box: VoicemailBox = {
      name,
      record: o.record !== false,
      maxLength: this.duration(`${ptr}/max_length`, 120_000, { min: 1000, max: 3_600_000 }),
      minLength: this.duration(`${ptr}/min_length`, 2000, { max: 600_000 }),
      notify: { email: [] },
    };
    if (box.minLength >= box.maxLength && o.min_length !== undefined) {
      this.error(`${ptr}/min_length`, `found "${String(o.min_length)}", expected less than max_length`);
    }
    const greeting = o.greeting !== undefined ? this.soundRef(`${ptr}/greeting`) : undefined;
    if (greeting) box.greeting = greeting;
    if (o.silence !== undefined) box.silence = this.duration(`${ptr}/silence`, 5000, { min: 1000, max: 600_000 });
    if (isObj(o.notify)) box.notify = this.notifyTargets(`${ptr}/notify`, o.notify);
    return box;
  }

  /** E-mail addresses and a webhook URL: a voicemail box's `notify`, a number's `missed.notify`. */
  private notifyTargets(ptr: string, n: Obj): NotifyTargets {
    const targets: NotifyTargets = { email: [] };
    const emails = isStr(n.email) ? [{ e: n.email, p: `${ptr}/email` }] : Array.isArray(n.email) ? n.email.map((e, i) => ({ e, p: pointer(`${ptr}/email`, i) })) : [];
    for (const { e, p } of emails) {
      if (!isStr(e)) continue;
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) this.error(p, `found ${describe(e)}, expected an e-mail address such as "dr.martin@example.org"`);
      else targets.email.push(e);
    }
    if (isStr(n.webhook)) {
      const bad = webhookProblem(n.webhook, { allowHttp: n.allow_http === true, allowPrivate: n.allow_private === true });
      if (bad) this.error(`${ptr}/webhook`, bad);
      else targets.webhook = n.webhook;
    }
    return targets;
  }

  /** `history:` of the plan. */
  private buildHistory(): HistorySettings {
    const v = this.value('/history/keep');
    if (!isStr(v)) return { keep: { months: 13 } };
    const m = /^\s*(\d+)\s*(months?|days?)\s*$/.exec(v);
    const n = m ? Number(m[1]) : 0;
    if (!m || n < 1) {
      this.error('/history/keep', `found ${describe(v)}, expected how long calls are kept such as "13 months" or "90 days"`);
      return { keep: { months: 13 } };
    }
    return { keep: m[2]!.startsWith('month') ? { months: n } : { days: n } };
  }

  /** `missed:` of a number. */
  private buildMissed(ptr: string, o: Obj): MissedNotice {
    const notify = isObj(o.notify) ? this.notifyTargets(`${ptr}/notify`, o.notify) : { email: [] };
    if (isObj(o.notify) && o.notify.email === undefined && o.notify.webhook === undefined) this.error(`${ptr}/notify`, 'expected an "email" or a "webhook" to tell about missed calls');
    return { notify, batch: this.duration(`${ptr}/batch`, 300_000, { min: 1000, max: 86_400_000 }) };
  }

  private buildNumbers(country: string): Record<string, PublicNumber> {
    const out: Record<string, PublicNumber> = {};
    const seen = new Map<string, string>();
    for (const written of Object.keys(this.section('numbers'))) {
      const ptr = pointer('/numbers', written);
      const o = this.value(ptr);
      const e164 = normaliseNumber(written, country);
      if (!e164) {
        this.error(ptr, `found "${written}", expected a phone number such as "+33 1 42 00 00 01" or "01 42 00 00 01" (country ${country})`, true);
      } else {
        const other = seen.get(e164);
        if (other !== undefined) {
          const p = this.pos(other);
          this.error(ptr, `"${written}" is the same number (${e164}) as "${other.split('/').pop()}" at ${p.file}:${p.key?.line ?? p.line}:${p.key?.col ?? p.col}; expected each number once`, true);
        } else seen.set(e164, ptr);
      }
      if (!isObj(o)) continue;
      const calendar = o.calendar !== undefined ? this.ref(`${ptr}/calendar`, 'calendars', 'calendar') : undefined;
      const greeting = o.greeting !== undefined ? this.soundRef(`${ptr}/greeting`) : undefined;
      const open = o.open !== undefined ? this.destination(`${ptr}/open`) : undefined;
      let closed: Destination | undefined;
      if (o.closed !== undefined) closed = this.destination(`${ptr}/closed`);
      else if (o.calendar !== undefined) this.error(ptr, 'missing "closed": with a calendar, expected where calls go when closed (e.g. {voicemail: box})', true);
      else closed = { kind: 'hangup' }; // never used: without a calendar the number is always open
      const nameOk = this.text(`${ptr}/name`, MAX_NAME_LENGTH, true);
      const labelOk = o.label === undefined || this.text(`${ptr}/label`, MAX_LABEL_LENGTH, true);
      if (!e164 || !open || !closed || !isStr(o.name) || !nameOk || !labelOk) continue;
      const n: PublicNumber = { e164, written, name: o.name, label: isStr(o.label) ? o.label : o.name, open, closed };
      if (greeting) n.greeting = greeting;
      if (calendar) n.calendar = calendar;
      if (isObj(o.missed)) n.missed = this.buildMissed(`${ptr}/missed`, o.missed);
      out[e164] = n;
    }
    return out;
  }
}

/** The bound of a duration that has none of its own. */
const MAX_ANY_DURATION_MS = 24 * 3_600_000;

const DAY_LABEL = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const fmt = (iv: Interval): string => `${formatTime(iv.start)}-${formatTime(iv.end)}`;
const span = (e: CalendarException): string => (e.from === e.to ? e.from : `${e.from} to ${e.to}`);


// The `calendars` section of a plan: weekly hours, public holidays, exceptional
// days and the manual override, checked and converted (build.ts calls it per calendar).

import type { Calendar, CalendarException, CalendarOverride, HolidayRule, Interval, WeeklyHours } from './types';
import type { Pos } from './yamlTree';
import { pointer } from './yamlTree';
import { formatTime, parseDate, parseDateTime, parseDays, parseInterval } from './times';
import { didYouMean } from './suggest';
import { holidayRegionError, parseHolidayRegion } from '../calendar/holidays';
import { regionCatalogue } from '../calendar/regions';
import { MAX_NAME_LENGTH } from './guards';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** What the calendar section asks of the plan's builder. */
export interface CalendarSite {
  value(ptr: string): unknown;
  error(ptr: string, message: string, atKey?: boolean): void;
  pos(ptr: string): Pos;
  /** A sound reference → its announcement's name (an exception's announcement). */
  soundRef(ptr: string): string | undefined;
  /** A label: printable, one line, bounded. */
  text(ptr: string, max: number, shownOnPhones: boolean): boolean;
  timezone(ptr: string, fallback: string): string;
}

export class CalendarSection {
  constructor(private readonly site: CalendarSite) {}

  private intervals(ptr: string): Interval[] {
    const v = this.site.value(ptr);
    if (!Array.isArray(v)) return [];
    const out: { iv: Interval; ptr: string }[] = [];
    v.forEach((item, i) => {
      const p = pointer(ptr, i);
      if (!isStr(item)) return;
      const r = parseInterval(item);
      if (!r.ok) this.site.error(p, r.why);
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
        this.site.error(b.ptr, `${fmt(b.iv)} overlaps ${fmt(a.iv)}; expected separate hours (merge them into one)`);
      }
    }
    return sorted.map((x) => x.iv);
  }

  buildCalendar(ptr: string, name: string, planZone: string): Calendar {
    const o = this.site.value(ptr) as Obj;
    const timezone = this.site.timezone(`${ptr}/timezone`, planZone);
    const weekly: WeeklyHours = {};
    const dayOwner = new Map<number, string>();
    const wptr = `${ptr}/weekly`;
    if (isObj(o.weekly)) {
      for (const key of Object.keys(o.weekly)) {
        const kptr = pointer(wptr, key);
        const days = parseDays(key);
        if (!days.ok) {
          this.site.error(kptr, days.why, true);
          continue;
        }
        const ivs = this.intervals(kptr);
        for (const d of days.value) {
          const owner = dayOwner.get(d);
          if (owner !== undefined) {
            this.site.error(kptr, `${DAY_LABEL[d]} is given hours twice, in "${owner}" and in "${key}"; expected each day once`, true);
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
    const v = this.site.value(ptr);
    const region = isStr(v) ? v : isObj(v) && isStr(v.region) ? v.region : undefined;
    const rptr = isStr(v) ? ptr : `${ptr}/region`;
    if (region === undefined || region === 'none') return undefined;
    // One parser for what the calendar accepts (FR-974 = FR-RE…); the rest only explains a refusal.
    if (parseHolidayRegion(region)) return { region };
    const [country = '', state, ...rest] = region.split('-');
    const catalogue = regionCatalogue();
    const countries = Object.keys(catalogue);
    if (!countries.includes(country) || rest.length > 0) {
      this.site.error(rptr, `found "${region}", expected a country code such as "FR", a region such as "FR-57", or "none"${didYouMean(country, countries)}`);
      return undefined;
    }
    if (state !== undefined) {
      const states = Object.keys(catalogue[country] ?? {});
      if (!states.includes(state)) {
        this.site.error(rptr, `found "${region}": "${state}" is not a region of ${country}; expected one of ${states.map((s) => `${country}-${s}`).join(', ') || `${country} alone`}`);
        return undefined;
      }
    }
    this.site.error(rptr, holidayRegionError(region) ?? `found "${region}", expected a public-holiday region or "none"`);
    return undefined;
  }

  private exceptions(ptr: string): CalendarException[] {
    const v = this.site.value(ptr);
    if (!Array.isArray(v)) return [];
    const out: { ex: CalendarException; ptr: string }[] = [];
    v.forEach((item, i) => {
      const p = pointer(ptr, i);
      if (!isObj(item)) return;
      const date = (key: string): string | undefined => {
        const d = item[key];
        if (!isStr(d)) return undefined;
        const r = parseDate(d);
        if (!r.ok) this.site.error(`${p}/${key}`, r.why);
        return r.ok ? r.value : undefined;
      };
      let from: string | undefined;
      let to: string | undefined;
      if (item.date !== undefined) {
        if (item.from !== undefined || item.to !== undefined) this.site.error(p, 'found "date" with "from"/"to", expected either one day (date) or a period (from and to)');
        from = to = date('date');
      } else if (item.from !== undefined || item.to !== undefined) {
        if (item.from === undefined || item.to === undefined) {
          this.site.error(p, `missing "${item.from === undefined ? 'from' : 'to'}": a period needs both from and to`);
          return;
        }
        from = date('from');
        to = date('to');
        if (from && to && to < from) this.site.error(`${p}/to`, `found "${to}", before from "${from}"; expected a last day on or after the first`);
      } else {
        this.site.error(p, 'missing "date" (one day) or "from" and "to" (a period)');
        return;
      }
      const kinds = ['hours', 'closed', 'open'].filter((k) => item[k] !== undefined);
      if (kinds.length !== 1) {
        this.site.error(p, kinds.length === 0
          ? 'missing what happens that day: "hours: [..]", "closed: true" or "open: weekly"'
          : `found ${kinds.map((k) => `"${k}"`).join(' and ')}, expected only one of hours, closed, open`);
        return;
      }
      let hours: CalendarException['hours'] = 'closed';
      if (kinds[0] === 'hours') {
        if (Array.isArray(item.hours) && item.hours.length === 0) {
          this.site.error(`${p}/hours`, 'found an empty list, expected hours such as [08:30-12:00] (or closed: true)');
          return;
        }
        hours = this.intervals(`${p}/hours`);
      } else if (kinds[0] === 'open') hours = 'weekly';
      if (!from || !to) return;
      const ex: CalendarException = { from, to, hours };
      const ann = item.announcement !== undefined ? this.site.soundRef(`${p}/announcement`) : undefined;
      if (ann) ex.announcement = ann;
      if (isStr(item.label) && this.site.text(`${p}/label`, MAX_NAME_LENGTH, false)) ex.label = item.label;
      out.push({ ex, ptr: p });
    });
    // Two exceptions on the same day would leave the calendar to guess which one wins.
    for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = out[j]!;
        const b = out[i]!;
        if (a.ex.from <= b.ex.to && b.ex.from <= a.ex.to) {
          const pa = this.site.pos(a.ptr);
          this.site.error(b.ptr, `overlaps the exception at line ${pa.line} (${span(a.ex)}); expected each day in one exception only`);
        }
      }
    }
    return out.map((x) => x.ex);
  }

  private override(ptr: string): CalendarOverride | undefined {
    const o = this.site.value(ptr) as Obj;
    const dt = (key: string): string | undefined => {
      if (!isStr(o[key])) return undefined;
      const r = parseDateTime(o[key]);
      if (!r.ok) this.site.error(`${ptr}/${key}`, r.why);
      return r.ok ? r.value : undefined;
    };
    const until = dt('until');
    const from = dt('from');
    if (from && until && until <= from) this.site.error(`${ptr}/until`, `found "${String(o.until)}", not after from "${String(o.from)}"; expected an end after the start`);
    if (!until || (o.state !== 'open' && o.state !== 'closed')) return undefined;
    const ov: CalendarOverride = { state: o.state, until };
    if (from) ov.from = from;
    const ann = o.announcement !== undefined ? this.site.soundRef(`${ptr}/announcement`) : undefined;
    if (ann) ov.announcement = ann;
    if (isStr(o.label) && this.site.text(`${ptr}/label`, MAX_NAME_LENGTH, false)) ov.label = o.label;
    return ov;
  }
}

const DAY_LABEL = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const fmt = (iv: Interval): string => `${formatTime(iv.start)}-${formatTime(iv.end)}`;
const span = (e: CalendarException): string => (e.from === e.to ? e.from : `${e.from} to ${e.to}`);

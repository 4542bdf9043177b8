// Public holidays by region, computed for any year with date-holidays.
// Only `type === 'public'` counts: observances, optional and bank holidays do not
// close a practice. Names come in French where date-holidays has them.

import type Holidays from 'date-holidays';
import { holidaysEngine, regionCatalogue } from './regions';

/**
 * Our region syntax is "CC" or "CC-SUB" (ISO 3166-2 style, as written in the plan).
 * date-holidays names French subdivisions differently: Alsace-Moselle by its
 * département numbers ("57", "67", "68") but the overseas departments by their
 * ISO country codes ("GP", "MQ"…), so INSEE numbers are translated here.
 */
const FRENCH_OVERSEAS: Record<string, string> = {
  '971': 'GP', // Guadeloupe
  '972': 'MQ', // Martinique
  '973': 'GF', // Guyane
  '974': 'RE', // La Réunion
  '976': 'YT', // Mayotte
  '977': 'BL', // Saint-Barthélemy
  '978': 'MF', // Saint-Martin
};

export interface PublicHoliday {
  /** Local date "YYYY-MM-DD". */
  date: string;
  name: string;
}

interface ParsedRegion {
  country: string;
  state?: string;
  region?: string;
}

/** Reads "FR", "FR-57", "FR-971", "DE-BY"…; null when date-holidays does not know it. */
export function parseHolidayRegion(region: string): ParsedRegion | null {
  const [rawCountry, rawState, rawRegion, ...extra] = region.trim().split('-');
  if (!rawCountry || extra.length > 0) return null;
  const country = rawCountry.toUpperCase();
  const states = regionCatalogue()[country];
  if (!states) return null;
  if (rawState === undefined) return { country };
  let state = rawState.toUpperCase();
  if (country === 'FR') state = FRENCH_OVERSEAS[state] ?? state;
  const regions = states[state];
  if (!regions) return null;
  if (rawRegion === undefined) return { country, state };
  const region_ = rawRegion.toUpperCase();
  if (!regions.includes(region_)) return null;
  return { country, state, region: region_ };
}

/** For the plan loader: an error message for an unknown region, or null when it is fine. */
export function holidayRegionError(region: string): string | null {
  return parseHolidayRegion(region)
    ? null
    : `unknown public-holiday region "${region}" (expected e.g. "FR", "FR-57", "FR-974")`;
}

const engines = new Map<string, Holidays>();
// Memo per (region, year): the tables never change, so this keeps the functions pure.
const tables = new Map<string, Map<string, string>>();

function engineFor(region: string): Holidays {
  let hd = engines.get(region);
  if (!hd) {
    const parsed = parseHolidayRegion(region);
    if (!parsed) throw new Error(holidayRegionError(region) ?? region);
    const opts = { languages: ['fr'], types: ['public' as const] };
    const Engine = holidaysEngine();
    hd = parsed.region
      ? new Engine(parsed.country, parsed.state!, parsed.region, opts)
      : parsed.state
        ? new Engine(parsed.country, parsed.state, opts)
        : new Engine(parsed.country, opts);
    engines.set(region, hd);
  }
  return hd;
}

/** date → name of the public holidays of `region` in `year` (several on one date are joined). */
export function holidayTable(region: string, year: number): Map<string, string> {
  const key = `${region}|${year}`;
  let table = tables.get(key);
  if (table) return table;
  table = new Map();
  for (const h of engineFor(region).getHolidays(year, 'fr')) {
    if (h.type !== 'public') continue;
    // `date` is the local date in the country ("2026-12-25 00:00:00"); a holiday
    // may last several days (end - start), rare but possible.
    const first = h.date.slice(0, 10);
    const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
    for (let i = 0; i < days; i++) {
      const d = new Date(Date.UTC(Number(first.slice(0, 4)), Number(first.slice(5, 7)) - 1, Number(first.slice(8, 10)) + i))
        .toISOString()
        .slice(0, 10);
      const prev = table.get(d);
      table.set(d, prev && prev !== h.name ? `${prev} / ${h.name}` : h.name);
    }
  }
  tables.set(key, table);
  return table;
}

/** The public holiday on local date `date` in `region`, if any. */
export function holidayOn(region: string, date: string): PublicHoliday | undefined {
  const name = holidayTable(region, Number(date.slice(0, 4))).get(date);
  return name === undefined ? undefined : { date, name };
}

/** Every public holiday of `region` in `year`, in date order. */
export function holidaysOf(region: string, year: number): PublicHoliday[] {
  return [...holidayTable(region, year)].map(([date, name]) => ({ date, name })).sort((a, b) => a.date.localeCompare(b.date));
}

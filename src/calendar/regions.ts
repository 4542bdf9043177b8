// Which public-holiday regions exist: countries, their states, the states' regions,
// as date-holidays knows them. Checking a plan needs only this list, not the
// holiday engine (loading date-holidays is the largest part of `accueil check`'s
// start-up), so `npm run build` writes it beside the compiled code
// (holiday-regions.json) and the engine is loaded only to compute holidays.

import * as fs from 'fs';
import * as path from 'path';
import type HolidaysEngine from 'date-holidays';

/** country → state → its regions (an empty list: the state has none). */
export type RegionCatalogue = Record<string, Record<string, string[]>>;

export const REGION_CATALOGUE_FILE = 'holiday-regions.json';

/** date-holidays' class, loaded on first use. */
export function holidaysEngine(): typeof HolidaysEngine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('date-holidays') as { default?: typeof HolidaysEngine } & typeof HolidaysEngine;
  return loaded.default ?? loaded;
}

/** The catalogue as date-holidays gives it (what the build writes). */
export function catalogueFromEngine(): RegionCatalogue {
  const Holidays = holidaysEngine();
  const hd = new Holidays();
  const out: RegionCatalogue = {};
  for (const country of Object.keys(hd.getCountries() ?? {})) {
    const states: Record<string, string[]> = {};
    for (const state of Object.keys(hd.getStates(country) ?? {})) states[state] = Object.keys(hd.getRegions(country, state) ?? {});
    out[country] = states;
  }
  return out;
}

let catalogue: RegionCatalogue | undefined;

/** The written catalogue when the build left one here, else the engine's. */
export function regionCatalogue(): RegionCatalogue {
  if (!catalogue) {
    const written = path.join(__dirname, REGION_CATALOGUE_FILE);
    catalogue = fs.existsSync(written) ? (JSON.parse(fs.readFileSync(written, 'utf8')) as RegionCatalogue) : catalogueFromEngine();
  }
  return catalogue;
}

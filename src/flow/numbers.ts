// Phone numbers as the interpreter needs them: the called number's E.164 key into
// plan.numbers, and the caller's number as the secretariat should read it.
// TODO(plan): switch to plan/numbers.ts `normaliseNumber` once it exists; this is a
// local fallback with the same intent (libphonenumber-js is pure: no I/O).

import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CallerId } from './contract';

/** E.164 form of `raw` read in `country`, or `raw` stripped of spaces and dots when it is not a phone number. */
export function normaliseNumber(raw: string, country: string): string {
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
  if (parsed && parsed.isPossible()) return parsed.number;
  return raw.replace(/[\s.\-()]/g, '');
}

/** National format for numbers of the plan's country ("06 12 34 56 78"), international otherwise. */
export function formatCaller(raw: string, country: string): string {
  if (raw.trim() === '') return 'inconnu';
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
  if (!parsed || !parsed.isPossible()) return raw;
  return parsed.country === country || (parsed.country === undefined && parsed.countryCallingCode === undefined)
    ? parsed.formatNational()
    : parsed.formatInternational();
}

/** What the phones display: the called number's label first, so the secretariat knows which doctor was called. */
export function callerIdFor(label: string, caller: string, country: string): CallerId {
  const shown = formatCaller(caller, country);
  return { name: label ? `[${label}] ${shown}` : shown, number: caller };
}

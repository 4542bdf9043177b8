// Phone numbers as the interpreter needs them: the called number's E.164 key into
// plan.numbers, and the caller's number as the secretariat should read it.
// The called number is read exactly as the plan reads its own numbers (plan/numbers.ts),
// so "0142000001", "+33142000001" and "33142000001" all find the same entry.

import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { normaliseNumber as planNumber } from '../plan/numbers';
import type { CallerId } from './contract';

/** Key of the called number in plan.numbers: its E.164 form, or the raw digits when it is no phone number. */
export function normaliseNumber(raw: string, country: string): string {
  return planNumber(raw, country) ?? raw.trim().replace(/[\s.\-()/]/g, '');
}

/** National format for numbers of the plan's country ("06 12 34 56 78"), international otherwise. */
export function formatCaller(raw: string, country: string): string {
  if (raw.trim() === '') return 'inconnu';
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
  if (!parsed || !parsed.isPossible()) return raw;
  const home = isSupportedCountry(country) ? getCountryCallingCode(country as CountryCode) : undefined;
  return parsed.countryCallingCode === home ? parsed.formatNational() : parsed.formatInternational();
}

/** What the phones display: the called number's label first, so the secretariat knows which doctor was called. */
export function callerIdFor(label: string, caller: string, country: string): CallerId {
  const shown = callerIdText(formatCaller(caller, country));
  const name = label ? `[${callerIdText(label)}] ${shown}` : shown;
  return { name: [...name].slice(0, MAX_CALLER_NAME).join(''), number: caller.replace(/[^A-Za-z0-9+*#._-]/g, '').slice(0, 40) };
}

/** Longest caller ID name sent to a phone (most display about 20 to 40 characters). */
const MAX_CALLER_NAME = 64;

/**
 * Text that goes into a caller ID name (a SIP display name): the caller's own number is
 * untrusted and the plan's label is checked, but neither may carry what would end the
 * quoted display name or a header: quotes, <>, backslashes and control characters go.
 */
export function callerIdText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029"<>\\]/g, '').trim();
}

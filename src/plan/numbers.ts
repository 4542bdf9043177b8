// Phone numbers → E.164, for the plan's public numbers and for the called number
// Asterisk hands over (which may come national, international with or without "+", or
// without the trunk prefix, depending on the trunk).

import { parsePhoneNumberFromString, isSupportedCountry, type CountryCode } from 'libphonenumber-js';

function possible(raw: string, country?: CountryCode): string | null {
  const p = parsePhoneNumberFromString(raw, country);
  // "Possible" (right length) rather than "valid" (known ranges): a brand-new range or a
  // test number must not be refused by metadata that lags behind the operators.
  return p && p.isPossible() ? p.number : null;
}

export function isCountry(country: string): boolean {
  return isSupportedCountry(country);
}

/**
 * E.164 form of a number ("+33142000001"), or null when it cannot be a phone number.
 * Accepted: "01 42 00 00 01", "+33 1 42 00 00 01", "0033142000001", "33142000001", "142000001".
 */
export function normaliseNumber(raw: string, country: string): string | null {
  const cc = (isSupportedCountry(country) ? country : 'FR') as CountryCode;
  const compact = raw.trim().replace(/[\s.\-()/]/g, '');
  if (!/^\+?\d{3,17}$/.test(compact)) return null;
  if (compact.startsWith('+')) return possible(compact);
  if (compact.startsWith('00')) return possible('+' + compact.slice(2));
  // National first ("0142000001", or "142000001" without the trunk prefix), then the same
  // digits read as international without "+" ("33142000001").
  return possible(compact, cc) ?? possible('+' + compact);
}

/**
 * Every form in which a trunk may hand over the number `e164` that normaliseNumber
 * reads back to it: "+33142000001", "0033142000001", "33142000001", "0142000001",
 * "142000001" (what an entry point that matches the dialled number exactly must list).
 */
export function dialledForms(e164: string): string[] {
  const p = parsePhoneNumberFromString(e164);
  if (!p) return [e164];
  const international = e164.slice(1);
  const national = p.formatNational().replace(/\D/g, '');
  return [...new Set([e164, `00${international}`, international, national, p.nationalNumber])];
}

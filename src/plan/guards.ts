// Closed grammars for what a plan hands to Asterisk, phones, mails and the network:
// dial strings, music classes, texts shown on phones, webhook targets, outside numbers.
// Each check returns why a value is refused (without the field name), or undefined.

import { isIP } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe } from './paths';

// ── dial strings ──────────────────────────────────────────────────────────────

/** The technologies a line may use, each with the pattern of its resource. */
export const ENDPOINT_TECHNOLOGIES: Record<string, RegExp> = {
  PJSIP: /^[A-Za-z0-9_.-]{1,64}$/,
};

export function endpointProblem(endpoint: string, lineName: string, forLine = true): string | undefined {
  const expected = `expected "PJSIP/<name>", the name of one endpoint made of letters, digits, ".", "_" or "-", such as "PJSIP/${safeName(lineName)}"`;
  const found = `found ${describe(endpoint)}`;
  const outside = forLine ? ' (an outside number is an "external" destination)' : '';
  if (endpoint.includes('&')) return `${found}: "&" would ring several endpoints; ${expected} (ring several lines with a group)`;
  const slash = endpoint.indexOf('/');
  if (slash < 0) return `${found}, ${expected}`;
  const tech = endpoint.slice(0, slash);
  const resource = endpoint.slice(slash + 1);
  const pattern = Object.entries(ENDPOINT_TECHNOLOGIES).find(([t]) => t.toLowerCase() === tech.toLowerCase());
  if (!pattern) return `${found}: the technology "${tech}" is not supported; ${expected}${outside}`;
  if (/[/@]/.test(resource)) return `${found}: "/" and "@" would address another server or dialplan context; ${expected}${outside}`;
  if (!pattern[1].test(resource)) return `${found}, ${expected}`;
  return undefined;
}

const safeName = (s: string): string => (/^[A-Za-z0-9_.-]{1,64}$/.test(s) ? s : 'secretariat');

// ── music on hold ─────────────────────────────────────────────────────────────

/** An Asterisk music-on-hold class name, as musiconhold.conf's section names go. */
export function musicClassProblem(name: string): string | undefined {
  if (/^[A-Za-z0-9_-]{1,40}$/.test(name)) return undefined;
  return `found ${describe(name)}, expected the name of a music-on-hold class of musiconhold.conf (letters, digits, "_" or "-", at most 40) such as "default"`;
}

// ── texts shown on phones and in mails ────────────────────────────────────────

export const MAX_NAME_LENGTH = 80;
export const MAX_LABEL_LENGTH = 30;

/** A name or label: one line of printable characters, bounded; `"<>\` are refused where they would end in a caller ID. */
export function textProblem(text: string, max: number, shownOnPhones: boolean): string | undefined {
  const found = `found ${describe(text)}`;
  // Control characters (C0, DEL, C1), line and paragraph separators, bidi overrides.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text)) {
    return `${found}: a control character (line break, tab, escape…) is not allowed; expected one line of printable text`;
  }
  if (text.trim() === '') return `${found}, expected a text such as "Cabinet du Dr Martin"`;
  if ([...text].length > max) return `found a text of ${[...text].length} characters, expected at most ${max}`;
  if (shownOnPhones && /["<>\\]/.test(text)) return `${found}: the characters " < > \\ are not allowed, the phones show this text as a caller name; expected plain text such as "Dr Martin"`;
  return undefined;
}

// ── webhooks ──────────────────────────────────────────────────────────────────

export interface WebhookPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

/** Why a host (name or address) is not a public target, or undefined. Names are judged as written (no DNS here). */
export function privateHostProblem(host: string): string | undefined {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return 'a loopback address';
  if (h === 'metadata.google.internal' || h === 'metadata' || h.endsWith('.internal')) return 'a cloud metadata address';
  const kind = isIP(h);
  if (kind === 4) return ipv4Problem(h);
  if (kind === 6) {
    if (h === '::1') return 'a loopback address';
    if (h === '::') return 'an unspecified address';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return ipv4Problem(mapped[1]!);
    if (/^fe[89ab]/.test(h)) return 'a link-local address';
    if (/^f[cd]/.test(h)) return 'a private address';
    if (h === 'fd00:ec2::254') return 'a cloud metadata address';
  }
  return undefined;
}

function ipv4Problem(ip: string): string | undefined {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  if (ip === '169.254.169.254' || ip === '100.100.100.200') return 'a cloud metadata address';
  if (a === 127) return 'a loopback address';
  if (a === 169 && b === 254) return 'a link-local address';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private address';
  if (a === 100 && b >= 64 && b <= 127) return 'a shared (carrier) address';
  if (a === 0 || a >= 224) return 'a reserved address';
  return undefined;
}

export function webhookProblem(url: string, policy: WebhookPolicy): string | undefined {
  const expected = 'expected an https URL such as "https://example.org/hook"';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `found ${describe(url)}, ${expected}`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `found ${describe(url)}, ${expected}`;
  if (u.protocol === 'http:' && !policy.allowHttp) return `found ${describe(url)}: plain http sends the message's details unencrypted; ${expected} (or "allow_http: true")`;
  if (u.username || u.password) return `found a URL with a user name or password in it; ${expected} (secrets come from the environment)`;
  const why = privateHostProblem(u.hostname);
  if (why && !policy.allowPrivate) return `found ${describe(url)}: ${u.hostname} is ${why}; expected a public server (or "allow_private: true" for a server of your own network)`;
  return undefined;
}

// ── outside numbers (toll fraud) ──────────────────────────────────────────────

export interface DialPolicy {
  /** Countries that may be called (ISO codes); the plan's country always may. */
  countries: string[];
  /** Premium-rate and shared-cost numbers. */
  premium: boolean;
}

/** An outside number → E.164, or why it may not be dialled. */
export function externalNumber(written: string, country: string, policy: DialPolicy): { ok: true; e164: string } | { ok: false; why: string } {
  const parsed = parsePhoneNumberFromString(written, country as CountryCode);
  if (!parsed || !parsed.isValid()) return { ok: false, why: `found ${describe(written)}, expected a phone number such as "+33 6 12 34 56 78" or "06 12 34 56 78" (country ${country})` };
  const e164 = parsed.number;
  const to = parsed.country;
  if (to !== country && !policy.countries.includes(to ?? '')) {
    return { ok: false, why: `found ${describe(written)}, a number of ${to ?? `+${parsed.countryCallingCode}`}: calls abroad are refused unless the trunk allows the country (allow: { countries: [${to ?? '…'}] })` };
  }
  const type = parsed.getType();
  if ((type === 'PREMIUM_RATE' || type === 'SHARED_COST' || isFrenchPremium(e164)) && !policy.premium) {
    return { ok: false, why: `found ${describe(written)}, a premium-rate number: refused unless the trunk allows it (allow: { premium: true })` };
  }
  return { ok: true, e164 };
}

/** French 08 numbers other than the free 080x (shared and premium rates). */
function isFrenchPremium(e164: string): boolean {
  return /^\+338[1-9]/.test(e164);
}

// The validated reception plan: what every other part of Accueil reads.
// Produced only by src/plan/ (from YAML); pure data, no methods, no YAML types.
// Durations are milliseconds; times of day are minutes since local midnight.

/** Where in the source a thing was written, for error messages ("FILE:LINE:COL"). */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface Plan {
  /** Content hash of the source files: identifies the plan version in journals and on channels. */
  version: string;
  /** IANA time zone, default Europe/Paris. */
  timezone: string;
  /** ISO 3166 country used to read national phone numbers (default FR). */
  country: string;
  /** Language of the `say:` texts, one of SPEECH_LANGUAGES (default "fr"; absent in plans built by hand = "fr"). */
  language?: string;
  lines: Record<string, Line>;
  calendars: Record<string, Calendar>;
  /** Keyed by the E.164 form of the public number, e.g. "+33142000001". */
  numbers: Record<string, PublicNumber>;
  groups: Record<string, Group>;
  menus: Record<string, Menu>;
  voicemail: Record<string, VoicemailBox>;
  /** Named announcements: a name → the sounds played in order. */
  announcements: Record<string, Announcement>;
  /** Where a call to a number the plan does not know goes; absent = polite announcement + hang-up. */
  default?: Destination;
  /** The call history's settings (`history:`); absent = the defaults (keep 13 months). */
  history?: HistorySettings;
  /** The ways out to the public network, for `external` destinations. */
  trunks?: Record<string, Trunk>;
  /** The number the practice calls to record its announcements by phone (docs/sounds.md). */
  studio?: Studio;
  /**
   * A folder of practices (docs/scale.md): the practices in force, in name order. Their
   * names are scoped ("cabinet-a.secretariat"); absent for a plan of one practice.
   */
  practices?: string[];
}

// ── Recording by phone (docs/sounds.md) ──────────────────────────────────────

/** What the studio says, in order of the call: each rendered like any `say:` text. */
export const STUDIO_PROMPTS = ['pin', 'wrongPin', 'noPin', 'menu', 'record', 'review', 'kept', 'goodbye'] as const;
export type StudioPrompt = (typeof STUDIO_PROMPTS)[number];

export interface Studio {
  /** E.164 of the number the manager calls (not one of `numbers`). */
  number: string;
  written: string;
  /** The environment variable that holds the PIN (never the plan). */
  pinEnv: string;
  /** The announcements that may be recorded: key 1 is the first, up to 9. */
  announcements: string[];
  prompts: Record<StudioPrompt, Sound[]>;
}

// ── Call history (docs/history.md) ───────────────────────────────────────────

export interface HistorySettings {
  /** How long calls are kept: a number of months or of days ("13 months"). */
  keep: { months: number } | { days: number };
}

/** Who is told about a number's missed calls, gathered over `batch` ms into one notice. */
export interface MissedNotice {
  notify: NotifyTargets;
  batch: number;
}

/** A way out to the public network, and which outside numbers it may ring (toll-fraud policy). */
export interface Trunk {
  name: string;
  /** "PJSIP/trunk": the operator's endpoint. */
  endpoint: string;
  allow: {
    /** Countries that may be called besides the plan's own (ISO codes). */
    countries: string[];
    /** Premium-rate and shared-cost numbers. */
    premium: boolean;
  };
}

export interface Line {
  name: string;
  /** Asterisk dial string technology/resource, e.g. "PJSIP/secretariat". */
  endpoint: string;
  /** Optional short number for direct dialling from a menu ("12"). */
  extension?: string;
}

/** A sound reference: a file of the plan's sounds folder (name without extension), or an Asterisk prompt. */
export interface Sound {
  /** "accueil/<name>" for the plan's own sounds, or the Asterisk prompt name for built-ins ("vm-intro"). */
  media: string;
  /** The name as written in the plan, for journals. */
  name: string;
  /**
   * A text to speak (`{ say: "…" }`): `media` is "" until src/announce renders it (static
   * text) or the call renders it (text with calendar placeholders such as "{reopen}").
   */
  say?: SpokenText;
}

/** Placeholders a `say:` text may hold, filled from the number's calendar at call time. */
export const SAY_PLACEHOLDERS = ['reopen', 'hours_today', 'hours_week', 'closure'] as const;
export type SayPlaceholder = (typeof SAY_PLACEHOLDERS)[number];

/** Languages a `say:` text may be written in (SVOX Pico's voices; placeholders are French only). */
export const SPEECH_LANGUAGES = ['fr', 'en', 'de', 'es', 'it'] as const;

export interface SpokenText {
  /** As written, whitespace collapsed. */
  text: string;
  language: string;
  /** The placeholders used, in order of appearance; empty = static text, rendered at load. */
  placeholders: SayPlaceholder[];
  /** Where the text was written, for "cannot be synthesised" errors. */
  at: SourceRef;
  /** The field as the plan's errors name it: `numbers["+33 1 42 00 00 01"].greeting.say`. */
  field: string;
  /** The same as a JSON pointer into the plan (`/numbers/+33 1 42 00 00 01/greeting/say`): where an edit changes it. */
  pointer?: string;
}

export interface Announcement {
  name: string;
  sounds: Sound[];
}

// ── Calendars ────────────────────────────────────────────────────────────────

/** An opening interval in local time. `end` > `start`; `end` may exceed 1440 (crossing midnight into the next day). */
export interface Interval {
  start: number;
  end: number;
}

/** Weekly hours, indexed by ISO weekday 1 (Monday) … 7 (Sunday). A missing day is closed. */
export type WeeklyHours = Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, Interval[]>>;

export interface HolidayRule {
  /** Country, optionally with a region, as date-holidays names them: "FR", "FR-57" (Alsace-Moselle), "FR-RE" (La Réunion)… */
  region: string;
}

export interface CalendarException {
  /** Local dates, inclusive, "YYYY-MM-DD". A single day has from === to. */
  from: string;
  to: string;
  /** Closed all day, or open with these hours, or open with the usual weekly hours ("weekly"). */
  hours: 'closed' | 'weekly' | Interval[];
  /** Announcement to play when closed because of this exception. */
  announcement?: string;
  /** Human label for explanations ("Congés d'été"). */
  label?: string;
}

export interface CalendarOverride {
  state: 'open' | 'closed';
  /** Local date-time "YYYY-MM-DDTHH:MM" after which the override no longer applies. */
  until: string;
  /** Optional local start "YYYY-MM-DDTHH:MM"; absent = in force now until `until`. */
  from?: string;
  announcement?: string;
  label?: string;
}

export interface Calendar {
  name: string;
  /** IANA zone; defaults to the plan's. */
  timezone: string;
  weekly: WeeklyHours;
  holidays?: HolidayRule;
  exceptions: CalendarException[];
  override?: CalendarOverride;
}

// ── Routing ──────────────────────────────────────────────────────────────────

export type Destination =
  | { kind: 'group'; group: string }
  | { kind: 'line'; line: string; timeout: number; then: Destination }
  /** An outside number (E.164) rung through a trunk; `endpoint` is the dial string "PJSIP/+33612345678@trunk". */
  | { kind: 'external'; number: string; trunk: string; endpoint: string; timeout: number; then: Destination }
  | { kind: 'menu'; menu: string }
  | { kind: 'voicemail'; box: string }
  | { kind: 'announcement'; announcement: string; then: Destination }
  | { kind: 'hangup' };

export interface PublicNumber {
  /** E.164, "+33142000001". */
  e164: string;
  /** As written in the plan, for humans. */
  written: string;
  /** "Cabinet du Dr Martin". */
  name: string;
  /** The practice the number belongs to, in a folder of practices (journals name it). */
  practice?: string;
  /** Short label shown on the phones before the caller's number: "Dr Martin" → "[Dr Martin] 06 12 34 56 78". */
  label: string;
  greeting?: string; // announcement name
  /** Calendar name; absent = always open. */
  calendar?: string;
  open: Destination;
  closed: Destination;
  /** Missed calls of this number are notified (`missed:`); absent = they are only in the history. */
  missed?: MissedNotice;
}

export type Strategy = 'ringall' | 'linear' | 'rrmemory';

export interface Group {
  name: string;
  lines: string[];
  strategy: Strategy;
  /** How long one attempt rings a line before it counts as not answered. */
  ringTime: number;
  /** Bound on the caller's total time in this group (waiting + ringing), then overflow. */
  maxWait: number;
  hold: {
    /** Asterisk music-on-hold class; absent = ringback instead of music. */
    music?: string;
    /** Announcement repeated every `every` ms while waiting. */
    message?: string;
    every?: number;
    announcePosition: boolean;
  };
  overflow: Destination;
  /** When every line of the group is unavailable (not registered): overflow at once, or wait anyway. */
  whenUnavailable: 'overflow' | 'wait';
  /** A line that did not answer a caller is not presented that caller again for this long. */
  retryPause: number;
  /** After a call ends, a line is not presented a new call for this long. */
  wrapUp: number;
}

export interface Menu {
  name: string;
  prompt: string; // announcement name
  options: Record<string, Destination>; // "1".."9","0","*","#"
  /** Wait for a digit after the prompt ended. */
  timeout: number;
  invalid?: string; // announcement name
  noInput?: string; // announcement name
  retries: number;
  fallback: Destination;
  /** Allow dialling a line's extension directly. */
  directDial: boolean;
}

export interface VoicemailBox {
  name: string;
  /** Announcement played before the beep; absent = a default naming the box. */
  greeting?: string;
  /** Whether a message may be left; false = greeting then hang-up. */
  record: boolean;
  maxLength: number;
  minLength: number;
  /** End the recording after this much silence; absent = no silence detection. */
  silence?: number;
  notify: NotifyTargets;
}

/** E-mail addresses and/or a webhook URL. */
export interface NotifyTargets {
  email: string[];
  webhook?: string;
}

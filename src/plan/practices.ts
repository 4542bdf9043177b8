// A folder of practices (docs/plan.md, docs/scale.md): each subfolder of the plan's
// folder is one practice, read and checked as a plan of its own, then put beside the
// others in one plan for the daemon. Names are scoped per practice ("cabinet-a.secretariat")
// so that two practices never share a line, a group or a calendar by accident; what
// the practices truly share (the public numbers that reach the daemon, the phones it
// rings, the studio numbers) is checked here: the same one twice is an error.

import { createHash } from 'node:crypto';
import type { Announcement, Calendar, Destination, Group, Line, Menu, Plan, PublicNumber, SourceRef, Trunk, VoicemailBox } from './types';
import type { PlanError } from './errors';
import type { PlanWithoutVersion } from './build';

/** A practice's name is its folder's: lower-case letters, digits, "-" and "_" (no ".": it separates the scope). */
export const PRACTICE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The separator between a practice and a name of its plan: `cabinet-a.secretariat`. */
export const SCOPE_SEPARATOR = '.';

/** Something a practice holds that no other practice may hold: where it was written, for the clash's message. */
export interface PracticeClaim {
  kind: 'number' | 'endpoint' | 'studio';
  /** E.164 for numbers, the dial string for endpoints. */
  key: string;
  at: SourceRef;
  /** The field as the plan's errors name it. */
  field: string;
}

/** One practice read and checked on its own, its names already scoped. */
export type PracticeRead =
  | { name: string; ok: true; plan: PlanWithoutVersion; version: string; claims: PracticeClaim[] }
  | { name: string; ok: false; errors: PlanError[] };

export type PracticeReadOk = Extract<PracticeRead, { ok: true }>;

const scoped = (practice: string, name: string): string => `${practice}${SCOPE_SEPARATOR}${name}`;

function scopeRecord<T extends { name: string }>(practice: string, rec: Record<string, T>, inner: (v: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const v of Object.values(rec)) {
    const name = scoped(practice, v.name);
    out[name] = { ...inner(v), name };
  }
  return out;
}

/** A built plan of one practice with every name it defines and every reference to one prefixed by the practice. */
export function scopePractice(plan: PlanWithoutVersion, practice: string): PlanWithoutVersion {
  const s = (name: string): string => scoped(practice, name);
  const so = (name: string | undefined): string | undefined => (name === undefined ? undefined : s(name));
  const dest = (d: Destination): Destination => {
    switch (d.kind) {
      case 'group':
        return { ...d, group: s(d.group) };
      case 'line':
        return { ...d, line: s(d.line), then: dest(d.then) };
      case 'external':
        return { ...d, trunk: s(d.trunk), then: dest(d.then) };
      case 'menu':
        return { ...d, menu: s(d.menu) };
      case 'voicemail':
        return { ...d, box: s(d.box) };
      case 'announcement':
        return { ...d, announcement: s(d.announcement), then: dest(d.then) };
      case 'hangup':
        return d;
    }
  };
  const withAnnouncement = <T extends { announcement?: string }>(x: T): T => (x.announcement === undefined ? x : { ...x, announcement: s(x.announcement) });
  const calendar = (c: Calendar): Calendar => ({
    ...c,
    exceptions: c.exceptions.map(withAnnouncement),
    ...(c.override ? { override: withAnnouncement(c.override) } : {}),
  });
  const group = (g: Group): Group => ({
    ...g,
    lines: g.lines.map(s),
    hold: g.hold.message === undefined ? g.hold : { ...g.hold, message: s(g.hold.message) },
    overflow: dest(g.overflow),
  });
  const menu = (m: Menu): Menu => ({
    ...m,
    prompt: s(m.prompt),
    options: Object.fromEntries(Object.entries(m.options).map(([k, d]) => [k, dest(d)])),
    ...(m.invalid !== undefined ? { invalid: s(m.invalid) } : {}),
    ...(m.noInput !== undefined ? { noInput: s(m.noInput) } : {}),
    fallback: dest(m.fallback),
  });
  const box = (b: VoicemailBox): VoicemailBox => (b.greeting === undefined ? b : { ...b, greeting: s(b.greeting) });
  const numbers: Record<string, PublicNumber> = {};
  for (const [key, n] of Object.entries(plan.numbers)) {
    numbers[key] = {
      ...n,
      practice,
      ...(n.greeting !== undefined ? { greeting: so(n.greeting) } : {}),
      ...(n.calendar !== undefined ? { calendar: so(n.calendar) } : {}),
      open: dest(n.open),
      closed: dest(n.closed),
    };
  }
  return {
    ...plan,
    lines: scopeRecord<Line>(practice, plan.lines, (l) => l),
    calendars: scopeRecord(practice, plan.calendars, calendar),
    numbers,
    groups: scopeRecord(practice, plan.groups, group),
    menus: scopeRecord(practice, plan.menus, menu),
    voicemail: scopeRecord(practice, plan.voicemail, box),
    announcements: scopeRecord<Announcement>(practice, plan.announcements, (a) => a),
    ...(plan.default ? { default: dest(plan.default) } : {}),
    ...(plan.trunks ? { trunks: scopeRecord<Trunk>(practice, plan.trunks, (t) => t) } : {}),
    ...(plan.studio ? { studio: { ...plan.studio, announcements: plan.studio.announcements.map(s) } } : {}),
  };
}

/** What two practices may not both hold: a studio number is a number, endpoints compare without case. */
const claimKey = (c: PracticeClaim): string => (c.kind === 'endpoint' ? `endpoint ${c.key.toLowerCase()}` : `number ${c.key}`);

const at = (c: PracticeClaim): string => `${c.at.file}:${c.at.line}:${c.at.col}`;

const CLASH_WORDS: Record<PracticeClaim['kind'], (key: string) => string> = {
  number: (key) => `the number ${key} is already a number of practice`,
  studio: (key) => `the number ${key} is already a number of practice`,
  endpoint: (key) => `the phone ${key} already rings for practice`,
};

/** How long the history keeps calls: the longest any practice asks for (a practice never loses its calls to another's setting). */
function longestKeep(plans: PlanWithoutVersion[]): Plan['history'] {
  const days = (h: NonNullable<Plan['history']>): number => ('months' in h.keep ? h.keep.months * 31 : h.keep.days);
  let best: Plan['history'];
  for (const p of plans) if (p.history && (!best || days(p.history) > days(best))) best = p.history;
  return best;
}

/**
 * The practices put together in one plan. A practice that holds what an earlier one
 * (in name order) already holds — a public number, a phone, a studio number — is left
 * out, with an error at the clashing field naming the other practice; so are the
 * settings the daemon reads once for every call (the country in which a dialled number
 * is read, the language of the voice), which must be the same in every practice.
 */
export function combinePractices(reads: PracticeReadOk[]): { plan: Plan | undefined; errors: PlanError[]; included: string[] } {
  const errors: PlanError[] = [];
  const owners = new Map<string, { practice: string; claim: PracticeClaim }>(); // by claimKey
  const included: PracticeReadOk[] = [];
  const sorted = [...reads].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const r of sorted) {
    const first = included[0];
    const problems: PlanError[] = [];
    const wholePlan = { file: r.claims[0]?.at.file ?? r.name, line: 0, col: 0 }; // a setting of the practice as a whole
    if (first && r.plan.country !== first.plan.country) {
      problems.push({ ...wholePlan, message: `country: practice ${r.name} reads numbers as ${r.plan.country}, practice ${first.name} as ${first.plan.country}; expected one country for every practice of the folder (the daemon reads each dialled number once, before it knows the practice)` });
    }
    if (first && (r.plan.language ?? 'fr') !== (first.plan.language ?? 'fr')) {
      problems.push({ ...wholePlan, message: `language: practice ${r.name} speaks ${r.plan.language ?? 'fr'}, practice ${first.name} ${first.plan.language ?? 'fr'}; expected one language for every practice of the folder` });
    }
    const studioOf = included.find((x) => x.plan.studio);
    if (r.plan.studio && studioOf) {
      problems.push({ ...(r.claims.find((c) => c.kind === 'studio')?.at ?? { file: r.name, line: 0, col: 0 }), message: `studio: practice ${r.name} has a studio, and so has practice ${studioOf.name}; expected one studio in a folder of practices (one per daemon in this version: docs/scale.md)` });
    }
    if (r.plan.default) {
      problems.push({ ...wholePlan, message: `default: practice ${r.name} has a default destination; in a folder of practices a number no practice has is not one practice's to answer (the entry point refuses it, the daemon says it is not in service), expected no "default"` });
    }
    for (const c of r.claims) {
      const owner = owners.get(claimKey(c));
      if (owner && owner.practice !== r.name) {
        problems.push({ ...c.at, message: `${c.field}: ${CLASH_WORDS[c.kind](c.key)} ${owner.practice} (${at(owner.claim)}); expected each ${c.kind === 'endpoint' ? 'phone in one practice only (name endpoints <practice>-<line>)' : 'number in one practice only'}` });
      }
    }
    if (problems.length > 0) {
      errors.push(...problems);
      continue;
    }
    for (const c of r.claims) {
      if (!owners.has(claimKey(c))) owners.set(claimKey(c), { practice: r.name, claim: c });
    }
    included.push(r);
  }
  const first = included[0];
  if (!first) return { plan: undefined, errors, included: [] };
  const merge = <K extends 'lines' | 'calendars' | 'numbers' | 'groups' | 'menus' | 'voicemail' | 'announcements'>(k: K): Plan[K] =>
    Object.assign({}, ...included.map((r) => r.plan[k])) as Plan[K];
  const trunks = Object.assign({}, ...included.map((r) => r.plan.trunks ?? {})) as Record<string, Trunk>;
  const studio = included.find((r) => r.plan.studio)?.plan.studio;
  const history = longestKeep(included.map((r) => r.plan));
  const version = createHash('sha256');
  for (const r of included) version.update(r.name).update('\0').update(r.version).update('\0');
  const plan: Plan = {
    version: version.digest('hex').slice(0, 12),
    timezone: first.plan.timezone,
    country: first.plan.country,
    ...(first.plan.language !== undefined ? { language: first.plan.language } : {}),
    lines: merge('lines'),
    calendars: merge('calendars'),
    numbers: merge('numbers'),
    groups: merge('groups'),
    menus: merge('menus'),
    voicemail: merge('voicemail'),
    announcements: merge('announcements'),
    ...(history ? { history } : {}),
    ...(Object.keys(trunks).length ? { trunks } : {}),
    ...(studio ? { studio } : {}),
    practices: included.map((r) => r.name),
  };
  return { plan, errors, included: included.map((r) => r.name) };
}

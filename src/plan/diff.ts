// What changed between two plans, for the reload log line. A number counts as changed
// when anything its calls can go through changed (its calendar, groups, sounds…).

import type { Destination, Plan, PublicNumber } from './types';

export interface PlanDiff {
  from?: string;
  to: string;
  numbers: { added: string[]; removed: string[]; changed: string[] };
  /** Top-level settings and named definitions that changed: "timezone", "groups.secretariat-martin"… */
  changed: string[];
}

/** JSON with sorted keys, so that reordering a YAML mapping is not a change. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const SECTIONS = ['lines', 'calendars', 'groups', 'menus', 'voicemail', 'announcements'] as const;

/** Every definition a number's calls may use, as "section.name". */
function closure(plan: Plan, n: PublicNumber): Set<string> {
  const seen = new Set<string>();
  const add = (section: (typeof SECTIONS)[number], name: string | undefined): boolean => {
    if (name === undefined) return false;
    const k = `${section}.${name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
  const dest = (d: Destination): void => {
    switch (d.kind) {
      case 'group': {
        const g = plan.groups[d.group];
        if (add('groups', d.group) && g) {
          g.lines.forEach((l) => add('lines', l));
          add('announcements', g.hold.message);
          dest(g.overflow);
        }
        break;
      }
      case 'menu': {
        const m = plan.menus[d.menu];
        if (add('menus', d.menu) && m) {
          [m.prompt, m.invalid, m.noInput].forEach((a) => add('announcements', a));
          Object.values(m.options).forEach(dest);
          dest(m.fallback);
          if (m.directDial) Object.keys(plan.lines).forEach((l) => add('lines', l));
        }
        break;
      }
      case 'voicemail':
        if (add('voicemail', d.box)) add('announcements', plan.voicemail[d.box]?.greeting);
        break;
      case 'line':
        add('lines', d.line);
        dest(d.then);
        break;
      case 'external':
        dest(d.then);
        break;
      case 'announcement':
        add('announcements', d.announcement);
        dest(d.then);
        break;
      default:
        break;
    }
  };
  add('announcements', n.greeting);
  if (n.calendar) {
    add('calendars', n.calendar);
    const c = plan.calendars[n.calendar];
    add('announcements', c?.override?.announcement);
    c?.exceptions.forEach((e) => add('announcements', e.announcement));
  }
  dest(n.open);
  dest(n.closed);
  return seen;
}

/**
 * Whether two values of a plan differ. Cheapest first: a reload shares every unchanged
 * entry with the plan before it (transfer.ts), and the builder writes keys in one order,
 * so that the key-sorted comparison is left for what really looks different.
 */
function differ(x: unknown, y: unknown): boolean {
  if (x === y) return false;
  if (x === undefined || y === undefined) return true;
  return JSON.stringify(x) !== JSON.stringify(y) && stable(x) !== stable(y);
}

export function diffPlans(a: Plan | undefined, b: Plan): PlanDiff {
  const changed: string[] = [];
  if (a) {
    for (const k of ['timezone', 'country', 'default'] as const) if (differ(a[k], b[k])) changed.push(k);
    for (const s of SECTIONS) {
      if (a[s] === b[s]) continue;
      const names = new Set([...Object.keys(a[s]), ...Object.keys(b[s])]);
      changed.push(...[...names].filter((n) => differ(a[s][n], b[s][n])).sort().map((n) => `${s}.${n}`));
    }
  }
  const before = a?.numbers ?? {};
  const added = Object.keys(b.numbers).filter((n) => !(n in before)).sort();
  const removed = Object.keys(before).filter((n) => !(n in b.numbers)).sort();
  const touched = new Set(changed.filter((c) => c.includes('.')));
  const zoneChanged = changed.includes('timezone');
  const changedNumbers = Object.keys(b.numbers)
    .filter((n) => n in before)
    .filter((n) => {
      const nb = b.numbers[n]!;
      if (differ(before[n], nb) || zoneChanged) return true;
      if (touched.size === 0) return false;
      for (const dep of closure(b, nb)) if (touched.has(dep)) return true;
      for (const dep of closure(a!, before[n]!)) if (touched.has(dep)) return true;
      return false;
    })
    .sort();
  return { ...(a ? { from: a.version } : {}), to: b.version, numbers: { added, removed, changed: changedNumbers }, changed };
}

/** At most this many names per list in the log line: a plan of 10,000 numbers arriving is one line, not 200 KB. */
export const SUMMARY_NAMES = 20;

const some = (names: string[], sep: string): string =>
  names.length <= SUMMARY_NAMES ? names.join(sep) : `${names.slice(0, SUMMARY_NAMES).join(sep)}${sep}… (${names.length} in all)`;

/** One line for the log: "numbers +1 -0 ~2 (+33142000004 …); changed: groups.secretariat-martin". */
export function summariseDiff(d: PlanDiff): string {
  const parts: string[] = [];
  const { added, removed, changed } = d.numbers;
  if (added.length) parts.push(`added ${some(added, ' ')}`);
  if (removed.length) parts.push(`removed ${some(removed, ' ')}`);
  if (changed.length) parts.push(`changed ${some(changed, ' ')}`);
  if (!parts.length) parts.push('no number affected');
  return `numbers: ${parts.join('; ')}${d.changed.length ? ` (definitions changed: ${some(d.changed, ', ')})` : ''}`;
}

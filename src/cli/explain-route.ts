// The route a call would take, walked statically from the plan: the greeting, the
// closing announcement, then the destinations in order (group → overflow → line →
// then → …). Mirrors the flow interpreter's order without running it (no events, no
// timers), so that `accueil explain` can describe a call before it happens.

import { describe as destinationName } from '../flow/state';
import { formatDuration } from '../plan/durations';
import type { Destination, Plan, PublicNumber } from '../plan/types';

export interface RouteStep {
  /** What happens: greeting, announcement, group, line, menu, voicemail, hangup, loop, unknown. */
  step: 'greeting' | 'announcement' | 'group' | 'line' | 'external' | 'menu' | 'voicemail' | 'hangup' | 'loop' | 'unknown';
  /** How the call got here from the previous step: "overflow", "no answer", "no choice"… (absent for the first). */
  via?: string;
  /** The name in the plan (group, line, box, menu, announcement). */
  name?: string;
  /** One line for humans. */
  text: string;
  /** For a menu: each key's own route. */
  options?: Record<string, RouteStep[]>;
}


function sounds(plan: Plan, announcement: string): string {
  const a = plan.announcements[announcement];
  // Worth showing only when the announcement is not simply the sound of the same name.
  if (!a || a.sounds.length === 0 || (a.sounds.length === 1 && a.sounds[0]!.name === announcement)) return '';
  return ` (${a.sounds.map((s) => s.name).join(', ')})`;
}

function withVia(step: RouteStep, via: string | undefined): RouteStep {
  if (via === undefined) return step;
  return { ...step, via, text: `${via}: ${step.text}` };
}

/** Walks `first` and what follows it; stops at a destination already listed (a loop). */
export function walkDestination(plan: Plan, first: Destination, seen: Set<string> = new Set(), firstVia?: string): RouteStep[] {
  const out: RouteStep[] = [];
  let d: Destination | undefined = first;
  let via = firstVia;
  while (d) {
    const key = destinationName(d);
    if (d.kind !== 'hangup' && seen.has(key)) {
      out.push(withVia({ step: 'loop', text: `back to ${key} (listed above); the route repeats from there` }, via));
      return out;
    }
    seen.add(key);
    const next = describeOne(plan, d, seen);
    out.push(withVia(next.step, via));
    d = next.then;
    via = next.via;
  }
  return out;
}

function describeOne(plan: Plan, d: Destination, seen: Set<string>): { step: RouteStep; then?: Destination; via?: string } {
  switch (d.kind) {
    case 'group': {
      const g = plan.groups[d.group];
      if (!g) return { step: { step: 'unknown', name: d.group, text: `unknown group "${d.group}"` } };
      const lines = g.lines.map((l) => `${l} (${plan.lines[l]?.endpoint ?? '?'})`).join(', ');
      const hold = g.hold.music !== undefined ? `hold music "${g.hold.music}"` : 'ringback';
      const message = g.hold.message !== undefined ? `, message "${g.hold.message}"${g.hold.every ? ` every ${formatDuration(g.hold.every)}` : ''}` : '';
      const text =
        `ring group "${g.name}": ${lines}; ${g.strategy}, ${formatDuration(g.ringTime)} per attempt; ` +
        `the caller waits at most ${formatDuration(g.maxWait)} with ${hold}${message}`;
      return { step: { step: 'group', name: g.name, text }, then: g.overflow, via: `overflow (at most ${formatDuration(g.maxWait)})` };
    }
    case 'line': {
      const endpoint = plan.lines[d.line]?.endpoint ?? '?';
      return {
        step: { step: 'line', name: d.line, text: `ring line "${d.line}" (${endpoint}) for ${formatDuration(d.timeout)}` },
        then: d.then,
        via: 'no answer',
      };
    }
    case 'external':
      return {
        step: { step: 'external', name: d.number, text: `ring ${d.number} through trunk "${d.trunk}" (${plan.trunks?.[d.trunk]?.endpoint ?? '?'}) for ${formatDuration(d.timeout)}` },
        then: d.then,
        via: 'no answer',
      };
    case 'announcement':
      return {
        step: { step: 'announcement', name: d.announcement, text: `play announcement "${d.announcement}"${sounds(plan, d.announcement)}` },
        then: d.then,
        via: 'then',
      };
    case 'menu': {
      const m = plan.menus[d.menu];
      if (!m) return { step: { step: 'unknown', name: d.menu, text: `unknown menu "${d.menu}"` } };
      const options: Record<string, RouteStep[]> = {};
      const keys = Object.keys(m.options).sort();
      for (const k of keys) options[k] = walkDestination(plan, m.options[k]!, new Set(seen));
      const listed = keys.map((k) => `${k} → ${destinationName(m.options[k]!)}`).join(', ');
      const direct = m.directDial ? '; or dial a line\'s extension' : '';
      const text = `menu "${m.name}": prompt "${m.prompt}"; ${listed || 'no options'}${direct}; waits ${formatDuration(m.timeout)}, ${m.retries} retries`;
      return { step: { step: 'menu', name: m.name, text, options }, then: m.fallback, via: 'no choice' };
    }
    case 'voicemail': {
      const box = plan.voicemail[d.box];
      if (!box) return { step: { step: 'unknown', name: d.box, text: `unknown voicemail box "${d.box}"` } };
      const greeting = box.greeting !== undefined ? `greeting "${box.greeting}"` : 'default greeting';
      const what = box.record ? `${greeting}, then a message of up to ${formatDuration(box.maxLength)}` : `${greeting}, then hang-up (no message)`;
      return { step: { step: 'voicemail', name: box.name, text: `voicemail "${box.name}": ${what}` } };
    }
    case 'hangup':
      return { step: { step: 'hangup', text: 'hang up' } };
  }
}

/** The whole route of a call to `number`: greeting, the closing announcement, then open or closed destinations. */
export function routeOf(plan: Plan, number: PublicNumber, state: { open: boolean; announcement?: string }): RouteStep[] {
  const out: RouteStep[] = [];
  if (number.greeting !== undefined) {
    out.push({ step: 'greeting', name: number.greeting, text: `play greeting "${number.greeting}"${sounds(plan, number.greeting)}` });
  }
  if (!state.open && state.announcement !== undefined) {
    out.push({
      step: 'announcement',
      name: state.announcement,
      text: `play closing announcement "${state.announcement}"${sounds(plan, state.announcement)}`,
    });
  }
  out.push(...walkDestination(plan, state.open ? number.open : number.closed));
  return out;
}

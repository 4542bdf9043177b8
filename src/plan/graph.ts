// Checks on the routing graph: loops a caller would go round forever, and dead ends
// where a caller is hung up on without a word.

import type { Destination, Plan } from './types';
import type { PlanError } from './errors';

type Sites = WeakMap<Destination, string>;
type MakeError = (ptr: string, message: string) => PlanError;
type Node = `group:${string}` | `menu:${string}`;

interface Edge {
  to: Node;
  ptr: string;
}

/** Named destinations reached from `d` without the caller doing anything (through line/announcement `then`). */
function automaticTargets(d: Destination, sites: Sites, out: Edge[]): void {
  switch (d.kind) {
    case 'group':
      out.push({ to: `group:${d.group}`, ptr: sites.get(d) ?? '' });
      break;
    case 'menu':
      out.push({ to: `menu:${d.menu}`, ptr: sites.get(d) ?? '' });
      break;
    case 'line':
    case 'external':
    case 'announcement':
      automaticTargets(d.then, sites, out);
      break;
    default:
      break;
  }
}

function label(n: Node): string {
  const [kind, ...rest] = n.split(':');
  return `${kind} ${rest.join(':')}`;
}

export function checkGraph(plan: Omit<Plan, 'version'>, sites: Sites, mkError: MakeError): PlanError[] {
  const errors: PlanError[] = [];
  const edges = new Map<Node, Edge[]>();
  for (const g of Object.values(plan.groups)) {
    const out: Edge[] = [];
    automaticTargets(g.overflow, sites, out);
    edges.set(`group:${g.name}`, out);
  }
  // A menu's options need a key press, so "0: back to the main menu" is no loop; its fallback
  // (taken when the caller does nothing) is.
  for (const m of Object.values(plan.menus)) {
    const out: Edge[] = [];
    automaticTargets(m.fallback, sites, out);
    edges.set(`menu:${m.name}`, out);
  }

  // Depth-first search; a back edge closes a loop, reported once per set of nodes.
  const state = new Map<Node, 'active' | 'done'>();
  const stack: Node[] = [];
  const reported = new Set<string>();
  const visit = (n: Node): void => {
    state.set(n, 'active');
    stack.push(n);
    for (const e of edges.get(n) ?? []) {
      const s = state.get(e.to);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to];
        const key = [...new Set(cycle)].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          errors.push(mkError(e.ptr, `destination loop: ${cycle.map(label).join(' → ')}; a caller nobody answers would go round forever, expected the chain to end (voicemail, announcement then hangup)`));
        }
      } else if (s === undefined && edges.has(e.to)) visit(e.to);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of edges.keys()) if (!state.has(n)) visit(n);

  // Dead ends: a hang-up reached while the caller has heard nothing since the last thing that
  // failed (no greeting at all, or a line or group that did not answer).
  type Context = { heard: true } | { heard: false; why: string };
  const walk = (d: Destination, ctx: Context): void => {
    switch (d.kind) {
      case 'hangup':
        if (!ctx.heard) errors.push(mkError(sites.get(d) ?? '', `dead end: ${ctx.why}; expected a voicemail or an announcement before hanging up`));
        break;
      case 'announcement':
        walk(d.then, { heard: true });
        break;
      case 'line':
        walk(d.then, { heard: false, why: `when line "${d.line}" does not answer, the caller is hung up on without a word` });
        break;
      case 'external':
        walk(d.then, { heard: false, why: `when ${d.number} does not answer, the caller is hung up on without a word` });
        break;
      default:
        break; // groups and menus are checked once each, below; voicemail always plays a greeting
    }
  };
  for (const n of Object.values(plan.numbers)) {
    const ctx: Context = n.greeting ? { heard: true } : { heard: false, why: `a caller of ${n.written} hears nothing before being hung up` };
    walk(n.open, ctx);
    if (n.calendar) walk(n.closed, ctx);
  }
  if (plan.default) walk(plan.default, { heard: false, why: 'a caller of an unknown number hears nothing before being hung up' });
  for (const g of Object.values(plan.groups)) {
    walk(g.overflow, { heard: false, why: `after waiting in group "${g.name}", the caller is hung up on without a word` });
  }
  for (const m of Object.values(plan.menus)) {
    for (const d of Object.values(m.options)) walk(d, { heard: true });
    walk(m.fallback, { heard: true });
  }
  return errors;
}

// "Groupes" (administrators only): which lines a group rings, in which order, how long
// each attempt rings and how long a caller waits at most. Only what changed is written;
// a duration the checker refuses is shown beside its field, nothing written.

import type { Hono } from 'hono';
import { formatDuration, parseDuration } from '../../plan/durations';
import type { PlanEdit } from '../../plan/edit';
import type { Group, Plan, Strategy } from '../../plan/types';
import type { Session } from '../auth';
import { adminItemRoutes, type EditView, type Env, type WebDeps } from '../context';
import { csrfField, fieldError, html, invalid, page, raw, versionField, type Html } from '../html';

const STRATEGIES: { id: Strategy; text: string }[] = [
  { id: 'ringall', text: 'toutes les lignes ensemble' },
  { id: 'linear', text: 'une à une, dans l\'ordre' },
  { id: 'rrmemory', text: 'une à une, à tour de rôle' },
];

function groupCard(session: Session, plan: Plan, g: Group, view: EditView): Html {
  const mine = view.key === g.name;
  const fields = mine ? view.fields : undefined;
  const typed = (name: string, fallback: string): string => (mine ? view.typed?.[name] : undefined) ?? fallback;
  const id = (field: string): string => `${g.name}-${field}`;
  const lines = Object.keys(plan.lines).map((l) => html`<label class="muted"><input type="checkbox" name="line-${l}" ${g.lines.includes(l) ? raw('checked') : ''}> ${l}</label>`);
  const strategies = STRATEGIES.map((s) => html`<option value="${s.id}" ${s.id === g.strategy ? raw('selected') : ''}>${s.text}</option>`);
  const duration = (field: 'ring_time' | 'max_wait', label: string, ms: number): Html => html`<div>
    <label for="${id(field)}">${label}</label><input id="${id(field)}" name="${field}" value="${typed(field, formatDuration(ms))}" size="6" aria-invalid="${invalid(fields, field)}">${fieldError(fields, field)}</div>`;
  return html`<section class="card"><h2>${g.name}</h2>
    <form method="post" action="/groupes/${g.name}">${csrfField(session)}${versionField(plan.version)}
    <fieldset><legend>Lignes qui sonnent</legend>${lines}${fieldError(fields, 'lines')}</fieldset>
    <div class="row"><div><label for="${id('strategy')}">Ordre</label><select id="${id('strategy')}" name="strategy">${strategies}</select>${fieldError(fields, 'strategy')}</div>
    ${duration('ring_time', 'Sonnerie par essai', g.ringTime)}${duration('max_wait', 'Attente maximale', g.maxWait)}</div>
    <button>Enregistrer</button></form></section>`;
}

function groupsScreen(session: Session, plan: Plan, view: EditView = {}): Html {
  return page(
    { title: 'Groupes', screen: 'groups', session, ...(view.flash ? { flash: view.flash } : {}), ...(view.alert ? { alert: view.alert } : {}) },
    html`${Object.values(plan.groups).map((g) => groupCard(session, plan, g, view))}`,
  );
}

/** The plan edits a group's form asks for: only what differs from the plan in force. */
export function groupEdits(plan: Plan, g: Group, form: Record<string, string>): PlanEdit[] {
  const at = (key: string): string[] => ['groups', g.name, key];
  const edits: PlanEdit[] = [];
  const ticked = Object.keys(plan.lines).filter((l) => form[`line-${l}`] !== undefined);
  // The group's own order is kept for the lines still ticked; newly ticked ones follow.
  const lines = [...g.lines.filter((l) => ticked.includes(l)), ...ticked.filter((l) => !g.lines.includes(l))];
  if (lines.join('\n') !== g.lines.join('\n')) edits.push({ op: 'set', path: at('lines'), value: lines });
  const strategy = form.strategy ?? g.strategy;
  if (strategy !== g.strategy) edits.push({ op: 'set', path: at('strategy'), value: strategy });
  for (const [field, ms] of [['ring_time', g.ringTime], ['max_wait', g.maxWait]] as const) {
    const text = (form[field] ?? '').trim();
    const parsed = parseDuration(text);
    // Unchanged ("20s" for 20 s) writes nothing; anything else, even wrong, goes to the checker, which says why.
    if (!parsed.ok || parsed.ms !== ms) edits.push({ op: 'set', path: at(field), value: text });
  }
  return edits;
}

export function groupsRoutes(app: Hono<Env>, deps: WebDeps): void {
  adminItemRoutes<Group>(app, deps, {
    path: '/groupes',
    find: (plan, key) => plan.groups[key],
    unknown: 'Groupe inconnu.',
    keyOf: (g) => g.name,
    edits: groupEdits,
    what: (g) => `group ${g.name}`,
    saved: (g) => `Groupe ${g.name} enregistré.`,
    render: groupsScreen,
  });
}

// "Numéros" (administrators only): each public number's name, its calendar, and the
// group it rings when open (when it rings a group: a menu or another destination stays
// in the YAML). Only what changed is written.

import type { Hono } from 'hono';
import type { PlanEdit } from '../../plan/edit';
import type { Plan, PublicNumber } from '../../plan/types';
import type { Session } from '../auth';
import { adminItemRoutes, type EditView, type Env, type WebDeps } from '../context';
import { csrfField, fieldError, html, invalid, page, raw, versionField, type Html } from '../html';

/** The calendar select's value for "no calendar": the number is always open. */
const ALWAYS_OPEN = '';

function numberCard(session: Session, plan: Plan, n: PublicNumber, view: EditView): Html {
  const mine = view.key === n.e164;
  const fields = mine ? view.fields : undefined;
  const id = (field: string): string => `${n.e164.slice(1)}-${field}`;
  const name = (mine ? view.typed?.name : undefined) ?? n.name;
  const option = (value: string, text: string, selected: boolean): Html => html`<option value="${value}" ${selected ? raw('selected') : ''}>${text}</option>`;
  const calendars = [option(ALWAYS_OPEN, 'aucun (toujours ouvert)', n.calendar === undefined), ...Object.keys(plan.calendars).map((c) => option(c, c, c === n.calendar))];
  const open = n.open.kind === 'group'
    ? html`<div><label for="${id('group')}">Groupe appelé aux heures d'ouverture</label><select id="${id('group')}" name="group">${Object.keys(plan.groups).map((g) => option(g, g, n.open.kind === 'group' && g === n.open.group))}</select>${fieldError(fields, 'group')}</div>`
    : html`<p class="muted">Aux heures d'ouverture : ${n.open.kind} (à changer dans le fichier du plan).</p>`;
  return html`<section class="card"><h2>${n.written}</h2>
    <form method="post" action="/numeros/${n.e164}">${csrfField(session)}${versionField(plan.version)}
    <div class="row"><div><label for="${id('name')}">Nom</label><input id="${id('name')}" name="name" value="${name}" aria-invalid="${invalid(fields, 'name')}">${fieldError(fields, 'name')}</div>
    <div><label for="${id('calendar')}">Calendrier</label><select id="${id('calendar')}" name="calendar">${calendars}</select>${fieldError(fields, 'calendar')}</div>
    ${open}</div><button>Enregistrer</button></form></section>`;
}

function numbersScreen(session: Session, plan: Plan, view: EditView = {}): Html {
  return page(
    { title: 'Numéros', screen: 'numbers', session, ...(view.flash ? { flash: view.flash } : {}), ...(view.alert ? { alert: view.alert } : {}) },
    html`${Object.values(plan.numbers).map((n) => numberCard(session, plan, n, view))}`,
  );
}

/** The plan edits a number's form asks for: only what differs from the plan in force. */
export function numberEdits(n: PublicNumber, form: Record<string, string>): PlanEdit[] {
  const at = (key: string): string[] => ['numbers', n.written, key];
  const edits: PlanEdit[] = [];
  const name = (form.name ?? n.name).trim();
  if (name !== n.name) edits.push({ op: 'set', path: at('name'), value: name });
  const calendar = form.calendar ?? n.calendar ?? ALWAYS_OPEN;
  if (calendar !== (n.calendar ?? ALWAYS_OPEN)) edits.push(calendar === ALWAYS_OPEN ? { op: 'delete', path: at('calendar') } : { op: 'set', path: at('calendar'), value: calendar });
  if (n.open.kind === 'group' && form.group !== undefined && form.group !== n.open.group) edits.push({ op: 'set', path: [...at('open'), 'group'], value: form.group });
  return edits;
}

export function numbersRoutes(app: Hono<Env>, deps: WebDeps): void {
  adminItemRoutes<PublicNumber>(app, deps, {
    path: '/numeros',
    find: (plan, key) => plan.numbers[key],
    unknown: 'Numéro inconnu.',
    keyOf: (n) => n.e164,
    edits: (_plan, n, form) => numberEdits(n, form),
    what: (n) => `number ${n.written}`,
    saved: (n) => `Numéro ${n.written} enregistré.`,
    render: numbersScreen,
  });
}

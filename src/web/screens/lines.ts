// "Lignes" (administrators only): the phones' endpoints. A manager who posts here
// is refused: lines, groups and numbers are the administrator's.

import type { Hono } from 'hono';
import type { Line, Plan } from '../../plan/types';
import type { Session } from '../auth';
import { adminItemRoutes, type EditView, type Env, type WebDeps } from '../context';
import { csrfField, fieldError, html, page, versionField, type Html } from '../html';

function linesScreen(session: Session, plan: Plan, view: EditView = {}): Html {
  const rows = Object.values(plan.lines).map((l) => html`<tr><td><strong>${l.name}</strong></td><td>
    <form method="post" action="/lignes/${l.name}">${csrfField(session)}${versionField(plan.version)}
    <label for="endpoint-${l.name}">Terminal Asterisk</label><input id="endpoint-${l.name}" name="endpoint" value="${l.endpoint}">
    ${view.key === l.name ? fieldError(view.fields, 'endpoint') : ''}<button>Enregistrer</button></form></td></tr>`);
  return page({ title: 'Lignes', screen: 'lines', session, ...(view.flash ? { flash: view.flash } : {}), ...(view.alert ? { alert: view.alert } : {}) }, html`<section class="card"><table>${rows}</table></section>`);
}

export function linesRoutes(app: Hono<Env>, deps: WebDeps): void {
  adminItemRoutes<Line>(app, deps, {
    path: '/lignes',
    find: (plan, key) => plan.lines[key],
    unknown: 'Ligne inconnue.',
    keyOf: (l) => l.name,
    // Always written (the checker says what is wrong with it), as it was typed, trimmed.
    edits: (_plan, l, form) => [{ op: 'set', path: ['lines', l.name, 'endpoint'], value: (form.endpoint ?? '').trim() }],
    what: (l) => `line ${l.name} endpoint`,
    saved: () => 'Ligne enregistrée.',
    render: linesScreen,
  });
}

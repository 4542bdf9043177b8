// "Lignes" (administrators only): the phones' endpoints. A manager who posts here
// is refused: lines, groups and numbers are the administrator's.

import type { Hono } from 'hono';
import type { Plan } from '../../plan/types';
import type { Session } from '../auth';
import { adminOnly, applyPlanEdit, planOr503, type Env, type WebDeps } from '../context';
import { csrfField, fieldError, html, page, versionField, type FieldErrors, type Html } from '../html';

function linesScreen(session: Session, plan: Plan, view: { flash?: string; alert?: string; line?: string; fields?: FieldErrors } = {}): Html {
  const rows = Object.values(plan.lines).map((l) => html`<tr><td><strong>${l.name}</strong></td><td>
    <form method="post" action="/lignes/${l.name}">${csrfField(session)}${versionField(plan.version)}
    <label for="endpoint-${l.name}">Terminal Asterisk</label><input id="endpoint-${l.name}" name="endpoint" value="${l.endpoint}">
    ${view.line === l.name ? fieldError(view.fields, 'endpoint') : ''}<button>Enregistrer</button></form></td></tr>`);
  return page({ title: 'Lignes', screen: 'lines', session, ...(view.flash ? { flash: view.flash } : {}), ...(view.alert ? { alert: view.alert } : {}) }, html`<section class="card"><table>${rows}</table></section>`);
}

export function linesRoutes(app: Hono<Env>, deps: WebDeps): void {
  adminOnly(app, '/lignes');
  app.get('/lignes', (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    return c.html(linesScreen(c.get('session'), plan, { ...(c.req.query('ok') ? { flash: c.req.query('ok')! } : {}) }));
  });
  app.post('/lignes/:line', async (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const session = c.get('session');
    const line = c.req.param('line');
    if (!plan.lines[line]) return c.text('Ligne inconnue.', 404);
    const form = c.get('form');
    const r = await applyPlanEdit(deps, session, `line ${line} endpoint`, form.version ?? '', [{ op: 'set', path: ['lines', line, 'endpoint'], value: (form.endpoint ?? '').trim() }]);
    if (r.ok) return c.redirect(`/lignes?ok=${encodeURIComponent('Ligne enregistrée.')}`, 303);
    return c.html(linesScreen(session, deps.plans.current ?? plan, { alert: r.alert, line, fields: r.fields }), r.status);
  });
}

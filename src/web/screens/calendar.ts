// "Calendrier": per calendar, the year ahead (a small grid per month), the public
// holidays computed for it, the exceptional closures and openings (added, changed,
// removed) and the weekly hours.

import type { Hono } from 'hono';
import { DateTime } from 'luxon';
import { addDays, formatInterval, holidaysOf, mondayOf, weekTable, type WeekDay } from '../../calendar';
import type { PlanEdit } from '../../plan/edit';
import type { Calendar, CalendarException, Plan } from '../../plan/types';
import type { Session } from '../auth';
import { applyPlanEdit, calendarsOf, planOr503, type Env, type WebDeps } from '../context';
import { exceptionSpan, exceptionWhat, hoursText, longDate, weekdayName } from '../french';
import { csrfField, fieldError, html, invalid, page, versionField, type FieldErrors, type Html } from '../html';

const DAY_KEYS = ['', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Seven days' hours → the plan's `weekly` mapping, consecutive equal days as a range ("mon-fri"). */
export function weeklyValue(days: string[][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let d = 1;
  while (d <= 7) {
    const hours = days[d] ?? [];
    let e = d;
    while (e < 7 && JSON.stringify(days[e + 1] ?? []) === JSON.stringify(hours)) e++;
    if (hours.length > 0) out[d === e ? DAY_KEYS[d]! : `${DAY_KEYS[d]}-${DAY_KEYS[e]}`] = hours;
    d = e + 1;
  }
  return out;
}

const splitHours = (s: string): string[] => s.split(/[,;]/).map((x) => x.trim().replace(/\s+/g, '')).filter(Boolean);

export interface CalendarView {
  flash?: string;
  alert?: string;
  /** The form that failed: "<calendar>:add", "<calendar>:week", "<calendar>:<index>"; with its fields as posted. */
  form?: { id: string; fields: FieldErrors; values: Record<string, string> };
}

/** The year ahead, from the current month: one small grid per month. */
function yearAhead(cal: Calendar, today: string): Html {
  const first = `${today.slice(0, 7)}-01`;
  const days = new Map<string, WeekDay>();
  for (let monday = mondayOf(first); monday < addDays(first, 372); monday = addDays(monday, 7)) {
    for (const row of weekTable(cal, monday)) days.set(row.date, row);
  }
  const months: Html[] = [];
  let month = DateTime.fromISO(first, { locale: 'fr' });
  for (let m = 0; m < 12; m++, month = month.plus({ months: 1 })) {
    const cells: Html[] = [];
    for (let i = 1; i < month.weekday; i++) cells.push(html`<td></td>`);
    for (let day = 1; day <= month.daysInMonth!; day++) {
      const date = month.set({ day }).toISODate()!;
      const row = days.get(date);
      const cls = !row ? '' : row.rule.rule === 'holiday' ? 'h' : row.rule.rule === 'exception' ? 'x' : row.open.length > 0 ? 'o' : 'c';
      const title = row ? `${date} : ${row.open.length ? row.open.map(formatInterval).join(', ') : 'fermé'}` : date;
      cells.push(html`<td class="${cls}" title="${title}">${day}</td>`);
    }
    const rows: Html[] = [];
    for (let i = 0; i < cells.length; i += 7) rows.push(html`<tr>${cells.slice(i, i + 7)}</tr>`);
    months.push(html`<div class="month"><strong>${month.toFormat('LLLL yyyy')}</strong><table><tr><th>L</th><th>M</th><th>M</th><th>J</th><th>V</th><th>S</th><th>D</th></tr>${rows}</table></div>`);
  }
  return html`<p class="legend muted"><span class="o">ouvert</span><span class="c">fermé</span><span class="h">férié</span><span class="x">exception</span></p><div class="months">${months}</div>`;
}

function exceptionForm(session: Session, plan: Plan, cal: Calendar, id: string, action: string, e: Partial<CalendarException> | undefined, view: CalendarView, button: string): Html {
  const failed = view.form?.id === id ? view.form : undefined;
  const errors = failed?.fields;
  const v = failed?.values ?? {
    from: e?.from ?? '', to: e?.to && e.to !== e.from ? e.to : '',
    kind: e?.hours === undefined || e.hours === 'closed' ? 'closed' : e.hours === 'weekly' ? 'weekly' : 'hours',
    hours: Array.isArray(e?.hours) ? hoursText(e.hours) : '', label: e?.label ?? '', announcement: e?.announcement ?? '',
  };
  const known = ['from', 'to', 'kind', 'hours', 'label', 'announcement'];
  const others = Object.entries(errors ?? {}).filter(([k]) => !known.includes(k)).map(([, m]) => m).join(' ; ');
  const f = (name: string): string => `${id}-${name}`;
  return html`<form method="post" action="${action}" class="exception">${csrfField(session)}${versionField(plan.version)}
    <div class="row">
      <div><label for="${f('from')}">Du (ou le)</label><input id="${f('from')}" name="from" value="${v.from}" placeholder="2027-08-02" inputmode="numeric" pattern="\\d{4}-\\d{2}-\\d{2}" required size="11" aria-invalid="${invalid(errors, 'from')}">${fieldError(errors, 'from')}</div>
      <div><label for="${f('to')}">Au (inclus)</label><input id="${f('to')}" name="to" value="${v.to}" placeholder="2027-08-20" inputmode="numeric" pattern="\\d{4}-\\d{2}-\\d{2}" size="11" aria-invalid="${invalid(errors, 'to')}">${fieldError(errors, 'to')}</div>
      <div><label for="${f('kind')}">Ce(s) jour(s)</label><select id="${f('kind')}" name="kind">
        <option value="closed" ${v.kind === 'closed' ? 'selected' : ''}>fermé</option>
        <option value="hours" ${v.kind === 'hours' ? 'selected' : ''}>horaires réduits</option>
        <option value="weekly" ${v.kind === 'weekly' ? 'selected' : ''}>ouvert comme d'habitude</option></select>${fieldError(errors, 'kind')}</div>
      <div><label for="${f('hours')}">Horaires</label><input id="${f('hours')}" name="hours" value="${v.hours}" placeholder="08:30-12:00" size="14" aria-invalid="${invalid(errors, 'hours')}">${fieldError(errors, 'hours')}</div>
      <div><label for="${f('label')}">Libellé</label><input id="${f('label')}" name="label" value="${v.label}" placeholder="Congés d'été">${fieldError(errors, 'label')}</div>
      <div><label for="${f('announcement')}">Annonce</label><input id="${f('announcement')}" name="announcement" value="${v.announcement}" placeholder="conges-ete" list="sounds-${cal.name}" size="14" aria-invalid="${invalid(errors, 'announcement')}">${fieldError(errors, 'announcement')}</div>
    </div>${others ? html`<span class="error" role="alert">${others}</span>` : ''}<button>${button}</button></form>`;
}

export function calendarScreen(deps: WebDeps, session: Session, plan: Plan, view: CalendarView = {}): Html {
  const cards = calendarsOf(session, plan).map((name) => {
    const cal = plan.calendars[name]!;
    const today = DateTime.fromMillis(deps.now(), { zone: cal.timezone }).toISODate()!;
    const inAYear = addDays(today, 365);
    const region = cal.holidays?.region;
    const holidays = region ? [...holidaysOf(region, +today.slice(0, 4)), ...holidaysOf(region, +today.slice(0, 4) + 1)].filter((h) => h.date >= today && h.date <= inAYear) : [];
    const numbers = Object.values(plan.numbers).filter((n) => n.calendar === name).map((n) => n.label);
    const weekFailed = view.form?.id === `${name}:week` ? view.form : undefined;
    const exceptions = cal.exceptions.map((e, i) => html`<tr><td>${exceptionSpan(e)}</td><td>${exceptionWhat(e)}${e.label ? html`<br><span class="muted">${e.label}</span>` : ''}${e.announcement ? html`<br><span class="muted">annonce : ${e.announcement}</span>` : ''}</td>
      <td><details ${view.form?.id === `${name}:${i}` ? 'open' : ''}><summary>Modifier</summary>${exceptionForm(session, plan, cal, `${name}-${i}`, `/calendrier/${name}/exceptions/${i}`, e, { ...view, ...(view.form?.id === `${name}:${i}` ? { form: { ...view.form, id: `${name}-${i}` } } : {}) }, 'Enregistrer')}</details>
      <form method="post" action="/calendrier/${name}/exceptions/${i}/supprimer">${csrfField(session)}${versionField(plan.version)}<button class="danger">Supprimer</button></form></td></tr>`);
    const addView = view.form?.id === `${name}:add` ? { ...view, form: { ...view.form, id: `${name}-add` } } : view;
    return html`<section class="card" id="calendar-${name}"><h2>Calendrier « ${name} »</h2><p class="muted">Pour : ${numbers.join(', ') || '—'} · fuseau ${cal.timezone}</p>
      <h3>L'année qui vient</h3>${yearAhead(cal, today)}
      <h3>Jours fériés${region ? ` (${region})` : ''}</h3>
      ${holidays.length ? html`<table>${holidays.map((h) => html`<tr><td>${longDate(h.date)}</td><td>${h.name}</td></tr>`)}</table>` : html`<p class="muted">Aucun jour férié pris en compte.</p>`}
      <h3>Fermetures et ouvertures exceptionnelles</h3>
      ${cal.exceptions.length ? html`<table>${exceptions}</table>` : html`<p class="muted">Aucune.</p>`}
      <details ${view.form?.id === `${name}:add` ? 'open' : ''}><summary><strong>Ajouter une fermeture ou des horaires exceptionnels</strong></summary>
      ${exceptionForm(session, plan, cal, `${name}-add`, `/calendrier/${name}/exceptions`, undefined, addView, 'Ajouter')}</details>
      <h3>Horaires de la semaine</h3>
      <form method="post" action="/calendrier/${name}/semaine">${csrfField(session)}${versionField(plan.version)}<div class="row">
      ${[1, 2, 3, 4, 5, 6, 7].map((d) => {
        const value = weekFailed?.values[`day${d}`] ?? hoursText(cal.weekly[d as 1] ?? []);
        return html`<div><label for="${name}-day${d}">${weekdayName(d)}</label><input id="${name}-day${d}" name="day${d}" value="${value}" placeholder="fermé" size="22"></div>`;
      })}</div>${weekFailed ? html`<span class="error" role="alert">${Object.values(weekFailed.fields).join(' ; ')}</span>` : ''}
      <p class="muted">Plusieurs plages séparées par des virgules : 08:30-12:30, 14:00-19:00. Vide = fermé.</p><button>Enregistrer les horaires</button></form></section>`;
  });
  return page({ title: 'Calendrier', screen: 'calendar', session, ...(view.flash ? { flash: view.flash } : {}), ...(view.alert ? { alert: view.alert } : {}) }, html`${cards}`);
}

/** The exception as the plan writes it, from the form. */
export function exceptionValue(form: Record<string, string>): Record<string, unknown> {
  const from = (form.from ?? '').trim();
  const to = (form.to ?? '').trim();
  const value: Record<string, unknown> = to && to !== from ? { from, to } : { date: from };
  if (form.kind === 'hours') value.hours = splitHours(form.hours ?? '');
  else if (form.kind === 'weekly') value.open = 'weekly';
  else value.closed = true;
  if (form.label?.trim()) value.label = form.label.trim();
  if (form.announcement?.trim()) value.announcement = form.announcement.trim();
  return value;
}

/** Checker field names → the form's ("date" is the form's "from"; "closed"/"open" its kind). */
function formFields(fields: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, m] of Object.entries(fields)) {
    const f = k === 'date' ? 'from' : k === 'closed' || k === 'open' ? 'kind' : k;
    out[f] = out[f] ? `${out[f]} ; ${m}` : m;
  }
  return out;
}

export function calendarRoutes(app: Hono<Env>, deps: WebDeps): void {
  app.get('/calendrier', (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const flash = c.req.query('ok');
    return c.html(calendarScreen(deps, c.get('session'), plan, flash ? { flash } : {}));
  });

  const edit = (route: string, formId: (p: Record<string, string>) => string, build: (cal: Calendar, p: Record<string, string>, form: Record<string, string>) => { what: string; edits: PlanEdit[] } | { error: FieldErrors }) => {
    app.post(route, async (c) => {
      const plan = planOr503(c, deps);
      if (plan instanceof Response) return plan;
      const session = c.get('session');
      const params = c.req.param() as Record<string, string>;
      const name = params.cal ?? '';
      const cal = plan.calendars[name];
      if (!cal || !calendarsOf(session, plan).includes(name)) return c.text('Ce calendrier ne vous est pas confié.', 403);
      const form = c.get('form');
      const id = `${name}:${formId(params)}`;
      const built = build(cal, params, form);
      if ('error' in built) return c.html(calendarScreen(deps, session, plan, { alert: 'Rien n\'a été enregistré.', form: { id, fields: built.error, values: form } }), 422);
      const r = await applyPlanEdit(deps, session, built.what, form.version ?? '', built.edits);
      if (r.ok) return c.redirect(`/calendrier?ok=${encodeURIComponent('Calendrier enregistré.')}#calendar-${name}`, 303);
      return c.html(calendarScreen(deps, session, deps.plans.current ?? plan, { alert: r.alert, form: { id, fields: formFields(r.fields), values: form } }), r.status);
    });
  };

  edit('/calendrier/:cal/exceptions', () => 'add', (cal, _p, form) => ({ what: `add exception to ${cal.name}`, edits: [{ op: 'append', path: ['calendars', cal.name, 'exceptions'], value: exceptionValue(form) }] }));
  edit('/calendrier/:cal/exceptions/:i', (p) => p.i ?? '', (cal, p, form) => {
    const i = Number(p.i);
    if (!Number.isInteger(i) || !cal.exceptions[i]) return { error: { '': 'Cette exception n\'existe plus : rechargez la page.' } };
    return { what: `change exception ${i} of ${cal.name}`, edits: [{ op: 'set', path: ['calendars', cal.name, 'exceptions', i], value: exceptionValue(form) }] };
  });
  edit('/calendrier/:cal/exceptions/:i/supprimer', (p) => p.i ?? '', (cal, p) => {
    const i = Number(p.i);
    if (!Number.isInteger(i) || !cal.exceptions[i]) return { error: { '': 'Cette exception n\'existe plus : rechargez la page.' } };
    return { what: `remove exception ${i} of ${cal.name}`, edits: [{ op: 'delete', path: ['calendars', cal.name, 'exceptions', i] }] };
  });
  edit('/calendrier/:cal/semaine', () => 'week', (cal, _p, form) => {
    const days = [[], ...[1, 2, 3, 4, 5, 6, 7].map((d) => splitHours(form[`day${d}`] ?? ''))];
    return { what: `weekly hours of ${cal.name}`, edits: [{ op: 'set', path: ['calendars', cal.name, 'weekly'], value: weeklyValue(days) }] };
  });
}

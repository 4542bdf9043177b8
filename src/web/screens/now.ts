// "Maintenant": each number open or closed at this instant, why, until when, and
// the one button that closes it now until a chosen time (or reopens it): the
// calendar's `override`.

import { DateTime } from 'luxon';
import { evaluate } from '../../calendar';
import type { Plan } from '../../plan/types';
import type { Session } from '../auth';
import { applyPlanEdit, calendarsOf, numbersOf, type EditOutcome, type WebDeps } from '../context';
import { reasonFr, whenText } from '../french';
import { csrfField, fieldError, html, invalid, page, versionField, type FieldErrors, type Html } from '../html';

export interface Choice {
  value: string;
  label: string;
}

/** Sensible reopening times, in the calendar's zone: this afternoon, tomorrow morning, tomorrow afternoon, Monday morning. */
export function reopenChoices(nowMs: number, zone: string): Choice[] {
  const now = DateTime.fromMillis(nowMs, { zone });
  const at = (d: DateTime, h: number, m = 0): DateTime => d.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  const fmt = (d: DateTime): string => d.toFormat('yyyy-LL-dd HH:mm');
  const choices: Choice[] = [];
  const afternoon = at(now, 14);
  if (afternoon > now) choices.push({ value: fmt(afternoon), label: `cet après-midi, ${afternoon.toFormat('HH:mm')}` });
  const evening = at(now, 19);
  if (evening > now) choices.push({ value: fmt(evening), label: `ce soir, ${evening.toFormat('HH:mm')}` });
  const tomorrow = now.plus({ days: 1 });
  choices.push({ value: fmt(at(tomorrow, 8, 30)), label: `demain matin, 08:30` });
  choices.push({ value: fmt(at(tomorrow, 14)), label: `demain 14:00` });
  const monday = at(now.plus({ days: 8 - now.weekday }), 8, 30);
  if (monday.toISODate() !== tomorrow.toISODate()) choices.push({ value: fmt(monday), label: `lundi ${monday.toFormat('d/LL')} matin, 08:30` });
  return choices;
}

export interface NowView {
  flash?: string;
  alert?: string;
  /** Errors of the form of this calendar. */
  form?: { calendar: string; fields: FieldErrors };
}

export function nowScreen(deps: WebDeps, session: Session, plan: Plan, view: NowView = {}): Html {
  const now = deps.now();
  const cards = numbersOf(session, plan).map((n) => {
    const cal = n.calendar ? plan.calendars[n.calendar] : undefined;
    if (!cal) return html`<section class="card"><h2>${n.name}</h2><p><span class="open">Ouvert</span> — toujours (pas de calendrier)</p></section>`;
    const e = evaluate(cal, now);
    const until = e.nextChangeMs === null ? 'sans changement prévu' : `${e.open ? 'jusqu\'à' : 'réouverture'} ${whenText(e.nextChangeMs, cal.timezone)}`;
    const shared = Object.values(plan.numbers).filter((o) => o.calendar === n.calendar && o.e164 !== n.e164).map((o) => o.label);
    const errors = view.form?.calendar === cal.name ? view.form.fields : undefined;
    const overrideOn = e.reason.rule === 'override';
    const action = overrideOn
      ? html`<form method="post" action="/maintenant/rouvrir">${csrfField(session)}${versionField(plan.version)}
          <input type="hidden" name="calendar" value="${cal.name}">
          <button>${e.open ? 'Revenir aux horaires habituels' : 'Rouvrir'}</button></form>`
      : html`<form method="post" action="/maintenant/fermer">${csrfField(session)}${versionField(plan.version)}
          <input type="hidden" name="calendar" value="${cal.name}">
          <div class="row"><div><label for="until-${cal.name}">Fermer maintenant jusqu'à…</label>
          <select id="until-${cal.name}" name="until">${reopenChoices(now, cal.timezone).map((c) => html`<option value="${c.value}">${c.label}</option>`)}
          <option value="other">une autre date…</option></select></div>
          <div><label for="other-${cal.name}">Autre date</label><input type="datetime-local" id="other-${cal.name}" name="other" aria-invalid="${invalid(errors, 'until')}">
          ${fieldError(errors, 'until')}</div></div>
          <button class="danger">Fermer maintenant</button>${fieldError(errors, '')}</form>`;
    return html`<section class="card" id="number-${n.e164}"><h2>${n.name}</h2>
      <p><span class="${e.open ? 'open' : 'closed'}">${e.open ? 'Ouvert' : 'Fermé'}</span> — ${reasonFr(e.reason, e.open)}<br>
      <span class="muted">${until}${shared.length ? ` · calendrier « ${cal.name} » partagé avec ${shared.join(', ')}` : ''}</span></p>${action}</section>`;
  });
  return page({ title: 'Maintenant', screen: 'now', session, ...(view.flash ? { flash: view.flash } : {}), ...(view.alert ? { alert: view.alert } : {}) }, html`${cards}`);
}

const LOCAL = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)$/;

/** The close form → the override to write, or the error to show beside the field. */
export function closeUntil(form: { until?: string; other?: string }, nowMs: number, zone: string): { until: string } | { error: string } {
  const raw = form.until === 'other' ? (form.other ?? '') : (form.until ?? '');
  const m = raw.trim().match(LOCAL);
  if (!m) return { error: 'Choisissez une date et une heure de réouverture.' };
  const d = DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]! }, { zone });
  if (!d.isValid) return { error: `La date ${raw} n'existe pas.` };
  if (d.toMillis() <= nowMs) return { error: 'La réouverture doit être dans le futur.' };
  return { until: d.toFormat('yyyy-LL-dd HH:mm') };
}

export async function closeNow(deps: WebDeps, session: Session, plan: Plan, form: Record<string, string>): Promise<EditOutcome & { calendar: string }> {
  const calendar = form.calendar ?? '';
  const cal = plan.calendars[calendar];
  if (!cal || !calendarsOf(session, plan).includes(calendar)) return { ok: false, status: 403, alert: 'Ce calendrier ne vous est pas confié.', fields: {}, calendar };
  const until = closeUntil(form, deps.now(), cal.timezone);
  if ('error' in until) return { ok: false, status: 422, alert: 'Fermeture non enregistrée.', fields: { until: until.error }, calendar };
  const r = await applyPlanEdit(deps, session, `close ${calendar} until ${until.until}`, form.version ?? '', [
    { op: 'set', path: ['calendars', calendar, 'override'], value: { state: 'closed', until: until.until, label: 'Fermeture exceptionnelle' } },
  ]);
  return { ...r, calendar };
}

export async function reopen(deps: WebDeps, session: Session, plan: Plan, form: Record<string, string>): Promise<EditOutcome & { calendar: string }> {
  const calendar = form.calendar ?? '';
  if (!plan.calendars[calendar] || !calendarsOf(session, plan).includes(calendar)) return { ok: false, status: 403, alert: 'Ce calendrier ne vous est pas confié.', fields: {}, calendar };
  const r = await applyPlanEdit(deps, session, `reopen ${calendar}`, form.version ?? '', [{ op: 'delete', path: ['calendars', calendar, 'override'] }]);
  return { ...r, calendar };
}

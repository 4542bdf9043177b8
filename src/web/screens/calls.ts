// "Appels": today's calls and the missed ones, from the call history once it is
// plugged in (ports.ts); until then the screen says so.

import type { Hono } from 'hono';
import { DateTime } from 'luxon';
import { numbersOf, planOr503, type Env, type WebDeps } from '../context';
import { html, page } from '../html';

/** What became of a call, as the practice says it (the history's outcome codes). */
const OUTCOME_WORDS: Record<string, string> = {
  missed: 'manqué — à rappeler',
  answered: 'répondu',
  'overflowed-answered': 'répondu après débordement',
  'voicemail-message': 'message laissé',
  'voicemail-no-message': 'messagerie, sans message',
  'abandoned-waiting': 'raccroché en attente',
  'abandoned-ringing': 'raccroché pendant la sonnerie',
  abandoned: 'raccroché',
  closed: 'fermé',
  'menu-timeout': 'menu sans réponse',
  'hung-up': 'raccroché',
};

export function callsRoutes(app: Hono<Env>, deps: WebDeps): void {
  app.get('/appels', async (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const session = c.get('session');
    const history = deps.ports.calls;
    if (!history) {
      return c.html(page({ title: 'Appels', screen: 'calls', session }, html`<section class="card"><p><strong>Pas encore disponible.</strong></p>
        <p class="muted">L'historique des appels (les appels du jour, les appels manqués) s'affichera ici quand il sera installé sur ce serveur.</p></section>`));
    }
    const day = DateTime.fromMillis(deps.now(), { zone: plan.timezone }).startOf('day');
    const calls = await history.callsBetween(day.toMillis(), day.plus({ days: 1 }).toMillis(), numbersOf(session, plan).map((n) => n.e164));
    const missed = calls.filter((x) => x.outcome === 'missed');
    const table = (list: typeof calls) => html`<table>${list.map((x) => html`<tr><td>${DateTime.fromISO(x.at, { zone: plan.timezone }).toFormat('HH:mm')}</td><td>${x.caller || 'numéro masqué'}</td><td>${x.calledName ?? x.called}</td><td>${OUTCOME_WORDS[x.outcome] ?? x.outcome}${x.answeredBy ? ` (${x.answeredBy})` : ''}</td></tr>`)}</table>`;
    return c.html(page({ title: 'Appels', screen: 'calls', session }, html`<section class="card"><h2>Manqués aujourd'hui (${missed.length})</h2>${table(missed)}</section>
      <section class="card"><h2>Tous les appels d'aujourd'hui (${calls.length})</h2>${table(calls)}</section>`));
  });
}

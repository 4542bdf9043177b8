// "Messages": every announcement a caller can hear, with a player; its text
// changed (text announcements, once plugged in) or an audio file uploaded in its
// place (converted into the sounds folder).

import type { Hono } from 'hono';
import { createReadStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { Plan } from '../../plan/types';
import type { Session } from '../auth';
import { applyPlanEdit, boxesOf, calendarsOf, numbersOf, planOr503, type Env, type WebDeps } from '../context';
import { csrfField, html, page, versionField, type Html } from '../html';

/** What a session looks after: its numbers, and the groups, boxes and calendars they reach (everything for an admin). */
function scopeOf(session: Session, plan: Plan): { numbers: Set<string>; groups: Set<string>; boxes: Set<string>; calendars: Set<string> } {
  const numbers = numbersOf(session, plan);
  const groups = new Set<string>();
  const seen = (d: Plan['numbers'][string]['open']): void => {
    if (d.kind === 'group' && !groups.has(d.group)) {
      groups.add(d.group);
      const g = plan.groups[d.group];
      if (g) seen(g.overflow);
    } else if (d.kind === 'line' || d.kind === 'announcement') seen(d.then);
  };
  for (const n of numbers) [n.open, n.closed].forEach(seen);
  return { numbers: new Set(numbers.map((n) => n.e164)), groups, boxes: new Set(boxesOf(session, plan)), calendars: new Set(calendarsOf(session, plan)) };
}

/** Where each announcement is heard: "accueil — Cabinet du Dr Martin", "attente — groupe secretariat-martin"… (within the session's scope). */
export function announcementUses(plan: Plan, scope?: ReturnType<typeof scopeOf>): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (name: string | undefined, where: string): void => {
    if (name) uses.set(name, [...(uses.get(name) ?? []), where]);
  };
  const walk = (d: Plan['numbers'][string]['open'], where: string): void => {
    if (d.kind === 'announcement') {
      add(d.announcement, where);
      walk(d.then, where);
    } else if (d.kind === 'line') walk(d.then, where);
  };
  const inScope = (set: keyof NonNullable<typeof scope>, name: string): boolean => !scope || scope[set].has(name);
  for (const n of Object.values(plan.numbers).filter((x) => inScope('numbers', x.e164))) {
    add(n.greeting, `accueil — ${n.name}`);
    walk(n.open, `ouvert — ${n.name}`);
    walk(n.closed, `fermé — ${n.name}`);
  }
  for (const g of Object.values(plan.groups).filter((x) => inScope('groups', x.name))) add(g.hold.message, `attente — groupe ${g.name}`);
  for (const m of Object.values(plan.menus).filter(() => !scope || scope.numbers.size === Object.keys(plan.numbers).length)) {
    add(m.prompt, `menu ${m.name}`);
    add(m.invalid, `menu ${m.name} (touche invalide)`);
    add(m.noInput, `menu ${m.name} (sans réponse)`);
  }
  for (const b of Object.values(plan.voicemail).filter((x) => inScope('boxes', x.name))) add(b.greeting, `messagerie ${b.name}`);
  for (const c of Object.values(plan.calendars).filter((x) => inScope('calendars', x.name))) {
    for (const e of c.exceptions) add(e.announcement, `exception ${e.label ?? e.from} — calendrier ${c.name}`);
    add(c.override?.announcement, `fermeture manuelle — calendrier ${c.name}`);
  }
  return uses;
}

const OWN = 'accueil/';

export function messagesScreen(deps: WebDeps, session: Session, plan: Plan, view: { flash?: string; alert?: string } = {}): Html {
  const uses = announcementUses(plan, scopeOf(session, plan));
  let takes: ReturnType<NonNullable<WebDeps['ports']['recorded']>['takes']> = {};
  try {
    takes = deps.ports.recorded?.takes() ?? {};
  } catch {
    // an unreadable recorded.json: the daemon logs it; the page shows the plan's sounds
  }
  const when = new Intl.DateTimeFormat('fr-FR', { timeZone: plan.timezone, dateStyle: 'short', timeStyle: 'short' });
  const cards = Object.values(plan.announcements).filter((a) => uses.has(a.name)).map((a) => {
    const own = a.sounds.filter((s) => s.media.startsWith(OWN));
    const text = deps.ports.texts?.textOf(plan, a.name);
    const take = takes[a.name];
    return html`<section class="card" id="ann-${a.name}"><h2>${a.name}</h2>
      <p class="muted">${(uses.get(a.name) ?? ['non utilisé']).join(' · ')}</p>
      ${take ? html`<p class="flash" role="note">Enregistrée par téléphone (studio) le ${when.format(take.keptAt)}, ${Math.round(take.durationMs / 1000)} s : c'est elle que les appelants entendent, à la place de ce qui suit.</p>` : ''}
      ${a.sounds.map((s) => (s.media.startsWith(OWN) ? html`<audio controls preload="none" src="/sons/${s.media.slice(OWN.length)}.wav"></audio>` : html`<p class="muted">son d'Asterisk « ${s.name} »</p>`))}
      <details><summary>Changer le texte</summary>${deps.ports.texts
        ? html`<form method="post" action="/messages/${a.name}/texte">${csrfField(session)}${versionField(plan.version)}
            <label for="text-${a.name}">Texte lu aux appelants</label><textarea id="text-${a.name}" name="text" rows="3" cols="40">${text ?? ''}</textarea><br><button>Enregistrer le texte</button></form>`
        : html`<p class="muted">Pas encore disponible : les annonces écrites (lues par une voix de synthèse) arrivent bientôt.</p>`}</details>
      ${own.length === 1 ? html`<details><summary>Remplacer par un fichier audio</summary>${deps.ports.soundImport
        ? html`<form method="post" action="/messages/${a.name}/fichier" enctype="multipart/form-data">${csrfField(session)}
            <input type="hidden" name="sound" value="${own[0]!.media.slice(OWN.length)}"><input type="file" name="file" accept="audio/*" required><br><button>Envoyer</button></form>`
        : html`<p class="muted">Pas encore disponible sur ce serveur (conversion audio absente).</p>`}</details>` : ''}</section>`;
  });
  return page({ title: 'Messages', screen: 'messages', session, ...(view.flash ? { flash: view.flash } : {}), ...(view.alert ? { alert: view.alert } : {}) }, html`${cards}`);
}

const SOUND_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;
const MAX_UPLOAD = 20 * 1024 * 1024;

export function messagesRoutes(app: Hono<Env>, deps: WebDeps): void {
  app.get('/messages', (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    return c.html(messagesScreen(deps, c.get('session'), plan, c.req.query('ok') ? { flash: c.req.query('ok')! } : {}));
  });

  // The plan's own sounds, for the players (only .wav: what a browser plays).
  app.get('/sons/*', async (c) => {
    const name = decodeURIComponent(c.req.path.slice('/sons/'.length)).replace(/\.wav$/, '');
    if (!SOUND_NAME.test(name) || name.includes('..')) return c.text('Son introuvable.', 404);
    const file = path.join(deps.soundsDir, `${name}.wav`);
    const size = await fs.stat(file).then((s) => s.size, () => -1);
    if (size < 0) return c.text('Pas de version .wav de ce son (le navigateur ne lit pas les autres formats).', 404);
    return c.body(Readable.toWeb(createReadStream(file)) as ReadableStream, 200, { 'Content-Type': 'audio/wav', 'Content-Length': String(size), 'Cache-Control': 'private, no-cache' });
  });

  app.post('/messages/:name/texte', async (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const texts = deps.ports.texts;
    const name = c.req.param('name');
    if (!texts || !plan.announcements[name]) return c.text('Pas encore disponible.', 404);
    if (!announcementUses(plan, scopeOf(c.get('session'), plan)).has(name)) return c.text('Cette annonce ne vous est pas confiée.', 403);
    const form = c.get('form');
    const unspeakable = texts.problem?.(form.text ?? '');
    if (unspeakable) return c.html(messagesScreen(deps, c.get('session'), plan, { alert: `Texte refusé : ${unspeakable} Rien n'a été enregistré.` }), 422);
    const r = await applyPlanEdit(deps, c.get('session'), `text of ${name}`, form.version ?? '', texts.editsFor(plan, name, form.text ?? ''));
    if (r.ok) return c.redirect(`/messages?ok=${encodeURIComponent('Texte enregistré.')}#ann-${name}`, 303);
    return c.html(messagesScreen(deps, c.get('session'), plan, { alert: `${r.alert} ${Object.values(r.fields).join(' ; ')}` }), r.status);
  });

  app.post('/messages/:name/fichier', async (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const importer = deps.ports.soundImport;
    const name = c.req.param('name');
    const body = await c.req.parseBody();
    const sound = typeof body.sound === 'string' ? body.sound : '';
    const file = body.file;
    const ann = plan.announcements[name];
    if (!importer || !ann || !ann.sounds.some((s) => s.media === `${OWN}${sound}`)) return c.text('Son inconnu.', 404);
    if (!announcementUses(plan, scopeOf(c.get('session'), plan)).has(name)) return c.text('Cette annonce ne vous est pas confiée.', 403);
    if (!(file instanceof File) || file.size === 0 || file.size > MAX_UPLOAD) return c.html(messagesScreen(deps, c.get('session'), plan, { alert: 'Choisissez un fichier audio de moins de 20 Mo.' }), 422);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-upload-'));
    try {
      const upload = path.join(dir, 'upload');
      await fs.writeFile(upload, Buffer.from(await file.arrayBuffer()));
      const r = await importer.importSound(upload, sound);
      if (!r.ok) return c.html(messagesScreen(deps, c.get('session'), plan, { alert: `Fichier refusé : ${r.message}` }), 422);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    await deps.audit.record({ user: c.get('session').user, action: `sound ${sound} replaced by an upload`, changes: [{ path: `sounds/${sound}`, before: null, after: file.name }] });
    return c.redirect(`/messages?ok=${encodeURIComponent('Nouveau fichier en service.')}#ann-${name}`, 303);
  });
}

// What the page works with, and the one way it changes the plan: an edit checked
// by the plan's own checker, refused if the files changed since the page was read,
// journalled, then reloaded at once (the watcher would see it anyway).

import type { PlanError } from '../plan/errors';
import { editPlan, type PlanEdit } from '../plan/edit';
import type { Destination, Plan, PublicNumber } from '../plan/types';
import type { VoicemailStore } from '../voicemail/store';
import type { AuditJournal } from './audit';
import type { Session } from './auth';
import type { Ports } from './ports';
import type { Context, Hono } from 'hono';
import { html, page, type FieldErrors, type Html } from './html';

/** What the page's routes carry from the middleware: the session and the parsed form. */
export type Env = { Variables: { session: Session; form: Record<string, string> } };

export interface PlanSource {
  readonly current: Plan | undefined;
  reload(why: string): Promise<void>;
}

export interface WebDeps {
  planPath: string;
  soundsDir: string;
  plans: PlanSource;
  usersFile: string;
  voicemail: VoicemailStore;
  /** A box's messages changed (heard, deleted): the daemon sets its lamp again. */
  onVoicemailChanged?: (box: string) => void;
  audit: AuditJournal;
  now: () => number;
  ports: Ports;
}

/** The numbers this session looks after. */
export function numbersOf(session: Session, plan: Plan): PublicNumber[] {
  const all = Object.values(plan.numbers);
  return session.role === 'admin' || !session.numbers ? all : all.filter((n) => session.numbers!.includes(n.e164));
}

export function calendarsOf(session: Session, plan: Plan): string[] {
  return [...new Set(numbersOf(session, plan).flatMap((n) => (n.calendar ? [n.calendar] : [])))];
}

function destinationsBoxes(d: Destination, plan: Plan, seen = new Set<string>()): string[] {
  switch (d.kind) {
    case 'voicemail':
      return [d.box];
    case 'line':
    case 'announcement':
      return destinationsBoxes(d.then, plan, seen);
    case 'group': {
      if (seen.has(`g:${d.group}`)) return [];
      seen.add(`g:${d.group}`);
      const g = plan.groups[d.group];
      return g ? destinationsBoxes(g.overflow, plan, seen) : [];
    }
    case 'menu': {
      if (seen.has(`m:${d.menu}`)) return [];
      seen.add(`m:${d.menu}`);
      const m = plan.menus[d.menu];
      return m ? [...Object.values(m.options), m.fallback].flatMap((x) => destinationsBoxes(x, plan, seen)) : [];
    }
    default:
      return [];
  }
}

/** The voicemail boxes a call to this session's numbers can reach. */
export function boxesOf(session: Session, plan: Plan): string[] {
  if (session.role === 'admin' || !session.numbers) return Object.keys(plan.voicemail);
  return [...new Set(numbersOf(session, plan).flatMap((n) => [...destinationsBoxes(n.open, plan), ...destinationsBoxes(n.closed, plan)]))];
}

export type EditOutcome =
  | { ok: true }
  | { ok: false; status: 403 | 409 | 422 | 500; alert: string; fields: FieldErrors };

/** The field a checker message is about: "calendars.x.exceptions[3].from: …" → "from". */
function fieldOf(message: string): string {
  const path = message.split(': ')[0] ?? '';
  const m = path.match(/\.([a-z_]+)(\[\d+\])?$/);
  return m?.[1] ?? '';
}

export function errorsToFields(errors: PlanError[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const e of errors) {
    const f = fieldOf(e.message);
    const text = e.message.includes(': ') ? e.message.slice(e.message.indexOf(': ') + 2) : e.message;
    fields[f] = fields[f] ? `${fields[f]} ; ${text}` : text;
  }
  return fields;
}

export async function applyPlanEdit(deps: WebDeps, session: Session, what: string, version: string, edits: PlanEdit[]): Promise<EditOutcome> {
  const r = await editPlan(deps.planPath, { soundsDir: deps.soundsDir, expectedVersion: version, edits });
  if (!r.ok) {
    if (r.reason === 'conflict') return { ok: false, status: 409, alert: 'Le plan a changé entre-temps (modifié par quelqu\'un d\'autre ou à la main) : rechargez la page, puis recommencez. Rien n\'a été enregistré.', fields: {} };
    const fields = errorsToFields(r.errors);
    return { ok: false, status: r.reason === 'invalid' ? 422 : 500, alert: 'Modification refusée par la vérification du plan ; rien n\'a été enregistré.', fields };
  }
  await deps.audit.record({ user: session.user, action: what, changes: r.changes.map((c) => ({ file: c.file, path: c.path.join('.'), before: c.before, after: c.after })) });
  await deps.plans.reload(`web: ${what} by ${session.user}`);
  return { ok: true };
}

/** Every route under `prefix` (and the screen itself) is the administrator's: a manager gets 403. */
export function adminOnly(app: Hono<Env>, prefix: string): void {
  const refuse = (c: Context): Response => c.text('Réservé aux administrateurs : les lignes, groupes et numéros ne se modifient pas ici.', 403) as Response;
  app.use(prefix, async (c, next) => (c.get('session').role !== 'admin' ? refuse(c) : next()));
  app.use(`${prefix}/*`, async (c, next) => (c.get('session').role !== 'admin' ? refuse(c) : next()));
}

/** The plan in force, or the page saying there is none (the daemon could not load one). */
export function planOr503(c: Context, deps: WebDeps): Plan | Response {
  const plan = deps.plans.current;
  if (!plan) return c.html(page({ title: 'Plan indisponible', alert: 'Le plan d\'accueil n\'a pas pu être chargé : voyez avec l\'administrateur (accueil check).' }, html``), 503) as Response;
  return plan;
}

/** What a form screen shows after a save or a refusal: which item's form, its errors, what was typed. */
export interface EditView {
  flash?: string;
  alert?: string;
  /** The item whose form was posted (its errors and typed values go beside its fields). */
  key?: string;
  fields?: FieldErrors;
  typed?: Record<string, string>;
}

/** An administrator's screen of plan items, each with its own form (Lignes, Groupes, Numéros). */
export interface AdminItemScreen<T> {
  /** "/groupes": the screen; items post to "/groupes/<key>". */
  path: string;
  find(plan: Plan, key: string): T | undefined;
  /** The 404 text for an unknown key. */
  unknown: string;
  /** The item's key in the view (the form it came from). */
  keyOf(item: T): string;
  /** The edits the posted form asks for (none: nothing to change). */
  edits(plan: Plan, item: T, form: Record<string, string>): PlanEdit[];
  /** For the audit journal: "group secretariat-martin". */
  what(item: T): string;
  /** The flash after a save: "Groupe … enregistré." */
  saved(item: T): string;
  render(session: Session, plan: Plan, view: EditView): Html;
}

/** GET the screen, POST an item's form: checked and written as any plan edit, the refusal shown beside its fields. */
export function adminItemRoutes<T>(app: Hono<Env>, deps: WebDeps, s: AdminItemScreen<T>): void {
  adminOnly(app, s.path);
  app.get(s.path, (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const ok = c.req.query('ok');
    return c.html(s.render(c.get('session'), plan, ok ? { flash: ok } : {}));
  });
  app.post(`${s.path}/:key`, async (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const session = c.get('session');
    const item = s.find(plan, c.req.param('key'));
    if (item === undefined) return c.text(s.unknown, 404);
    const form = c.get('form');
    const edits = s.edits(plan, item, form);
    if (edits.length === 0) return c.redirect(`${s.path}?ok=${encodeURIComponent('Rien à changer.')}`, 303);
    const r = await applyPlanEdit(deps, session, s.what(item), form.version ?? '', edits);
    if (r.ok) return c.redirect(`${s.path}?ok=${encodeURIComponent(s.saved(item))}`, 303);
    return c.html(s.render(session, deps.plans.current ?? plan, { alert: r.alert, key: s.keyOf(item), fields: r.fields, typed: form }), r.status);
  });
}

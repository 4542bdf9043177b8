// The manager's page as a Hono application: login, the session cookie, the CSRF
// check of every form, and the screens' routes. Hono because it is small (no
// dependency of its own), maintained, typed, and has the cookie and HTML-escaping
// helpers this needs; @hono/node-server runs it on node:http.

import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { randomBytes } from 'node:crypto';
import { LoginThrottle, sameToken, Sessions } from './auth';
import { planOr503, type Env, type WebDeps } from './context';
import { CSS, html, page } from './html';
import { AccountsCache, verifyPassword } from './users';
import { closeNow, nowScreen, reopen } from './screens/now';
import { calendarRoutes } from './screens/calendar';
import { voicemailRoutes } from './screens/voicemail';
import { messagesRoutes } from './screens/messages';
import { callsRoutes } from './screens/calls';
import { linesRoutes } from './screens/lines';
import { groupsRoutes } from './screens/groups';
import { numbersRoutes } from './screens/numbers';

export const SESSION_COOKIE = 'accueil_session';
const LOGIN_COOKIE = 'accueil_login';

export type { Env };

export interface WebApp {
  app: Hono<Env>;
  sessions: Sessions;
}

const cookieOptions = { httpOnly: true, sameSite: 'Strict', path: '/' } as const;

/** The form's fields as strings (files are read by the screens that take them). */
export async function formOf(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

function loginPage(c: Context, message?: string, status: 200 | 401 | 403 | 429 = 200): Response | Promise<Response> {
  // One token per browser, kept while it lives: a second login page (another tab, a redirect) must not void the first form.
  const token = getCookie(c, LOGIN_COOKIE) ?? randomBytes(18).toString('base64url');
  setCookie(c, LOGIN_COOKIE, token, { ...cookieOptions, maxAge: 3600 });
  const body = html`<form method="post" action="/connexion" class="card">
    <input type="hidden" name="csrf" value="${token}">
    <label for="name">Nom</label><input id="name" name="name" autocomplete="username" required autofocus>
    <label for="password">Mot de passe</label><input id="password" name="password" type="password" autocomplete="current-password" required>
    <p><button>Se connecter</button></p></form>`;
  return c.html(page({ title: 'Connexion', ...(message ? { alert: message } : {}) }, body), status);
}

export function buildApp(deps: WebDeps): WebApp {
  const app = new Hono<Env>();
  const sessions = new Sessions(deps.now);
  const throttle = new LoginThrottle(deps.now);
  const accounts = new AccountsCache(deps.usersFile);

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Content-Security-Policy', "default-src 'self'; media-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'");
    c.header('Cache-Control', c.res.headers.get('Cache-Control') ?? 'no-store');
  });

  app.get('/style.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });

  app.get('/favicon.ico', (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(null, 204);
  });
  app.get('/connexion', (c) => loginPage(c));
  app.post('/connexion', async (c) => {
    const form = await formOf(c);
    if (!sameToken(form.csrf, getCookie(c, LOGIN_COOKIE))) return c.text('Formulaire expiré ou falsifié (jeton CSRF absent) : rechargez la page.', 403);
    const name = (form.name ?? '').trim().toLowerCase();
    const address = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'direct';
    const keys = [`user:${name}`, `ip:${address}`];
    const wait = throttle.waitFor(keys);
    if (wait > 0) return loginPage(c, `Trop d'essais manqués : réessayez dans ${Math.ceil(wait / 1000)} s.`, 429);
    const account = await accounts.find(name);
    const ok = account ? await verifyPassword(form.password ?? '', account.hash) : (await verifyPassword(form.password ?? '', DUMMY_HASH), false);
    if (!ok || !account) {
      throttle.failed(keys);
      return loginPage(c, 'Nom ou mot de passe incorrect.', 401);
    }
    throttle.succeeded(keys);
    const session = sessions.open(account);
    setCookie(c, SESSION_COOKIE, session.id, cookieOptions);
    deleteCookie(c, LOGIN_COOKIE, { path: '/' });
    return c.redirect('/', 303);
  });

  // Everything below needs a session; every POST needs its CSRF token.
  app.use('*', async (c, next) => {
    let session = sessions.get(getCookie(c, SESSION_COOKIE));
    if (session && (await accounts.find(session.user))?.hash !== session.hash) {
      sessions.close(session.id); // the account was removed or its password changed
      session = undefined;
    }
    if (!session) {
      if (c.req.method === 'GET') return c.redirect('/connexion', 303);
      return c.text('Session expirée : reconnectez-vous.', 403);
    }
    c.set('session', session);
    if (c.req.method === 'POST') {
      const form = await formOf(c);
      if (!sameToken(form.csrf, session.csrf)) return c.text('Formulaire refusé : jeton CSRF absent ou faux. Rechargez la page.', 403);
      c.set('form', form);
    }
    await next();
  });

  app.post('/deconnexion', (c) => {
    sessions.close(c.get('session').id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/connexion', 303);
  });

  app.get('/', (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const flash = c.req.query('ok');
    return c.html(nowScreen(deps, c.get('session'), plan, flash ? { flash } : {}));
  });
  for (const [route, act, done] of [['/maintenant/fermer', closeNow, 'Fermeture enregistrée.'], ['/maintenant/rouvrir', reopen, 'Réouverture enregistrée.']] as const) {
    app.post(route, async (c) => {
      const plan = planOr503(c, deps);
      if (plan instanceof Response) return plan;
      const session = c.get('session');
      const r = await act(deps, session, plan, c.get('form'));
      if (r.ok) return c.redirect(`/?ok=${encodeURIComponent(done)}`, 303);
      return c.html(nowScreen(deps, session, deps.plans.current ?? plan, { alert: r.alert, form: { calendar: r.calendar, fields: r.fields } }), r.status);
    });
  }

  calendarRoutes(app, deps);
  messagesRoutes(app, deps);
  voicemailRoutes(app, deps);
  callsRoutes(app, deps);
  linesRoutes(app, deps);
  groupsRoutes(app, deps);
  numbersRoutes(app, deps);

  app.notFound((c) => c.html(page({ title: 'Page introuvable' }, html`<p><a href="/">Retour à l'accueil</a></p>`), 404));
  return { app, sessions };
}

// Verified against when the name is unknown, so that a wrong name costs the same time as a wrong password.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

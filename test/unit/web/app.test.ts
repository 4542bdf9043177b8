// The page's rules, through its HTTP interface in-process (no browser, no socket):
// no account → no start, login, CSRF, roles, an edit refused by the checker.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPlan } from '../../../src/plan/load';
import type { Plan } from '../../../src/plan/types';
import { VoicemailStore } from '../../../src/voicemail/store';
import { buildApp } from '../../../src/web/app';
import type { Ports } from '../../../src/web/ports';
import { AuditJournal } from '../../../src/web/audit';
import { accountsReady, webAddress } from '../../../src/web/server';
import { hashPassword, writeAccounts } from '../../../src/web/users';

const REPO = path.resolve(__dirname, '../../..');
const SOUNDS = path.join(REPO, 'sounds');
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('starting the page', () => {
  test('ACCUEIL_WEB_HOST / ACCUEIL_WEB_PORT, default 127.0.0.1:8080', () => {
    expect(webAddress({})).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(webAddress({ ACCUEIL_WEB_HOST: '::1', ACCUEIL_WEB_PORT: '9000' })).toEqual({ host: '::1', port: 9000 });
    expect(webAddress({ ACCUEIL_WEB_PORT: 'http' })).toEqual({ error: expect.stringContaining('ACCUEIL_WEB_PORT "http" is not a port number') });
  });

  test('no users file, or no account in it: a clear refusal, no default password', async () => {
    expect(await accountsReady({})).toEqual({ error: expect.stringContaining('ACCUEIL_USERS_FILE is not set') });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-users-')), 'users.json');
    expect(await accountsReady({ ACCUEIL_USERS_FILE: file })).toEqual({ error: expect.stringContaining('no account in') });
    await writeAccounts(file, [{ name: 'a', role: 'admin', hash: await hashPassword('x'.repeat(12), CHEAP) }]);
    expect(await accountsReady({ ACCUEIL_USERS_FILE: file })).toEqual({ file });
  });
});

describe('the page over HTTP', () => {
  let dir: string;
  let planPath: string;
  let plan: Plan;
  let app: ReturnType<typeof buildApp>['app'];
  let ports: Ports;

  const load = async (): Promise<Plan> => {
    const r = await loadPlan(planPath, { soundsDir: SOUNDS });
    if (!r.ok) throw new Error('plan does not load');
    return r.plan;
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-web-'));
    planPath = path.join(dir, 'plan.yaml');
    fs.copyFileSync(path.join(REPO, 'config/plan.yaml'), planPath);
    plan = await load();
    const usersFile = path.join(dir, 'users.json');
    await writeAccounts(usersFile, [
      { name: 'marie', role: 'manager', hash: await hashPassword('secret-marie', CHEAP), numbers: ['+33142000001'] },
      { name: 'paul', role: 'admin', hash: await hashPassword('secret-paul', CHEAP) },
    ]);
    const now = (): number => Date.parse('2026-12-02T10:00:00+01:00');
    ports = {};
    app = buildApp({
      planPath, soundsDir: SOUNDS, usersFile, now, ports,
      plans: { get current() { return plan; }, reload: async () => { plan = await load(); } },
      voicemail: new VoicemailStore({ dir: path.join(dir, 'vm') }),
      audit: new AuditJournal(path.join(dir, 'audit.jsonl'), now),
    }).app;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cookieOf = (r: Response, name: string): string => (r.headers.get('set-cookie') ?? '').split(/,(?=\s*\w+=)/).map((c) => c.trim().split(';')[0]!).find((c) => c.startsWith(`${name}=`)) ?? '';
  const form = (fields: Record<string, string>): { body: URLSearchParams; headers: Record<string, string> } => ({ body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  async function login(name: string, password: string): Promise<{ status: number; cookie: string; csrf: string }> {
    const page = await app.request('/connexion');
    const loginCookie = cookieOf(page, 'accueil_login');
    const token = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const f = form({ csrf: token, name, password });
    const r = await app.request('/connexion', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: loginCookie } });
    const cookie = cookieOf(r, 'accueil_session');
    if (!cookie) return { status: r.status, cookie: '', csrf: '' };
    const home = await (await app.request('/', { headers: { cookie } })).text();
    return { status: r.status, cookie, csrf: /name="csrf" value="([^"]+)"/.exec(home)![1]! };
  }

  test('without a session every screen leads to the login page', async () => {
    for (const href of ['/', '/calendrier', '/messages', '/messagerie', '/appels']) {
      const r = await app.request(href);
      expect([r.status, r.headers.get('location')]).toEqual([303, '/connexion']);
    }
    expect((await app.request('/maintenant/fermer', { method: 'POST' })).status).toBe(403);
  });

  test('login: a wrong password is refused; the session cookie is HttpOnly and SameSite=Strict', async () => {
    expect((await login('marie', 'wrong')).status).toBe(401);
    expect((await login('nobody', 'wrong')).status).toBe(401);
    const page = await app.request('/connexion');
    const token = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const f = form({ csrf: token, name: 'marie', password: 'secret-marie' });
    const r = await app.request('/connexion', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: cookieOf(page, 'accueil_login') } });
    expect(r.status).toBe(303);
    expect(r.headers.get('set-cookie')).toMatch(/accueil_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
  });

  test('the login form without its token: 403', async () => {
    const f = form({ name: 'marie', password: 'secret-marie' });
    expect((await app.request('/connexion', { method: 'POST', body: f.body, headers: f.headers })).status).toBe(403);
  });

  test('10 wrong passwords: the 11th attempt waits, even with the right password', async () => {
    for (let i = 0; i < 10; i++) expect((await login('marie', `wrong-${i}`)).status).toBe(401);
    expect((await login('marie', 'secret-marie')).status).toBe(429);
  });

  test('a form without the CSRF token, or with another session\'s: 403, nothing written', async () => {
    const before = fs.readFileSync(planPath, 'utf8');
    const { cookie } = await login('marie', 'secret-marie');
    const other = await login('paul', 'secret-paul');
    for (const csrf of [undefined, other.csrf]) {
      const f = form({ ...(csrf ? { csrf } : {}), version: plan.version, calendar: 'dr-martin', until: '2026-12-03 14:00' });
      expect((await app.request('/maintenant/fermer', { method: 'POST', body: f.body, headers: { ...f.headers, cookie } })).status).toBe(403);
    }
    expect(fs.readFileSync(planPath, 'utf8')).toBe(before);
  });

  test('a manager sees only her numbers, cannot close another calendar, cannot edit lines; an admin can', async () => {
    const before = fs.readFileSync(planPath, 'utf8');
    const marie = await login('marie', 'secret-marie');
    const home = await (await app.request('/', { headers: { cookie: marie.cookie } })).text();
    expect(home).toContain('Cabinet du Dr Martin');
    expect(home).not.toContain('Cabinet du Dr Durand');
    const messages = await (await app.request('/messages', { headers: { cookie: marie.cookie } })).text();
    expect(messages).toContain('id="ann-bienvenue-dr-martin"');
    expect(messages).not.toContain('id="ann-bienvenue-dr-petit"');
    let f = form({ csrf: marie.csrf, version: plan.version, calendar: 'dr-durand', until: '2026-12-03 14:00' });
    expect((await app.request('/maintenant/fermer', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: marie.cookie } })).status).toBe(403);
    f = form({ csrf: marie.csrf, version: plan.version, endpoint: 'PJSIP/x' });
    expect((await app.request('/lignes/dr-martin', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: marie.cookie } })).status).toBe(403);
    expect(fs.readFileSync(planPath, 'utf8')).toBe(before);

    const paul = await login('paul', 'secret-paul');
    f = form({ csrf: paul.csrf, version: plan.version, endpoint: 'PJSIP/martin-2' });
    expect((await app.request('/lignes/dr-martin', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: paul.cookie } })).status).toBe(303);
    expect(fs.readFileSync(planPath, 'utf8')).toContain('dr-martin:   { endpoint: PJSIP/martin-2 }');
  });

  test('groups and numbers are the administrator\'s: a manager gets 403 on their screens and forms, nothing written', async () => {
    const before = fs.readFileSync(planPath, 'utf8');
    const marie = await login('marie', 'secret-marie');
    for (const href of ['/groupes', '/numeros']) expect((await app.request(href, { headers: { cookie: marie.cookie } })).status).toBe(403);
    const posts: [string, Record<string, string>][] = [
      ['/groupes/secretariat-martin', { 'line-secretariat': 'on', strategy: 'ringall', ring_time: '10s', max_wait: '30s' }],
      ['/numeros/+33142000001', { name: 'Autre nom', calendar: 'dr-martin', group: 'secretariat-martin' }],
    ];
    for (const [href, fields] of posts) {
      const f = form({ csrf: marie.csrf, version: plan.version, ...fields });
      expect((await app.request(href, { method: 'POST', body: f.body, headers: { ...f.headers, cookie: marie.cookie } })).status).toBe(403);
    }
    expect(fs.readFileSync(planPath, 'utf8')).toBe(before);
    const home = await (await app.request('/', { headers: { cookie: marie.cookie } })).text();
    expect(home).not.toContain('href="/groupes"');
  });

  test('an admin changes a group: only what changed is written, in place, comments kept', async () => {
    const before = fs.readFileSync(planPath, 'utf8');
    const paul = await login('paul', 'secret-paul');
    const screen = await (await app.request('/groupes', { headers: { cookie: paul.cookie } })).text();
    expect(screen).toContain('id="secretariat-martin-ring_time" name="ring_time" value="20s"');
    // The same values as the plan: nothing to write.
    let f = form({ csrf: paul.csrf, version: plan.version, 'line-secretariat': 'on', strategy: plan.groups['secretariat-martin']!.strategy, ring_time: '20s', max_wait: '30s' });
    let r = await app.request('/groupes/secretariat-martin', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: paul.cookie } });
    expect(r.headers.get('location')).toBe(`/groupes?ok=${encodeURIComponent('Rien à changer.')}`);
    expect(fs.readFileSync(planPath, 'utf8')).toBe(before);
    // Dr Martin's phone rings with the secretariat, one by one, 15 s each.
    f = form({ csrf: paul.csrf, version: plan.version, 'line-secretariat': 'on', 'line-dr-martin': 'on', strategy: 'linear', ring_time: '15s', max_wait: '30s' });
    r = await app.request('/groupes/secretariat-martin', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: paul.cookie } });
    expect(r.status).toBe(303);
    expect(plan.groups['secretariat-martin']).toMatchObject({ lines: ['secretariat', 'dr-martin'], strategy: 'linear', ringTime: 15_000, maxWait: 30_000 });
    const after = fs.readFileSync(planPath, 'utf8');
    const comments = (t: string): string[] => t.split('\n').filter((l) => l.trim().startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    expect(after).toMatch(/secretariat-martin:\n {4}lines: \[ ?secretariat, dr-martin ?\]\n {4}ring_time: 15s\n/);
    expect(plan.groups['secretariat-durand']).toMatchObject({ lines: ['secretariat'], ringTime: 20_000 });
  });

  test('a group\'s duration the checker refuses: 422, its message beside the field, nothing written', async () => {
    const before = fs.readFileSync(planPath, 'utf8');
    const paul = await login('paul', 'secret-paul');
    const f = form({ csrf: paul.csrf, version: plan.version, 'line-secretariat': 'on', strategy: 'ringall', ring_time: '20 secondes', max_wait: '30s' });
    const r = await app.request('/groupes/secretariat-martin', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: paul.cookie } });
    expect(r.status).toBe(422);
    // The checker's own message, beside the field that caused it.
    expect(await r.text()).toMatch(/name="ring_time" value="20 secondes" size="6" aria-invalid="true"><span class="error" id="err-ring_time" role="alert">found &quot;20 secondes&quot;, expected a duration/);
    expect(fs.readFileSync(planPath, 'utf8')).toBe(before);
  });

  test('an announcement recorded by phone says so on Messages: when, how long, and that callers hear it', async () => {
    ports.recorded = { takes: () => ({ 'bienvenue-dr-martin': { durationMs: 11_400, keptAt: Date.parse('2026-12-02T09:30:00+01:00') } }) };
    const marie = await login('marie', 'secret-marie');
    const text = await (await app.request('/messages', { headers: { cookie: marie.cookie } })).text();
    const card = /<section class="card" id="ann-bienvenue-dr-martin">[\s\S]*?<\/section>/.exec(text)?.[0] ?? '';
    expect(card).toContain("Enregistrée par téléphone (studio) le 02/12/2026 09:30, 11 s : c'est elle que les appelants entendent");
    expect(text.match(/Enregistrée par téléphone/g)).toHaveLength(1);
  });

  test('an admin renames a number, takes its calendar away (always open) and points it to another group', async () => {
    const paul = await login('paul', 'secret-paul');
    const screen = await (await app.request('/numeros', { headers: { cookie: paul.cookie } })).text();
    expect(screen).toContain('value="Cabinet du Dr Martin"');
    const f = form({ csrf: paul.csrf, version: plan.version, name: 'Cabinet Martin', calendar: '', group: 'secretariat-durand' });
    const r = await app.request('/numeros/+33142000001', { method: 'POST', body: f.body, headers: { ...f.headers, cookie: paul.cookie } });
    expect(r.status).toBe(303);
    const n = plan.numbers['+33142000001']!;
    expect([n.name, n.calendar, n.open]).toEqual(['Cabinet Martin', undefined, { kind: 'group', group: 'secretariat-durand' }]);
    const text = fs.readFileSync(planPath, 'utf8');
    expect(text).toContain('  "+33 1 42 00 00 01":\n    name: Cabinet Martin\n    label: Dr Martin\n    greeting: bienvenue-dr-martin\n    open:   { group: secretariat-durand }\n');
    expect(plan.numbers['+33142000002']!.calendar).toBe('dr-durand');
  });

  test('an exception dated 2027-02-30: 422, the checker\'s message beside the field, nothing written', async () => {
    const before = fs.readFileSync(planPath, 'utf8');
    const { cookie, csrf } = await login('marie', 'secret-marie');
    const f = form({ csrf, version: plan.version, from: '2027-02-30', to: '', kind: 'closed', hours: '', label: '', announcement: '' });
    const r = await app.request('/calendrier/dr-martin/exceptions', { method: 'POST', body: f.body, headers: { ...f.headers, cookie } });
    expect(r.status).toBe(422);
    expect(await r.text()).toMatch(/id="dr-martin-add-from" name="from" value="2027-02-30"[^>]*aria-invalid="true"><span class="error" id="err-from" role="alert">found &quot;2027-02-30&quot;: day 30 does not exist in that month/);
    expect(fs.readFileSync(planPath, 'utf8')).toBe(before);
  });

  test('a removed account loses its session at the next request', async () => {
    const { cookie } = await login('marie', 'secret-marie');
    expect((await app.request('/', { headers: { cookie } })).status).toBe(200);
    const usersFile = path.join(dir, 'users.json');
    await new Promise((r) => setTimeout(r, 20)); // a new mtime
    await writeAccounts(usersFile, [{ name: 'paul', role: 'admin', hash: await hashPassword('secret-paul', CHEAP) }]);
    expect((await app.request('/', { headers: { cookie } })).headers.get('location')).toBe('/connexion');
  });
});

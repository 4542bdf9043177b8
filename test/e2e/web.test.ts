// The manager's page in a real headless Chromium (Debian's), served by the real
// daemon (`accueil run`) attached to the sandbox Asterisk: every change is made
// by clicking, then checked where it matters — the YAML file on disk, `accueil
// explain`, a live call, the message store and the phone's lamp.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page, Response } from 'playwright-core';
import { VoicemailStore } from '../../src/voicemail';
import { DaemonProcess } from './harness/daemon';
import { launchChromium, type HeadlessChromium } from './harness/browser';
import { AriObserver, REPO, settle } from './harness/sandbox';
import { Caller, waitFor } from './harness/sipp';

const PORT = 18480;
const BASE = `http://127.0.0.1:${PORT}`;
const DOCS = path.join(REPO, 'docs');
const MANAGER = { name: 'marie', password: 'secretariat-2026' };
const ADMIN = { name: 'paul', password: 'administrateur-2026' };
const ORIGINAL = fs.readFileSync(path.join(REPO, 'config/plan.yaml'), 'utf8');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-web-'));
const planFile = path.join(dir, 'plan.yaml');
const env = { ACCUEIL_USERS_FILE: path.join(dir, 'private', 'users.json'), ACCUEIL_AUDIT_FILE: path.join(dir, 'private', 'audit.jsonl'), ACCUEIL_WEB_PORT: String(PORT) };
const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + 86_400_000));

function accueil(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/accueil'), ...args], { cwd: REPO, env: { ...process.env, ...env }, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Lines added and removed (the files differ by a few lines at most). */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

const comments = (text: string): string[] => text.split('\n').filter((l) => /^\s*#/.test(l) || / #/.test(l));

describe("the manager's page in Chromium", () => {
  let daemon: DaemonProcess;
  let chromium: HeadlessChromium;
  let page: Page;
  const requested: string[] = [];

  const shot = async (name: string, fullPage = true): Promise<void> => {
    await page.screenshot({ path: path.join(DOCS, `web-${name}.png`), fullPage });
  };

  /** Loads a screen; its document must stay under 300 kB. */
  const open = async (href: string): Promise<Response> => {
    const response = await page.goto(`${BASE}${href}`);
    if (!response) throw new Error(`no response for ${href}`);
    expect((await response.body()).length).toBeLessThan(300_000);
    return response;
  };

  const login = async (who: { name: string; password: string }): Promise<Response | null> => {
    await open('/connexion');
    await page.fill('#name', who.name);
    await page.fill('#password', who.password);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url() === `${BASE}/connexion` && r.request().method() === 'POST'), page.click('button:has-text("Se connecter")')]);
    await page.waitForLoadState();
    return response;
  };

  /** Clicks a form's button and returns the response to its POST. */
  const submit = async (click: () => Promise<void>): Promise<Response> => {
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), click()]);
    await page.waitForLoadState();
    return response;
  };

  beforeAll(async () => {
    fs.writeFileSync(planFile, ORIGINAL);
    expect(accueil(['user', 'add', MANAGER.name, '--role', 'manager', '--numbers', '01 42 00 00 01, 01 42 00 00 02'], `${MANAGER.password}\n`).status).toBe(0);
    expect(accueil(['user', 'add', ADMIN.name, '--role', 'admin'], `${ADMIN.password}\n`).status).toBe(0);
    expect(fs.statSync(env.ACCUEIL_USERS_FILE).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(env.ACCUEIL_USERS_FILE, 'utf8')).not.toContain(MANAGER.password);

    daemon = new DaemonProcess(planFile, env);
    // One message waiting in Dr Martin's box, one already heard in Dr Durand's.
    const store = new VoicemailStore({ dir: daemon.voicemailDir, timeZone: 'Europe/Paris' });
    for (const [box, heard] of [['dr-martin', false], ['dr-durand', true]] as const) {
      const recording = path.join(dir, `${box}.wav`);
      fs.copyFileSync(path.join(REPO, 'sounds', 'attente.wav'), recording);
      const m = await store.storeMessage({ recordingPath: recording, box, called: box === 'dr-martin' ? '+33142000001' : '+33142000002', caller: '0612345678', startedAt: Date.now() - 3_600_000, durationMs: 4000, planVersion: 'seed', callId: `seed-${box}` });
      if (heard) await store.markHeard(m.id);
    }
    daemon.start();
    await daemon.ready();
    await daemon.waitForLine((l) => l.event === 'web.listening');
    chromium = await launchChromium();
    chromium.browser.on('request', (r) => requested.push(r.url()));
    page = await chromium.browser.newPage();
    page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await chromium?.close();
    if (daemon) expect(await daemon.stop()).toBe(0);
  });

  test('a wrong password is refused', async () => {
    const response = await login({ name: MANAGER.name, password: 'not-the-password' });
    expect(response?.status()).toBe(401);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('Nom ou mot de passe incorrect');
    expect(page.url()).toBe(`${BASE}/connexion`);
    await shot('connexion');
  });

  test('the manager logs in and sees her numbers only, open or closed, why and until when', async () => {
    await login(MANAGER);
    expect(page.url()).toBe(`${BASE}/`);
    const cards = page.locator('section.card h2');
    await expect(cards.allTextContents()).resolves.toEqual(['Cabinet du Dr Martin', 'Cabinet du Dr Durand']);
    await expect(page.locator('nav').textContent()).resolves.not.toContain('Lignes');
    const cookies = await chromium.browser.cookies(BASE);
    expect(cookies.find((c) => c.name === 'accueil_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  test('closes Dr Martin until tomorrow 14:00: the file has the override, explain says so, a live call gets the closed route', async () => {
    const observer = new AriObserver();
    await observer.start();
    try {
      await open('/');
      const card = page.locator('section.card', { hasText: 'Cabinet du Dr Martin' });
      await card.locator('select[name=until]').selectOption({ label: 'demain 14:00' });
      const response = await submit(() => card.getByRole('button', { name: 'Fermer maintenant' }).click());
      expect(response.status()).toBe(303);
      await expect(page.locator('.flash').textContent()).resolves.toContain('Fermeture enregistrée');
      await expect(card.locator('.closed').textContent()).resolves.toBe('Fermé');
      await shot('maintenant');

      expect(changedLines(ORIGINAL, fs.readFileSync(planFile, 'utf8'))).toEqual({
        removed: [],
        added: [`    override: { state: closed, until: "${tomorrow} 14:00", label: Fermeture exceptionnelle }`],
      });
      const explained = accueil(['explain', planFile, '--number', '01 42 00 00 01']);
      expect(explained.stdout).toContain(`closed: override "Fermeture exceptionnelle" until ${tomorrow} 14:00`);

      const result = await new Caller('0142000001', { holdMs: 6000 }).result();
      expect(result.endedBy).toBe('caller');
      const callId = await waitFor('the call in the journal', () => daemon.callIds().pop());
      await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome', 20000);
      expect(daemon.journal(callId).find((l) => l.step === 'calendar')?.reason).toMatch(/^closed: override "Fermeture exceptionnelle"/);
      // The closed announcement of the reference plan is a say: text, rendered for this instant.
      const said = daemon.lines.filter((l) => l.event === 'speech.play').map((l) => String(l.words));
      expect(said.some((w) => w.startsWith('Le cabinet du docteur Martin est fermé. Nous rouvrons'))).toBe(true);
      expect(observer.played().filter((m) => m.startsWith('sound:accueil-say/')).length).toBeGreaterThan(0);
    } finally {
      observer.stop();
    }
    const left = await settle(5000);
    expect(left.channels).toEqual([]);

    // "Rouvrir" takes the override away: the file is the administrator's again, to the byte.
    const card = page.locator('section.card', { hasText: 'Cabinet du Dr Martin' });
    expect((await submit(() => card.getByRole('button', { name: 'Rouvrir' }).click())).status()).toBe(303);
    expect(fs.readFileSync(planFile, 'utf8')).toBe(ORIGINAL);
  });

  test('adds the closure 2027-08-02..2027-08-20: one line more in the YAML, every comment kept', async () => {
    await open('/calendrier');
    const card = page.locator('#calendar-dr-martin');
    await card.locator('summary', { hasText: 'Ajouter une fermeture' }).click();
    await page.fill('#dr-martin-add-from', '2027-08-02');
    await page.fill('#dr-martin-add-to', '2027-08-20');
    await page.selectOption('#dr-martin-add-kind', 'closed');
    await page.fill('#dr-martin-add-label', "Congés d'été");
    expect((await submit(() => card.getByRole('button', { name: 'Ajouter' }).click())).status()).toBe(303);
    const after = fs.readFileSync(planFile, 'utf8');
    expect(changedLines(ORIGINAL, after)).toEqual({ removed: [], added: ["      - { from: 2027-08-02, to: 2027-08-20, closed: true, label: Congés d'été }"] });
    expect(comments(after)).toEqual(comments(ORIGINAL));
    await expect(card.textContent()).resolves.toContain('du Lundi 2 août 2027 au Vendredi 20 août 2027');
    await expect(card.textContent()).resolves.toContain('Noël'); // the holidays computed for the year ahead
    await shot('calendrier', false);
  });

  test('a date 2027-02-30: the error beside the field, nothing written', async () => {
    const before = fs.readFileSync(planFile, 'utf8');
    await open('/calendrier');
    const card = page.locator('#calendar-dr-martin');
    await card.locator('summary', { hasText: 'Ajouter une fermeture' }).click();
    await page.fill('#dr-martin-add-from', '2027-02-30');
    const response = await submit(() => card.getByRole('button', { name: 'Ajouter' }).click());
    expect(response.status()).toBe(422);
    await expect(page.getAttribute('#dr-martin-add-from', 'aria-invalid')).resolves.toBe('true');
    const beside = page.locator('#dr-martin-add-from + .error');
    await expect(beside.textContent()).resolves.toMatch(/2027-02-30.*day 30 does not exist/);
    expect(fs.readFileSync(planFile, 'utf8')).toBe(before);
  });

  test('a hand edit between page load and save: the save is refused, the hand edit stays', async () => {
    await open('/calendrier');
    const hand = fs.readFileSync(planFile, 'utf8').replace('label: Saint-Sylvestre', 'label: Réveillon');
    fs.writeFileSync(planFile, hand);
    const card = page.locator('#calendar-dr-martin');
    await card.locator('summary', { hasText: 'Ajouter une fermeture' }).click();
    await page.fill('#dr-martin-add-from', '2027-10-01');
    const response = await submit(() => card.getByRole('button', { name: 'Ajouter' }).click());
    expect(response.status()).toBe(409);
    await expect(page.locator('[role=alert]').first().textContent()).resolves.toContain('Le plan a changé entre-temps');
    expect(fs.readFileSync(planFile, 'utf8')).toBe(hand);
  });

  test('a form posted without its CSRF token is refused (403), nothing written', async () => {
    const before = fs.readFileSync(planFile, 'utf8');
    await open('/');
    const card = page.locator('section.card', { hasText: 'Cabinet du Dr Martin' });
    await card.locator('input[name=csrf]').evaluate((input) => input.remove());
    const response = await submit(() => card.getByRole('button', { name: 'Fermer maintenant' }).click());
    expect(response.status()).toBe(403);
    expect(fs.readFileSync(planFile, 'utf8')).toBe(before);
  });

  test('a manager cannot edit lines', async () => {
    const before = fs.readFileSync(planFile, 'utf8');
    await open('/');
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const version = await page.locator('input[name=version]').first().inputValue();
    const post = await page.request.post(`${BASE}/lignes/dr-martin`, { form: { csrf, version, endpoint: 'PJSIP/elsewhere' }, maxRedirects: 0 });
    expect(post.status()).toBe(403);
    expect((await page.request.get(`${BASE}/lignes`)).status()).toBe(403);
    expect(fs.readFileSync(planFile, 'utf8')).toBe(before);
  });

  test('plays a voicemail message and marks it heard: the lamp follows; then deletes it', async () => {
    await open('/messagerie');
    const box = page.locator('#box-dr-martin');
    expect(await box.locator('tr.new').count()).toBe(1);
    const played = await box.locator('audio').first().evaluate(async (element) => {
      // runs in the page: a media element
      const audio = element as unknown as { play(): Promise<void>; currentTime: number; duration: number };
      await audio.play();
      await new Promise((r) => setTimeout(r, 700));
      return { time: audio.currentTime, duration: audio.duration };
    });
    expect(played.time).toBeGreaterThan(0.3);
    expect(played.duration).toBeGreaterThan(1);
    await shot('messagerie');

    expect((await submit(() => box.getByRole('button', { name: 'Marquer écouté' }).click())).status()).toBe(303);
    expect(await page.locator('#box-dr-martin tr.new').count()).toBe(0);
    const store = new VoicemailStore({ dir: daemon.voicemailDir });
    expect((await store.listMessages({ box: 'dr-martin' })).map((m) => m.heard)).toEqual([true]);
    await daemon.waitForLine((l) => l.event === 'mwi.set' && l.box === 'dr-martin' && l.unheard === 0 && l.heard === 1);

    expect((await submit(() => page.locator('#box-dr-martin').getByRole('button', { name: 'Supprimer' }).click())).status()).toBe(303);
    await expect(page.locator('#box-dr-martin').textContent()).resolves.toContain('Aucun message');
    expect(await store.listMessages({ box: 'dr-martin' })).toEqual([]);
  });

  test('the messages with their players; a greeting\'s text changed: the next call says the new text, an unspeakable one is refused', async () => {
    await open('/messages');
    await expect(page.locator('#ann-bienvenue-dr-martin audio').getAttribute('src')).resolves.toBe('/sons/bienvenue-dr-martin.wav');
    expect((await page.request.get(`${BASE}/sons/bienvenue-dr-martin.wav`)).headers()['content-type']).toBe('audio/wav');
    await shot('messages', false);

    // A text the voice cannot say: refused beside the form, nothing written.
    const before = fs.readFileSync(planFile, 'utf8');
    let card = page.locator('#ann-bienvenue-dr-martin');
    await card.locator('summary', { hasText: 'Changer le texte' }).click();
    await card.locator('textarea[name=text]').fill('🙂🙂');
    expect((await submit(() => card.getByRole('button', { name: 'Enregistrer le texte' }).click())).status()).toBe(422);
    await expect(page.locator('[role=alert]').first().textContent()).resolves.toContain('ne peut pas être lu');
    expect(fs.readFileSync(planFile, 'utf8')).toBe(before);

    // The greeting becomes a text: one line added to the plan, the daemon reloads and renders it.
    const loadsBefore = daemon.lines.filter((l) => l.event === 'plan.loaded').length;
    card = page.locator('#ann-bienvenue-dr-martin');
    await card.locator('summary', { hasText: 'Changer le texte' }).click();
    await card.locator('textarea[name=text]').fill('Cabinet du docteur Martin, bonjour.');
    expect((await submit(() => card.getByRole('button', { name: 'Enregistrer le texte' }).click())).status()).toBe(303);
    const changed = changedLines(before, fs.readFileSync(planFile, 'utf8'));
    expect(changed.removed).toEqual([]);
    expect(changed.added.join('\n')).toContain('bienvenue-dr-martin');
    expect(changed.added.join('\n')).toContain('Cabinet du docteur Martin, bonjour.');
    await waitFor('the plan reloaded', () => daemon.lines.filter((l) => l.event === 'plan.loaded').length > loadsBefore || undefined);

    const observer = new AriObserver();
    await observer.start();
    try {
      await new Caller('0142000001', { holdMs: 4000 }).result();
      await waitFor('the greeting played', () => observer.played().find((m) => m.startsWith('sound:accueil-say/')));
      expect(observer.played()).not.toContain('sound:accueil/bienvenue-dr-martin');
      expect(daemon.lines.filter((l) => l.event === 'speech.play').map((l) => l.words)).toContain('Cabinet du docteur Martin, bonjour.');
    } finally {
      observer.stop();
    }
  });

  test('the calls screen: today\'s calls of the manager\'s numbers, from the call history', async () => {
    const callId = daemon.callIds().pop()!;
    await waitFor('the last call in the history', () => daemon.calls().find((c) => c.callId === callId), 15_000);
    await open('/appels');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).not.toContain('Pas encore disponible');
    const today = Number(/Tous les appels d'aujourd'hui \((\d+)\)/.exec(main)?.[1]);
    expect(today).toBe(daemon.calls().filter((c) => c.number === '+33142000001' || c.number === '+33142000002').length);
    expect(today).toBeGreaterThanOrEqual(2);
    await shot('appels');
  });

  test('every change is in the audit journal, listed by accueil audit', () => {
    const out = accueil(['audit']).stdout;
    expect(out).toMatch(/marie {2}close dr-martin until \d{4}-\d\d-\d\d 14:00/);
    expect(out).toContain('marie  reopen dr-martin');
    expect(out).toContain('marie  add exception to dr-martin');
    expect(out).toContain('marie  voicemail heard');
    expect(out).toContain('marie  text of bienvenue-dr-martin');
    expect(out).toMatch(/calendars\.dr-martin\.override: \(absent\) → \{"state":"closed"/);
  });

  test('an administrator sees and may edit the lines', async () => {
    await submit(() => page.getByRole('button', { name: 'Se déconnecter' }).click());
    await login(ADMIN);
    await open('/lignes');
    await expect(page.locator('#endpoint-dr-martin').inputValue()).resolves.toBe('PJSIP/dr-martin');
    await shot('lignes');
  });

  test('an administrator changes a group\'s ring time from the browser: one line of the file changes', async () => {
    const before = fs.readFileSync(planFile, 'utf8');
    await open('/groupes');
    await page.fill('#secretariat-martin-ring_time', '25s');
    const saved = await submit(() => page.locator('form[action="/groupes/secretariat-martin"] button').click());
    expect(saved.status()).toBe(303);
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('Groupe secretariat-martin enregistré');
    expect(fs.readFileSync(planFile, 'utf8')).toBe(before.replace('    lines: [secretariat]\n    ring_time: 20s\n    max_wait: 30s', '    lines: [secretariat]\n    ring_time: 25s\n    max_wait: 30s'));
    await shot('groupes');
    await open('/numeros');
    await expect(page.locator('[id="33142000001-name"]').inputValue()).resolves.toBe('Cabinet du Dr Martin');
    await shot('numeros');
  });

  test('no request ever left the daemon', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((u) => !u.startsWith(`${BASE}/`))).toEqual([]);
  });
});

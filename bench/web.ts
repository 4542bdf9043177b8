// The manager's page: time to serve each screen (median of N requests, over
// loopback, logged in) and each page's weight; and the time of one plan edit
// (check + atomic write + reload). On the reference plan.
// Run: npx tsx bench/web.ts [runs=30]
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { PlanHolder } from '../src/daemon/plan-holder';
import { readPlanSources } from '../src/plan/edit';
import { startManagerPage } from '../src/web';
import { hashPassword, writeAccounts } from '../src/web/users';

const REPO = path.resolve(__dirname, '..');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 30);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-bench-web-'));
  const planPath = path.join(dir, 'plan.yaml');
  await fs.copyFile(path.join(REPO, 'config/plan.yaml'), planPath);
  const usersFile = path.join(dir, 'users.json');
  await writeAccounts(usersFile, [{ name: 'bench', role: 'admin', hash: await hashPassword('bench-password') }]);
  const log = pino({ level: 'warn' });
  const soundsDir = path.join(REPO, 'sounds');
  const plans = new PlanHolder(planPath, { soundsDir }, log);
  await plans.start();
  const env = { ...process.env, ACCUEIL_USERS_FILE: usersFile, ACCUEIL_WEB_PORT: '0', ACCUEIL_VOICEMAIL_DIR: path.join(dir, 'vm') };
  const web = await startManagerPage({ planPath, soundsDir, plans, log, env });
  if ('error' in web) throw new Error(web.error);

  // Log in as a browser does: the login page's token and cookie, then the session cookie.
  const loginPage = await fetch(`${web.url}/connexion`);
  const loginCookie = (loginPage.headers.get('set-cookie') ?? '').split(';')[0]!;
  const token = /name="csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
  const t0 = performance.now();
  const login = await fetch(`${web.url}/connexion`, { method: 'POST', redirect: 'manual', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: token, name: 'bench', password: 'bench-password' }) });
  const loginMs = performance.now() - t0;
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

  console.log(`login (scrypt verify): ${loginMs.toFixed(0)} ms`);
  console.log('screen          median     p90       weight');
  for (const href of ['/', '/calendrier', '/messages', '/messagerie', '/appels', '/lignes', '/style.css']) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const r = await fetch(`${web.url}${href}`, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`${href}: ${r.status} ${await r.text()}`);
      bytes = (await r.arrayBuffer()).byteLength;
      times.push(performance.now() - start);
    }
    const p90 = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)]!;
    console.log(`${href.padEnd(14)}  ${median(times).toFixed(1).padStart(6)} ms  ${p90.toFixed(1).padStart(6)} ms  ${(bytes / 1024).toFixed(1).padStart(6)} kB`);
  }

  // One edit: close and reopen, each through the checker, the atomic write and the reload.
  const page = await (await fetch(`${web.url}/`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const edits: number[] = [];
  for (let i = 0; i < 10; i++) {
    const read = await readPlanSources(planPath);
    if ('errors' in read) throw new Error('plan unreadable');
    const action = i % 2 === 0 ? '/maintenant/fermer' : '/maintenant/rouvrir';
    const start = performance.now();
    const r = await fetch(`${web.url}${action}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, version: read.version, calendar: 'dr-martin', until: '2030-01-02 14:00' }) });
    edits.push(performance.now() - start);
    if (r.status !== 303) throw new Error(`edit refused: ${r.status}`);
  }
  console.log(`plan edit (check + write + reload), median of 10: ${median(edits).toFixed(0)} ms`);
  await web.close();
  await plans.stop();
  await fs.rm(dir, { recursive: true, force: true });
}

void main();

// `accueil run` refuses a bad environment with one clear line, before touching ARI.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ariFromEnv, startedThroughNpm, watchParent } from '../../../src/cli/run';

const REPO = path.resolve(__dirname, '..', '..', '..');

describe('ariFromEnv', () => {
  test('defaults: loopback URL, user accueil; the password is required', () => {
    expect(ariFromEnv({ ARI_PASSWORD: 's3cret' })).toEqual({ url: 'http://127.0.0.1:8088', username: 'accueil', password: 's3cret' });
    expect(ariFromEnv({})).toEqual({ error: expect.stringMatching(/^ARI_PASSWORD is not set/) });
  });

  test('a URL that is not http(s) is refused, naming it', () => {
    expect(ariFromEnv({ ARI_PASSWORD: 'x', ARI_URL: 'localhost:8088' })).toEqual({ error: expect.stringContaining('"localhost:8088" is not an http(s) URL') });
    expect(ariFromEnv({ ARI_PASSWORD: 'x', ARI_URL: 'ftp://pbx' })).toEqual({ error: expect.stringContaining('is not an http(s) URL') });
  });

  test('a trailing slash is dropped', () => {
    expect(ariFromEnv({ ARI_PASSWORD: 'x', ARI_URL: 'https://pbx.example.org:8089/' })).toMatchObject({ url: 'https://pbx.example.org:8089' });
  });
});

function runCli(args: string[], env: Record<string, string>): { status: number; stderr: string; stdout: string } {
  try {
    const stdout = execFileSync(process.execPath, [path.join(REPO, 'bin/accueil'), ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stderr: string; stdout: string };
    return { status: e.status, stderr: e.stderr, stdout: e.stdout };
  }
}

describe('accueil run with a bad environment', () => {
  test('no ARI password: exit 2 and one line saying what to set, no stack trace', () => {
    const r = runCli(['run', '--plan', 'config/'], {});
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^accueil run: ARI_PASSWORD is not set/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test('no plan: exit 2 with the usage', () => {
    const r = runCli(['run'], { ARI_PASSWORD: 'x' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: accueil run --plan/);
  });

  test('an unknown option: exit 2 naming it', () => {
    const r = runCli(['run', '--plan', 'config/', '--plna', 'x'], { ARI_PASSWORD: 'x' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option --plna/);
  });
});

describe('stopping with npx', () => {
  test('started through npm exec (npx) or an npm script, not otherwise', () => {
    expect(startedThroughNpm({ npm_command: 'exec' })).toBe(true);
    expect(startedThroughNpm({ npm_command: 'run-script' })).toBe(true);
    expect(startedThroughNpm({})).toBe(false);
  });

  test('the parent gone (this process adopted by another): the stop is called once', async () => {
    let ppid = 4242;
    let stops = 0;
    const timer = watchParent(() => stops++, 5, () => ppid);
    await new Promise((r) => setTimeout(r, 30));
    expect(stops).toBe(0);
    ppid = 1;
    await new Promise((r) => setTimeout(r, 30));
    ppid = 77;
    await new Promise((r) => setTimeout(r, 30));
    clearInterval(timer);
    expect(stops).toBe(1);
  });
});

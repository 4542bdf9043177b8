// bin/accueil runs the compiled dist/ only when `npm run build` stamped it after the
// last source edit (or when no sources are shipped, as in the image); tsx otherwise.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface Checkout { root: string; writeSource(): void; writeCompiled(): void; stamp(atMs: number): void }

function fakeCheckout(): Checkout {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-launcher-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(REPO, 'bin', 'accueil'), path.join(root, 'bin', 'accueil'));
  const main = (which: string) => `exports.main = async () => { process.stdout.write('${which}'); return 0; };\n`;
  return {
    root,
    writeSource() {
      fs.mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
      fs.writeFileSync(path.join(root, 'src', 'cli', 'main.ts'), main('sources'));
    },
    writeCompiled() {
      fs.mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
      fs.writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), main('compiled'));
    },
    stamp(atMs: number) {
      const file = path.join(root, 'dist', '.built-from-sources');
      fs.writeFileSync(file, 'built\n');
      fs.utimesSync(file, atMs / 1000, atMs / 1000);
    },
  };
}

function launch(checkout: Checkout, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [path.join(checkout.root, 'bin', 'accueil')], {
    // tsx is resolved from the repository's node_modules, as in a checkout.
    env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(REPO, 'node_modules'), ...env },
    encoding: 'utf8',
  });
}

function ageSources(checkout: Checkout, atMs: number): void {
  for (const p of ['src/cli/main.ts', 'src/cli', 'src']) fs.utimesSync(path.join(checkout.root, p), atMs / 1000, atMs / 1000);
}

const checkouts: Checkout[] = [];
function make(): Checkout { const c = fakeCheckout(); checkouts.push(c); return c; }
afterAll(() => { for (const c of checkouts) fs.rmSync(c.root, { recursive: true, force: true }); });

describe('bin/accueil picks what it runs', () => {
  test('a build stamped after the last source edit runs compiled', () => {
    const c = make();
    c.writeSource(); c.writeCompiled();
    ageSources(c, Date.now() - 60_000);
    c.stamp(Date.now());
    expect(launch(c)).toBe('compiled');
  });

  test('a source edited after the build runs through tsx: a stale dist/ never shadows src/', () => {
    const c = make();
    c.writeSource(); c.writeCompiled();
    c.stamp(Date.now() - 60_000);
    expect(launch(c)).toBe('sources');
  });

  test('a dist/ built without the stamp (plain tsc) is not trusted', () => {
    const c = make();
    c.writeSource(); c.writeCompiled();
    expect(launch(c)).toBe('sources');
  });

  test('ACCUEIL_FROM_SOURCES=1 forces the sources even with a current build', () => {
    const c = make();
    c.writeSource(); c.writeCompiled();
    ageSources(c, Date.now() - 60_000);
    c.stamp(Date.now());
    expect(launch(c, { ACCUEIL_FROM_SOURCES: '1' })).toBe('sources');
  });

  test('no src/ (the image) runs compiled, stamp or not', () => {
    const c = make();
    c.writeCompiled();
    expect(launch(c)).toBe('compiled');
  });

  test('no dist/ runs the sources', () => {
    const c = make();
    c.writeSource();
    expect(launch(c)).toBe('sources');
  });
});

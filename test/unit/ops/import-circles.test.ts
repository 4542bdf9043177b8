// No import circle in src/ (what `madge --circular` checks, here without the extra
// dependency): every relative import, type-only ones included, as a graph; its strongly
// connected components of more than one module are the circles.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The modules `file` imports or re-exports from (relative specifiers only: packages cannot close a circle). */
function importsOf(file: string, text: string, known: Set<string>): string[] {
  const found = new Set<string>();
  const statement = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
  const call = /\b(?:require|import)\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const re of [statement, call]) {
    for (const m of text.matchAll(re)) {
      const target = path.join(path.dirname(file), m[1]!);
      const resolved = [`${target}.ts`, path.join(target, 'index.ts'), target].find((c) => known.has(c));
      if (resolved) found.add(resolved);
    }
  }
  return [...found];
}

/** Tarjan's strongly connected components with more than one node (or a node importing itself). */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('import circles', () => {
  test('the finder sees a circle through a type-only import and a re-export, and none in a chain', () => {
    const known = new Set(['/s/a.ts', '/s/b.ts', '/s/c/index.ts', '/s/d.ts']);
    const graph = new Map([
      ['/s/a.ts', importsOf('/s/a.ts', "import { b } from './b';\n", known)],
      ['/s/b.ts', importsOf('/s/b.ts', "import type {\n  C,\n} from './c';\n", known)],
      ['/s/c/index.ts', importsOf('/s/c/index.ts', "export { a } from '../a';\nimport x from 'yaml';\n", known)],
      ['/s/d.ts', importsOf('/s/d.ts', "const a = require('./a');\n", known)],
    ]);
    expect(circles(graph)).toEqual([['/s/a.ts', '/s/b.ts', '/s/c/index.ts']]);
    graph.set('/s/c/index.ts', []);
    expect(circles(graph)).toEqual([]);
  });

  test('src/ has none', () => {
    const files = sourceFiles(SRC);
    const known = new Set(files);
    const graph = new Map(files.map((f) => [f, importsOf(f, fs.readFileSync(f, 'utf8'), known)]));
    // The graph is real: the daemon's entry reaches most of src/.
    expect([...graph.values()].reduce((n, deps) => n + deps.length, 0)).toBeGreaterThan(files.length);
    expect(circles(graph).map((c) => c.map((f) => path.relative(SRC, f)))).toEqual([]);
  });
});

// One room per job (issue 20): a source file past 400 lines holds more than one.
test('no file in src/ is over 400 lines', () => {
  const files = sourceFiles(SRC);
  expect(files.length).toBeGreaterThan(50);
  const long = files.map((f) => [path.relative(SRC, f), fs.readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 400);
  expect(long).toEqual([]);
});

// The pure core (docs/flow.md): the flow reads the plan and a few pure helpers, never an
// executor (the ARI adapter, the daemon, the dispatcher, the simulator) nor any I/O.
test('src/flow/ imports only the plan, the contract of its executors and pure helpers', () => {
  const files = sourceFiles(path.join(SRC, 'flow'));
  const known = new Set(sourceFiles(SRC));
  const outside = new Set(files.flatMap((f) => importsOf(f, fs.readFileSync(f, 'utf8'), known)).map((f) => path.relative(SRC, f)).filter((f) => !f.startsWith('flow/')));
  expect([...outside].sort()).toEqual(['lines/rotate.ts', 'plan/durations.ts', 'plan/numbers.ts', 'plan/types.ts']);
});

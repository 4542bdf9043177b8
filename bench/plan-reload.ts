// What a large plan costs to check, load and reload: generated plans of 1,000 and
// 10,000 numbers in two shapes (one group and one voicemail box per number, or many
// numbers sharing ten groups), beside the reference plan (config/plan.yaml).
//
//   npx tsx bench/plan-reload.ts [--numbers 1000,10000] [--runs 5]
//   npx tsx bench/plan-reload.ts --emit 1000 [--shape shared]   (prints a generated plan)
//
// Figures, each a median of --runs:
//   check    `node bin/accueil check FILE` in a fresh process, wall time (start-up included;
//            bin/accueil runs dist/ when `npm run build` is current, tsx otherwise: printed)
//   load     loadPlan (read, parse, validate, build), after one warm-up: when `npm run build`
//            is current, the compiled code in a plain node process (bench/plan-times.js), as
//            the daemon and its image run it; the sources in this process otherwise
//   reload   the daemon's reader (a worker thread keeping each file's parse) reloading the
//            plan written as a folder of practices of 100 numbers, after one practice file
//            changed: what an edit on the web page or a hand edit costs a running daemon
import { execFileSync } from 'node:child_process';
import { promises as fs, existsSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as PlanModule from '../src/plan';
import type * as OffThreadModule from '../src/plan/offThread';

type Shape = 'each' | 'shared';
const ROOT = path.resolve(__dirname, '..');
const SOUNDS = ['bienvenue', 'ferme', 'attente', 'messagerie'];
const PRACTICE_SIZE = 100;

function header(n: number): string[] {
  const out = ['timezone: Europe/Paris', 'country: FR', 'lines:'];
  const lines = Math.max(2, Math.ceil(n / 20));
  for (let i = 0; i < lines; i++) out.push(`  l${i}: { endpoint: PJSIP/l${i} }`);
  out.push('calendars:');
  for (let c = 0; c < 10; c++) {
    out.push(`  c${c}:`, '    weekly: { mon-fri: [08:30-12:30, 14:00-19:00], sat: [09:00-12:00] }', '    holidays: FR',
      '    exceptions:', '      - { date: 2026-12-24, hours: [08:30-12:00] }', '      - { from: 2027-08-02, to: 2027-08-20, closed: true, announcement: ferme }');
  }
  return out;
}

function numberText(i: number): string {
  return `01 42 ${String(Math.floor(i / 10000)).padStart(2, '0')} ${String(Math.floor(i / 100) % 100).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`;
}

/** Numbers first..last-1 with, for `each`, their own group and box; `shared` numbers use g0…g9 and v0…v9. */
function entries(total: number, first: number, last: number, shape: Shape, edit = ''): { numbers: string[]; groups: string[]; voicemail: string[] } {
  const lines = Math.max(2, Math.ceil(total / 20));
  const numbers: string[] = [];
  const groups: string[] = [];
  const voicemail: string[] = [];
  for (let i = first; i < last; i++) {
    const g = shape === 'each' ? i : i % 10;
    numbers.push(`  "${numberText(i)}":`, `    name: Number ${i}${edit}`, '    greeting: bienvenue', `    calendar: c${i % 10}`,
      `    open: { group: g${g} }`, `    closed: { announcement: ferme, then: { voicemail: v${g} } }`);
  }
  const owned = shape === 'each' ? [...Array(last - first).keys()].map((k) => first + k) : first === 0 ? [...Array(10).keys()] : [];
  for (const g of owned) {
    groups.push(`  g${g}:`, `    lines: [l${g % lines}, l${(g + 1) % lines}]`, '    ring_time: 20s', '    max_wait: 45s',
      '    hold: { music: default, message: attente }', `    overflow: { line: l${g % lines}, timeout: 20s, then: { voicemail: v${g} } }`);
    voicemail.push(`  v${g}: { greeting: messagerie, max_length: 2m, notify: { email: box${g}@example.org } }`);
  }
  return { numbers, groups, voicemail };
}

function sections(e: { numbers: string[]; groups: string[]; voicemail: string[] }): string[] {
  const out = ['numbers:', ...e.numbers];
  if (e.groups.length) out.push('groups:', ...e.groups);
  if (e.voicemail.length) out.push('voicemail:', ...e.voicemail);
  return out;
}

export function generate(n: number, shape: Shape = 'each'): string {
  return [...header(n), ...sections(entries(n, 0, n, shape))].join('\n') + '\n';
}

/** The same plan as a folder: the shared lines and calendars, then one file per practice of 100 numbers. */
export async function writeFolder(dir: string, n: number, shape: Shape): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, '00-shared.yaml'), header(n).join('\n') + '\n');
  for (let p = 0; p * PRACTICE_SIZE < n; p++) await writePractice(dir, n, shape, p);
}

export function writePractice(dir: string, n: number, shape: Shape, p: number, edit = ''): Promise<void> {
  const e = entries(n, p * PRACTICE_SIZE, Math.min(n, (p + 1) * PRACTICE_SIZE), shape, edit);
  return fs.writeFile(path.join(dir, `practice-${String(p).padStart(4, '0')}.yaml`), sections(e).join('\n') + '\n');
}

// The code measured: compiled when dist/ is current (what the daemon runs), the sources otherwise.
const compiled = launcherMode() === 'compiled dist/';
const { loadPlan, formatError } = require(compiled ? '../dist/plan' : '../src/plan') as typeof PlanModule;
const { PlanReader } = require(compiled ? '../dist/plan/offThread' : '../src/plan/offThread') as typeof OffThreadModule;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

function timeCheck(file: string, soundsDir: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'accueil'), 'check', file, '--sounds', soundsDir], { stdio: ['ignore', 'ignore', 'inherit'] });
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function timeLoad(file: string, soundsDir: string, runs: number): Promise<number> {
  if (compiled) return (childTimes('load', file, soundsDir, String(runs)) as { ms: number }).ms;
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const r = await loadPlan(file, { soundsDir });
    const dt = performance.now() - t0;
    if (!r.ok) throw new Error(r.errors.slice(0, 5).map(formatError).join('\n'));
    if (i > 0) times.push(dt); // the first run warms up the JIT and ajv's compiled validator
  }
  return median(times);
}

/** The compiled code timed in a plain node process of its own (bench/plan-times.js). */
function childTimes(...args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'plan-times.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
}

async function timeReload(dir: string, n: number, shape: Shape, soundsDir: string, runs: number): Promise<{ first: number; reload: number }> {
  if (compiled) {
    // The edits written beforehand: the child writes each in place, then times the reload.
    const edits = [];
    const staging = path.join(dir, '..', `staging-${path.basename(dir)}`);
    await fs.mkdir(staging, { recursive: true });
    for (let i = 0; i < runs; i++) {
      const p = i % Math.ceil(n / PRACTICE_SIZE);
      await writePractice(staging, n, shape, p, ` (edit ${i})`);
      const name = `practice-${String(p).padStart(4, '0')}.yaml`;
      edits.push({ file: path.join(dir, name), text: await fs.readFile(path.join(staging, name), 'utf8') });
    }
    const editsFile = path.join(dir, '..', `edits-${path.basename(dir)}.json`);
    await fs.writeFile(editsFile, JSON.stringify(edits));
    return childTimes('reload', dir, soundsDir, editsFile) as { first: number; reload: number };
  }
  const reader = new PlanReader({ timeoutMs: 120_000 });
  try {
    const load = async (): Promise<number> => {
      const t0 = performance.now();
      const r = await reader.load(dir, { soundsDir });
      if (!r.ok) throw new Error(r.errors.slice(0, 5).map(formatError).join('\n'));
      return performance.now() - t0;
    };
    const first = await load();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await writePractice(dir, n, shape, i % Math.ceil(n / PRACTICE_SIZE), ` (edit ${i})`);
      times.push(await load());
    }
    return { first, reload: median(times) };
  } finally {
    await reader.close();
  }
}

function launcherMode(): string {
  const stamp = path.join(ROOT, 'dist', '.built-from-sources');
  if (process.env.ACCUEIL_FROM_SOURCES || !existsSync(stamp)) return 'sources through tsx';
  return statSync(stamp).mtimeMs >= newestMtime(path.join(ROOT, 'src')) ? 'compiled dist/' : 'sources through tsx (dist/ is older than src/)';
}

function newestMtime(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const e of require('node:fs').readdirSync(dir, { withFileTypes: true }) as import('node:fs').Dirent[]) {
    const full = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  if (process.argv.includes('--emit')) {
    process.stdout.write(generate(Number(arg('emit', '1000')), arg('shape', 'each') as Shape));
    return;
  }
  const sizes = arg('numbers', '1000,10000').split(',').map(Number);
  const runs = Number(arg('runs', '5'));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-bench-'));
  const soundsDir = path.join(dir, 'sounds');
  await fs.mkdir(soundsDir);
  for (const s of SOUNDS) await fs.writeFile(path.join(soundsDir, `${s}.wav`), '');
  const rows: string[][] = [];
  try {
    console.log(`plan-reload: median of ${runs}; accueil check and the loads run ${launcherMode()}; Node ${process.version}, ${os.cpus().length} cores`);
    const reference = path.join(ROOT, 'config', 'plan.yaml');
    const refSounds = path.join(ROOT, 'sounds');
    const refLoad = await timeLoad(reference, refSounds, runs);
    rows.push(['reference plan (3 numbers)', `${(statSync(reference).size / 1024).toFixed(0)} KB`, ms(timeCheck(reference, refSounds, runs)), ms(refLoad), '', '']);
    for (const n of sizes) {
      for (const shape of ['each', 'shared'] as Shape[]) {
        const file = path.join(dir, `plan-${n}-${shape}.yaml`);
        const text = generate(n, shape);
        await fs.writeFile(file, text);
        const check = timeCheck(file, soundsDir, runs);
        const load = await timeLoad(file, soundsDir, runs);
        const folder = path.join(dir, `plan-${n}-${shape}`);
        await writeFolder(folder, n, shape);
        const { first, reload } = await timeReload(folder, n, shape, soundsDir, runs);
        const label = `${n.toLocaleString('en')} numbers, ${shape === 'each' ? 'a group and a box each' : 'sharing 10 groups'}`;
        rows.push([label, `${(text.length / 1024).toFixed(0)} KB`, ms(check), `${ms(load)} (+${ms(load - refLoad)})`, ms(first), ms(reload)]);
        console.log(`  … ${label} done`);
      }
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  const head = ['plan', 'YAML', 'accueil check', 'load (vs reference)', 'folder: first read', 'folder: reload after one file changed'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
  console.log([line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

if (require.main === module) void main();

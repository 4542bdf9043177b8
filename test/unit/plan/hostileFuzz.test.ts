// Hostile mutations of the reference plan (aliases and anchors, bombs, deep brackets,
// control characters, long texts, repeated blocks) never crash or hang the loader, and
// every refusal says where. ACCUEIL_FUZZ_RUNS=10000 runs the full count (about
// 6 minutes on a busy 2-core machine); the unit suite runs 1000.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { planFromSources, formatError } from '../../../src/plan';
import type { SoundIndex } from '../../../src/plan/sounds';
import { ALIAS_BOMB } from './helpers';

const RUNS = Number(process.env.ACCUEIL_FUZZ_RUNS ?? 1000);
const root = path.join(__dirname, '../../..');
const reference = readFileSync(path.join(root, 'config/plan.yaml'), 'utf8');
const sounds: SoundIndex = {
  dir: 'sounds',
  exists: true,
  names: new Set(readdirSync(path.join(root, 'sounds')).filter((f) => f.endsWith('.wav')).map((f) => f.slice(0, -4))),
};
const HOSTILE = [
  '&a ', '*a', '&b [1, 2]', '*b', '<<: *a', '!!binary ', '!!str ', '? ', '\r', '\u0000', '\u001b[2J', '\u202e', '\uFEFF', '\t',
  '"\\u0000"', '[[[[[[[[[[', ']]]]]]]]', '{{{{{{', '}}}}}}', 'PJSIP/x&Local/y@default', 'http://169.254.169.254/', '99999999999999999999h',
  '\n---\n', '%YAML 1.2\n', '- ', ': ', '|\n', '>-\n', "'", '"', '#', '~', 'null', 'x'.repeat(5000), ALIAS_BOMB,
];
/** Whole-file refusals, which concern no one position. */
const WHOLE = /^f\.yaml: (the file is empty|the file holds only comments|the plan defines no numbers)/;

it(`survives ${RUNS} hostile mutations of the reference plan, each refused at a position`, () => {
  let seed = 19;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const bad: string[] = [];
  let slowest = { ms: 0, run: -1, chars: 0 };
  planFromSources([{ file: 'f.yaml', text: reference }], sounds); // warm: the schema compiles once, on the first load
  for (let i = 0; i < RUNS; i++) {
    let t = reference;
    for (let j = 1 + rnd(4); j > 0; j--) {
      const p = rnd(t.length);
      switch (rnd(5)) {
        case 0: t = t.slice(0, p) + t.slice(p + 1 + rnd(20)); break;
        case 1: t = t.slice(0, p) + HOSTILE[rnd(HOSTILE.length)]! + t.slice(p); break;
        case 2: { const q = p + rnd(400); t = t.slice(0, q) + t.slice(p, q).repeat(1 + rnd(20)) + t.slice(q); break; } // a block repeated
        case 3: t = t.split('\n').filter((_, k, all) => k !== rnd(all.length)).join('\n'); break;
        default: t = t.slice(0, p) + String.fromCharCode(rnd(0x3000)) + t.slice(p);
      }
    }
    const started = Date.now();
    let r;
    try {
      r = planFromSources([{ file: 'f.yaml', text: t }], sounds);
    } catch (e) {
      bad.push(`run ${i}: threw ${(e as Error).message}`);
      continue;
    }
    const ms = Date.now() - started;
    if (ms > slowest.ms) slowest = { ms, run: i, chars: t.length };
    if (r.ok) continue;
    for (const e of r.errors) {
      const line = formatError(e);
      const positioned = e.line > 0 && e.col > 0 && /^f\.yaml:\d+:\d+: \S/.test(line);
      if (line.includes('\n') || (!positioned && !WHOLE.test(line)) || /undefined|NaN|\[object/.test(line)) bad.push(`run ${i}: ${line}`);
    }
    if (r.errors.length > 51) bad.push(`run ${i}: ${r.errors.length} errors`);
  }
  expect(bad.slice(0, 10)).toEqual([]);
  expect(slowest.ms < 1000 ? 'under 1 s' : slowest).toBe('under 1 s');
}, 900_000);

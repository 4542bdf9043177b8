// Mangled plans (characters deleted or inserted, lines removed) never crash the loader,
// and every error is one well-formed line.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { planFromSources, formatError } from '../../../src/plan';
import type { SoundIndex } from '../../../src/plan/sounds';

const root = path.join(__dirname, '../../..');
const texts = ['config/plan.yaml', 'examples/company.yaml'].map((f) => readFileSync(path.join(root, f), 'utf8'));
const sounds: SoundIndex = {
  dir: 'sounds',
  exists: true,
  names: new Set(readdirSync(path.join(root, 'sounds')).filter((f) => f.endsWith('.wav')).map((f) => f.slice(0, -4))),
};
const JUNK = ['', ' ', ':', '-', '[', ']', '{', '}', '"', "'", '&a', '*a', '\t', '\n', '0', 'x', '#', '!!', '? ', '|', '>', '~', 'null', '25:00', '+1'];

it('survives 600 random mutations of the shipped plans', () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const bad: string[] = [];
  for (let i = 0; i < 600; i++) {
    let t = texts[rnd(texts.length)]!;
    for (let j = 1 + rnd(4); j > 0; j--) {
      const p = rnd(t.length);
      const op = rnd(3);
      if (op === 0) t = t.slice(0, p) + t.slice(p + 1 + rnd(10));
      else if (op === 1) t = t.slice(0, p) + JUNK[rnd(JUNK.length)]! + t.slice(p);
      else t = t.split('\n').filter((_, k, all) => k !== rnd(all.length)).join('\n');
    }
    const r = planFromSources([{ file: 'f.yaml', text: t }], sounds);
    if (r.ok) continue;
    for (const e of r.errors) {
      const line = formatError(e);
      if (line.includes('\n') || !/^f\.yaml(:\d+:\d+)?: \S/.test(line) || /undefined|NaN|\[object/.test(line)) bad.push(line);
    }
    expect(r.errors.length).toBeLessThan(60);
  }
  expect(bad).toEqual([]);
});

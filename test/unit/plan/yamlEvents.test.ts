// The fast reading (js-yaml's events, src/plan/yamlEvents.ts) must give exactly what the
// reference reading (the `yaml` package, parseYamlDocument) gives, wherever it answers:
// the same data, the same position for every value and key, no error. Where it does not
// answer, the reference reads the file (and words its errors).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseYaml, parseYamlDocument } from '../../../src/plan/yamlTree';
import { coreScalar, parseYamlEvents } from '../../../src/plan/yamlEvents';
import { ALIAS_BOMB, BASE } from './helpers';

const root = path.join(__dirname, '../../..');
const shipped = ['config/plan.yaml', 'examples/company.yaml'].map((f) => readFileSync(path.join(root, f), 'utf8'));

/** Why the fast reading differs from the reference on `text`, or undefined when it agrees (or does not answer). */
function disagreement(text: string): string | undefined {
  const fast = parseYamlEvents('f.yaml', text);
  if (!fast) return undefined;
  const ref = parseYamlDocument('f.yaml', text);
  if (ref.broken || ref.errors.length > 0) return `read fast, but the reference says ${ref.errors[0]?.message}`;
  if (!isDeepStrictEqual(fast.data, ref.data)) return `data ${JSON.stringify(fast.data)} against ${JSON.stringify(ref.data)}`;
  for (const [ptr, pos] of ref.positions as Map<string, unknown>) {
    if (!isDeepStrictEqual(fast.positions.get(ptr), pos)) return `${ptr || '(root)'} at ${JSON.stringify(fast.positions.get(ptr))} against ${JSON.stringify(pos)}`;
    for (const absent of [`${ptr}/absent`, `${ptr}/9`]) {
      if (fast.positions.get(absent) !== ref.positions.get(absent)) return `${absent} placed, the reference has no such value`;
    }
  }
  return undefined;
}

const readsFast = (text: string): boolean => parseYamlEvents('f.yaml', text) !== undefined;

describe('the fast reading of a plan', () => {
  test('reads the shipped plans, exactly as the reference does', () => {
    for (const text of [...shipped, BASE]) {
      expect(readsFast(text)).toBe(true);
      expect(disagreement(text)).toBeUndefined();
    }
  });

  test('resolves plain scalars by the YAML 1.2 core schema, as the reference does', () => {
    const scalars = ['~', 'null', 'Null', 'NULL', 'nul', 'true', 'True', 'TRUE', 'tRue', 'false', 'yes', 'no', 'on', 'off', 'y', '0', '-0', '+12', '012', '0142000001',
      '08', '09:30', '08:30-12:30', '1_000', '0o17', '0o8', '0x1F', '0X1F', '0b101', '1e3', '1E-3', '.5', '-.5', '+.5', '5.', '1.2.3', '.inf', '-.Inf', '+.INF', '.nan', '.NaN',
      'NaN', 'inf', '45s', '2m', '1h30', '+33 1 42 00 00 01', '2026-12-24', '12:00:00', '+', '.', 'x', 'f', 'T'];
    for (const s of scalars) {
      const text = `v: ${s}\n`;
      expect([s, parseYamlEvents('f.yaml', text)?.data]).toEqual([s, parseYamlDocument('f.yaml', text).data]);
      expect([s, coreScalar(s)]).toEqual([s, (parseYamlDocument('f.yaml', text).data as { v: unknown }).v]);
    }
  });

  test('agrees on the forms a plan may take: flows, quotes, block texts, empty values, anchors and aliases, CRLF', () => {
    const cases = [
      'a:\nb: |\n  x\nc:  # c\n  - 1\n  - 2\nd: "x"\ne: &Q {f: , g: *Q}\n',
      'a: &x 1\nb: &x 2\nc: *x\nd: &y [*x]\ne: &x 3\nf: *y\n',
      'a: &A\n  b: 1\n  c: [1, 2]\nd: *A\ne: { <<: *A, z: 2 }\n',
      'say: >\n  Bonjour,\n  vous êtes bien\n\n  au cabinet.\nother: |-\n  keep\n  lines\nlast: |+\n  x\n\nend: 1\n',
      'a:\n  - |\n    t\n  - >-\n\n    u\nb: |\nc: 1\n',
      'list:\n- a\n- b: 1\n  c: 2\n- [x, y]\n- {p: q}\n',
      '"quoted key": 1\n\'single\': 2\n"esc\\"aped": "\\u00e9\\t"\n\'it\'\'s\': \'x\'\'y\'\n',
      'a/b: 1\nc~d: 2\n"e/~f": {g: 3}\n',
      'menu:\n  1: { announcement: x }\n  2: { group: y }\n  "3": z\n',
      'a: "multi\n  line"\nb: plain\n  continued\nc: \'single\n\n  kept\'\n',
      'a: 1 # comment\n# comment\nb: [1, # c\n  2]\n',
      '---\na: 1\n...\n',
      'a: b\r\nc:\r\n  - d\r\ne: |\r\n  f\r\n',
      'a: {x: 1, y: [1, {z: }], w: }\n',
      'key with spaces: value with: colon\nurl: http://x/y#z\n',
      '? a\n: b\n',
      '[a: b, c]\n',
      'a:\tb\n',
      'a: 日本語\nb: "\\U0001F600"\n',
    ];
    for (const text of cases) expect([text, disagreement(text)]).toEqual([text, undefined]);
    expect(cases.filter(readsFast).length).toBeGreaterThan(cases.length / 2);
  });

  test('leaves to the reference what it does not read exactly: tags, directives, documents, duplicates, loops, bombs, a lone CR, broken YAML', () => {
    const cases = [
      'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n---\nb: 2\n', 'a: 1\na: 2\n', 'a: &x {then: *x}\n', 'a: *nope\n', ALIAS_BOMB,
      'timezone: Europe/Paris\rcountry: FR\n', 'a: b\n\tc: d\n', 'a: [1, 2\n', '- \n- x\n', '[a, , b]\n', ': v\n', '[a]: b\n', `${'['.repeat(80)}${']'.repeat(80)}\n`,
    ];
    for (const text of cases) {
      expect([text, readsFast(text)]).toEqual([text, false]);
      expect(parseYaml('f.yaml', text)).toEqual(parseYamlDocument('f.yaml', text));
    }
  });

  test('agrees with the reference on 3,000 mutations of the shipped plans', () => {
    const JUNK = ['', ' ', ':', '-', '[', ']', '{', '}', '"', "'", '&a ', '*a', '&b [1, 2]', '*b', '<<: *a', '\t', '\n', '0', 'x', '#', '!!', '? ', '|\n', '>-\n', '|+\n',
      '~', 'null', '25:00', '+1', '.inf', '0x1F', '1e3', 'True', '\r', '\r\n', ', ', '\n---\n', '- ', ': ', ' # c\n', '"a\\tb"', "'it''s'"];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const bad: string[] = [];
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      let t = shipped[rnd(shipped.length)]!;
      if (rnd(5) === 0) t = t.replace(/\n/g, '\r\n');
      for (let j = 1 + rnd(8); j > 0; j--) {
        const p = rnd(t.length);
        switch (rnd(4)) {
          case 0: t = t.slice(0, p) + t.slice(p + 1 + rnd(10)); break;
          case 1: t = t.slice(0, p) + JUNK[rnd(JUNK.length)]! + t.slice(p); break;
          case 2: t = t.slice(0, p) + String.fromCharCode(rnd(4) === 0 ? [0x85, 0x2028, 0x2029, 0xa0, 0xfeff, 0, 0x1b, 0x7f, 0xd800][rnd(9)]! : rnd(0x3000)) + t.slice(p); break;
          default: t = t.split('\n').filter((_, k, all) => k !== rnd(all.length)).join('\n');
        }
      }
      if (readsFast(t)) fast++;
      const why = disagreement(t);
      if (why) bad.push(`mutation ${i}: ${why}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(fast).toBeGreaterThan(1000); // most mutations stay plain YAML: the comparison did happen
  }, 120_000);
});

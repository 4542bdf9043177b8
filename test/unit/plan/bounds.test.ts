// Hostile YAML is refused quickly, at a position, with a message that names the problem:
// alias bombs, too many values, deep nesting (before and after aliases), other encodings.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatError, loadPlan } from '../../../src/plan';
import { findDeepNesting, sniffEncoding } from '../../../src/plan/limits';
import { ALIAS_BOMB, BASE, errorsOf } from './helpers';

const DEEP = 'expected a plan of a few levels (sections, names, settings)';

describe('bounded YAML', () => {
  it('refuses an alias bomb at the alias that expands past the bound', () => {
    expect(errorsOf(ALIAS_BOMB)).toEqual([
      'p.yaml:5:10: YAML: aliases are used more than 1000 times (counting the aliases inside aliases); expected a few uses of "*name"',
    ]);
  });

  it('refuses the bomb written inside an otherwise valid plan', () => {
    const text = `${BASE}announcements:\n${ALIAS_BOMB.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n')}`;
    const lines = BASE.split('\n').length;
    expect(errorsOf(text)).toEqual([
      `p.yaml:${lines + 5}:12: YAML: aliases are used more than 1000 times (counting the aliases inside aliases); expected a few uses of "*name"`,
    ]);
  });

  it('keeps a few ordinary aliases', () => {
    const text = BASE.replace('    max_wait: 30s', '    max_wait: &w 30s\n    ring_time: *w');
    expect(errorsOf(text)).toEqual([]);
  });

  it('refuses more than 500000 values, here made by aliases used fewer than 1000 times', () => {
    const text = `a: &a [${Array(501).fill('x').join(', ')}]\nb: [${Array(999).fill('*a').join(', ')}]\n`;
    expect(errorsOf(text)).toEqual([
      'p.yaml:2:3977: YAML: more than 500000 values (after expanding aliases); expected a plan of at most about 20,000 numbers',
    ]);
  });

  it('refuses flow nesting deeper than 64 before parsing, at the bracket', () => {
    expect(errorsOf(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)).toEqual([`p.yaml:1:67: YAML: nested more than 64 levels deep; ${DEEP}`]);
  });

  it('refuses block nesting deeper than 64, at the line', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(errorsOf(text)).toEqual([`p.yaml:65:65: YAML: nested more than 64 levels deep; ${DEEP}`]);
  });

  it('refuses nesting that only aliases make deep, at the alias', () => {
    const text = `deep: &d ${'['.repeat(40)}${']'.repeat(40)}\nx: ${'['.repeat(30)}*d${']'.repeat(30)}\n`;
    expect(errorsOf(text)).toEqual([`p.yaml:2:34: YAML: nested more than 64 levels deep (after expanding aliases); ${DEEP}`]);
  });

  it('does not count brackets inside quotes or comments', () => {
    expect(findDeepNesting(`a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}' # ${'['.repeat(100)}\n`)).toBeUndefined();
    expect(findDeepNesting(BASE)).toBeUndefined();
  });

  it('reports at most 50 errors and says how many more', () => {
    const text = `timezone: Europe/Paris\nlines:\n${Array.from({ length: 80 }, (_, i) => `  l${i}: { endpoint: "bad ${i}" }`).join('\n')}\n`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(51);
    expect(errors[50]).toBe('p.yaml:53:20: 30 more errors from here on; fix the ones above first');
  });
});

describe('file encodings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-enc-'));
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

  const refusal = async (bytes: Buffer): Promise<string[]> => {
    const file = path.join(dir, 'plan.yaml');
    await fs.writeFile(file, bytes);
    const r = await loadPlan(file, { soundsDir: dir });
    return r.ok ? [] : r.errors.map((e) => formatError(e).slice(file.length));
  };
  const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();
  const utf32le = (s: string): Buffer => Buffer.concat([...s].map((c) => { const b = Buffer.alloc(4); b.writeUInt32LE(c.codePointAt(0)!); return b; }));

  it.each([
    ['UTF-16 (little-endian)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BASE, 'utf16le')])],
    ['UTF-16 (little-endian)', Buffer.from(BASE, 'utf16le')],
    ['UTF-16 (big-endian)', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(BASE)])],
    ['UTF-16 (big-endian)', utf16be(BASE)],
    ['UTF-32 (little-endian)', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le(BASE)])],
    ['UTF-32 (little-endian)', utf32le(BASE)],
    ['UTF-32 (big-endian)', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32le(BASE).swap32()])],
  ])('names %s', async (name, bytes) => {
    expect(await refusal(bytes)).toEqual([`: the file is encoded as ${name}; expected a YAML plan saved as UTF-8 (save it again as UTF-8)`]);
  });

  it('sniffs nothing in UTF-8 text', () => {
    expect(sniffEncoding(Buffer.from(BASE))).toBeUndefined();
    expect(sniffEncoding(Buffer.from('\uFEFFtimezone: Europe/Paris'))).toBeUndefined();
  });
});

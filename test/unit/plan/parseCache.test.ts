// The reader's cache of parsed files: what it reuses gives the same plan and the same
// errors as a fresh read, a changed text is read again, and nothing downstream can
// change what it keeps (the data is frozen: a builder that wrote into it would throw).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatError, planFromSources } from '../../../src/plan';
import { ParseCache, indexSounds } from '../../../src/plan/load';
import { BASE, sounds } from './helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');

describe('ParseCache', () => {
  it.each(['config/plan.yaml', 'examples/company.yaml'])('%s builds the same plan through the cache, twice, as without it', async (rel) => {
    const text = await fs.readFile(path.join(REPO, rel), 'utf8');
    const sources = [{ file: rel, text }];
    const plainSounds = await indexSounds(path.join(REPO, 'sounds'));
    const fresh = planFromSources(sources, plainSounds);
    const cache = new ParseCache();
    const first = planFromSources(sources, plainSounds, cache);
    const again = planFromSources(sources, plainSounds, cache);
    expect(fresh.ok ? [] : fresh.errors.map(formatError)).toEqual([]);
    expect(first).toEqual(fresh);
    expect(again).toEqual(fresh);
  });

  it('reuses an unchanged file and reads a changed one again', () => {
    const cache = new ParseCache();
    const a = cache.read('a.yaml', BASE);
    expect(cache.read('a.yaml', BASE)).toBe(a);
    const edited = BASE.replace('max_wait: 30s', 'max_wait: 40s');
    const b = cache.read('a.yaml', edited);
    expect(b).not.toBe(a);
    expect(b.text).toBe(edited);
    expect(cache.read('other.yaml', BASE)).not.toBe(b);
  });

  it('forgets the files no longer in the plan', () => {
    const cache = new ParseCache();
    const a = cache.read('a.yaml', BASE);
    cache.keepOnly(['b.yaml']);
    expect(cache.read('a.yaml', BASE)).not.toBe(a);
  });

  it('keeps the data frozen, to the leaves', () => {
    const entry = new ParseCache().read('a.yaml', BASE);
    const data = entry.parsed.data as { numbers: Record<string, Record<string, unknown>> };
    expect(Object.isFrozen(data)).toBe(true);
    const number = Object.values(data.numbers)[0]!;
    expect(Object.isFrozen(number)).toBe(true);
    expect(() => { number.greeting = 'x'; }).toThrow(TypeError);
  });

  it('a broken file read from the cache reports the same errors on every load', () => {
    const broken = [{ file: 'p.yaml', text: BASE.replace('    max_wait: 30s', '    max_wait: [30s') }];
    const unknownSection = [{ file: 'p.yaml', text: `${BASE}colours: { blue: 1 }\n` }];
    const cache = new ParseCache();
    for (const sources of [broken, unknownSection]) {
      const fresh = planFromSources(sources, sounds);
      const lines = (r: ReturnType<typeof planFromSources>): string[] => (r.ok ? [] : r.errors.map(formatError));
      expect(lines(fresh).length).toBeGreaterThan(0);
      expect(lines(planFromSources(sources, sounds, cache))).toEqual(lines(fresh));
      expect(lines(planFromSources(sources, sounds, cache))).toEqual(lines(fresh));
    }
  });
});

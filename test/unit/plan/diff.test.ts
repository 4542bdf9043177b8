import { diffPlans, summariseDiff } from '../../../src/plan';
import { SUMMARY_NAMES } from '../../../src/plan/diff';
import { BASE, planOf } from './helpers';

const SECOND = BASE.replace('calendars:', '  "+33 1 42 00 00 02":\n    name: Autre\n    greeting: bienvenue\n    open: { voicemail: vm }\ncalendars:');

describe('diffPlans', () => {
  it('lists every number as added at the first load', () => {
    const b = planOf(BASE);
    expect(diffPlans(undefined, b)).toEqual({ to: b.version, numbers: { added: ['+33142000001'], removed: [], changed: [] }, changed: [] });
  });
  it('finds added and removed numbers', () => {
    const a = planOf(BASE);
    const b = planOf(SECOND);
    expect(diffPlans(a, b).numbers).toEqual({ added: ['+33142000002'], removed: [], changed: [] });
    expect(diffPlans(b, a).numbers).toEqual({ added: [], removed: ['+33142000002'], changed: [] });
  });
  it('counts a number as changed when something its calls go through changed', () => {
    const a = planOf(SECOND);
    const b = planOf(SECOND.replace('max_wait: 30s', 'max_wait: 45s'));
    const d = diffPlans(a, b);
    expect(d.numbers).toEqual({ added: [], removed: [], changed: ['+33142000001'] });
    expect(d.changed).toEqual(['groups.g']);
    expect(summariseDiff(d)).toBe('numbers: changed +33142000001 (definitions changed: groups.g)');
  });
  it('ignores key order', () => {
    const a = planOf(BASE);
    const b = planOf(BASE.replace('    lines: [secretariat]\n    max_wait: 30s\n', '    max_wait: 30s\n    lines: [secretariat]\n'));
    expect(diffPlans(a, b)).toMatchObject({ numbers: { added: [], removed: [], changed: [] }, changed: [] });
  });
  it('names at most SUMMARY_NAMES numbers or definitions per list in its one line, then how many in all', () => {
    const names = [...Array(30).keys()].map((i) => `+3314300${String(i).padStart(4, '0')}`);
    const line = summariseDiff({ to: 'x', numbers: { added: names, removed: [], changed: [] }, changed: names.map((n) => `groups.${n}`) });
    expect(line).toBe(`numbers: added ${names.slice(0, SUMMARY_NAMES).join(' ')} … (30 in all) (definitions changed: ${names.slice(0, SUMMARY_NAMES).map((n) => `groups.${n}`).join(', ')}, … (30 in all))`);
  });
});

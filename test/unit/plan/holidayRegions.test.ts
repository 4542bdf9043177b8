// The plan checker and the calendar share one holiday-region parser: every region
// docs/calendar.md lists is accepted by the checker (FR-974 used to be refused).
import { readFileSync } from 'fs';
import { join } from 'path';
import { BASE, errorsOf, planOf } from './helpers';
import { holidaysOf } from '../../../src/calendar/holidays';

function regionsListedInDocs(): string[] {
  const doc = readFileSync(join(__dirname, '../../../docs/calendar.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Public holidays'), doc.indexOf('date-holidays library knows'));
  const codes = [...section.matchAll(/`([A-Z]{2}(?:-[A-Z0-9]+)?)`/g)].map((m) => m[1]!);
  return [...new Set(codes)];
}

const withRegion = (region: string) => BASE.replace('    holidays: FR', `    holidays: ${region}`);

describe('holiday regions listed in docs/calendar.md', () => {
  const regions = regionsListedInDocs();

  it('finds the table of regions in the docs', () => {
    expect(regions).toEqual(expect.arrayContaining(['FR', 'FR-57', 'FR-974', 'FR-RE', 'FR-976', 'BE', 'CH-GE', 'DE-BY']));
  });

  it.each(regionsListedInDocs())('accepts %s', (region) => {
    expect(errorsOf(withRegion(region))).toEqual([]);
  });

  it('keeps FR-974 as written and the calendar finds La Réunion’s own holiday', () => {
    const plan = planOf(withRegion('FR-974'));
    const cal = Object.values(plan.calendars)[0]!;
    expect(cal.holidays).toEqual({ region: 'FR-974' });
    const names = holidaysOf('FR-974', 2027).map((h) => h.name);
    expect(names.some((n) => /esclavage/i.test(n))).toBe(true);
  });
});

describe('holiday regions refused', () => {
  it('refuses an unknown country with a suggestion', () => {
    expect(errorsOf(withRegion('FX')).join('\n')).toMatch(/found "FX", expected a country code/);
  });
  it('refuses an unknown region of a known country', () => {
    expect(errorsOf(withRegion('FR-999')).join('\n')).toMatch(/"999" is not a region of FR/);
  });
  it('refuses a code with too many parts', () => {
    expect(errorsOf(withRegion('FR-57-1-2')).join('\n')).toMatch(/found "FR-57-1-2"/);
  });
});

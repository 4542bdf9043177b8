// Public holidays computed by region (date-holidays, French names, public only).
import { evaluate, holidayRegionError, holidaysOf, stateAt } from '../../../src/calendar';
import { at, calendar, EVERY_DAY_8_18, OFFICE } from './helpers';

const fr = calendar({ weekly: EVERY_DAY_8_18, holidays: { region: 'FR' } });

// Known dates (Easter Sunday + 1, + 39, + 50).
const MOVABLE: Array<[number, string, string, string]> = [
  [2026, '2026-04-06', '2026-05-14', '2026-05-25'],
  [2027, '2027-03-29', '2027-05-06', '2027-05-17'],
  [2028, '2028-04-17', '2028-05-25', '2028-06-05'],
  [2029, '2029-04-02', '2029-05-10', '2029-05-21'],
  [2030, '2030-04-22', '2030-05-30', '2030-06-10'],
];

describe.each(MOVABLE)('movable feasts %i', (_year, easterMonday, ascension, whitMonday) => {
  it.each([
    [easterMonday, 'Lundi de Pâques'],
    [ascension, 'Ascension'],
    [whitMonday, 'Lundi de Pentecôte'],
  ])('%s is closed: %s', (date, name) => {
    const e = evaluate(fr, at(`${date}T10:00`));
    expect(e.open).toBe(false);
    expect(e.reason).toEqual({ rule: 'holiday', date, name });
    expect(e.text).toBe(`closed: holiday "${name}"`);
    expect(e.nextChange).toMatch(/T08:00:00\+02:00$/); // the next morning, summer time
    expect(stateAt(fr, at(`${date}T10:00`) + 86_400_000).open).toBe(true); // the day after is ordinary
  });
});

describe('national holidays', () => {
  it('lists only public holidays (no observances such as Pentecôte Sunday or Fête des Mères)', () => {
    const names = holidaysOf('FR', 2026).map((h) => h.name);
    expect(names).toHaveLength(11);
    expect(names).toContain('Noël');
    expect(names).not.toContain('Pentecôte');
    expect(names).not.toContain('Fête des Mères');
    expect(stateAt(fr, at('2026-05-24T10:00')).open).toBe(true); // Pentecôte (Sunday): observance only
  });

  it.each(['2022-05-01', '2033-05-01'])('1 May on a Sunday (%s) is a holiday, and the Monday after is not', (date) => {
    const cal = calendar({ holidays: { region: 'FR' }, weekly: EVERY_DAY_8_18 });
    expect(evaluate(cal, at(`${date}T10:00`)).text).toBe('closed: holiday "Fête du travail"');
    const monday = `${date.slice(0, 8)}02`;
    expect(stateAt(cal, at(`${monday}T10:00`)).open).toBe(true);
  });

  it('Christmas 2026 with office hours: closed, reopens Saturday 26 at 09:00', () => {
    const e = evaluate(calendar({ holidays: { region: 'FR' } }), at('2026-12-25T10:00'));
    expect(e).toMatchObject({ open: false, text: 'closed: holiday "Noël"', nextChange: '2026-12-26T09:00:00+01:00' });
  });
});

describe('Alsace-Moselle (FR-57, FR-67, FR-68)', () => {
  it.each(['FR-57', 'FR-67', 'FR-68'])('%s closes on Good Friday 2026 (3 April) and 26 December; FR does not', (region) => {
    const local = calendar({ weekly: EVERY_DAY_8_18, holidays: { region } });
    expect(evaluate(local, at('2026-04-03T10:00')).text).toBe('closed: holiday "Vendredi saint"');
    expect(evaluate(local, at('2026-12-26T10:00')).text).toBe('closed: holiday "Lendemain de Noël"');
    expect(stateAt(fr, at('2026-04-03T10:00')).open).toBe(true);
    expect(stateAt(fr, at('2026-12-26T10:00')).open).toBe(true);
  });

  it('Good Friday 2027 (26 March) and 26 December 2028 (a Tuesday) in FR-57', () => {
    const moselle = calendar({ weekly: OFFICE, holidays: { region: 'FR-57' } });
    expect(stateAt(moselle, at('2027-03-26T10:00')).open).toBe(false);
    expect(stateAt(moselle, at('2028-12-26T10:00')).open).toBe(false);
    expect(stateAt(calendar({ holidays: { region: 'FR' } }), at('2028-12-26T10:00')).open).toBe(true);
  });
});

describe('overseas departments: abolition of slavery', () => {
  it.each([
    ['FR-971', 'America/Guadeloupe', '2026-05-27'],
    ['FR-972', 'America/Martinique', '2026-05-22'],
    ['FR-973', 'America/Cayenne', '2026-06-10'],
    ['FR-974', 'Indian/Reunion', '2026-12-20'],
    ['FR-976', 'Indian/Mayotte', '2026-04-27'],
  ])('%s (%s) closes on %s', (region, timezone, date) => {
    const local = calendar({ timezone, weekly: EVERY_DAY_8_18, holidays: { region } });
    const e = evaluate(local, at(`${date}T10:00`, timezone));
    expect(e.text).toBe('closed: holiday "Abolition de l’esclavage"');
    expect(stateAt(calendar({ timezone, weekly: EVERY_DAY_8_18, holidays: { region: 'FR' } }), at(`${date}T10:00`, timezone)).open).toBe(true);
  });
});

describe('region syntax', () => {
  it.each(['FR', 'fr', 'FR-57', 'FR-67', 'FR-68', 'FR-971', 'FR-974', 'FR-GP', 'DE-BY', 'BE'])('%s is known', (r) => {
    expect(holidayRegionError(r)).toBeNull();
  });
  it.each(['FR-99', 'XX', 'FR-57-1', ''])('%s is refused', (r) => {
    expect(holidayRegionError(r)).toMatch(/unknown public-holiday region/);
  });
});

describe('a holiday kept open by an exception', () => {
  it('with the usual weekly hours', () => {
    const cal = calendar({
      weekly: OFFICE,
      holidays: { region: 'FR' },
      exceptions: [{ from: '2026-05-14', to: '2026-05-14', hours: 'weekly', label: 'Ascension travaillée' }],
    });
    const e = evaluate(cal, at('2026-05-14T10:00'));
    expect(e.open).toBe(true);
    expect(e.reason).toMatchObject({ rule: 'exception', label: 'Ascension travaillée' });
    expect(e.text).toBe('open: exception "Ascension travaillée" (2026-05-14) (08:30-12:30)');
  });

  it('with hours of its own', () => {
    const cal = calendar({
      holidays: { region: 'FR' },
      exceptions: [{ from: '2026-11-11', to: '2026-11-11', hours: [{ start: 9 * 60, end: 12 * 60 }] }],
    });
    expect(stateAt(cal, at('2026-11-11T11:00')).open).toBe(true);
    const afternoon = evaluate(cal, at('2026-11-11T15:00'));
    expect(afternoon.text).toBe('closed: exception 2026-11-11, outside its hours');
    expect(afternoon.nextChange).toBe('2026-11-12T08:30:00+01:00');
  });
});

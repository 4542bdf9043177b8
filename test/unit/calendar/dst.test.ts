// Daylight saving in Europe/Paris: the local wall clock decides.
// Spring (last Sunday of March): 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
// Autumn (last Sunday of October): 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
import { evaluate, stateAt } from '../../../src/calendar';
import { calendar, iv } from './helpers';

const SPRING = { 2026: '2026-03-29', 2027: '2027-03-28' } as const;
const AUTUMN = { 2026: '2026-10-25', 2027: '2027-10-31' } as const;

describe.each([2026, 2027] as const)('spring-forward Sunday %i', (year) => {
  const day = SPRING[year];
  const spanning = calendar({ weekly: { 7: [iv('01:30-03:30')] } });

  it('an interval 01:30-03:30 spanning the missing hour is open from 01:30 CET to 03:30 CEST (one real hour)', () => {
    expect(stateAt(spanning, Date.parse(`${day}T01:29:00+01:00`)).open).toBe(false);
    expect(stateAt(spanning, Date.parse(`${day}T01:30:00+01:00`)).open).toBe(true);
    expect(stateAt(spanning, Date.parse(`${day}T01:59:59+01:00`)).open).toBe(true);
    expect(stateAt(spanning, Date.parse(`${day}T03:00:00+02:00`)).open).toBe(true);
    expect(stateAt(spanning, Date.parse(`${day}T03:29:00+02:00`)).open).toBe(true);
    expect(stateAt(spanning, Date.parse(`${day}T03:30:00+02:00`)).open).toBe(false);
  });

  it('gives next changes with the right offsets on each side of the jump', () => {
    expect(evaluate(spanning, Date.parse(`${day}T01:00:00+01:00`)).nextChange).toBe(`${day}T01:30:00+01:00`);
    const open = evaluate(spanning, Date.parse(`${day}T01:45:00+01:00`));
    expect(open.open).toBe(true);
    expect(open.nextChange).toBe(`${day}T03:30:00+02:00`);
    expect(open.nextChangeMs! - Date.parse(`${day}T01:45:00+01:00`)).toBe(45 * 60_000);
  });

  it('an interval starting inside the missing hour opens at the jump (03:00 CEST)', () => {
    const cal = calendar({ weekly: { 7: [iv('02:30-04:00')] } });
    expect(evaluate(cal, Date.parse(`${day}T01:00:00+01:00`)).nextChange).toBe(`${day}T03:00:00+02:00`);
    expect(stateAt(cal, Date.parse(`${day}T03:00:00+02:00`)).open).toBe(true);
  });

  it('an interval entirely inside the missing hour never opens that day', () => {
    const cal = calendar({ weekly: { 7: [iv('02:10-02:50')] } });
    const e = evaluate(cal, Date.parse(`${day}T00:00:00+01:00`));
    expect(e.open).toBe(false);
    // next Sunday, an ordinary day
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(e.nextChange).toBe(`${next}T02:10:00+02:00`);
  });

  it('the Monday after is evaluated in summer time, not UTC', () => {
    const cal = calendar();
    const monday = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(stateAt(cal, Date.parse(`${monday}T08:29:00+02:00`)).open).toBe(false);
    expect(stateAt(cal, Date.parse(`${monday}T08:30:00+02:00`)).open).toBe(true);
    expect(evaluate(cal, Date.parse(`${monday}T07:00:00+02:00`)).nextChange).toBe(`${monday}T08:30:00+02:00`);
  });
});

describe.each([2026, 2027] as const)('fall-back Sunday %i (the repeated hour)', (year) => {
  const day = AUTUMN[year];
  const saturday = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

  it('an interval 01:30-03:30 covering the repeated hour is open through both 02:xx (three real hours)', () => {
    const cal = calendar({ weekly: { 7: [iv('01:30-03:30')] } });
    expect(stateAt(cal, Date.parse(`${day}T01:29:00+02:00`)).open).toBe(false);
    expect(stateAt(cal, Date.parse(`${day}T02:30:00+02:00`)).open).toBe(true); // first 02:30
    expect(stateAt(cal, Date.parse(`${day}T02:30:00+01:00`)).open).toBe(true); // second 02:30
    const e = evaluate(cal, Date.parse(`${day}T01:30:00+02:00`));
    expect(e.nextChange).toBe(`${day}T03:30:00+01:00`);
    expect(e.nextChangeMs! - Date.parse(`${day}T01:30:00+02:00`)).toBe(3 * 3_600_000);
    expect(Date.parse(`${day}T01:30:00+02:00`)).toBe(Date.parse(`${saturday}T23:30:00Z`));
  });

  it('an interval ending inside the repeated hour opens again when the clock shows it again', () => {
    const cal = calendar({ weekly: { 7: [iv('01:30-02:30')] } });
    expect(evaluate(cal, Date.parse(`${day}T01:45:00+02:00`)).nextChange).toBe(`${day}T02:30:00+02:00`);
    const gap = evaluate(cal, Date.parse(`${day}T02:45:00+02:00`));
    expect(gap.open).toBe(false);
    expect(gap.nextChange).toBe(`${day}T02:00:00+01:00`); // the clock falls back into the interval
    const again = evaluate(cal, Date.parse(`${day}T02:10:00+01:00`));
    expect(again.open).toBe(true);
    expect(again.nextChange).toBe(`${day}T02:30:00+01:00`);
  });

  it('an interval starting inside the repeated hour opens at its first occurrence; the clock shows 02:00-02:15 twice, closed both times', () => {
    const cal = calendar({ weekly: { 7: [iv('02:15-05:00')] } });
    expect(evaluate(cal, Date.parse(`${day}T01:00:00+02:00`)).nextChange).toBe(`${day}T02:15:00+02:00`);
    // Documented wall-clock rule: when the clock falls back to 02:00 it reads before 02:15 again.
    expect(evaluate(cal, Date.parse(`${day}T02:20:00+02:00`)).nextChange).toBe(`${day}T02:00:00+01:00`);
    expect(stateAt(cal, Date.parse(`${day}T02:05:00+01:00`)).open).toBe(false);
    expect(evaluate(cal, Date.parse(`${day}T02:05:00+01:00`)).nextChange).toBe(`${day}T02:15:00+01:00`);
    expect(evaluate(cal, Date.parse(`${day}T02:15:00+01:00`)).nextChange).toBe(`${day}T05:00:00+01:00`);
  });

  it('a night interval crossing the repeated hour (Saturday 20:00-08:00) stays open all night', () => {
    const cal = calendar({ weekly: { 6: [iv('20:00-08:00')] } });
    const e = evaluate(cal, Date.parse(`${saturday}T21:00:00+02:00`));
    expect(e.open).toBe(true);
    expect(e.nextChange).toBe(`${day}T08:00:00+01:00`);
    expect(e.reason).toMatchObject({ rule: 'weekly', weekday: 6 });
  });
});

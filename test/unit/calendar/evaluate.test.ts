// Weekly hours, midnight, exceptions, override, precedence, time zones, next change.
import { DateTime } from 'luxon';
import { evaluate, stateAt } from '../../../src/calendar';
import { at, calendar, iv, OFFICE } from './helpers';

describe('weekly hours', () => {
  const cal = calendar();

  it('open inside an interval, closed at lunch, with the interval in the reason', () => {
    const e = evaluate(cal, at('2026-11-30T10:00'));
    expect(e).toMatchObject({ open: true, text: 'open: weekly hours (Monday 08:30-12:30)', nextChange: '2026-11-30T12:30:00+01:00' });
    expect(e.reason).toEqual({ rule: 'weekly', date: '2026-11-30', weekday: 1, interval: iv('08:30-12:30') });
    const lunch = evaluate(cal, at('2026-11-30T12:30'));
    expect(lunch).toMatchObject({ open: false, text: 'closed: outside weekly hours (Monday)', nextChange: '2026-11-30T14:00:00+01:00' });
  });

  it('intervals are half-open: the last minute before the end is open, the end is closed', () => {
    expect(stateAt(cal, at('2026-11-30T12:29:59')).open).toBe(true);
    expect(stateAt(cal, at('2026-11-30T12:30:00')).open).toBe(false);
    expect(stateAt(cal, at('2026-11-30T08:29:59')).open).toBe(false);
  });

  it('Saturday noon to Monday morning: next change skips the closed Sunday', () => {
    expect(evaluate(cal, at('2026-11-28T12:00')).nextChange).toBe('2026-11-30T08:30:00+01:00');
  });

  it('accepts a luxon DateTime in any zone', () => {
    const dt = DateTime.fromISO('2026-11-30T09:00', { zone: 'UTC' }); // 10:00 in Paris
    expect(evaluate(cal, dt).text).toBe('open: weekly hours (Monday 08:30-12:30)');
  });
});

describe('an interval crossing midnight', () => {
  // Saturday 22:00 to Sunday 02:00, written end > 1440.
  const cal = calendar({ weekly: { 6: [iv('22:00-02:00')] } });

  it('a Saturday 22:00-02:00+1 interval covers Sunday 00:00-02:00', () => {
    expect(stateAt(cal, at('2026-11-28T21:59')).open).toBe(false);
    expect(stateAt(cal, at('2026-11-28T22:00')).open).toBe(true);
    expect(stateAt(cal, at('2026-11-28T23:59')).open).toBe(true);
    const sunday = evaluate(cal, at('2026-11-29T01:30'));
    expect(sunday.open).toBe(true);
    expect(sunday.reason).toEqual({ rule: 'weekly', date: '2026-11-28', weekday: 6, interval: { start: 1320, end: 1560 } });
    expect(sunday.text).toBe('open: weekly hours (Saturday 22:00-02:00+1)');
    expect(stateAt(cal, at('2026-11-29T02:00')).open).toBe(false);
    expect(stateAt(cal, at('2026-12-01T01:00')).open).toBe(false); // Monday night stays closed
  });

  it('next change crosses midnight', () => {
    expect(evaluate(cal, at('2026-11-28T23:00')).nextChange).toBe('2026-11-29T02:00:00+01:00');
    expect(evaluate(cal, at('2026-11-29T03:00')).nextChange).toBe('2026-12-05T22:00:00+01:00');
  });

  it('the night belongs to the day it starts on: it runs into a holiday', () => {
    const night = calendar({ weekly: { 4: [iv('20:00-02:00')] }, holidays: { region: 'FR' } });
    const e = evaluate(night, at('2026-12-25T01:00')); // Thursday 24 → Friday 25 (Noël)
    expect(e.open).toBe(true);
    expect(e.reason).toMatchObject({ rule: 'weekly', date: '2026-12-24' });
    expect(evaluate(night, at('2026-12-25T03:00')).text).toBe('closed: holiday "Noël"');
  });
});

describe('exceptions', () => {
  const yearEnd = calendar({
    holidays: { region: 'FR' },
    exceptions: [
      { from: '2026-12-28', to: '2027-01-03', hours: 'closed', label: "Fermeture de fin d'année", announcement: 'conges-noel' },
      { from: '2026-12-24', to: '2026-12-24', hours: [iv('08:30-12:00')] },
    ],
  });

  it('a range spanning the year end closes both years, with its label and announcement', () => {
    for (const d of ['2026-12-28', '2026-12-31', '2027-01-01', '2027-01-02']) {
      const e = evaluate(yearEnd, at(`${d}T10:00`));
      expect(e.open).toBe(false);
      expect(e.reason).toMatchObject({ rule: 'exception', from: '2026-12-28', to: '2027-01-03' });
      expect(e.announcement).toBe('conges-noel');
      expect(e.nextChange).toBe('2027-01-04T08:30:00+01:00');
    }
    expect(evaluate(yearEnd, at('2027-01-01T10:00')).text).toBe(
      `closed: exception "Fermeture de fin d'année" (2026-12-28 to 2027-01-03)`,
    );
    expect(stateAt(yearEnd, at('2027-01-04T10:00')).open).toBe(true);
  });

  it('a shortened Christmas Eve', () => {
    expect(evaluate(yearEnd, at('2026-12-24T11:00'))).toMatchObject({ open: true, nextChange: '2026-12-24T12:00:00+01:00' });
    const after = evaluate(yearEnd, at('2026-12-24T14:30'));
    expect(after.open).toBe(false);
    expect(after.announcement).toBeUndefined();
    expect(after.nextChange).toBe('2026-12-26T09:00:00+01:00'); // 25 is Noël, 26 a Saturday
  });

  it('the narrowest exception wins: one open day inside a closed period', () => {
    const cal = calendar({
      exceptions: [
        { from: '2027-08-09', to: '2027-08-09', hours: [iv('09:00-11:00')], label: 'Permanence' },
        { from: '2027-08-02', to: '2027-08-20', hours: 'closed', label: "Congés d'été" },
      ],
    });
    expect(evaluate(cal, at('2027-08-09T10:00')).text).toBe('open: exception "Permanence" (2027-08-09) (09:00-11:00)');
    expect(evaluate(cal, at('2027-08-10T10:00')).reason).toMatchObject({ label: "Congés d'été" });
  });
});

describe('next change across a long closure, and never', () => {
  it('summer holidays: closed 2 to 20 August 2027, reopening Saturday 21 at 09:00', () => {
    const cal = calendar({
      exceptions: [{ from: '2027-08-02', to: '2027-08-20', hours: 'closed', announcement: 'conges-ete' }],
    });
    const e = evaluate(cal, at('2027-08-02T08:00'));
    expect(e).toMatchObject({ open: false, announcement: 'conges-ete', nextChange: '2027-08-21T09:00:00+02:00' });
    expect(evaluate(cal, at('2027-07-30T18:00')).nextChange).toBe('2027-07-30T19:00:00+02:00');
    expect(evaluate(cal, at('2027-07-30T19:00')).nextChange).toBe('2027-07-31T09:00:00+02:00');
  });

  it('a calendar with no hours is closed forever: null', () => {
    const e = evaluate(calendar({ weekly: {} }), at('2026-11-27T10:00'));
    expect(e).toMatchObject({ open: false, nextChange: null, nextChangeMs: null });
  });

  it('closed for longer than the horizon: null; a shorter horizon can be asked', () => {
    const cal = calendar({ exceptions: [{ from: '2026-01-01', to: '2099-12-31', hours: 'closed' }] });
    expect(evaluate(cal, at('2026-11-27T10:00')).nextChange).toBeNull();
    const summer = calendar({ exceptions: [{ from: '2027-08-02', to: '2027-08-20', hours: 'closed' }] });
    expect(evaluate(summer, at('2027-08-02T10:00'), { horizonDays: 7 }).nextChange).toBeNull();
  });

  it('open around the clock every day: open, never changes', () => {
    const always = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: 0, end: 1440 }]]));
    const e = evaluate(calendar({ weekly: always }), at('2026-03-29T02:30:00+02:00'));
    expect(e).toMatchObject({ open: true, nextChange: null });
  });
});

describe('the override', () => {
  it('closed until a local date-time, then expires by itself', () => {
    const cal = calendar({ override: { state: 'closed', until: '2026-11-30T15:00', label: 'Panne', announcement: 'fermeture-exceptionnelle' } });
    const e = evaluate(cal, at('2026-11-30T10:00'));
    expect(e).toMatchObject({
      open: false,
      text: 'closed: override "Panne" until 2026-11-30 15:00',
      announcement: 'fermeture-exceptionnelle',
      nextChange: '2026-11-30T15:00:00+01:00',
    });
    const after = evaluate(cal, at('2026-11-30T15:00'));
    expect(after).toMatchObject({ open: true, text: 'open: weekly hours (Monday 14:00-19:00)' });
    expect(after.announcement).toBeUndefined();
    expect(evaluate(cal, at('2026-12-01T10:00')).reason.rule).toBe('weekly');
  });

  it('open until …, on a Sunday', () => {
    const cal = calendar({ override: { state: 'open', until: '2026-11-29T12:00' } });
    expect(evaluate(cal, at('2026-11-29T10:00'))).toMatchObject({
      open: true,
      text: 'open: override until 2026-11-29 12:00',
      nextChange: '2026-11-29T12:00:00+01:00',
    });
    expect(stateAt(cal, at('2026-11-29T12:00')).open).toBe(false);
  });

  it('with a start: not in force before it', () => {
    const cal = calendar({ override: { state: 'closed', from: '2026-11-30T09:00', until: '2026-11-30T11:00' } });
    expect(evaluate(cal, at('2026-11-30T08:45'))).toMatchObject({ open: true, nextChange: '2026-11-30T09:00:00+01:00' });
    expect(evaluate(cal, at('2026-11-30T09:30'))).toMatchObject({ open: false, nextChange: '2026-11-30T11:00:00+01:00' });
  });
});

describe('precedence: override > exception > holiday > weekly hours', () => {
  const base = { weekly: OFFICE, holidays: { region: 'FR' } };
  const christmasDay = at('2026-12-25T10:00'); // a Friday: weekly says open

  it('weekly alone: open', () => {
    expect(stateAt(calendar({ weekly: OFFICE }), christmasDay).reason.rule).toBe('weekly');
  });
  it('holiday beats weekly', () => {
    expect(stateAt(calendar(base), christmasDay)).toMatchObject({ open: false, reason: { rule: 'holiday' } });
  });
  it('exception beats holiday', () => {
    const cal = calendar({ ...base, exceptions: [{ from: '2026-12-25', to: '2026-12-25', hours: 'weekly' }] });
    expect(stateAt(cal, christmasDay)).toMatchObject({ open: true, reason: { rule: 'exception' } });
  });
  it('override beats exception', () => {
    const cal = calendar({
      ...base,
      exceptions: [{ from: '2026-12-25', to: '2026-12-25', hours: 'weekly' }],
      override: { state: 'closed', until: '2026-12-25T12:00' },
    });
    expect(stateAt(cal, christmasDay)).toMatchObject({ open: false, reason: { rule: 'override' } });
    expect(stateAt(cal, at('2026-12-25T14:30'))).toMatchObject({ open: true, reason: { rule: 'exception' } });
  });
});

describe('a calendar in America/Montreal on a plan in Paris', () => {
  const montreal = calendar({ timezone: 'America/Montreal', weekly: { 1: [iv('09:00-17:00')], 5: [iv('09:00-17:00')] } });

  it("uses Montreal's wall clock: 09:00 there is 15:00 in Paris in winter", () => {
    expect(stateAt(montreal, Date.parse('2026-11-27T14:59:00+01:00')).open).toBe(false);
    const e = evaluate(montreal, Date.parse('2026-11-27T15:00:00+01:00'));
    expect(e).toMatchObject({ open: true, nextChange: '2026-11-27T17:00:00-05:00' });
  });

  it('between the two DST dates (Montreal already in summer time, Paris not) 09:00 there is 14:00 in Paris', () => {
    expect(stateAt(montreal, Date.parse('2026-03-16T13:59:00+01:00')).open).toBe(false);
    expect(stateAt(montreal, Date.parse('2026-03-16T14:00:00+01:00')).open).toBe(true);
    expect(evaluate(montreal, Date.parse('2026-03-16T08:00:00+01:00')).nextChange).toBe('2026-03-16T09:00:00-04:00');
  });
});

// The calendar said in French for `say:` placeholders: each situation's exact text.
import { fillPlaceholders, hoursTodayPhrase, hoursWeekPhrase, closurePhrase, reopenPhrase } from '../../../src/calendar';
import { CLOSED_ALL_DAY, NO_REOPENING, NO_WEEKLY_HOURS } from '../../../src/calendar/phrases';
import { at, calendar, iv, OFFICE } from './helpers';

// OFFICE: mon-fri 08:30-12:30 + 14:00-19:00, sat 09:00-12:00; Europe/Paris.
const office = calendar({ holidays: { region: 'FR' } });

describe('{reopen}', () => {
  it.each([
    ['a weekday evening: tomorrow morning', office, '2026-12-01T19:30', 'demain à 8 heures 30'],
    ['the lunch break: later today', office, '2026-12-01T12:45', "aujourd'hui à 14 heures"],
    ['early morning: later today', office, '2026-12-01T06:10', "aujourd'hui à 8 heures 30"],
    ['Friday evening with Saturday hours: tomorrow', office, '2026-12-04T20:00', 'demain à 9 heures'],
    ['Saturday afternoon: after the weekend, with the date', office, '2026-12-05T15:00', 'lundi 7 décembre à 8 heures 30'],
    ['Sunday: tomorrow', office, '2026-12-06T11:00', 'demain à 8 heures 30'],
    ['Christmas (a Friday holiday): the Saturday', office, '2026-12-25T10:00', 'demain à 9 heures'],
    ['New Year\'s Eve evening, 1 January a holiday: across the year end', office, '2026-12-31T20:00', 'samedi 2 janvier à 9 heures'],
    ['after midnight the same reopening is two days off', office, '2027-01-01T00:30', 'demain à 9 heures'],
    ['a DST Sunday (spring): Monday, on the new offset', office, '2026-03-29T10:00', 'demain à 8 heures 30'],
    ['Saturday before the spring DST Sunday: Monday with the date', office, '2026-03-28T13:00', 'lundi 30 mars à 8 heures 30'],
    ['a DST Sunday (autumn), in the repeated hour', office, '2026-10-25T02:30', 'demain à 8 heures 30'],
  ])('%s', (_, cal, when, text) => {
    expect(reopenPhrase(cal, at(when))).toBe(text);
  });

  it('after a holiday bridge (Ascension Thursday + a closed Friday): Saturday', () => {
    const bridge = calendar({ holidays: { region: 'FR' }, exceptions: [{ from: '2026-05-15', to: '2026-05-15', hours: 'closed', label: 'Pont de l\'Ascension' }] });
    expect(reopenPhrase(bridge, at('2026-05-13T19:30'))).toBe('samedi 16 mai à 9 heures');
  });

  it('after a bridge that also closes Saturday: Monday', () => {
    const bridge = calendar({ holidays: { region: 'FR' }, exceptions: [{ from: '2026-05-15', to: '2026-05-16', hours: 'closed', label: 'Pont' }] });
    expect(reopenPhrase(bridge, at('2026-05-14T09:00'))).toBe('lundi 18 mai à 8 heures 30');
  });

  it('closed for the summer until a date beyond a week', () => {
    const summer = calendar({ exceptions: [{ from: '2027-08-02', to: '2027-08-20', hours: 'closed', label: "Congés d'été" }] });
    expect(reopenPhrase(summer, at('2027-08-03T10:00'))).toBe('samedi 21 août à 9 heures');
  });

  it('the first of a month is "1er"', () => {
    const cal = calendar({ exceptions: [{ from: '2026-05-25', to: '2026-05-31', hours: 'closed' }] });
    expect(reopenPhrase(cal, at('2026-05-26T10:00'))).toBe('lundi 1er juin à 8 heures 30');
  });

  it('more than half a year away: the year is said', () => {
    const cal = calendar({ exceptions: [{ from: '2026-01-05', to: '2026-12-31', hours: 'closed', label: 'Travaux' }] });
    expect(reopenPhrase(cal, at('2026-01-06T10:00'))).toBe('vendredi 1er janvier 2027 à 8 heures 30'); // no holidays in this calendar
  });

  it('an override closed until 14:15 today', () => {
    const cal = calendar({ override: { state: 'closed', until: '2026-12-01T14:15', label: 'Réunion' } });
    expect(reopenPhrase(cal, at('2026-12-01T10:00'))).toBe("aujourd'hui à 14 heures 15");
  });

  it('opening at noon is "midi"', () => {
    const cal = calendar({ weekly: { 1: [iv('12:00-18:00')] } });
    expect(reopenPhrase(cal, at('2026-12-07T09:00'))).toBe("aujourd'hui à midi");
  });

  it('closed forever (no hours at all)', () => {
    expect(reopenPhrase(calendar({ weekly: {} }), at('2026-12-01T10:00'))).toBe(NO_REOPENING);
  });

  it('open now: "dès maintenant"', () => {
    expect(reopenPhrase(office, at('2026-12-01T10:00'))).toBe('dès maintenant');
  });

  it('in another time zone, the local day and hour (Montréal)', () => {
    const mtl = calendar({ timezone: 'America/Montreal', weekly: { 1: [iv('09:00-17:00')], 2: [iv('09:00-17:00')] } });
    // 2026-12-01 23:30 in Paris is 17:30 on Tuesday in Montréal: reopens Monday 7.
    expect(reopenPhrase(mtl, at('2026-12-01T23:30'))).toBe('lundi 7 décembre à 9 heures');
  });
});

describe('{hours_today}', () => {
  it('a weekday', () => {
    expect(hoursTodayPhrase(office, at('2026-12-01T20:00'))).toBe('de 8 h 30 à 12 h 30 et de 14 h à 19 h');
  });
  it('a Saturday, closing at noon', () => {
    expect(hoursTodayPhrase(office, at('2026-12-05T08:00'))).toBe('de 9 h à midi');
  });
  it('Sunday', () => {
    expect(hoursTodayPhrase(office, at('2026-12-06T08:00'))).toBe(CLOSED_ALL_DAY);
  });
  it('a day with its own hours (Christmas Eve)', () => {
    const cal = calendar({ exceptions: [{ from: '2026-12-24', to: '2026-12-24', hours: [iv('08:30-12:00')], label: 'Veille de Noël' }] });
    expect(hoursTodayPhrase(cal, at('2026-12-24T13:00'))).toBe('de 8 h 30 à midi');
  });
});

describe('{hours_week}', () => {
  it('the reference practice', () => {
    expect(hoursWeekPhrase(calendar({ weekly: OFFICE }))).toBe(
      'du lundi au vendredi de 8 h 30 à 12 h 30 et de 14 h à 19 h, le samedi de 9 h à midi',
    );
  });
  it('days with the same hours that are not in a row', () => {
    const h = [iv('08:00-13:00'), iv('15:00-19:00')];
    expect(hoursWeekPhrase(calendar({ weekly: { 1: h, 2: h, 4: h, 5: h } }))).toBe(
      'le lundi, le mardi, le jeudi et le vendredi de 8 h à 13 h et de 15 h à 19 h',
    );
  });
  it('a night shift crossing midnight', () => {
    expect(hoursWeekPhrase(calendar({ weekly: { 6: [iv('22:00-02:00')] } }))).toBe('le samedi de 22 h à 2 h');
  });
  it('no weekly hours', () => {
    expect(hoursWeekPhrase(calendar({ weekly: {} }))).toBe(NO_WEEKLY_HOURS);
  });
});

describe('{closure}', () => {
  it('a public holiday', () => {
    expect(closurePhrase(office, at('2026-12-25T10:00'))).toBe('Noël');
  });
  it('an exception', () => {
    const summer = calendar({ exceptions: [{ from: '2027-08-02', to: '2027-08-20', hours: 'closed', label: "Congés d'été" }] });
    expect(closurePhrase(summer, at('2027-08-10T10:00'))).toBe("Congés d'été");
  });
  it('an override', () => {
    const cal = calendar({ override: { state: 'closed', until: '2026-12-01T14:15', label: 'Réunion' } });
    expect(closurePhrase(cal, at('2026-12-01T10:00'))).toBe('Réunion');
  });
  it('only the weekly hours: nothing', () => {
    expect(closurePhrase(office, at('2026-12-01T20:00'))).toBe('');
  });
});

describe('fillPlaceholders', () => {
  it('a whole closed announcement', () => {
    const summer = calendar({ exceptions: [{ from: '2027-08-02', to: '2027-08-20', hours: 'closed', label: "Congés d'été" }] });
    expect(fillPlaceholders('Le cabinet est fermé : {closure}. Nous rouvrons {reopen}. Nos horaires : {hours_week}.', summer, at('2027-08-10T10:00'))).toBe(
      "Le cabinet est fermé : Congés d'été. Nous rouvrons samedi 21 août à 9 heures. Nos horaires : du lundi au vendredi de 8 h 30 à 12 h 30 et de 14 h à 19 h, le samedi de 9 h à midi.",
    );
  });
  it('an empty {closure} leaves no stray space before the full stop', () => {
    expect(fillPlaceholders('Fermé {closure}. Réouverture {reopen}.', office, at('2026-12-01T19:30'))).toBe('Fermé. Réouverture demain à 8 heures 30.');
  });
});

// The week's opening table: hours actually in force after holidays, exceptions, override.
import { formatWeekTable, weekTable } from '../../../src/calendar';
import { calendar, iv, OFFICE } from './helpers';

describe('weekTable', () => {
  it('Christmas week 2026: shortened Eve, Noël closed, weekend', () => {
    const cal = calendar({
      holidays: { region: 'FR' },
      exceptions: [{ from: '2026-12-24', to: '2026-12-24', hours: [iv('08:30-12:00')], label: 'Veille de Noël' }],
    });
    const rows = weekTable(cal, '2026-12-21');
    expect(rows.map((r) => r.date)).toEqual(['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-27']);
    expect(rows[0]).toMatchObject({ weekday: 1, open: OFFICE[1], text: 'weekly hours', rule: { rule: 'weekly' } });
    expect(rows[3]).toMatchObject({ open: [iv('08:30-12:00')], text: 'exception "Veille de Noël" (2026-12-24): 08:30-12:00' });
    expect(rows[4]).toMatchObject({ open: [], hours: [], text: 'holiday "Noël"', rule: { rule: 'holiday', name: 'Noël' } });
    expect(rows[5]!.open).toEqual([iv('09:00-12:00')]);
    expect(rows[6]!.open).toEqual([]);
    const text = formatWeekTable(rows);
    expect(text.split('\n')).toHaveLength(7);
    expect(text).toContain('Fri 2026-12-25  closed');
    expect(text).toContain('Mon 2026-12-21  08:30-12:30, 14:00-19:00');
  });

  it('a night crossing midnight shows on both dates', () => {
    const rows = weekTable(calendar({ weekly: { 6: [iv('22:00-02:00')] } }), '2026-11-23');
    expect(rows[5]).toMatchObject({ hours: [{ start: 1320, end: 1560 }], open: [{ start: 1320, end: 1440 }] });
    expect(rows[6]).toMatchObject({ hours: [], open: [{ start: 0, end: 120 }] });
    expect(formatWeekTable(rows)).toContain('Sat 2026-11-28  22:00-24:00');
  });

  it('the override cuts into the days it covers', () => {
    const cal = calendar({ override: { state: 'closed', from: '2026-11-25T10:00', until: '2026-11-26T15:00', label: 'Travaux' } });
    const rows = weekTable(cal, '2026-11-23');
    expect(rows[1]!.override).toBeUndefined();
    expect(rows[2]).toMatchObject({ open: [iv('08:30-10:00')], text: 'weekly hours; closed: override "Travaux" until 2026-11-26 15:00' });
    expect(rows[3]!.open).toEqual([iv('15:00-19:00')]);
    expect(rows[4]!.open).toEqual(OFFICE[5]);
  });

  it('an open override adds hours', () => {
    const rows = weekTable(calendar({ override: { state: 'open', from: '2026-11-29T10:00', until: '2026-11-29T12:00' } }), '2026-11-23');
    expect(rows[6]!.open).toEqual([iv('10:00-12:00')]);
  });
});

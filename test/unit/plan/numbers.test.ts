import { normaliseNumber } from '../../../src/plan';
import { parseDuration, formatDuration } from '../../../src/plan/durations';
import { parseInterval, parseTime, parseDays } from '../../../src/plan/times';
import { editDistance, closest } from '../../../src/plan/suggest';

describe('normaliseNumber', () => {
  it.each([
    ['+33 1 42 00 00 01', '+33142000001'],
    ['01 42 00 00 01', '+33142000001'],
    ['01.42.00.00.01', '+33142000001'],
    ['0142000001', '+33142000001'], // Asterisk, national
    ['+33142000001', '+33142000001'], // Asterisk, E.164
    ['33142000001', '+33142000001'], // Asterisk, international without +
    ['0033142000001', '+33142000001'],
    ['142000001', '+33142000001'], // Asterisk, without the trunk prefix
    ['06 12 34 56 78', '+33612345678'],
    ['+1 212 555 0100', '+12125550100'],
  ])('%s → %s', (raw, e164) => {
    expect(normaliseNumber(raw, 'FR')).toBe(e164);
  });
  it.each(['', 's', 'anonymous', '12', '0142', '+33 1 42', 'abc0142000001'])('%j is not a number', (raw) => {
    expect(normaliseNumber(raw, 'FR')).toBeNull();
  });
  it('reads national numbers with the given country', () => {
    expect(normaliseNumber('030 1234567', 'DE')).toBe('+49301234567');
    expect(normaliseNumber('0142000001', 'XX')).toBe('+33142000001'); // unknown country: FR
  });
});

describe('durations', () => {
  it.each([
    ['45s', 45_000], ['2m', 120_000], ['1m30s', 90_000], ['500ms', 500], ['1h', 3_600_000], ['0s', 0], ['1m500ms', 60_500],
  ])('%s = %d ms', (s, ms) => {
    expect(parseDuration(s)).toEqual({ ok: true, ms });
    expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
  });
  it.each(['', '45', '4 5s', '30s1m', '1m1m', 's', '1.5s', '-3s'])('%j is refused', (s) => {
    expect(parseDuration(s).ok).toBe(false);
  });
});

describe('times', () => {
  it('reads times and intervals', () => {
    expect(parseTime('08:30')).toEqual({ ok: true, value: 510 });
    expect(parseTime('24:00').ok).toBe(false);
    expect(parseTime('24:00', true)).toEqual({ ok: true, value: 1440 });
    expect(parseTime('12:60').ok).toBe(false);
    expect(parseInterval('22:00-02:00+1')).toEqual({ ok: true, value: { start: 1320, end: 1560 } });
    expect(parseInterval('22:00-23:00+1').ok).toBe(false); // 25 hours
    expect(parseInterval('12:00-12:00').ok).toBe(false);
    expect(parseInterval('8:30 - 12:30')).toEqual({ ok: true, value: { start: 510, end: 750 } });
  });
  it('reads days, ranges, lists, French names and wrapping ranges', () => {
    expect(parseDays('mon-fri')).toEqual({ ok: true, value: [1, 2, 3, 4, 5] });
    expect(parseDays('sat,sun')).toEqual({ ok: true, value: [6, 7] });
    expect(parseDays('lun-mer')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseDays('fri-mon')).toEqual({ ok: true, value: [5, 6, 7, 1] });
    expect(parseDays('monday').ok).toBe(false);
  });
});

describe('did you mean', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('max_wiat', 'max_wait')).toBe(1);
    expect(closest('max_wiat', ['max_wait', 'ring_time'])).toBe('max_wait');
    expect(closest('zzz', ['max_wait'])).toBeUndefined();
  });
});

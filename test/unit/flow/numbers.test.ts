import { callerIdFor, formatCaller, normaliseNumber } from '../../../src/flow/numbers';

test.each([
  ['0142000001', '+33142000001'],
  ['+33 1 42 00 00 01', '+33142000001'],
  ['33142000001', '+33142000001'],
  ['0033142000001', '+33142000001'],
  ['s', 's'],
])('called number %s → %s', (raw, key) => {
  expect(normaliseNumber(raw, 'FR')).toBe(key);
});

test.each([
  ['0612345678', '06 12 34 56 78'],
  ['+33612345678', '06 12 34 56 78'],
  ['+442079460000', '+44 20 7946 0000'],
  ['', 'inconnu'],
  ['anonymous', 'anonymous'],
])('caller %s shown as %s', (raw, shown) => {
  expect(formatCaller(raw, 'FR')).toBe(shown);
});

test('caller ID: the label before the number', () => {
  expect(callerIdFor('Dr Martin', '0612345678', 'FR')).toEqual({ name: '[Dr Martin] 06 12 34 56 78', number: '0612345678' });
  expect(callerIdFor('', '0612345678', 'FR')).toEqual({ name: '06 12 34 56 78', number: '0612345678' });
});

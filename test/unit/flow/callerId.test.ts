// What reaches a phone's caller ID name: the caller's number is untrusted text; quotes,
// <>, backslashes and control characters never get through, and the length is bounded.
import { callerIdFor, callerIdText } from '../../../src/flow/numbers';

test('a hostile caller "number" is shown without what would end the display name', () => {
  expect(callerIdFor('Dr Martin', '"Evil" <sip:x@y>\r\nVia: z', 'FR')).toEqual({ name: '[Dr Martin] Evil sip:x@yVia: z', number: 'EvilsipxyViaz' });
});

test('the name is at most 64 characters, the number at most 40', () => {
  const r = callerIdFor('Dr Martin', 'x'.repeat(500), 'FR');
  expect([...r.name]).toHaveLength(64);
  expect(r.number).toHaveLength(40);
});

test('callerIdText removes control characters, quotes, <> and backslashes', () => {
  expect(callerIdText('a\u0000b\u001bc"d<e>f\\g\u2028h')).toBe('abcdefgh');
});

test('an ordinary caller and an anonymous one are unchanged', () => {
  expect(callerIdFor('Dr Martin', '0612345678', 'FR')).toEqual({ name: '[Dr Martin] 06 12 34 56 78', number: '0612345678' });
  expect(callerIdFor('Dr Martin', 'anonymous', 'FR')).toEqual({ name: '[Dr Martin] anonymous', number: 'anonymous' });
});

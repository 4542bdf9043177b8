// The waiting queue's decisions: who is presented to which line, and when.

import { deviceStatus, linesOfDevice } from '../../../src/lines/device-state';
import { describeOverflow, Dispatcher, MIN_FAILURE_PAUSE_MS, MIN_PRESENTATION_MS, rotate, type QueueGroup } from '../../../src/lines/dispatcher';

const S = 1000;
const T0 = Date.parse('2026-03-02T09:00:00+01:00');
const at = (s: number): number => T0 + s * S;

function group(name: string, lines: string[], over: Partial<QueueGroup> = {}): QueueGroup {
  return { name, lines, strategy: 'ringall', retryPause: 5 * S, wrapUp: 0, whenUnavailable: 'overflow', ...over };
}

/** The reference case: three doctors' groups, one secretariat. */
const martin = group('secretariat-dr-martin', ['secretariat']);
const durand = group('secretariat-dr-durand', ['secretariat']);
const petit = group('secretariat-dr-petit', ['secretariat']);

function offersOf(d: Dispatcher, now: number): [string, string[]][] {
  return d.dispatch(now).offers.map((o) => [o.callerId, o.lines]);
}

describe('device states', () => {
  test.each([
    ['NOT_INUSE', 'free'],
    ['UNKNOWN', 'free'],
    ['INUSE', 'inUse'],
    ['BUSY', 'inUse'],
    ['RINGINUSE', 'inUse'],
    ['ONHOLD', 'inUse'],
    ['RINGING', 'ringing'],
    ['UNAVAILABLE', 'unavailable'],
    ['INVALID', 'unavailable'],
    ['not_inuse', 'free'],
    ['SOMETHING_NEW', 'free'],
  ])('%s → %s', (state, status) => {
    expect(deviceStatus(state)).toBe(status);
  });

  test('a device name maps to the plan lines with that endpoint', () => {
    const lines = { secretariat: { endpoint: 'PJSIP/secretariat' }, accueil: { endpoint: 'PJSIP/secretariat' }, 'dr-martin': { endpoint: 'PJSIP/dr-martin' } };
    expect(linesOfDevice(lines, 'PJSIP/secretariat')).toEqual(['secretariat', 'accueil']);
    expect(linesOfDevice(lines, 'PJSIP/nobody')).toEqual([]);
  });

  test('a line busy on a call Accueil did not route is not presented; when it frees, it is', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'INUSE', at(0));
    d.enqueue('c1', martin, at(1), at(46));
    expect(d.lineStatus('secretariat')).toBe('inUse');
    expect(offersOf(d, at(1))).toEqual([]);
    d.deviceState('secretariat', 'NOT_INUSE', at(10));
    expect(offersOf(d, at(10))).toEqual([['c1', ['secretariat']]]);
  });

  test('a line Accueil presents counts as ringing before the device says so, and is reserved', () => {
    const d = new Dispatcher();
    d.enqueue('c1', martin, at(0), at(45));
    d.enqueue('c2', durand, at(1), at(46));
    expect(offersOf(d, at(1))).toEqual([['c1', ['secretariat']]]);
    expect(d.lineStatus('secretariat')).toBe('ringing');
    expect(offersOf(d, at(2))).toEqual([]); // not offered twice
  });

  test('a line ringing on a call Accueil did not route is not presented', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'RINGING', at(0));
    d.enqueue('c1', martin, at(0), at(45));
    expect(offersOf(d, at(0))).toEqual([]);
  });
});

describe('order across groups', () => {
  test('three callers for one secretariat across three numbers are presented in arrival order', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'INUSE', at(0));
    d.enqueue('petit', petit, at(1), at(46));
    d.enqueue('martin', martin, at(2), at(47));
    d.enqueue('durand', durand, at(3), at(48));
    expect(d.position('petit')).toBe(1);
    expect(d.position('durand')).toBe(3);
    expect(offersOf(d, at(3))).toEqual([]);

    const served: string[] = [];
    let now = 10;
    for (let i = 0; i < 3; i++) {
      d.deviceState('secretariat', 'NOT_INUSE', at(now));
      const offers = offersOf(d, at(now));
      expect(offers).toHaveLength(1);
      const [caller] = offers[0] as [string, string[]];
      served.push(caller);
      d.dequeue(caller, at(now + 1), 'secretariat');
      d.deviceState('secretariat', 'INUSE', at(now + 1));
      now += 10;
    }
    expect(served).toEqual(['petit', 'martin', 'durand']);
    expect(d.waiting()).toEqual([]);
  });

  test('a line shared by two groups goes to the caller who waited longest, whatever the group', () => {
    const d = new Dispatcher();
    const both = group('both', ['secretariat', 'accueil']);
    d.deviceState('secretariat', 'INUSE', at(0));
    d.deviceState('accueil', 'INUSE', at(0));
    d.enqueue('late', martin, at(5), at(50));
    d.enqueue('early', both, at(1), at(46));
    d.deviceState('secretariat', 'NOT_INUSE', at(8));
    expect(offersOf(d, at(8))).toEqual([['early', ['secretariat']]]);
  });

  test('ringall: every free line of the group at once; a line freeing later is added to the same caller', () => {
    const d = new Dispatcher();
    const g = group('g', ['a', 'b', 'c']);
    d.deviceState('c', 'INUSE', at(0));
    d.enqueue('c1', g, at(0), at(45));
    d.enqueue('c2', g, at(1), at(46));
    expect(offersOf(d, at(1))).toEqual([['c1', ['a', 'b']]]);
    d.deviceState('c', 'NOT_INUSE', at(3));
    expect(offersOf(d, at(3))).toEqual([['c1', ['c']]]);
    // c1 answers on b: a and c go to c2 at once
    d.dequeue('c1', at(4), 'b');
    expect(d.lineStatus('b')).toBe('inUse');
    expect(offersOf(d, at(4))).toEqual([['c2', ['a', 'c']]]);
  });

  test('linear: one line at a time per caller; the next caller gets the next free line', () => {
    const d = new Dispatcher();
    const g = group('g', ['a', 'b', 'c'], { strategy: 'linear', retryPause: 0 });
    d.enqueue('c1', g, at(0), at(45));
    d.enqueue('c2', g, at(1), at(46));
    expect(offersOf(d, at(1))).toEqual([
      ['c1', ['a']],
      ['c2', ['b']],
    ]);
    d.released('c1', 'a', 'noanswer', at(21));
    // c1 goes on after a (c is free), even with retryPause 0
    expect(offersOf(d, at(21))).toEqual([['c1', ['c']]]);
  });

  test('rrmemory starts after the line that last answered the group', () => {
    const g = group('g', ['a', 'b', 'c'], { strategy: 'rrmemory' });
    const d = new Dispatcher({ rrMemory: { g: 'a' } });
    d.enqueue('c1', g, at(0), at(45));
    expect(offersOf(d, at(0))).toEqual([['c1', ['b']]]);
    d.dequeue('c1', at(2), 'b');
    expect(d.rrMemory()).toEqual({ g: 'b' });
    d.enqueue('c2', g, at(3), at(48));
    expect(offersOf(d, at(3))).toEqual([['c2', ['c']]]);
    expect(rotate(['a', 'b'], 'zz')).toEqual(['a', 'b']);
  });
});

describe('retry pause', () => {
  test('a line that did not answer a caller is not presented to that caller again before retryPause, but is to others', () => {
    const d = new Dispatcher();
    const g = group('g', ['secretariat'], { retryPause: 5 * S });
    d.enqueue('c1', g, at(0), at(45));
    expect(offersOf(d, at(0))).toEqual([['c1', ['secretariat']]]);
    d.released('c1', 'secretariat', 'noanswer', at(20));
    expect(offersOf(d, at(20))).toEqual([]);
    expect(d.nextWakeAt(at(20))).toBe(at(25));
    d.enqueue('c2', g, at(21), at(66));
    expect(offersOf(d, at(21))).toEqual([['c2', ['secretariat']]]);
    d.released('c2', 'secretariat', 'noanswer', at(24));
    expect(offersOf(d, at(24.9))).toEqual([]);
    expect(offersOf(d, at(25))).toEqual([['c1', ['secretariat']]]);
  });

  test('a failure at once pauses at least MIN_FAILURE_PAUSE_MS, even with retryPause 0', () => {
    const d = new Dispatcher();
    const g = group('g', ['secretariat'], { retryPause: 0, whenUnavailable: 'wait' });
    d.enqueue('c1', g, at(0), at(45));
    offersOf(d, at(0));
    d.released('c1', 'secretariat', 'failed', at(0));
    expect(offersOf(d, at(0))).toEqual([]);
    expect(d.dispatch(at(0)).nextWakeAt).toBe(at(0) + MIN_FAILURE_PAUSE_MS);
  });

  test('busy (486) while in use: a race, paused; busy while free: refused, not presented again', () => {
    const d = new Dispatcher();
    const g = group('g', ['a', 'b']);
    d.enqueue('c1', g, at(0), at(45));
    expect(offersOf(d, at(0))).toEqual([['c1', ['a', 'b']]]);
    d.deviceState('a', 'INUSE', at(1));
    d.released('c1', 'a', 'busy', at(1));
    d.released('c1', 'b', 'busy', at(1));
    d.deviceState('a', 'NOT_INUSE', at(3));
    expect(offersOf(d, at(3))).toEqual([]); // a paused, b refused
    expect(offersOf(d, at(6))).toEqual([['c1', ['a']]]);
    d.released('c1', 'a', 'busy', at(7));
    const all = d.dispatch(at(7));
    expect(all.overflows).toEqual([{ callerId: 'c1', group: 'g', reason: 'refused' }]);
    expect(describeOverflow('refused')).toMatch(/refused/);
    expect(d.isWaiting('c1')).toBe(false);
  });
});

describe('wrap-up', () => {
  test('after a conversation ends the line is not presented for the group wrapUp', () => {
    const d = new Dispatcher();
    const g = group('g', ['secretariat'], { wrapUp: 10 * S });
    d.enqueue('c1', g, at(0), at(45));
    offersOf(d, at(0));
    d.dequeue('c1', at(2), 'secretariat');
    d.enqueue('c2', g, at(3), at(48));
    expect(offersOf(d, at(3))).toEqual([]);
    d.released('c1', 'secretariat', 'ended', at(20));
    expect(offersOf(d, at(20))).toEqual([]);
    expect(d.wrapUpUntil('secretariat', g, at(20))).toBe(at(30));
    expect(d.nextWakeAt(at(20))).toBe(at(30));
    expect(offersOf(d, at(30))).toEqual([['c2', ['secretariat']]]);
  });

  test('a call Accueil did not route also gets its wrap-up (device in use → free)', () => {
    const d = new Dispatcher();
    const g = group('g', ['secretariat'], { wrapUp: 5 * S });
    d.deviceState('secretariat', 'INUSE', at(0));
    d.enqueue('c1', g, at(1), at(46));
    d.deviceState('secretariat', 'NOT_INUSE', at(10));
    expect(offersOf(d, at(10))).toEqual([]);
    expect(offersOf(d, at(15))).toEqual([['c1', ['secretariat']]]);
  });

  test('a ring that was not answered is no conversation: no wrap-up', () => {
    const d = new Dispatcher();
    const g = group('g', ['secretariat'], { wrapUp: 30 * S });
    d.deviceState('secretariat', 'RINGING', at(0));
    d.deviceState('secretariat', 'NOT_INUSE', at(5));
    d.enqueue('c1', g, at(5), at(50));
    expect(offersOf(d, at(5))).toEqual([['c1', ['secretariat']]]);
  });

  test('a missed `ended` does not keep the line busy: the device going free ends the conversation', () => {
    const d = new Dispatcher();
    d.enqueue('c1', martin, at(0), at(45));
    offersOf(d, at(0));
    d.dequeue('c1', at(1), 'secretariat');
    d.deviceState('secretariat', 'INUSE', at(1));
    d.deviceState('secretariat', 'NOT_INUSE', at(30));
    expect(d.lineStatus('secretariat')).toBe('free');
  });
});

describe('max wait', () => {
  test('a caller past its deadline is offered nothing (its own timer takes it out); dequeue frees its lines', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'INUSE', at(0));
    d.enqueue('c1', martin, at(0), at(45));
    d.deviceState('secretariat', 'NOT_INUSE', at(45));
    expect(offersOf(d, at(45))).toEqual([]);
    d.dequeue('c1', at(45));
    expect(d.waiting()).toEqual([]);
  });

  test('a caller leaving at max wait while presented frees the line for the next caller', () => {
    const d = new Dispatcher();
    d.enqueue('c1', martin, at(0), at(45));
    d.enqueue('c2', durand, at(1), at(50));
    expect(offersOf(d, at(1))).toEqual([['c1', ['secretariat']]]);
    d.dequeue('c1', at(45));
    expect(offersOf(d, at(45))).toEqual([['c2', ['secretariat']]]);
  });

  test('a line that frees less than 2 s before a caller\'s max wait ends is not presented to it (the phone would ring an instant)', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'INUSE', at(0));
    d.enqueue('late', martin, at(0), at(45));
    d.enqueue('next', durand, at(1), at(46));
    d.deviceState('secretariat', 'NOT_INUSE', at(43.5));
    // late has 1.5 s left: skipped; next has 2.5 s left: presented.
    expect(offersOf(d, at(43.5))).toEqual([['next', ['secretariat']]]);
    expect(d.waiting().map((w) => w.callerId)).toEqual(['late', 'next']);
    expect(MIN_PRESENTATION_MS).toBe(2000);
  });

  test('a very short max wait still gets presentations in its first half', () => {
    const d = new Dispatcher();
    d.enqueue('quick', { ...martin }, at(0), at(3));
    expect(offersOf(d, at(1.4))).toEqual([['quick', ['secretariat']]]);
    const d2 = new Dispatcher();
    d2.enqueue('quick', { ...martin }, at(0), at(3));
    expect(offersOf(d2, at(1.6))).toEqual([]);
  });
});

describe('unavailable lines', () => {
  test('every line unavailable, whenUnavailable: overflow → the callers overflow at once', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'UNAVAILABLE', at(0));
    d.enqueue('c1', martin, at(0), at(45));
    const r = d.dispatch(at(0));
    expect(r.offers).toEqual([]);
    expect(r.overflows).toEqual([{ callerId: 'c1', group: martin.name, reason: 'unavailable' }]);
    expect(d.waiting()).toEqual([]);
  });

  test('every line unavailable, whenUnavailable: wait → the callers wait, and are presented once it registers', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'UNAVAILABLE', at(0));
    d.enqueue('c1', { ...martin, whenUnavailable: 'wait' }, at(0), at(45));
    expect(d.dispatch(at(0))).toEqual({ offers: [], overflows: [], nextWakeAt: undefined });
    d.deviceState('secretariat', 'NOT_INUSE', at(12));
    expect(offersOf(d, at(12))).toEqual([['c1', ['secretariat']]]);
  });

  test('one line unavailable among others in use: the caller waits', () => {
    const d = new Dispatcher();
    const g = group('g', ['a', 'b']);
    d.deviceState('a', 'UNAVAILABLE', at(0));
    d.deviceState('b', 'INUSE', at(0));
    d.enqueue('c1', g, at(0), at(45));
    expect(d.dispatch(at(0))).toEqual({ offers: [], overflows: [], nextWakeAt: undefined });
  });

  test('dials failing "unavailable" count as unavailable for that caller (whenUnavailable: overflow)', () => {
    const d = new Dispatcher();
    const g = group('g', ['a', 'b']);
    d.enqueue('c1', g, at(0), at(45));
    offersOf(d, at(0));
    d.released('c1', 'a', 'unavailable', at(0));
    expect(d.dispatch(at(0)).overflows).toEqual([]);
    d.released('c1', 'b', 'unavailable', at(0));
    expect(d.dispatch(at(0)).overflows).toEqual([{ callerId: 'c1', group: 'g', reason: 'unavailable' }]);
  });

  test('a line going unavailable while presented: not offered to others; linear goes on to the next line', () => {
    const d = new Dispatcher();
    const g = group('g', ['a', 'b'], { strategy: 'linear' });
    d.enqueue('c1', g, at(0), at(45));
    expect(offersOf(d, at(0))).toEqual([['c1', ['a']]]);
    d.deviceState('a', 'UNAVAILABLE', at(2));
    expect(d.lineStatus('a')).toBe('unavailable');
    expect(offersOf(d, at(2))).toEqual([['c1', ['b']]]);
    d.released('c1', 'a', 'unavailable', at(3)); // the dial fails later: nothing else changes
    d.enqueue('c2', g, at(4), at(49));
    expect(offersOf(d, at(4))).toEqual([]);
  });

  test('the only line going unavailable while presented (whenUnavailable: overflow) → overflow', () => {
    const d = new Dispatcher();
    d.enqueue('c1', martin, at(0), at(45));
    offersOf(d, at(0));
    d.deviceState('secretariat', 'UNAVAILABLE', at(2));
    expect(d.dispatch(at(2)).overflows).toEqual([{ callerId: 'c1', group: martin.name, reason: 'unavailable' }]);
    expect(d.lineStatus('secretariat')).toBe('unavailable');
    d.deviceState('secretariat', 'NOT_INUSE', at(3));
    expect(d.lineStatus('secretariat')).toBe('free'); // the reservation went with the caller
  });
});

describe('reload', () => {
  test('a removed group: its waiting callers come back, in arrival order, to be sent to its overflow', () => {
    const d = new Dispatcher();
    d.deviceState('secretariat', 'INUSE', at(0));
    d.enqueue('m1', martin, at(1), at(46));
    d.enqueue('d1', durand, at(2), at(47));
    d.enqueue('m2', martin, at(3), at(48));
    expect(d.groupRemoved(martin.name)).toEqual(['m1', 'm2']);
    expect(d.waiting().map((w) => w.callerId)).toEqual(['d1']);
    expect(d.groupRemoved('nope')).toEqual([]);
  });

  test('reload(groups) removes the groups the new plan lacks; the others keep waiting', () => {
    const d = new Dispatcher();
    d.enqueue('m1', martin, at(1), at(46));
    d.enqueue('p1', petit, at(2), at(47));
    offersOf(d, at(2));
    expect(d.reload({ [petit.name]: {} })).toEqual([{ callerId: 'm1', group: martin.name }]);
    // m1 held the secretariat: it is free again for p1
    expect(offersOf(d, at(3))).toEqual([['p1', ['secretariat']]]);
  });
});

describe('hang-up while waiting', () => {
  test('leaves no entry, no reservation, no wake-up', () => {
    const d = new Dispatcher();
    const g = group('g', ['a', 'b'], { retryPause: 5 * S });
    d.enqueue('c1', g, at(0), at(45));
    offersOf(d, at(0));
    d.released('c1', 'a', 'noanswer', at(20));
    d.dequeue('c1', at(21));
    d.dequeue('c1', at(21)); // idempotent
    d.released('c1', 'b', 'cancelled', at(21)); // late: harmless
    expect(d.waiting()).toEqual([]);
    expect(d.isWaiting('c1')).toBe(false);
    expect(d.position('c1')).toBeUndefined();
    expect(d.lineStatus('a')).toBe('free');
    expect(d.lineStatus('b')).toBe('free');
    expect(d.dispatch(at(22))).toEqual({ offers: [], overflows: [], nextWakeAt: undefined });
  });
});

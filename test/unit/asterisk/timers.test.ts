// The flow's timers in the adapter, on a clock of the test's own (the Scheduler port):
// a startTimer waits until the instant the flow chose, a re-used id replaces the wait,
// cancelTimer and the call's end drop it, and a fired timer is one flow event.
import { EventEmitter } from 'events';
import pino from 'pino';
import { AsteriskCalls } from '../../../src/asterisk/calls';
import type { Scheduler } from '../../../src/asterisk/call-timers';
import type { AriConnection } from '../../../src/asterisk/connection';
import type { CallEvent } from '../../../src/flow/contract';

/** A clock the test moves: pending waits fire when their time comes. */
class TestClock implements Scheduler {
  now = 1_000_000;
  private waits: { at: number; fire: () => void; id: number }[] = [];
  private seq = 0;
  after(ms: number, fire: () => void): unknown {
    const id = ++this.seq;
    this.waits.push({ at: this.now + ms, fire, id });
    return id;
  }
  cancel(handle: unknown): void {
    this.waits = this.waits.filter((w) => w.id !== handle);
  }
  advance(ms: number): void {
    this.now += ms;
    const due = this.waits.filter((w) => w.at <= this.now).sort((a, b) => a.at - b.at);
    this.waits = this.waits.filter((w) => w.at > this.now);
    for (const w of due) w.fire();
  }
  get pending(): number {
    return this.waits.length;
  }
}

function adapter() {
  const clock = new TestClock();
  const ari = new EventEmitter() as EventEmitter & { request: (what: string, call: (c: unknown) => Promise<unknown>) => Promise<unknown> };
  const client = new Proxy({}, { get: () => new Proxy({}, { get: () => async () => ({}) }) });
  ari.request = (_what, call) => call(client);
  const events: CallEvent[] = [];
  const calls = new AsteriskCalls(ari as unknown as AriConnection, 'accueil', {
    onIncoming: () => undefined,
    onEvent: (_id, e) => events.push(e),
    onFinished: () => undefined,
  }, pino({ level: 'silent' }), () => clock.now, clock);
  ari.emit('event', { type: 'StasisStart', application: 'accueil', args: ['+33142000001'], channel: { id: 'caller-1', name: 'PJSIP/trunk-1', state: 'Ring', caller: { name: '', number: '0612345678' } } });
  const callId = `${clock.now.toString(36)}-1`;
  return { clock, calls, events, callId };
}

test('a timer fires at the instant the flow chose, once, as one flow event', async () => {
  const { clock, calls, events, callId } = adapter();
  await calls.execute(callId, [{ type: 'startTimer', timerId: 't1', at: clock.now + 20_000 }]);
  clock.advance(19_999);
  expect(events).toEqual([]);
  clock.advance(1);
  expect(events).toEqual([{ type: 'timer', timerId: 't1' }]);
  clock.advance(60_000);
  expect(events).toHaveLength(1);
  expect(calls.held().timers).toBe(0);
});

test('the same id again replaces the wait; cancelTimer drops it', async () => {
  const { clock, calls, events, callId } = adapter();
  await calls.execute(callId, [{ type: 'startTimer', timerId: 'max', at: clock.now + 10_000 }, { type: 'startTimer', timerId: 'max', at: clock.now + 30_000 }]);
  expect(clock.pending).toBe(1);
  clock.advance(10_000);
  expect(events).toEqual([]);
  await calls.execute(callId, [{ type: 'cancelTimer', timerId: 'max' }]);
  clock.advance(30_000);
  expect(events).toEqual([]);
  expect(clock.pending).toBe(0);
});

test('the call ends: its waits are dropped with it', async () => {
  const { clock, calls, events, callId } = adapter();
  await calls.execute(callId, [{ type: 'startTimer', timerId: 'life', at: clock.now + 3_600_000 }, { type: 'hangup', cause: 'normal' }]);
  expect(clock.pending).toBe(0);
  clock.advance(3_600_000);
  expect(events).toEqual([]);
  expect(calls.held()).toEqual({ calls: 0, channels: 0, timers: 0, adopted: 0 });
});

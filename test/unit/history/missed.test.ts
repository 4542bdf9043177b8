// Missed-call notices: gathered per number for the batch time, one mail (a real
// SMTP conversation on loopback) and one webhook, states kept in the history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openHistoryDb } from '../../../src/history/db';
import { MissedNotifier } from '../../../src/history/missed';
import type { CallRecord } from '../../../src/history/record';
import { HistoryStore } from '../../../src/history/store';
import type { Plan } from '../../../src/plan/types';
import { smtpSink } from '../../support/smtp-sink';

const A = '+33142000001';
const T0 = Date.parse('2026-03-02T09:00:00+01:00');
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'accueil-missed-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
const plan = {
  version: 'v', timezone: 'Europe/Paris', country: 'FR',
  numbers: { [A]: { e164: A, written: '01 42 00 00 01', name: 'Cabinet du Dr Martin', label: 'Dr Martin', open: { kind: 'hangup' }, closed: { kind: 'hangup' },
    missed: { notify: { email: ['secretariat@example.org'], webhook: 'http://127.0.0.1:9/missed' }, batch: 60_000 } } },
} as unknown as Plan;

function missedCall(id: string, at: number, caller: string): Omit<CallRecord, 'steps'> {
  return { callId: id, arrivedAt: at, endedAt: at + 40_000, called: A, number: A, numberName: 'Cabinet du Dr Martin', caller, planVersion: 'v', open: true,
    route: ['group:secretariat'], lines: [], waitedMs: 40_000, talkedMs: 0, outcome: 'abandoned-waiting', overflowed: false, message: false, missed: true, resumed: 0 };
}

test('two missed calls within the batch: one mail listing both, one webhook, both marked sent', async () => {
  const sink = await smtpSink();
  const store = new HistoryStore(openHistoryDb(dir));
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const posts: Array<{ url: string; body: string }> = [];
  const notifier = new MissedNotifier({
    store, plan: () => plan, logger, now: () => T0 + 40_000,
    smtp: { host: '127.0.0.1', port: sink.port, secure: false, from: 'accueil@example.org' },
    timers: { setTimeout: (fn, ms) => timers.push({ fn, ms }), clearTimeout: () => undefined },
    fetch: async (url, init) => (posts.push({ url, body: init.body }), { ok: true, status: 200 }),
  });
  store.addCall(missedCall('c1', T0, '0612345678'), 'pending');
  notifier.missed(A, T0 + 40_000);
  store.addCall(missedCall('c2', T0 + 10_000, ''), 'pending');
  notifier.missed(A, T0 + 50_000);
  expect(timers.map((t) => t.ms)).toEqual([60_000]); // one batch per number
  timers[0]!.fn();
  await notifier.idle();
  expect(sink.mails).toHaveLength(1);
  const mail = sink.mails[0]!;
  expect(mail.to).toEqual(['secretariat@example.org']);
  expect(mail.raw).toMatch(/X-Accueil-Missed: 2/);
  expect(mail.raw).toMatch(/06 12 34 56 78/);
  expect(mail.raw).toMatch(/num=C3=A9ro masqu=C3=A9|numéro masqué/);
  expect(posts).toHaveLength(1);
  const body = JSON.parse(posts[0]!.body) as { event: string; number: string; calls: Array<{ callId: string; waitedMs: number }> };
  expect(body).toMatchObject({ event: 'calls.missed', number: A });
  expect(body.calls.map((c) => [c.callId, c.waitedMs])).toEqual([['c1', 40_000], ['c2', 40_000]]);
  expect(store.calls().map((c) => c.missedNotice)).toEqual(['sent', 'sent']);
  await notifier.close();
  await sink.close();
});

test('a failing SMTP server: retried, then failed; a restart resumes what is pending', async () => {
  const store = new HistoryStore(openHistoryDb(dir));
  store.addCall(missedCall('c1', T0, '0612345678'), 'pending');
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const notifier = new MissedNotifier({
    store, plan: () => ({ ...plan, numbers: { [A]: { ...plan.numbers[A]!, missed: { notify: { email: ['s@example.org'] }, batch: 1000 } } } }), logger, now: () => T0 + 40_000,
    sendMail: async () => { throw new Error('451 try again later'); },
    retry: { attempts: 2, baseDelayMs: 5000 },
    timers: { setTimeout: (fn, ms) => timers.push({ fn, ms }), clearTimeout: () => undefined },
  });
  expect(notifier.resume()).toBe(1);
  timers[0]!.fn();
  await notifier.idle();
  expect(timers.map((t) => t.ms)).toEqual([1000, 5000]); // the batch from its end, then the backoff
  expect(store.calls()[0]?.missedNotice).toBe('pending');
  timers[1]!.fn();
  await notifier.idle();
  expect(store.calls()[0]?.missedNotice).toBe('failed');
  await notifier.close();
});

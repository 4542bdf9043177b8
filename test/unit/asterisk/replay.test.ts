// The daemon below the end-to-end level: what Asterisk told the real daemon during
// reference calls (captured from the sandbox by scripts/capture-ari.ts into
// test/fixtures/ari/), replayed event by event into a Daemon whose ARI is scripted.
// The adapter's event mapping and action execution must make the same decisions the
// live daemon journaled, with the requests a live call makes, and leave nothing held.
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import pino from 'pino';
import type { AriConnection } from '../../../src/asterisk/connection';
import { arrivalOfCallId } from '../../../src/asterisk/calls';
import { Daemon } from '../../../src/daemon/daemon';
import { loadPlan } from '../../../src/plan/load';
import type { Plan } from '../../../src/plan/types';

const REPO = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(REPO, 'test/fixtures/ari');

interface Fixture {
  what: string;
  plan: string;
  callId: string;
  steps: string[];
  events: { type: string; [k: string]: unknown }[];
}

/** ARI as the adapter reaches it: every request answered at once, and written down. */
function scriptedAri() {
  const requests: string[] = [];
  const group = (name: string) =>
    new Proxy({}, {
      get: (_t, method: string) => async (args?: Record<string, unknown>) => {
        requests.push(`${name}.${method}`);
        if (name === 'channels' && method === 'list') return [];
        if (name === 'bridges' && method === 'list') return [];
        if (name === 'channels' && method === 'getChannelVar') throw new Error('Provided variable was not found');
        if (name === 'endpoints' && method === 'get') return { state: 'online', channel_ids: [] };
        return { ...args };
      },
    });
  const client = { channels: group('channels'), bridges: group('bridges'), playbacks: group('playbacks'), recordings: group('recordings'), applications: group('applications'), endpoints: group('endpoints') };
  const ari = new EventEmitter() as EventEmitter & { request: (what: string, call: (c: unknown) => Promise<unknown>) => Promise<unknown>; state: string };
  ari.request = (_what, call) => call(client);
  ari.state = 'connected';
  return { ari, requests };
}

/** Lets the daemon's queued requests and their continuations run. */
const drain = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

const fixtures = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')) : [];

test('fixtures captured from the sandbox are there to replay', () => {
  expect(fixtures.sort()).toEqual(['answered.json', 'hangup-while-ringing.json']);
});

describe.each(fixtures)('replayed capture %s', (file) => {
  const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Fixture;
  let plan: Plan;

  beforeAll(async () => {
    const r = await loadPlan(path.join(REPO, fixture.plan), { soundsDir: path.join(REPO, 'sounds') });
    if (!r.ok) throw new Error(`${fixture.plan} does not load`);
    plan = r.plan;
  });

  test(`${fixture.what}: the same decisions as the live daemon, nothing left held`, async () => {
    const { ari, requests } = scriptedAri();
    const steps: string[] = [];
    // The live daemon's clock at the call's arrival (its call id says when): the replay
    // names the call, its playbacks and its ring legs as the live one did.
    const arrival = arrivalOfCallId(fixture.callId)!;
    const daemon = new Daemon({
      ari: ari as unknown as AriConnection, app: 'accueil', plan: () => plan, log: pino({ level: 'silent' }),
      onJournal: (e) => { if (typeof e.step === 'string') steps.push(e.step); },
      now: () => arrival,
    });
    ari.emit('connected');
    await drain();
    for (const event of fixture.events) {
      ari.emit('event', event);
      await drain();
    }
    // The live journal's first line, "incoming", is the daemon's own log line, not a flow decision.
    expect(['incoming', ...steps]).toEqual(fixture.steps);
    // A call's life in requests, in order: answered, its greeting played, the
    // secretariat's leg created then dialled.
    const life = requests.filter((r) => ['channels.answer', 'channels.play', 'channels.create', 'channels.dial'].includes(r));
    expect(life.slice(0, 4)).toEqual(['channels.answer', 'channels.play', 'channels.create', 'channels.dial']);
    if (fixture.steps.includes('answered')) expect(requests).toEqual(expect.arrayContaining(['bridges.create', 'bridges.addChannel']));
    else expect(requests).not.toContain('bridges.create');
    expect(Object.values(daemon.held()).every((n) => n === 0)).toBe(true);
  });
});

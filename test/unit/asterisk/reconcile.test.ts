// A reconnection's reconciliation racing the events of the websocket just opened: a
// caller that entered the application right then is listed by GET /channels and
// announced by a StasisStart, in either order. It must become one call, never two
// (two calls ring the secretariat twice), and never be handed back to the dialplan
// while this life of the daemon holds it. ARI is scripted here (the order of a
// response and an event cannot be forced on a real Asterisk); the e2e suite has the rest.
import { EventEmitter } from 'events';
import pino from 'pino';
import { AsteriskCalls, type Adoption, type OrphanCaller } from '../../../src/asterisk/calls';
import type { AriChannel, AriConnection } from '../../../src/asterisk/connection';

const caller: AriChannel = {
  id: '1764761266.42',
  name: 'PJSIP/trunk-0000002a',
  state: 'Ring',
  caller: { name: '', number: '0612345678' },
  dialplan: { context: 'from-trunk', exten: '+33142000001', priority: 3, app_name: 'Stasis', app_data: 'accueil,+33142000001' },
};
const stasisStart = { type: 'StasisStart', application: 'accueil', args: ['+33142000001'], channel: caller };

/** ARI as the adapter sees it, answering from a script; `onSavedState` runs while the adapter waits for GET variable. */
function scriptedAri(savedState: string | undefined, onSavedState: (ari: EventEmitter) => void) {
  const requests: string[] = [];
  const ari = new EventEmitter() as EventEmitter & { request: (what: string, call: (client: unknown) => Promise<unknown>) => Promise<unknown> };
  const client = {
    channels: {
      list: async () => [caller],
      getChannelVar: async () => {
        onSavedState(ari);
        if (savedState === undefined) throw new Error('Provided variable was not found');
        return { value: savedState };
      },
      continueInDialplan: async () => undefined,
      hangup: async () => undefined,
    },
    bridges: { list: async () => [] },
  };
  ari.request = (what, call) => {
    requests.push(what);
    return call(client);
  };
  return { ari, requests };
}

function adapterOn(ari: EventEmitter) {
  const incoming: string[] = [];
  const calls = new AsteriskCalls(ari as unknown as AriConnection, 'accueil', {
    onIncoming: (call) => incoming.push(call.channelId),
    onEvent: () => undefined,
    onFinished: () => undefined,
  }, pino({ level: 'silent' }));
  return { calls, incoming };
}

const adoption = (begun: string[]): Adoption => ({ callId: 'previous-life', audio: 'none', attempts: {}, begin: () => begun.push('previous-life') });

describe('reconciliation and a StasisStart of the same caller', () => {
  test('the StasisStart read while the reconciliation asks for the saved state: one call, not resumed, not handed back', async () => {
    const { ari, requests } = scriptedAri('{"snapshot":"written by this life"}', (a) => a.emit('event', stasisStart));
    const { calls, incoming } = adapterOn(ari);
    const resolved: OrphanCaller[] = [];
    await calls.reconcile((orphan) => (resolved.push(orphan), 'should not be asked'));
    expect(incoming).toEqual([caller.id]);
    expect(resolved).toEqual([]);
    expect(requests).not.toContain('continue in dialplan');
    expect(calls.held().calls).toBe(1);
  });

  test('the StasisStart read after the caller was resumed from its snapshot: no second call', async () => {
    const { ari } = scriptedAri('{"snapshot":"of a previous life"}', () => undefined);
    const { calls, incoming } = adapterOn(ari);
    const begun: string[] = [];
    await calls.reconcile(() => adoption(begun));
    expect(begun).toEqual(['previous-life']);
    ari.emit('event', stasisStart);
    expect(incoming).toEqual([]);
    expect(calls.held().calls).toBe(1);
  });

  test('the StasisStart read after the caller was handed to the dialplan fallback: no call for a channel leaving the application', async () => {
    const { ari, requests } = scriptedAri(undefined, () => undefined);
    const { calls, incoming } = adapterOn(ari);
    await calls.reconcile(() => 'no call state on the channel');
    expect(requests).toContain('continue in dialplan');
    ari.emit('event', stasisStart);
    expect(incoming).toEqual([]);
    expect(calls.held().calls).toBe(0);
    // It leaves the application; a later caller on a new channel is a call again.
    ari.emit('event', { type: 'StasisEnd', application: 'accueil', channel: caller });
    ari.emit('event', { ...stasisStart, channel: { ...caller, id: '1764761299.57' } });
    expect(incoming).toEqual(['1764761299.57']);
  });
});

// A caller of a previous life, its ring leg listed Ringing; what changes while the
// reconciliation asks for the saved state comes as events for channels nobody knows yet.
describe('reconciliation and the events of a resumed call read before its adoption', () => {
  const leg: AriChannel = {
    id: '1764761270.44',
    name: 'PJSIP/secretariat-0000002c',
    state: 'Ringing',
    caller: { name: '', number: '0612345678' },
    dialplan: { context: 'accueil', exten: 's', priority: 1, app_name: 'Stasis', app_data: 'accueil,attempt,previous-life,a1' },
  };

  /** The listings answer from `listings` in turn (the last one repeats); `meanwhile` runs during GET variable. */
  function ariWithListings(listings: AriChannel[][], meanwhile: (ari: EventEmitter) => void) {
    const { ari, requests } = scriptedAri('{"snapshot":"of a previous life"}', meanwhile);
    let listed = 0;
    const client = {
      channels: {
        list: async () => listings[Math.min(listed++, listings.length - 1)],
        getChannelVar: async () => (meanwhile(ari), { value: 'snapshot' }),
        continueInDialplan: async () => undefined,
        hangup: async () => undefined,
      },
      bridges: { list: async () => [] },
    };
    (ari as unknown as { request: (what: string, call: (c: unknown) => Promise<unknown>) => Promise<unknown> }).request = (what, call) => {
      requests.push(what);
      return call(client);
    };
    return { ari, requests };
  }

  function adapterReporting(ari: EventEmitter) {
    const events: string[] = [];
    const calls = new AsteriskCalls(ari as unknown as AriConnection, 'accueil', {
      onIncoming: () => undefined,
      onEvent: (_callId, event) => events.push(event.type),
      onFinished: () => undefined,
    }, pino({ level: 'silent' }));
    return { calls, events };
  }

  const ringing: Adoption = { callId: 'previous-life', audio: 'music', attempts: { a1: Date.now() + 15000 }, begin: () => undefined };

  test('a leg answered between the listing and the adoption is reported answered', async () => {
    const { ari } = ariWithListings([[caller, leg], [caller, { ...leg, state: 'Up' }]], (a) =>
      a.emit('event', { type: 'ChannelStateChange', application: 'accueil', channel: { ...leg, state: 'Up' } }),
    );
    const { calls, events } = adapterReporting(ari);
    await calls.reconcile(() => ringing);
    expect(events).toEqual(['attemptAnswered']);
    // Its event read again later is the same fact: not a second answer.
    ari.emit('event', { type: 'ChannelStateChange', application: 'accueil', channel: { ...leg, state: 'Up' } });
    expect(events).toEqual(['attemptAnswered']);
  });

  test('a leg gone between the listing and the adoption is reported failed', async () => {
    const { ari } = ariWithListings([[caller, leg], [caller]], (a) =>
      a.emit('event', { type: 'ChannelDestroyed', application: 'accueil', cause: 21, channel: leg }),
    );
    const { calls, events } = adapterReporting(ari);
    await calls.reconcile(() => ringing);
    expect(events).toEqual(['attemptFailed']);
    expect(calls.held().calls).toBe(1);
  });

  test('a caller gone between the listing and the adoption ends the call: nothing held', async () => {
    const { ari } = ariWithListings([[caller, leg], [leg]], (a) =>
      a.emit('event', { type: 'StasisEnd', application: 'accueil', channel: caller }),
    );
    const { calls, events } = adapterReporting(ari);
    await calls.reconcile(() => ringing);
    expect(events).toEqual(['callerHangup']);
    expect(calls.held().calls).toBe(0);
  });

  test('a leg still ringing on the second look rings on: nothing reported', async () => {
    const { ari } = ariWithListings([[caller, leg]], () => undefined);
    const { calls, events } = adapterReporting(ari);
    await calls.reconcile(() => ringing);
    expect(events).toEqual([]);
    expect(calls.held().calls).toBe(1);
  });
});

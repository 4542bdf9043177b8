// The thin client's requests over the events websocket (ARI REST over WebSocket): what it
// sends, how answers are matched to requests, errors and bounds as over HTTP.
import { AriRest, AriRestError, type RestResponse } from '../../../src/asterisk/rest';

/** A websocket that Asterisk answers through `reply` (or never, when it returns undefined). */
function socketAnsweredBy(rest: AriRest, reply: (req: Record<string, unknown>) => Omit<RestResponse, 'type' | 'request_id'> | undefined) {
  const sent: Record<string, unknown>[] = [];
  return {
    sent,
    send(text: string): void {
      const req = JSON.parse(text) as Record<string, unknown>;
      sent.push(req);
      const answer = reply(req);
      if (answer) setImmediate(() => rest.answer({ type: 'RESTResponse', request_id: req.request_id as string, ...answer }));
    },
  };
}

const settings = { url: 'http://127.0.0.1:1', username: 'u', password: 'p', requestTimeoutMs: 1000 };

test('requests go on the websocket once Asterisk answered one there, with their query and body', async () => {
  const rest = new AriRest(settings);
  const socket = socketAnsweredBy(rest, (req) => (req.uri === 'channels/create' ? { status_code: 200, message_body: '{"id":"c1"}' } : { status_code: 204 }));
  expect(await rest.tryOverSocket(socket, 500)).toBe(true);
  await expect(rest.channels.create({ endpoint: 'PJSIP/secretariat', app: 'accueil', appArgs: 'out,c,a', variables: { 'CALLERID(num)': '0612' } })).resolves.toEqual({ id: 'c1' });
  await expect(rest.channels.answer({ channelId: 'c1' })).resolves.toBeUndefined();
  expect(socket.sent.slice(1).map(({ request_id: _, ...r }) => r)).toEqual([
    {
      type: 'RESTRequest', method: 'POST', uri: 'channels/create',
      query_strings: [{ name: 'endpoint', value: 'PJSIP/secretariat' }, { name: 'app', value: 'accueil' }, { name: 'appArgs', value: 'out,c,a' }],
      content_type: 'application/json', message_body: '{"variables":{"CALLERID(num)":"0612"}}',
    },
    { type: 'RESTRequest', method: 'POST', uri: 'channels/c1/answer' },
  ]);
  rest.close();
});

test("an error answer rejects with Asterisk's message and status, as over HTTP", async () => {
  const rest = new AriRest(settings);
  const socket = socketAnsweredBy(rest, (req) => (req.uri === 'asterisk/ping' ? { status_code: 200, message_body: '{"ping":"pong"}' } : { status_code: 404, message_body: '{"message":"Channel not found"}' }));
  await rest.tryOverSocket(socket, 500);
  const err = await rest.channels.hangup({ channelId: 'gone' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AriRestError);
  expect([(err as AriRestError).message, (err as AriRestError).status]).toEqual(['Channel not found', 404]);
  rest.close();
});

test('an Asterisk that does not answer on the websocket keeps the requests on HTTP', async () => {
  const rest = new AriRest(settings);
  const socket = socketAnsweredBy(rest, () => undefined);
  expect(await rest.tryOverSocket(socket, 100)).toBe(false);
  await expect(rest.channels.answer({ channelId: 'c1' })).rejects.toThrow(/ECONNREFUSED|connect/); // HTTP to a closed port
  expect(socket.sent).toHaveLength(1); // the probe only
  rest.close();
});

test('a request never answered is abandoned after its bound; a lost connection fails those waiting', async () => {
  jest.useFakeTimers({ doNotFake: ['setImmediate'] });
  try {
    const rest = new AriRest(settings);
    let answering = true;
    const socket = socketAnsweredBy(rest, () => (answering ? { status_code: 200, message_body: '{}' } : undefined));
    const probed = rest.tryOverSocket(socket, 500);
    await jest.advanceTimersByTimeAsync(0);
    expect(await probed).toBe(true);
    answering = false;
    const slow = rest.channels.answer({ channelId: 'c1' }).catch((e: Error) => e.message);
    await jest.advanceTimersByTimeAsync(2500);
    expect(await slow).toBe('ARI request timed out after 1000 ms: POST channels/c1/answer');
    const waiting = rest.channels.answer({ channelId: 'c2' }).catch((e: Error) => e.message);
    rest.close();
    expect(await waiting).toBe('ARI connection lost before the answer to POST channels/c2/answer');
  } finally {
    jest.useRealTimers();
  }
});

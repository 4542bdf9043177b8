// The thin ARI client (src/asterisk/rest.ts) against a local HTTP server that
// records what it receives: the paths and parameters Asterisk's ARI documents, one
// kept-alive connection for requests in a row, Asterisk's error message kept.
// The e2e suite runs every call of the daemon through it on the real Asterisk.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AriRest, AriRestError } from '../../../src/asterisk/rest';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  authorization: string;
  socket: number;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.writeHead(204).end();
const sockets = new Map<unknown, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1);
      seen.push({
        method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), body,
        authorization: req.headers.authorization ?? '', socket: sockets.get(req.socket)!,
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
  answer = (_req, res) => res.writeHead(204).end();
});

const client = (timeoutMs = 2000) => new AriRest({ url: base, username: 'accueil', password: 'sécret', requestTimeoutMs: timeoutMs });

describe('the thin ARI client', () => {
  test('a call\'s requests: ARI\'s paths and parameters, credentials in a Basic header', async () => {
    const ari = client();
    await ari.channels.answer({ channelId: '1764761266.42' });
    await ari.channels.play({ channelId: '1764761266.42', media: ['sound:accueil/bienvenue', 'recording:studio-x'], playbackId: 'c1.p1' });
    await ari.channels.create({
      endpoint: 'PJSIP/secretariat', app: 'accueil', appArgs: 'attempt,c1,a1', channelId: 'c1.a1', originator: '1764761266.42',
      variables: { 'CALLERID(name)': '[Dr Martin] 06 12 34 56 78' },
    });
    await ari.channels.dial({ channelId: 'c1.a1', timeout: 17 });
    await ari.bridges.addChannel({ bridgeId: 'c1.bridge', channel: ['1764761266.42', 'c1.a1'] });
    await ari.channels.setChannelVar({ channelId: '1764761266.42', variable: 'ACCUEIL_CALL', value: '{"a":"b c&d"}' });
    await ari.playbacks.stop({ playbackId: 'c1.p1' });
    await ari.channels.hangup({ channelId: 'c1.a1' });
    ari.close();
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /ari/channels/1764761266.42/answer',
      'POST /ari/channels/1764761266.42/play',
      'POST /ari/channels/create',
      'POST /ari/channels/c1.a1/dial',
      'POST /ari/bridges/c1.bridge/addChannel',
      'POST /ari/channels/1764761266.42/variable',
      'DELETE /ari/playbacks/c1.p1',
      'DELETE /ari/channels/c1.a1',
    ]);
    expect(seen[1]!.query).toEqual({ media: 'sound:accueil/bienvenue,recording:studio-x', playbackId: 'c1.p1' });
    expect(seen[2]!.query).toEqual({ endpoint: 'PJSIP/secretariat', app: 'accueil', appArgs: 'attempt,c1,a1', channelId: 'c1.a1', originator: '1764761266.42' });
    expect(JSON.parse(seen[2]!.body)).toEqual({ variables: { 'CALLERID(name)': '[Dr Martin] 06 12 34 56 78' } });
    expect(seen[3]!.query).toEqual({ timeout: '17' });
    expect(seen[4]!.query).toEqual({ channel: '1764761266.42,c1.a1' });
    expect(seen[5]!.query).toEqual({ variable: 'ACCUEIL_CALL', value: '{"a":"b c&d"}' });
    expect(new Set(seen.map((s) => s.authorization))).toEqual(new Set([`Basic ${Buffer.from('accueil:sécret').toString('base64')}`]));
  });

  test('requests in a row share one kept-alive connection', async () => {
    const ari = client();
    for (let i = 0; i < 5; i++) await ari.channels.ring({ channelId: `c${i}` });
    ari.close();
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });

  test('an answer\'s JSON is returned; an error keeps Asterisk\'s message and status', async () => {
    const ari = client();
    answer = (req, res) => {
      if (req.method === 'POST') res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"c1.bridge","technology":"simple_bridge"}');
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Bridge not found"}');
    };
    await expect(ari.bridges.create({ type: 'mixing', bridgeId: 'c1.bridge' })).resolves.toMatchObject({ id: 'c1.bridge' });
    const refused = await ari.bridges.destroy({ bridgeId: 'c1.bridge' }).catch((err: unknown) => err);
    ari.close();
    expect(refused).toBeInstanceOf(AriRestError);
    expect(refused).toMatchObject({ message: 'Bridge not found', status: 404 });
  });

  test('a request Asterisk does not answer is abandoned after its time', async () => {
    const ari = client(200);
    answer = () => undefined; // never answers
    const started = Date.now();
    await expect(ari.channels.answer({ channelId: 'c1' })).rejects.toThrow(/timed out after 200 ms: POST channels\/c1\/answer/);
    expect(Date.now() - started).toBeLessThan(2000);
    ari.close();
  });

  test('the watch of a line: its device state subscribed, its endpoint read; the events asked for', async () => {
    const ari = client();
    await ari.applications.subscribe({ applicationName: 'accueil', eventSource: 'deviceState:PJSIP/secretariat' });
    await ari.endpoints.get({ tech: 'PJSIP', resource: 'secretariat' });
    await ari.applications.filter({ applicationName: 'accueil', allowed: ['StasisStart', 'StasisEnd'] });
    ari.close();
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /ari/applications/accueil/subscription', 'GET /ari/endpoints/PJSIP/secretariat', 'PUT /ari/applications/accueil/eventFilter',
    ]);
    expect(seen[0]!.query).toEqual({ eventSource: 'deviceState:PJSIP/secretariat' });
    // The filter is the body itself, as Asterisk reads it (checked on the sandbox's Asterisk 22).
    expect(JSON.parse(seen[2]!.body)).toEqual({ allowed: [{ type: 'StasisStart' }, { type: 'StasisEnd' }] });
  });

  test('ids are encoded in the path', async () => {
    const ari = client();
    await ari.channels.hangup({ channelId: 'a/b c' });
    ari.close();
    expect(seen[0]!.path).toBe('/ari/channels/a%2Fb%20c');
  });
});

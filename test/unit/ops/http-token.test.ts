// ACCUEIL_HTTP_TOKEN: /readyz and /metrics say which line is on a call, so a client
// that is not on this machine needs the bearer token; /healthz stays open.
import type * as http from 'node:http';
import { isLoopback, isLoopbackHost, makeHandler } from '../../../src/http/server';

const handler = makeHandler({
  token: 's3cret-token',
  readiness: () => ({ ari: 'connected', planVersion: 'v1' }),
  metrics: { text: async () => 'accueil_up 1\n', contentType: 'text/plain' },
  startedAt: 0,
  now: () => 0,
});

async function get(path: string, from: string, authorization?: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const out = { status: 0, headers: {} as Record<string, string>, body: '' };
  const req = { method: 'GET', url: path, headers: authorization ? { authorization } : {}, socket: { remoteAddress: from } } as unknown as http.IncomingMessage;
  const res = {
    setHeader: (k: string, v: string) => (out.headers[k] = v),
    writeHead: (status: number, h: Record<string, string>) => {
      out.status = status;
      Object.assign(out.headers, h);
    },
    end: (b?: string) => (out.body = b ?? ''),
  } as unknown as http.ServerResponse;
  await handler(req, res);
  return out;
}

test('a remote client without the token gets 401 on /readyz and /metrics', async () => {
  for (const path of ['/readyz', '/metrics']) {
    const r = await get(path, '192.0.2.10');
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="accueil"');
    expect(JSON.parse(r.body)).toEqual({ error: 'a bearer token is required (Authorization: Bearer <ACCUEIL_HTTP_TOKEN>)' });
  }
  expect((await get('/metrics', '192.0.2.10', 'Bearer wrong')).status).toBe(401);
  expect((await get('/metrics', '192.0.2.10', 'Basic czNjcmV0LXRva2Vu')).status).toBe(401);
});

test('a remote client with the token, and any client on loopback, are served', async () => {
  expect(await get('/metrics', '192.0.2.10', 'Bearer s3cret-token')).toMatchObject({ status: 200, body: 'accueil_up 1\n' });
  expect((await get('/readyz', '::ffff:127.0.0.1')).status).toBe(200);
  expect((await get('/readyz', '::1')).status).toBe(200);
});

test('/healthz needs no token', async () => {
  expect((await get('/healthz', '192.0.2.10')).status).toBe(200);
});

test('loopback addresses and hosts', () => {
  expect(['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
  expect(['0.0.0.0', '10.0.0.1', '::', undefined].map(isLoopback)).toEqual([false, false, false, false]);
  expect(['localhost', '127.0.0.1', '0.0.0.0', '172.31.250.11'].map(isLoopbackHost)).toEqual([true, true, false, false]);
});

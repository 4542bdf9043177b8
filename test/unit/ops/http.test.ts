import * as http from 'node:http';
import { DEFAULT_HTTP_PORT, httpFromEnv, startHttp, type Readiness } from '../../../src/http/server';
import { Metrics } from '../../../src/daemon/metrics';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('httpFromEnv', () => {
  test('loopback and 9090 by default', () => {
    expect(httpFromEnv({})).toEqual({ host: '127.0.0.1', port: DEFAULT_HTTP_PORT });
  });
  test('host and port from the environment; 0 is a free port; off disables', () => {
    expect(httpFromEnv({ ACCUEIL_HTTP_HOST: '0.0.0.0', ACCUEIL_HTTP_PORT: '9191' })).toEqual({ host: '0.0.0.0', port: 9191 });
    expect(httpFromEnv({ ACCUEIL_HTTP_PORT: '0' })).toEqual({ host: '127.0.0.1', port: 0 });
    expect(httpFromEnv({ ACCUEIL_HTTP_PORT: 'OFF' })).toEqual({ disabled: true });
  });
  test('a bad port is an error naming the variable', () => {
    for (const bad of ['http', '-1', '65536', '80.5']) {
      const r = httpFromEnv({ ACCUEIL_HTTP_PORT: bad });
      expect(r).toEqual({ error: expect.stringContaining('ACCUEIL_HTTP_PORT') });
    }
  });
});

describe('HTTP endpoint', () => {
  const state: Readiness = { ari: 'connecting', planVersion: null };
  const metrics = new Metrics({ defaultMetrics: false });
  let server: Awaited<ReturnType<typeof startHttp>>;

  beforeAll(async () => {
    server = await startHttp({ host: '127.0.0.1', port: 0 }, { metrics, readiness: () => state, startedAt: 0, now: () => 61_000 });
  });
  afterAll(() => server.close());

  test('/healthz is 200 JSON whatever ARI does', async () => {
    const r = await get(server.port, '/healthz');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toEqual({ status: 'ok', uptimeSeconds: 61 });
  });

  test('/readyz says what is missing until ARI is connected and a plan is loaded', async () => {
    state.ari = 'connecting';
    state.planVersion = null;
    let r = await get(server.port, '/readyz');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({ ready: false, ari: 'connecting', planVersion: null, missing: ['ari', 'plan'] });
    state.planVersion = 'abc123';
    r = await get(server.port, '/readyz');
    expect(JSON.parse(r.body).missing).toEqual(['ari']);
    state.ari = 'connected';
    r = await get(server.port, '/readyz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ready: true, ari: 'connected', planVersion: 'abc123', missing: [] });
    state.ari = 'disconnected';
    expect((await get(server.port, '/readyz')).status).toBe(503);
  });

  test('/readyz: voicemail unavailable (recordings unreadable) is not ready, with the reason; available changes nothing', async () => {
    state.ari = 'connected';
    state.planVersion = 'abc123';
    state.voicemail = { available: false, reason: 'Asterisk cannot list its recordings over ARI' };
    let r = await get(server.port, '/readyz');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({ ready: false, ari: 'connected', planVersion: 'abc123', voicemail: 'unavailable: Asterisk cannot list its recordings over ARI', missing: ['voicemail'] });
    state.voicemail = { available: true };
    r = await get(server.port, '/readyz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ready: true, ari: 'connected', planVersion: 'abc123', voicemail: 'available', missing: [] });
    delete state.voicemail;
  });

  test('/metrics is Prometheus text', async () => {
    metrics.callFinished({ number: '+33142000001', outcome: 'answered', waitedMs: 2000, answeredMs: 2000 });
    const r = await get(server.port, '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.body).toContain('accueil_calls_total{number="+33142000001",outcome="answered"} 1');
  });

  test('HEAD has no body; other methods are 405; unknown paths 404; query strings are ignored', async () => {
    const head = await get(server.port, '/healthz', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(server.port, '/metrics', 'POST')).status).toBe(405);
    const missing = await get(server.port, '/admin');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).routes).toEqual(['/healthz', '/readyz', '/metrics']);
    expect((await get(server.port, '/healthz?x=1')).status).toBe(200);
  });

  test('a metrics failure is a 500, not a crash', async () => {
    const broken = await startHttp(
      { host: '127.0.0.1', port: 0 },
      { metrics: { contentType: 'text/plain', text: () => Promise.reject(new Error('boom')) }, readiness: () => state },
    );
    try {
      const r = await get(broken.port, '/metrics');
      expect(r.status).toBe(500);
      expect(r.body).toContain('boom');
    } finally {
      await broken.close();
    }
  });

  test('a busy port is a rejected start', async () => {
    await expect(startHttp({ host: '127.0.0.1', port: server.port }, { metrics, readiness: () => state })).rejects.toThrow(/EADDRINUSE/);
  });
});

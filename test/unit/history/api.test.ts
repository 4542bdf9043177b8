// /api/calls on the daemon's HTTP endpoint, and `accueil calls` / `accueil stats` on a real database.
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openHistoryDb } from '../../../src/history/db';
import type { CallRecord } from '../../../src/history/record';
import { HistoryStore } from '../../../src/history/store';
import { callsApi } from '../../../src/http/calls-api';
import { makeHandler, startHttp } from '../../../src/http/server';
import { Metrics } from '../../../src/daemon/metrics';
import { main } from '../../../src/cli/main';

const T0 = Date.parse('2026-03-02T09:00:00+01:00');
let dir: string;
let store: HistoryStore;

function row(callId: string, arrivedAt: number, over: Partial<CallRecord> = {}): Omit<CallRecord, 'steps'> {
  return {
    callId, arrivedAt, endedAt: arrivedAt + 30_000, called: '0142000001', number: '+33142000001', numberName: 'Cabinet du Dr Martin', caller: '0612345678',
    planVersion: 'v1', open: true, route: ['group:secretariat'], lines: [], waitedMs: 30_000, talkedMs: 0, outcome: 'abandoned-waiting',
    overflowed: false, message: false, missed: true, resumed: 0, ...over,
  };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'accueil-api-'));
  store = new HistoryStore(openHistoryDb(dir));
  store.addCall(row('m1', T0));
  store.addCall(row('a1', T0 + 60_000, { outcome: 'answered', missed: false, answeredBy: 'secretariat', waitedMs: 5000, talkedMs: 25_000 }));
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('/api/calls', () => {
  test('from loopback: the calls as JSON, filtered; a bad query is a 400 saying what', async () => {
    const server = await startHttp({ host: '127.0.0.1', port: 0 }, {
      metrics: new Metrics({ defaultMetrics: false }), readiness: () => ({ ari: 'connected', planVersion: 'v1' }), calls: callsApi(store, () => 'Europe/Paris', () => T0 + 120_000),
    });
    try {
      const all = await get(server.port, '/api/calls');
      expect(all.status).toBe(200);
      expect((JSON.parse(all.body) as { calls: Array<{ callId: string }> }).calls.map((c) => c.callId)).toEqual(['a1', 'm1']);
      const missed = JSON.parse((await get(server.port, '/api/calls?outcome=missed&today=1')).body) as { calls: Array<{ callId: string; waitedMs: number }> };
      expect(missed.calls.map((c) => [c.callId, c.waitedMs])).toEqual([['m1', 30_000]]);
      const bad = await get(server.port, '/api/calls?since=yesterday');
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body).error).toMatch(/"yesterday" is not a date/);
    } finally {
      await server.close();
    }
  });

  test('from another address: 403 (no authentication yet)', async () => {
    const handler = makeHandler({ metrics: new Metrics({ defaultMetrics: false }), readiness: () => ({ ari: 'connected', planVersion: 'v1' }), calls: callsApi(store, () => 'Europe/Paris') });
    let status = 0;
    const res = { writeHead: (s: number) => (status = s), end: () => undefined, setHeader: () => undefined } as unknown as http.ServerResponse;
    await handler({ method: 'GET', url: '/api/calls', socket: { remoteAddress: '192.168.1.20' } } as unknown as http.IncomingMessage, res);
    expect(status).toBe(403);
  });
});

describe('accueil calls / stats', () => {
  let out: string;
  let spy: jest.SpyInstance;
  beforeEach(() => {
    out = '';
    process.env.ACCUEIL_DATA_DIR = dir;
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  });
  afterEach(() => {
    spy.mockRestore();
    delete process.env.ACCUEIL_DATA_DIR;
  });

  test('calls --outcome missed --json: the missed call only', async () => {
    expect(await main(['calls', '--outcome', 'missed', '--json'])).toBe(0);
    expect((JSON.parse(out) as Array<{ callId: string }>).map((c) => c.callId)).toEqual(['m1']);
  });

  test('calls: a table, newest first; a bad flag exits 2', async () => {
    expect(await main(['calls', '--since', '2026-03-01'])).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^ARRIVED\s+FROM\s+CALLED\s+OUTCOME\s+WAITED\s+TALKED\s+ANSWERED BY$/);
    expect(lines[1]).toMatch(/06 12 34 56 78\s+Cabinet du Dr Martin\s+answered\s+0:05\s+0:25\s+secretariat/);
    expect(lines[2]).toMatch(/abandoned-waiting \(missed\)\s+0:30\s+0:00/);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['calls', '--outcome', 'lost'])).toBe(2);
    expect(await main(['calls', '--today', '--since', '2026-03-01'])).toBe(2);
    err.mockRestore();
  });

  test('stats --json: per number and per hour', async () => {
    expect(await main(['stats', '--since', '2026-03-01', '--json'])).toBe(0);
    const stats = JSON.parse(out) as { total: { calls: number; answeredPct: number; abandonedPct: number }; byHour: Array<{ hour: number; calls: number }> };
    expect(stats.total).toMatchObject({ calls: 2, answeredPct: 50, abandonedPct: 50 });
    expect(stats.byHour.map((h) => [h.hour, h.calls])).toEqual([[9, 2]]);
  });

  test('calls purge --before: older calls deleted', async () => {
    expect(await main(['calls', 'purge', '--before', '2026-03-02T09:00:30+01:00'])).toBe(0);
    expect(out).toMatch(/^1 call\(s\) before/);
    expect(store.calls().map((c) => c.callId)).toEqual(['a1']);
  });
});

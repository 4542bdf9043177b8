// What one ARI REST request costs, through ari-client (swagger-client) and through
// the daemon's thin client (src/asterisk/rest.ts) over HTTP and over the events
// websocket (ARI REST over WebSocket), on the sandbox Asterisk: the same
// pair of requests a call makes (create a bridge, destroy it), one after the other,
// CPU of this process and of Asterisk per request, wall time per request, and the
// TCP connections each opened. Prints figures; it is not a test.
//
//   npx tsx bench/ari-rest.ts [--pairs 500] [--rounds 3]
//
// Needs the sandbox (started if down). docs/performance.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ari from 'ari-client';
import WebSocket from 'ws';
import { AriRest, isRestResponse } from '../src/asterisk/rest';
import { CLK_TCK, SANDBOX, ensureSandbox, flag, percentile, procTimes, runMain } from './lib';

const PAIRS = flag('pairs', 500);
const ROUNDS = flag('rounds', 3);

interface Client {
  create(bridgeId: string): Promise<unknown>;
  destroy(bridgeId: string): Promise<unknown>;
}

/** Local ports of the TCP connections to Asterisk's HTTP port, as the kernel lists them. */
function portsTo(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[2]?.endsWith(`:${hex}`)) out.add(cols[1] ?? '');
    }
  }
  return out;
}

async function measure(label: string, client: Client, asteriskPid: number, port: number) {
  const wall: number[] = [];
  const before = portsTo(port);
  const opened = new Set<string>();
  const cpu0 = process.cpuUsage();
  const ast0 = procTimes(asteriskPid);
  const started = process.hrtime.bigint();
  for (let i = 0; i < PAIRS; i++) {
    const id = `bench-rest-${label}-${process.pid}-${i}`;
    for (const step of [() => client.create(id), () => client.destroy(id)]) {
      const t = process.hrtime.bigint();
      await step();
      wall.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  // Read once at the end: a connection closed meanwhile is still listed (TIME_WAIT).
  for (const p of portsTo(port)) if (!before.has(p)) opened.add(p);
  const requests = PAIRS * 2;
  wall.sort((a, b) => a - b);
  return {
    label,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / requests,
    asteriskMsPerRequest: ((procTimes(asteriskPid) - ast0) * (1000 / CLK_TCK)) / requests,
    wallMedian: percentile(wall, 0.5),
    wallP99: percentile(wall, 0.99),
    perSecond: requests / (elapsedMs / 1000),
    opened: opened.size,
  };
}

runMain('ari-rest', async () => {
  const env = ensureSandbox();
  const settings = { url: env.ARI_URL!, username: env.ARI_USERNAME!, password: env.ARI_PASSWORD!, requestTimeoutMs: 5000 };
  const port = Number(new URL(settings.url).port || 80);
  const asteriskPid = Number(fs.readFileSync(path.join(SANDBOX, 'state/asterisk.pid'), 'utf8').trim());
  const swagger = await ari.connect(settings.url, settings.username, settings.password);
  const thin = new AriRest(settings);
  // The same client over an events websocket of its own (a throwaway application).
  const overSocket = new AriRest(settings);
  const socket = new WebSocket(`${settings.url.replace(/^http/, 'ws')}/ari/events?app=bench-rest&subscribeAll=false`, {
    headers: { authorization: `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}` },
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type?: string };
    if (isRestResponse(m)) overSocket.answer(m);
  });
  if (!(await overSocket.tryOverSocket(socket, 2000))) throw new Error('this Asterisk does not take ARI requests on the websocket');
  const clients: Record<string, Client> = {
    'ari-client': {
      create: (bridgeId) => swagger.bridges.create({ type: 'mixing', bridgeId }),
      destroy: (bridgeId) => swagger.bridges.destroy({ bridgeId }),
    },
    thin: {
      create: (bridgeId) => thin.bridges.create({ type: 'mixing', bridgeId }),
      destroy: (bridgeId) => thin.bridges.destroy({ bridgeId }),
    },
    'thin over the websocket': {
      create: (bridgeId) => overSocket.bridges.create({ type: 'mixing', bridgeId }),
      destroy: (bridgeId) => overSocket.bridges.destroy({ bridgeId }),
    },
  };
  console.log(`ARI REST: ${PAIRS} bridge create + destroy pairs per round, ${ROUNDS} rounds, alternating clients (node ${process.version})`);
  const results: Record<string, ReturnType<typeof measure> extends Promise<infer R> ? R[] : never> = { 'ari-client': [], thin: [], 'thin over the websocket': [] };
  // Warm-up (JIT, sockets), not measured.
  for (const client of Object.values(clients)) for (let i = 0; i < 100; i++) await client.create(`bench-rest-warm-${i}`).then(() => client.destroy(`bench-rest-warm-${i}`));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, client] of Object.entries(clients)) results[label]!.push(await measure(label, client, asteriskPid, port));
  }
  const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 0.5);
  console.log('| client | our CPU per request | Asterisk CPU per request | wall median / p99 | requests/s | TCP connections opened |');
  console.log('|---|---|---|---|---|---|');
  for (const [label, rs] of Object.entries(results)) {
    console.log(
      `| ${label} | ${median(rs.map((r) => r.cpuMsPerRequest)).toFixed(3)} ms | ${median(rs.map((r) => r.asteriskMsPerRequest)).toFixed(3)} ms | ` +
        `${median(rs.map((r) => r.wallMedian)).toFixed(2)} / ${median(rs.map((r) => r.wallP99)).toFixed(2)} ms | ${median(rs.map((r) => r.perSecond)).toFixed(0)} | ${Math.max(...rs.map((r) => r.opened))} |`,
    );
  }
  const a = results['ari-client']!, t = results.thin!, w = results['thin over the websocket']!;
  const ratio = (x: typeof a, y: typeof a): string =>
    `our CPU ×${(median(x.map((r) => r.cpuMsPerRequest)) / median(y.map((r) => r.cpuMsPerRequest))).toFixed(1)}, Asterisk CPU ×${(median(x.map((r) => r.asteriskMsPerRequest)) / median(y.map((r) => r.asteriskMsPerRequest))).toFixed(1)}`;
  console.log(`ratio ari-client / thin: ${ratio(a, t)}; thin over HTTP / over the websocket: ${ratio(t, w)}`);
  thin.close();
  overSocket.close();
  socket.close();
});

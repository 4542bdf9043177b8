// The operator's HTTP endpoint on the real daemon: /healthz, /readyz (not ready
// while ARI is unreachable, ready once it answers), /metrics (counters move
// after a real call, a reconnect and plan reloads).
//
// ARI is reached through a TCP relay the test controls: closed at first (the
// daemon cannot connect), then opened to the sandbox's ARI, then cut once (the
// daemon reconnects), all in one daemon process.
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { REPO, ariSettings, freePort } from './harness/sandbox';
import { Caller, Phone, waitFor } from './harness/sipp';

const PLAN = path.join(REPO, 'test/e2e/plans/reference-open.yaml');
const MARTIN = '+33142000001';

/** A TCP relay to ARI that can be opened, and whose connections can be cut. */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly port: number, private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  /** Cuts every connection through the relay (ARI "goes away" for the daemon). */
  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function get(port: number, route: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: res.status, body: await res.text() };
}

/** One series' value in Prometheus text (0 when absent: a counter not yet moved). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** A phone on its fixed port; another test may hold the port for a while, so retry. */
async function startPhone(name: string, behaviour: ConstructorParameters<typeof Phone>[1]): Promise<Phone> {
  for (let attempt = 0; ; attempt++) {
    const phone = new Phone(name, behaviour);
    const early = await Promise.race([phone.exited, new Promise<null>((r) => setTimeout(() => r(null), 700))]);
    if (early === null) return phone;
    if (attempt >= 60) throw new Error(`phone ${name} could not start (port busy?)`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('HTTP endpoint of the running daemon', () => {
  const ari = ariSettings();
  const ariUrl = new URL(ari.url);
  let relay: Relay;
  let daemon: DaemonProcess;
  let httpPort: number;
  let planDir: string;
  const phones: Phone[] = [];

  beforeAll(async () => {
    relay = new Relay(await freePort(), { host: ariUrl.hostname, port: Number(ariUrl.port || 80) });
    httpPort = await freePort();
    // A copy of the plan the test may break and restore (reload metrics).
    planDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-http-'));
    fs.copyFileSync(PLAN, path.join(planDir, 'plan.yaml'));
    daemon = new DaemonProcess(path.join(planDir, 'plan.yaml'), {
      ARI_URL: `http://127.0.0.1:${relay.port}`,
      ACCUEIL_HTTP_PORT: String(httpPort),
    }).start();
    await daemon.waitForLine((l) => l.event === 'http.listening');
  });

  afterAll(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    if (daemon) expect(await daemon.stop()).toBe(0);
    await relay?.close();
    fs.rmSync(planDir, { recursive: true, force: true });
  });

  test('live at once; not ready while ARI is unreachable; ready once it answers', async () => {
    const health = await get(httpPort, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).status).toBe('ok');

    const notReady = await get(httpPort, '/readyz');
    expect(notReady.status).toBe(503);
    const why = JSON.parse(notReady.body);
    expect(why.missing).toEqual(['ari']);
    expect(why.planVersion).toEqual(expect.any(String));
    expect(why.ari).not.toBe('connected');

    await relay.open();
    const ready = await waitFor('readyz 200', async () => ((await get(httpPort, '/readyz')).status === 200 ? true : undefined), 20000);
    expect(ready).toBe(true);
    const metrics = (await get(httpPort, '/metrics')).body;
    expect(sample(metrics, 'accueil_ari_reconnects_total')).toBe(0);
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  test('an ARI connection cut and restored counts one reconnect', async () => {
    relay.cut();
    await waitFor('a reconnect', async () => (sample((await get(httpPort, '/metrics')).body, 'accueil_ari_reconnects_total') >= 1 ? true : undefined), 30000);
    await waitFor('ready again', async () => ((await get(httpPort, '/readyz')).status === 200 ? true : undefined), 20000);
  });

  test('a call answered by the secretariat moves the call counters', async () => {
    const before = (await get(httpPort, '/metrics')).body;
    const series = `accueil_calls_total{number="${MARTIN}",outcome="answered"}`;
    const secretariat = await startPhone('secretariat', { answerAfterMs: 1000 });
    phones.push(secretariat);
    const seenIncoming = daemon.callIds().length;
    const caller = new Caller('0142000001', { caller: '0612345678', holdMs: 6000 });

    // While the call is up, the daemon holds it.
    let activeSeen = 0;
    const poll = setInterval(() => {
      void get(httpPort, '/metrics').then((r) => (activeSeen = Math.max(activeSeen, sample(r.body, 'accueil_active_calls'))), () => undefined);
    }, 200);
    const result = await caller.result();
    clearInterval(poll);
    expect(result.answeredAt).toBeDefined();
    // Another e2e file's daemon may share the Stasis app: this daemon must have had the call.
    expect(daemon.callIds().length).toBeGreaterThan(seenIncoming);
    const callId = daemon.callIds().pop() as string;
    await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome');
    expect(activeSeen).toBeGreaterThanOrEqual(1);

    const after = (await get(httpPort, '/metrics')).body;
    // Call metrics are fed by the daemon's onJournal option (run.ts passes metrics.observeJournal).
    if (sample(after, series) === sample(before, series) && !/onJournal/.test(fs.readFileSync(path.join(REPO, 'src/daemon/daemon.ts'), 'utf8'))) {
      throw new Error('accueil_calls_total did not move: src/daemon/daemon.ts does not call options.onJournal yet (issue 9)');
    }
    expect(sample(after, series) - sample(before, series)).toBe(1);
    expect(sample(after, 'accueil_answer_seconds_count') - sample(before, 'accueil_answer_seconds_count')).toBe(1);
    expect(sample(after, 'accueil_wait_seconds_count') - sample(before, 'accueil_wait_seconds_count')).toBe(1);
    // About the phone's 1 s of ringing after the greeting.
    const answerSum = sample(after, 'accueil_answer_seconds_sum') - sample(before, 'accueil_answer_seconds_sum');
    expect(answerSum).toBeGreaterThan(0.5);
    expect(answerSum).toBeLessThan(15);
    expect(sample(after, 'accueil_waiting_callers{group="secretariat-martin"}')).toBe(0);
    await waitFor('no active call', async () => (sample((await get(httpPort, '/metrics')).body, 'accueil_active_calls') === 0 ? true : undefined), 10000);
  });

  test('plan reloads are counted: a broken plan refused, the good one back', async () => {
    const file = path.join(planDir, 'plan.yaml');
    const good = fs.readFileSync(file, 'utf8');
    const reloads = async (): Promise<{ ok: number; failed: number }> => {
      const text = (await get(httpPort, '/metrics')).body;
      return { ok: sample(text, 'accueil_plan_reloads_total{result="ok"}'), failed: sample(text, 'accueil_plan_reloads_total{result="failed"}') };
    };
    const start = await reloads();

    fs.writeFileSync(file, `${good}\ngroups: [this is not a map\n`);
    daemon.signal('SIGHUP');
    await waitFor('a failed reload', async () => ((await reloads()).failed > start.failed ? true : undefined), 10000);
    // The last good plan still serves: still ready.
    expect((await get(httpPort, '/readyz')).status).toBe(200);

    fs.writeFileSync(file, good);
    daemon.signal('SIGHUP');
    await waitFor('a good reload', async () => ((await reloads()).ok > start.ok ? true : undefined), 10000);
  });
});

// Hostile input on the live daemon: an alias bomb saved over the plan while calls are in
// progress is refused, the calls in progress and a new call go on, and the daemon's event
// loop barely notices (its own nodejs_eventloop_lag_max_seconds). And an `external`
// destination really rings the outside number through the trunk (SIPp as the far end).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DaemonProcess } from './harness/daemon';
import { REPO, freePort } from './harness/sandbox';
import { Caller, Phone, waitFor } from './harness/sipp';
import { ALIAS_BOMB } from '../unit/plan/helpers';

const PLAN = path.join(REPO, 'test/e2e/plans/hostile.yaml');
const MARTIN = '+33142000001';
const MOBILE = '+33142000007';

/** One series' value in Prometheus text. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

describe('hostile input on the running daemon', () => {
  let daemon: DaemonProcess;
  let planDir: string;
  let httpPort: number;
  const phones: Phone[] = [];
  const phone = (...args: ConstructorParameters<typeof Phone>): Phone => {
    const p = new Phone(...args);
    phones.push(p);
    return p;
  };
  const lagMax = async (): Promise<number> => sample(await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(), 'nodejs_eventloop_lag_max_seconds');

  beforeAll(async () => {
    planDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-hostile-'));
    fs.copyFileSync(PLAN, path.join(planDir, 'plan.yaml'));
    httpPort = await freePort();
    daemon = new DaemonProcess(path.join(planDir, 'plan.yaml'), { ACCUEIL_HTTP_PORT: String(httpPort) }).start();
    await daemon.ready();
  });

  afterEach(async () => {
    await Promise.all(phones.splice(0).map((p) => p.stop()));
  });

  afterAll(async () => {
    if (daemon) expect(await daemon.stop()).toBe(0);
    fs.rmSync(planDir, { recursive: true, force: true });
  });

  test('an external destination rings the outside number through the trunk', async () => {
    const far = phone('trunk', { answerAfterMs: 1000, holdMs: 3000 });
    // The caller stays past the greeting (Asterisk answers it at once, the dial comes after).
    const caller = new Caller(MOBILE, { holdMs: 15_000 });
    const invite = await waitFor('an INVITE at the far end of the trunk', () => far.messages().find((m) => m.direction === 'received' && m.firstLine.startsWith('INVITE ')), 20000);
    expect(invite.firstLine).toMatch(/^INVITE sip:\+33612345678@127\.0\.0\.1:5070 SIP\/2\.0/);
    expect(far.invites()[0]?.callerIdName).toBe('[Dr Martin mobile] 06 12 34 56 78');
    const r = await caller.result();
    expect(r.answeredAt).toBeDefined();
    expect(far.answered()).toBe(1);
    const callId = daemon.callIds().pop()!;
    const outcome = await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome', 20000);
    expect(outcome).toMatchObject({ result: 'answered', by: 'external +33612345678' });
  }, 60_000);

  test('an alias bomb saved over the plan is refused; calls in progress and a new call are unaffected', async () => {
    const secretariat = phone('secretariat', { answerAfterMs: 1000 });
    const inProgress = new Caller(MARTIN, { holdMs: 12_000 });
    await waitFor('the call in progress answered', () => secretariat.answered() >= 1, 20000);
    await lagMax(); // a scrape resets the maximum: the next one covers the bomb alone

    fs.writeFileSync(path.join(planDir, 'plan.yaml'), ALIAS_BOMB);
    const rejected = await daemon.waitForLine((l) => l.event === 'plan.rejected', 20000);
    expect(rejected.errors).toEqual([`${path.join(planDir, 'plan.yaml')}:5:10: YAML: aliases are used more than 1000 times (counting the aliases inside aliases); expected a few uses of "*name"`]);
    const lag = await lagMax();
    // The figure, for the report: the daemon's worst event-loop delay while it refused the bomb.
    process.stdout.write(`event-loop delay while refusing the alias bomb: max ${(lag * 1000).toFixed(1)} ms\n`);
    expect(lag).toBeLessThan(0.05);

    const r = await inProgress.result();
    expect(r.endedBy).toBe('caller'); // it went on until the caller hung up; nothing cut it

    // A new call after the refusal: greeting, then the secretariat rings and answers it.
    const newCall = new Caller(MARTIN, { holdMs: 12_000 });
    await waitFor('the new call answered by the secretariat', () => secretariat.answered() >= 2, 30_000);
    const second = await newCall.result();
    expect(second.endedBy).toBe('caller');
  }, 90_000);
});

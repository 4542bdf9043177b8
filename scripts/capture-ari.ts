// Captures what Asterisk tells the daemon during a few reference calls, for the ARI
// adapter's unit tests (test/unit/asterisk/replay.test.ts): the sandbox Asterisk, the
// real daemon with ACCUEIL_ARI_EVENT_LOG, SIPp as the caller and the phone. Each
// fixture holds the events the daemon received and the journal steps it wrote.
//   eval "$(npm run -s asterisk:up)" && npx tsx scripts/capture-ari.ts
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DaemonProcess } from '../test/e2e/harness/daemon';
import { REPO, settle } from '../test/e2e/harness/sandbox';
import { Caller, Phone, type PhoneBehaviour } from '../test/e2e/harness/sipp';

const OUT = path.join(REPO, 'test/fixtures/ari');
const PLAN = path.join(REPO, 'test/e2e/plans/reference-open.yaml');

interface Scenario {
  name: string;
  what: string;
  secretariat: PhoneBehaviour;
  holdMs: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'answered', what: "Dr Martin's number: greeting, the secretariat answers after 1 s, the caller hangs up about 4 s later", secretariat: { answerAfterMs: 1000 }, holdMs: 8000 },
  { name: 'hangup-while-ringing', what: "Dr Martin's number: greeting, the secretariat rings, the caller hangs up while it rings", secretariat: 'never', holdMs: 5000 },
];

async function capture(s: Scenario): Promise<void> {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-capture-')), 'events.jsonl');
  const daemon = new DaemonProcess(PLAN, { ACCUEIL_ARI_EVENT_LOG: log }).start();
  await daemon.ready();
  await new Promise((r) => setTimeout(r, 1000)); // the connection's own requests settle first
  const phone = new Phone('secretariat', s.secretariat);
  try {
    await new Caller('0142000001', { caller: '0612345678', holdMs: s.holdMs }).result();
    const callId = daemon.callIds()[0];
    if (!callId) throw new Error(`${s.name}: no call reached the daemon`);
    await daemon.waitForLine((l) => l.callId === callId && l.step === 'outcome');
    await settle(5000);
  } finally {
    await phone.stop();
    await daemon.stop();
  }
  const callId = daemon.callIds()[0]!;
  // Only the call's events (the device state ones included, as the dispatcher needs them).
  const events = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const steps = daemon.journal(callId).filter((l) => l.step).map((l) => l.step as string);
  const fixture = { what: s.what, plan: path.relative(REPO, PLAN), callId, capturedAt: new Date().toISOString(), steps, events };
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, `${s.name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  process.stdout.write(`${s.name}: ${events.length} events, ${steps.length} journal steps → test/fixtures/ari/${s.name}.json\n`);
}

async function main(): Promise<void> {
  for (const s of SCENARIOS) await capture(s);
}

main().catch((err: Error) => {
  process.stderr.write(`capture-ari: ${err.message}\n`);
  process.exitCode = 1;
});

// Call history benchmark (docs/history.md): no Asterisk needed. Prints figures; not a test.
//
//   npx tsx bench/history.ts [--calls 5000] [--rows 1000000]
//
// 1. History's CPU per call: the journals of real calls (the interpreter, driven by
//    the simulator: greeting, group, answer) go through the recorder the daemon
//    uses, on a real database file, batched as in the daemon; CPU time
//    (process.cpuUsage) per call, median over batches of 50 calls.
// 2. `accueil stats --since` a month over --rows rows spread over 13 months: the
//    real command (node bin/accueil stats, a fresh process each time), wall time,
//    median of 5; and the query + statistics alone, in process.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import { simulateCall } from '../src/simulator/simulator';
import { isOpenFor } from '../src/daemon/daemon';
import { loadPlan } from '../src/plan/load';
import { openHistoryDb } from '../src/history/db';
import { HistoryRecorder } from '../src/history/recorder';
import { HistoryStore } from '../src/history/store';
import { computeStats } from '../src/history/stats';
import { OUTCOMES, type CallRecord } from '../src/history/record';
import { REPO, flag, percentile, runMain, work } from './lib';

const CALLS = flag('calls', 5000);
const ROWS = flag('rows', 1_000_000);
const BATCH = 50;

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 0.5);

async function cpuPerCall(): Promise<void> {
  const loaded = await loadPlan(path.join(REPO, 'test/e2e/plans/reference-open.yaml'), { soundsDir: path.join(REPO, 'sounds') });
  if (!loaded.ok) throw new Error('the reference plan does not load');
  const plan = loaded.plan;
  const t0 = Date.now();
  const sim = simulateCall({ callId: 'sim', plan, called: '0142000001', caller: '0612345678', arrivedAt: t0 }, isOpenFor(plan), { answer: { secretariat: 3000 } });
  const journal = sim.steps.flatMap((s) => (s.action?.type === 'journal' ? [{ t: s.t, step: s.action.step, reason: s.action.reason, ...(s.action.data ?? {}) }] : []));
  const store = new HistoryStore(openHistoryDb(path.join(work, 'cpu')));
  let now = t0;
  const recorder = new HistoryRecorder({ store, log: { error: (o) => console.error(o) }, now: () => now, settleMs: 0, flushMs: 1e9 });
  const perCall: number[] = [];
  for (let done = 0; done < CALLS; done += BATCH) {
    const before = process.cpuUsage();
    for (let i = 0; i < BATCH; i++) {
      const callId = `call-${done + i}`;
      for (const { t, ...entry } of journal) {
        now = t0 + (done + i) * 60_000 + t;
        recorder.observe({ ...entry, callId });
      }
    }
    recorder.flush(); // what the daemon's timer does: steps, then the rows that are due
    const used = process.cpuUsage(before);
    perCall.push((used.user + used.system) / 1000 / BATCH);
  }
  recorder.close();
  const rows = store.calls({ limit: CALLS + 1 }).length;
  console.log(`  history CPU per call (${journal.length} journal entries a call, ${CALLS} calls, batches of ${BATCH}): median ${median(perCall).toFixed(3)} ms, p90 ${percentile([...perCall].sort((a, b) => a - b), 0.9).toFixed(3)} ms; ${rows} rows written`);
  store.db.close();
}

function statsOverRows(): void {
  const dir = path.join(work, 'stats');
  const store = new HistoryStore(openHistoryDb(dir));
  const end = DateTime.fromISO('2026-11-30T19:00', { zone: 'Europe/Paris' }).toMillis();
  const span = 13 * 30 * 86_400_000;
  const numbers = ['+33142000001', '+33142000002', '+33142000003'];
  const started = Date.now();
  store.db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const arrivedAt = end - Math.floor((i / ROWS) * span);
      const outcome = OUTCOMES[i % OUTCOMES.length]!;
      const row: Omit<CallRecord, 'steps'> = {
        callId: `r${i}`, arrivedAt, endedAt: arrivedAt + 60_000, called: numbers[i % 3]!, number: numbers[i % 3]!, caller: `06${String(i).padStart(8, '0')}`,
        planVersion: 'v', open: true, route: ['group:secretariat'], lines: [], waitedMs: (i * 7919) % 120_000, talkedMs: 30_000, outcome,
        overflowed: i % 4 === 0, message: false, missed: false, resumed: 0,
      };
      store.addCall(row);
    }
  })();
  console.log(`  ${ROWS} rows over 13 months written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const since = DateTime.fromMillis(end, { zone: 'Europe/Paris' }).minus({ months: 1 }).toISODate()!;
  const sinceMs = DateTime.fromISO(since, { zone: 'Europe/Paris' }).toMillis();
  const inProcess: number[] = [];
  let inMonth = 0;
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    const rows = store.statsRows(sinceMs);
    computeStats(rows);
    inProcess.push(Number(process.hrtime.bigint() - t) / 1e6);
    inMonth = rows.length;
  }
  store.db.close();
  const command: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, [path.join(REPO, 'bin/accueil'), 'stats', '--since', since, '--json'], { env: { ...process.env, ACCUEIL_DATA_DIR: dir, TZ: 'Europe/Paris' }, stdio: ['ignore', 'ignore', 'inherit'] });
    command.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`  accueil stats --since ${since} (${inMonth} of the ${ROWS} rows in the month): command ${median(command).toFixed(0)} ms median of 5 (process start included); query + statistics alone ${median(inProcess).toFixed(0)} ms`);
}

runMain('bench/history', async () => {
  console.log(`bench/history: Node ${process.version}`);
  await cpuPerCall();
  statsOverRows();
});

// Wires the call history to the running daemon: the database in ACCUEIL_DATA_DIR,
// the recorder fed by the journal, the missed-call notifier, the daily purge.
// A history that cannot be opened is logged and the daemon routes calls anyway:
// answering the phone matters more than remembering it.

import type { Logger } from 'pino';
import { normaliseNumber } from '../flow/numbers';
import { dataDir, HistoryRecorder, HistoryStore, keepCutoff, MissedNotifier, openHistoryDb } from '../history';
import { notifierEnv } from '../voicemail/notify';
import type { PlanHolder } from './plan-holder';

export interface RunningHistory {
  store: HistoryStore;
  observe(entry: Record<string, unknown>): void;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

export function startHistory(plans: PlanHolder, log: Logger, env: NodeJS.ProcessEnv = process.env): RunningHistory | undefined {
  const dir = dataDir(env);
  let store: HistoryStore;
  try {
    store = new HistoryStore(openHistoryDb(dir), plans.current?.timezone ?? 'Europe/Paris');
  } catch (err) {
    log.error({ event: 'history.unavailable', dir, error: (err as Error).message }, `call history unavailable in ${dir}: ${(err as Error).message}; calls are routed but not recorded`);
    return undefined;
  }
  const { smtp, webhookSecret, retry } = notifierEnv(env);
  const missed = new MissedNotifier({ store, plan: () => plans.current, logger: log, ...(smtp ? { smtp } : {}), ...(webhookSecret ? { webhookSecret } : {}), ...(retry ? { retry } : {}) });
  const recorder = new HistoryRecorder({
    store,
    log,
    numberOf: (called) => {
      const plan = plans.current;
      const key = plan ? normaliseNumber(called, plan.country) : undefined;
      const n = key ? plan?.numbers[key] : undefined;
      return n ? { number: n.e164, name: n.name } : undefined;
    },
    notifies: (record) => missed.notifies(record.number),
    onCall: (record) => {
      if (record.missed && record.number && missed.notifies(record.number)) missed.missed(record.number, record.endedAt);
    },
  });
  const purge = (): void => {
    try {
      const plan = plans.current;
      const gone = store.purge(keepCutoff(Date.now(), plan?.history?.keep, plan?.timezone));
      if (gone > 0) log.info({ event: 'history.purged', calls: gone }, `call history: ${gone} call(s) past the retention period deleted`);
    } catch (err) {
      log.error({ event: 'history.purge_failed', error: (err as Error).message }, `call history: purge failed: ${(err as Error).message}`);
    }
  };
  recorder.recover();
  missed.resume();
  purge();
  const daily = setInterval(purge, DAY_MS);
  daily.unref();
  log.info({ event: 'history.ready', dir }, `call history in ${dir}`);
  return {
    store,
    observe: (entry) => recorder.observe(entry),
    close: async () => {
      clearInterval(daily);
      recorder.close();
      await missed.close();
      store.db.close();
    },
  };
}

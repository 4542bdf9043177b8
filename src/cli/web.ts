// `accueil web --plan <file|dir> [--sounds DIR]`: the manager's page alone, without
// attaching to Asterisk (its plan holder watches the same files as the daemon's).
// `accueil run` serves the same page itself when ACCUEIL_USERS_FILE is set.

import { makeLogger } from '../daemon/logger';
import { PlanHolder } from '../daemon/plan-holder';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DB_FILE, dataDir, HistoryStore, openHistoryDb } from '../history';
import { startManagerPage } from '../web';
import { HistoryCalls } from '../web/history-port';
import { flag, readFlags, soundsDir, UsageError } from './args';

const USAGE = 'usage: accueil web --plan <file|dir> [--sounds DIR]   (ACCUEIL_USERS_FILE, ACCUEIL_WEB_HOST, ACCUEIL_WEB_PORT)';

export default async function web(argv: string[]): Promise<number> {
  let args;
  try {
    args = readFlags(argv, { values: ['plan', 'sounds'] });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`accueil web: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const planPath = flag(args, 'plan') ?? args.positional[0];
  if (!planPath) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const log = makeLogger();
  const sounds = soundsDir(args);
  const plans = new PlanHolder(planPath, { soundsDir: sounds }, log);
  if (!(await plans.start())) {
    process.stderr.write(`accueil web: the plan ${planPath} is not valid (see the errors above)\n`);
    await plans.stop();
    return 1;
  }
  // The call history, read-only, once the daemon has written one (ACCUEIL_DATA_DIR).
  let store: HistoryStore | undefined;
  const history = (): HistoryStore | undefined => {
    if (!store && existsSync(path.join(dataDir(), DB_FILE))) store = new HistoryStore(openHistoryDb(dataDir(), { readonly: true }), plans.current?.timezone);
    return store;
  };
  const page = await startManagerPage({ planPath, soundsDir: sounds, plans, log, ports: { calls: new HistoryCalls(history) } });
  if ('error' in page) {
    process.stderr.write(`accueil web: ${page.error}\n`);
    await plans.stop();
    return 2;
  }
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      void page.close().then(() => plans.stop()).then(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.on('SIGHUP', () => void plans.reload('SIGHUP'));
  });
}

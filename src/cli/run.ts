// `accueil run --plan <file|dir>`: the daemon. Attaches to Asterisk through ARI
// (ARI_URL, ARI_USERNAME, ARI_PASSWORD), routes calls from the plan, reloads the
// plan live, reconnects forever, and stops cleanly on SIGTERM/SIGINT.

import { AriConnection } from '../asterisk/connection';
import { AriRecordings } from '../asterisk/recordings';
import { RecordedAnnouncements } from '../announce/recorded';
import { dataDir } from '../history';
import { Daemon } from '../daemon/daemon';
import { makeLogger } from '../daemon/logger';
import type { JournalEntry } from '../daemon/metrics';
import { SpokenAnnouncements } from '../daemon/speech';
import { startHistory } from '../daemon/history';
import { startObservability } from '../daemon/observability';
import { MessageKeeper } from '../daemon/messages';
import { PlanHolder } from '../daemon/plan-holder';
import { HistoryCalls } from '../web/history-port';
import { startManagerPage } from '../web';
import { flag, readFlags, soundsDir, UsageError } from './args';

/** Texts with placeholders are rendered ahead this often (and at every reload). */

const USAGE = 'usage: accueil run --plan <file|dir> [--sounds DIR]';

export interface AriEnv {
  url: string;
  username: string;
  password: string;
}

/** ARI settings from the environment, or the one-line reason they are unusable. */
export function ariFromEnv(env: NodeJS.ProcessEnv): AriEnv | { error: string } {
  const url = env.ARI_URL ?? 'http://127.0.0.1:8088';
  const password = env.ARI_PASSWORD;
  if (!password) {
    return { error: 'ARI_PASSWORD is not set: export ARI_URL, ARI_USERNAME and ARI_PASSWORD (the sandbox prints them: eval "$(npm run -s asterisk:up)")' };
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    return { error: `ARI_URL "${url}" is not an http(s) URL (expected e.g. http://127.0.0.1:8088)` };
  }
  return { url: url.replace(/\/+$/, ''), username: env.ARI_USERNAME ?? 'accueil', password };
}

/** Started by `npx accueil …` / `npm exec` (npm sets npm_command for what it runs). */
export function startedThroughNpm(env: NodeJS.ProcessEnv): boolean {
  return env.npm_command === 'exec' || env.npm_command === 'run-script' || env.npm_command === 'run';
}

/** Calls `gone` once the process that started this one has exited (this one is adopted by another). */
export function watchParent(gone: () => void, everyMs = 500, ppid: () => number = () => process.ppid): NodeJS.Timeout {
  const parent = ppid();
  const timer = setInterval(() => {
    if (ppid() === parent) return;
    clearInterval(timer);
    gone();
  }, everyMs);
  return timer;
}

export default async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = readFlags(argv, { values: ['plan', 'sounds'] });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`accueil run: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const planPath = flag(args, 'plan') ?? args.positional[0];
  if (!planPath) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const ari = ariFromEnv(process.env);
  if ('error' in ari) {
    process.stderr.write(`accueil run: ${ari.error}\n`);
    return 2;
  }
  const log = makeLogger();
  const app = process.env.ACCUEIL_APP ?? 'accueil';

  // --- spoken announcements (issue 13): texts rendered at load, placeholders ahead; docs/sounds.md
  const spoken = new SpokenAnnouncements(log);
  // Read off the event loop: a hostile or huge plan file must not stall the calls in progress (issue 19).
  const plans = new PlanHolder(planPath, { soundsDir: soundsDir(args), offThread: true, finish: spoken.finish }, log);
  const first = await plans.start();
  if (!first) {
    process.stderr.write(`accueil run: the plan ${planPath} is not valid; nothing to serve (see the errors above)\n`);
    await plans.stop();
    return 1;
  }

  const requestTimeoutMs = Number(process.env.ACCUEIL_ARI_TIMEOUT_MS ?? 5000);
  const eventLog = process.env.ACCUEIL_ARI_EVENT_LOG?.trim();
  const requestsOverSocket = process.env.ACCUEIL_ARI_REQUESTS?.trim() === 'websocket';
  const connection = new AriConnection({ ...ari, app, requestTimeoutMs, requestsOverSocket, ...(eventLog ? { eventLog } : {}) }, log);

  // --- call history (issue 14): ACCUEIL_DATA_DIR, see docs/history.md
  const history = startHistory(plans, log);
  // --- observability (issue 9): /healthz, /readyz, /metrics; see docs/operations.md
  let messages: MessageKeeper | undefined;
  const ops = await startObservability({ connection, plans, log, voicemail: () => messages?.voicemail, ...(history ? { history: history.store } : {}) });
  if ('error' in ops) {
    process.stderr.write(`accueil run: ${ops.error}\n`);
    await history?.close();
    await plans.stop();
    return 2;
  }
  const speech = spoken.start(plans);
  // Recordings come from Asterisk over ARI: no folder shared with Asterisk is needed.
  messages = new MessageKeeper(log, process.env, {
    recordings: new AriRecordings(connection),
    boxes: () => plans.current?.voicemail ?? {},
    onResult: (result) => ops.metrics.voicemailMessage(result),
    inUse: (recording) => daemon.calls.holdsRecording(recording),
  });
  void messages.resume(plans.current?.voicemail ?? {});
  // Recording by phone (docs/sounds.md): the takes kept, in ACCUEIL_DATA_DIR.
  const recorded = RecordedAnnouncements.inDataDir(dataDir());
  try {
    recorded.load();
  } catch (err) {
    log.error({ event: 'studio.unreadable', file: recorded.file, error: (err as Error).message }, `${recorded.file} cannot be read: announcements recorded by phone are not played until it is fixed`);
  }
  const studio = { recorded, pin: (envName: string) => process.env[envName]?.trim() };
  const daemon = new Daemon({ ari: connection, app, plan: () => plans.current, log, messages, speech, studio, onJournal: (entry: JournalEntry) => {
      ops.metrics.observeJournal(entry);
      history?.observe(entry);
    },
    onLineState: (line, state) => ops.metrics.setLineState(line, state),
  });
  ops.metrics.bind({ activeCalls: () => daemon.activeCalls, held: () => daemon.held() });
  // --- end observability

  plans.on('changed', (plan) => daemon.planChanged(plan));
  connection.start();

  // The manager's page (issue 15), when accounts are configured; it shares the plan holder.
  const web = process.env.ACCUEIL_USERS_FILE
    ? await startManagerPage({
        planPath, soundsDir: soundsDir(args), plans, log,
        // The daemon's own store of takes recorded by phone: the page reads it, not the file again.
        ports: { recorded: { takes: () => recorded.all() }, ...(history ? { calls: new HistoryCalls(() => history.store) } : {}) },
        onVoicemailChanged: (box) => void messages.refreshLamps(box),
      })
    : undefined;
  if (!web) log.info({ event: 'web.off' }, "manager's page off (ACCUEIL_USERS_FILE not set; see docs/web.md)");
  if (web && 'error' in web) log.error({ event: 'web.refused', error: web.error }, `manager's page not started: ${web.error}`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ event: 'daemon.stopping', signal, activeCalls: daemon.activeCalls }, `${signal}: stopping`);
      void daemon.shutdown(Number(process.env.ACCUEIL_STOP_GRACE_MS ?? 10000)).then(async () => {
        connection.stop();
        if (web && !('error' in web)) await web.close();
        spoken.stop();
        await ops.close();
        await messages?.close();
        await history?.close();
        await plans.stop();
        log.info({ event: 'daemon.stopped' }, 'stopped');
        log.flush?.();
        resolve(0);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // Through `npx accueil run`, a SIGTERM to npx reaches the shell npm started
    // (which dies without passing it on), not this process: its death is the signal.
    const watch = startedThroughNpm(process.env) ? watchParent(() => stop('SIGTERM (to npx)')) : undefined;
    watch?.unref();
    process.on('SIGHUP', () => void plans.reload('SIGHUP'));
  });
}

// The manager's page, started by `accueil run` (sharing the daemon's plan holder)
// or alone by `accueil web`.

import type { Logger } from 'pino';
import { voicemailDir } from '../voicemail/paths';
import { VoicemailStore } from '../voicemail/store';
import { AuditJournal, auditFile } from './audit';
import type { PlanSource } from './context';
import { RecordedAnnouncements } from '../announce/recorded';
import { dataDir } from '../history/db';
import type { Ports } from './ports';
import { accountsReady, startWeb, webAddress, type RunningWeb } from './server';
import { SoxImport } from './sound-import';
import { SpokenTexts } from './announce-port';

export { webAddress, accountsReady, DEFAULT_WEB_HOST, DEFAULT_WEB_PORT } from './server';
export type { Ports } from './ports';

export interface WebOptions {
  planPath: string;
  soundsDir: string;
  plans: PlanSource;
  log: Logger;
  onVoicemailChanged?: (box: string) => void;
  ports?: Ports;
  env?: NodeJS.ProcessEnv;
}

/** Starts the page, or says in one line why it does not (no account, bad port, port taken). */
export async function startManagerPage(opts: WebOptions): Promise<RunningWeb | { error: string }> {
  const env = opts.env ?? process.env;
  const address = webAddress(env);
  if ('error' in address) return address;
  const accounts = await accountsReady(env);
  if ('error' in accounts) return accounts;
  const now = (): number => Date.now();
  const ports: Ports = { ...(opts.ports ?? {}) };
  if (!ports.soundImport && (await SoxImport.available())) ports.soundImport = new SoxImport(opts.soundsDir);
  ports.texts ??= new SpokenTexts();
  // Read at each view: `accueil web` alone sees what the daemon's studio kept.
  ports.recorded ??= { takes: () => RecordedAnnouncements.inDataDir(dataDir(env)).load().all() };
  try {
    const web = await startWeb({
      planPath: opts.planPath,
      soundsDir: opts.soundsDir,
      plans: opts.plans,
      usersFile: accounts.file,
      voicemail: new VoicemailStore({ dir: voicemailDir(env), logger: opts.log }),
      ...(opts.onVoicemailChanged ? { onVoicemailChanged: opts.onVoicemailChanged } : {}),
      audit: new AuditJournal(auditFile(env, accounts.file)!, now),
      now,
      ports,
    }, address.host, address.port);
    opts.log.info({ event: 'web.listening', url: web.url }, `manager's page on ${web.url}`);
    return web;
  } catch (err) {
    return { error: `the manager's page cannot listen on ${address.host}:${address.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

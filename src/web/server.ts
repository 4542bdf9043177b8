// Starting the page: where it listens (ACCUEIL_WEB_HOST, ACCUEIL_WEB_PORT; loopback
// 127.0.0.1:8080 by default: exposure beyond it goes through a reverse proxy with
// TLS, see docs/web.md), and the refusal to start without accounts.

import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import type { WebDeps } from './context';
import { readAccounts, usersFile } from './users';

export const DEFAULT_WEB_HOST = '127.0.0.1';
export const DEFAULT_WEB_PORT = 8080;

export function webAddress(env: NodeJS.ProcessEnv): { host: string; port: number } | { error: string } {
  const host = env.ACCUEIL_WEB_HOST || DEFAULT_WEB_HOST;
  const raw = env.ACCUEIL_WEB_PORT;
  const port = raw === undefined || raw === '' ? DEFAULT_WEB_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: `ACCUEIL_WEB_PORT "${raw}" is not a port number (expected 1-65535, default ${DEFAULT_WEB_PORT})` };
  return { host, port };
}

/** The users file, if it holds at least one account; else the clear reason the page does not start. */
export async function accountsReady(env: NodeJS.ProcessEnv): Promise<{ file: string } | { error: string }> {
  const file = usersFile(env);
  if (typeof file !== 'string') return file;
  let accounts;
  try {
    accounts = await readAccounts(file);
  } catch (err) {
    return { error: `the users file ${file} cannot be read: ${(err as Error).message}` };
  }
  if (accounts.length === 0) return { error: `no account in ${file}: the page does not start without one (there is no default password). Create one: ACCUEIL_USERS_FILE=${file} accueil user add NAME --role manager|admin` };
  return { file };
}

export interface RunningWeb {
  url: string;
  close(): Promise<void>;
}

export async function startWeb(deps: WebDeps, host: string, port: number): Promise<RunningWeb> {
  const { app } = buildApp(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      });
    });
    server.once('error', reject);
  });
}

// The operator's HTTP endpoint: /healthz (the process answers), /readyz (ARI
// connected and a plan in force), /metrics (Prometheus text). node:http only:
// three read-only routes do not justify a framework. Bound to loopback unless
// ACCUEIL_HTTP_HOST says otherwise (in a container: 0.0.0.0 on its own network).

import { timingSafeEqual, createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const DEFAULT_HTTP_PORT = 9090;
export const DEFAULT_HTTP_HOST = '127.0.0.1';

export type HttpSettings = { host: string; port: number } | { disabled: true };

/**
 * ACCUEIL_HTTP_HOST (default 127.0.0.1) and ACCUEIL_HTTP_PORT (default 9090;
 * "off" disables the endpoint; 0 lets the system pick a free port, logged at start).
 */
export function httpFromEnv(env: NodeJS.ProcessEnv): HttpSettings | { error: string } {
  const rawPort = (env.ACCUEIL_HTTP_PORT ?? '').trim();
  if (rawPort.toLowerCase() === 'off') return { disabled: true };
  const port = rawPort === '' ? DEFAULT_HTTP_PORT : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { error: `ACCUEIL_HTTP_PORT "${rawPort}" is not a port number (0-65535) or "off"` };
  }
  const host = (env.ACCUEIL_HTTP_HOST ?? '').trim() || DEFAULT_HTTP_HOST;
  return { host, port };
}

export interface Readiness {
  ari: string;
  planVersion: string | null;
  /** Whether messages left can be stored (Asterisk's recordings readable), if the daemon keeps voicemail. */
  voicemail?: { available: boolean; reason?: string };
}

export interface HttpDeps {
  /** Where the daemon stands now: ARI connection state and the plan in force. */
  readiness: () => Readiness;
  metrics: { text(): Promise<string>; contentType: string };
  /** /api/calls (the call history): query parameters → JSON, or an error for a bad query. */
  calls?: (query: URLSearchParams) => { status: number; body: unknown };
  startedAt?: number;
  now?: () => number;
  /** ACCUEIL_HTTP_TOKEN: when set, /readyz and /metrics need `Authorization: Bearer <token>` from any client not on loopback. */
  token?: string;
}

/** Whether an address is this machine's own (a client on loopback needs no token: it is already inside). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

/** The host is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopback(host);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  // Equal-length digests: the comparison takes the same time whatever was sent.
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

/** Until the web page's authentication exists, the call history is for the machine itself only. */
function fromLoopback(req: http.IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

function send(res: http.ServerResponse, status: number, body: string, type: string, head: boolean): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(head ? undefined : body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, head: boolean): void {
  send(res, status, `${JSON.stringify(value)}\n`, 'application/json; charset=utf-8', head);
}

/** The request handler alone, so it is tested without a socket. */
export function makeHandler(deps: HttpDeps): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const now = deps.now ?? Date.now;
  const startedAt = deps.startedAt ?? now();
  return async (req, res) => {
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: `method ${method} not allowed` }, false);
      return;
    }
    const [path, search = ''] = (req.url ?? '/').split('?');
    // /readyz and /metrics tell who is on a call: behind the token when one is set.
    if (deps.token && (path === '/readyz' || path === '/metrics') && !isLoopback(req.socket?.remoteAddress) && !tokenMatches(req.headers.authorization, deps.token)) {
      res.setHeader('www-authenticate', 'Bearer realm="accueil"');
      sendJson(res, 401, { error: 'a bearer token is required (Authorization: Bearer <ACCUEIL_HTTP_TOKEN>)' }, head);
      return;
    }
    switch (path) {
      case '/api/calls': {
        if (!deps.calls) break;
        if (!fromLoopback(req)) {
          sendJson(res, 403, { error: 'the call history is served to loopback only' }, head);
          return;
        }
        const answer = deps.calls(new URLSearchParams(search));
        sendJson(res, answer.status, answer.body, head);
        return;
      }
      case '/healthz':
        sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round((now() - startedAt) / 1000) }, head);
        return;
      case '/readyz': {
        const r = deps.readiness();
        const missing: string[] = [];
        if (r.ari !== 'connected') missing.push('ari');
        if (r.planVersion === null) missing.push('plan');
        if (r.voicemail && !r.voicemail.available) missing.push('voicemail');
        const ready = missing.length === 0;
        const voicemail = r.voicemail ? { voicemail: r.voicemail.available ? 'available' : `unavailable: ${r.voicemail.reason ?? 'unknown'}` } : {};
        sendJson(res, ready ? 200 : 503, { ready, ari: r.ari, planVersion: r.planVersion, ...voicemail, missing }, head);
        return;
      }
      case '/metrics':
        try {
          send(res, 200, await deps.metrics.text(), deps.metrics.contentType, head);
        } catch (err) {
          sendJson(res, 500, { error: `metrics: ${(err as Error).message}` }, head);
        }
        return;
    }
    sendJson(res, 404, { error: `no route ${path}`, routes: ['/healthz', '/readyz', '/metrics', ...(deps.calls ? ['/api/calls'] : [])] }, head);
  };
}

export interface RunningHttp {
  /** The port actually bound (differs from the setting when it was 0). */
  port: number;
  close(): Promise<void>;
}

export async function startHttp(settings: { host: string; port: number }, deps: HttpDeps): Promise<RunningHttp> {
  const handler = makeHandler(deps);
  const server = http.createServer((req, res) => void handler(req, res));
  // A scraper's keep-alive socket must not hold the daemon's stop.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// The REST requests a call makes (answer, play, ring, create, dial, bridge, hang up,
// keep its snapshot…) and the watch of every line go through this thin client of our
// own, nothing built at run time: one HTTP request each over a few kept-alive sockets,
// or, when asked (ACCUEIL_ARI_REQUESTS=websocket) and Asterisk takes them there, over the
// events websocket (ARI REST over WebSocket: Asterisk 20.12, 21.7, 22.2 and later; no HTTP
// to build and parse, but Asterisk runs one websocket's requests one after the other).
// ari-client builds every request through swagger-client and serves the rest (listings,
// originate, recordings), so it stays the reference for what is not on a call's path.
// Measured: bench/ari-rest.ts, docs/performance.md.

import * as http from 'node:http';
import * as https from 'node:https';

export interface RestSettings {
  url: string;
  username: string;
  password: string;
  /** A request not answered by then is abandoned (its socket closed). */
  requestTimeoutMs: number;
}

/** An error answer from ARI: its status and Asterisk's own message ("Channel not found"). */
export class AriRestError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** A request's answer over the events websocket (type RESTResponse). */
export interface RestResponse {
  type: 'RESTResponse';
  request_id?: string;
  status_code: number;
  message_body?: string;
}

export const isRestResponse = (m: { type?: unknown }): m is RestResponse => m.type === 'RESTResponse';

interface Waiting {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  what: string;
  sentAt: number;
}

type QueryValue = string | number | boolean | undefined;
type Query = Record<string, QueryValue>;

const path = (...parts: string[]): string => parts.map(encodeURIComponent).join('/');

export class AriRest {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly host: string;
  private readonly port: number;
  private readonly prefix: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  /** The events websocket, once Asterisk answered a request there. */
  private socket: { send(text: string): void } | undefined;
  private readonly waiting = new Map<string, Waiting>();
  private nextId = 0;
  private sweep: NodeJS.Timeout | undefined;

  constructor(settings: RestSettings) {
    this.timeoutMs = settings.requestTimeoutMs;
    const url = new URL(settings.url);
    const secure = url.protocol === 'https:';
    this.transport = secure ? https : http;
    // A few sockets kept open: a call's requests follow one another, a burst of calls shares them.
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 16 });
    this.host = url.hostname;
    this.port = url.port ? Number(url.port) : secure ? 443 : 80;
    this.prefix = `${url.pathname.replace(/\/$/, '')}/ari/`;
    this.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
  }

  /** Closes the kept sockets (the connection is dropped or stopped); a request still waiting on the websocket fails. */
  close(): void {
    this.agent.destroy();
    this.socket = undefined;
    clearInterval(this.sweep);
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      w.reject(new Error(`ARI connection lost before the answer to ${w.what}`));
    }
  }

  /**
   * Sends the requests over the events websocket from now on if Asterisk answers one
   * there within `withinMs` (`answer` must be given the RESTResponses read from it);
   * resolves whether it does. An Asterisk without ARI REST over WebSocket ignores it.
   */
  async tryOverSocket(socket: { send(text: string): void }, withinMs: number): Promise<boolean> {
    this.socket = socket;
    this.sweep ??= setInterval(() => this.expire(), 1000);
    this.sweep.unref();
    try {
      await Promise.race([this.send('GET', 'asterisk/ping'), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), withinMs).unref())]);
      return true;
    } catch {
      this.socket = undefined;
      return false;
    }
  }

  /** An answer read from the events websocket. */
  answer(m: RestResponse): void {
    const w = m.request_id === undefined ? undefined : this.waiting.get(m.request_id);
    if (!w) return; // abandoned (timed out) meanwhile
    this.waiting.delete(m.request_id!);
    settle(w, m.status_code, m.message_body ?? '');
  }

  /** One request; resolves with the JSON answer (undefined for 204), rejects with AriRestError. */
  send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', resource: string, query: Query = {}, body?: unknown): Promise<unknown> {
    if (this.socket) return this.sendOverSocket(this.socket, method, resource, query, body);
    let qs = '';
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      qs += `${qs ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { authorization: this.authorization };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = this.transport.request({ agent: this.agent, host: this.host, port: this.port, method, path: this.prefix + resource + qs, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => settle({ resolve, reject, what: `${method} ${resource}` }, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`ARI request timed out after ${this.timeoutMs} ms: ${method} ${resource}`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  private sendOverSocket(socket: { send(text: string): void }, method: string, resource: string, query: Query, body: unknown): Promise<unknown> {
    const id = String(++this.nextId);
    const queryStrings: { name: string; value: string }[] = [];
    for (const [name, value] of Object.entries(query)) if (value !== undefined) queryStrings.push({ name, value: String(value) });
    const request = {
      type: 'RESTRequest', request_id: id, method, uri: resource,
      ...(queryStrings.length ? { query_strings: queryStrings } : {}),
      ...(body === undefined ? {} : { content_type: 'application/json', message_body: JSON.stringify(body) }),
    };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, what: `${method} ${resource}`, sentAt: Date.now() });
      try {
        socket.send(JSON.stringify(request));
      } catch (err) {
        this.waiting.delete(id);
        reject(err as Error);
      }
    });
  }

  /** Requests on the websocket past their bound are abandoned, as an HTTP request's socket would be closed. */
  private expire(): void {
    const before = Date.now() - this.timeoutMs;
    for (const [id, w] of this.waiting) {
      if (w.sentAt > before) continue;
      this.waiting.delete(id);
      w.reject(new Error(`ARI request timed out after ${this.timeoutMs} ms: ${w.what}`));
    }
  }

  // ── the requests of a call, named and shaped as ari-client's (so call sites read the same) ──

  readonly channels = {
    answer: (p: { channelId: string }) => this.send('POST', `${path('channels', p.channelId)}/answer`),
    hangup: (p: { channelId: string; reason?: string }) => this.send('DELETE', path('channels', p.channelId), { reason: p.reason }),
    play: (p: { channelId: string; media: string | string[]; playbackId?: string; lang?: string }) =>
      this.send('POST', `${path('channels', p.channelId)}/play`, { media: [p.media].flat().join(','), playbackId: p.playbackId, lang: p.lang }),
    ring: (p: { channelId: string }) => this.send('POST', `${path('channels', p.channelId)}/ring`),
    ringStop: (p: { channelId: string }) => this.send('DELETE', `${path('channels', p.channelId)}/ring`),
    startMoh: (p: { channelId: string; mohClass?: string }) => this.send('POST', `${path('channels', p.channelId)}/moh`, { mohClass: p.mohClass }),
    stopMoh: (p: { channelId: string }) => this.send('DELETE', `${path('channels', p.channelId)}/moh`),
    setChannelVar: (p: { channelId: string; variable: string; value?: string }) =>
      this.send('POST', `${path('channels', p.channelId)}/variable`, { variable: p.variable, value: p.value }),
    record: (p: {
      channelId: string; name: string; format: string; maxDurationSeconds?: number; maxSilenceSeconds?: number; beep?: boolean; terminateOn?: string; ifExists?: string;
    }) => {
      const { channelId, ...query } = p;
      return this.send('POST', `${path('channels', channelId)}/record`, query);
    },
    create: (p: { endpoint: string; app: string; appArgs?: string; channelId?: string; originator?: string; variables?: Record<string, string> }) => {
      const { variables, ...query } = p;
      return this.send('POST', 'channels/create', query, variables ? { variables } : undefined);
    },
    dial: (p: { channelId: string; caller?: string; timeout?: number }) => {
      const { channelId, ...query } = p;
      return this.send('POST', `${path('channels', channelId)}/dial`, query);
    },
    continueInDialplan: (p: { channelId: string; context?: string; extension?: string; priority?: number; label?: string }) => {
      const { channelId, ...query } = p;
      return this.send('POST', `${path('channels', channelId)}/continue`, query);
    },
  };

  readonly bridges = {
    create: (p: { type?: string; bridgeId?: string; name?: string }) => this.send('POST', 'bridges', p),
    addChannel: (p: { bridgeId: string; channel: string | string[] }) =>
      this.send('POST', `${path('bridges', p.bridgeId)}/addChannel`, { channel: [p.channel].flat().join(',') }),
    destroy: (p: { bridgeId: string }) => this.send('DELETE', path('bridges', p.bridgeId)),
  };

  readonly playbacks = {
    stop: (p: { playbackId: string }) => this.send('DELETE', path('playbacks', p.playbackId)),
  };

  // At every (re)connection, one pair per line watched: a burst of them. Through this
  // client it shares its few sockets; through ari-client it opened one socket per
  // request, beyond Asterisk's 100 HTTP sessions with a few hundred lines.
  readonly applications = {
    /** Only these event types reach the application (an empty list would mean all). */
    filter: (p: { applicationName: string; allowed: string[] }) =>
      this.send('PUT', `${path('applications', p.applicationName)}/eventFilter`, {}, { allowed: p.allowed.map((type) => ({ type })) }),
    subscribe: (p: { applicationName: string; eventSource: string }) =>
      this.send('POST', `${path('applications', p.applicationName)}/subscription`, { eventSource: p.eventSource }),
  };

  readonly endpoints = {
    get: (p: { tech: string; resource: string }) => this.send('GET', path('endpoints', p.tech, p.resource)),
  };
}

/** An answer's status and body → the request's outcome, the same over HTTP and over the websocket. */
function settle(w: Pick<Waiting, 'resolve' | 'reject' | 'what'>, status: number, text: string): void {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (status >= 200 && status < 300) w.resolve(json);
  else w.reject(new AriRestError((json as { message?: string } | undefined)?.message ?? `HTTP ${status} for ${w.what}`, status));
}

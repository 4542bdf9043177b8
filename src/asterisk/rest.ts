// The REST requests a call makes (answer, play, ring, create, dial, bridge, hang up,
// keep its snapshot…) and the watch of every line go through this thin client of our
// own: one HTTP request each over a few kept-alive sockets, nothing built at run time. ari-client builds every request
// through swagger-client and serves the rest (listings, subscriptions, endpoints,
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

  /** Closes the kept sockets (the connection is dropped or stopped). */
  close(): void {
    this.agent.destroy();
  }

  /** One request; resolves with the JSON answer (undefined for 204), rejects with AriRestError. */
  send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', resource: string, query: Query = {}, body?: unknown): Promise<unknown> {
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
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(json);
          else reject(new AriRestError((json as { message?: string } | undefined)?.message ?? `HTTP ${status} for ${method} ${resource}`, status));
        });
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`ARI request timed out after ${this.timeoutMs} ms: ${method} ${resource}`)));
      req.on('error', reject);
      req.end(payload);
    });
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

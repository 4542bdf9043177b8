// The ARI connection, owned end to end: ari-client gives up reconnecting after
// a few tries (WebSocketMaxRetries) and its REST calls can hang while Asterisk
// is down, so this module runs its own endless, backed-off, jittered loop and
// puts a timeout on every request.

import { EventEmitter } from 'events';
import { appendFileSync } from 'fs';
import * as ari from 'ari-client';
import WebSocket from 'ws';
import type { Logger } from 'pino';
import { AriRest, isRestResponse } from './rest';

export interface AriSettings {
  url: string;
  username: string;
  password: string;
  app: string;
  /** Bound on every REST request. */
  requestTimeoutMs: number;
  /**
   * ACCUEIL_ARI_EVENT_LOG: every event received, one JSON line each, appended to this
   * file — for diagnosis and for the adapter's test fixtures, never in production (a
   * synchronous write per event, and callers' numbers in it).
   */
  eventLog?: string;
  /**
   * ACCUEIL_ARI_REQUESTS=websocket: a call's requests go over the events websocket where
   * Asterisk takes them there (HTTP otherwise). Not the default: Asterisk reads the
   * requests of one websocket one after the other, so one request slow to execute (a
   * command waiting for its channel) would hold every call's next requests behind it,
   * where over HTTP each request has its own thread (docs/performance.md).
   */
  requestsOverSocket?: boolean;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

/** A raw ARI event as Asterisk sends it (JSON), with the fields Accueil reads. */
export interface AriEvent {
  type: string;
  application?: string;
  timestamp?: string;
  channel?: AriChannel;
  peer?: AriChannel;
  args?: string[];
  playback?: { id: string; state: string; target_uri?: string; media_uri?: string };
  recording?: { name: string; state: string; duration?: number; target_uri?: string; cause?: string };
  digit?: string;
  dialstatus?: string;
  cause?: number;
  cause_txt?: string;
  /** ChannelHangupRequest: a soft request (Asterisk's own, e.g. a transfer), not the far end hanging up. */
  soft?: boolean;
  device_state?: { name: string; state: string };
  bridge?: { id: string };
  [key: string]: unknown;
}

export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller?: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime?: string;
  channelvars?: Record<string, string>;
}

export class AriTimeoutError extends Error {}

/**
 * The event types the daemon reads (calls.ts, device-states.ts, the line metrics);
 * Asterisk sends the application only these (its per-application event filter), not
 * the dozen others of every call (ChannelVarset at each variable, ChannelDialplan,
 * PlaybackStarted…) that would be built, sent and parsed for nothing. A unit test
 * keeps the list in step with what the adapter reads.
 */
export const EVENTS_READ = [
  'StasisStart', 'StasisEnd', 'ChannelDtmfReceived', 'PlaybackFinished', 'RecordingFinished', 'RecordingFailed',
  'Dial', 'ChannelStateChange', 'ChannelHangupRequest', 'ChannelDestroyed', 'ChannelLeftBridge', 'DeviceStateChanged',
] as const;

type Hot<R, Own> = Omit<R, keyof Own> & Own;

/**
 * What `request` hands to its caller: ari-client's client, except the requests a
 * call makes and the watch of the lines, which go through our thin client (src/asterisk/rest.ts).
 */
export type AriClient = Omit<ari.Client, 'channels' | 'bridges' | 'playbacks' | 'applications' | 'endpoints'> & {
  channels: Hot<ari.Client['channels'], AriRest['channels']>;
  bridges: Hot<ari.Client['bridges'], AriRest['bridges']>;
  playbacks: Hot<ari.Client['playbacks'], AriRest['playbacks']>;
  applications: Hot<ari.Client['applications'], AriRest['applications']>;
  endpoints: Hot<ari.Client['endpoints'], AriRest['endpoints']>;
};

/** ari-client's resources with the thin client's methods laid over them. */
function withThinRequests(client: ari.Client, rest: AriRest): AriClient {
  return Object.assign(Object.create(client) as ari.Client, {
    channels: Object.assign(Object.create(client.channels) as ari.Client['channels'], rest.channels),
    bridges: Object.assign(Object.create(client.bridges) as ari.Client['bridges'], rest.bridges),
    playbacks: Object.assign(Object.create(client.playbacks) as ari.Client['playbacks'], rest.playbacks),
    applications: Object.assign(Object.create(client.applications) as ari.Client['applications'], rest.applications),
    endpoints: Object.assign(Object.create(client.endpoints) as ari.Client['endpoints'], rest.endpoints),
  }) as AriClient;
}

/**
 * Backoff with jitter: 0.25 s, 0.5 s, 1 s, then every 0.5–1 s. A local Asterisk
 * is cheap to knock on, and calls must be routed again within seconds of its return.
 */
export function reconnectDelay(attempt: number, capMs = 1000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, 250 * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AriTimeoutError(`ARI request timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * ari-client's swagger-client prints a deprecation notice with console.log on
 * every connect; stdout carries the JSON journal, so that notice is dropped.
 */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]): void => {
    if (!/deprecated version of Swagger/.test(String(args[0]))) original(...args);
  };
  try {
    return await work();
  } finally {
    console.log = original;
  }
}

/** How often the events websocket is pinged; a connection silent for two periods is dead. */
const PING_MS = 5000;

/**
 * The events websocket URL with the credentials in the query string (api_key=user:password),
 * for tools that cannot send headers. The daemon does not use it: a query string lands in
 * proxy and access logs; it sends an Authorization header instead (eventsRequest).
 */
export function eventsUrl(settings: Pick<AriSettings, 'url' | 'username' | 'password' | 'app'>): string {
  const base = settings.url.replace(/^http/, 'ws');
  const key = encodeURIComponent(`${settings.username}:${settings.password}`);
  return `${base}/ari/events?app=${encodeURIComponent(settings.app)}&api_key=${key}`;
}

/** The events websocket URL without credentials, and the Basic Authorization header that carries them. */
export function eventsRequest(settings: Pick<AriSettings, 'url' | 'username' | 'password' | 'app'>): { url: string; headers: Record<string, string> } {
  const base = settings.url.replace(/^http/, 'ws');
  return {
    url: `${base}/ari/events?app=${encodeURIComponent(settings.app)}`,
    headers: { authorization: `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}` },
  };
}

/**
 * Emits: 'connected' (after every (re)connection: reconcile then), 'disconnected',
 * 'event' (AriEvent), 'state' (ConnectionState).
 *
 * ari-client serves the REST requests; the events websocket is our own (ws):
 * ari-client's reconnects give up after a few tries and a dropped client of its
 * still reopens a socket it had scheduled, so one loop here owns both.
 */
export class AriConnection extends EventEmitter {
  private client: AriClient | undefined;
  private thin: AriRest | undefined;
  private socket: WebSocket | undefined;
  /** The call requests' way to Asterisk on this connection (logged at each connection). */
  private requestsGo: 'websocket' | 'http' = 'http';
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private _state: ConnectionState = 'disconnected';
  private everConnected = false;
  reconnects = 0;

  constructor(private readonly settings: AriSettings, private readonly log: Logger) {
    super();
  }

  get state(): ConnectionState {
    return this._state;
  }

  start(): void {
    this.setState('connecting');
    void this.connectOnce();
  }

  stop(): void {
    this.setState('stopped');
    clearTimeout(this.retryTimer);
    this.drop();
  }

  /** The REST side, for src/asterisk only. Throws when not connected. */
  rest(): AriClient {
    if (!this.client || this._state !== 'connected') throw new Error('ARI is not connected');
    return this.client;
  }

  request<T>(what: string, call: (client: AriClient) => Promise<T>): Promise<T> {
    return withTimeout(call(this.rest()), this.settings.requestTimeoutMs, what);
  }

  /**
   * A plain HTTP request to ARI (`resource` under /ari/), for what ari-client does
   * not serve well: a stored recording's audio (binary). Bounded like every request;
   * the caller reads the body.
   */
  async http(method: 'GET' | 'DELETE', resource: string): Promise<Response> {
    const { url, username, password, requestTimeoutMs } = this.settings;
    return fetch(`${url}/ari/${resource}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  }

  private stopped(): boolean {
    return this._state === 'stopped';
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }

  private async connectOnce(): Promise<void> {
    if (this.stopped()) return;
    const { url, username, password, requestTimeoutMs } = this.settings;
    try {
      await this.probe();
      const client = await quietly(() => withTimeout(ari.connect(url, username, password), requestTimeoutMs, 'connect'));
      if (this.stopped()) return;
      this.thin = new AriRest(this.settings);
      this.client = withThinRequests(client, this.thin);
      const events = eventsRequest(this.settings);
      const socket = new WebSocket(events.url, { handshakeTimeout: requestTimeoutMs, headers: events.headers });
      this.socket = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
        socket.once('unexpected-response', (_req, res) => reject(new Error(`websocket refused: HTTP ${res.statusCode}`)));
      });
      if (this.stopped()) return;
      // Answers to requests are read at once; events only from 'connected' on (those before
      // are found by the reconciliation that 'connected' starts).
      let ready = false;
      const thin = this.thin;
      socket.on('message', (data) => this.onMessage(String(data), thin, ready));
      // The filter first: it applies to the answers on the websocket too (a filter set by an
      // earlier connection without them would hide the probe's answer).
      await this.filterEvents();
      if (this.stopped()) return;
      const overSocket = this.settings.requestsOverSocket === true && (await thin.tryOverSocket(socket, Math.min(2000, requestTimeoutMs)));
      this.requestsGo = overSocket ? 'websocket' : 'http';
      if (this.stopped()) return;
      let alive = true;
      socket.on('pong', () => (alive = true));
      ready = true;
      socket.on('close', () => this.onLost(socket, 'websocket closed'));
      socket.on('error', (err) => this.onLost(socket, err.message));
      this.pingTimer = setInterval(() => {
        if (!alive) {
          this.onLost(socket, 'no pong');
          return;
        }
        alive = false;
        socket.ping();
      }, PING_MS);
      this.onOpen();
    } catch (err) {
      this.drop();
      this.scheduleRetry(err);
    }
  }

  /**
   * Asterisk's HTTP server answers 503 for a moment while ARI loads, and
   * swagger-client (inside ari-client) throws that 503 where nobody can catch
   * it: ari.connect is called only once ARI's own description answers 200.
   */
  private async probe(): Promise<void> {
    const { url, username, password, requestTimeoutMs } = this.settings;
    const res = await fetch(`${url}/ari/api-docs/resources.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    await res.arrayBuffer();
    if (res.status === 401) throw new Error('ARI refused the credentials (ARI_USERNAME / ARI_PASSWORD)');
    if (!res.ok) throw new Error(`ARI not ready: HTTP ${res.status}`);
  }

  /** Asks Asterisk for the events the daemon reads only; without the filter (an old Asterisk) every event comes, as before. */
  private async filterEvents(): Promise<void> {
    try {
      // Asterisk filters the answers to requests made on the websocket as events: they are let through.
      const allowed = [...EVENTS_READ, 'RESTResponse'];
      await withTimeout(this.thin!.applications.filter({ applicationName: this.settings.app, allowed }), this.settings.requestTimeoutMs, 'event filter');
    } catch (err) {
      this.log.warn({ event: 'ari.event_filter_failed', error: (err as Error).message }, 'Asterisk did not take the event filter: every event of the application comes');
    }
  }

  private onMessage(text: string, thin: AriRest, ready: boolean): void {
    let event: AriEvent;
    try {
      event = JSON.parse(text) as AriEvent;
    } catch {
      this.log.warn({ event: 'ari.bad_event', text: text.slice(0, 200) }, 'unreadable ARI event');
      return;
    }
    if (isRestResponse(event)) {
      thin.answer(event);
      return;
    }
    if (!ready) return;
    if (this.settings.eventLog) appendFileSync(this.settings.eventLog, `${text.replace(/\n/g, ' ')}\n`);
    this.emit('event', event);
  }

  private onOpen(): void {
    if (this.everConnected) this.reconnects++;
    this.everConnected = true;
    this.attempt = 0;
    this.setState('connected');
    this.log.info({ event: 'ari.connected', url: this.settings.url, app: this.settings.app, requests: this.requestsGo }, `ARI connected (a call's requests over ${this.requestsGo === 'websocket' ? 'the events websocket' : 'HTTP'})`);
    this.emit('connected');
  }

  private onLost(socket: WebSocket, why: string): void {
    if (socket !== this.socket || this.stopped()) return;
    this.drop();
    if (this._state === 'connected') {
      this.setState('disconnected');
      this.log.warn({ event: 'ari.disconnected', why }, 'ARI connection lost; reconnecting');
      this.emit('disconnected');
    }
    this.scheduleRetry(new Error(why));
  }

  private scheduleRetry(err: unknown): void {
    if (this.stopped()) return;
    if (this._state !== 'disconnected') this.setState('connecting');
    const delay = reconnectDelay(this.attempt++);
    this.log.warn(
      { event: 'ari.retry', attempt: this.attempt, delayMs: delay, error: err instanceof Error ? err.message : String(err) },
      `cannot reach ARI at ${this.settings.url}; retrying in ${delay} ms`,
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connectOnce(), delay);
  }

  private drop(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => undefined); // a late error of a socket we let go
      socket.terminate();
    }
    this.client = undefined;
    this.thin?.close();
    this.thin = undefined;
  }
}

// The ARI connection, owned end to end: ari-client gives up reconnecting after
// a few tries (WebSocketMaxRetries) and its REST calls can hang while Asterisk
// is down, so this module runs its own endless, backed-off, jittered loop and
// puts a timeout on every request.

import { EventEmitter } from 'events';
import * as ari from 'ari-client';
import type { Logger } from 'pino';

export interface AriSettings {
  url: string;
  username: string;
  password: string;
  app: string;
  /** Bound on every REST request. */
  requestTimeoutMs: number;
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

/** Backoff with full jitter: 0.5 s, 1 s, 2 s … capped at `capMs`. */
export function reconnectDelay(attempt: number, capMs = 5000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, 500 * 2 ** Math.min(attempt, 10));
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

/**
 * Emits: 'connected' (after every (re)connection: reconcile then), 'disconnected',
 * 'event' (AriEvent), 'state' (ConnectionState).
 */
export class AriConnection extends EventEmitter {
  private client: ari.Client | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private _state: ConnectionState = 'disconnected';
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
    this.dropClient();
  }

  /** The REST side of ari-client, for src/asterisk only. Throws when not connected. */
  rest(): ari.Client {
    if (!this.client || this._state !== 'connected') throw new Error('ARI is not connected');
    return this.client;
  }

  request<T>(what: string, call: (client: ari.Client) => Promise<T>): Promise<T> {
    return withTimeout(call(this.rest()), this.settings.requestTimeoutMs, what);
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
    if (this._state === 'stopped') return;
    const { url, username, password, app, requestTimeoutMs } = this.settings;
    try {
      const client = await quietly(() => withTimeout(ari.connect(url, username, password), requestTimeoutMs, 'connect'));
      if (this.stopped()) {
        (client as unknown as { stop(): void }).stop();
        return;
      }
      this.client = client;
      // Events are routed by the application from the raw JSON: no per-instance
      // listeners (they pile up across calls and reconnects).
      client.on('*' as never, ((event: AriEvent) => this.emit('event', event)) as never);
      client.on('WebSocketConnected' as never, (() => this.onOpen()) as never);
      client.on('WebSocketReconnecting' as never, (() => this.onLost('websocket reconnecting')) as never);
      client.on('WebSocketMaxRetries' as never, (() => this.onGiveUp()) as never);
      await withTimeout(client.start(app), requestTimeoutMs, 'start websocket');
    } catch (err) {
      this.dropClient();
      this.scheduleRetry(err);
    }
  }

  private everConnected = false;

  private onOpen(): void {
    if (this.everConnected) this.reconnects++;
    this.everConnected = true;
    this.attempt = 0;
    this.setState('connected');
    this.log.info({ event: 'ari.connected', url: this.settings.url, app: this.settings.app }, 'ARI connected');
    this.emit('connected');
  }

  private onLost(why: string): void {
    if (this._state === 'connected') {
      this.setState('disconnected');
      this.log.warn({ event: 'ari.disconnected', why }, 'ARI connection lost; reconnecting');
      this.emit('disconnected');
    }
  }

  /** ari-client stopped retrying: throw the client away and start over, forever. */
  private onGiveUp(): void {
    this.onLost('websocket gave up');
    this.dropClient();
    this.scheduleRetry(new Error('websocket retries exhausted'));
  }

  private scheduleRetry(err: unknown): void {
    if (this._state === 'stopped') return;
    if (this._state === 'connected') this.onLost('error');
    if (this._state !== 'disconnected') this.setState('connecting');
    const delay = reconnectDelay(this.attempt++);
    this.log.warn(
      { event: 'ari.retry', attempt: this.attempt, delayMs: delay, error: err instanceof Error ? err.message : String(err) },
      `cannot reach ARI at ${this.settings.url}; retrying in ${delay} ms`,
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connectOnce(), delay);
  }

  private dropClient(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    (client as unknown as EventEmitter).removeAllListeners();
    try {
      (client as unknown as { stop(): void }).stop();
    } catch {
      // already closed
    }
  }
}

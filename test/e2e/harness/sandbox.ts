// The sandbox Asterisk as the tests see it: ARI settings, REST look-ups, and
// an observer that records every ARI event (what the caller heard, what rang).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import WebSocket from 'ws';

export const REPO = path.resolve(__dirname, '..', '..', '..');

/** A TCP port free on loopback now (for the daemon's HTTP endpoint, a relay). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface AriSettings {
  url: string;
  username: string;
  password: string;
}

/** From the environment, else from the sandbox script (which must have been started). */
export function ariSettings(): AriSettings {
  if (!process.env.ARI_PASSWORD) {
    const out = execFileSync('bash', [path.join(REPO, 'scripts/asterisk-sandbox.sh'), 'settings'], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const m = /^export (\w+)=(.*)$/.exec(line.trim());
      if (m) process.env[m[1] as string] = m[2];
    }
  }
  return {
    url: process.env.ARI_URL ?? 'http://127.0.0.1:8088',
    username: process.env.ARI_USERNAME ?? 'accueil',
    password: process.env.ARI_PASSWORD ?? '',
  };
}

/** Exactly the variables `npm run asterisk:up` prints for the daemon (`export NAME=value` lines). */
export function sandboxSettings(): Record<string, string> {
  const out = execFileSync('bash', [path.join(REPO, 'scripts/asterisk-sandbox.sh'), 'settings'], { encoding: 'utf8' });
  const settings: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim());
    if (m) settings[m[1] as string] = m[2] as string;
  }
  return settings;
}

export async function ari<T = unknown>(method: string, resource: string, body?: unknown): Promise<T> {
  const s = ariSettings();
  const res = await fetch(`${s.url}/ari/${resource}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`ARI ${method} ${resource}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Where the sandbox Asterisk writes recordings (its /var/spool/asterisk/recording). */
export function sandboxRecordingsDir(): string {
  const base = process.env.ACCUEIL_SANDBOX_DIR ?? '/var/cache/accueil/sandbox';
  const root = fs.readFileSync(path.join(base, 'state', 'root'), 'utf8').trim();
  return path.join(root, 'var/spool/asterisk/recording');
}

/** Where the daemon writes rendered speech so that the sandbox Asterisk plays it as `accueil-say/<hash>`. */
export function sandboxSpeechDir(): string {
  const base = process.env.ACCUEIL_SANDBOX_DIR ?? '/var/cache/accueil/sandbox';
  const root = fs.readFileSync(path.join(base, 'state', 'root'), 'utf8').trim();
  return path.join(root, 'usr/share/asterisk/sounds/accueil-say');
}

/**
 * Asterisk's own log (notices, warnings, verbose 3) written since `sinceMs`:
 * evidence ARI has no event for, like music on hold. The log outlives sandbox
 * restarts and channel numbers restart with Asterisk, hence the time filter.
 */
export function asteriskLogSince(sinceMs: number): string[] {
  const base = process.env.ACCUEIL_SANDBOX_DIR ?? '/var/cache/accueil/sandbox';
  const root = fs.readFileSync(path.join(base, 'state', 'root'), 'utf8').trim();
  const file = path.join(root, 'var/log/asterisk/messages');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => {
      const m = /^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\]/.exec(line);
      return m !== null && new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!).getTime() >= sinceMs;
    });
}

/** Recording files of one call (the adapter names them accueil-<box>-<callId>-<id>.wav). */
export function recordingsOfCall(callId: string): string[] {
  const dir = sandboxRecordingsDir();
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.includes(`-${callId}-`)).map((f) => path.join(dir, f));
}

/**
 * Removes message recordings an earlier, failed run left in the sandbox's spool: a
 * daemon rightly stores any such recording as a message it finds unstored, which
 * would add strangers' messages to a test's store. Returns how many were removed.
 */
export function clearLeftRecordings(): number {
  const dir = sandboxRecordingsDir();
  if (!fs.existsSync(dir)) return 0;
  const left = fs.readdirSync(dir).filter((f) => f.startsWith('accueil-'));
  for (const f of left) fs.rmSync(path.join(dir, f), { force: true });
  return left.length;
}

export async function isAsteriskUp(): Promise<boolean> {
  try {
    await ari('GET', 'asterisk/ping');
    return true;
  } catch {
    return false;
  }
}

/** Channels and bridges Asterisk holds now. */
export async function asteriskResources(): Promise<{ channels: { id: string; name: string }[]; bridges: { id: string }[] }> {
  const [channels, bridges] = await Promise.all([ari<{ id: string; name: string }[]>('GET', 'channels'), ari<{ id: string }[]>('GET', 'bridges')]);
  return { channels, bridges };
}

/** Waits until Asterisk holds no channel and no bridge (or the time is up) and returns what is left. */
export async function settle(timeoutMs = 5000): Promise<{ channels: { id: string; name: string }[]; bridges: { id: string }[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await asteriskResources();
    if ((left.channels.length === 0 && left.bridges.length === 0) || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ObservedEvent {
  type: string;
  at: number;
  channel?: { id: string; name: string; state: string };
  playback?: { id: string; media_uri: string; target_uri: string };
  [key: string]: unknown;
}

/** Records all ARI events (subscribeAll) under its own application name. */
export class AriObserver {
  readonly events: ObservedEvent[] = [];
  private socket: WebSocket | undefined;

  async start(): Promise<void> {
    const s = ariSettings();
    const url = `${s.url.replace(/^http/, 'ws')}/ari/events?app=accueil-observer&subscribeAll=true&api_key=${encodeURIComponent(`${s.username}:${s.password}`)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as ObservedEvent;
      event.at = Date.now();
      this.events.push(event);
    });
    await new Promise<void>((resolve, reject) => {
      // Bounded: a websocket Asterisk never answers must fail the test, not hold the run.
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('the ARI observer websocket did not open within 10 s'));
      }, 10_000);
      socket.once('open', () => (clearTimeout(timer), resolve()));
      socket.once('error', (err) => (clearTimeout(timer), reject(err)));
    });
  }

  /** The media played to channels whose name starts with `channelPrefix` ("PJSIP/trunk"). */
  played(channelPrefix = 'PJSIP/trunk'): string[] {
    return this.events
      .filter((e) => (e.type === 'PlaybackStarted' || e.type === 'PlaybackContinuing') && e.playback)
      .filter((e) => {
        const target = e.playback?.target_uri ?? '';
        const channelId = target.replace(/^channel:/, '');
        return this.channelName(channelId).startsWith(channelPrefix);
      })
      .map((e) => e.playback?.media_uri ?? '');
  }

  channelName(channelId: string): string {
    for (const e of this.events) if (e.channel?.id === channelId) return e.channel.name;
    return '';
  }

  ofType(type: string): ObservedEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  stop(): void {
    this.socket?.close();
  }
}

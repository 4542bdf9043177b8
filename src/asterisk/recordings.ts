// Asterisk's recordings as the daemon reaches them: over ARI, so the message
// store works whether Asterisk runs beside the daemon, in a container, in the
// sandbox's root filesystem or on another machine (no shared folder needed).
//   GET    /recordings/stored/{name}/file   the audio
//   DELETE /recordings/stored/{name}        once the message is stored
//   GET    /recordings/stored               the folder can be read (start check)
//   GET    /recordings/live/{name}          a recording still going on

import type { RecordingSource } from '../voicemail/source';
import type { AriConnection } from './connection';

/** The wav format Asterisk writes for `format: 'wav'`: 8 kHz, 16-bit mono, 44-byte header. */
export const WAV_BYTES_PER_MS = 16;
export const WAV_HEADER_BYTES = 44;

/** A recording's length from the size of its WAV file (Asterisk's `wav`: 8 kHz 16-bit). */
export function wavDurationMs(bytes: number): number {
  return Math.max(0, Math.round((bytes - WAV_HEADER_BYTES) / WAV_BYTES_PER_MS));
}

/** The name Asterisk stores a message under (…/recording/<name>.wav). */
export function recordingNameOf(box: string, callId: string, recordingId: string): string {
  return `accueil-${box}-${callId}-${recordingId}`;
}

/**
 * The name Asterisk stores a studio take under: outside the `accueil-<box>-` names,
 * so no voicemail box (whatever its name) ever takes a take for a lost message.
 */
export function takeNameOf(callId: string, recordingId: string): string {
  return `studio-${callId}-${recordingId}`;
}

/** The call a recording of ours belongs to (its name ends with `<callId>:rec<n>` or `:take<n>`), else undefined. */
export function callIdOfRecording(name: string): string | undefined {
  return /([0-9a-z]+-[0-9a-z]+):(?:rec|take)\d+$/.exec(name)?.[1];
}

/**
 * The box, call and recording a message's recording name stands for (the reverse
 * of recordingNameOf), given the boxes that may have made it; undefined for any
 * other recording (a studio recording, another application's).
 */
export function parseRecordingName(name: string, boxes: string[]): { box: string; callId: string; recordingId: string } | undefined {
  for (const box of [...boxes].sort((a, b) => b.length - a.length)) {
    const prefix = `accueil-${box}-`;
    if (!name.startsWith(prefix)) continue;
    const m = /^(.+)-(\1:rec\d+)$/.exec(name.slice(prefix.length));
    if (m) return { box, callId: m[1] as string, recordingId: m[2] as string };
  }
  return undefined;
}

/** When a call arrived, from its id (`<epoch ms base 36>-<sequence>`); undefined if the id says nothing. */
export function arrivalOfCallId(callId: string): number | undefined {
  const ms = parseInt(callId.split('-')[0] ?? '', 36);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export type RecordingEnd = 'dtmf' | 'silence' | 'maxLength' | 'hangup';

/**
 * Why a recording ended. Asterisk's RecordingFinished gives no reason for a normal
 * end (its `cause` is only set on failure), and it may come before the caller's
 * hang-up: a key pressed meanwhile is '#', a length reaching the maximum (within
 * 1 s) is max length, the caller gone is a hang-up; otherwise silence if the box
 * detects it, else a hang-up (nothing else ends a recording).
 */
export function recordingEndCause(r: { failed: boolean; hungUp: boolean; key: boolean; durationMs: number; maxLengthMs: number; silenceMs?: number; cause?: string }): RecordingEnd {
  if (r.failed) return 'hangup';
  if (r.cause === 'dtmf' || r.cause === 'silence') return r.cause;
  if (r.key) return 'dtmf';
  if (r.hungUp) return 'hangup';
  if (r.durationMs >= r.maxLengthMs - 1000) return 'maxLength';
  if (r.silenceMs) return 'silence';
  return 'hangup';
}

async function reason(res: Response): Promise<string> {
  const body = await res.text().catch(() => '');
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: string; error?: string };
    message = parsed.message ?? parsed.error ?? message;
  } catch {
    // not JSON: keep the text
  }
  return `HTTP ${res.status}${message ? ` ${message.slice(0, 200)}` : ''}`;
}

/** A recording name as one path segment (its ':' kept: valid in a path, and how Asterisk names the file). */
function path(name: string): string {
  return encodeURIComponent(name).replace(/%3A/gi, ':');
}

export class AriRecordings implements RecordingSource {
  constructor(private readonly ari: AriConnection) {}

  async fetch(name: string): Promise<Buffer> {
    const res = await this.ari.http('GET', `recordings/stored/${path(name)}/file`);
    if (!res.ok) throw new Error(`Asterisk could not give recording ${name} over ARI: ${await reason(res)}`);
    return Buffer.from(await res.arrayBuffer());
  }

  async remove(name: string): Promise<void> {
    const res = await this.ari.http('DELETE', `recordings/stored/${path(name)}`);
    if (res.ok || res.status === 404) {
      await res.arrayBuffer().catch(() => undefined);
      return;
    }
    throw new Error(`Asterisk could not delete recording ${name}: ${await reason(res)}`);
  }

  async check(): Promise<string | undefined> {
    try {
      const res = await this.ari.http('GET', 'recordings/stored');
      if (res.ok) {
        await res.arrayBuffer();
        return undefined;
      }
      return `Asterisk cannot list its recordings over ARI (GET /recordings/stored: ${await reason(res)}); is its recording folder readable by Asterisk?`;
    } catch (err) {
      return `ARI did not answer GET /recordings/stored: ${(err as Error).message}`;
    }
  }

  async list(): Promise<string[]> {
    const res = await this.ari.http('GET', 'recordings/stored');
    if (!res.ok) throw new Error(`Asterisk cannot list its recordings: ${await reason(res)}`);
    const items = (await res.json()) as { name?: unknown }[];
    return items.map((r) => r.name).filter((n): n is string => typeof n === 'string');
  }

  async isLive(name: string): Promise<boolean> {
    const state = await this.liveState(name);
    return state !== undefined && state !== 'done' && state !== 'failed' && state !== 'canceled';
  }

  /** A live recording's state (queued, recording, paused, done…), undefined when Asterisk has none of that name. */
  async liveState(name: string): Promise<string | undefined> {
    const res = await this.ari.http('GET', `recordings/live/${path(name)}`);
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      return undefined;
    }
    return ((await res.json()) as { state?: string }).state ?? 'recording';
  }

  /** The size of a finished recording's file, 0 when there is none. */
  async storedBytes(name: string): Promise<number> {
    const res = await this.ari.http('GET', `recordings/stored/${path(name)}/file`);
    const body = await res.arrayBuffer().catch(() => new ArrayBuffer(0));
    return res.ok ? body.byteLength : 0;
  }
}

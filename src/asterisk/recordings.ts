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
    const res = await this.ari.http('GET', `recordings/live/${path(name)}`);
    await res.arrayBuffer().catch(() => undefined);
    return res.ok;
  }
}

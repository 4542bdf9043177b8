// Shared bits of the voicemail tests: temp folders, small real WAV files, a box, a logger that remembers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VoicemailBox } from '../../../src/plan/types';
import type { NewMessage } from '../../../src/voicemail/store';

export function tempDir(prefix = 'accueil-vm-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A mono 8 kHz 16-bit PCM WAV of `ms` milliseconds; `seed` makes contents differ. */
export function wavBytes(ms: number, seed = 1): Buffer {
  const samples = Math.round((8000 * ms) / 1000);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((i * seed) / 10)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Write a recording the way Asterisk leaves it in its spool folder. */
export function writeRecording(dir: string, name: string, ms = 5000, seed = 1): { file: string; bytes: Buffer } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.wav`);
  const bytes = wavBytes(ms, seed);
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

export function newMessage(recordingPath: string, over: Partial<NewMessage> = {}): NewMessage {
  return {
    recordingPath,
    box: 'dr-martin',
    called: '+33142000001',
    calledName: 'Dr Martin',
    caller: '0612345678',
    startedAt: Date.parse('2026-03-15T13:30:12Z'),
    durationMs: 5000,
    planVersion: 'abc123def456',
    callId: 'c1',
    ...over,
  };
}

export function box(over: Partial<VoicemailBox> = {}, notify: Partial<VoicemailBox['notify']> = {}): VoicemailBox {
  return {
    name: 'dr-martin',
    record: true,
    maxLength: 120_000,
    minLength: 2000,
    notify: { email: ['dr.martin@example.org'], ...notify },
    ...over,
  };
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

export function memoryLogger(): { lines: LogLine[]; info: (o: object, m: string) => void; warn: (o: object, m: string) => void; error: (o: object, m: string) => void } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}
